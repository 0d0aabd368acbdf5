import { describe, expect, it } from 'vitest';
import { rawEntry } from '../../src/workspace/history.js';

/**
 * `git log --raw -c` lines, as git 2.39 writes them (a scratch repository: a commit, and a merge
 * that resolves a conflict, deletes a file in the resolution and adds one of its own), read by the
 * attribution walk (src/workspace/history.ts).
 */
const OLD = 'f719efd430d52bcfc8566a43b2eb655688d38871';
const P2 = '5626abf0f72e58d7a153368ba57db4c673c0e171';
const RESULT = '2ab19ae607aabda796309682e0448237aab03047';
const ZERO = '0'.repeat(40);

describe('rawEntry: one line of `git log --raw -c`', () => {
  it("a commit's line: the new blob and its path", () => {
    expect(rawEntry(`:100644 100644 ${OLD} ${RESULT} M\tsrc/app.ts`)).toEqual({ oid: RESULT, path: 'src/app.ts' });
    expect(rawEntry(`:000000 100644 ${ZERO} ${RESULT} A\tnew file.txt`)).toEqual({ oid: RESULT, path: 'new file.txt' });
    expect(rawEntry(`:100755 100644 ${OLD} ${RESULT} M\t"caf\\303\\251.txt"`)).toEqual({ oid: RESULT, path: 'café.txt' });
  });

  it("a commit's deletion and a submodule commit name no blob", () => {
    expect(rawEntry(`:100644 000000 ${OLD} ${ZERO} D\tgone.txt`)).toBeUndefined();
    expect(rawEntry(`:160000 160000 ${OLD} ${RESULT} M\tvendor/lib`)).toBeUndefined();
    expect(rawEntry(`:000000 160000 ${ZERO} ${RESULT} A\tvendor/lib`)).toBeUndefined();
  });

  it("a merge's combined line: the result's blob, after one id per parent", () => {
    expect(rawEntry(`::100644 100644 100644 ${OLD} ${P2} ${RESULT} MM\tconf.txt`)).toEqual({ oid: RESULT, path: 'conf.txt' });
    expect(rawEntry(`::000000 000000 100644 ${ZERO} ${ZERO} ${RESULT} AA\tevil.txt`)).toEqual({ oid: RESULT, path: 'evil.txt' });
    // An octopus merge: three parents, three colons.
    expect(rawEntry(`:::100644 100644 000000 100644 ${OLD} ${P2} ${ZERO} ${RESULT} MMA\tsrc/x.ts`)).toEqual({ oid: RESULT, path: 'src/x.ts' });
  });

  it("a merge's deletion and submodule name no blob; a line that is not a raw entry is passed over", () => {
    expect(rawEntry(`::100644 100644 000000 ${OLD} ${P2} ${ZERO} DD\tdel.txt`)).toBeUndefined();
    expect(rawEntry(`::160000 160000 160000 ${OLD} ${P2} ${RESULT} MM\tvendor/lib`)).toBeUndefined();
    expect(rawEntry('')).toBeUndefined();
    expect(rawEntry(`100644 ${RESULT}\tno-colon`)).toBeUndefined();
    expect(rawEntry(`:100644 100644 ${OLD}`)).toBeUndefined();
    expect(rawEntry(`:100644 100644 ${OLD}\tshort.txt`)).toBeUndefined();
    expect(rawEntry(`:100644 100644 ${OLD} ${RESULT.slice(0, 12)} M\tabbreviated.txt`)).toBeUndefined();
    expect(rawEntry(`:100644 100644 ${OLD} ${RESULT}${RESULT.slice(0, 24)} M\tsha256.txt`)).toEqual({ oid: `${RESULT}${RESULT.slice(0, 24)}`, path: 'sha256.txt' });
    expect(rawEntry(`::100644 100644 100644 ${OLD} ${P2}\tshort.txt`)).toBeUndefined();
  });
});
