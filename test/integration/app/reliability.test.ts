/**
 * README claims "never duplicated" and "always concluded", against the real App over HTTP: faults
 * AFTER the state change (GitHub applies the write, the answer is late or lost), redeliveries and
 * concurrent deliveries, and a page of a paginated list that hangs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;
const saved = { timeout: process.env.NHI_STEWARD_HTTP_TIMEOUT_MS, base: process.env.NHI_STEWARD_RETRY_BASE_MS };

beforeEach(async () => {
  // Short timeouts and retry waits so that the faults below play out in seconds.
  process.env.NHI_STEWARD_HTTP_TIMEOUT_MS = '1500';
  process.env.NHI_STEWARD_RETRY_BASE_MS = '20';
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write', alice: 'admin' } }],
      orgs: { acme: { members: ['jdoe', 'alice', 'octocat'], teams: { payments: ['alice'] } } },
    },
  });
  app = await startApp(double);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
  for (const [key, value] of [['NHI_STEWARD_HTTP_TIMEOUT_MS', saved.timeout], ['NHI_STEWARD_RETRY_BASE_MS', saved.base]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

function pullPayload(branch: string, files: Record<string, string | null>): any {
  const head = double.state.push(REPO, { branch, files, author: 'jdoe' });
  const issue = double.state.openPull(REPO, { head: branch, title: `Change ${branch}`, user: 'jdoe' });
  const payload = retarget(example('pull_request', 'opened'), double, REPO);
  payload.number = issue.number;
  payload.pull_request = {
    ...payload.pull_request,
    number: issue.number,
    user: { ...payload.pull_request.user, login: 'jdoe' },
    head: { ...payload.pull_request.head, sha: head, ref: branch, repo: payload.repository },
    base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, ref: double.state.repo(REPO).defaultBranch, repo: payload.repository },
  };
  return payload;
}

const checkRuns = () => [...double.state.repo(REPO).checkRuns.values()];
const issues = () => [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull);

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function duplicates(titles: string[]): string[] {
  return titles.filter((t, i) => titles.indexOf(t) !== i);
}

describe('never duplicated, always concluded (App over HTTP)', () => {
  it('a redelivered and two concurrent deliveries of one PR event leave one check run for the head', { timeout: 60_000 }, async () => {
    const payload = pullPayload('feature/dup', { 'src/config.js': CONFIG_WITH_SECRET });
    await app.deliver('pull_request', payload, 'delivery-1');
    await app.deliver('pull_request', payload, 'delivery-1');
    await Promise.all([app.deliver('pull_request', payload, 'delivery-2'), app.deliver('pull_request', payload, 'delivery-3')]);
    await waitFor(() => checkRuns().length > 0 && checkRuns().every((r) => r.status === 'completed'));
    expect(checkRuns().map((r) => [r.name, r.status, r.conclusion])).toEqual([['NHI hygiene', 'completed', 'failure']]);
    expect(checkRuns()[0].external_id).toBe(`nhi-steward:${payload.pull_request.head.sha}`);
    // Annotations are sent once: GitHub appends them on every update of a reused run.
    const lines = checkRuns()[0].annotations.map((a) => `${a.path}:${a.start_line}:${a.title}`);
    expect(duplicates(lines)).toEqual([]);
    double.assertNoViolations();
  });

  it('an issue create that GitHub applies but whose answer is lost opens no duplicate', { timeout: 60_000 }, async () => {
    double.inject({ method: 'POST', path: '/repos/{owner}/{repo}/issues', after: true, drop: true, times: 1 });
    double.inject({ method: 'POST', path: '/repos/{owner}/{repo}/issues', after: true, status: 502, times: 1 });
    await app.scheduler.tick();
    const titles = issues().map((i) => i.title);
    expect(titles.length).toBeGreaterThan(1);
    expect(duplicates(titles)).toEqual([]);
    // The two faulted creates were applied by GitHub and adopted, not repeated.
    expect(double.calls('issues/create').length).toBe(titles.length);
    await app.scheduler.tick();
    expect(duplicates(issues().map((i) => i.title))).toEqual([]);
    double.assertNoViolations();
  });

  it('an issue whose label a person removed is still found by its marker: no duplicate', { timeout: 60_000 }, async () => {
    await app.scheduler.tick();
    const before = issues().length;
    for (const issue of issues()) issue.labels = [];
    await app.scheduler.tick();
    expect(issues()).toHaveLength(before);
    double.assertNoViolations();
  });

  it('a check run create whose answer comes after the timeout leaves one run, concluded', { timeout: 60_000 }, async () => {
    double.inject({ method: 'POST', path: '/repos/{owner}/{repo}/check-runs', after: true, delayMs: 4_000, times: 1 });
    const payload = pullPayload('feature/slow-create', { 'src/config.js': CONFIG_WITH_SECRET });
    await app.deliver('pull_request', payload);
    await waitFor(() => checkRuns().length > 0 && checkRuns().every((r) => r.status === 'completed'));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(checkRuns().map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']]);
    double.assertNoViolations();
  });

  it('a check run create that GitHub applies but answers with a 502 is not repeated', { timeout: 60_000 }, async () => {
    double.inject({ method: 'POST', path: '/repos/{owner}/{repo}/check-runs', after: true, status: 502, times: 1 });
    const payload = pullPayload('feature/502-create', { 'src/config.js': CONFIG_WITH_SECRET });
    await app.deliver('pull_request', payload);
    await waitFor(() => checkRuns().length > 0 && checkRuns().every((r) => r.status === 'completed'));
    expect(checkRuns().map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']]);
    expect(double.calls('checks/create')).toHaveLength(1);
    double.assertNoViolations();
  });

  it('a page of the PR file list that hangs times out and is retried; the check concludes', { timeout: 60_000 }, async () => {
    const files: Record<string, string> = { 'src/config.js': CONFIG_WITH_SECRET };
    for (let i = 0; i < 120; i++) files[`docs/page-${i}.md`] = `# page ${i}\n`;
    const fault = double.inject({ method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}/files', skip: 1, delayMs: 10_000, times: 1 });
    const payload = pullPayload('feature/hung-page', files);
    await app.deliver('pull_request', payload);
    await waitFor(() => checkRuns().length > 0 && checkRuns().every((r) => r.status === 'completed'));
    expect(fault.hits).toBe(1);
    // Page 1, page 2 (hung, timed out), page 2 again.
    expect(double.calls('pulls/list-files').map((r) => r.query.page ?? '1')).toEqual(['1', '2', '2']);
    expect(checkRuns().map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']]);
    double.assertNoViolations();
  });
});
