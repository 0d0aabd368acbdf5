/**
 * With REDIS_URL, scheduled full scans are BullMQ jobs shared by every replica. A real
 * redis-server, two real Probot servers and one GitHub double: a schedule round started on both
 * replicas scans each repository once, and the issues exist once; each repository's own
 * `schedule` holds across replicas and rounds.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScanQueue, type ScanRequest } from '../../../src/app/queue.js';
import type { ScheduleGate } from '../../../src/app/schedule-clock.js';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { REDIS_AVAILABLE, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../../support/redis-server.js';
import { BASE_FILES, CONFIG_WITH_SECRET, REPO } from './fixtures.js';

if (!REDIS_AVAILABLE) console.warn(REDIS_SKIP_REASON);

const LEDGER = 'acme/ledger';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 2025-01-06 09:50 UTC: ten minutes before an hourly round's bucket ends. */
const T0 = Date.UTC(2025, 0, 6, 9, 50);
let redis: RedisServer;

beforeAll(async () => {
  if (REDIS_AVAILABLE) redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

beforeEach(async () => {
  if (REDIS_AVAILABLE) await redis.command('FLUSHALL');
});

// CI sets REQUIRE_REDIS=1 (.ci/run): there the BullMQ tests must run, so a missing or broken
// redis-server fails the suite instead of skipping it.
describe.runIf(process.env.REQUIRE_REDIS === '1')('REQUIRE_REDIS=1', () => {
  it('redis-server is installed and starts', async () => {
    expect(REDIS_AVAILABLE, REDIS_SKIP_REASON).toBe(true);
    const redis = await startRedis();
    expect(await redis.command('PING')).toBe('+PONG\r\n');
    await redis.stop();
  });
});

describe.skipIf(!REDIS_AVAILABLE)('scheduled scans through the BullMQ queue (REDIS_URL)', () => {
  let double: GitHubDouble;
  let replicas: RunningApp[] = [];

  beforeEach(async () => {
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [
          { repo: REPO, files: BASE_FILES, installationId: 1 },
          { repo: LEDGER, files: { 'README.md': '# ledger\n', 'src/config.js': CONFIG_WITH_SECRET }, installationId: 1 },
        ],
        orgs: { acme: { members: ['jdoe', 'alice'], teams: { payments: ['alice'] } } },
      },
    });
    // A fixed time: the hourly bucket must not roll over in the middle of the test.
    replicas = await Promise.all([0, 1].map(() => startApp(double, { redisUrl: redis.url, concurrency: 2, jitterMs: 0, now: () => T0 })));
  });

  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await double?.close();
  });

  function managedIssues(fullName: string) {
    return [...double.state.repo(fullName).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
  }

  it('a schedule round on two replicas scans each repository once and opens each issue once; the next round only scans what changed', { timeout: 60_000 }, async () => {
    const [a, b] = replicas.map((r) => r.queue!);
    const [roundA, roundB] = await Promise.all([a.tick(), b.tick()]);
    expect(roundA.jobIds).toEqual(roundB.jobIds);
    expect(roundA.jobIds.map((id) => id.replace(/:[0-9a-f]{40}@\d+$/, ''))).toEqual([`scan:${REPO}`, `scan:${LEDGER}`]);
    await a.idle();
    await b.idle();

    const completed = await a.queue.getJobs(['completed']);
    expect(completed.map((j) => j.id).sort()).toEqual([...roundA.jobIds].sort());
    expect(await a.queue.getJobs(['failed'])).toEqual([]);
    // One tarball per repository: two replicas did not scan the same commit twice.
    expect(double.calls('repos/download-tarball-archive')).toHaveLength(2);

    const payments = managedIssues(REPO).map((i) => i.title).sort();
    expect(payments).toEqual(['Credential without a rotation policy: terraform:aws_iam_access_key/infra/ci_bot', 'NHI inventory']);
    const ledger = managedIssues(LEDGER).map((i) => i.title);
    expect(ledger.filter((t) => t.startsWith('Embedded secret'))).toHaveLength(1);
    expect(ledger).toEqual([...new Set(ledger)]);

    // Another round in the same interval on the same commits adds nothing.
    await b.tick();
    await b.idle();
    expect(double.calls('repos/download-tarball-archive')).toHaveLength(2);

    // A new commit is a new job id: scanned once more, by one replica.
    double.state.push(LEDGER, { files: { 'src/config.js': 'export const config = { region: process.env.REGION };\n' } });
    await Promise.all([a.tick(), b.tick()]);
    await a.idle();
    await b.idle();
    const tarballs = double.calls('repos/download-tarball-archive').map((r) => r.path);
    expect(tarballs).toHaveLength(3);
    expect(tarballs[2]).toContain('/acme/ledger/');
    // The secret is gone from the new commit: its issue closes.
    const secretIssue = managedIssues(LEDGER).find((i) => i.title.startsWith('Embedded secret'));
    expect(secretIssue).toMatchObject({ state: 'closed', state_reason: 'completed' });

    // A push goes through the queue too: the same delivery reaching both replicas, and redelivered,
    // is one scan; the secret it brings back reopens its issue, once.
    const sha = double.state.push(LEDGER, { files: { 'src/config.js': CONFIG_WITH_SECRET } });
    const push = retarget(example('push'), double, LEDGER);
    Object.assign(push, { ref: 'refs/heads/main', after: sha, deleted: false, forced: false });
    const [first, second] = replicas;
    const answers = await Promise.all([first.deliver('push', push, 'push-1'), second.deliver('push', push, 'push-1'), first.deliver('push', push, 'push-2')]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await a.idle();
    await b.idle();
    expect(double.calls('repos/download-tarball-archive')).toHaveLength(4);
    expect((await a.queue.getJobs(['completed'])).map((j) => j.id)).toContain(`scan:${LEDGER}:${sha}@push`);
    const secretIssues = managedIssues(LEDGER).filter((i) => i.title.startsWith('Embedded secret'));
    expect(secretIssues.map((i) => [i.number, i.state])).toEqual([[secretIssue!.number, 'open']]);
    double.assertNoViolations();
  });
});

describe.skipIf(!REDIS_AVAILABLE)("each repository's own schedule, shared by the replicas (REDIS_URL)", () => {
  let double: GitHubDouble;
  let replicas: RunningApp[] = [];
  let now = T0;

  beforeEach(async () => {
    now = T0;
    double = await startGitHubDouble({
      seed: {
        installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
        repos: [
          // The default schedule, 24 h.
          { repo: REPO, files: BASE_FILES, installationId: 1 },
          { repo: LEDGER, files: { 'README.md': '# ledger\n', '.github/nhi-steward.yml': 'schedule: 1h\n', 'src/config.js': CONFIG_WITH_SECRET }, installationId: 1 },
        ],
        orgs: { acme: { members: ['jdoe', 'alice'], teams: { payments: ['alice'] } } },
      },
    });
    replicas = await Promise.all([0, 1].map(() => startApp(double, { redisUrl: redis.url, concurrency: 2, jitterMs: 0, respectSchedule: true, now: () => now })));
  });

  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await double?.close();
  });

  const tarballRepos = () => double.calls('repos/download-tarball-archive').map((r) => r.path.split('/').slice(2, 4).join('/'));

  async function round(...queues: ScanQueue[]): Promise<string[]> {
    const reports = await Promise.all(queues.map((q) => q.tick()));
    for (const q of queues) await q.idle();
    return reports.flatMap((r) => r.jobIds);
  }

  it('a repository scanned in one round is not rescanned by either replica within its schedule, and is once it elapses; a push scan counts', { timeout: 60_000 }, async () => {
    const [a, b] = replicas.map((r) => r.queue!);
    await round(a, b);
    expect(tarballRepos().sort()).toEqual([REPO, LEDGER].sort());
    expect(await redis.command('GET', `nhi-steward:last-full-scan:${LEDGER}`)).toContain(String(T0));

    // 20 minutes on: a new hourly bucket, so new jobs, on the other replica, but nothing is due.
    now = T0 + 20 * MINUTE;
    const second = await round(b);
    expect(second).toHaveLength(2);
    expect(second.every((id) => id.endsWith(`@${Math.floor(now / HOUR)}`))).toBe(true);
    expect((await a.queue.getJobs(['completed'])).map((j) => j.id)).toEqual(expect.arrayContaining(second));
    expect(tarballRepos()).toHaveLength(2);
    const skipped = replicas.flatMap((r) => r.logs).filter((l) => l.includes('not due for a scheduled scan'));
    expect(skipped).toHaveLength(2);

    // The next bucket, over an hour after the first round: the ledger (`schedule: 1h`) is due,
    // payments (24 h) is not. (Within the 10:00 bucket its job id was taken by the skipped job.)
    now = T0 + 75 * MINUTE;
    await round(a, b);
    expect(tarballRepos()).toEqual(expect.arrayContaining([REPO, LEDGER]));
    expect(tarballRepos().slice(2)).toEqual([LEDGER]);

    // A push scans at once, whatever the schedule, and resets the repository's clock.
    const sha = double.state.push(REPO, { files: { 'README.md': '# payments, v2\n' } });
    const push = retarget(example('push'), double, REPO);
    Object.assign(push, { ref: 'refs/heads/main', after: sha, deleted: false, forced: false });
    expect((await replicas[1].deliver('push', push)).status).toBe(200);
    await a.idle();
    await b.idle();
    expect(tarballRepos().slice(3)).toEqual([REPO]);

    // A day after the first round but less than one after the push: only the ledger is due.
    now = T0 + 24 * HOUR + 5 * MINUTE;
    await round(a, b);
    expect(tarballRepos().slice(4)).toEqual([LEDGER]);
    // 11:00 the next day: the ledger is due again (its clock moved with each scan); payments, pushed
    // at 11:05 the day before, still is not.
    now = T0 + 24 * HOUR + 70 * MINUTE;
    await round(a);
    expect(tarballRepos().slice(4)).toEqual([LEDGER, LEDGER]);
    expect(await a.queue.getJobs(['failed'])).toEqual([]);
    double.assertNoViolations();
  });
});

describe.skipIf(!REDIS_AVAILABLE)('ScanQueue against a real Redis', () => {
  const queues: ScanQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  function request(fullName: string, sha: string): ScanRequest {
    const [owner, name] = fullName.split('/');
    return { installationId: 1, repository: { name, full_name: fullName, owner: { login: owner }, html_url: `https://github.com/${fullName}`, default_branch: 'main' }, sha };
  }

  async function connect(options: Partial<Parameters<typeof ScanQueue.connect>[0]>): Promise<ScanQueue> {
    const queue = await ScanQueue.connect({
      redisUrl: redis.url,
      intervalMs: 3_600_000,
      jitterMs: 0,
      concurrency: 2,
      backoffMs: 20,
      lockRetryMs: 100,
      listRequests: async () => [],
      runScan: async () => undefined,
      onError: () => undefined,
      ...options,
    });
    queues.push(queue);
    return queue;
  }

  it('retries a failed scan with backoff, and gives up after `attempts`', async () => {
    const runs = new Map<string, number>();
    const errors: string[] = [];
    const queue = await connect({
      attempts: 3,
      listRequests: async () => [request('acme/flaky', 'a'.repeat(40)), request('acme/broken', 'b'.repeat(40))],
      runScan: async (r) => {
        const n = (runs.get(r.repository.full_name) ?? 0) + 1;
        runs.set(r.repository.full_name, n);
        if (r.repository.full_name === 'acme/broken' || n === 1) throw new Error(`scan ${n} of ${r.repository.full_name} failed`);
      },
      onError: (key) => errors.push(key),
    });
    await queue.tick();
    await queue.idle(10_000, 20);
    expect(Object.fromEntries(runs)).toEqual({ 'acme/flaky': 2, 'acme/broken': 3 });
    const [failed] = await queue.queue.getJobs(['failed']);
    expect(failed.data.repository.full_name).toBe('acme/broken');
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toBe('scan 3 of acme/broken failed');
    expect((await queue.queue.getJobs(['completed'])).map((j) => j.data.repository.full_name)).toEqual(['acme/flaky']);
    expect(errors.filter((k) => k === 'acme/broken')).toHaveLength(3);
  });

  it('never runs two scans of one repository at once, across replicas', async () => {
    let running = 0;
    let most = 0;
    const runScan = async (): Promise<void> => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 150));
      running--;
    };
    const shas = ['1', '2', '3'].map((c) => c.repeat(40));
    const a = await connect({ runScan, listRequests: async () => shas.map((sha) => request('acme/busy', sha)) });
    const b = await connect({ runScan });
    await a.tick();
    await a.idle(10_000, 50);
    expect(most).toBe(1);
    expect(await a.queue.getJobs(['completed'])).toHaveLength(3);
    expect(await b.queue.getJobs(['failed'])).toEqual([]);
  });

  it('registers one repeating schedule however many replicas start, and buckets ids by interval', async () => {
    let now = 7_200_000;
    const requests = async () => [request('acme/api', 'c'.repeat(40))];
    const a = await connect({ listRequests: requests, now: () => now });
    const b = await connect({ listRequests: requests, now: () => now });
    await a.start();
    await b.start();
    const schedulers = await a.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([['nhi-steward-schedule', 3_600_000]]);
    expect((await a.tick()).jobIds).toEqual([`scan:acme/api:${'c'.repeat(40)}@2`]);
    now += 3_600_000;
    expect((await b.tick()).jobIds).toEqual([`scan:acme/api:${'c'.repeat(40)}@3`]);
    await a.unschedule();
  });

  it('gives scheduled jobs a due-only gate and push jobs an open one, and records only scans that ran', async () => {
    const now = T0;
    const seen: [string, boolean][] = [];
    const runScan = async (r: ScanRequest, gate: ScheduleGate): Promise<void> => {
      seen.push([r.sha, gate.dueOnly]);
      const key = r.repository.full_name;
      // What scanRepository does: skip when not due, else scan and record.
      if (gate.dueOnly && !gate.clock.isDue(key, HOUR)) return;
      gate.clock.record(key);
    };
    const queue = await connect({ now: () => now, runScan, listRequests: async () => [request('Acme/Api', 'd'.repeat(40))] });
    await queue.tick();
    await queue.idle(10_000, 20);
    expect(await queue.clock.lastScan('acme/api')).toBe(T0);
    expect(await redis.command('GET', 'nhi-steward:last-full-scan:acme/api')).toContain(String(T0));
    expect(await queue.clock.isDue('ACME/api', HOUR)).toBe(false);
    await queue.enqueuePush(request('acme/api', 'e'.repeat(40)));
    await queue.idle(10_000, 20);
    expect(seen).toEqual([['d'.repeat(40), true], ['e'.repeat(40), false]]);

    // A gate whose scan skipped writes nothing.
    const gate = await queue.clock.gate('acme/other', true);
    await gate.flush();
    expect(await queue.clock.lastScan('acme/other')).toBeUndefined();
    // Without respectSchedule, scheduled jobs are not gated either.
    const open = await connect({ name: 'open-queue', respectSchedule: false, runScan, listRequests: async () => [request('acme/api', 'f'.repeat(40))] });
    await open.tick();
    await open.idle(10_000, 20);
    expect(seen.at(-1)).toEqual(['f'.repeat(40), false]);
  });
});
