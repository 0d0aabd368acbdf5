import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { extractCloudFormation } from '../../../src/core/identities/cloudformation.js';
import { linkReferences } from '../../../src/core/identities/link.js';
import { extractKubernetes } from '../../../src/core/identities/kubernetes.js';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.js';
import { parseOwnersFile } from '../../../src/core/policy/owners-file.js';
import { defaultSettings, type IdentityRecord } from '../../../src/core/types.js';

const OWNERS = '.github/nhi-owners.yml';
const fixture = (path: string) => ({ path, content: readFileSync(`fixtures/iac/cloudformation/${path}`, 'utf8') });
const cfn = () => {
  const records = ['ci/deploy-user.yaml', 'sam/template.yaml', 'oidc/github-deploy-role.json'].flatMap((p) => extractCloudFormation(fixture(p)).records);
  return linkReferences(records, []);
};
const run = (records: IdentityRecord[], owners: string) => evaluatePolicy({ records, owners: { path: OWNERS, content: owners }, settings: defaultSettings() });

describe('field inheritance: a later, narrower entry keeps what it does not set', () => {
  const owners = [
    'identities:',
    '  - match: "cloudformation:**"',
    '    owner: "@acme/platform"',
    '    rotation: 30d',
    '    environment: production',
    '  - match: "cloudformation:AWS::IAM::AccessKey/ci/deploy-user/DeployUserKey"',
    '    owner: "@acme/ci"',
    '    purpose: "CI deploys"',
    '',
  ].join('\n');

  it('keeps rotation and environment of the broad entry, takes owner and purpose from the narrow one, and says which entry gave each', () => {
    const { inventory, findings } = run(cfn(), owners);
    const key = inventory.find((e) => e.id === 'cloudformation:AWS::IAM::AccessKey/ci/deploy-user/DeployUserKey')!;
    expect([key.owner, key.rotation, key.environment, key.purpose]).toEqual(['@acme/ci', '30d', 'production', 'CI deploys']);
    expect(key.ownersFields).toEqual({ owner: { entry: 2, line: 6 }, rotation: { entry: 1, line: 2 }, environment: { entry: 1, line: 2 }, purpose: { entry: 2, line: 6 } });
    // the inherited rotation still satisfies credential/no-rotation
    expect(findings.filter((f) => f.identityId === key.id)).toEqual([]);
  });
});

describe('did-you-mean and invalid globs', () => {
  it('a match that matches nothing names the nearest identity id', () => {
    const { findings } = run(cfn(), 'identities:\n  - match: "cloudformation:AWS::IAM::User/ci/deploy-usr/DeployUser"\n    owner: "@a"\n');
    const stale = findings.find((f) => f.rule === 'owners/stale-entry')!;
    expect(stale.message).toBe('Owners entry 1 (match "cloudformation:AWS::IAM::User/ci/deploy-usr/DeployUser") matches no identity in the repository; did you mean "cloudformation:AWS::IAM::User/ci/deploy-user/DeployUser"?');
    expect([stale.line, stale.level]).toEqual([2, 'notice']);
  });

  it('a glob whose wildcard segment fits is judged on the misspelt segment', () => {
    const { findings } = run(cfn(), 'identities:\n  - match: "cloudformation:AWS::IAM::Role/sam/templat/*"\n    owner: "@a"\n');
    expect(findings.find((f) => f.rule === 'owners/stale-entry')!.data?.didYouMean).toEqual(['cloudformation:AWS::IAM::Role/sam/template/OrdersFunctionRole', 'cloudformation:AWS::IAM::Role/sam/template/ReportsFunctionRole']);
  });

  it('nothing close: no suggestion, the old advice', () => {
    const { findings } = run(cfn(), 'identities:\n  - match: "kubernetes:ServiceAccount/zzz/*"\n    owner: "@a"\n');
    expect(findings.find((f) => f.rule === 'owners/stale-entry')!.message).toMatch(/matches no identity in the repository: remove it, or fix its glob$/);
  });

  it.each([
    ['cloudformation:AWS::IAM::Role/[abc', '"]" is missing'],
    ['kubernetes:{ServiceAccount,Secret/x/*', '"}" is missing'],
    ['kubernetes:ServiceAccount/x]/*', '"]" at position 28 closes nothing'],
    ['terraform:***', '"***" is not a glob'],
  ])('%s is an error, not a stale entry', (glob, why) => {
    const parsed = parseOwnersFile(`identities:\n  - match: "${glob}"\n    owner: "@a"\n`);
    expect(parsed.entries).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0].message).toContain(`match "${glob}" is not a valid glob: ${why}`);
    expect(parsed.problems[0].line).toBe(2);
  });

  it('escaped and balanced glob characters are fine', () => {
    expect(parseOwnersFile('identities:\n  - match: \'terraform:aws_iam_user/module.x["a"]/*\'\n    owner: "@a"\n  - path: "infra/{prod,staging}/**"\n    owner: "@b"\n').problems).toEqual([]);
  });
});

describe('migration: owners globs written for CloudFormation ids before template scoping', () => {
  it('still match, and a notice gives the equivalent new glob', () => {
    const { inventory, findings } = run(cfn(), 'identities:\n  - match: "cloudformation:AWS::IAM::User/*"\n    owner: "@acme/platform"\n');
    expect(inventory.filter((e) => e.type === 'AWS::IAM::User').map((e) => e.owner)).toEqual(['@acme/platform', '@acme/platform']);
    const legacy = findings.filter((f) => f.rule === 'owners/legacy-id');
    expect(legacy).toHaveLength(1);
    expect(legacy[0].data?.replacement).toBe('cloudformation:AWS::IAM::User/**/*');
    expect(legacy[0].message).toContain('write match: "cloudformation:AWS::IAM::User/**/*" for the same set');
    // the suggested glob matches the same identities, without the notice
    const migrated = run(cfn(), 'identities:\n  - match: "cloudformation:AWS::IAM::User/**/*"\n    owner: "@acme/platform"\n');
    expect(migrated.inventory.filter((e) => e.owner).map((e) => e.id)).toEqual(inventory.filter((e) => e.owner).map((e) => e.id));
    expect(migrated.findings.filter((f) => f.rule.startsWith('owners/'))).toEqual([]);
  });

  it('a logical id in two templates is two identities, each with its own owner', () => {
    const a = extractCloudFormation({ path: 'teams/orders/template.yaml', content: 'Resources:\n  LambdaExecutionRole:\n    Type: AWS::IAM::Role\n' }).records;
    const b = extractCloudFormation({ path: 'teams/billing/template.yaml', content: 'Resources:\n  LambdaExecutionRole:\n    Type: AWS::IAM::Role\n' }).records;
    const records = linkReferences([...a, ...b], []);
    expect(records.map((r) => r.id)).toEqual(['cloudformation:AWS::IAM::Role/teams/orders/template/LambdaExecutionRole', 'cloudformation:AWS::IAM::Role/teams/billing/template/LambdaExecutionRole']);
    const { inventory } = run(records, 'identities:\n  - path: "teams/orders/**"\n    owner: "@acme/orders"\n  - path: "teams/billing/**"\n    owner: "@acme/billing"\n');
    expect(inventory.map((e) => e.owner)).toEqual(['@acme/orders', '@acme/billing']);
  });
});

describe('declarations: every site is kept, and path: matches any of them', () => {
  const sa = (ns: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: ${ns}\n`;
  const records = () =>
    linkReferences(
      [...extractKubernetes({ path: 'base/sa.yaml', content: sa('shop') }).records, ...extractKubernetes({ path: 'rendered/release.yaml', content: `---\n${sa('shop')}` }).records],
      [],
    );

  it('lists both files with their lines', () => {
    const [record] = records();
    expect(record.declarations).toEqual([{ file: 'base/sa.yaml', line: 1 }, { file: 'rendered/release.yaml', line: 2 }]);
  });

  it('a path entry for the second declaration owns it', () => {
    const { inventory } = run(records(), 'identities:\n  - path: "rendered/**"\n    owner: "@acme/release"\n');
    expect(inventory[0].owner).toBe('@acme/release');
  });
});

describe('kind: config', () => {
  it('a secret marked config needs no rotation and shows as config', () => {
    const secret: IdentityRecord = { id: 'github-actions:secret/AWS_REGION', kind: 'credential', platform: 'github-actions', type: 'secret', name: 'AWS_REGION', file: '.github/workflows/ci.yml', line: 3, attributes: {}, usedBy: [] };
    const { inventory, findings } = run([secret], 'identities:\n  - match: "github-actions:secret/AWS_REGION"\n    owner: "@acme/ci"\n    kind: config\n');
    expect(findings).toEqual([]);
    expect(inventory[0].kind).toBe('config');
  });

  it('an unknown kind is refused', () => {
    expect(parseOwnersFile('identities:\n  - match: "x:*"\n    owner: "@a"\n    kind: settings\n').problems.map((p) => p.line)).toEqual([4]);
  });
});
