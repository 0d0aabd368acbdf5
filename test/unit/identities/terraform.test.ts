import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractTerraform, terraformExtractor } from '../../../src/core/identities/terraform.js';
import { linkReferences } from '../../../src/core/identities/link.js';
import { extractIdentities } from '../../../src/core/scan.js';
import type { IdentityRecord } from '../../../src/core/types.js';
import { cpuTimed } from '../../support/cpu-time.js';

const ROOT = 'fixtures/iac/terraform';

function tfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tfFiles(path) : name.endsWith('.tf') ? [path] : [];
  });
}

/** The fixtures as a scan of `fixtures/iac/terraform` sees them: paths relative to that root. */
const fixtureRecords: IdentityRecord[] = tfFiles(ROOT).flatMap((path) => {
  const result = extractTerraform({ path: relative(ROOT, path), content: readFileSync(path, 'utf8') });
  expect(result.errors).toEqual([]);
  return result.records;
});
const byId = new Map(fixtureRecords.map((r) => [r.id, r]));

function record(id: string): IdentityRecord {
  const r = byId.get(id);
  expect(r, id).toBeDefined();
  return r as IdentityRecord;
}

/** Samples: a declaration the extractor must find, and what it must say about it. */
const SAMPLES: Array<[string, string, Partial<IdentityRecord>]> = [
  ['resource "aws_iam_user" "ci_bot" {\n  name = "ci-bot"\n}\n', 'terraform:aws_iam_user/ci_bot', { kind: 'identity', name: 'ci_bot', line: 1, attributes: { name: 'ci-bot' } }],
  ['resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" } }] })\n}\n', 'terraform:aws_iam_role/r', { kind: 'identity', attributes: { assumedBy: ['Service:ec2.amazonaws.com'] } }],
  ['resource "aws_iam_access_key" "k" {\n  user = aws_iam_user.u.name\n}\n', 'terraform:aws_iam_access_key/k', { kind: 'credential', usedBy: [{ id: 'terraform:aws_iam_user/u', kind: 'aws_iam_user', name: 'u', file: 'main.tf', line: 2, via: 'user' }] }],
  ['resource "aws_iam_user_login_profile" "p" {\n  user = aws_iam_user.u.name\n}\n', 'terraform:aws_iam_user_login_profile/p', { kind: 'credential' }],
  ['resource "aws_iam_service_specific_credential" "c" {\n  service_name = "codecommit.amazonaws.com"\n  user_name = "u"\n}\n', 'terraform:aws_iam_service_specific_credential/c', { kind: 'credential', attributes: { service_name: 'codecommit.amazonaws.com', user_name: 'u' } }],
  ['resource "aws_secretsmanager_secret" "s" {\n  name = "db"\n}\nresource "aws_secretsmanager_secret_rotation" "r" {\n  secret_id = aws_secretsmanager_secret.s.id\n  rotation_rules {\n    automatically_after_days = 14\n  }\n}\n', 'terraform:aws_secretsmanager_secret/s', { kind: 'credential', rotationEvidence: 'aws_secretsmanager_secret_rotation (14 days)' }],
  ['resource "google_service_account" "sa" {\n  account_id = "sa"\n}\n', 'terraform:google_service_account/sa', { kind: 'identity' }],
  ['resource "google_service_account_key" "k" {\n  service_account_id = google_service_account.sa.name\n  keepers = { t = time_rotating.r.rotation_rfc3339 }\n}\nresource "time_rotating" "r" {\n  rotation_days = 7\n}\n', 'terraform:google_service_account_key/k', { kind: 'credential', rotationEvidence: 'keepers time_rotating.r (7 days)' }],
  ['resource "azuread_application" "a" {\n  display_name = "a"\n}\n', 'terraform:azuread_application/a', { kind: 'identity' }],
  ['resource "azuread_service_principal" "sp" {\n  client_id = azuread_application.a.client_id\n}\n', 'terraform:azuread_service_principal/sp', { kind: 'identity', attributes: { client_id: 'azuread_application.a.client_id', application: 'terraform:azuread_application/a' } }],
  ['resource "azuread_application_password" "p" {\n  application_id = azuread_application.a.id\n  end_date_relative = "720h"\n}\n', 'terraform:azuread_application_password/p', { kind: 'credential', rotationEvidence: 'end_date_relative 720h' }],
  ['resource "azuread_service_principal_password" "p" {\n  service_principal_id = azuread_service_principal.sp.id\n  end_date = "2030-01-01T00:00:00Z"\n}\n', 'terraform:azuread_service_principal_password/p', { kind: 'credential', rotationEvidence: 'end_date 2030-01-01T00:00:00Z' }],
  ['resource "azurerm_user_assigned_identity" "mi" {\n  name = "mi"\n}\n', 'terraform:azurerm_user_assigned_identity/mi', { kind: 'identity', rotationEvidence: 'managed' }],
  ['resource "github_actions_secret" "s" {\n  repository = "r"\n  secret_name = "NPM_TOKEN"\n  plaintext_value = var.t\n}\n', 'terraform:github_actions_secret/s', { kind: 'credential', attributes: { repository: 'r', secret_name: 'NPM_TOKEN', value: 'reference', declares: 'github-actions:secret/NPM_TOKEN' } }],
  ['resource "github_repository_deploy_key" "d" {\n  title = "d"\n  repository = "r"\n  key = var.k\n  read_only = false\n}\n', 'terraform:github_repository_deploy_key/d', { kind: 'credential', permissions: ['contents:write'] }],
  ['resource "vault_approle_auth_backend_role" "r" {\n  role_name = "r"\n  token_policies = ["p"]\n  secret_id_ttl = 600\n  token_ttl = 60\n}\n', 'terraform:vault_approle_auth_backend_role/r', { kind: 'identity', permissions: ['p'], rotationEvidence: 'secret_id_ttl 600s', attributes: { role_name: 'r', token_policies: ['p'], secret_id_ttl: 600, token_ttl: 60 } }],
  ['resource "aws_iam_user" "many" {\n  for_each = toset(var.names)\n  name = each.key\n}\n', 'terraform:aws_iam_user/many', { templated: true, attributes: { for_each: 'toset(var.names)', name: 'each.key' } }],
  ['module "role" {\n  source = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"\n  custom_role_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]\n}\n', 'terraform:module/role', { type: 'module', templated: true, permissions: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
];

/** Near misses: text that looks like a declaration but is not one. */
const NEAR_MISSES: Array<[string, string]> = [
  ['a data source reads an identity, it does not declare one', 'data "aws_iam_user" "u" {\n  user_name = "x"\n}\n'],
  ['a commented-out resource', '# resource "aws_iam_user" "u" {\n#   name = "x"\n# }\n/* resource "aws_iam_user" "v" {} */\n'],
  ['a resource inside a heredoc', 'locals {\n  doc = <<EOF\nresource "aws_iam_user" "u" {}\nEOF\n}\n'],
  ['a module that is not an IAM module', 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'],
  ['an unrelated resource', 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'],
  ['resource types named like Object members', 'resource "constructor" "a" {}\nresource "__proto__" "b" {}\nresource "toString" "c" {\n  user = aws_iam_user.u.name\n}\n'],
];

describe('terraform extractor: samples', () => {
  it.each(SAMPLES)('%#: finds %s', (src, id, expected) => {
    const { records, errors } = extractTerraform({ path: 'main.tf', content: src });
    expect(errors).toEqual([]);
    const found = records.find((r) => r.id === id);
    expect(found, `${id} in ${records.map((r) => r.id).join(', ')}`).toMatchObject({ platform: 'terraform', file: 'main.tf', ...expected });
  });

  it.each(NEAR_MISSES)('ignores %s', (_why, src) => {
    expect(extractTerraform({ path: 'main.tf', content: src }).records).toEqual([]);
  });

  it('claims .tf and .tf.json files only', () => {
    expect(['main.tf', 'infra/iam.tf', 'main.tf.json'].every((p) => terraformExtractor.matches(p))).toBe(true);
    expect(['prod.tfvars', 'prod.tfvars.json', 'package.json', 'tf.yaml', 'README.md'].some((p) => terraformExtractor.matches(p))).toBe(false);
  });
});

describe('terraform extractor: the fixture set', () => {
  it('finds every declaration, by type', () => {
    const counts: Record<string, number> = {};
    for (const r of fixtureRecords) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      aws_iam_user: 4,
      aws_iam_role: 4,
      aws_iam_access_key: 3,
      aws_iam_user_login_profile: 1,
      aws_iam_service_specific_credential: 1,
      aws_secretsmanager_secret: 5,
      google_service_account: 4,
      google_service_account_key: 2,
      azuread_application: 2,
      azuread_service_principal: 1,
      azuread_application_password: 2,
      azuread_service_principal_password: 1,
      azurerm_user_assigned_identity: 1,
      github_actions_secret: 2,
      github_repository_deploy_key: 2,
      vault_approle_auth_backend_role: 2,
      module: 3,
    });
  });

  it('ids carry the module directory; the root has none', () => {
    expect(record('terraform:aws_iam_user/ci_bot').namespace).toBeUndefined();
    expect(record('terraform:aws_iam_user/modules/ci-user/ci_bot')).toMatchObject({ namespace: 'modules/ci-user', file: 'modules/ci-user/main.tf', line: 3 });
    expect(record('terraform:aws_iam_access_key/modules/ci-user/this').usedBy.map((u) => u.id)).toEqual(['terraform:aws_iam_user/modules/ci-user/ci_bot']);
  });

  it('links access keys to their users, by reference and by literal name', () => {
    expect(record('terraform:aws_iam_access_key/ci_bot').usedBy).toEqual([{ id: 'terraform:aws_iam_user/ci_bot', kind: 'aws_iam_user', name: 'ci_bot', file: 'aws-iam.tf', line: 18, via: 'user' }]);
    expect(record('terraform:aws_iam_access_key/legacy_deployer').usedBy.map((u) => u.id)).toEqual(['terraform:aws_iam_user/legacy_deployer']);
  });

  it('puts attached, inline and document policies on users and roles', () => {
    expect(record('terraform:aws_iam_user/legacy_deployer').permissions).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(record('terraform:aws_iam_user/ci_bot').permissions).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess', 's3:PutObject', 's3:GetObject']);
    expect(record('terraform:aws_iam_user/integration').permissions).toEqual(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics']);
    expect(record('terraform:aws_iam_user/modules/ci-user/ci_bot').permissions).toEqual(['s3:PutObject', 's3:PutObjectAcl', 's3:ListBucket']);
    expect(record('terraform:aws_iam_role/lambda_exec').permissions).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'dynamodb:Query']);
    expect(record('terraform:aws_iam_role/cross_account_audit').permissions).toEqual(['iam:Get*', 'iam:List*']);
  });

  it('summarises who may assume each role', () => {
    expect(record('terraform:aws_iam_role/github_deploy').attributes).toMatchObject({
      assumedBy: ['Federated:arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'],
      githubOidc: true,
    });
    expect(record('terraform:aws_iam_role/lambda_exec').attributes.assumedBy).toEqual(['Service:lambda.amazonaws.com', 'Service:edgelambda.amazonaws.com']);
    expect(record('terraform:aws_iam_role/cross_account_audit').attributes.assumedBy).toEqual(['AWS:arn:aws:iam::210987654321:root']);
  });

  it('reads rotation evidence from the code', () => {
    const evidence = Object.fromEntries(fixtureRecords.filter((r) => r.rotationEvidence).map((r) => [r.id, r.rotationEvidence]));
    expect(evidence).toEqual({
      'terraform:aws_iam_access_key/ci_bot': 'replace_triggered_by time_rotating.ci_bot_key (90 days)',
      'terraform:aws_iam_access_key/modules/ci-user/this': 'replace_triggered_by time_rotating.key (rotation_days var.rotation_days)',
      'terraform:aws_secretsmanager_secret/db_password': 'aws_secretsmanager_secret_rotation (30 days)',
      'terraform:aws_secretsmanager_secret/sendgrid': 'aws_secretsmanager_secret_rotation (rate(10 days))',
      'terraform:google_service_account_key/etl': 'keepers time_rotating.etl_key (30 days)',
      'terraform:azuread_application_password/cd': 'rotate_when_changed time_rotating.cd_secret (180 days)',
      'terraform:azuread_service_principal_password/cd_legacy': 'end_date_relative 8760h',
      'terraform:azuread_application_password/billing_api': 'end_date 2099-01-01T00:00:00Z',
      'terraform:azurerm_user_assigned_identity/billing': 'managed',
      'terraform:vault_approle_auth_backend_role/billing_batch': 'secret_id_ttl 86400s',
    });
  });

  it('grants cloud roles to GCP and Azure identities', () => {
    expect(record('terraform:google_service_account/etl').permissions).toEqual(['roles/bigquery.dataEditor on project', 'roles/storage.objectAdmin on project']);
    expect(record('terraform:google_service_account/vendor_export').permissions).toEqual(['roles/viewer on project', 'roles/storage.objectViewer on storage_bucket']);
    expect(record('terraform:azurerm_user_assigned_identity/billing').permissions).toEqual(['Key Vault Secrets User on azurerm_key_vault.billing.id']);
    expect(record('terraform:azuread_service_principal/cd').permissions).toEqual(['Contributor on /subscriptions/00000000-0000-0000-0000-000000000000']);
  });

  it('links Workload Identity bindings to who may act as a Google SA', () => {
    expect(record('terraform:google_service_account/modules/gke-workload/deployer').usedBy).toEqual([
      {
        id: 'principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/github/attribute.repository/acme/platform',
        kind: 'workload-identity-pool',
        name: 'principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/github/attribute.repository/acme/platform',
        file: 'modules/gke-workload/main.tf',
        line: 48,
        via: 'roles/iam.workloadIdentityUser',
      },
    ]);
    const ksa = extractTerraform({ path: 'w.tf', content: 'resource "google_service_account" "sa" {\n  account_id = "sa"\n}\nresource "google_service_account_iam_member" "wi" {\n  service_account_id = google_service_account.sa.name\n  role = "roles/iam.workloadIdentityUser"\n  member = "serviceAccount:p.svc.id.goog[payments/billing]"\n}\n' });
    expect(ksa.records[0].usedBy).toEqual([{ id: 'kubernetes:ServiceAccount/payments/billing', kind: 'ServiceAccount', name: 'billing', namespace: 'payments', file: 'w.tf', line: 7, via: 'roles/iam.workloadIdentityUser' }]);
  });

  it('records count/for_each as templated, unexpanded', () => {
    expect(record('terraform:aws_secretsmanager_secret/tenant_webhook')).toMatchObject({ templated: true, attributes: { count: 'length(var.tenants)' } });
    expect(record('terraform:github_repository_deploy_key/deploy')).toMatchObject({ templated: true, attributes: { for_each: 'local.deploy_repos' } });
    expect(record('terraform:aws_iam_role/envs/prod/prod_ops')).toMatchObject({ templated: true, attributes: { count: 'var.enable_ops_role ? 1 : 0' } });
  });
});

describe('terraform extractor: never copies secret values', () => {
  it('keeps where a value comes from, not the value', () => {
    const secret = 'ghp_' + 'R4nd0mT0kenValue1234567890abcdefXYZ9';
    const src = [
      'resource "github_actions_secret" "s" {\n  repository = "r"\n  secret_name = "TOKEN"\n  plaintext_value = "' + secret + '"\n}',
      'resource "aws_iam_user_login_profile" "p" {\n  user = "u"\n  pgp_key = "' + secret + '"\n}',
      'resource "aws_secretsmanager_secret" "s" {\n  name = "n"\n  secret_string = "' + secret + '"\n}',
      'resource "azuread_application_password" "p" {\n  application_id = "a"\n  value = "' + secret + '"\n}',
    ].join('\n');
    const { records } = extractTerraform({ path: 'main.tf', content: src });
    expect(records).toHaveLength(4);
    expect(JSON.stringify(records)).not.toContain(secret.slice(4, 20));
    expect(records[0].attributes.value).toBe('literal');
  });
});

describe('terraform extractor: bad input', () => {
  it('reports an unclosed block with file and line, and keeps the records before it', () => {
    const src = 'resource "aws_iam_user" "a" {\n  name = "a"\n}\n\nresource "aws_iam_user" "b" {\n  name = "b"\n';
    const { records, errors } = extractTerraform({ path: 'infra/iam.tf', content: src });
    expect(errors).toEqual([{ file: 'infra/iam.tf', line: 5, column: 29, message: `HCL: unclosed block resource "aws_iam_user" "b": no '}' for the '{' on line 5` }]);
    expect(records.map((r) => r.id)).toEqual(['terraform:aws_iam_user/infra/a']);
  });

  it('reports an unterminated heredoc and string', () => {
    expect(extractTerraform({ path: 'h.tf', content: 'resource "aws_iam_role" "r" {\n  assume_role_policy = <<EOF\n{}\n' }).errors).toEqual([
      { file: 'h.tf', line: 1, column: 29, message: `HCL: unclosed block resource "aws_iam_role" "r": no '}' for the '{' on line 1` },
      { file: 'h.tf', line: 2, column: 24, message: 'HCL: unterminated heredoc: no closing EOF line' },
    ]);
    const str = extractTerraform({ path: 's.tf', content: 'resource "aws_iam_user" "u" {\n  name = "open\n}\n' });
    expect(str.errors).toEqual([{ file: 's.tf', line: 2, column: 10, message: 'HCL: unterminated string' }]);
    expect(str.records.map((r) => r.id)).toEqual(['terraform:aws_iam_user/u']);
  });

  it('turns binary-ish junk into parse findings through the scan pipeline, without throwing', () => {
    const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(1 + ((i * 104729) % 255))).join('');
    const { records, findings } = extractIdentities({ path: 'junk.tf', content: junk });
    expect(records).toEqual([]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.rule === 'parse/error' && f.file === 'junk.tf' && f.line >= 1)).toBe(true);
  });

  it('extracts 1 MB of resources in bounded time', () => {
    let src = '';
    let users = 0;
    for (let i = 0; src.length < 1024 * 1024; i++, users++) {
      src += `resource "aws_iam_user" "u${i}" {\n  name = "u${i}"\n}\n\nresource "aws_iam_access_key" "k${i}" {\n  user = aws_iam_user.u${i}.name\n}\n\nresource "aws_iam_user_policy_attachment" "a${i}" {\n  user       = aws_iam_user.u${i}.name\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n\n`;
    }
    const {
      value: { records, errors },
      ms,
    } = cpuTimed(() => extractTerraform({ path: 'big.tf', content: src }));
    expect(ms).toBeLessThan(5000);
    expect(errors).toEqual([]);
    // Each user comes with its access key; the attachment is a grant, not a record.
    expect(records.length).toBe(2 * users);
    expect(users).toBeGreaterThan(3000);
    expect(records.find((r) => r.id === 'terraform:aws_iam_user/u100')?.permissions).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });
});

describe('terraform extractor: grants and rotations across files', () => {
  it('sends grants and rotations aimed at another file as references the pipeline resolves', () => {
    const users = { path: 'infra/users.tf', content: 'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\nresource "aws_secretsmanager_secret" "db" {\n  name = "db"\n}\n' };
    const grants = {
      path: 'infra/grants.tf',
      content:
        'resource "aws_iam_user_policy_attachment" "ci" {\n  user = aws_iam_user.ci.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n' +
        'resource "aws_secretsmanager_secret_rotation" "db" {\n  secret_id = aws_secretsmanager_secret.db.id\n  rotation_rules {\n    automatically_after_days = 7\n  }\n}\n',
    };
    expect(extractTerraform(grants).references).toEqual([
      { target: 'terraform:aws_iam_user/infra/ci', permissions: ['arn:aws:iam::aws:policy/AdministratorAccess'], grants: [{ permission: 'aws-policy:arn:aws:iam::aws:policy/AdministratorAccess', file: 'infra/grants.tf', line: 3 }] },
      { target: 'terraform:aws_secretsmanager_secret/infra/db', rotationEvidence: 'aws_secretsmanager_secret_rotation (7 days)' },
    ]);
    const records = [users, grants].flatMap((f) => extractTerraform(f).records);
    linkReferences(records, [users, grants].flatMap((f) => extractTerraform(f).references ?? []));
    expect(records.map((r) => [r.id, r.permissions, r.rotationEvidence])).toEqual([
      ['terraform:aws_iam_user/infra/ci', ['arn:aws:iam::aws:policy/AdministratorAccess'], undefined],
      ['terraform:aws_secretsmanager_secret/infra/db', undefined, 'aws_secretsmanager_secret_rotation (7 days)'],
    ]);
  });

  it('keeps same-file links local', () => {
    const { references } = extractTerraform({ path: 'aws-iam.tf', content: readFileSync(join(ROOT, 'aws-iam.tf'), 'utf8') });
    expect(references).toEqual([]);
  });
});
