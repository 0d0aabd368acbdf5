/**
 * Owners-file edits land on the entry that takes effect: the last matching entry wins (as the
 * loader reads it, like CODEOWNERS), and only valid entries count, since the loader drops invalid
 * ones. Kills: first-match-wins in applyOwnersEdit, and editing an entry the loader ignores.
 */
import { describe, expect, it } from 'vitest';
import { applyOwnersEdit } from '../../../src/core/policy/owners-edit.js';
import { parseOwnersFile, entryMatches } from '../../../src/core/policy/owners-file.js';

const ID = 'kubernetes:ServiceAccount/payments/api';

/** What the loader makes of the file for ID: the last valid matching entry. */
function effective(content: string) {
  const { entries } = parseOwnersFile(content);
  return entries.filter((e) => entryMatches(e, { id: ID, file: 'k8s/api.yaml' })).at(-1);
}

describe('owners-file edits: which entry', () => {
  it('the last of two exact entries is edited in place; the first stays byte for byte', () => {
    const content = `identities:\n  - match: "${ID}"\n    owner: "@acme/old"\n  - match: "${ID}"\n    owner: "@acme/payments"\n`;
    const after = applyOwnersEdit(content, { kind: 'rotation', identityId: ID, rotation: '90d' });
    expect(after).toBe(`identities:\n  - match: "${ID}"\n    owner: "@acme/old"\n  - match: "${ID}"\n    owner: "@acme/payments"\n    rotation: 90d\n`);
    expect(effective(after)).toMatchObject({ owner: '@acme/payments', rotation: { text: '90d' } });
  });

  it('a new entry carries over the fields of the last match, not the first', () => {
    const content = `identities:\n  - match: "kubernetes:**"\n    owner: "@acme/platform"\n  - match: "kubernetes:ServiceAccount/payments/*"\n    owner: "@acme/payments"\n    purpose: billing\n`;
    const after = applyOwnersEdit(content, { kind: 'rotation', identityId: ID, rotation: '30d' });
    expect(effective(after)).toMatchObject({ match: ID, owner: '@acme/payments', purpose: 'billing', rotation: { text: '30d' } });
  });

  it('an invalid later entry (ignored by the loader) is not the one edited: the edit takes effect', () => {
    const content = `identities:\n  - match: "${ID}"\n    owner: "@acme/payments"\n  - match: "${ID}"\n    owner: "@acme/other"\n    rotation: sometimes\n`;
    expect(effective(content)).toMatchObject({ owner: '@acme/payments' });
    const after = applyOwnersEdit(content, { kind: 'rotation', identityId: ID, rotation: '90d' });
    // The valid entry got the rotation; the invalid one is left for validation to report.
    expect(effective(after)).toMatchObject({ owner: '@acme/payments', rotation: { text: '90d' } });
    expect(after).toContain('    rotation: sometimes\n');
  });

  it('with only an invalid entry for the identity, a valid entry is appended and takes effect', () => {
    const content = `identities:\n  - match: "${ID}"\n    owner: "not an owner"\n`;
    const after = applyOwnersEdit(content, { kind: 'owner', identityId: ID, owner: '@acme/payments' });
    expect(effective(after)).toMatchObject({ match: ID, owner: '@acme/payments' });
  });
});
