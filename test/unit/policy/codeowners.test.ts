import { describe, expect, it } from 'vitest';
import { codeownersFor, parseCodeowners } from '../../../src/core/policy/codeowners.js';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.js';
import { generateOwnersFile, updateOwnersFile } from '../../../src/core/policy/owners-init.js';
import { parseOwnersFile } from '../../../src/core/policy/owners-file.js';
import { scanSources } from '../../../src/core/scan.js';
import { defaultSettings, type IdentityRecord } from '../../../src/core/types.js';

const CODEOWNERS = [
  '# Default owners',
  '*                 @acme/platform',
  '/infra/payments/  @acme/payments @jdoe',
  'k8s/              @acme/sre',
  '*.md              @acme/docs',
  '/infra/orphan/',
  '',
].join('\n');
const codeowners = parseCodeowners('.github/CODEOWNERS', CODEOWNERS);

const rec = (id: string, file: string, extra: Partial<IdentityRecord> = {}): IdentityRecord => ({ id, kind: 'credential', platform: id.split(':')[0], type: 'T', name: id.split('/').pop()!, file, line: 1, attributes: {}, usedBy: [], ...extra });

describe('CODEOWNERS', () => {
  it.each([
    ['infra/payments/keys.tf', '@acme/payments', 3],
    ['infra/payments/sub/keys.tf', '@acme/payments', 3],
    ['apps/k8s/sa.yaml', '@acme/sre', 4], // a pattern without a leading / matches at any depth
    ['README.md', '@acme/docs', 5],
    ['infra/main.tf', '@acme/platform', 2],
  ])('%s → %s (line %i)', (file, owner, line) => {
    const rule = codeownersFor(codeowners, file)!;
    expect([rule.owners[0], rule.line]).toEqual([owner, line]);
  });

  it('a rule without owners takes ownership away', () => {
    expect(codeownersFor(codeowners, 'infra/orphan/x.tf')).toBeUndefined();
  });
});

describe('owners init with CODEOWNERS', () => {
  const inventory = [rec('terraform:aws_iam_access_key/infra/payments/stripe', 'infra/payments/keys.tf', { namespace: 'infra/payments' }), rec('terraform:aws_iam_access_key/infra/orphan/x', 'infra/orphan/x.tf', { namespace: 'infra/orphan' })];

  it('pre-fills each group owner from CODEOWNERS, marked as a suggestion; groups without one keep @TODO', () => {
    const text = generateOwnersFile(inventory, { codeowners });
    expect(text).toContain('    owner: "@acme/payments"   # SUGGESTION from .github/CODEOWNERS:3 (/infra/payments/ @acme/payments @jdoe): confirm this team owns these NHIs\n');
    expect(text).toContain('  - match: "terraform:*/infra/orphan/*"\n    owner: "@TODO"\n');
    expect(parseOwnersFile(text).problems.map((p) => p.message)).toEqual(['owner "@TODO" is a placeholder: name the team (@org/team) or person (@user, or an email) who owns this identity']);
  });
});

describe('owners init --update', () => {
  const existing = '# our owners\nidentities:\n  - match: "terraform:*/infra/payments/*"   # payments keys\n    owner: "@acme/payments"\n    rotation: 90d\n';

  it('appends one exact entry per uncovered NHI and leaves every existing byte alone', () => {
    const inventory = [rec('terraform:aws_iam_access_key/infra/payments/stripe', 'infra/payments/keys.tf'), rec('kubernetes:Secret/shop/db', 'k8s/shop.yaml')];
    const { text, added } = updateOwnersFile(existing, inventory, { codeowners });
    expect(added).toBe(1);
    expect(text.startsWith(existing)).toBe(true);
    expect(text.slice(existing.length)).toContain('  - match: "kubernetes:Secret/shop/db"\n    owner: "@acme/sre"   # SUGGESTION from .github/CODEOWNERS:4');
    const parsed = parseOwnersFile(text);
    expect(parsed.problems).toEqual([]);
    const { inventory: owned } = evaluatePolicy({ records: inventory, owners: { path: '.github/nhi-owners.yml', content: text }, settings: defaultSettings() });
    expect(owned.map((e) => e.owner)).toEqual(['@acme/payments', '@acme/sre']);
  });

  it('nothing uncovered: the file is returned unchanged', () => {
    expect(updateOwnersFile(existing, [rec('terraform:aws_iam_access_key/infra/payments/stripe', 'infra/payments/keys.tf')])).toEqual({ text: existing, added: 0 });
  });

  it('an empty flow list is opened; items at column 0 get appended at column 0', () => {
    const inventory = [rec('kubernetes:Secret/shop/db', 'k8s/shop.yaml')];
    expect(updateOwnersFile('identities: []\n', inventory).text).toMatch(/^identities:\n {2}# Added by/);
    const flush = 'identities:\n- match: "x:*"\n  owner: "@a"\n';
    const { text } = updateOwnersFile(flush, inventory);
    expect(text.startsWith(flush)).toBe(true);
    expect(parseOwnersFile(text.replace('"@TODO"', '"@b"')).entries.map((e) => e.match)).toEqual(['x:*', 'kubernetes:Secret/shop/db']);
  });
});

describe('PR check snippet for an unowned NHI', () => {
  it('suggests the CODEOWNERS owner of the declaring file', async () => {
    const result = await scanSources(
      [
        { path: '.github/CODEOWNERS', content: CODEOWNERS },
        { path: 'k8s/shop.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n' },
      ],
      { settings: defaultSettings() },
    );
    const finding = result.findings.find((f) => f.rule === 'identity/unowned')!;
    expect(finding.message).toContain('(.github/CODEOWNERS gives k8s/shop.yaml to @acme/sre)');
    expect(finding.data?.snippet).toBe('  # k8s/shop.yaml:1\n  - match: "kubernetes:ServiceAccount/shop/api"\n    owner: "@acme/sre"   # suggested by .github/CODEOWNERS:4: confirm\n');
  });
});
