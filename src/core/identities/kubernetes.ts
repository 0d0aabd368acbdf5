import type { ExtractResult, Extractor, IdentityRecord, IdentityReference, SourceFile, UsedBy } from '../types.js';
import { linkLocal } from './link.js';
import { loadYaml, type LoadedYaml } from './yaml/load.js';
import { maskTemplates } from './yaml/template-mask.js';
import { asList, asMapping, asText, dig, type Mapping } from './yaml/values.js';

/**
 * Kubernetes manifests (SPEC §2.3): ServiceAccounts are identities, Secrets (and the
 * ExternalSecret / SealedSecret objects that produce them) are credentials; workloads and role
 * bindings become `usedBy` edges and `permissions`. Multi-document files, `kind: List`, Helm
 * templates (masked, records marked `templated`) and Kustomize resources are read as they are.
 *
 * Rotation evidence, decided here:
 * - a `kubernetes.io/service-account-token` Secret is long-lived: no evidence;
 * - an ExternalSecret is `managed`: the value lives in an external store that refreshes it;
 * - a SealedSecret is NOT evidence: it is encrypted in git but as static as a plain Secret;
 * - a Secret annotated by cert-manager is `managed` (cert-manager renews it);
 * - a ServiceAccount bound to a cloud workload identity (IRSA, GKE, Azure) gets short-lived
 *   cloud credentials: evidence `workload identity`.
 */

const PLATFORM = 'kubernetes';

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATH: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'],
};

/** Annotations that tie a ServiceAccount to a cloud identity with short-lived credentials. */
const WORKLOAD_IDENTITY_ANNOTATIONS = ['eks.amazonaws.com/role-arn', 'iam.gke.io/gcp-service-account', 'azure.workload.identity/client-id'];

/** Annotations showing a Secret is issued and renewed by a controller. */
const MANAGED_SECRET_ANNOTATIONS: Record<string, string> = {
  'cert-manager.io/certificate-name': 'cert-manager Certificate',
};

/** Cluster-scoped kinds have no namespace segment in their ids. */
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
const APP_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app'];

/** A Kubernetes manifest names its kind; these others are YAML too but belong to other extractors. */
const NOT_MANIFESTS = [/(^|\/)\.github\/workflows\//, /(^|\/)(docker-)?compose[\w.-]*\.ya?ml$/i, /(^|\/)kustomization\.ya?ml$/i];

export const kubernetesExtractor: Extractor = {
  platform: PLATFORM,
  matches(path, content) {
    if (!/\.ya?ml$/i.test(path) || NOT_MANIFESTS.some((re) => re.test(path))) return false;
    if (content === undefined) return true;
    return content.includes('apiVersion') && content.includes('kind') && !content.includes('AWSTemplateFormatVersion') && !/Type:\s*["']?AWS::/.test(content);
  },
  extract: (file) => extractKubernetes(file),
};

interface Context {
  file: string;
  yaml: LoadedYaml;
  unmask: (value: string) => string;
  templated: boolean;
  records: IdentityRecord[];
  refs: IdentityReference[];
  /** `Role/<ns>/<name>` or `ClusterRole/<name>` → rule summaries, for bindings in the same file. */
  roleRules: Map<string, string[]>;
  defaultNamespace: string;
  /** `@<cluster target>` for manifests of one environment or cluster (see `clusterTarget`), else empty. */
  suffix: string;
}

interface Resource {
  kind: string;
  apiVersion: string;
  name: string;
  /** Empty for cluster-scoped kinds. */
  namespace: string;
  body: Mapping;
  line: number;
}

export interface KubernetesOptions {
  /** Namespace of resources that name none (a Kustomize `namespace:`); `default` otherwise. */
  defaultNamespace?: string;
}

export function extractKubernetes(file: SourceFile, options: KubernetesOptions = {}): ExtractResult {
  const masked = maskTemplates(file.content);
  const yaml = loadYaml(file.path, masked.text, { allowDuplicateKeys: masked.templated });
  const target = clusterTarget(file.path);
  const ctx: Context = { file: file.path, yaml, unmask: masked.unmask, templated: masked.templated, records: [], refs: [], roleRules: new Map(), defaultNamespace: options.defaultNamespace ?? 'default', suffix: target ? `@${target}` : '' };
  const resources = yaml.documents.flatMap((doc) => resourcesOf(ctx, doc.value, doc.line));
  for (const r of resources) if (r.kind === 'Role' || r.kind === 'ClusterRole') ctx.roleRules.set(roleKey(r.kind, r.namespace, r.name), ruleSummaries(r.body));
  for (const r of resources) HANDLERS[r.kind]?.(ctx, r);
  for (const r of resources) if (POD_SPEC_PATH[r.kind]) workloadEdges(ctx, r);
  const references = linkLocal(ctx.records, ctx.refs);
  return { records: ctx.records, errors: yaml.errors, references };
}

/** Directories whose child names a cluster or environment (`overlays/prod`, Flux `clusters/eu-1`). */
const TARGET_PARENTS = new Set(['overlays', 'overlay', 'clusters', 'cluster', 'envs', 'env', 'environments']);
const ENVIRONMENT_WORD = /^(prod|production|prd|live|staging|stage|stg|preprod|uat|dev|develop|development|qa|sandbox)$/i;

/**
 * The cluster target a manifest deploys to, from its path: the child of an `overlays/`,
 * `clusters/` or `envs/` directory, else a directory named for an environment (`prod`, `k8s-staging`).
 * The same ServiceAccount name in one namespace is one identity per target: `…/payments/api@prod`
 * and `…/payments/api@staging` have their own owners. Manifests outside any target (a Kustomize
 * base) keep plain ids, and a reference from a target falls back to them (see link.ts).
 */
export function clusterTarget(path: string): string | undefined {
  const dirs = path.split('/').slice(0, -1);
  for (let i = 0; i < dirs.length - 1; i++) if (TARGET_PARENTS.has(dirs[i].toLowerCase())) return dirs[i + 1].toLowerCase();
  for (let i = dirs.length - 1; i >= 0; i--) if (dirs[i].split(/[-_.]/).some((word) => ENVIRONMENT_WORD.test(word))) return dirs[i].toLowerCase();
  return undefined;
}

/** A document is one resource, or a `kind: List` of them (kubectl get -o yaml). */
function resourcesOf(ctx: Context, value: unknown, docLine: number): Resource[] {
  const body = asMapping(value);
  if (!body) return [];
  const kind = text(ctx, body.kind);
  if (!kind) return [];
  if (kind === 'List' || kind.endsWith('List')) return asList(body.items).flatMap((item) => resourcesOf(ctx, item, ctx.yaml.lineOf(item, docLine)));
  const metadata = asMapping(body.metadata) ?? {};
  const name = text(ctx, metadata.name);
  if (!name) return [];
  const namespace = CLUSTER_SCOPED.has(kind) ? '' : (text(ctx, metadata.namespace) ?? ctx.defaultNamespace);
  return [{ kind, apiVersion: text(ctx, body.apiVersion) ?? '', name, namespace, body, line: ctx.yaml.lineOf(body, docLine) }];
}

type Handler = (ctx: Context, r: Resource) => void;

const HANDLERS: Record<string, Handler> = {
  ServiceAccount: serviceAccount,
  Secret: secret,
  ExternalSecret: externalSecret,
  SealedSecret: sealedSecret,
  RoleBinding: binding,
  ClusterRoleBinding: binding,
};

function serviceAccount(ctx: Context, r: Resource): void {
  const annotations = asMapping(dig(r.body, ['metadata', 'annotations'])) ?? {};
  const workloadIdentity = WORKLOAD_IDENTITY_ANNOTATIONS.find((key) => annotations[key] !== undefined);
  const attributes: Mapping = {};
  if (typeof r.body.automountServiceAccountToken === 'boolean') attributes.automountServiceAccountToken = r.body.automountServiceAccountToken;
  if (workloadIdentity) attributes.workloadIdentity = { [workloadIdentity]: text(ctx, annotations[workloadIdentity]) };
  const pullSecrets = names(ctx, r.body.imagePullSecrets);
  if (pullSecrets.length) attributes.imagePullSecrets = pullSecrets;
  const app = appLabel(ctx, asMapping(dig(r.body, ['metadata', 'labels'])));
  if (app) attributes.app = app;
  addRecord(ctx, r, 'identity', 'ServiceAccount', attributes, workloadIdentity ? `workload identity (${workloadIdentity})` : undefined);
}

function secret(ctx: Context, r: Resource): void {
  const secretType = text(ctx, r.body.type) ?? 'Opaque';
  const keys = [...Object.keys(asMapping(r.body.data) ?? {}), ...Object.keys(asMapping(r.body.stringData) ?? {})].map(ctx.unmask).sort();
  // An Opaque Secret without data is an empty shell (often filled by a controller): no credential.
  if (secretType === 'Opaque' && keys.length === 0) return;
  const annotations = asMapping(dig(r.body, ['metadata', 'annotations'])) ?? {};
  const attributes: Mapping = { secretType, keys };
  const managedBy = Object.keys(MANAGED_SECRET_ANNOTATIONS).find((key) => annotations[key] !== undefined);
  const record = addRecord(ctx, r, 'credential', 'Secret', attributes, managedBy ? `managed (${MANAGED_SECRET_ANNOTATIONS[managedBy]} ${text(ctx, annotations[managedBy])})` : undefined);
  const owner = text(ctx, annotations['kubernetes.io/service-account.name']);
  if (secretType === 'kubernetes.io/service-account-token' && owner) {
    attributes.serviceAccount = owner;
    // The token is the ServiceAccount's long-lived credential: the SA is its user.
    record.usedBy.push({ id: `${PLATFORM}:ServiceAccount/${r.namespace}/${owner}${ctx.suffix}`, kind: 'ServiceAccount', name: owner, namespace: r.namespace, file: ctx.file, line: ctx.yaml.keyLine(annotations, 'kubernetes.io/service-account.name', r.line), via: 'service-account-token' });
  }
}

function externalSecret(ctx: Context, r: Resource): void {
  const spec = asMapping(r.body.spec) ?? {};
  const target = text(ctx, dig(spec, ['target', 'name'])) ?? r.name;
  const keys = asList(spec.data).map((d) => text(ctx, asMapping(d)?.secretKey)).filter((k): k is string => !!k).sort();
  const store = asMapping(spec.secretStoreRef) ?? {};
  const attributes = { secretType: 'Opaque', keys, source: 'ExternalSecret', externalSecret: r.name, store: text(ctx, store.name), storeKind: text(ctx, store.kind) ?? 'SecretStore' };
  const refresh = text(ctx, spec.refreshInterval) ?? '1h';
  addRecord(ctx, { ...r, name: target }, 'credential', 'Secret', attributes, `managed (ExternalSecret ${r.name}, refresh ${refresh})`);
}

function sealedSecret(ctx: Context, r: Resource): void {
  const spec = asMapping(r.body.spec) ?? {};
  const template = asMapping(spec.template) ?? {};
  const target = text(ctx, dig(template, ['metadata', 'name'])) ?? r.name;
  const keys = Object.keys(asMapping(spec.encryptedData) ?? {}).sort();
  addRecord(ctx, { ...r, name: target }, 'credential', 'Secret', { secretType: text(ctx, template.type) ?? 'Opaque', keys, source: 'SealedSecret' });
}

function binding(ctx: Context, r: Resource): void {
  const roleRef = asMapping(r.body.roleRef) ?? {};
  const refKind = text(ctx, roleRef.kind) ?? 'ClusterRole';
  const refName = text(ctx, roleRef.name);
  if (!refName) return;
  const scoped = r.kind === 'RoleBinding';
  const key = roleKey(refKind, r.namespace, refName);
  // A ClusterRole granted by a RoleBinding only applies inside the binding's namespace.
  const grant = refKind === 'ClusterRole' && scoped ? `${key} (namespace ${r.namespace})` : key;
  const permissions = [grant, ...(ctx.roleRules.get(key) ?? []).map((rule) => `${key}: ${rule}`)];
  // Where the grant is written: the binding's roleRef, reported by identity/overprivileged.
  const refLine = ctx.yaml.keyLine(r.body, 'roleRef', r.line);
  const scope = r.kind === 'ClusterRoleBinding' ? 'cluster-wide' : `in namespace ${r.namespace}`;
  const grants = [`k8s-role:${key} ${scope}`, ...(ctx.roleRules.get(key) ?? []).map((rule) => `k8s-rule:${rule} (${key}) ${scope}`)].map((permission) => ({ permission, file: ctx.file, line: refLine }));
  for (const subject of asList(r.body.subjects)) {
    const s = asMapping(subject);
    if (!s || text(ctx, s.kind) !== 'ServiceAccount') continue;
    const name = text(ctx, s.name);
    if (!name) continue;
    const namespace = text(ctx, s.namespace) ?? (scoped ? r.namespace : 'default');
    const usedBy = edge(ctx, r, ctx.yaml.lineOf(s, r.line), 'roleRef');
    ctx.refs.push({ target: `${PLATFORM}:ServiceAccount/${namespace}/${name}${ctx.suffix}`, usedBy, permissions, grants });
  }
}

/** Edges from a workload's pod spec to the ServiceAccount and Secrets it uses. */
function workloadEdges(ctx: Context, r: Resource): void {
  const podSpec = asMapping(dig(r.body, POD_SPEC_PATH[r.kind]));
  if (!podSpec) return;
  const podLabels = asMapping(dig(r.body, [...POD_SPEC_PATH[r.kind].slice(0, -1), 'metadata', 'labels']));
  const app = appLabel(ctx, podLabels) ?? appLabel(ctx, asMapping(dig(r.body, ['metadata', 'labels'])));
  const use = (target: string, line: number, via: string) => ctx.refs.push({ target, usedBy: { ...edge(ctx, r, line, via), ...(app ? { app } : {}) } });
  const secretId = (name: string) => `${PLATFORM}:Secret/${r.namespace}/${name}${ctx.suffix}`;

  const saKey = podSpec.serviceAccountName !== undefined ? 'serviceAccountName' : podSpec.serviceAccount !== undefined ? 'serviceAccount' : undefined;
  const sa = saKey ? text(ctx, podSpec[saKey]) : undefined;
  if (sa) use(`${PLATFORM}:ServiceAccount/${r.namespace}/${sa}${ctx.suffix}`, ctx.yaml.keyLine(podSpec, saKey!, r.line), 'serviceAccountName');
  // Without a name the pod runs as `default`; record that only when it explicitly mounts the token.
  else if (podSpec.automountServiceAccountToken === true) use(`${PLATFORM}:ServiceAccount/${r.namespace}/default${ctx.suffix}`, ctx.yaml.keyLine(podSpec, 'automountServiceAccountToken', r.line), 'automountServiceAccountToken');

  for (const item of asList(podSpec.imagePullSecrets)) {
    const name = text(ctx, asMapping(item)?.name);
    if (name) use(secretId(name), ctx.yaml.lineOf(item, r.line), 'imagePullSecrets');
  }
  for (const volume of asList(podSpec.volumes)) {
    const secretVolume = asMapping(asMapping(volume)?.secret);
    const name = text(ctx, secretVolume?.secretName);
    if (name) use(secretId(name), ctx.yaml.keyLine(secretVolume, 'secretName', r.line), 'volume');
    for (const source of asList(dig(volume, ['projected', 'sources']))) {
      const projected = asMapping(asMapping(source)?.secret);
      const projectedName = text(ctx, projected?.name);
      if (projectedName) use(secretId(projectedName), ctx.yaml.keyLine(projected, 'name', r.line), 'projected');
    }
  }
  for (const listKey of CONTAINER_LISTS) {
    for (const container of asList(podSpec[listKey])) {
      const c = asMapping(container) ?? {};
      for (const env of asList(c.env)) {
        const ref = asMapping(dig(env, ['valueFrom', 'secretKeyRef']));
        const name = text(ctx, ref?.name);
        if (name) use(secretId(name), ctx.yaml.lineOf(env, r.line), 'secretKeyRef');
      }
      for (const from of asList(c.envFrom)) {
        const ref = asMapping(asMapping(from)?.secretRef);
        const name = text(ctx, ref?.name);
        if (name) use(secretId(name), ctx.yaml.lineOf(from, r.line), 'envFrom');
      }
    }
  }
}

function addRecord(ctx: Context, r: Resource, kind: IdentityRecord['kind'], type: string, attributes: Mapping, rotationEvidence?: string): IdentityRecord {
  const record: IdentityRecord = {
    id: `${PLATFORM}:${type}/${r.namespace}/${r.name}${ctx.suffix}`,
    kind,
    platform: PLATFORM,
    type,
    name: r.name,
    namespace: r.namespace,
    file: ctx.file,
    line: r.line,
    attributes,
    usedBy: [],
  };
  if (rotationEvidence) record.rotationEvidence = rotationEvidence;
  if (ctx.templated) record.templated = true;
  if (ctx.suffix) record.attributes.clusterTarget = ctx.suffix.slice(1);
  ctx.records.push(record);
  return record;
}

function edge(ctx: Context, r: Resource, line: number, via: string): UsedBy {
  const id = (r.namespace ? `${PLATFORM}:${r.kind}/${r.namespace}/${r.name}` : `${PLATFORM}:${r.kind}/${r.name}`) + ctx.suffix;
  return { id, kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}), file: ctx.file, line, via };
}

function roleKey(kind: string, namespace: string, name: string): string {
  return kind === 'Role' ? `Role/${namespace}/${name}` : `ClusterRole/${name}`;
}

/** `get,list secrets` per rule: enough for a reviewer to see what a binding grants. */
function ruleSummaries(role: Mapping): string[] {
  return asList(role.rules).map((rule) => {
    const r = asMapping(rule) ?? {};
    const verbs = asList(r.verbs).map(String).join(',') || '?';
    const targets = [...asList(r.resources), ...asList(r.nonResourceURLs)].map(String).join(',') || '?';
    return `${verbs} ${targets}`;
  });
}

function appLabel(ctx: Context, labels: Mapping | undefined): string | undefined {
  if (!labels) return undefined;
  for (const key of APP_LABELS) {
    const value = text(ctx, labels[key]);
    if (value) return value;
  }
  return undefined;
}

function names(ctx: Context, list: unknown): string[] {
  return asList(list)
    .map((item) => text(ctx, asMapping(item)?.name))
    .filter((n): n is string => !!n);
}

function text(ctx: Context, value: unknown): string | undefined {
  const t = asText(value);
  return t === undefined ? undefined : ctx.unmask(t);
}

/** Input → expected record ids (and edges), run by test/unit/identities/samples.test.ts. */
export const samples: Array<{ name: string; path: string; input: string; ids: string[]; edges?: Array<[target: string, usedBy: string, via: string]> }> = [
  {
    name: 'service account used by a deployment in the same file',
    path: 'k8s/app.yaml',
    input: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: api\n',
    ids: ['kubernetes:ServiceAccount/shop/api'],
    edges: [['kubernetes:ServiceAccount/shop/api', 'kubernetes:Deployment/shop/web', 'serviceAccountName']],
  },
  {
    name: 'Opaque secret without data is not a credential',
    path: 'k8s/empty.yaml',
    input: 'apiVersion: v1\nkind: Secret\nmetadata: {name: shell}\ntype: Opaque\n',
    ids: [],
  },
  {
    name: 'tls secret defaults to the default namespace',
    path: 'k8s/tls.yml',
    input: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: AAAA\n  tls.key: BBBB\n',
    ids: ['kubernetes:Secret/default/web-tls'],
  },
  {
    name: 'a ConfigMap is no NHI',
    path: 'k8s/cm.yaml',
    input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {password_policy: strict}\n',
    ids: [],
  },
  {
    name: 'kind: List items are resources',
    path: 'k8s/list.yaml',
    input: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a, namespace: x}\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: b, namespace: x}\n',
    ids: ['kubernetes:ServiceAccount/x/a', 'kubernetes:ServiceAccount/x/b'],
  },
  {
    name: 'Helm template: names keep their template text',
    path: 'chart/templates/sa.yaml',
    input: '{{- if .Values.serviceAccount.create }}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include "app.fullname" . }}\n  labels:\n    {{- include "app.labels" . | nindent 4 }}\n{{- end }}\n',
    ids: ['kubernetes:ServiceAccount/default/{{ include "app.fullname" . }}'],
  },
];
