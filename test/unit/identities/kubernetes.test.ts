import { describe, expect, it } from 'vitest';
import { extractKubernetes, kubernetesExtractor } from '../../../src/core/identities/kubernetes.js';
import { countBy, extractSet, fixtureFiles } from './fixture-set.js';
import { cpuTimed } from '../../support/cpu-time.js';

const set = extractSet(kubernetesExtractor, fixtureFiles('kubernetes'));
const edges = (id: string) => set.byId(id).usedBy.map((u) => `${u.via} ${u.id} @${u.file}:${u.line}${u.app ? ` app=${u.app}` : ''}`).sort();

describe('kubernetes extractor over fixtures/iac/kubernetes', () => {
  it('finds exactly these records, by type and kind', () => {
    expect(set.errors).toEqual([]);
    expect(countBy(set.records, (r) => `${r.kind} ${r.type}`)).toEqual({ 'identity ServiceAccount': 9, 'credential Secret': 10 });
    expect(countBy(set.records.filter((r) => r.type === 'Secret'), (r) => String(r.attributes.secretType))).toEqual({
      Opaque: 5,
      'kubernetes.io/dockerconfigjson': 1,
      'kubernetes.io/tls': 1,
      'kubernetes.io/basic-auth': 1,
      'kubernetes.io/ssh-auth': 1,
      'kubernetes.io/service-account-token': 1,
    });
  });

  it('declares a ServiceAccount at its document line, with workload identity as rotation evidence', () => {
    const sa = set.byId('kubernetes:ServiceAccount/payments/billing-worker');
    expect([sa.file, sa.line, sa.namespace, sa.name]).toEqual(['payments/billing.yaml', 2, 'payments', 'billing-worker']);
    expect(sa.attributes).toEqual({ automountServiceAccountToken: false, workloadIdentity: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/billing-worker' }, app: 'billing' });
    expect(sa.rotationEvidence).toBe('workload identity (eks.amazonaws.com/role-arn)');
  });

  it('records every workload and binding using the SA, across files, with the app label', () => {
    expect(edges('kubernetes:ServiceAccount/payments/billing-worker')).toEqual([
      'roleRef kubernetes:RoleBinding/payments/billing-view @platform/rbac.yaml:23',
      'roleRef kubernetes:RoleBinding/payments/billing-worker-reads-secrets @payments/billing.yaml:138',
      'serviceAccountName kubernetes:CronJob/payments/invoice-run @payments/billing.yaml:75 app=invoicing',
      'serviceAccountName kubernetes:Deployment/payments/billing-api @payments/billing.yaml:31 app=billing',
    ]);
  });

  it('grants permissions from role bindings, expanding same-file Role rules', () => {
    expect(set.byId('kubernetes:ServiceAccount/payments/billing-worker').permissions).toEqual([
      'Role/payments/billing-secrets-reader',
      'Role/payments/billing-secrets-reader: get secrets',
      'Role/payments/billing-secrets-reader: get,list,watch configmaps',
      'ClusterRole/view (namespace payments)',
    ]);
    expect(set.byId('kubernetes:ServiceAccount/platform/ci-deployer').permissions).toEqual(['ClusterRole/cluster-admin']);
    expect(edges('kubernetes:ServiceAccount/platform/ci-deployer')).toEqual(['roleRef kubernetes:ClusterRoleBinding/ci-deployer-admin @platform/rbac.yaml:6']);
    expect(set.byId('kubernetes:ServiceAccount/platform/node-agent').permissions).toEqual(['ClusterRole/node-agent', 'ClusterRole/node-agent: get,list,watch nodes,pods']);
  });

  it('links secrets through secretKeyRef, envFrom, volumes, projected volumes and imagePullSecrets', () => {
    expect(edges('kubernetes:Secret/payments/billing-db')).toEqual([
      'secretKeyRef kubernetes:CronJob/payments/invoice-run @payments/billing.yaml:81 app=invoicing',
      'secretKeyRef kubernetes:Deployment/payments/billing-api @payments/billing.yaml:40 app=billing',
    ]);
    expect(edges('kubernetes:Secret/payments/ghcr-pull')).toEqual(['imagePullSecrets kubernetes:Deployment/payments/billing-api @payments/billing.yaml:33 app=billing']);
    expect(edges('kubernetes:Secret/payments/billing-tls')).toEqual(['volume kubernetes:Deployment/payments/billing-api @payments/billing.yaml:59 app=billing']);
    expect(edges('kubernetes:Secret/payments/billing-stripe')).toEqual(['envFrom kubernetes:Deployment/payments/billing-api @payments/billing.yaml:48 app=billing']);
    expect(edges('kubernetes:Secret/monitoring/grafana-datasource-creds')).toEqual(['projected kubernetes:StatefulSet/monitoring/monitoring-grafana @helm-rendered/grafana.yaml:111 app=grafana']);
  });

  it('keeps key names, never secret values', () => {
    expect(set.byId('kubernetes:Secret/payments/billing-db').attributes).toEqual({ secretType: 'Opaque', keys: ['password', 'username'] });
    const dump = JSON.stringify(set.records);
    for (const value of ['Zml4dHVyZS1vbmx5LXBhc3N3b3Jk', 'cmVuZGVyZWQtZml4dHVyZS12YWx1ZQ==', '<set-by-pipeline>', 'eyJhdXRocyI6']) expect(dump).not.toContain(value);
  });

  it('rotation evidence: ExternalSecret and cert-manager are managed; SA tokens and SealedSecrets are not', () => {
    expect(set.byId('kubernetes:Secret/payments/billing-stripe').rotationEvidence).toBe('managed (ExternalSecret billing-stripe, refresh 1h)');
    expect(set.byId('kubernetes:Secret/payments/billing-tls').rotationEvidence).toBe('managed (cert-manager Certificate billing-api)');
    const token = set.byId('kubernetes:Secret/platform/ci-deployer-token');
    expect(token.rotationEvidence).toBeUndefined();
    expect(token.usedBy.map((u) => [u.id, u.via])).toEqual([['kubernetes:ServiceAccount/platform/ci-deployer', 'service-account-token']]);
    const sealed = set.byId('kubernetes:Secret/search-prod/indexer-opensearch@prod');
    expect([sealed.rotationEvidence, sealed.attributes.source, sealed.attributes.keys]).toEqual([undefined, 'SealedSecret', ['OPENSEARCH_PASSWORD', 'OPENSEARCH_USER']]);
  });

  it('records the default SA only for an explicit automountServiceAccountToken, and drops undeclared SAs', () => {
    expect(edges('kubernetes:ServiceAccount/platform/default')).toEqual(['automountServiceAccountToken kubernetes:Job/platform/db-migrate @platform/service-accounts.yml:63']);
    expect(set.records.some((r) => r.id.includes('ghost-sa'))).toBe(false);
  });

  it('reads Helm templates with their template text in ids, marked templated, lines kept', () => {
    const sa = set.byId('kubernetes:ServiceAccount/{{ .Release.Namespace }}/{{ include "worker.serviceAccountName" . }}');
    expect([sa.file, sa.line, sa.templated]).toEqual(['charts/worker/templates/serviceaccount.yaml', 2, true]);
    expect(edges(sa.id)).toEqual(['serviceAccountName kubernetes:Deployment/{{ .Release.Namespace }}/{{ include "worker.fullname" . }} @charts/worker/templates/deployment.yaml:29 app=worker']);
    expect(set.records.filter((r) => r.templated).map((r) => r.file).sort()).toEqual(['charts/worker/templates/secret.yaml', 'charts/worker/templates/serviceaccount.yaml']);
  });

  it('reads kubectl List exports and leaves kustomization.yaml alone', () => {
    expect(edges('kubernetes:ServiceAccount/analytics/reporting')).toEqual(['serviceAccountName kubernetes:Pod/analytics/reporting-adhoc @exports/kubectl-get-sa.yaml:21 app=reporting']);
    expect(kubernetesExtractor.matches('kustomize/base/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n')).toBe(false);
  });
});

describe('kubernetes bad input', () => {
  const run = (content: string) => extractKubernetes({ path: 'bad.yaml', content });

  it('malformed YAML: an error with line and column, and the other documents still read', () => {
    const result = run('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: [broken\n');
    expect(result.errors).toEqual([{ file: 'bad.yaml', line: 10, column: 1, message: 'malformed YAML: unexpected end of the stream within a flow collection' }]);
    expect(result.records.map((r) => r.id)).toEqual(['kubernetes:ServiceAccount/default/ok']);
  });

  it('alias bomb: rejected at the alias that passes the bound', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const [prev, cur] = ['abcdefghi'[i - 1], 'abcdefghi'[i]];
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { value: result, ms } = cpuTimed(() => run(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  ${levels.join('\n  ')}\n`));
    expect(result.errors).toEqual([{ file: 'bad.yaml', line: 10, column: 12, message: 'YAML rejected: aliases expand to more than 100000 nodes (possible "billion laughs" alias bomb)' }]);
    expect(ms).toBeLessThan(1000);
  });

  it('deep nesting: 100k flow brackets and 5k block levels are bounded', () => {
    expect(run(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(100_000)}`).errors).toEqual([
      { file: 'bad.yaml', line: 4, column: 262, message: 'malformed YAML: nesting exceeded maxDepth (256)' },
    ]);
    expect(run(`apiVersion: v1\nkind: List\nitems:\n${'- '.repeat(5000)}x\n`).errors).toEqual([{ file: 'bad.yaml', line: 4, column: 511, message: 'malformed YAML: nesting exceeded maxDepth (256)' }]);
  });

  it('Helm actions everywhere: no crash; what cannot be read is an error naming the line', () => {
    const content = '{{ define "x" }}{{ .Values.a }}: {{ .Values.b }}\n{{- range .Values.items }}\n- {{ . }}: {{ .x }}\n  {{ end }}\napiVersion: v1\nkind: {{ .Values.kind }}\nmetadata: {{ toYaml .Values.meta | nindent 2 }}\n';
    const result = run(content);
    expect(result.records).toEqual([]);
    expect(result.errors).toEqual([{ file: 'bad.yaml', line: 3, column: 1, message: 'malformed YAML: end of the stream or a document separator is expected' }]);
  });
});
