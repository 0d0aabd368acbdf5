/**
 * History mode on bad input (issue 8, docs/history.md "Bad input"), beside the cases in
 * history.test.ts (too-large, corrupt and truncated objects, shallow clone, missing git, 100k
 * refs) and git-objects.test.ts (git killed mid-stream): binary blobs and the cap on listed
 * skips, an object missing from the repository, a missing tree that stops `git rev-list`, and
 * blobs of several MB (read across many pipe reads, or over max-file-size read in pieces as git
 * streams them; binary ones stay skips).
 * Each gives a named skip, never a crash or a hang, and the rest of the history is scanned.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/types.js';
import { scanHistory } from '../../src/workspace/history.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { HistoryRepo, runGit } from '../support/history-repo.js';

const FIRST = fakeGithubToken(201);
const SECOND = fakeGithubToken(202);
const THIRD = fakeGithubToken(203);
const FOURTH = fakeGithubToken(204);
const MiB = 1024 * 1024;

const looseObject = (repo: HistoryRepo, oid: string) => join(repo.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));

/** `count` distinct text lines of about 40 bytes. */
const textLines = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `${tag} line ${String(i).padStart(7, '0')} of plain text here\n`).join('');

describe('scanHistory on bad input (more)', () => {
  it('a binary blob is a named skip under its path; the text beside it is scanned', async () => {
    const repo = new HistoryRepo();
    try {
      const sha = repo.commit('A', '2024-01-01T00:00:00Z', { 'img.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]), 'a.ts': `const t = '${FIRST}';\n` });
      const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(result.skipped).toEqual([{ path: 'img.bin', reason: 'binary', detail: 'NUL byte in the first 8 KiB' }]);
      expect(result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([['a.ts', sha]]);
      expect(history.blobs).toBe(1);
    } finally {
      repo.cleanup();
    }
  });

  it('past 200 skipped blobs, one entry counts the rest (a history of images stays readable)', async () => {
    const repo = new HistoryRepo();
    try {
      const files: Record<string, Buffer | string> = { 'a.ts': `const t = '${FIRST}';\n` };
      for (let i = 0; i < 205; i++) files[`img/${String(i).padStart(3, '0')}.bin`] = Buffer.from([0, i & 0xff, i >> 8, 7]);
      repo.commit('A', '2024-01-01T00:00:00Z', files);
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(result.skipped).toHaveLength(201);
      expect(result.skipped.slice(0, 200).every((s) => s.reason === 'binary' && s.path.startsWith('img/'))).toBe(true);
      expect(new Set(result.skipped.slice(0, 200).map((s) => s.path)).size).toBe(200);
      expect(result.skipped[200]).toEqual({ path: '(history)', reason: 'limit', detail: '5 more skipped blob(s) not listed' });
      expect(result.stats.skipped).toBe(201);
      expect(result.findings.map((f) => f.file)).toEqual(['a.ts']);
    } finally {
      repo.cleanup();
    }
  });

  it('a blob missing from the repository (damaged or partial clone) is named with its path; the others are scanned', async () => {
    const repo = new HistoryRepo();
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${FIRST}';\n`, 'b.ts': 'const harmless = 1;\n', 'c.ts': `const u = '${SECOND}';\n` });
      const blob = repo.git('rev-parse', 'HEAD:b.ts');
      rmSync(looseObject(repo, blob));
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(result.findings.map((f) => f.file).sort()).toEqual(['a.ts', 'c.ts']);
      expect(result.skipped).toEqual([expect.objectContaining({ path: 'b.ts', reason: 'unreadable', detail: expect.stringContaining(blob.slice(0, 12)) })]);
    } finally {
      repo.cleanup();
    }
  });

  it('a partial clone (--filter=blob:none): the blobs it holds are scanned, those it never fetched are counted in one named skip, and nothing is fetched', async () => {
    const repo = new HistoryRepo();
    let clone: string | undefined;
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${FIRST}';\n` });
      repo.commit('B', '2024-01-02T00:00:00Z', { 'a.ts': 'const t = process.env.T;\n', 'b.ts': `const u = '${SECOND}';\n` });
      // Ten more versions of a file, so that the blobs git has not fetched come one after another.
      for (let i = 0; i < 10; i++) repo.commit('C', `2024-01-${String(3 + i).padStart(2, '0')}T00:00:00Z`, { 'c.ts': `export const v = ${i};\n` });
      repo.commit('D', '2024-01-20T00:00:00Z', { 'c.ts': null });
      clone = repo.partialClone({ checkout: true }); // fetches HEAD's blobs: a.ts (clean) and b.ts
      // Nothing can be fetched from here on: the repository it was cloned from is gone.
      repo.cleanup();
      const packs = readdirSync(join(clone, '.git', 'objects', 'pack')).sort();
      const { result, history } = await scanHistory(clone, { settings: defaultSettings() });
      expect(result.findings.map((f) => [f.file, f.presentAtHead])).toEqual([['b.ts', true]]);
      // a.ts's first version (with FIRST) and the ten versions of c.ts were never fetched.
      expect(result.skipped).toEqual([
        { path: '(history)', reason: 'unreadable', detail: 'partial clone: 11 blob(s) it has not fetched were not scanned (git fetches them on demand; a scan does not). Scan a full clone, without --filter, to read them' },
      ]);
      expect(history).toMatchObject({ commits: 13, blobs: 2, notFetched: 11 });
      expect(readdirSync(join(clone, '.git', 'objects', 'pack')).sort()).toEqual(packs);
    } finally {
      repo.cleanup();
      if (clone) rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });

  it('a partial clone marked the older way (extensions.partialClone naming its remote) is one too', async () => {
    const repo = new HistoryRepo();
    let clone: string | undefined;
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${FIRST}';\n` });
      repo.commit('B', '2024-01-02T00:00:00Z', { 'a.ts': 'const t = process.env.T;\n' });
      clone = repo.partialClone({ checkout: true });
      repo.cleanup();
      runGit(clone, ['config', '--unset', 'remote.origin.promisor']);
      runGit(clone, ['config', 'extensions.partialClone', 'origin']);
      const { result, history } = await scanHistory(clone, { settings: defaultSettings() });
      expect(result.findings).toEqual([]);
      expect(result.skipped).toEqual([expect.objectContaining({ path: '(history)', detail: expect.stringMatching(/^partial clone: 1 blob\(s\) it has not fetched/) })]);
      expect(history.notFetched).toBe(1);
    } finally {
      repo.cleanup();
      if (clone) rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });

  it('.promisor packs without a promisor remote (a local mirror of a partial clone) are no partial clone: git fetches nothing there, so a blob it lacks is named as missing', async () => {
    const repo = new HistoryRepo();
    let clone: string | undefined;
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${FIRST}';\n` });
      const firstBlob = repo.git('rev-parse', 'HEAD:a.ts');
      repo.commit('B', '2024-01-02T00:00:00Z', { 'a.ts': 'const t = process.env.T;\n', 'b.ts': `const u = '${SECOND}';\n` });
      clone = repo.partialClone({ checkout: true });
      repo.cleanup();
      // A local clone copies the packs as they are, .promisor marks included, but no promisor remote.
      const mirror = join(clone, '..', 'mirror.git');
      runGit(join(clone, '..'), ['clone', '-q', '--mirror', clone, mirror]);
      expect(readdirSync(join(mirror, 'objects', 'pack')).some((name) => name.endsWith('.promisor'))).toBe(true);
      const { result, history } = await scanHistory(mirror, { settings: defaultSettings() });
      expect(result.findings.map((f) => [f.file, f.presentAtHead])).toEqual([['b.ts', true]]);
      expect(result.skipped).toEqual([{ path: 'a.ts', reason: 'unreadable', detail: `object ${firstBlob.slice(0, 12)} missing or unreadable (partial or damaged clone)` }]);
      expect(history.notFetched ?? 0).toBe(0);
    } finally {
      repo.cleanup();
      if (clone) rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });

  it('a missing tree: the tree is named, what can be read is scanned, and the log walk that stops on it says so', async () => {
    const repo = new HistoryRepo();
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'old/a.ts': `const t = '${FIRST}';\n` });
      const oldTree = repo.git('rev-parse', 'HEAD^{tree}');
      repo.commit('B', '2024-01-02T00:00:00Z', { 'new/c.ts': `const u = '${SECOND}';\n` });
      rmSync(looseObject(repo, oldTree));
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      // Both blobs are reachable through the tip's tree; only A's root tree is gone.
      expect(result.findings.map((f) => [f.file, f.commit, f.presentAtHead])).toEqual([
        ['new/c.ts', undefined, true],
        ['old/a.ts', undefined, true],
      ]);
      expect(result.findings[0].message).toContain('introducing commit unknown');
      expect(result.skipped).toEqual([
        { path: '(history)', reason: 'unreadable', detail: expect.stringMatching(new RegExp(`^git log stopped: .*${oldTree}.*; the commits after this point were not walked, so a finding may name no introducing commit$`)) },
        { path: `object ${oldTree.slice(0, 12)}`, reason: 'unreadable', detail: `object ${oldTree.slice(0, 12)} missing or unreadable (partial or damaged clone)` },
      ]);
    } finally {
      repo.cleanup();
    }
  });

  it('one missing blob in the newest commit does not stop the listing: the older history is still scanned', async () => {
    const repo = new HistoryRepo();
    try {
      const c1 = repo.commit('A', '2024-01-01T00:00:00Z', { 'old.ts': `const t = '${FIRST}';\n` });
      repo.commit('B', '2024-01-02T00:00:00Z', { 'old.ts': null, 'mid.ts': 'const x = 1;\n' });
      repo.commit('C', '2024-01-03T00:00:00Z', { 'gone.ts': `const u = '${SECOND}';\n` });
      const blob = repo.git('rev-parse', 'HEAD:gone.ts');
      rmSync(looseObject(repo, blob));
      const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(history.commits).toBe(3);
      expect(result.findings.map((f) => [f.file, f.commit?.sha, f.presentAtHead])).toEqual([['old.ts', c1, false]]);
      expect(result.skipped).toEqual([{ path: 'gone.ts', reason: 'unreadable', detail: `object ${blob.slice(0, 12)} missing or unreadable (partial or damaged clone)` }]);
    } finally {
      repo.cleanup();
    }
  });

  it('blobs of several MB: one within max-file-size is read whole across many pipe reads; one over it is read in pieces as git streams it; binary ones over it stay skips', async () => {
    const repo = new HistoryRepo();
    try {
      const big = `${textLines(190_000, 'big')}const t = '${FIRST}';\n`; // ~6.5 MB, the secret on the last line
      const huge = `${textLines(260_000, 'huge')}const u = '${SECOND}';\n`; // ~9.4 MB
      expect(big.length).toBeGreaterThan(6 * MiB);
      expect(huge.length).toBeGreaterThan(8 * MiB);
      // Over the limit too, each with a token on its last line: binary bytes (read, found binary,
      // not scanned), and text under an archive's name (never read: a stream cannot be stopped).
      const binary = Buffer.concat([Buffer.from([0x50, 0x4b, 0, 0]), Buffer.from(`${textLines(260_000, 'bin')}const v = '${THIRD}';\n`)]);
      const archive = `${textLines(260_000, 'zip')}const w = '${THIRD}';\n`;
      const sha = repo.commit('A', '2024-01-01T00:00:00Z', { 'big.log': big, 'huge.log': huge, 'small.ts': 'const x = 1;\n', 'data.raw': binary, 'bundle.zip': archive });
      const blobOf = (path: string) => repo.git('rev-parse', `HEAD:${path}`).slice(0, 12);
      const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings({ maxFileSize: 8 * MiB }) });
      expect(result.findings.map((f) => [f.file, f.line, f.column, f.commit?.sha])).toEqual([
        ['big.log', 190_001, 12, sha],
        ['huge.log', 260_001, 12, sha],
      ]);
      const over = (path: string, size: number) => `blob ${blobOf(path)}: ${size} bytes exceeds max-file-size ${8 * MiB}`;
      expect(result.skipped).toEqual([
        { path: 'bundle.zip', reason: 'too-large', detail: over('bundle.zip', archive.length) },
        { path: 'data.raw', reason: 'too-large', detail: over('data.raw', binary.length) },
        { path: 'huge.log', reason: 'too-large', detail: `${over('huge.log', huge.length)}: scanned for secrets in pieces, not parsed for identities` },
      ]);
      // Blobs read whole: the one read in pieces is named among the skips instead.
      expect(history.blobs).toBe(2);
      expect(history.blobBytes).toBe(big.length + 'const x = 1;\n'.length);
      for (const token of [FIRST, SECOND, THIRD]) expect(JSON.stringify(result)).not.toContain(token);
    } finally {
      repo.cleanup();
    }
  });

  it('a blob or tree that only a tag names (no commit has it, a tag of a tag too) is scanned; one over max-file-size is read in pieces', async () => {
    const repo = new HistoryRepo();
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': 'const harmless = 1;\n' });
      // A lightweight tag on a blob, as some projects keep a key file.
      writeFileSync(join(repo.dir, 'key.txt'), `token=${FIRST}\n`);
      const blob = repo.git('hash-object', '-w', 'key.txt');
      rmSync(join(repo.dir, 'key.txt'));
      repo.git('tag', 'key-blob', blob);
      // An annotated tag on a tree whose only commit is gone (an orphan branch, deleted).
      repo.git('checkout', '-q', '--orphan', 'gone');
      repo.git('rm', '-rq', '--cached', '.');
      const orphan = repo.commit('B', '2024-01-02T00:00:00Z', { 'vault/deploy.ts': `const u = '${SECOND}';\n` });
      repo.git('tag', '-a', '-m', 'snapshot', 'tree-snapshot', `${orphan}^{tree}`);
      repo.git('checkout', '-q', '-f', 'main');
      repo.git('branch', '-D', 'gone');
      // A tag of a tag of a blob, the inner tag's ref deleted (only the outer ref leads to it).
      writeFileSync(join(repo.dir, 'nested.txt'), `token=${THIRD}\n`);
      repo.git('tag', '-a', '-m', 'inner', 'inner', repo.git('hash-object', '-w', 'nested.txt'));
      rmSync(join(repo.dir, 'nested.txt'));
      repo.git('-c', 'advice.nestedTag=false', 'tag', '-a', '-m', 'outer', 'outer', 'inner');
      repo.git('tag', '-d', 'inner');
      // Over max-file-size, its size known before it is asked for (the walk is over): read in pieces.
      writeFileSync(join(repo.dir, 'big.txt'), `${'x'.repeat(4096)}\ntoken=${FOURTH}\n`);
      const big = repo.git('hash-object', '-w', 'big.txt');
      rmSync(join(repo.dir, 'big.txt'));
      repo.git('tag', 'big-blob', big);
      const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings({ maxFileSize: 1024 }) });
      expect(result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([
        ['refs/tags/big-blob', undefined],
        ['refs/tags/inner', undefined],
        ['refs/tags/key-blob', undefined],
        ['vault/deploy.ts', undefined],
      ]);
      const bigSize = 4096 + `\ntoken=${FOURTH}\n`.length;
      expect(result.skipped).toEqual([{ path: 'refs/tags/big-blob', reason: 'too-large', detail: `blob ${big.slice(0, 12)}: ${bigSize} bytes exceeds max-file-size 1024: scanned for secrets in pieces, not parsed for identities` }]);
      expect(history.commits).toBe(1);
      expect(history.blobs).toBe(4);
    } finally {
      repo.cleanup();
    }
  });
});
