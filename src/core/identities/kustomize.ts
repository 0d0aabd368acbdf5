import { posix } from 'node:path';
import { HelmCharts } from './helm.js';
import type { ExtractError, IdentityRecord, IdentityReference, SourceFile } from '../types.js';
import { extractKubernetes } from './kubernetes.js';
import { loadYaml } from './yaml/load.js';
import { asList, asMapping, asText } from './yaml/values.js';
import { append } from '../append.js';

/**
 * Kustomize namespaces, joined across files: a `kustomization.yaml` with `namespace: X` puts the
 * resources it lists (files in its folder or below) in X when they name no namespace of their own,
 * so `ServiceAccount/default/indexer` in a base becomes `ServiceAccount/X/indexer`.
 *
 * Extractors read one file at a time and the kustomization may come before or after the files it
 * lists, so this is a post-pass the pipeline runs before `linkReferences`: it keeps the few
 * manifests that used the implicit `default` namespace and, once every file is read, re-extracts
 * those a kustomization lists with X as their default. Re-extracting (rather than rewriting ids)
 * keeps every id, `usedBy` edge, RoleBinding subject and `Role/<ns>/…` permission consistent.
 */

const KUSTOMIZATION = /(^|\/)kustomization\.ya?ml$/i;

export interface Kustomization {
  file: string;
  /** Folder of the kustomization, '' at the root. */
  dir: string;
  namespace?: string;
  /** `resources:` entries resolved against `dir`; entries leaving the folder (`../`) or remote ones are dropped. */
  resources: string[];
}

export function isKustomization(path: string): boolean {
  return KUSTOMIZATION.test(path);
}

export function readKustomization(file: SourceFile): { kustomization?: Kustomization; errors: ExtractError[] } {
  const yaml = loadYaml(file.path, file.content);
  const body = asMapping(yaml.documents[0]?.value);
  if (!body) return { errors: yaml.errors };
  const dir = posix.dirname(file.path) === '.' ? '' : posix.dirname(file.path);
  const resources: string[] = [];
  for (const entry of asList(body.resources)) {
    const text = asText(entry);
    if (!text || /^[a-z][\w+.-]*:\/\//i.test(text) || text.includes('?')) continue;
    const resolved = posix.normalize(dir ? `${dir}/${text}` : text).replace(/\/$/, '');
    if (resolved === '.' || resolved.startsWith('../') || resolved === '..' || (dir && !resolved.startsWith(`${dir}/`))) continue;
    resources.push(resolved);
  }
  const namespace = asText(body.namespace);
  return { kustomization: { file: file.path, dir, ...(namespace ? { namespace } : {}), resources }, errors: yaml.errors };
}

/**
 * The post-pass: feed it every file with what was extracted from it, then `apply` before linking.
 * It also renders Helm template names with their chart's defaults (helm.ts), so that every caller
 * of this one post-pass (scan, PR check) sees the same ids.
 */
function usesDefault(extracted: { records: readonly IdentityRecord[]; references: readonly IdentityReference[] }): boolean {
  return (
    extracted.records.some((r) => r.platform === 'kubernetes' && r.namespace === 'default') ||
    extracted.references.some((ref) => ref.target.startsWith('kubernetes:') && ref.usedBy?.namespace === 'default')
  );
}

export class KustomizeNamespaces {
  private readonly helm = new HelmCharts();
  private readonly kustomizations = new Map<string, Kustomization>();
  /** Manifests with at least one resource in the implicit `default` namespace, by path. */
  private readonly candidates = new Map<string, SourceFile>();

  /**
   * Whether `add` reads this file's text (a file scanned in a worker thread sends its text back
   * only then): a kustomization, a Helm chart's Chart/values file, a manifest using `default`.
   */
  static keepsFile(path: string, extracted: { records: readonly IdentityRecord[]; references: readonly IdentityReference[] }): boolean {
    return HelmCharts.reads(path) || isKustomization(path) || usesDefault(extracted);
  }

  /** Returns the kustomization's own parse errors (other files' errors come from their extractors). */
  add(file: SourceFile, extracted: { records: readonly IdentityRecord[]; references: readonly IdentityReference[] }): ExtractError[] {
    this.helm.add(file);
    if (isKustomization(file.path)) {
      const { kustomization, errors } = readKustomization(file);
      if (kustomization) this.kustomizations.set(kustomization.dir, kustomization);
      return errors;
    }
    if (usesDefault(extracted)) this.candidates.set(file.path, file);
    return [];
  }

  /** Namespace each candidate manifest gets from the kustomizations listing it. */
  namespaces(): Map<string, string> {
    const out = new Map<string, string>();
    const visit = (k: Kustomization, namespace: string, seen: Set<string>) => {
      for (const resource of k.resources) {
        const nested = this.kustomizations.get(resource);
        // A listed folder is a kustomization of its own; its namespace, if any, is its own.
        if (nested && !seen.has(resource)) visit(nested, nested.namespace ?? namespace, new Set([...seen, resource]));
        else if (this.candidates.has(resource) && !out.has(resource)) out.set(resource, namespace);
      }
    };
    // Deepest kustomization first: the one closest to a file decides its namespace.
    const ordered = [...this.kustomizations.values()].sort((a, b) => b.dir.split('/').length - a.dir.split('/').length || (a.dir < b.dir ? -1 : 1));
    for (const k of ordered) if (k.namespace) visit(k, k.namespace, new Set([k.dir]));
    return out;
  }

  /** Replaces, in place, the records and references of every re-namespaced manifest. */
  apply(records: IdentityRecord[], references: IdentityReference[]): void {
    this.applyNamespaces(records, references);
    this.helm.apply(records, references);
  }

  private applyNamespaces(records: IdentityRecord[], references: IdentityReference[]): void {
    const namespaces = this.namespaces();
    if (namespaces.size === 0) return;
    const redone = new Map<string, { records: IdentityRecord[]; references: IdentityReference[] }>();
    for (const [path, namespace] of namespaces) {
      const result = extractKubernetes(this.candidates.get(path)!, { defaultNamespace: namespace });
      redone.set(path, { records: result.records, references: result.references ?? [] });
    }
    const fromRedone = (platform: string, file: string) => platform === 'kubernetes' && redone.has(file);
    // Keep the order of declarations: linkReferences keeps the first of duplicate ids.
    const keptRecords: IdentityRecord[] = [];
    const placed = new Set<string>();
    for (const record of records) {
      if (!fromRedone(record.platform, record.file)) keptRecords.push(record);
      else if (!placed.has(record.file)) {
        placed.add(record.file);
        append(keptRecords, redone.get(record.file)!.records);
      }
    }
    for (const [path, result] of redone) if (!placed.has(path)) append(keptRecords, result.records);
    records.splice(0, records.length, ...keptRecords);
    const keptRefs = references.filter((ref) => !(ref.target.startsWith('kubernetes:') && ref.usedBy && redone.has(ref.usedBy.file)));
    for (const result of redone.values()) append(keptRefs, result.references);
    references.splice(0, references.length, ...keptRefs);
  }
}
