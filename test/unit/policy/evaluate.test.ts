import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.js';
import { parseOwnersFile } from '../../../src/core/policy/owners-file.js';
import { defaultSettings, type IdentityRecord, type UsedBy } from '../../../src/core/types.js';
import { cpuTimed } from '../../support/cpu-time.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const OWNERS = '.github/nhi-owners.yml';

function record(id: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord {
  const [platform, rest] = id.split(/:(.*)/s);
  const parts = rest.split('/');
  return { id, kind: 'credential', platform, type: parts[0], name: parts[parts.length - 1], file: 'infra/main.tf', line: 7, attributes: {}, usedBy: [], ...overrides };
}

function user(id: string, overrides: Partial<UsedBy> = {}): UsedBy {
  return { id, kind: 'Deployment', name: id.split('/').pop()!, file: 'k8s/app.yaml', line: 1, via: 'serviceAccountName', ...overrides };
}

function run(records: IdentityRecord[], owners?: string, options: { mode?: 'pr' | 'full'; changed?: string[] } = {}) {
  return evaluatePolicy({
    records,
    owners: owners === undefined ? undefined : { path: OWNERS, content: owners },
    // This file is about ownership and rotation; the OWASP rules' own table is test/unit/policy/nhi-rules.test.ts.
    settings: defaultSettings({ now: NOW, mode: options.mode ?? 'full', rules: { 'credential/long-lived-key': 'off' } }),
    changed: options.changed ? new Set(options.changed) : undefined,
  });
}

const entry = (match: string, extra = '') => `identities:\n  - match: "${match}"\n    owner: "@acme/team"\n${extra}`;
const rules = (output: ReturnType<typeof run>) => output.findings.map((f) => f.rule).sort();

describe('rotation forms: which owners entries satisfy credential/no-rotation', () => {
  const id = 'terraform:aws_iam_access_key/ci';
  it.each([
    ['30d', '    rotation: 30d\n', []],
    ['12h', '    rotation: 12h\n', []],
    ['1y', '    rotation: 1y\n', []],
    ['6w', '    rotation: 6w\n', []],
    ['3mo', '    rotation: 3mo\n', []],
    ['ephemeral on a static key is refused', '    rotation: ephemeral\n', ['credential/no-rotation']],
    ['managed on a static key is refused', '    rotation: managed\n', ['credential/no-rotation']],
    ['never + justification + review-by (future)', '    rotation: never\n    justification: "Vendor"\n    review-by: 2026-12-31\n', []],
    ['never, review-by today (still valid all day)', '    rotation: never\n    justification: "Vendor"\n    review-by: 2026-06-15\n', []],
    ['never, review-by passed', '    rotation: never\n    justification: "Vendor"\n    review-by: 2026-06-14\n', ['credential/no-rotation', 'owners/expired-exception']],
    ['no rotation', '', ['credential/no-rotation']],
    ['an invalid rotation (the entry does not apply)', '    rotation: 30days\n', ['credential/no-rotation', 'identity/unowned', 'owners/invalid']],
  ])('%s', (_name, extra, expected) => {
    expect(rules(run([record(id)], entry(id, extra)))).toEqual(expected);
  });

  it.each(['ephemeral', 'managed'])('%s is accepted for credentials that are not static keys', (claim) => {
    const secret = 'terraform:aws_secretsmanager_secret/db';
    expect(rules(run([record(secret)], entry(secret, `    rotation: ${claim}\n`)))).toEqual([]);
  });

  it('a refused claim names the claim, the key type and the entry line', () => {
    const [finding] = run([record(id)], entry(id, '    rotation: managed\n')).findings;
    expect(finding.message).toBe(
      'terraform:aws_iam_access_key/ci: the owners entry claims rotation: managed, but aws_iam_access_key is a static key that nothing rotates or expires (the code shows no rotation): give .github/nhi-owners.yml:2 a period such as 90d and rotate on it, or replace the key with a keyless identity',
    );
  });

  it('rotation evidence in code satisfies the policy without an entry rotation', () => {
    const rotated = record(id, { rotationEvidence: 'aws_secretsmanager_secret_rotation (30 days)' });
    expect(rules(run([rotated], entry(id)))).toEqual([]);
    expect(rules(run([rotated]))).toEqual(['identity/unowned']);
  });

  it('identities (not credentials) need no rotation', () => {
    expect(rules(run([record('kubernetes:ServiceAccount/payments/billing', { kind: 'identity', namespace: 'payments' })], entry('kubernetes:ServiceAccount/payments/*')))).toEqual([]);
  });
});

describe('each rule: level, location, OWASP ids, message, fingerprint', () => {
  it('identity/unowned: warning in full scans, at the declaration, NHI1, with a ready-to-paste snippet', () => {
    const [finding] = run([record('kubernetes:ServiceAccount/payments/billing', { kind: 'identity', namespace: 'payments', file: 'k8s/sa.yaml', line: 3 })]).findings;
    expect(finding).toMatchObject({
      rule: 'identity/unowned',
      level: 'warning',
      file: 'k8s/sa.yaml',
      line: 3,
      column: 1,
      identityId: 'kubernetes:ServiceAccount/payments/billing',
      owasp: ['NHI1'],
      message: 'kubernetes:ServiceAccount/payments/billing has no owner: add an entry to .github/nhi-owners.yml with match: "kubernetes:ServiceAccount/payments/billing" and an owner (@user, @org/team or an email)',
    });
    expect(finding.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const snippet = finding.data!.snippet as string;
    expect(snippet).toBe('  # k8s/sa.yaml:3\n  - match: "kubernetes:ServiceAccount/payments/billing"\n    owner: "@TODO"   # @user, @org/team or an email\n');
    // Pasted under `identities:` it parses, and its only problem is the placeholder owner.
    expect(parseOwnersFile(`identities:\n${snippet}`).problems.map((p) => p.message)).toEqual([
      'owner "@TODO" is a placeholder: name the team (@org/team) or person (@user, or an email) who owns this identity',
    ]);
  });

  it('identity/unowned is an error in PR mode', () => {
    expect(run([record('terraform:aws_iam_user/bot')], undefined, { mode: 'pr', changed: ['terraform:aws_iam_user/bot'] }).findings.find((f) => f.rule === 'identity/unowned')?.level).toBe('error');
  });

  it('credential/no-rotation: warning at the declaration, NHI7, naming the entry to fix', () => {
    const id = 'terraform:aws_iam_access_key/ci';
    const [finding] = run([record(id)], entry(id)).findings;
    expect(finding).toMatchObject({ rule: 'credential/no-rotation', level: 'warning', file: 'infra/main.tf', line: 7, owasp: ['NHI7'], identityId: id });
    expect(finding.message).toBe(`${id}: it has no rotation policy: rotate it and give its owners entry (.github/nhi-owners.yml:2) a rotation (30d, 90d, ephemeral, managed), or show rotation in code (Secrets Manager rotation, time_rotating, end_date_relative, OIDC)`);
  });

  it('owners/expired-exception: warning at the review-by line of the owners file, NHI7', () => {
    const id = 'github-actions:secret/LEGACY_FTP_PASSWORD';
    const output = run([record(id)], entry(id, '    rotation: never\n    justification: "Vendor cannot rotate"\n    review-by: 2026-03-31\n'));
    const expired = output.findings.find((f) => f.rule === 'owners/expired-exception')!;
    expect(expired).toMatchObject({ level: 'warning', file: OWNERS, line: 6, column: 16, owasp: ['NHI7'], identityId: id });
    expect(expired.message).toBe(`The rotation exception for ${id} expired on 2026-03-31: rotate the credential and set a rotation, or renew the exception with a new review-by date`);
    expect(output.findings.find((f) => f.rule === 'credential/no-rotation')!.message).toContain('its "never" exception expired on 2026-03-31');
  });

  it.each([
    ['different namespaces', [user('kubernetes:Deployment/a/x', { namespace: 'a' }), user('kubernetes:Deployment/b/y', { namespace: 'b' })], ['NHI9'], 'namespaces a, b'],
    ['different apps', [user('compose:service/web', { app: 'web' }), user('compose:service/worker', { app: 'worker' })], ['NHI9'], 'apps web, worker'],
    ['different environments (from directories)', [user('kubernetes:Deployment/x/api', { file: 'overlays/prod/api.yaml' }), user('kubernetes:Deployment/x/api2', { file: 'overlays/staging/api.yaml' })], ['NHI9', 'NHI8'], 'environments production, staging'],
    ['different environments (from namespaces)', [user('kubernetes:Deployment/shop-prod/api', { namespace: 'shop-prod' }), user('kubernetes:Deployment/shop-dev/api', { namespace: 'shop-dev' })], ['NHI9', 'NHI8'], 'environments development, production'],
  ])('identity/shared: %s', (_name, usedBy, owasp, detail) => {
    const id = 'kubernetes:Secret/shared/db';
    const finding = run([record(id, { usedBy })], entry(id, '    rotation: 30d\n')).findings.find((f) => f.rule === 'identity/shared')!;
    expect(finding).toMatchObject({ level: 'warning', owasp, identityId: id });
    expect(finding.message).toContain(detail);
  });

  it('identity/shared does not fire for several workloads of one app in one namespace', () => {
    const usedBy = [user('kubernetes:Deployment/pay/api', { namespace: 'pay', app: 'billing' }), user('kubernetes:CronJob/pay/nightly', { namespace: 'pay', app: 'billing' })];
    expect(rules(run([record('kubernetes:ServiceAccount/pay/billing', { kind: 'identity', usedBy })], entry('kubernetes:**')))).toEqual([]);
  });

  it('owners/stale-entry: notice at the entry line for an entry that matches nothing', () => {
    const content = 'identities:\n  - match: "terraform:**"\n    owner: "@a"\n    rotation: 30d\n  # gone\n  - match: "kubernetes:ServiceAccount/old/*"\n    owner: "@b"\n';
    const { findings } = run([record('terraform:aws_iam_access_key/ci')], content);
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'owners/stale-entry', level: 'notice', file: OWNERS, line: 6, column: 5, message: 'Owners entry 2 (match "kubernetes:ServiceAccount/old/*") matches no identity in the repository: remove it, or fix its glob' }),
    ]);
  });

  it('owners/invalid: error per problem in the owners file, at its line and column', () => {
    const { findings } = run([], 'identities:\n  - match: "x"\n    owner: "@TODO"\n');
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'owners/invalid', level: 'error', file: OWNERS, line: 3, column: 12, message: '.github/nhi-owners.yml: owner "@TODO" is a placeholder: name the team (@org/team) or person (@user, or an email) who owns this identity' }),
    ]);
  });

  it('fingerprints depend on rule and identity only: stable across moves', () => {
    const a = run([record('terraform:aws_iam_user/bot', { file: 'a.tf', line: 1 })]).findings[0];
    const b = run([record('terraform:aws_iam_user/bot', { file: 'b/c.tf', line: 90 })]).findings[0];
    const other = run([record('terraform:aws_iam_user/bot2')]).findings[0];
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(other.fingerprint);
  });
});

describe('owners entries', () => {
  const owners = 'identities:\n  - path: "infra/**"\n    owner: "@acme/infra"\n    rotation: 90d\n  - match: "terraform:aws_iam_access_key/*"\n    path: "infra/ci/**"\n    owner: "@acme/ci"\n    rotation: 30d\n    environment: ci\n    purpose: "Deploys"\n';
  it.each([
    ['path only', record('terraform:aws_iam_user/admin', { file: 'infra/iam.tf' }), '@acme/infra', '90d'],
    ['match + path: both hold, the later entry wins', record('terraform:aws_iam_access_key/deploy', { file: 'infra/ci/keys.tf' }), '@acme/ci', '30d'],
    ['match + path: path fails, the earlier entry applies', record('terraform:aws_iam_access_key/other', { file: 'infra/keys.tf' }), '@acme/infra', '90d'],
  ])('%s', (_name, rec, owner, rotation) => {
    expect(run([rec], owners).inventory[0]).toMatchObject({ owner, rotation });
  });

  it('the inventory carries owner, rotation, environment, purpose of the winning entry and the open gaps', () => {
    const { inventory } = run([record('terraform:aws_iam_access_key/deploy', { file: 'infra/ci/keys.tf' }), record('compose:secret/app/DB', { file: 'docker-compose.yml' })], owners);
    expect(inventory[0]).toMatchObject({ owner: '@acme/ci', rotation: '30d', environment: 'ci', purpose: 'Deploys', findings: [] });
    expect(inventory[1].owner).toBeUndefined();
    expect(inventory[1].findings).toEqual(['identity/unowned', 'credential/no-rotation']);
  });
});

describe('PR mode blames only new or changed NHIs', () => {
  const records = [record('terraform:aws_iam_user/old'), record('terraform:aws_iam_user/new')];
  it('unchanged NHIs raise no identity findings, but keep their gaps in the inventory', () => {
    const output = run(records, '', { mode: 'pr', changed: ['terraform:aws_iam_user/new'] });
    expect(output.findings.map((f) => [f.rule, f.identityId, f.level])).toEqual([
      ['identity/unowned', 'terraform:aws_iam_user/new', 'error'],
      ['credential/no-rotation', 'terraform:aws_iam_user/new', 'warning'],
    ]);
    expect(output.inventory[0].findings).toEqual(['identity/unowned', 'credential/no-rotation']);
  });

  it('owners-file problems always fire; stale entries are left to full scans', () => {
    const content = 'identities:\n  - match: "nothing:*"\n    owner: "@a"\n  - match: "x"\n    owner: bad\n';
    expect(rules(run(records, content, { mode: 'pr', changed: [] }))).toEqual(['owners/invalid']);
    expect(rules(run(records, content, { mode: 'full' }))).toContain('owners/stale-entry');
  });

  it('expired exceptions fire even for unchanged NHIs', () => {
    const id = 'terraform:aws_iam_user/old';
    const output = run(records, entry(id, '    rotation: never\n    justification: "x"\n    review-by: 2025-01-01\n'), { mode: 'pr', changed: [] });
    expect(rules(output)).toEqual(['owners/expired-exception']);
  });
});

describe('robustness', () => {
  it('an owners file that is not YAML gives owners/invalid findings and everything is unowned; no crash', () => {
    const output = run([record('terraform:aws_iam_user/a')], '\u0000\u0001 binary [[[ {{{');
    expect(rules(output)).toContain('owners/invalid');
    expect(rules(output)).toContain('identity/unowned');
  });

  it('5,000 NHIs against 500 owners entries evaluate quickly', () => {
    const records = Array.from({ length: 5000 }, (_, i) => record(`kubernetes:Secret/ns${i % 500}/s${i}`, { namespace: `ns${i % 500}`, file: `k8s/ns${i % 500}.yaml` }));
    const owners = `identities:\n${Array.from({ length: 500 }, (_, i) => `  - match: "kubernetes:*/ns${i}/*"\n    owner: "@acme/t${i}"\n    rotation: 30d\n`).join('')}`;
    const { value: output, ms: elapsed } = cpuTimed(() => run(records, owners));
    expect(output.findings).toEqual([]);
    expect(elapsed).toBeLessThan(5000);
  });
});
