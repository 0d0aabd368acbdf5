import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyOwnersEdit, OwnersEditError, type OwnersEdit } from '../../../src/core/policy/owners-edit.js';
import { parseOwnersFile, winningEntry } from '../../../src/core/policy/owners-file.js';

const VALID = readFileSync('fixtures/owners/valid.yml', 'utf8');

/** Every line of `before` appears in `after`, byte for byte and in order; returns the lines added. */
function addedLines(before: string, after: string): string[] {
  const old = before.split('\n');
  const next = after.split('\n');
  const added: string[] = [];
  let i = 0;
  for (const line of next) {
    if (i < old.length && line === old[i]) i++;
    else added.push(line);
  }
  expect(i, 'every original line is kept in order').toBe(old.length);
  return added;
}

function owner(content: string, id: string, file = 'x') {
  const parsed = parseOwnersFile(content);
  expect(parsed.problems).toEqual([]);
  return winningEntry(parsed.entries, { id, file });
}

describe('applyOwnersEdit: in place on the last exact entry', () => {
  const id = 'github-actions:secret/LEGACY_FTP_PASSWORD';
  it('owner: only the owner value changes, every other byte stays', () => {
    const after = applyOwnersEdit(VALID, { kind: 'owner', identityId: id, owner: '@acme/ftp' });
    expect(after).toBe(VALID.replace('owner: "@jdoe"', 'owner: "@acme/ftp"'));
    expect(owner(after, id)?.owner).toBe('@acme/ftp');
  });

  it('rotation: replaces the value and keeps justification/review-by lines', () => {
    const after = applyOwnersEdit(VALID, { kind: 'rotation', identityId: id, rotation: '30d' });
    expect(after).toBe(VALID.replace('rotation: never\n    justification', 'rotation: 30d\n    justification'));
  });

  it('a missing key is inserted after the entry, at its indentation, keeping trailing comments', () => {
    const content = 'identities:\n  - match: "k:a/b"   # exact\n    owner: "@a"   # keep me\n# tail comment\n';
    const after = applyOwnersEdit(content, { kind: 'exempt', identityId: 'k:a/b', justification: 'Vendor "legacy"', reviewBy: '2027-01-31' });
    expect(after).toBe('identities:\n  - match: "k:a/b"   # exact\n    owner: "@a"   # keep me\n    rotation: never\n    justification: "Vendor \\"legacy\\""\n    review-by: 2027-01-31\n# tail comment\n');
    expect(owner(after, 'k:a/b')).toMatchObject({ justification: 'Vendor "legacy"', rotation: { kind: 'never' } });
  });

  it('a block scalar value is replaced whole', () => {
    const content = 'identities:\n  - match: "k:a/b"\n    owner: "@a"\n    rotation: |\n      90d\n  # after\n';
    expect(applyOwnersEdit(content, { kind: 'rotation', identityId: 'k:a/b', rotation: '30d' })).toBe('identities:\n  - match: "k:a/b"\n    owner: "@a"\n    rotation: 30d\n  # after\n');
  });

  it('CRLF files stay CRLF', () => {
    const content = 'identities:\r\n  - match: "k:a/b"\r\n    owner: "@a"\r\n';
    expect(applyOwnersEdit(content, { kind: 'rotation', identityId: 'k:a/b', rotation: '1y' })).toBe('identities:\r\n  - match: "k:a/b"\r\n    owner: "@a"\r\n    rotation: 1y\r\n');
  });

  it('a change the file already says returns the content unchanged', () => {
    expect(applyOwnersEdit(VALID, { kind: 'owner', identityId: id, owner: '@jdoe' })).toBe(VALID);
    // covered by a glob entry that already says it: nothing to add either
    expect(applyOwnersEdit(VALID, { kind: 'owner', identityId: 'kubernetes:ServiceAccount/payments/x', owner: '@acme/payments' })).toBe(VALID);
  });
});

describe('applyOwnersEdit: appends a new exact entry otherwise', () => {
  it('an identity covered by a glob gets its own entry at the end, carrying the owner over', () => {
    const id = 'kubernetes:ServiceAccount/payments/billing';
    const after = applyOwnersEdit(VALID, { kind: 'rotation', identityId: id, rotation: '30d' });
    expect(addedLines(VALID, after)).toEqual([
      `  - match: "${id}"`,
      '    owner: "@acme/payments"',
      '    rotation: 30d',
      '    purpose: "Nightly billing run"',
      '    environment: production',
    ]);
    expect(after.startsWith(VALID)).toBe(true);
    expect(owner(after, id)).toMatchObject({ owner: '@acme/payments', rotation: { text: '30d' } });
  });

  it('a path entry is only considered when the declaring file is known', () => {
    const id = 'terraform:aws_iam_access_key/deploy';
    const withFile: OwnersEdit = { kind: 'rotation', identityId: id, rotation: '7d', file: 'infra/ci/keys.tf' };
    expect(addedLines(VALID, applyOwnersEdit(VALID, withFile))).toEqual([`  - match: "${id}"`, '    owner: "@acme/devex"', '    rotation: 7d']);
    // Without the file there is no owner to carry over; the placeholder fails validation until filled.
    expect(addedLines(VALID, applyOwnersEdit(VALID, { kind: 'rotation', identityId: id, rotation: '7d' }))).toEqual([`  - match: "${id}"`, '    owner: "@TODO"', '    rotation: 7d']);
  });

  it('comments after the list and other top-level keys stay where they are', () => {
    const content = '# head\nidentities:   # list\n  - match: "a:*"\n    owner: "@a"\n\n# trailing note\n';
    const after = applyOwnersEdit(content, { kind: 'owner', identityId: 'b:x/y', owner: '@b' });
    expect(after).toBe('# head\nidentities:   # list\n  - match: "a:*"\n    owner: "@a"\n  - match: "b:x/y"\n    owner: "@b"\n\n# trailing note\n');
  });

  it.each([
    ['an empty list', 'identities: []\n', 'identities:\n  - match: "k:a/b"\n    owner: "@a"\n'],
    ['a null list with a comment', '# c\nidentities:\n# nothing yet\n', '# c\nidentities:\n  - match: "k:a/b"\n    owner: "@a"\n# nothing yet\n'],
    ['no identities key', '# just a comment', '# just a comment\nidentities:\n  - match: "k:a/b"\n    owner: "@a"\n'],
    ['no trailing newline', 'identities:\n  - match: "x"\n    owner: "@x"', 'identities:\n  - match: "x"\n    owner: "@x"\n  - match: "k:a/b"\n    owner: "@a"\n'],
    ['zero-indented list', 'identities:\n- match: "x"\n  owner: "@x"\n', 'identities:\n- match: "x"\n  owner: "@x"\n- match: "k:a/b"\n  owner: "@a"\n'],
  ])('%s', (_name, content, expected) => {
    const after = applyOwnersEdit(content, { kind: 'owner', identityId: 'k:a/b', owner: '@a' });
    expect(after).toBe(expected);
    expect(owner(after, 'k:a/b')?.owner).toBe('@a');
  });

  it('creates the file when absent', () => {
    const created = applyOwnersEdit('', { kind: 'owner', identityId: 'k:a/b', owner: '@acme/x' });
    expect(created.split('\n')[0]).toBe('# yaml-language-server: $schema=https://unpkg.com/nhi-steward/schema/nhi-owners.schema.json');
    expect(created.endsWith('identities:\n  - match: "k:a/b"\n    owner: "@acme/x"\n')).toBe(true);
    expect(owner(created, 'k:a/b')?.owner).toBe('@acme/x');
  });
});

describe('applyOwnersEdit refuses what it cannot write correctly', () => {
  it.each([
    [{ kind: 'owner', identityId: 'k:a/b', owner: '@TODO' }, 'owner "@TODO" is a placeholder'],
    [{ kind: 'owner', identityId: 'k:a/b', owner: 'bob' }, 'owner "bob" is not a valid owner'],
    [{ kind: 'rotation', identityId: 'k:a/b', rotation: '3m' }, 'rotation "3m" has an unknown unit'],
    [{ kind: 'rotation', identityId: 'k:a/b', rotation: 'never' }, 'use the exempt command'],
    [{ kind: 'exempt', identityId: 'k:a/b', justification: 'x', reviewBy: '2027-02-30' }, 'review-by "2027-02-30" is not a date'],
    [{ kind: 'exempt', identityId: 'k:a/b', justification: ' ', reviewBy: '2027-02-01' }, 'needs a justification'],
  ] as Array<[OwnersEdit, string]>)('%j', (edit, message) => {
    expect(() => applyOwnersEdit(VALID, edit)).toThrow(OwnersEditError);
    expect(() => applyOwnersEdit(VALID, edit)).toThrow(message);
  });

  it.each([
    ['invalid YAML', 'identities:\n  - owner: @x\n', 'not valid YAML'],
    ['a list at the top', '- a\n', 'not a mapping'],
    ['identities not a list', 'identities: 3\n', 'not a list'],
  ])('%s', (_name, content, message) => {
    expect(() => applyOwnersEdit(content, { kind: 'owner', identityId: 'k:a/b', owner: '@a' })).toThrow(message);
  });
});
