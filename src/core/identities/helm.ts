import type { IdentityRecord, IdentityReference, SourceFile, UsedBy } from '../types.js';
import { loadYaml } from './yaml/load.js';
import { asMapping, asText, type Mapping } from './yaml/values.js';

/**
 * Readable ids for NHIs declared in Helm chart templates. The Kubernetes extractor keeps template
 * text (`{{ include "worker.serviceAccountName" . }}`) because it reads one file at a time; this
 * post-pass, fed the chart's `Chart.yaml` and `values.yaml`, renders the common forms with the
 * chart's defaults, as `helm install <chart> ./<chart>` would name things:
 * - `.Release.Namespace` → `helm.<chart>` (the namespace the release goes to, unknown in code);
 * - `.Release.Name`, `.Chart.Name`, `include "<x>.name"` → the chart name (or `nameOverride`);
 * - `include "<x>.fullname"` → `fullnameOverride`, else the chart name;
 * - `include "<x>.serviceAccountName"` → `serviceAccount.name`, else the fullname (or `default`
 *   when `serviceAccount.create` is false), as `helm create` charts define it;
 * - `.Values.a.b` (with `| default "x"`) → the values.yaml default, else the `default`, else `b`;
 * - anything else → the last word of the template (`include "x.y"` → `y`), so no `{{ }}` is left.
 * The original template text stays in `attributes.helmTemplate`.
 */
const CHART_FILE = /^(?:(.*)\/)?(Chart|values)\.ya?ml$/;

export class HelmCharts {
  private readonly charts = new Map<string, { name?: string; values: Mapping }>();

  /** Whether `add` reads this file (a chart's Chart.yaml or values.yaml). */
  static reads(path: string): boolean {
    return CHART_FILE.test(path);
  }

  add(file: SourceFile): void {
    const m = CHART_FILE.exec(file.path);
    if (!m) return;
    const dir = m[1] ?? '';
    const chart = this.charts.get(dir) ?? { values: {} };
    const value = asMapping(loadYaml(file.path, file.content).documents[0]?.value) ?? {};
    if (m[2] === 'Chart') chart.name = asText(value.name);
    else chart.values = value;
    this.charts.set(dir, chart);
  }

  /** Rewrites, in place, ids and names holding template text in files under `<chart>/templates/`. */
  apply(records: IdentityRecord[], references: IdentityReference[]): void {
    const renderer = (file: string) => {
      const at = file.lastIndexOf('/templates/');
      if (at === -1 && !file.startsWith('templates/')) return undefined;
      const dir = at === -1 ? '' : file.slice(0, at);
      const chart = this.charts.get(dir);
      const name = chart?.name ?? (dir.split('/').pop() || 'chart');
      return (text: string) => renderHelm(text, name, chart?.values ?? {});
    };
    const fixUser = (user: UsedBy): UsedBy => {
      const render = renderer(user.file);
      if (!render || !user.id.includes('{{')) return user;
      return { ...user, id: render(user.id), name: render(user.name), ...(user.namespace !== undefined ? { namespace: render(user.namespace) } : {}) };
    };
    for (const record of records) {
      const render = record.platform === 'kubernetes' ? renderer(record.file) : undefined;
      if (render && record.id.includes('{{')) {
        record.attributes.helmTemplate = record.id;
        record.id = render(record.id);
        record.name = render(record.name);
        if (record.namespace !== undefined) record.namespace = render(record.namespace);
      }
      record.usedBy = record.usedBy.map(fixUser);
    }
    for (const ref of references) {
      if (!ref.usedBy || !ref.target.startsWith('kubernetes:')) continue;
      const render = renderer(ref.usedBy.file);
      if (render && ref.target.includes('{{')) ref.target = render(ref.target);
      ref.usedBy = fixUser(ref.usedBy);
    }
  }
}

const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;

export function renderHelm(text: string, chart: string, values: Mapping): string {
  const value = (path: string): string | undefined => {
    let node: unknown = values;
    for (const key of path.split('.')) node = asMapping(node)?.[key];
    const t = asText(node);
    return t === undefined || t === '' ? undefined : t;
  };
  const name = value('nameOverride') ?? chart;
  const fullname = value('fullnameOverride') ?? name;
  return text.replace(ACTION, (_match, body: string) => {
    if (/^\.Release\.Namespace\b/.test(body)) return value('namespaceOverride') ?? `helm.${chart}`;
    if (/^\.(Release|Chart)\.Name\b/.test(body)) return chart;
    const include = /^(?:include|template)\s+"([^"]+)"/.exec(body);
    if (include) {
      const helper = include[1].split('.').pop() ?? '';
      if (helper === 'fullname') return fullname;
      if (helper === 'name' || helper === 'chart') return name;
      if (helper === 'serviceAccountName') return value('serviceAccount.name') ?? (values.serviceAccount && asMapping(values.serviceAccount)?.create === false ? 'default' : fullname);
      return helper || '_';
    }
    const ref = /^\.Values\.([\w.]+)(?:\s*\|\s*default\s+"([^"]*)")?/.exec(body);
    if (ref) return value(ref[1]) ?? ref[2] ?? ref[1].split('.').pop()!;
    const words = body.match(/[\w-]+/g);
    return words?.at(-1) ?? '_';
  });
}
