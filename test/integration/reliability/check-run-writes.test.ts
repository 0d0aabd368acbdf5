/**
 * How many writes a check run costs (src/github/check-run.ts, IN_PROGRESS_AFTER_MS). Octokit's
 * throttling plugin keeps an installation's writes 1 s apart, so a quick check is written once,
 * its run created already completed; a slow one is shown in progress while it runs. Every case
 * still ends with one concluded run for the head. Against the GitHub API double, with the App's
 * Octokit configuration (write pacing off for speed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_NAME, externalIdFor, withCheckRun, type CheckOutcome } from '../../../src/github/check-run.js';
import { checksClient } from '../../support/checks-client.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';

const REPO = 'acme/payments';
const repoRef = { owner: 'acme', repo: 'payments' };
const PASSED: CheckOutcome = { conclusion: 'success', title: 'No findings', summary: 'All clear.', annotations: [] };
let double: GitHubDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function start(): Promise<{ d: GitHubDouble; head: string }> {
  double = await startGitHubDouble({ seed: { repos: [{ repo: REPO, files: { 'README.md': '# payments\n' } }] } });
  return { d: double, head: double.state.repo(REPO).git.refs.get('refs/heads/main')! };
}

const runsOf = (d: GitHubDouble, head: string) => [...d.state.repo(REPO).checkRuns.values()].filter((r) => r.head_sha === head);
const statusOf = (body: unknown) => (body as { status?: string }).status;

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('check-run writes', () => {
  it('a quick check makes one write (default delay): its run created completed, with the outcome', async () => {
    const { d, head } = await start();
    const outcome = await withCheckRun(checksClient(d), repoRef, head, async () => PASSED);
    expect(outcome).toBe(PASSED);
    const creates = d.calls('checks/create');
    expect(creates.map((r) => statusOf(r.body))).toEqual(['completed']);
    expect(d.calls('checks/update')).toEqual([]);
    const runs = runsOf(d, head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: CHECK_NAME, status: 'completed', conclusion: 'success', external_id: externalIdFor(head) });
    expect(runs[0].output).toMatchObject({ title: 'No findings', summary: 'All clear.' });
    expect(runs[0].started_at).toBeTruthy();
    d.assertNoViolations();
  });

  it('a check that outlasts the delay is shown in progress meanwhile, then completed', async () => {
    const { d, head } = await start();
    let seenInProgress = false;
    await withCheckRun(checksClient(d), repoRef, head, async () => {
      // The work goes on until the run shows it is in progress.
      await until(() => runsOf(d, head)[0]?.status === 'in_progress', 'the run is in progress');
      seenInProgress = true;
      return { ...PASSED, conclusion: 'failure', title: '1 secret' };
    }, { inProgressAfterMs: 50 });
    expect(seenInProgress).toBe(true);
    expect(d.calls('checks/create').map((r) => statusOf(r.body))).toEqual(['in_progress']);
    expect(d.calls('checks/update').map((r) => statusOf(r.body))).toEqual(['completed']);
    expect(runsOf(d, head)).toHaveLength(1);
    expect(runsOf(d, head)[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    d.assertNoViolations();
  });

  it('the work does not wait for the run lookup; a lookup that fails writes no run and fails the check', async () => {
    const { d, head } = await start();
    d.inject({ method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/check-runs', delayMs: 300, times: 1 });
    let lookupAnsweredWhenWorkStarted: boolean | undefined;
    await withCheckRun(checksClient(d), repoRef, head, async () => {
      await until(() => d.calls('checks/list-for-ref').length === 1, 'the lookup was asked');
      lookupAnsweredWhenWorkStarted = d.calls('checks/list-for-ref')[0].status !== undefined;
      return PASSED;
    });
    expect(lookupAnsweredWhenWorkStarted).toBe(false);
    expect(runsOf(d, head)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });

    // A lookup that keeps failing (plugin-retry gives up after its retries).
    const other = d.state.push(REPO, { branch: 'feature/other', files: { 'a.txt': 'a\n' } });
    d.inject({ method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/check-runs', status: 500, times: Infinity });
    await expect(withCheckRun(checksClient(d), repoRef, other, async () => PASSED)).rejects.toMatchObject({ status: 500 });
    expect(runsOf(d, other)).toEqual([]);
  });

  it('a delay of 0 opens the run in progress before the work starts', async () => {
    const { d, head } = await start();
    let statusDuringWork: string | undefined;
    await withCheckRun(checksClient(d), repoRef, head, async () => {
      statusDuringWork = runsOf(d, head)[0]?.status;
      return PASSED;
    }, { inProgressAfterMs: 0 });
    expect(statusDuringWork).toBe('in_progress');
    expect(runsOf(d, head)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('a quick re-check of a head reuses its run with one update, and adds no annotation twice', async () => {
    const { d, head } = await start();
    const annotation = { path: 'README.md', start_line: 1, end_line: 1, annotation_level: 'failure' as const, title: 'secret/x', message: 'm' };
    const found: CheckOutcome = { conclusion: 'failure', title: '1 secret', summary: 'found', annotations: [annotation] };
    await withCheckRun(checksClient(d), repoRef, head, async () => found);
    await withCheckRun(checksClient(d), repoRef, head, async () => found);
    expect(d.calls('checks/create')).toHaveLength(1);
    expect(d.calls('checks/update').map((r) => statusOf(r.body))).toEqual(['completed']);
    const runs = runsOf(d, head);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0].annotations).toHaveLength(1);
  });

  it('work that throws at once still concludes its run, in one write, as a failure', async () => {
    const { d, head } = await start();
    await expect(withCheckRun(checksClient(d), repoRef, head, async () => {
      throw new Error('the tree could not be read');
    })).rejects.toThrow('the tree could not be read');
    expect(d.calls('checks/create').map((r) => statusOf(r.body))).toEqual(['completed']);
    expect(runsOf(d, head)).toHaveLength(1);
    expect(runsOf(d, head)[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runsOf(d, head)[0].output.summary).toContain('the tree could not be read');
  });

  it('when opening the run in progress fails, the check still ends with one run, completed with its outcome', async () => {
    const { d, head } = await start();
    // Every try of the in-progress create gets a 500 (creates are never blindly retried: each
    // try re-reads the head's runs first, and finds none).
    const fault = d.inject({ method: 'POST', path: '/repos/{owner}/{repo}/check-runs', status: 500, times: 3 });
    await withCheckRun(checksClient(d), repoRef, head, async () => {
      await until(() => fault.hits === 3, 'the in-progress create failed three times');
      return PASSED;
    }, { inProgressAfterMs: 20 });
    const creates = d.calls('checks/create');
    expect(creates.map((r) => statusOf(r.body))).toEqual(['in_progress', 'in_progress', 'in_progress', 'completed']);
    expect(runsOf(d, head)).toHaveLength(1);
    expect(runsOf(d, head)[0]).toMatchObject({ status: 'completed', conclusion: 'success', output: expect.objectContaining({ title: 'No findings' }) });
  });

  it('an outcome with more than 50 annotations opens the run, adds them in batches, and completes it with the last', async () => {
    const { d, head } = await start();
    const annotations = Array.from({ length: 120 }, (_, i) => ({ path: 'README.md', start_line: i + 1, end_line: i + 1, annotation_level: 'warning' as const, title: 't', message: `m${i}` }));
    await withCheckRun(checksClient(d), repoRef, head, async () => ({ ...PASSED, conclusion: 'failure', annotations }));
    expect(d.calls('checks/create').map((r) => statusOf(r.body))).toEqual(['in_progress']);
    expect(d.calls('checks/update').map((r) => statusOf(r.body) ?? 'batch')).toEqual(['batch', 'batch', 'completed']);
    const [run] = runsOf(d, head);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotationBatches).toEqual([50, 50, 20]);
  });
});
