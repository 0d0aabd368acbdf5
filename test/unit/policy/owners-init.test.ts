import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.js';
import { generateOwnersFile } from '../../../src/core/policy/owners-init.js';
import { parseOwnersFile } from '../../../src/core/policy/owners-file.js';
import { defaultSettings, type IdentityRecord } from '../../../src/core/types.js';

const rec = (id: string, file: string, extra: Partial<IdentityRecord> = {}): IdentityRecord => ({
  id, kind: 'identity', platform: id.split(':')[0], type: 'T', name: id.split('/').pop()!, file, line: 1, attributes: {}, usedBy: [], ...extra,
});

const INVENTORY: IdentityRecord[] = [
  rec('kubernetes:ServiceAccount/payments/billing', 'k8s/payments.yaml', { namespace: 'payments' }),
  rec('kubernetes:Secret/payments/db', 'k8s/payments.yaml', { namespace: 'payments', kind: 'credential' }),
  rec('kubernetes:ServiceAccount/web/frontend', 'k8s/web.yaml', { namespace: 'web' }),
  rec('terraform:aws_iam_user/ci_bot', 'infra/ci/iam.tf'),
  rec('terraform:aws_iam_access_key/ci_bot', 'infra/ci/iam.tf', { kind: 'credential' }),
  rec('terraform:google_service_account_key/sa', 'infra/gcp/keys.tf', { kind: 'credential', rotationEvidence: 'time_rotating (30d)' }),
  rec('cloudformation:AWS::IAM::User/DeployUser', 'template.yaml'),
  rec('github-actions:secret/NPM_TOKEN', '.github/workflows/release.yml', { kind: 'credential' }),
  rec('github-actions:secret/NPM_TOKEN', '.github/workflows/ci.yml', { kind: 'credential' }),
  rec('terraform:aws_iam_user/module.x["a"]/odd', 'infra/ci/mod.tf', { namespace: 'module.x["a"]/deep' }),
];

describe('owners init', () => {
  const text = generateOwnersFile(INVENTORY);

  it('validates as a file whose only errors are the @TODO owners, one per group', () => {
    const { problems } = parseOwnersFile(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.message))).toEqual(new Set(['owner "@TODO" is a placeholder: name the team (@org/team) or person (@user, or an email) who owns this identity']));
    expect(problems.length).toBe(text.match(/owner: "@TODO"/g)!.length);
  });

  it('once the owners are filled, it covers every NHI and has no stale entry', () => {
    const filled = text.replace(/"@TODO"/g, '"@acme/owners"');
    const { findings, inventory } = evaluatePolicy({ records: INVENTORY, owners: { path: '.github/nhi-owners.yml', content: filled }, settings: defaultSettings() });
    expect(findings.filter((f) => f.rule !== 'credential/no-rotation')).toEqual([]);
    expect(inventory.every((entry) => entry.owner === '@acme/owners')).toBe(true);
    // credentials without rotation evidence still need a decision
    expect(findings.map((f) => f.identityId).sort()).toEqual(['github-actions:secret/NPM_TOKEN', 'github-actions:secret/NPM_TOKEN', 'kubernetes:Secret/payments/db', 'terraform:aws_iam_access_key/ci_bot']);
  });

  it('groups by namespace and by directory, with explanatory comments and the schema hint', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=https://unpkg.com/nhi-steward/schema/nhi-owners.schema.json');
    for (const field of ['match', 'path', 'owner', 'rotation', 'purpose', 'environment', 'justification', 'review-by']) expect(text).toMatch(new RegExp(`^#   ${field} `, 'm'));
    expect(text).toContain('  - match: "kubernetes:*/payments/*"\n    owner: "@TODO"\n    # rotation: 90d   # 1 credential(s) here show no rotation in code');
    expect(text).toContain('  - match: "kubernetes:*/web/*"\n    owner: "@TODO"\n');
    expect(text).toContain('  - match: "terraform:**"\n    path: "infra/ci/*"\n');
    expect(text).toContain('  - match: "github-actions:**"\n    path: ".github/workflows/*"\n');
    expect(text).toContain('  - match: "cloudformation:**"\n    path: "*"\n');
    expect(text).toContain('#   kubernetes:ServiceAccount/payments/billing\n');
    expect(text).not.toMatch(/path: "infra\/gcp\/\*"\n {4}owner: "@TODO"\n {4}# rotation/); // rotation shown in code
  });

  it('an empty inventory gives a valid empty file', () => {
    const empty = generateOwnersFile([]);
    expect(empty.endsWith('identities: []\n')).toBe(true);
    expect(parseOwnersFile(empty).problems).toEqual([]);
  });

  it('is deterministic whatever the input order', () => {
    expect(generateOwnersFile([...INVENTORY].reverse())).toBe(text);
  });
});
