/**
 * The App reads a PR's commits over git's smart HTTP protocol (a real `git http-backend` on
 * loopback, serving the GitHub double's objects), with the installation token, into a temporary
 * clone it removes afterwards. A token added in the first commit and removed in the second fails
 * the check, naming the commit; a clean PR makes the same API calls as before.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';
import { REDIS_AVAILABLE, startRedis } from '../../support/redis-server.js';
import { refuseTcpListen } from '../../support/refused-listen.js';
import { BASE_FILES, CONFIG_WITH_SECRET, NPM_TOKEN, RAW_SECRETS, REPO } from './fixtures.js';

const CLEAN_CONFIG = 'export const config = {\n  region: "eu-west-1",\n  token: process.env.GITHUB_TOKEN,\n};\n';

let double: GitHubDouble;
let git: GitHttpServer;
let app: RunningApp;
let cloneDir: string;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write' } }],
      orgs: { acme: { members: ['jdoe'] } },
    },
  });
  git = await startGitHttpServer((token) => double.state.tokens.has(token));
  cloneDir = mkdtempSync(join(tmpdir(), 'nhi-app-clones-'));
  app = await startApp(double, { gitBaseUrl: git.url, cloneDir });
});

afterEach(async () => {
  await app?.close();
  await git?.close();
  await double?.close();
  rmSync(cloneDir, { recursive: true, force: true });
});

/** Pushes each step as its own commit on `branch`, opens the PR, mirrors the repository to the git server. */
function openPull(branch: string, steps: Record<string, string | null>[], user = 'jdoe'): { payload: any; commits: string[] } {
  const commits = steps.map((files) => double.state.push(REPO, { branch, files, author: user }));
  const issue = double.state.openPull(REPO, { head: branch, title: `Change ${branch}`, user });
  git.sync(REPO, double.state.repo(REPO).git);
  const payload = retarget(example('pull_request', 'opened'), double, REPO);
  payload.number = issue.number;
  payload.pull_request = {
    ...payload.pull_request,
    number: issue.number,
    commits: commits.length,
    user: { ...payload.pull_request.user, login: user },
    head: { ...payload.pull_request.head, sha: commits.at(-1), ref: branch, repo: payload.repository },
    base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, ref: 'main', repo: payload.repository },
  };
  return { payload, commits };
}

function checkRunFor(sha: string) {
  return [...double.state.repo(REPO).checkRuns.values()].find((r) => r.head_sha === sha)!;
}

function assertNoLeak(): void {
  const outgoing = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
  const logged = app.logs.join('\n');
  for (const secret of RAW_SECRETS) {
    expect(outgoing.includes(secret)).toBe(false);
    expect(logged.includes(secret)).toBe(false);
  }
}

describe('App: every commit of a pull request, read over git smart HTTP', () => {
  it('a token added in the first commit and removed in the second fails the check, naming the commit with a permalink', async () => {
    const { payload, commits } = openPull('feature/leak', [{ 'src/config.js': CONFIG_WITH_SECRET }, { 'src/config.js': CLEAN_CONFIG }]);
    const response = await app.deliver('pull_request', payload);
    expect(response.status).toBe(200);
    const run = checkRunFor(commits[1]);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const secrets = run.annotations.filter((a) => a.title === 'secret/github-classic-pat');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].message).toContain(`added in commit ${commits[0].slice(0, 7)} (${payload.repository.html_url}/commit/${commits[0]}) by jdoe and removed later in this pull request`);
    expect(secrets[0].message).toContain('rotate the credential');
    expect(run.output.summary).toContain('Each of the 2 commit(s) in this pull request was checked');
    // git was asked with the installation token the double issued, and the clone is gone.
    expect(git.requests.length).toBeGreaterThan(0);
    expect(git.requests.every((r) => r.token !== undefined && double.state.tokens.has(r.token) && r.status === 200)).toBe(true);
    expect(readdirSync(cloneDir)).toEqual([]);
    double.assertNoViolations();
    assertNoLeak();
  });

  it('a key id added in one commit and its secret key four lines under it in the next: one pair, not its halves again as "removed later"', async () => {
    const sample = (id: string) => allDetectors.find((d) => d.id === id)!.samples.positive[0].text;
    const [keyId, secretKey] = [sample('aws-access-key-id'), sample('aws-secret-access-key')];
    const env = (at: Record<number, string>) => Array.from({ length: 20 }, (_, i) => at[i + 1] ?? `SETTING_${i + 1}=${i + 1}`).join('\n') + '\n';
    const { payload, commits } = openPull('feature/aws', [{ 'deploy/creds.env': env({ 10: keyId }) }, { 'deploy/creds.env': env({ 10: keyId, 14: secretKey }) }]);
    expect((await app.deliver('pull_request', payload)).status).toBe(200);
    const run = checkRunFor(commits[1]);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const secrets = run.annotations.filter((a) => a.title?.startsWith('secret/'));
    // Before 2026-12-08: the pair, and the key id and the secret key each called "added … and removed later".
    expect(secrets.map((a) => [a.title, a.path, a.start_line])).toEqual([['secret/aws-access-key-pair', 'deploy/creds.env', 10]]);
    expect(JSON.stringify(run)).not.toContain('removed later');
    const outgoing = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n') + app.logs.join('\n');
    for (const line of [keyId, secretKey]) expect(outgoing).not.toContain(line.slice(line.indexOf('=') + 1));
    double.assertNoViolations();
  });

  /** 3,000 harmless files that sort before `zz/`, so GitHub's list of the PR's files ends before `zz/config.js`. */
  const VENDORED = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`vendor/f${String(i).padStart(4, '0')}.js`, `export const v${i} = ${i};\n`]));

  // A token past the list: one commit adds it on line 3; in the second case a later commit keeps it, moved to line 5.
  it.each([
    ['one commit: a token in a file past the list GitHub gives is found from git', [{ ...VENDORED, 'zz/config.js': CONFIG_WITH_SECRET }], 3],
    [
      'two commits: a token a commit added past the list and a later one kept is reported at its line at the head, not as removed',
      [{ ...VENDORED, 'zz/config.js': CONFIG_WITH_SECRET }, { 'zz/config.js': `// two lines\n// added above\n${CONFIG_WITH_SECRET}` }],
      5,
    ],
  ])('a pull request of more than 3,000 files, %s; the summary says what the list left out', { timeout: 60_000 }, async (_name, steps, line) => {
    const { payload, commits } = openPull(`feature/vendor-${steps.length}`, steps);
    payload.pull_request.changed_files = 3001;
    expect((await app.deliver('pull_request', payload)).status).toBe(200);
    const run = checkRunFor(commits.at(-1)!);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const secrets = run.annotations.filter((a) => a.title === 'secret/github-classic-pat');
    expect(secrets.map((a) => [a.path, a.start_line])).toEqual([['zz/config.js', line]]);
    expect(secrets[0].message).not.toContain('removed later');
    expect(run.output.summary).toContain("GitHub lists only 3000 of this pull request's 3001 changed files: the other 1 were checked for secrets from git only");
    expect(readdirSync(cloneDir)).toEqual([]);
    double.assertNoViolations();
    assertNoLeak();
  });

  it("when git cannot say what the head holds, the commits' findings stand: a token the PR keeps is reported once at its place, one it removed is called removed", async () => {
    // A git first on PATH that refuses only the head listing of src/workspace/commits.ts
    // (`secretsAtHead`: `ls-tree` with literal pathspecs), logging it, and runs the real git otherwise.
    const bin = mkdtempSync(join(tmpdir(), 'nhi-git-no-head-'));
    const log = join(bin, 'refused.log');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\ncase " $* " in *" --literal-pathspecs ls-tree "*) echo "$*" >> '${log}'; echo "fatal: refused by the test" >&2; exit 128;; esac\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ''}`;
    try {
      const { payload, commits } = openPull('feature/two-tokens', [
        { 'src/config.js': CONFIG_WITH_SECRET, 'src/npm.js': `export const npmToken = '${NPM_TOKEN}';\n` },
        { 'src/npm.js': 'export const npmToken = process.env.NPM_TOKEN;\n' },
      ]);
      expect((await app.deliver('pull_request', payload)).status).toBe(200);
      const run = checkRunFor(commits[1]);
      expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
      // The head listing was asked for, and refused.
      expect(readFileSync(log, 'utf8')).toContain('ls-tree');
      const kept = run.annotations.filter((a) => a.title === 'secret/github-classic-pat');
      expect(kept.map((a) => [a.path, a.start_line])).toEqual([['src/config.js', 3]]);
      expect(kept[0].message).not.toContain('removed later');
      const removed = run.annotations.filter((a) => a.path === 'src/npm.js');
      expect(removed).toHaveLength(1);
      expect(removed[0].message).toContain(`added in commit ${commits[0].slice(0, 7)} (${payload.repository.html_url}/commit/${commits[0]}) by jdoe and removed later in this pull request`);
      // From git, as when the head listing works: no fall-back to the commits API.
      expect(run.output.summary).toContain('Each of the 2 commit(s) in this pull request was checked');
      expect(run.output.summary).not.toContain('through the API');
      expect(double.calls('pulls/list-commits')).toHaveLength(0);
      expect(double.calls('repos/get-commit')).toHaveLength(0);
      expect(readdirSync(cloneDir)).toEqual([]);
      double.assertNoViolations();
      assertNoLeak();
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("the PR's commits are cloned and scanned while the PR is read through the API, not after", async () => {
    const { payload, commits } = openPull('feature/overlap', [{ 'src/config.js': CONFIG_WITH_SECRET }, { 'src/config.js': CLEAN_CONFIG }]);
    // The file list answers slowly; git is asked meanwhile.
    double.inject({ method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}/files', delayMs: 1_500, times: 1 });
    let gitWhileListing = -1;
    const sampler = setInterval(() => {
      const listing = double.calls('pulls/list-files').some((r) => r.status === undefined);
      if (listing) gitWhileListing = Math.max(gitWhileListing, git.requests.filter((r) => r.status === 200).length);
    }, 5);
    try {
      expect((await app.deliver('pull_request', payload)).status).toBe(200);
    } finally {
      clearInterval(sampler);
    }
    expect(gitWhileListing).toBeGreaterThan(0);
    const run = checkRunFor(commits[1]);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations.find((a) => a.title === 'secret/github-classic-pat')?.message).toContain(`added in commit ${commits[0].slice(0, 7)}`);
    expect(readdirSync(cloneDir)).toEqual([]);
    double.assertNoViolations();
  });

  it('a clean PR with several commits passes with exactly the API calls of a one-commit PR', async () => {
    const single = openPull('feature/one', [{ 'src/a.js': 'export const a = 1;\n', 'src/b.js': 'export const b = 2;\n' }]);
    const before = double.requests.length;
    await app.deliver('pull_request', single.payload);
    const singleOps = double.requests.slice(before).map((r) => r.operationId);
    expect(checkRunFor(single.commits[0])).toMatchObject({ conclusion: 'success' });
    expect(git.requests).toEqual([]); // one commit is its own net diff: git is not asked

    const many = openPull('feature/three', [{ 'src/c.js': 'export const c = 1;\n' }, { 'src/d.js': 'export const d = 2;\n' }, { 'src/c.js': 'export const c = 3;\n' }]);
    const at = double.requests.length;
    await app.deliver('pull_request', many.payload);
    const manyOps = double.requests.slice(at).map((r) => r.operationId);
    expect(checkRunFor(many.commits[2])).toMatchObject({ conclusion: 'success' });
    expect(git.requests.length).toBeGreaterThan(0);
    // The same calls (some go at once, so their order may differ).
    const calls = (ops: (string | undefined)[]) => ops.filter((op) => op !== 'apps/create-installation-access-token').sort();
    expect(calls(manyOps)).toEqual(calls(singleOps));
    double.assertNoViolations();
  });

  it('when git refuses the clone, the commits are read through the API (pulls commits, then one call per commit) and the check still fails', async () => {
    await git.close();
    git = await startGitHttpServer(() => false);
    await app.close();
    app = await startApp(double, { gitBaseUrl: git.url, cloneDir });
    const { payload, commits } = openPull('feature/refused', [{ 'src/config.js': CONFIG_WITH_SECRET }, { 'src/config.js': CLEAN_CONFIG }]);
    await app.deliver('pull_request', payload);
    const run = checkRunFor(commits[1]);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.output.summary).toContain('checked for secrets through the API (git could not read them)');
    expect(run.annotations.find((a) => a.title === 'secret/github-classic-pat')?.message).toContain(`added in commit ${commits[0].slice(0, 7)}`);
    expect(git.requests.every((r) => r.status === 401)).toBe(true);
    expect(double.calls('pulls/list-commits')).toHaveLength(1);
    expect(double.calls('repos/get-commit')).toHaveLength(2);
    expect(readdirSync(cloneDir)).toEqual([]);
    double.assertNoViolations();
    assertNoLeak();
  });

  it("without git, a commit of more than 300 files is read page by page: a token past the first page's files is still found", async () => {
    await git.close();
    git = await startGitHttpServer(() => false);
    await app.close();
    app = await startApp(double, { gitBaseUrl: git.url, cloneDir });
    const vendored = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`vendor/f${String(i).padStart(3, '0')}.js`, `export const v${i} = ${i};\n`]));
    const { payload, commits } = openPull('feature/refused-wide', [{ ...vendored, 'zz/config.js': CONFIG_WITH_SECRET }, { 'zz/config.js': null }]);
    await app.deliver('pull_request', payload);
    const run = checkRunFor(commits[1]);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations.find((a) => a.title === 'secret/github-classic-pat')?.message).toContain(`added in commit ${commits[0].slice(0, 7)}`);
    // The first commit's 301 files: two pages; the second commit's one file: one.
    expect(double.calls('repos/get-commit')).toHaveLength(3);
    double.assertNoViolations();
    assertNoLeak();
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function secretIssues() {
  return [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.title.startsWith('Embedded secret'));
}

/** A person posts a comment on an issue: it exists in GitHub's state, then the webhook arrives. */
function commentPayload(issueNumber: number, login: string, body: string): any {
  const repo = double.state.repo(REPO);
  const id = double.state.nextId();
  repo.comments.set(id, { id, issue: issueNumber, body, user: login, created_at: double.state.now(), updated_at: double.state.now() });
  const payload = retarget(example('issue_comment', 'created'), double, REPO);
  payload.issue = { ...payload.issue, number: issueNumber, body: 'Questions about this repository', labels: [] };
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, id, body, user: { ...payload.comment.user, login, type: 'User' } };
  return payload;
}

describe('App: pushes and history over git smart HTTP', () => {
  it('a push whose first commit adds a token and whose second removes it opens a secret issue naming the commit', async () => {
    const before = double.state.repo(REPO).git.refs.get('refs/heads/main')!;
    const added = double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET }, author: 'jdoe' });
    const after = double.state.push(REPO, { files: { 'src/config.js': CLEAN_CONFIG }, author: 'jdoe' });
    git.sync(REPO, double.state.repo(REPO).git);
    const push = retarget(example('push'), double, REPO);
    Object.assign(push, { ref: 'refs/heads/main', before, after, deleted: false, forced: false, commits: [push.head_commit, push.head_commit] });
    // The webhook may be answered (202) before a slow scan ends (the machine under load): wait for the scan.
    const scans = app.logs.filter((l) => l.includes('full scan completed')).length;
    expect([200, 202]).toContain((await app.deliver('push', push)).status);
    await waitFor(() => app.logs.filter((l) => l.includes('full scan completed')).length > scans, 60_000);
    const issues = secretIssues();
    expect(issues.map((i) => i.title)).toEqual(['Embedded secret (github-classic-pat) in src/config.js']);
    expect(issues[0].body).toContain(`added in commit ${added.slice(0, 7)}`);
    expect(app.logs.join('\n')).toContain('Each of the 2 commit(s) in this push was checked');
    expect(readdirSync(cloneDir)).toEqual([]);
    double.assertNoViolations();
    assertNoLeak();
  });

  it('an issue for a secret pushed and removed in one push stays open on later pushes (it needs rotation), and closes once its file is ignored', { timeout: 180_000 }, async () => {
    const deliverPush = async (before: string, after: string) => {
      git.sync(REPO, double.state.repo(REPO).git);
      const push = retarget(example('push'), double, REPO);
      Object.assign(push, { ref: 'refs/heads/main', before, after, deleted: false, forced: false, commits: [push.head_commit] });
      const done = () => app.logs.filter((l) => l.includes('full scan completed')).length;
      const scans = done();
      // The webhook may be answered (202) before a slow scan ends: wait for the scan's log line.
      expect([200, 202]).toContain((await app.deliver('push', push)).status);
      await waitFor(() => done() > scans, 60_000);
    };
    const start = double.state.repo(REPO).git.refs.get('refs/heads/main')!;
    const added = double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET }, author: 'jdoe' });
    const removed = double.state.push(REPO, { files: { 'src/config.js': CLEAN_CONFIG }, author: 'jdoe' });
    await deliverPush(start, removed);
    const [issue] = secretIssues();
    expect(issue).toMatchObject({ state: 'open', title: 'Embedded secret (github-classic-pat) in src/config.js' });
    expect(issue.body).toContain(`added in commit ${added.slice(0, 7)}`);
    expect(issue.body).toContain('stays open until you close it once the credential is rotated');

    // The next push neither adds nor removes anything about it: HEAD is clean, but the secret is in history.
    const unrelated = double.state.push(REPO, { files: { 'docs/notes.md': '# Notes\n' }, author: 'jdoe' });
    await deliverPush(removed, unrelated);
    expect(secretIssues().map((i) => [i.number, i.state])).toEqual([[issue.number, 'open']]);

    // Suppressed by the repository's config (paths-ignore): the scan may close it now.
    const ignored = double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'paths-ignore:\n  - src/config.js\n' }, author: 'jdoe' });
    await deliverPush(unrelated, ignored);
    expect(secretIssues().map((i) => [i.number, i.state])).toEqual([[issue.number, 'closed']]);
    double.assertNoViolations();
    assertNoLeak();
  });

  it('/nhi-steward rescan --history clones the default branch and open PR heads and reports a token removed long ago', { timeout: 120_000 }, async () => {
    const added = double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET }, author: 'jdoe' });
    double.state.push(REPO, { files: { 'src/config.js': CLEAN_CONFIG }, author: 'jdoe' });
    const { commits: prCommits } = openPull('feature/wip', [{ 'src/wip.js': `export const npm = '${RAW_SECRETS[1]}';\n` }]);
    const question = double.state.createIssue(double.state.repo(REPO), { title: 'Questions', body: 'Questions about this repository', user: 'jdoe' });
    const replies = () => [...double.state.repo(REPO).comments.values()].filter((c) => c.issue === question.number && c.body.startsWith('Rescanned')).map((c) => c.body);
    // The webhook may be answered (202) before a slow scan ends: wait for the reply comment.
    await app.deliver('issue_comment', commentPayload(question.number, 'jdoe', '/nhi-steward rescan'));
    await waitFor(() => replies().length === 1, 60_000);
    expect(secretIssues()).toEqual([]); // the tree at HEAD is clean
    await app.deliver('issue_comment', commentPayload(question.number, 'jdoe', '/nhi-steward rescan --history'));
    await waitFor(() => replies().length === 2, 60_000);
    expect(replies().at(-1)).toMatch(/^Rescanned `main` and its history: .*history: 4 commit\(s\) \(`main` and 1 open pull request head\(s\)\).*2 secret\(s\) found in history/);
    const issues = secretIssues();
    expect(issues.map((i) => i.title).sort()).toEqual(['Embedded secret (github-classic-pat) in src/config.js', 'Embedded secret (npm-access-token) in src/wip.js']);
    expect(issues.find((i) => i.title.includes('config.js'))!.body).toContain(`introduced in commit ${added.slice(0, 7)} by jdoe`);
    expect(issues.find((i) => i.title.includes('wip.js'))!.body).toContain(`introduced in commit ${prCommits[0].slice(0, 7)}`);
    expect(readdirSync(cloneDir)).toEqual([]);
    double.assertNoViolations();
    assertNoLeak();
  });

  it('on a host that refuses TCP listens, the history scan reads git through a local socket and the reply says so, and why', { timeout: 120_000 }, async () => {
    const added = double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET }, author: 'jdoe' });
    double.state.push(REPO, { files: { 'src/config.js': CLEAN_CONFIG }, author: 'jdoe' });
    git.sync(REPO, double.state.repo(REPO).git);
    const question = double.state.createIssue(double.state.repo(REPO), { title: 'Questions', body: 'Questions about this repository', user: 'jdoe' });
    const replies = () => [...double.state.repo(REPO).comments.values()].filter((c) => c.issue === question.number && c.body.startsWith('Rescanned')).map((c) => c.body);
    // Probot, the GitHub double and the git server listen already: the scan's loopback listen is the one refused.
    const listen = refuseTcpListen('listen EPERM: operation not permitted');
    try {
      await app.deliver('issue_comment', commentPayload(question.number, 'jdoe', '/nhi-steward rescan --history'));
      await waitFor(() => replies().length === 1, 60_000);
      expect(listen.refused()).toBeGreaterThan(0);
    } finally {
      listen.restore();
    }
    expect(replies()[0]).toMatch(/^Rescanned `main` and its history: .*history: 3 commit\(s\) \(`main` and 0 open pull request head\(s\)\).*1 secret\(s\) found in history \(git's output was read through a local socket, slower, because of the loopback connection: listen EPERM: operation not permitted\)/);
    expect(secretIssues().find((i) => i.title.includes('config.js'))!.body).toContain(`introduced in commit ${added.slice(0, 7)} by jdoe`);
    expect(readdirSync(cloneDir)).toEqual([]);
    double.assertNoViolations();
    assertNoLeak();
  });

  it('a new installation scans each repository with its history', { timeout: 120_000 }, async () => {
    double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET }, author: 'jdoe' });
    double.state.push(REPO, { files: { 'src/config.js': CLEAN_CONFIG }, author: 'jdoe' });
    git.sync(REPO, double.state.repo(REPO).git);
    const payload = example('installation', 'created');
    payload.installation = { ...payload.installation, id: 1, account: { ...payload.installation.account, login: 'acme' } };
    // The webhook may be answered (202) before a slow scan ends: wait for the issue.
    expect([200, 202]).toContain((await app.deliver('installation', payload)).status);
    await waitFor(() => secretIssues().length > 0 && app.logs.some((l) => l.includes('full scan completed')), 60_000);
    expect(secretIssues().map((i) => i.title)).toEqual(['Embedded secret (github-classic-pat) in src/config.js']);
    expect(git.requests.some((r) => r.path.endsWith('/git-upload-pack'))).toBe(true);
    expect(readdirSync(cloneDir)).toEqual([]);
    assertNoLeak();
  });
});

describe.skipIf(!REDIS_AVAILABLE)('App with REDIS_URL: a queued push job checks each pushed commit', () => {
  it('a push whose first commit adds a token and whose second removes it opens the secret issue through the queue', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const queued = await startApp(double, { redisUrl: redis.url, gitBaseUrl: git.url, cloneDir });
    try {
      const before = double.state.repo(REPO).git.refs.get('refs/heads/main')!;
      const added = double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET }, author: 'jdoe' });
      const after = double.state.push(REPO, { files: { 'src/config.js': CLEAN_CONFIG }, author: 'jdoe' });
      git.sync(REPO, double.state.repo(REPO).git);
      const push = retarget(example('push'), double, REPO);
      Object.assign(push, { ref: 'refs/heads/main', before, after, deleted: false, forced: false, commits: [push.head_commit, push.head_commit] });
      await queued.deliver('push', push);
      await queued.queue!.idle();
      const issues = secretIssues();
      expect(issues.map((i) => i.title)).toEqual(['Embedded secret (github-classic-pat) in src/config.js']);
      expect(issues[0].body).toContain(`added in commit ${added.slice(0, 7)}`);
      expect(readdirSync(cloneDir)).toEqual([]);
      assertNoLeak();
    } finally {
      await queued.close();
      await redis.stop();
    }
  });
});

