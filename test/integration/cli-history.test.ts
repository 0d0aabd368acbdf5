import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken, runCli } from '../support/cli/run-cli.js';
import { runInProcess } from '../support/cli/run-in-process.js';
import { HistoryRepo } from '../support/history-repo.js';
import { refuseTcpListen } from '../support/refused-listen.js';

const REMOVED = fakeGithubToken(201);
const AT_HEAD = fakeGithubToken(202);
const BRANCH_ONLY = fakeGithubToken(203);
const LAST = fakeGithubToken(204);
const ALLOWED = fakeGithubToken(205);
const ALL = [REMOVED, AT_HEAD, BRANCH_ONLY, LAST, ALLOWED];

type JsonFinding = { rule: string; file: string; line: number; fingerprint: string; message: string; commit?: { sha: string; author: string; date: string }; presentAtHead?: boolean };

describe('nhi-steward scan --history', () => {
  const repo = new HistoryRepo('nhi-cli-history-');
  const shas: Record<string, string> = {};
  beforeAll(() => {
    shas.c1 = repo.commit('Alice', '2024-01-01T10:00:00Z', { '.env': `GITHUB_TOKEN=${REMOVED}\n` });
    shas.c2 = repo.commit('Bob', '2024-01-02T10:00:00Z', { '.env': 'GITHUB_TOKEN=\n', 'src/app.ts': `export const t = '${AT_HEAD}';\nexport const ok = '${ALLOWED}'; // gitleaks:allow\n` });
    repo.git('checkout', '-q', '-b', 'wip');
    shas.c3 = repo.commit('Carol', '2024-01-03T10:00:00Z', { 'wip.ts': `const k = '${BRANCH_ONLY}';\n` });
    repo.git('checkout', '-q', 'main');
    shas.c4 = repo.commit('Dave', '2024-01-04T10:00:00Z', { 'last.ts': `const z = '${LAST}';\n` });
  });
  afterAll(() => repo.cleanup());

  it('where no loopback connection can be made, the report is the same and stderr says how git was read instead, and why', async () => {
    const usual = await runInProcess(['scan', repo.dir, '--history', '-f', 'json']);
    expect(usual.stderr).not.toContain("git's output");
    // A sandbox that forbids listening on a TCP port: git's output comes through a local socket.
    const listen = refuseTcpListen('listen EPERM: operation not permitted');
    try {
      const fallen = await runInProcess(['scan', repo.dir, '--history', '-f', 'json']);
      expect(fallen.stderr).toContain("nhi-steward: history: git's output was read through a local socket, slower, because of the loopback connection: listen EPERM: operation not permitted\n");
      const report = (run: { stdout: string }) => run.stdout.replace(/"durationMs": *\d+(\.\d+)?/g, '');
      expect(fallen.code).toBe(usual.code);
      expect(report(fallen)).toBe(report(usual));
      expect(JSON.parse(fallen.stdout).findings.length).toBeGreaterThan(0);
      const quiet = await runInProcess(['scan', repo.dir, '--history', '-f', 'json', '--quiet']);
      expect(quiet.stderr).not.toContain("git's output");
    } finally {
      listen.restore();
    }
  });

  it('JSON: each secret with its introducing commit and presentAtHead; exit 1', async () => {
    const run = await runInProcess(['scan', repo.dir, '--history', '-f', 'json']);
    expect(run.code).toBe(1);
    const findings: JsonFinding[] = JSON.parse(run.stdout).findings;
    expect(findings.map((f) => [f.file, f.commit?.sha, f.commit?.author, f.presentAtHead])).toEqual([
      ['.env', shas.c1, 'Alice', false],
      ['src/app.ts', shas.c2, 'Bob', true],
      ['wip.ts', shas.c3, 'Carol', false],
      ['last.ts', shas.c4, 'Dave', true],
    ]);
    expect(run.stderr).toMatch(/history: 4 commit\(s\), \d+ unique blob\(s\)/);
    for (const secret of ALL) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('SARIF: the commit is in properties and in the message', async () => {
    const run = await runInProcess(['scan', repo.dir, '--history', '-f', 'sarif', '--branch', 'main']);
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout).runs[0].results as { message: { text: string }; properties: { commit?: { sha: string }; presentAtHead?: boolean } }[];
    expect(results.map((r) => r.properties.commit?.sha)).toEqual([shas.c1, shas.c2, shas.c4]);
    expect(results[0].message.text).toContain(`commit ${shas.c1.slice(0, 7)} by Alice`);
    expect(results[0].properties.presentAtHead).toBe(false);
    for (const secret of ALL) expect(run.stdout).not.toContain(secret);
  });

  it('Markdown and text show the commit and whether it is still at HEAD', async () => {
    const md = await runInProcess(['scan', repo.dir, '--history', '-f', 'markdown']);
    expect(md.stdout).toContain('| Level | Where | Commit | At HEAD |');
    expect(md.stdout).toContain(`\`${shas.c1.slice(0, 7)}\` Alice, 2024-01-01 | no (removed)`);
    const text = await runInProcess(['scan', repo.dir, '--history']);
    expect(text.stdout).toContain(`introduced in commit ${shas.c4.slice(0, 7)} by Dave on 2024-01-04; still present at HEAD`);
    // The summary counts what a history scan reads: unique blobs and commits, not files and NHIs.
    expect(text.stdout).toMatch(/ \d+ unique blob\(s\) of 4 commit\(s\) scanned in .+, 0 skipped\.\n/);
    expect(text.stdout).not.toContain('NHI(s)');
    expect(md.stdout).toMatch(/ \d+ unique blob\(s\) of 4 commit\(s\) scanned in `.+` · 0 skipped\n/);
    for (const secret of ALL) expect(md.stdout + text.stdout).not.toContain(secret);
  });

  it('--since narrows to new commits; a baseline file suppresses across history; exit 0 when clean', async () => {
    const since = await runInProcess(['scan', repo.dir, '--history', '--since', shas.c2, '--branch', 'main', '-f', 'json']);
    expect(JSON.parse(since.stdout).findings.map((f: JsonFinding) => f.file)).toEqual(['last.ts']);
    const all: JsonFinding[] = JSON.parse((await runInProcess(['scan', repo.dir, '--history', '-f', 'json'])).stdout).findings;
    const baseline = join(repo.dir, '..', `${repo.dir.split('/').pop()}-baseline.json`);
    writeFileSync(baseline, JSON.stringify({ version: 1, fingerprints: all.map((f) => ({ fingerprint: f.fingerprint, rule: f.rule, file: f.file })) }));
    const clean = await runInProcess(['scan', repo.dir, '--history', '-b', baseline]);
    expect(clean.stdout).toContain('No findings');
    expect(clean.code).toBe(0);
  });

  it('usage errors exit 2: --since without --history, --history with --diff, unknown ref', async () => {
    expect((await runInProcess(['scan', repo.dir, '--since', 'main'])).code).toBe(2);
    expect((await runInProcess(['scan', repo.dir, '--history', '--diff', 'main'])).code).toBe(2);
    const unknown = await runInProcess(['scan', repo.dir, '--history', '--branch', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--branch: unknown git ref "nope"');
  });

  it('a missing git exits 2 with a clear message (real child process, empty PATH)', async () => {
    const run = await runCli(['scan', repo.dir, '--history'], { env: { PATH: '/nonexistent' } });
    expect(run.stderr).toContain('git is not installed or not on PATH');
    expect(run.code).toBe(2);
  });

  it('a folder that does not exist is named as such, not as a missing git (both fail git\'s start alike)', async () => {
    const missing = join(repo.dir, 'no-such-folder');
    const run = await runInProcess(['scan', missing, '--history']);
    expect(run.stderr).toContain(`${missing} is not a folder`);
    expect(run.stderr).not.toContain('git is not installed');
    expect(run.code).toBe(2);
  });
});

describe('nhi-steward scan --history: names from the repository', () => {
  // git stores any file name but NUL and '/', and a commit's author is whatever its committer typed.
  const repo = new HistoryRepo('nhi-cli-history-names-');
  const TOKEN = fakeGithubToken(206);
  const FILE = 'evil\u001b]0;pwned\u0007\n\u001b[1A\u001b[2K.env';
  const AUTHOR = 'Mallory\u001b[2J\u202egnp.exe';
  beforeAll(() => {
    repo.commit(AUTHOR, '2024-02-01T10:00:00Z', { [FILE]: `GITHUB_TOKEN=${TOKEN}\n` });
  });
  afterAll(() => repo.cleanup());

  it('text shows them escaped: no terminal codes, line breaks or bidirectional overrides of theirs', async () => {
    const run = await runInProcess(['scan', repo.dir, '--history']);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(run.stdout).toContain('evil\\u001b]0;pwned\\u0007\\n\\u001b[1A\\u001b[2K.env');
    expect(run.stdout).toContain('by Mallory\\u001b[2J\\u202egnp.exe on 2024-02-01; still present at HEAD');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('JSON keeps them as they are (JSON escapes them itself)', async () => {
    const run = await runInProcess(['scan', repo.dir, '--history', '-f', 'json']);
    const findings: JsonFinding[] = JSON.parse(run.stdout).findings;
    expect(findings.map((f) => [f.file, f.commit?.author])).toEqual([[FILE, AUTHOR]]);
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/); // its own line breaks only
  });
});

describe('nhi-steward baseline --history', () => {
  const repo = new HistoryRepo('nhi-cli-history-baseline-');
  const [OLD, STILL, NEW] = [fakeGithubToken(207), fakeGithubToken(208), fakeGithubToken(209)];
  beforeAll(() => {
    repo.commit('Alice', '2024-06-01T10:00:00Z', { '.env': `GITHUB_TOKEN=${OLD}\n` });
    repo.commit('Bob', '2024-06-02T10:00:00Z', { '.env': 'GITHUB_TOKEN=\n', 'src/app.ts': `export const t = '${STILL}';\n` });
  });
  afterAll(() => repo.cleanup());

  it("accepts every commit's secrets (salted hashes, no secret in the file); later history and tree scans report only new ones", async () => {
    const file = join(repo.dir, '.nhi-steward-baseline.json');
    const made = await runInProcess(['baseline', repo.dir, '--history']);
    expect(made.code).toBe(0);
    expect(made.stderr).toContain(`baseline of 2 secret finding(s) from the git history written to ${file}`);
    const written = readFileSync(file, 'utf8');
    for (const secret of [OLD, STILL]) expect(written).not.toContain(secret);
    expect(JSON.parse(written).fingerprints.map((f: { file: string }) => f.file).sort()).toEqual(['.env', 'src/app.ts']);
    const clean = await runInProcess(['scan', repo.dir, '--history']);
    expect(clean.stdout).toContain('No findings');
    expect(clean.code).toBe(0);
    expect((await runInProcess(['scan', repo.dir])).code).toBe(0); // the tree's secret is in it too
    repo.commit('Carol', '2024-06-03T10:00:00Z', { 'new.ts': `const n = '${NEW}';\n` });
    const later = await runInProcess(['scan', repo.dir, '--history', '-f', 'json']);
    expect(later.code).toBe(1);
    expect(JSON.parse(later.stdout).findings.map((f: JsonFinding) => [f.file, f.commit?.author])).toEqual([['new.ts', 'Carol']]);
  });

  it('a partial clone: the blobs it holds are scanned, and the progress line and the report say how many it has not fetched', async () => {
    const source = new HistoryRepo('nhi-cli-history-partial-');
    let clone: string | undefined;
    try {
      source.commit('Alice', '2024-07-01T10:00:00Z', { '.env': `GITHUB_TOKEN=${REMOVED}\n` });
      source.commit('Bob', '2024-07-02T10:00:00Z', { '.env': 'GITHUB_TOKEN=\n', 'app.ts': `export const t = '${AT_HEAD}';\n` });
      clone = source.partialClone({ checkout: true });
      const run = await runInProcess(['scan', clone, '--history', '-f', 'json']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('unique blob(s) (0.0 MB) scanned (partial clone: 1 blob(s) it has not fetched were not scanned)');
      const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; skipped: { path: string; detail?: string }[] };
      expect(report.findings.map((f) => [f.file, f.presentAtHead])).toEqual([['app.ts', true]]);
      expect(report.skipped).toEqual([expect.objectContaining({ path: '(history)', detail: expect.stringContaining('partial clone: 1 blob(s) it has not fetched were not scanned') })]);
      for (const secret of ALL) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    } finally {
      source.cleanup();
      if (clone) rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });

  it('--since and --branch need --history', async () => {
    const run = await runInProcess(['baseline', repo.dir, '--since', 'main', '-o', join(repo.dir, '..', 'unused.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--since and --branch need --history');
  });
});
