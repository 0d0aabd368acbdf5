import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractTerraform, terraformExtractor } from '../../../src/core/identities/terraform.js';
import { linkReferences } from '../../../src/core/identities/link.js';
import { extractSet, fixtureFiles } from './fixture-set.js';

const DIR = 'fixtures/iac/terraform/json';
const read = (name: string) => readFileSync(`${DIR}/${name}`, 'utf8');

describe('terraform extractor: .tf.json (Terraform JSON syntax)', () => {
  it('claims .tf.json files', () => {
    expect(terraformExtractor.matches('infra/main.tf.json')).toBe(true);
    expect(terraformExtractor.matches('infra/package.json')).toBe(false);
  });

  it('maps resources onto the same records, with the line of each label', () => {
    const set = extractSet(terraformExtractor, fixtureFiles('terraform/json'));
    expect(set.errors).toEqual([]);
    expect(set.records.map((r) => [r.id, r.file, r.line])).toEqual([
      ['terraform:aws_iam_user/deployer', 'ci.tf.json', 5],
      ['terraform:aws_iam_access_key/deployer', 'ci.tf.json', 11],
      ['terraform:aws_secretsmanager_secret/db', 'ci.tf.json', 22],
      ['terraform:google_service_account/exporter', 'list-form.tf.json', 5],
      ['terraform:google_service_account_key/exporter', 'list-form.tf.json', 13],
    ]);
    const user = set.byId('terraform:aws_iam_user/deployer');
    expect(user.attributes).toEqual({ name: 'json-deployer', path: '/ci/' });
    expect(user.permissions).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(set.byId('terraform:aws_iam_access_key/deployer').usedBy).toEqual([
      { id: 'terraform:aws_iam_user/deployer', kind: 'aws_iam_user', name: 'deployer', file: 'ci.tf.json', line: 12, via: 'user' },
    ]);
    // Nested blocks written as a list of objects (rotation_rules) are blocks.
    expect(set.byId('terraform:aws_secretsmanager_secret/db').rotationEvidence).toBe('aws_secretsmanager_secret_rotation (30 days)');
    expect(set.byId('terraform:google_service_account_key/exporter').usedBy.map((u) => [u.id, u.line])).toEqual([['terraform:google_service_account/exporter', 14]]);
  });

  it('keys records by module path like .tf, and joins with .tf files of the same module', () => {
    const tf = extractTerraform({ path: 'mod/users.tf', content: 'resource "aws_iam_user" "u" {\n  name = "u"\n}\n' });
    const json = extractTerraform({
      path: 'mod/grants.tf.json',
      content: '{"resource": {"aws_iam_user_policy_attachment": {"a": {"user": "${aws_iam_user.u.name}", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}}}',
    });
    const records = [...tf.records, ...json.records];
    linkReferences(records, [...(tf.references ?? []), ...(json.references ?? [])]);
    expect(records.map((r) => [r.id, r.permissions])).toEqual([['terraform:aws_iam_user/mod/u', ['arn:aws:iam::aws:policy/AdministratorAccess']]]);
  });

  it('reports malformed JSON with file, line and column, and goes on', () => {
    const result = extractTerraform({ path: 'bad.tf.json', content: '{\n  "resource": {\n    "aws_iam_user": {,\n}' });
    expect(result.records).toEqual([]);
    expect(result.errors).toEqual([{ file: 'bad.tf.json', line: 3, column: 22, message: "Terraform JSON: malformed JSON: Expected property name or '}'" }]);
    expect(extractTerraform({ path: 'list.tf.json', content: '[1]' }).errors).toEqual([{ file: 'list.tf.json', line: 1, column: 1, message: 'Terraform JSON: the top level must be an object' }]);
  });

  it('reads the same declarations from both syntaxes of one resource', () => {
    const hcl = extractTerraform({ path: 'a.tf', content: 'resource "aws_iam_user" "deployer" {\n  name = "json-deployer"\n  path = "/ci/"\n}\n' });
    const json = extractTerraform({ path: 'a.tf.json', content: read('ci.tf.json') });
    const user = json.records.find((r) => r.type === 'aws_iam_user')!;
    expect({ ...user, file: '', line: 0, permissions: undefined, grants: undefined }).toEqual({ ...hcl.records[0], file: '', line: 0, permissions: undefined, grants: undefined });
    expect(user.grants).toEqual([{ permission: 'aws-policy:arn:aws:iam::aws:policy/ReadOnlyAccess', file: 'a.tf.json', line: 18 }]);
  });
});
