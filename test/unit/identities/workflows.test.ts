import { describe, expect, it } from 'vitest';
import { extractWorkflow, workflowsExtractor } from '../../../src/core/identities/workflows.js';
import { countBy, extractSet, fixtureFiles } from './fixture-set.js';

const set = extractSet(workflowsExtractor, fixtureFiles('workflows'));
const edges = (id: string) => set.byId(id).usedBy.map((u) => `${u.via} ${u.id} @${u.file.split('/').pop()}:${u.line}`).sort();

describe('workflows extractor over fixtures/iac/workflows', () => {
  it('finds one record per secret name per repository, and the OIDC identities', () => {
    expect(set.errors).toEqual([]);
    // AWS_ACCESS_KEY_ID is folded into AWS_SECRET_ACCESS_KEY (one credential); the Azure ids given to
    // azure/login's client-id, tenant-id and subscription-id are references, not credentials.
    expect(countBy(set.records, (r) => `${r.kind} ${r.type}`)).toEqual({ 'credential secret': 8, 'config secret': 3, 'identity oidc': 4 });
    expect(set.records.filter((r) => r.kind === 'credential').map((r) => r.name).sort()).toEqual([
      'AWS_SECRET_ACCESS_KEY', 'AZURE_CREDENTIALS', 'DEPLOY_WEBHOOK', 'GCP_SA_KEY', 'NPM_TOKEN', 'REGISTRY_PASSWORD', 'SENTRY_AUTH_TOKEN', 'SLACK_WEBHOOK_URL',
    ]);
    expect(set.records.filter((r) => r.kind === 'config').map((r) => [r.name, r.attributes.reference])).toEqual([
      ['AZURE_CLIENT_ID', ['client-id']], ['AZURE_TENANT_ID', ['tenant-id']], ['AZURE_SUBSCRIPTION_ID', ['subscription-id']],
    ]);
  });

  it('a key id and its secret are one credential, with the uses of both', () => {
    const key = set.byId('github-actions:secret/AWS_SECRET_ACCESS_KEY');
    expect(key.attributes.pairedWith).toBe('github-actions:secret/AWS_ACCESS_KEY_ID');
    expect(edges(key.id)).toEqual(['aws-access-key-id github-actions:job/deploy-legacy.yaml/aws @deploy-legacy.yaml:17', 'aws-secret-access-key github-actions:job/deploy-legacy.yaml/aws @deploy-legacy.yaml:18']);
  });

  it('merges a secret used by several workflows, with each use as an edge', () => {
    const npm = set.byId('github-actions:secret/NPM_TOKEN');
    expect([npm.file, npm.line]).toEqual(['.github/workflows/release.yml', 29]);
    expect(edges(npm.id)).toEqual([
      'NODE_AUTH_TOKEN github-actions:job/release.yml/publish @release.yml:29',
      'expression github-actions:job/reusable-deploy.yml/push-image @reusable-deploy.yml:23',
      'workflow_call github-actions:workflow/reusable-deploy.yml @reusable-deploy.yml:10',
    ]);
    expect(npm.declarations?.slice(1)).toEqual([{ file: '.github/workflows/reusable-deploy.yml', line: 23 }]);
    // every declaring workflow's jobs keep their token permissions
    expect(npm.attributes.tokenPermissions).toEqual({ 'github-actions:job/release.yml/publish': ['contents: write', 'id-token: write'], 'github-actions:job/reusable-deploy.yml/push-image': ['default'] });
  });

  it('records workflow-level uses and permissions blocks', () => {
    expect(edges('github-actions:secret/SENTRY_AUTH_TOKEN')).toEqual(['SENTRY_AUTH_TOKEN github-actions:workflow/deploy-legacy.yaml @deploy-legacy.yaml:8']);
    expect(set.byId('github-actions:secret/SLACK_WEBHOOK_URL').attributes.tokenPermissions).toEqual({ 'github-actions:job/release.yml/notify': ['contents: read'] });
    expect(set.byId('github-actions:secret/AWS_SECRET_ACCESS_KEY').attributes.tokenPermissions).toEqual({ 'github-actions:job/deploy-legacy.yaml/aws': ['default'] });
    expect(edges('github-actions:secret/GCP_SA_KEY')).toEqual([
      'credentials_json github-actions:job/deploy-legacy.yaml/gcp @deploy-legacy.yaml:32',
      'if github-actions:job/deploy-legacy.yaml/gcp @deploy-legacy.yaml:26',
    ]);
  });

  it('ignores GITHUB_TOKEN, commented-out lines and prose mentioning secrets', () => {
    expect(set.records.some((r) => ['GITHUB_TOKEN', 'CODECOV_TOKEN', 'AZURE_PUBLISH_PROFILE', 'MD'].includes(r.name))).toBe(false);
  });

  it('raises credential/static-ci-key for static AWS, GCP and Azure keys', () => {
    expect(set.findings.map((f) => [f.rule, f.level, f.file.split('/').pop(), f.line, f.identityId, f.owasp, f.data?.job])).toEqual([
      ['credential/static-ci-key', 'warning', 'deploy-legacy.yaml', 17, 'github-actions:secret/AWS_SECRET_ACCESS_KEY', ['NHI6'], 'aws'],
      ['credential/static-ci-key', 'warning', 'deploy-legacy.yaml', 32, 'github-actions:secret/GCP_SA_KEY', ['NHI6'], 'gcp'],
      ['credential/static-ci-key', 'warning', 'deploy-legacy.yaml', 41, 'github-actions:secret/AZURE_CREDENTIALS', ['NHI6'], 'azure'],
    ]);
    expect(set.findings[0].message).toBe(
      'Job `aws` gives aws-actions/configure-aws-credentials long-lived AWS keys (aws-access-key-id, aws-secret-access-key). Use OIDC instead: grant the job `permissions: id-token: write`, create an IAM role trusting token.actions.githubusercontent.com for this repository, pass it as `role-to-assume`, then delete the access key and its secrets.',
    );
    expect(new Set(set.findings.map((f) => f.fingerprint)).size).toBe(3);
    expect(set.findings.every((f) => /^[0-9a-f]{64}$/.test(f.fingerprint))).toBe(true);
  });

  it('records OIDC logins as identities with oidc rotation evidence', () => {
    const role = set.byId('github-actions:oidc/aws/123456789012/github-docs-deploy');
    expect(role.attributes.target).toBe('arn:aws:iam::123456789012:role/github-docs-deploy');
    expect([role.line, role.namespace, role.rotationEvidence, role.permissions, role.attributes.idTokenWrite]).toEqual([47, 'aws', 'oidc (short-lived token per workflow run)', ['id-token: write', 'contents: read'], true]);
    expect(edges(role.id)).toEqual(['role-to-assume github-actions:job/release.yml/deploy-docs @release.yml:47']);
    expect(set.records.filter((r) => r.type === 'oidc').map((r) => r.name).sort()).toEqual([
      '123456789012/github-docs-deploy',
      'github/acme',
      'secrets.AZURE_CLIENT_ID',
      'vars.AWS_DEPLOY_ROLE',
    ]);
  });

  it('malformed workflow YAML is an error naming line and column', () => {
    expect(extractWorkflow({ path: '.github/workflows/bad.yml', content: 'on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ secrets.X }}\n     bad: [\n' }).errors).toEqual([
      { file: '.github/workflows/bad.yml', line: 6, column: 6, message: 'malformed YAML: bad indentation of a mapping entry' },
    ]);
  });
});
