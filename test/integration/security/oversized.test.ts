/**
 * A file over max-file-size used to be a `too-large` skip, and a skip fails no check: a change
 * could hide a token by padding its file past the limit (5 MiB by default). Such files are scanned
 * for secrets in pieces now (src/core/secrets/pieces.ts), in tree scans, `--diff`, `--staged` and
 * the App's full scan (tarball). Real files, real git, the real App over HTTP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
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

describe("the App's full scan of a tarball with an over-size file", () => {
  let double: GitHubDouble;
  let app: RunningApp;
  afterEach(async () => {
    await app?.close();
    await double?.close();
  });

  // With a small max-file-size, the patch's own view of the file (its lines in place) is over the limit too, and read in pieces.
  it.each([[{}], [{ '.github/nhi-steward.yml': 'max-file-size: 65536\n' }]])("the App's PR check judges the lines a PR adds to one, from GitHub's patch (no download): %j", { timeout: 60_000 }, async (config) => {
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [{ repo: REPO, files: { ...BASE_FILES, ...config, 'db/dump.sql': `-- ${OLD}\n${PADDING}` }, installationId: 1, collaborators: { jdoe: 'write' } }],
        orgs: { acme: { members: ['jdoe'], teams: {} } },
      },
    });
    app = await startApp(double);
    const head = double.state.push(REPO, { branch: 'feature/pad', files: { 'db/dump.sql': `-- ${OLD}\n${PADDING}-- ${PADDED}\n` }, author: 'jdoe' });
    const issue = double.state.openPull(REPO, { head: 'feature/pad', title: 'Pad', user: 'jdoe' });
    const payload = retarget(example('pull_request', 'opened'), double, REPO);
    payload.number = issue.number;
    payload.pull_request = {
      ...payload.pull_request,
      number: issue.number,
      head: { ...payload.pull_request.head, sha: head, ref: 'feature/pad', repo: payload.repository },
      base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, ref: double.state.repo(REPO).defaultBranch, repo: payload.repository },
    };
    await app.deliver('pull_request', payload);
    const run = [...double.state.repo(REPO).checkRuns.values()].at(-1)!;
    // Before, the file was a too-large skip and the check passed.
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations.filter((a) => a.title?.startsWith('secret/')).map((a) => [a.path, a.start_line])).toEqual([['db/dump.sql', PADDING_LINES + 2]]);
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    for (const t of [OLD, PADDED]) expect(sent).not.toContain(t);
    double.assertNoViolations();
  });

  it("the App's PR check streams one GitHub gave no patch for, at head and at base, and blames only the secrets the PR brought", { timeout: 60_000 }, async () => {
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [{ repo: REPO, files: { ...BASE_FILES, 'db/dump.sql': `-- ${OLD}\n${PADDING}` }, installationId: 1, collaborators: { jdoe: 'write' } }],
        orgs: { acme: { members: ['jdoe'], teams: {} } },
      },
    });
    app = await startApp(double);
    // Every line rewritten (a patch of ~12 MB: GitHub gives none), and a new padded file beside it.
    const rewritten = `-- ${OLD}\n${PADDING.replaceAll('events', 'events2')}-- ${PADDED}\n`;
    const head = double.state.push(REPO, { branch: 'feature/rewrite', files: { 'db/dump.sql': rewritten, 'db/new.sql': `${PADDING}-- ${STAGED}\n` }, author: 'jdoe' });
    const issue = double.state.openPull(REPO, { head: 'feature/rewrite', title: 'Rewrite', user: 'jdoe' });
    const payload = retarget(example('pull_request', 'opened'), double, REPO);
    payload.number = issue.number;
    payload.pull_request = {
      ...payload.pull_request,
      number: issue.number,
      head: { ...payload.pull_request.head, sha: head, ref: 'feature/rewrite', repo: payload.repository },
      base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, ref: double.state.repo(REPO).defaultBranch, repo: payload.repository },
    };
    await app.deliver('pull_request', payload);
    // Raw reads: db/dump.sql at head and at base, db/new.sql at head (it is new).
    const raw = double.requests.filter((r) => r.path.includes('/contents/db') && /raw/.test(r.headers.accept ?? '')).map((r) => [decodeURIComponent(r.path.split('/contents/')[1]), r.query.ref]);
    expect(raw.sort()).toEqual([['db/dump.sql', issue.pull!.baseSha], ['db/dump.sql', head], ['db/new.sql', head]].sort());
    const run = [...double.state.repo(REPO).checkRuns.values()].at(-1)!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    // OLD was in the base version: not the PR's.
    expect(run.annotations.filter((a) => a.title?.startsWith('secret/')).map((a) => [a.path, a.start_line]).sort()).toEqual([
      ['db/dump.sql', PADDING_LINES + 2],
      ['db/new.sql', PADDING_LINES + 1],
    ]);
    expect(run.output.summary).not.toContain('not downloaded or scanned');
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    for (const t of [OLD, PADDED, STAGED]) expect(sent).not.toContain(t);
    double.assertNoViolations();
  });

  it('scans the file as it streams and opens the issue for the secret at its end', { timeout: 60_000 }, async () => {
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write' } }],
        orgs: { acme: { members: ['jdoe'], teams: {} } },
      },
    });
    app = await startApp(double);
    double.state.push(REPO, { files: { 'db/dump.sql': `${PADDING}-- ${PADDED}\n` } });
    await app.scheduler.tick();
    const issues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
    const secret = issues.filter((i) => i.body?.includes('db/dump.sql'));
    expect(secret).toHaveLength(1);
    expect(secret[0].body).toContain(`db/dump.sql#L${PADDING_LINES + 1}`);
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    expect(sent).not.toContain(PADDED);
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
