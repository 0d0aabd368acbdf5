/**
 * Two App replicas — two Probot servers in two processes, one GitHub double, one Redis — receive
 * the first events for one head SHA at the same moment. They must end with one check run for the
 * head (found by its `external_id`, named "NHI hygiene"), completed. Within a process the check is
 * serialised per head; across replicas a Redis lock does it (REDIS_URL, the documented setup for
 * several replicas: README, "Several replicas"). The creates are held back by the double so both
 * replicas are sure to look before either run exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverSigned, example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { REDIS_AVAILABLE, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../../support/redis-server.js';
import { BASE_FILES, CONFIG_WITH_SECRET, REPO } from '../app/fixtures.js';

if (!REDIS_AVAILABLE) console.warn(REDIS_SKIP_REASON);

let redis: RedisServer;
let double: GitHubDouble;
let first: RunningApp;
let second: { url: string; child: ChildProcess };

/** The other replica, in its own process: it shares no memory (no in-process lock) with this one. */
function startReplicaProcess(doubleUrl: string, redisUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/replica.ts', doubleUrl, redisUrl], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the replica did not start within 60 s')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = /^READY (\S+)$/.exec(line);
      if (ready) {
        clearTimeout(timer);
        resolve({ url: ready[1], child });
      }
    });
    child.once('exit', (code) => reject(new Error(`the replica exited with ${code}`)));
  });
}

beforeAll(async () => {
  if (REDIS_AVAILABLE) redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

describe.skipIf(!REDIS_AVAILABLE)('two App replicas, one head SHA', () => {
  beforeEach(async () => {
    await redis.command('FLUSHALL');
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write' } }],
        orgs: { acme: { members: ['jdoe'], teams: {} } },
      },
    });
    [first, second] = await Promise.all([startApp(double, { redisUrl: redis.url, concurrency: 2, jitterMs: 0 }), startReplicaProcess(double.url, redis.url)]);
  }, 90_000);

  afterEach(async () => {
    second?.child.stdin?.end();
    await new Promise((resolve) => (second?.child.exitCode !== null ? resolve(undefined) : second.child.once('exit', resolve)));
    await first?.close();
    await double?.close();
  });

  /** A PR whose head adds a secret; `event(action)` is its pull_request payload. */
  function openPull() {
    const head = double.state.push(REPO, { branch: 'feature/config', files: { 'src/config.js': CONFIG_WITH_SECRET }, author: 'jdoe' });
    const issue = double.state.openPull(REPO, { head: 'feature/config', title: 'Config', user: 'jdoe' });
    const event = (action: string) => {
      const p = retarget(example('pull_request', 'opened'), double, REPO);
      p.action = action;
      p.number = issue.number;
      p.pull_request = {
        ...p.pull_request,
        number: issue.number,
        user: { ...p.pull_request.user, login: 'jdoe' },
        head: { ...p.pull_request.head, sha: head, ref: 'feature/config', repo: p.repository },
        base: { ...p.pull_request.base, sha: issue.pull!.baseSha, ref: 'main', repo: p.repository },
      };
      return p;
    };
    return { head, number: issue.number, baseSha: issue.pull!.baseSha, event };
  }

  /** One check run for the head, completed as a failure with the secret, made once and concluded by each replica. */
  function expectOneConcludedRun(head: string): void {
    const runs = [...double.state.repo(REPO).checkRuns.values()].filter((r) => r.head_sha === head && r.name === 'NHI hygiene');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure', external_id: `nhi-steward:${head}` });
    expect(runs[0].annotations.map((a) => a.title)).toContain('secret/github-classic-pat');
    // Both replicas did check the head: one created the run, the other waited and reused it, and
    // each concluded it (a quick check creates its run completed, or completes the run it reuses).
    const creates = double.calls('checks/create');
    expect(creates).toHaveLength(1);
    const completions = [...creates, ...double.calls('checks/update')].filter((r) => (r.body as { status?: string })?.status === 'completed');
    expect(completions).toHaveLength(2);
    double.assertNoViolations();
  }

  // Both creates are held for a moment: without a shared lock, each replica has looked up the
  // head's runs (none yet) before either run exists, and each opens one.
  const holdCreates = () => double.inject({ method: 'POST', path: '/repos/{owner}/{repo}/check-runs', delayMs: 1_500, times: 2 });

  it('opened on one replica and synchronize on the other at once: one check run, concluded', { timeout: 120_000 }, async () => {
    const pr = openPull();
    holdCreates();
    const answers = await Promise.all([
      first.deliver('pull_request', pr.event('opened'), 'delivery-a'),
      deliverSigned(`${second.url}/api/github/webhooks`, 'pull_request', pr.event('synchronize'), 'delivery-b'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expectOneConcludedRun(pr.head);
  });

  it('pull_request on one replica and check_suite (re-run) on the other at once: one check run, concluded', { timeout: 120_000 }, async () => {
    const pr = openPull();
    const suite = retarget(example('check_suite', 'rerequested'), double, REPO);
    suite.check_suite = { ...suite.check_suite, head_sha: pr.head, pull_requests: [{ number: pr.number, head: { sha: pr.head }, base: { sha: pr.baseSha } }] };
    holdCreates();
    const answers = await Promise.all([
      deliverSigned(`${second.url}/api/github/webhooks`, 'check_suite', suite, 'delivery-c'),
      first.deliver('pull_request', pr.event('opened'), 'delivery-d'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expectOneConcludedRun(pr.head);
  });
});
