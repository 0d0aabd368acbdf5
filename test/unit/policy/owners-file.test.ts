import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entryMatches, globMatches, ownerError, parseOwnersFile, winningEntry } from '../../../src/core/policy/owners-file.js';
import { cpuTimed } from '../../support/cpu-time.js';

const fixture = (name: string) => readFileSync(`fixtures/owners/${name}`, 'utf8');
const KNOWN = 'match, path, owner, rotation, purpose, environment, kind, justification, review-by';

describe('owners file validation: every problem has its exact message, line and column', () => {
  it.each([
    ['invalid-keys.yml', [
      [2, 5, 'entry 1 is missing "owner"'],
      [3, 5, 'unknown key "ownr" in entry 1; did you mean "owner"?'],
      [4, 5, 'unknown key "rotaton" in entry 1; did you mean "rotation"?'],
      [7, 5, 'unknown key "reviewby" in entry 2; did you mean "review-by"?'],
      [8, 5, `unknown key "colour" in entry 2; known keys: ${KNOWN}`],
      [9, 1, 'unknown key "identitys" in the owners file; did you mean "identities"?'],
    ]],
    ['invalid-values.yml', [
      [3, 12, 'owner "@TODO" is a placeholder: name the team (@org/team) or person (@user, or an email) who owns this identity'],
      [5, 12, 'owner "acme-team" is not a valid owner: write @user, @org/team or an email address'],
      [6, 15, 'rotation "3m" has an unknown unit "m" (write 3mo for months): use one of h, d, w, mo, y; or use ephemeral, managed, never'],
      [9, 15, 'rotation "never" needs a "justification" (why no rotation is acceptable)'],
      [9, 15, 'rotation "never" needs a "review-by" (YYYY-MM-DD when the exception expires)'],
      [14, 16, 'review-by "2027-02-30" is not a date: write YYYY-MM-DD, e.g. 2027-03-31'],
      [17, 15, '"rotation" of entry 5 must be a string, not a number (30)'],
      [18, 5, 'entry 6 needs "match" (a glob over identity ids) or "path" (a glob over file paths)'],
      [21, 15, 'rotation "30days" has an unknown unit "days": use one of h, d, w, mo, y; or use ephemeral, managed, never'],
    ]],
    ['syntax-error.yml', [
      [3, 12, 'Plain value cannot start with reserved character @: quote values that start with @, e.g. owner: "@acme/payments"'],
    ]],
    ['identities-not-a-list.yml', [[1, 13, '"identities" must be a list, not a string ("foo")']]],
    ['entries-wrong-types.yml', [
      [2, 5, 'entry 1 must be a mapping, not a string ("@acme/payments")'],
      [4, 12, '"owner" of entry 2 must be a string, not a list'],
    ]],
  ] as const)('%s', (name, expected) => {
    const { entries, problems } = parseOwnersFile(fixture(name));
    expect(problems.map((p) => [p.line, p.column, p.message])).toEqual(expected);
    expect(entries).toEqual([]);
  });

  it('a file that is not YAML at all gives YAML errors with positions, not a crash', () => {
    const { entries, problems } = parseOwnersFile(fixture('not-yaml.md'));
    expect(entries).toEqual([]);
    expect(problems[0]).toEqual({ line: 4, column: 1, message: 'invalid YAML: Tabs are not allowed as indentation' });
    expect(problems.every((p) => p.message.startsWith('invalid YAML: '))).toBe(true);
  });

  it.each([
    ['plain prose', 'just some words', 'the owners file must be a YAML mapping with an "identities" list, not a string ("just some words")'],
    ['a list at the top', '- owner: "@a"\n', 'the owners file must be a YAML mapping with an "identities" list, not a list'],
    ['a mapping without identities', 'owners: {}\n', 'unknown key "owners" in the owners file; known keys: identities'],
    ['a misspelt identities', 'identites: []\n', 'unknown key "identites" in the owners file; did you mean "identities"?'],
  ])('%s is reported at 1:1', (_name, content, message) => {
    const { problems } = parseOwnersFile(content);
    expect(problems[0]).toMatchObject({ line: 1, column: 1, message });
  });

  it('a mapping without an identities list says so', () => {
    expect(parseOwnersFile('owners: {}\n').problems.map((p) => p.message)).toContain('the owners file has no "identities" list');
  });

  it('an empty file or an empty list is valid and has no entries', () => {
    expect(parseOwnersFile('')).toEqual({ entries: [], problems: [] });
    expect(parseOwnersFile('# nothing yet\nidentities: []\n')).toEqual({ entries: [], problems: [] });
  });

  it('a YAML alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const {
      value: { problems },
      ms,
    } = cpuTimed(() => parseOwnersFile(bomb));
    expect(ms).toBeLessThan(2000);
    expect(problems[0].message).toMatch(/^cannot read the YAML: .*alias/i);
  });

  it('valid entries of a partly invalid file still apply; the invalid ones do not', () => {
    const { entries, problems } = parseOwnersFile(fixture('partly-invalid.yml'));
    expect(entries.map((e) => [e.index, e.line, e.owner])).toEqual([
      [0, 2, '@acme/payments'],
      [3, 10, '@acme/ci'],
    ]);
    expect(problems.map((p) => [p.line, p.column])).toEqual([[6, 12], [9, 5]]);
  });

  it('reads every field of a valid file', () => {
    const { entries, problems } = parseOwnersFile(fixture('valid.yml'));
    expect(problems).toEqual([]);
    expect(entries[0]).toMatchObject({ line: 4, match: 'kubernetes:ServiceAccount/payments/*', owner: '@acme/payments', rotation: { kind: 'duration', text: '90d' }, purpose: 'Nightly billing run', environment: 'production' });
    expect(entries[1]).toMatchObject({ path: 'infra/ci/**', owner: '@acme/devex', rotation: { kind: 'duration', text: '30d' } });
    expect(entries[2]).toMatchObject({ rotation: { kind: 'never' }, justification: 'Vendor cannot rotate; replaced in Q3', reviewBy: new Date('2027-03-31T00:00:00Z'), reviewByLine: 16, reviewByColumn: 16 });
    expect(entries[3]).toMatchObject({ owner: 'platform-team@acme.example', rotation: { kind: 'managed' } });
  });
});

describe('owner forms', () => {
  it.each([
    ['@jdoe', true],
    ['@acme/payments', true],
    ['@acme/platform.sre_team', true],
    ['ops@acme.example', true],
    ['@TODO', false],
    ['@todo', false],
    ['TBD', false],
    ['@-bad', false],
    ['acme/payments', false],
    ['@acme/', false],
    ['', false],
  ])('%s → %s', (owner, valid) => {
    expect(ownerError(owner) === undefined).toBe(valid);
  });
});

describe('matching', () => {
  it.each([
    ['kubernetes:ServiceAccount/payments/billing', 'kubernetes:ServiceAccount/payments/*', true],
    ['kubernetes:ServiceAccount/payments/billing', 'kubernetes:ServiceAccount/*', false], // * does not cross /
    ['kubernetes:ServiceAccount/payments/billing', 'kubernetes:ServiceAccount/**', true], // ** does
    ['kubernetes:ServiceAccount/payments/billing', 'kubernetes:*/payments/*', true],
    ['kubernetes:Secret/payments/db', 'kubernetes:ServiceAccount/payments/*', false],
    ['cloudformation:AWS::IAM::User/DeployUser', 'cloudformation:AWS::IAM::User/*', true],
    ['cloudformation:AWS::IAM::User/DeployUser', 'cloudformation:AWS::IAM::User/DeployUser', true],
    ['cloudformation:AWS::IAM::AccessKey/DeployKey', 'cloudformation:AWS::IAM::User/*', false],
    ['terraform:aws_iam_user/module.ci["a"]/bot', 'terraform:aws_iam_user/module.ci["a"]/bot', true], // glob characters, exact entry
    ['github-actions:secret/NPM_TOKEN', 'github-actions:secret/*', true],
    ['github-actions:secret/.HIDDEN', 'github-actions:secret/*', true],
    ['github-actions:secret/NPM_TOKEN', '!github-actions:secret/NPM_TOKEN', false], // no negation
    ['terraform:aws_iam_user/ci_bot', 'terraform:**', true], // ** glued to a prefix still crosses /
    ['terraform:aws_iam_user/module.a/ci_bot', 'terraform:**', true],
    ['terraform:aws_iam_user', 'terraform:**', true],
    ['terraformx/aws_iam_user/ci_bot', 'terraform:**', false],
    ['terraform:aws_iam_user/ci_bot', 'terraform:aws_iam_**bot', true],
    ['terraform:aws_iam_user/ci_bot', 'terraform:aws_iam_**cat', false],
  ])('%s ~ %s → %s', (id, pattern, expected) => {
    expect(globMatches(id, pattern)).toBe(expected);
  });

  const record = { id: 'terraform:aws_iam_user/ci_bot', file: 'infra/ci/iam.tf' };
  it.each([
    [{ match: 'terraform:**' }, true],
    [{ path: 'infra/ci/**' }, true],
    [{ path: 'infra/*' }, false],
    [{ match: 'terraform:**', path: 'infra/ci/*.tf' }, true],
    [{ match: 'terraform:**', path: 'apps/**' }, false], // both must match
    [{ match: 'kubernetes:**', path: 'infra/ci/**' }, false],
    [{}, false],
  ])('entry %j matches a record in infra/ci → %s', (entry, expected) => {
    expect(entryMatches(entry, record)).toBe(expected);
  });

  it('the last matching entry wins (CODEOWNERS)', () => {
    const { entries } = parseOwnersFile(
      'identities:\n  - match: "terraform:**"\n    owner: "@first"\n  - path: "infra/**"\n    owner: "@second"\n  - match: "kubernetes:**"\n    owner: "@third"\n',
    );
    expect(winningEntry(entries, record)?.owner).toBe('@second');
    expect(winningEntry(entries, { id: 'terraform:aws_iam_user/x', file: 'apps/x.tf' })?.owner).toBe('@first');
    expect(winningEntry(entries, { id: 'compose:service/x', file: 'x.yml' })).toBeUndefined();
  });
});
