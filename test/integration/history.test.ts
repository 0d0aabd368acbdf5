import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/types.js';
import { scanHistory } from '../../src/workspace/history.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { gitEnvFor, HistoryRepo, runGit } from '../support/history-repo.js';

const REMOVED = fakeGithubToken(101);
const AT_HEAD = fakeGithubToken(102);
const BRANCH_ONLY = fakeGithubToken(103);
const LAST = fakeGithubToken(104);
const ALLOWED = fakeGithubToken(105);

describe('scanHistory on a SHA-256 repository', () => {
  // Object ids of 64 hex digits: the walk's lines, the blob reader and the record of blobs met
  // (src/workspace/object-ids.ts) take them as they take SHA-1's 40.
  const repo = new HistoryRepo('nhi-history-sha256-', 'sha256');
  afterAll(() => repo.cleanup());

  it('finds a removed secret and one at HEAD, each with its introducing commit', async () => {
    const c1 = repo.commit('Alice', '2024-01-01T10:00:00Z', { 'config.env': `TOKEN=${REMOVED}\n`, 'README.md': '# demo\n' });
    const c2 = repo.commit('Bob', '2024-01-02T10:00:00Z', { 'config.env': 'TOKEN=\n', 'src/app.ts': `export const t = '${AT_HEAD}';\n` });
    repo.commit('Carol', '2024-01-03T10:00:00Z', { 'src/app.ts': `// moved\nexport const t = '${AT_HEAD}';\n` });
    expect(c1).toMatch(/^[0-9a-f]{64}$/);
    const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings() });
    expect(result.findings.map((f) => [f.file, f.line, f.commit?.sha, f.presentAtHead])).toEqual([
      ['config.env', 1, c1, false],
      ['src/app.ts', 1, c2, true],
    ]);
    expect(result.findings[1].otherLocations).toHaveLength(1);
    expect(history).toMatchObject({ commits: 3, blobs: 5 });
    expect(JSON.stringify(result)).not.toContain(REMOVED);
  });
});

describe('scanHistory: secrets in git notes', () => {
  it("a token in a note is named as a note on its commit, in its notes ref; once the note is removed, as still in that ref's history", async () => {
    const repo = new HistoryRepo('nhi-history-notes-');
    try {
      const c1 = repo.commit('Alice', '2024-01-01T10:00:00Z', { 'README.md': '# demo\n' });
      // A file on a branch named like an object id is a file, not a note.
      const idLike = 'ab'.repeat(20);
      const c2 = repo.commit('Bob', '2024-01-02T10:00:00Z', { [idLike]: `token=${LAST}\n` });
      runGit(repo.dir, ['notes', 'add', '-m', `deploy token ${REMOVED}`, c1], gitEnvFor(repo.dir, 'Carol', '2024-01-03T10:00:00Z'));
      const notesCommit = repo.git('rev-parse', 'refs/notes/commits');

      let { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      const note = result.findings.find((f) => f.file === c1)!;
      expect(note).toMatchObject({ line: 1, commit: { sha: notesCommit, author: 'Carol' }, presentAtHead: false });
      expect(note.message).toContain(`in a git note on ${c1.slice(0, 7)} (refs/notes/commits), added in commit ${notesCommit.slice(0, 7)} by Carol on 2024-01-03`);
      expect(note.message).toContain(`still in refs/notes/commits, which git pushes and fetches apart from branches: remove the note (git notes --ref=refs/notes/commits remove ${c1}) and rotate it`);
      expect(note.message).not.toContain('removed before HEAD');
      const file = result.findings.find((f) => f.file === idLike)!;
      expect(file.commit?.sha).toBe(c2);
      expect(file.message).toContain(`introduced in commit ${c2.slice(0, 7)} by Bob`);
      expect(file.message).not.toContain('git note');

      runGit(repo.dir, ['notes', 'remove', c1], gitEnvFor(repo.dir, 'Dave', '2024-01-04T10:00:00Z'));
      ({ result } = await scanHistory(repo.dir, { settings: defaultSettings() }));
      const removed = result.findings.find((f) => f.file === c1)!;
      expect(removed.commit?.sha).toBe(notesCommit);
      expect(removed.message).toContain(`in a git note on ${c1.slice(0, 7)} (refs/notes/commits)`);
      expect(removed.message).toContain('removed from refs/notes/commits but still in its history: rotate it');
      expect(JSON.stringify(result)).not.toContain(REMOVED);
    } finally {
      repo.cleanup();
    }
  });

  it('a note in a fanned-out notes tree (`ab/cdef…`, as git writes many notes) and in a notes ref of another name', async () => {
    const repo = new HistoryRepo('nhi-history-notes-fanout-');
    try {
      const c1 = repo.commit('Alice', '2024-01-01T10:00:00Z', { 'README.md': '# demo\n' });
      // The tree git makes for a large notes ref, built by hand: <2 digits>/<38 digits> -> the note.
      const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.dir, input: `ci token ${AT_HEAD}\n`, encoding: 'utf8' }).trim();
      const inner = execFileSync('git', ['mktree'], { cwd: repo.dir, input: `100644 blob ${blob}\t${c1.slice(2)}\n`, encoding: 'utf8' }).trim();
      const outer = execFileSync('git', ['mktree'], { cwd: repo.dir, input: `040000 tree ${inner}\t${c1.slice(0, 2)}\n`, encoding: 'utf8' }).trim();
      const notesCommit = runGit(repo.dir, ['commit-tree', outer, '-m', 'Notes added by CI'], gitEnvFor(repo.dir, 'Carol', '2024-01-03T10:00:00Z'));
      repo.git('update-ref', 'refs/notes/ci', notesCommit);
      // git itself reads it as the note on c1.
      expect(repo.git('notes', '--ref=refs/notes/ci', 'show', c1)).toContain('ci token');

      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      const note = result.findings.find((f) => f.file === `${c1.slice(0, 2)}/${c1.slice(2)}`)!;
      expect(note.commit?.sha).toBe(notesCommit);
      expect(note.message).toContain(`in a git note on ${c1.slice(0, 7)} (refs/notes/ci)`);
      expect(note.message).toContain(`remove the note (git notes --ref=refs/notes/ci remove ${c1})`);
    } finally {
      repo.cleanup();
    }
  });
});

describe('scanHistory: stash entries', () => {
  const WORKTREE = fakeGithubToken(111);
  const STAGED = fakeGithubToken(112);
  const UNTRACKED = fakeGithubToken(113);
  /** `git stash` as `author` at `date`, with any extra arguments (`-u`). */
  const stash = (repo: HistoryRepo, author: string, date: string, ...args: string[]) => runGit(repo.dir, ['stash', 'push', '-q', ...args], gitEnvFor(repo.dir, author, date));

  it('every entry is scanned, not only the newest (refs/stash): work set aside, its index and its untracked files, each named as its stash@{n}', async () => {
    const repo = new HistoryRepo('nhi-history-stash-');
    try {
      const c1 = repo.commit('Alice', '2024-01-01T10:00:00Z', { 'app.ts': 'export const a = 1;\n', 'README.md': '# demo\n' });
      // Oldest entry: a change to a tracked file, not staged.
      writeFileSync(join(repo.dir, 'app.ts'), `export const a = '${WORKTREE}';\n`);
      stash(repo, 'Bob', '2024-01-02T10:00:00Z');
      // Then a staged change only.
      writeFileSync(join(repo.dir, 'README.md'), `# demo\ntoken: ${STAGED}\n`);
      repo.git('add', 'README.md');
      stash(repo, 'Carol', '2024-01-03T10:00:00Z');
      // Newest: an untracked file (`-u`).
      writeFileSync(join(repo.dir, 'local.env'), `GITHUB_TOKEN=${UNTRACKED}\n`);
      stash(repo, 'Dave', '2024-01-04T10:00:00Z', '-u');
      expect(repo.git('stash', 'list').split('\n')).toHaveLength(3);
      const entry = (n: number) => repo.git('rev-parse', `stash@{${n}}`);
      const untrackedCommit = repo.git('rev-parse', 'stash@{0}^3');
      const indexCommit = repo.git('rev-parse', 'stash@{1}^2');

      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      const at = (path: string) => result.findings.find((f) => f.file === path)!;
      expect(result.findings.map((f) => [f.file, f.commit?.author, f.presentAtHead])).toEqual([
        ['app.ts', 'Bob', false],
        ['README.md', 'Carol', false],
        ['local.env', 'Dave', false],
      ]);
      expect(at('app.ts').commit?.sha).toBe(entry(2));
      expect(at('app.ts').message).toContain(`in stash@{2}, set aside by Bob on 2024-01-02 (commit ${entry(2).slice(0, 7)}); a stash stays in this repository unless pushed: drop it (git stash drop stash@{2}), and rotate the credential if it was ever pushed or shared`);
      expect(at('README.md').commit?.sha).toBe(indexCommit);
      expect(at('README.md').message).toContain('in stash@{1}, set aside by Carol');
      expect(at('README.md').message).toContain('git stash drop stash@{1}');
      expect(at('local.env').commit?.sha).toBe(untrackedCommit);
      expect(at('local.env').message).toContain(`in stash@{0}, set aside by Dave on 2024-01-04 (commit ${untrackedCommit.slice(0, 7)})`);
      for (const f of result.findings) expect(f.message).not.toContain('removed before HEAD');
      expect(JSON.stringify(result)).not.toContain(WORKTREE);

      // --branch walks that ref alone: no stash.
      const narrowed = await scanHistory(repo.dir, { settings: defaultSettings(), branch: 'main' });
      expect(narrowed.result.findings).toEqual([]);

      // A dropped entry is gone from the reflog, and so from the scan; the numbers of the rest follow git's.
      repo.git('stash', 'drop', '-q', 'stash@{1}');
      const after = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(after.result.findings.map((f) => [f.file, f.message.match(/stash@\{\d\}/)?.[0]])).toEqual([
        ['app.ts', 'stash@{1}'],
        ['local.env', 'stash@{0}'],
      ]);
      expect(c1).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      repo.cleanup();
    }
  });

  it('a secret committed on a branch and also stashed keeps its commit as where it came in; a stash entry whose commit is missing (a damaged repository) is passed over', async () => {
    const repo = new HistoryRepo('nhi-history-stash-damaged-');
    try {
      const c1 = repo.commit('Alice', '2024-01-01T10:00:00Z', { 'app.ts': `export const a = '${WORKTREE}';\n` });
      writeFileSync(join(repo.dir, 'app.ts'), `export const a = '${WORKTREE}';\nexport const b = 2;\n`);
      stash(repo, 'Bob', '2024-01-02T10:00:00Z');
      writeFileSync(join(repo.dir, 'other.ts'), `export const c = '${UNTRACKED}';\n`);
      stash(repo, 'Carol', '2024-01-03T10:00:00Z', '-u');
      let { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      const committed = result.findings.find((f) => f.file === 'app.ts')!;
      expect(committed.commit?.sha).toBe(c1);
      expect(committed.message).toContain(`introduced in commit ${c1.slice(0, 7)} by Alice`);
      expect(committed.message).toContain('still present at HEAD');

      // The older entry's own commit removed from the object store: its reflog line stays.
      const older = repo.git('rev-parse', 'stash@{1}');
      rmSync(join(repo.dir, '.git', 'objects', older.slice(0, 2), older.slice(2)));
      ({ result } = await scanHistory(repo.dir, { settings: defaultSettings() }));
      expect(result.findings.map((f) => [f.file, f.commit?.author])).toEqual([
        ['app.ts', 'Alice'],
        ['other.ts', 'Carol'],
      ]);
      expect(result.findings[1].message).toContain('in stash@{0}, set aside by Carol');
    } finally {
      repo.cleanup();
    }
  });
  it('past 10,000 stash entries the oldest are counted in one skip, not passed to git (a command line has a limit)', async () => {
    const repo = new HistoryRepo('nhi-history-stash-many-');
    try {
      repo.commit('Alice', '2024-01-01T10:00:00Z', { 'app.ts': 'export const a = 1;\n' });
      writeFileSync(join(repo.dir, 'app.ts'), `export const a = '${WORKTREE}';\n`);
      stash(repo, 'Bob', '2024-01-02T10:00:00Z');
      // A reflog of 10,003 entries (each the same stash commit), as a long-lived clone could gather.
      const log = join(repo.dir, '.git', 'logs', 'refs', 'stash');
      const line = readFileSync(log, 'utf8').trim();
      writeFileSync(log, `${Array.from({ length: 10_003 }, () => line).join('\n')}\n`);
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(result.skipped).toEqual([{ path: '(history)', reason: 'limit', detail: 'stash: the 3 oldest of 10003 stash entries were not scanned (at most 10000)' }]);
      expect(result.findings.map((f) => f.file)).toEqual(['app.ts']);
    } finally {
      repo.cleanup();
    }
  });
});

describe('scanHistory on a real repository', () => {
  const repo = new HistoryRepo();
  const shas: Record<string, string> = {};
  beforeAll(() => {
    shas.c1 = repo.commit('Alice', '2024-01-01T10:00:00Z', { 'config.env': `TOKEN=${REMOVED}\n`, 'README.md': '# demo\n' });
    shas.c2 = repo.commit('Bob', '2024-01-02T10:00:00Z', { 'config.env': 'TOKEN=\n', 'src/app.ts': `export const t = '${AT_HEAD}';\n` });
    repo.git('checkout', '-q', '-b', 'feature');
    shas.c3 = repo.commit('Carol', '2024-01-03T10:00:00Z', { 'feature.ts': `const k = '${BRANCH_ONLY}';\n` });
    repo.git('checkout', '-q', 'main');
    shas.c4 = repo.commit('Dave', '2024-01-04T10:00:00Z', { 'src/app.ts': `// moved\nexport const t = '${AT_HEAD}';\n`, 'ok.ts': `const a = '${ALLOWED}'; // nhi-steward:allow\n`, 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]) });
    shas.c5 = repo.commit('Eve', '2024-01-05T10:00:00Z', { 'last.ts': `const z = '${LAST}';\n` });
  });
  afterAll(() => repo.cleanup());

  it('finds a removed secret, one at HEAD, one on an unmerged branch and one in the last commit, each with its introducing commit', async () => {
    const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings() });
    const secrets = result.findings.filter((f) => f.rule.startsWith('secret/'));
    expect(secrets).toHaveLength(4);
    const summary = secrets.map((f) => ({ file: f.file, line: f.line, sha: f.commit?.sha, author: f.commit?.author, date: f.commit?.date.slice(0, 10), presentAtHead: f.presentAtHead }));
    expect(summary).toEqual([
      { file: 'config.env', line: 1, sha: shas.c1, author: 'Alice', date: '2024-01-01', presentAtHead: false },
      { file: 'src/app.ts', line: 1, sha: shas.c2, author: 'Bob', date: '2024-01-02', presentAtHead: true },
      { file: 'feature.ts', line: 1, sha: shas.c3, author: 'Carol', date: '2024-01-03', presentAtHead: false },
      { file: 'last.ts', line: 1, sha: shas.c5, author: 'Eve', date: '2024-01-05', presentAtHead: true },
    ]);
    // The HEAD secret lives in two blobs (two versions of src/app.ts): one finding, the other listed.
    const atHead = secrets.find((f) => f.file === 'src/app.ts')!;
    expect(atHead.otherLocations).toEqual([{ file: 'src/app.ts', line: 2, commit: shas.c4 }]);
    expect(secrets[0].message).toContain(`introduced in commit ${shas.c1.slice(0, 7)} by Alice on 2024-01-01`);
    expect(secrets[0].message).toContain('removed before HEAD');
    expect(history.commits).toBe(5);
    expect(history.head).toBe(shas.c5);
    expect(result.skipped.map((s) => `${s.path}:${s.reason}`)).toEqual(['logo.png:binary']);
    for (const secret of [REMOVED, AT_HEAD, BRANCH_ONLY, LAST, ALLOWED]) expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('reports its progress after each blob: commits walked, blobs, bytes and skips only grow, and end at the totals', async () => {
    const states: { commits: number; blobs: number; bytes: number; skipped: number }[] = [];
    const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings(), onProgress: (state) => states.push(state) });
    expect(states.length).toBe(history.blobs + result.skipped.length);
    for (let i = 1; i < states.length; i++) for (const key of ['commits', 'blobs', 'bytes', 'skipped'] as const) expect(states[i][key]).toBeGreaterThanOrEqual(states[i - 1][key]);
    expect(states.at(-1)).toEqual({ commits: history.commits, blobs: history.blobs, bytes: history.blobBytes, skipped: result.skipped.length });
  });

  it('--branch narrows to one ref; presentAtHead is judged at its tip', async () => {
    const { result } = await scanHistory(repo.dir, { settings: defaultSettings(), branch: 'feature' });
    expect(result.findings.map((f) => [f.file, f.commit?.sha, f.presentAtHead])).toEqual([
      ['config.env', shas.c1, false],
      ['src/app.ts', shas.c2, true],
      ['feature.ts', shas.c3, true],
    ]);
  });

  it('--since REF scans only commits not reachable from REF', async () => {
    const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings(), since: shas.c4, branch: 'main' });
    expect(result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([['last.ts', shas.c5]]);
    expect(history.commits).toBe(1);
  });

  it('the baseline suppresses a secret across history by its usual fingerprint', async () => {
    const first = await scanHistory(repo.dir, { settings: defaultSettings() });
    const removed = first.result.findings.find((f) => f.file === 'config.env')!;
    const { result } = await scanHistory(repo.dir, { settings: defaultSettings({ baseline: new Set([removed.fingerprint]) }) });
    expect(result.findings.map((f) => f.file)).toEqual(['src/app.ts', 'feature.ts', 'last.ts']);
  });

  it('an unknown ref is a usage error naming the flag', async () => {
    await expect(scanHistory(repo.dir, { settings: defaultSettings(), since: 'no-such-ref' })).rejects.toThrow(/--since: unknown git ref "no-such-ref"/);
    await expect(scanHistory(repo.dir, { settings: defaultSettings(), branch: '--all' })).rejects.toThrow(/--branch/);
  });

  it('a folder that is not a repository is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhi-not-repo-'));
    try {
      await expect(scanHistory(dir, { settings: defaultSettings() })).rejects.toThrow(/is not a git repository/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scanHistory: one blob brought in by several commits', () => {
  /**
   * `between` commits of other changes separate a token file's first commit from the commit that
   * adds the same bytes back (~200 bytes of `git log --raw` each): with a few, both lines of the
   * blob arrive in one read of the walk, while its scan is pending; with thousands, its scan is
   * long done when the older line comes.
   */
  function addedBack(between: number): { dir: string; first: string; again: string } {
    const dir = mkdtempSync(join(tmpdir(), 'nhi-added-back-'));
    execFileSync('git', ['init', '-q', dir]);
    const token = `TOKEN=${REMOVED}\n`;
    const stream: string[] = [];
    const commit = (i: number, change: string[]) => {
      const message = `commit ${i}`;
      stream.push('commit refs/heads/main', `mark :${i + 1}`, `committer Test <test@example.test> ${1_700_000_000 + i * 60} +0000`, `data ${message.length}`, message, ...change);
    };
    commit(0, ['M 100644 inline config.env', `data ${token.length}`, token]);
    commit(1, ['D config.env']);
    for (let i = 2; i < between + 2; i++) commit(i, [`M 100644 inline notes/n${i % 40}.txt`, `data ${String(i).length + 1}`, `${i}\n`]);
    commit(between + 2, ['M 100644 inline config.env', `data ${token.length}`, token]);
    execFileSync('git', ['fast-import', '--quiet', `--export-marks=${join(dir, '.git', 'marks')}`], { cwd: dir, input: `${stream.join('\n')}\n` });
    execFileSync('git', ['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: dir });
    const marks = new Map(readFileSync(join(dir, '.git', 'marks'), 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]));
    return { dir, first: marks.get(':1')!, again: marks.get(`:${between + 3}`)! };
  }

  it.each([
    ['in one read of the walk (the scan still pending)', 3],
    ['far apart in the walk (the scan long done)', 3000],
  ])('a blob removed and added back is one finding at its first commit, the later one listed: %s', async (_, between) => {
    const { dir, first, again } = addedBack(between);
    try {
      const { result, history } = await scanHistory(dir, { settings: defaultSettings(), parallel: { workers: 0 } });
      expect(history.commits).toBe(between + 3);
      expect(result.findings.map((f) => [f.file, f.commit?.sha, f.presentAtHead])).toEqual([['config.env', first, true]]);
      expect(result.findings[0].otherLocations).toEqual([{ file: 'config.env', line: 1, commit: again }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scanHistory: one blob under several paths', () => {
  it('a blob first listed under an ignored path is still scanned under its other, non-ignored path', async () => {
    const repo = new HistoryRepo();
    try {
      const c1 = repo.commit('Alice', '2024-01-01T00:00:00Z', { 'fixtures/token.txt': `token=${REMOVED}\n` });
      const c2 = repo.commit('Bob', '2024-01-02T00:00:00Z', { 'src/token.txt': `token=${REMOVED}\n` });
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings({ pathsIgnore: ['fixtures/**'] }) });
      expect(result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([['src/token.txt', c2]]);
      expect(result.findings[0].otherLocations).toBeUndefined();
      // Without the ignore, the same blob is one finding at its oldest place, the other listed.
      const all = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(all.result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([['fixtures/token.txt', c1]]);
      expect(all.result.findings[0].otherLocations).toEqual([{ file: 'src/token.txt', line: 1, commit: c2 }]);
      expect(all.history.blobs).toBe(1);
    } finally {
      repo.cleanup();
    }
  });

  it('presentAtHead: a secret whose only copy at HEAD is under an ignored path is not present there', async () => {
    const repo = new HistoryRepo();
    try {
      const c1 = repo.commit('Alice', '2024-01-01T00:00:00Z', { 'src/token.txt': `token=${REMOVED}\n` });
      // The same bytes move to an ignored folder: the blob is at HEAD, but only where nothing is reported.
      repo.commit('Bob', '2024-01-02T00:00:00Z', { 'src/token.txt': null, 'fixtures/token.txt': `token=${REMOVED}\n` });
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings({ pathsIgnore: ['fixtures/**'] }) });
      expect(result.findings.map((f) => [f.file, f.commit?.sha, f.presentAtHead])).toEqual([['src/token.txt', c1, false]]);
      expect(result.findings[0].message).toContain('removed before HEAD');
      // Not ignored, the copy at HEAD counts.
      const all = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(all.result.findings.map((f) => [f.file, f.commit?.sha, f.presentAtHead])).toEqual([['src/token.txt', c1, true]]);
    } finally {
      repo.cleanup();
    }
  });

  it('a blob only ever under an ignored path is not reported, and an ignored path is never named as its origin', async () => {
    const repo = new HistoryRepo();
    try {
      repo.commit('Alice', '2024-01-01T00:00:00Z', { 'fixtures/token.txt': `token=${REMOVED}\n`, 'vendor/node_modules/x/k.txt': `token=${LAST}\n` });
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings({ pathsIgnore: ['fixtures/**'] }) });
      expect(result.findings).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });

  it('a credential file (.pgpass) whose bytes were first committed under another name is reported under the credential name', async () => {
    const repo = new HistoryRepo();
    try {
      const pgpass = 'db.internal.example.com:5432:orders:orders_app:Vq7#mZ2p!Lk9sR4w\n';
      repo.commit('Alice', '2024-01-01T00:00:00Z', { 'a-backup.txt': pgpass });
      const c2 = repo.commit('Bob', '2024-01-02T00:00:00Z', { 'z/.pgpass': pgpass });
      const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(result.findings.map((f) => [f.file, f.detector, f.commit?.sha])).toEqual([['z/.pgpass', expect.stringMatching(/pgpass/), c2]]);
      expect(history.blobs).toBe(1);
      expect(JSON.stringify(result)).not.toContain('Vq7#mZ2p!Lk9sR4w');
    } finally {
      repo.cleanup();
    }
  });

  it('a generic password in a README (documentation) is reported where the same bytes are a config file', async () => {
    const repo = new HistoryRepo();
    try {
      const text = 'password: "Hq4vB9xT2mW7kZ3r"\n';
      repo.commit('Alice', '2024-01-01T00:00:00Z', { 'README.md': text });
      const c2 = repo.commit('Bob', '2024-01-02T00:00:00Z', { 'settings.yml': text });
      const tree = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(tree.result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([['settings.yml', c2]]);
    } finally {
      repo.cleanup();
    }
  });
});

describe('scanHistory on bad input', () => {
  it('a blob over max-file-size is a named skip', async () => {
    const repo = new HistoryRepo();
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'big.txt': 'x'.repeat(2048), 'small.ts': `const t = '${REMOVED}';\n` });
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings({ maxFileSize: 1024 }) });
      expect(result.skipped).toEqual([expect.objectContaining({ path: 'big.txt', reason: 'too-large' })]);
      expect(result.findings.map((f) => f.file)).toEqual(['small.ts']);
    } finally {
      repo.cleanup();
    }
  });

  it('a corrupt object is named and the rest of the history is still scanned', async () => {
    const repo = new HistoryRepo();
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${REMOVED}';\n`, 'b.ts': 'const harmless = 1;\n', 'c.ts': `const u = '${LAST}';\n` });
      const blob = repo.git('rev-parse', 'HEAD:b.ts');
      const file = join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
      chmodSync(file, 0o644);
      writeFileSync(file, Buffer.from('this is not zlib data at all'));
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(result.findings.map((f) => f.file).sort()).toEqual(['a.ts', 'c.ts']);
      expect(result.skipped).toEqual([expect.objectContaining({ path: 'b.ts', reason: 'unreadable', detail: expect.stringContaining(blob.slice(0, 12)) })]);
    } finally {
      repo.cleanup();
    }
  });

  it('a truncated object (git announces more bytes than it sends) is named, and the objects after it are read right', async () => {
    const repo = new HistoryRepo();
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${REMOVED}';\n`, 'b.ts': 'const harmless = 1;\n', 'c.ts': `const u = '${LAST}';\n` });
      const blob = repo.git('rev-parse', 'HEAD:b.ts');
      const file = join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
      chmodSync(file, 0o644);
      writeFileSync(file, deflateSync(Buffer.from('blob 20\0const harm')));
      const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(result.findings.map((f) => f.file).sort()).toEqual(['a.ts', 'c.ts']);
      expect(result.skipped).toEqual([expect.objectContaining({ path: 'b.ts', reason: 'unreadable', detail: expect.stringMatching(new RegExp(`object ${blob.slice(0, 12)} is corrupt`)) })]);
    } finally {
      repo.cleanup();
    }
  });

  it('a shallow clone says which commits cut the history', async () => {
    const repo = new HistoryRepo();
    const clone = mkdtempSync(join(tmpdir(), 'nhi-shallow-'));
    try {
      repo.commit('A', '2024-01-01T00:00:00Z', { 'old.ts': `const t = '${REMOVED}';\n` });
      repo.commit('B', '2024-01-02T00:00:00Z', { 'old.ts': null, 'new.ts': 'const x = 1;\n' });
      const tip = repo.commit('C', '2024-01-03T00:00:00Z', { 'last.ts': `const z = '${LAST}';\n` });
      runGit(clone, ['clone', '-q', '--depth', '1', `file://${repo.dir}`, 'c']);
      const { result, history } = await scanHistory(join(clone, 'c'), { settings: defaultSettings() });
      expect(history.shallow).toEqual([tip]);
      expect(result.skipped).toEqual([expect.objectContaining({ path: `commit ${tip.slice(0, 12)}`, detail: expect.stringContaining('shallow clone') })]);
      expect(result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([['last.ts', tip]]);
    } finally {
      repo.cleanup();
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('a missing git is a clear usage error', async () => {
    const repo = new HistoryRepo();
    const path = process.env.PATH;
    try {
      process.env.PATH = mkdtempSync(join(tmpdir(), 'nhi-empty-path-'));
      expect(readdirSync(process.env.PATH)).toEqual([]);
      await expect(scanHistory(repo.dir, { settings: defaultSettings() })).rejects.toThrow(/git is not installed or not on PATH/);
    } finally {
      process.env.PATH = path;
      repo.cleanup();
    }
  });

  it('5k loose refs created with update-ref --stdin, each on its own commit: every commit is counted, each blob read once (100k packed refs: below)', { timeout: 240_000 }, async () => {
    const repo = new HistoryRepo();
    try {
      const base = repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${REMOVED}';\n` });
      const tree = repo.git('rev-parse', 'HEAD^{tree}');
      // 5,000 commits (same tree, distinct messages) through fast-import, one loose ref each
      // (100k loose ref files take minutes to write on a loaded CI machine; git reads packed and
      // loose refs through the same `--all`).
      const stream = Array.from({ length: 5_000 }, (_, i) => `commit refs/heads/tmp\nmark :${i + 1}\ncommitter A <a@example.test> 1704067200 +0000\ndata 6\nc${String(i).padStart(5, '0')}\nfrom ${base}\nM 040000 ${tree} \n\n`).join('');
      execFileSync('git', ['fast-import', '--quiet', `--export-marks=${join(repo.dir, '.git', 'marks')}`], { cwd: repo.dir, input: stream, maxBuffer: 64 * 1024 * 1024 });
      const marks = readFileSync(join(repo.dir, '.git', 'marks'), 'utf8').trim().split('\n').map((l) => l.split(' ')[1]);
      execFileSync('git', ['update-ref', '--stdin'], { cwd: repo.dir, input: marks.map((sha, i) => `create refs/heads/b/${i} ${sha}\n`).join('') + 'delete refs/heads/tmp\n' });
      expect(readdirSync(join(repo.dir, '.git', 'refs', 'heads', 'b'))).toHaveLength(5_000);
      const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(history.commits).toBe(5_001);
      expect(history.blobs).toBe(1);
      expect(result.findings.map((f) => [f.file, f.commit?.sha])).toEqual([['a.ts', base]]);
    } finally {
      repo.cleanup();
    }
  });

  it('a history with 100k refs and a binary blob on every ref scans each blob once', async () => {
    const repo = new HistoryRepo();
    try {
      const sha = repo.commit('A', '2024-01-01T00:00:00Z', { 'a.ts': `const t = '${REMOVED}';\n`, 'img.bin': Buffer.from([0, 1, 2, 3]) });
      const refs = Array.from({ length: 100_000 }, (_, i) => `refs/tags/t${String(i).padStart(6, '0')}`);
      writeFileSync(join(repo.dir, '.git', 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${refs.map((r) => `${sha} ${r}\n`).join('')}`);
      expect(repo.git('for-each-ref', '--count=2', '--format=%(refname)', 'refs/tags')).toBe('refs/tags/t000000\nrefs/tags/t000001');
      const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(history.blobs).toBe(1);
      expect(result.findings).toHaveLength(1);
      expect(result.skipped).toHaveLength(1);
    } finally {
      repo.cleanup();
    }
  });
});
