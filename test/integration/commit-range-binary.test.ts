/**
 * The commit-by-commit scan of a PR or push (`scanCommitRange`: the Action's checkout, the App's
 * clone) reads back the changes git calls binary: UTF-16 text is binary to git, so a token added to
 * a UTF-16 file in one commit and removed in the next showed no line. Real git, real blobs.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/types.js';
import { MAX_BINARY_READS, scanCommitRange } from '../../src/workspace/commits.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { HistoryRepo } from '../support/history-repo.js';

const [BEFORE, ADDED_THEN_REMOVED, ADDED] = [fakeGithubToken(501), fakeGithubToken(502), fakeGithubToken(503)];
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const PNG = (n: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(300, n)]);

describe('scanCommitRange: binary changes that are UTF-16 text', () => {
  const repo = new HistoryRepo('nhi-commit-range-binary-');
  const shas: Record<string, string> = {};
  beforeAll(() => {
    const base = `# setup\r\n$old = "token ${BEFORE}"\r\n`;
    shas.base = repo.commit('Base', '2024-04-01T10:00:00Z', { 'setup.ps1': utf16(base), 'logo.png': PNG(1) });
    shas.add = repo.commit('Mallory', '2024-04-02T10:00:00Z', { 'deploy.ps1': utf16(`# deploy\r\n$t = "token ${ADDED_THEN_REMOVED}"\r\n`), 'logo.png': PNG(2) });
    shas.remove = repo.commit('Mallory', '2024-04-03T10:00:00Z', { 'deploy.ps1': utf16('# deploy\r\n$t = $env:TOKEN\r\n') });
    shas.edit = repo.commit('Bob', '2024-04-04T10:00:00Z', { 'setup.ps1': utf16(`${base}$new = "token ${ADDED}"\r\n`), 'notes.txt': 'plain text\n' });
  });
  afterAll(() => repo.cleanup());

  it('names the commit that added each token, and blames none for one the file held before the range', async () => {
    const secrets = await scanCommitRange(repo.dir, { base: shas.base, head: shas.edit }, defaultSettings());
    expect(secrets.commits).toBe(3);
    const found = secrets.findings().map((f) => [f.file, f.line, f.commit?.sha, f.commit?.author]);
    expect(found.sort()).toEqual([
      ['deploy.ps1', 2, shas.add, 'Mallory'],
      ['setup.ps1', 3, shas.edit, 'Bob'],
    ]);
    expect(JSON.stringify(secrets.findings())).not.toMatch(new RegExp([BEFORE, ADDED_THEN_REMOVED, ADDED].join('|')));
  });

  it(`reads at most ${MAX_BINARY_READS} binary changes per range, and says how many it left`, async () => {
    const many = new HistoryRepo('nhi-commit-range-many-');
    try {
      const base = many.commit('Base', '2024-04-01T10:00:00Z', { 'README.md': '# x\n' });
      const files: Record<string, Buffer> = {};
      for (let i = 0; i <= MAX_BINARY_READS; i++) files[`bin/${String(i).padStart(4, '0')}.dat`] = Buffer.from([0, 1, 2, i & 255]);
      const head = many.commit('Bob', '2024-04-02T10:00:00Z', files);
      const secrets = await scanCommitRange(many.dir, { base, head }, defaultSettings());
      expect(secrets.summary()).toEqual([`1 binary change(s) past the first ${MAX_BINARY_READS} were not read back from git (a UTF-16 file, or text that .gitattributes marks binary, among them would not be checked commit by commit).`]);
    } finally {
      many.cleanup();
    }
  });
});

describe('scanCommitRange in a partial clone (actions/checkout with `filter: blob:none`)', () => {
  it("fetches the blobs its commits changed from the clone's remote (text, UTF-16, a file marked -diff) and says so; a clone that holds them is read as is", async () => {
    const repo = new HistoryRepo('nhi-commit-range-partial-');
    let clone: string | undefined;
    try {
      const base = repo.commit('Base', '2024-04-01T10:00:00Z', { 'README.md': '# x\n' });
      const add = repo.commit('Mallory', '2024-04-02T10:00:00Z', { 'config.js': `export const t = '${ADDED_THEN_REMOVED}';\n`, 'deploy.ps1': utf16(`$t = "token ${ADDED}"\r\n`), 'notes.txt': `token ${BEFORE}\n` });
      const head = repo.commit('Mallory', '2024-04-03T10:00:00Z', { 'config.js': 'export const t = process.env.T;\n', 'deploy.ps1': utf16('$t = $env:TOKEN\r\n'), 'notes.txt': 'no token\n' });
      clone = repo.partialClone({ checkout: false }); // commits and trees only: every blob is fetched on demand
      // A file marked -diff: git shows no lines for it, and its versions are read back as blobs.
      writeFileSync(join(clone, '.git', 'info', 'attributes'), 'notes.txt -diff\n');
      const packs = () => readdirSync(join(clone!, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.pack')).length;
      const before = packs();
      const secrets = await scanCommitRange(clone, { base, head }, defaultSettings());
      expect(secrets.commits).toBe(2);
      expect(secrets.findings().map((f) => [f.file, f.line, f.commit?.sha]).sort()).toEqual([
        ['config.js', 1, add],
        ['deploy.ps1', 1, add],
        ['notes.txt', 1, add],
      ]);
      expect(secrets.summary()).toEqual(['The checkout is a partial clone: git fetched the blobs these commits changed from its remote to read them.']);
      expect(packs()).toBeGreaterThan(before);
      // Now that it holds them, the same range is read without fetching, and without the note.
      const again = await scanCommitRange(clone, { base, head }, defaultSettings());
      expect(again.findings()).toHaveLength(3);
      expect(again.summary()).toEqual([]);
    } finally {
      repo.cleanup();
      if (clone) rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });
});
