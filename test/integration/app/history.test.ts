/**
 * The App reads a PR's commits over git's smart HTTP protocol (a real `git http-backend` on
 * loopback, serving the GitHub double's objects), with the installation token, into a temporary
 * clone it removes afterwards. A token added in the first commit and removed in the second fails
 * the check, naming the commit; a clean PR makes the same API calls as before.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';
import { BASE_FILES, CONFIG_WITH_SECRET, RAW_SECRETS, REPO } from './fixtures.js';

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
    expect(manyOps.filter((op) => op !== 'apps/create-installation-access-token')).toEqual(singleOps.filter((op) => op !== 'apps/create-installation-access-token'));
    double.assertNoViolations();
  });

  it('a git server that refuses the token leaves the net-diff verdict and says the commits could not be read', async () => {
    await git.close();
    git = await startGitHttpServer(() => false);
    await app.close();
    app = await startApp(double, { gitBaseUrl: git.url, cloneDir });
    const { payload, commits } = openPull('feature/refused', [{ 'src/config.js': CONFIG_WITH_SECRET }, { 'src/config.js': CLEAN_CONFIG }]);
    await app.deliver('pull_request', payload);
    const run = checkRunFor(commits[1]);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.output.summary).toContain("The pull request's commits could not be read from git");
    expect(git.requests.every((r) => r.status === 401)).toBe(true);
    expect(readdirSync(cloneDir)).toEqual([]);
    assertNoLeak();
  });
});
