/**
 * A file over max-file-size used to be a `too-large` skip, and a skip fails no check: a change
 * could hide a token by padding its file past the limit (5 MiB by default). Such files are scanned
 * for secrets in pieces now (src/core/secrets/pieces.ts), in tree scans, `--diff`, `--staged` and
 * the App's full scan (tarball). Real files, real git, the real App over HTTP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openedPullRequest, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { fakeGithubToken } from '../../support/cli/run-cli.js';
import { runInProcess } from '../../support/cli/run-in-process.js';
import { HistoryRepo } from '../../support/history-repo.js';
import { defaultSettings } from '../../../src/core/types.js';
import { scanCommitRange } from '../../../src/workspace/commits.js';
import { BASE_FILES, REPO } from '../app/fixtures.js';

const [OLD, PADDED, STAGED] = [fakeGithubToken(721), fakeGithubToken(722), fakeGithubToken(723)];
/** 6.2 MB of generated SQL, past the default 5 MiB. */
const PADDING = 'INSERT INTO events VALUES (1, \'2024-01-01\', \'generated row of a dump\');\n'.repeat(90_000);
const PADDING_LINES = 90_000;

interface Report {
  findings: { file: string; line: number; column: number; rule: string }[];
  skipped: { path: string; reason: string; detail: string }[];
}

describe('files over max-file-size', () => {
  const repo = new HistoryRepo('nhi-oversized-');
  let base = '';
  beforeAll(() => {
    base = repo.commit('Base', '2024-10-01T10:00:00Z', { 'db/dump.sql': `-- token ${OLD}\n${PADDING}` });
    repo.commit('Mallory', '2024-10-02T10:00:00Z', { 'db/dump.sql': `-- token ${OLD}\n${PADDING}-- ${PADDED}\n` });
  });
  afterAll(() => repo.cleanup());

  it('a tree scan finds secrets anywhere in them, at their line and column, and says they were read in pieces', async () => {
    const run = await runInProcess(['scan', repo.dir, '-f', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => [f.file, f.line, f.column])).toEqual([
      ['db/dump.sql', 1, 10],
      ['db/dump.sql', PADDING_LINES + 2, 4],
    ]);
    expect(report.skipped).toEqual([{ path: 'db/dump.sql', reason: 'too-large', detail: expect.stringMatching(/exceeds max-file-size 5242880: scanned for secrets in pieces, not parsed for identities$/) }]);
    for (const t of [OLD, PADDED]) expect(run.stdout + run.stderr).not.toContain(t);
  });

  it('--diff judges only the lines the change added to them', async () => {
    const run = await runInProcess(['scan', repo.dir, '--diff', base, '-f', 'json']);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as Report).findings.map((f) => [f.file, f.line])).toEqual([['db/dump.sql', PADDING_LINES + 2]]);
  });

  it('--staged reads the staged version in pieces', async () => {
    writeFileSync(join(repo.dir, 'db/dump.sql'), `-- token ${OLD}\n${PADDING}-- ${PADDED}\n-- ${STAGED}\n`);
    repo.git('add', 'db/dump.sql');
    const run = await runInProcess(['scan', repo.dir, '--staged', '-f', 'json']);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as Report).findings.map((f) => [f.file, f.line])).toEqual([['db/dump.sql', PADDING_LINES + 3]]);
    expect(run.stdout).not.toContain(STAGED);
  });
});

describe('UTF-16 files over max-file-size (a Windows transcript, a registry export)', () => {
  const repo = new HistoryRepo('nhi-oversized-utf16-');
  const TRANSCRIPT_TOKEN = fakeGithubToken(731);
  /** ~3.4 MB of text: twice that as UTF-16, past the default 5 MiB. */
  const LINES = 50_000;
  const text = `${'PS C:\\deploy> Get-Service | Where-Object Status -eq "Running"\r\n'.repeat(LINES)}$env:GITHUB_TOKEN = "${TRANSCRIPT_TOKEN}"\r\n`;
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  beforeAll(() => {
    expect(le.length).toBeGreaterThan(5 * 1024 * 1024);
    repo.commit('Mallory', '2024-12-01T10:00:00Z', { 'logs/transcript.txt': le });
  });
  afterAll(() => repo.cleanup());

  it('a tree scan reads one in pieces, as UTF-16, and finds the token at its line and column', async () => {
    const run = await runInProcess(['scan', repo.dir, '-f', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => [f.file, f.rule, f.line, f.column])).toEqual([['logs/transcript.txt', 'secret/github-classic-pat', LINES + 1, 22]]);
    expect(report.skipped).toEqual([{ path: 'logs/transcript.txt', reason: 'too-large', detail: expect.stringMatching(/scanned for secrets in pieces, not parsed for identities$/) }]);
    expect(run.stdout + run.stderr).not.toContain(TRANSCRIPT_TOKEN);
  });

  it('a history scan finds it after a later commit removed the file, naming that first commit', async () => {
    const added = repo.git('rev-parse', 'HEAD');
    repo.commit('Bob', '2024-12-02T10:00:00Z', { 'logs/transcript.txt': null });
    const run = await runInProcess(['scan', repo.dir, '--history', '-f', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { file: string; line: number; column: number; presentAtHead?: boolean; commit?: { sha: string } }[] };
    expect(report.findings.map((f) => [f.file, f.line, f.column, f.presentAtHead, f.commit?.sha])).toEqual([['logs/transcript.txt', LINES + 1, 22, false, added]]);
    expect(run.stdout + run.stderr).not.toContain(TRANSCRIPT_TOKEN);
  });
});

describe('the App and over-size files', () => {
  let double: GitHubDouble;
  let app: RunningApp;
  afterEach(async () => {
    await app?.close();
    await double?.close();
  });

  /** The App over HTTP against a double whose default branch holds BASE_FILES and `files`. */
  async function start(files: Record<string, string> = {}): Promise<void> {
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [{ repo: REPO, files: { ...BASE_FILES, ...files }, installationId: 1, collaborators: { jdoe: 'write' } }],
        orgs: { acme: { members: ['jdoe'], teams: {} } },
      },
    });
    app = await startApp(double);
  }

  /** Pushes `files` to `branch`, opens a PR from it and delivers `pull_request.opened`; returns the head and base shas. */
  async function pullRequest(branch: string, files: Record<string, string>): Promise<{ head: string; base: string }> {
    const { payload, head, base } = openedPullRequest(double, REPO, { branch, files });
    await app.deliver('pull_request', payload);
    return { head, base };
  }

  const lastCheck = () => [...double.state.repo(REPO).checkRuns.values()].at(-1)!;
  const secretAnnotations = () => lastCheck().annotations.filter((a) => a.title?.startsWith('secret/')).map((a) => [a.path, a.start_line]);
  const sent = () => double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');

  // With a small max-file-size, the patch's own view of the file (its lines in place) is over the limit too, and read in pieces.
  it.each([[{}], [{ '.github/nhi-steward.yml': 'max-file-size: 65536\n' }]])("the PR check judges the lines a PR adds to one, from GitHub's patch (no download): %j", { timeout: 60_000 }, async (config) => {
    await start({ ...config, 'db/dump.sql': `-- ${OLD}\n${PADDING}` });
    await pullRequest('feature/pad', { 'db/dump.sql': `-- ${OLD}\n${PADDING}-- ${PADDED}\n` });
    // Before, the file was a too-large skip and the check passed.
    expect(lastCheck()).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(secretAnnotations()).toEqual([['db/dump.sql', PADDING_LINES + 2]]);
    for (const t of [OLD, PADDED]) expect(sent()).not.toContain(t);
    double.assertNoViolations();
  });

  it('the PR check streams one GitHub gave no patch for, at head and at base, and blames only the secrets the PR brought', { timeout: 60_000 }, async () => {
    await start({ 'db/dump.sql': `-- ${OLD}\n${PADDING}` });
    // Every line rewritten (a patch of ~12 MB: GitHub gives none), and a new padded file beside it.
    const rewritten = `-- ${OLD}\n${PADDING.replaceAll('events', 'events2')}-- ${PADDED}\n`;
    const { head, base } = await pullRequest('feature/rewrite', { 'db/dump.sql': rewritten, 'db/new.sql': `${PADDING}-- ${STAGED}\n` });
    // Raw reads: db/dump.sql at head and at base, db/new.sql at head (it is new).
    const raw = double.requests.filter((r) => r.path.includes('/contents/db') && /raw/.test(r.headers.accept ?? '')).map((r) => [decodeURIComponent(r.path.split('/contents/')[1]), r.query.ref]);
    expect(raw.sort()).toEqual([['db/dump.sql', base], ['db/dump.sql', head], ['db/new.sql', head]].sort());
    expect(lastCheck()).toMatchObject({ status: 'completed', conclusion: 'failure' });
    // OLD was in the base version: not the PR's.
    expect(secretAnnotations().sort()).toEqual([
      ['db/dump.sql', PADDING_LINES + 2],
      ['db/new.sql', PADDING_LINES + 1],
    ]);
    expect(lastCheck().output.summary).not.toContain('max-file-size (5242880 bytes)');
    for (const t of [OLD, PADDED, STAGED]) expect(sent()).not.toContain(t);
    double.assertNoViolations();
  });

  // An infrastructure file (YAML, JSON, Terraform) that large is a lock file or a state file: once a
  // skip whatever GitHub gave, now scanned for secrets (from the patch, or streamed) and not parsed for identities.
  const ROWS = Array.from({ length: 90_000 }, (_, i) => `    { "id": ${i}, "name": "generated row ${i} of a large lock file" },\n`).join('');
  const bigJson = (extra: string) => `{\n  "rows": [\n${ROWS}${extra}    { "id": -1 }\n  ]\n}\n`;
  it.each([
    ['from the patch when GitHub gives one (a line added to it)', { 'deploy/state.json': bigJson('') }],
    ['streamed when GitHub gives none (a new file)', {}],
  ])('the PR check reads an infrastructure file over max-file-size for secrets, %s', { timeout: 60_000 }, async (_how, baseFiles) => {
    await start(baseFiles);
    expect(bigJson('').length).toBeGreaterThan(5 * 1024 * 1024);
    await pullRequest('feature/state', { 'deploy/state.json': bigJson(`    { "deployToken": "${PADDED}" },\n`) });
    expect(lastCheck()).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(secretAnnotations()).toEqual([['deploy/state.json', 90_000 + 3]]);
    // Never downloaded whole through the contents API as a file to parse: at most streamed raw.
    const reads = double.requests.filter((r) => decodeURIComponent(r.path).endsWith('/contents/deploy/state.json'));
    expect(reads.every((r) => /raw/.test(r.headers.accept ?? ''))).toBe(true);
    expect(lastCheck().output.summary).not.toContain('max-file-size (5242880 bytes)');
    expect(lastCheck().output.summary).toMatch(/`deploy\/state\.json` \| too-large: \d+ bytes exceeds max-file-size 5242880(; streamed)?: scanned for secrets in pieces, not parsed for identities/);
    expect(sent()).not.toContain(PADDED);
    double.assertNoViolations();
  });

  it('the full scan reads the file as the tarball streams and opens the issue for the secret at its end', { timeout: 60_000 }, async () => {
    await start();
    double.state.push(REPO, { files: { 'db/dump.sql': `${PADDING}-- ${PADDED}\n` } });
    await app.scheduler.tick();
    const issues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
    const secret = issues.filter((i) => i.body?.includes('db/dump.sql'));
    expect(secret).toHaveLength(1);
    expect(secret[0].body).toContain(`db/dump.sql#L${PADDING_LINES + 1}`);
    expect(sent()).not.toContain(PADDED);
    expect(app.logs.join('\n')).not.toContain(PADDED);
    double.assertNoViolations();
  });
});

describe('commit by commit: a padded file added in one commit and removed in the next', () => {
  const repo = new HistoryRepo('nhi-oversized-commits-');
  const [EARLY, TRANSIENT] = [fakeGithubToken(725), fakeGithubToken(724)];
  const shas: Record<string, string> = {};
  beforeAll(() => {
    shas.base = repo.commit('Base', '2024-11-01T10:00:00Z', { 'README.md': '# app\n', 'db/big.sql': PADDING });
    shas.add = repo.commit('Mallory', '2024-11-02T10:00:00Z', { 'db/dump.sql': `-- ${EARLY}\n${PADDING}-- ${TRANSIENT}\n`, 'db/big.sql': `${PADDING.slice(0, 70 * 1000)}-- edited\n${PADDING.slice(70 * 1000)}-- ${PADDED}\n` });
    shas.remove = repo.commit('Mallory', '2024-11-03T10:00:00Z', { 'db/dump.sql': null, 'db/big.sql': PADDING });
  });
  afterAll(() => repo.cleanup());

  it('names the commit for each, at its line, whatever the patch size', async () => {
    const secrets = await scanCommitRange(repo.dir, { base: shas.base, head: shas.remove }, defaultSettings());
    expect(secrets.findings().map((f) => [f.file, f.line, f.commit?.sha]).sort()).toEqual([
      ['db/big.sql', PADDING_LINES + 2, shas.add],
      ['db/dump.sql', 1, shas.add], // read before the patch passed the limit, then handed on
      ['db/dump.sql', PADDING_LINES + 2, shas.add],
    ]);
    for (const t of [EARLY, TRANSIENT]) expect(JSON.stringify(secrets.findings())).not.toContain(t);
  });
});
