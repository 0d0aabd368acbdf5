import { describe, expect, it } from 'vitest';
import { KustomizeNamespaces, readKustomization } from '../../../src/core/identities/kustomize.js';
import { linkReferences } from '../../../src/core/identities/link.js';
import { extractIdentities, scanSources } from '../../../src/core/scan.js';
import { defaultSettings, type IdentityRecord, type IdentityReference, type SourceFile } from '../../../src/core/types.js';
import { fixtureFiles } from './fixture-set.js';

/** The pipeline's identity half: extract every file, the Kustomize post-pass, then link. */
function inventory(files: SourceFile[]): IdentityRecord[] {
  const records: IdentityRecord[] = [];
  const references: IdentityReference[] = [];
  const kustomize = new KustomizeNamespaces();
  for (const file of files) {
    const extracted = extractIdentities(file);
    kustomize.add(file, extracted);
    records.push(...extracted.records);
    references.push(...extracted.references);
  }
  kustomize.apply(records, references);
  return linkReferences(records, references);
}

describe('Kustomize namespaces', () => {
  it('puts the base ServiceAccount in the kustomization namespace, with its users re-keyed', () => {
    const records = inventory(fixtureFiles('kubernetes').filter((f) => f.path.startsWith('kustomize/')));
    expect(records.map((r) => [r.id, r.file, r.line])).toEqual([
      ['kubernetes:ServiceAccount/search/indexer', 'kustomize/base/serviceaccount.yaml', 1],
      ['kubernetes:Secret/search-prod/indexer-opensearch@prod', 'kustomize/overlays/prod/sealed-opensearch.yaml', 1],
    ]);
    expect(records[0].namespace).toBe('search');
    expect(records[0].usedBy).toEqual([
      { id: 'kubernetes:Deployment/search/indexer', kind: 'Deployment', name: 'indexer', namespace: 'search', file: 'kustomize/base/deployment.yaml', line: 12, via: 'serviceAccountName', app: 'indexer' },
    ]);
  });

  it('does not depend on file order, and leaves explicit namespaces and unlisted files alone', () => {
    const files: SourceFile[] = [
      { path: 'app/sa.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ops, namespace: tools}\n' },
      { path: 'app/rbac/binding.yaml', content: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: api-read}\nroleRef: {kind: Role, name: reader}\nsubjects:\n- kind: ServiceAccount\n  name: api\n' },
      { path: 'app/unlisted.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: stray}\n' },
      { path: 'app/kustomization.yaml', content: 'namespace: shop\nresources:\n  - sa.yaml\n  - ./rbac/binding.yaml\n  - ../elsewhere.yaml\n' },
    ];
    for (const order of [files, [...files].reverse()]) {
      const records = inventory(order);
      expect(records.map((r) => r.id).sort()).toEqual(['kubernetes:ServiceAccount/default/stray', 'kubernetes:ServiceAccount/shop/api', 'kubernetes:ServiceAccount/tools/ops']);
      const api = records.find((r) => r.id === 'kubernetes:ServiceAccount/shop/api')!;
      expect(api.line).toBe(1);
      expect(api.permissions).toEqual(['Role/shop/reader']);
      expect(api.usedBy.map((u) => [u.id, u.file, u.line, u.via])).toEqual([['kubernetes:RoleBinding/shop/api-read', 'app/rbac/binding.yaml', 6, 'roleRef']]);
    }
  });

  it('a listed folder with its own kustomization keeps its own namespace, or takes the parent one', () => {
    const sa = (name: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}}\n`;
    const records = inventory([
      { path: 'k/kustomization.yaml', content: 'namespace: outer\nresources: [a, b]\n' },
      { path: 'k/a/kustomization.yaml', content: 'namespace: inner\nresources: [sa.yaml]\n' },
      { path: 'k/a/sa.yaml', content: sa('one') },
      { path: 'k/b/kustomization.yaml', content: 'resources: [sa.yaml]\n' },
      { path: 'k/b/sa.yaml', content: sa('two') },
    ]);
    expect(records.map((r) => r.id)).toEqual(['kubernetes:ServiceAccount/inner/one', 'kubernetes:ServiceAccount/outer/two']);
  });

  it('reads resources, dropping remote entries and entries outside its folder', () => {
    const { kustomization, errors } = readKustomization({ path: 'o/p/kustomization.yaml', content: 'namespace: x\nresources:\n- ../../base\n- https://github.com/a/b//c?ref=v1\n- sub/dep.yaml\n- ./sa.yaml\n' });
    expect(errors).toEqual([]);
    expect(kustomization).toEqual({ file: 'o/p/kustomization.yaml', dir: 'o/p', namespace: 'x', resources: ['o/p/sub/dep.yaml', 'o/p/sa.yaml'] });
  });

  it('the scan pipeline applies it, and reports a broken kustomization with its line', async () => {
    const sources = [
      { path: 'k/kustomization.yaml', content: 'namespace: shop\nresources:\n  - sa.yaml\n' },
      { path: 'k/sa.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n' },
      { path: 'j/kustomization.yaml', content: 'namespace: [\n' },
    ];
    const result = await scanSources(sources, { settings: defaultSettings(), parallel: { workers: 0 } });
    expect(result.inventory.map((r) => r.id)).toEqual(['kubernetes:ServiceAccount/shop/api']);
    const parse = result.findings.filter((f) => f.rule === 'parse/error');
    expect(parse.map((f) => [f.file, f.line])).toEqual([['j/kustomization.yaml', 2]]);
  });
});

describe('cluster targets: the same name in one namespace is one identity per environment', () => {
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n';
  const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: api\n';

  it('overlays and environment directories give their own ids; a base keeps the plain id', () => {
    const records = inventory([
      { path: 'deploy/base/sa.yaml', content: sa },
      { path: 'deploy/overlays/prod/sa.yaml', content: sa },
      { path: 'deploy/overlays/staging/sa.yaml', content: sa },
      { path: 'k8s-dev/sa.yaml', content: sa },
      { path: 'clusters/eu-1/apps/sa.yaml', content: sa },
    ]);
    expect(records.map((r) => r.id)).toEqual([
      'kubernetes:ServiceAccount/shop/api',
      'kubernetes:ServiceAccount/shop/api@prod',
      'kubernetes:ServiceAccount/shop/api@staging',
      'kubernetes:ServiceAccount/shop/api@k8s-dev',
      'kubernetes:ServiceAccount/shop/api@eu-1',
    ]);
  });

  it('a workload in an overlay uses the overlay ServiceAccount, or the base one when the overlay has none', () => {
    const records = inventory([
      { path: 'deploy/base/sa.yaml', content: sa },
      { path: 'deploy/overlays/prod/sa.yaml', content: sa },
      { path: 'deploy/overlays/prod/deploy.yaml', content: deploy },
      { path: 'deploy/overlays/staging/deploy.yaml', content: deploy },
    ]);
    const users = (id: string) => records.find((r) => r.id === id)!.usedBy.map((u) => u.id);
    expect(users('kubernetes:ServiceAccount/shop/api@prod')).toEqual(['kubernetes:Deployment/shop/web@prod']);
    expect(users('kubernetes:ServiceAccount/shop/api')).toEqual(['kubernetes:Deployment/shop/web@staging']);
  });
});

describe('Helm charts: readable ids from the chart defaults', () => {
  const chart = () => fixtureFiles('kubernetes').filter((f) => f.path.startsWith('charts/worker/'));

  it('renders the chart fixture with its Chart.yaml and values.yaml, links the Deployment, keeps the template text', () => {
    const records = inventory(chart());
    expect(records.map((r) => r.id)).toEqual(['kubernetes:Secret/helm.worker/worker-queue', 'kubernetes:ServiceAccount/helm.worker/worker']);
    expect(records.every((r) => !r.id.includes('{{') && r.templated)).toBe(true);
    const sa = records[1];
    expect(sa.attributes.helmTemplate).toBe('kubernetes:ServiceAccount/{{ .Release.Namespace }}/{{ include "worker.serviceAccountName" . }}');
    expect(sa.usedBy.map((u) => [u.id, u.via])).toEqual([['kubernetes:Deployment/helm.worker/worker', 'serviceAccountName']]);
  });

  it('values.yaml names win: serviceAccount.name, fullnameOverride', () => {
    const files = chart().map((f) => (f.path.endsWith('values.yaml') ? { ...f, content: `${f.content}fullnameOverride: batch\n` } : f));
    files.find((f) => f.path.endsWith('values.yaml'))!.content = files.find((f) => f.path.endsWith('values.yaml'))!.content.replace('  create: true\n', '  create: true\n  name: queue-runner\n');
    expect(inventory(files).map((r) => r.id)).toEqual(['kubernetes:Secret/helm.worker/batch-queue', 'kubernetes:ServiceAccount/helm.worker/queue-runner']);
  });
});
