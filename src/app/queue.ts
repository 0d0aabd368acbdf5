/**
 * Full scans as BullMQ jobs (REDIS_URL set), so several replicas of the App share the work
 * (docs/architecture.md, "The GitHub App", scheduled and push scans). Without REDIS_URL the in-process Scheduler does the same
 * job; this module is only loaded — and BullMQ with it — when a Redis URL is configured.
 *
 * - A job scheduler (BullMQ's repeatable job, upserted under one fixed id, so every replica
 *   registering it still yields one) fires a `schedule` job every interval. Whichever replica
 *   takes it lists the repositories and enqueues one `scan` job per repository.
 * - A scan job's id is `scan:<owner>/<repo>:<sha>@<bucket>` (bucket = the interval number), and
 *   finished jobs are kept for one interval: two replicas ticking in the same interval on the same
 *   commit add the same id, which BullMQ keeps once. The next interval is a new bucket, so an
 *   unchanged repository gets a job again (owners may have left, issues may have drifted).
 * - Each repository's own `schedule` decides whether a scheduled job scans: the last full scan of
 *   every repository, by any replica, is kept in Redis (RedisScheduleClock), and a scheduled job
 *   skips (after loading the repository's settings) while its schedule has not elapsed. So the
 *   round may come hourly while most repositories are scanned daily. Push jobs always scan.
 * - One Worker per replica, with bounded concurrency; a failed scan is retried with exponential
 *   backoff (BullMQ `attempts` + `backoff`) after the GitHub client's own retries gave up.
 * - A scan needs the repository to itself across replicas (the issue sync reads, then writes): a
 *   short Redis lock per repository makes a second scan of the same repository wait its turn.
 */
import { randomUUID } from 'node:crypto';
import type { Job, JobsOptions, Queue, Worker } from 'bullmq';
import { RedisScheduleClock, type ScheduleGate } from './schedule-clock.js';

/** What a scan job carries: plain data, so any replica can run it. */
export interface ScanRequest {
  installationId: number;
  repository: {
    name: string;
    full_name: string;
    owner: { login: string; type?: string };
    html_url: string;
    default_branch?: string;
  };
  sha: string;
  /** Push jobs: the commit before the push and how many were pushed, so each pushed commit is checked (docs/history.md). */
  before?: string;
  commits?: number;
}

export interface ScanQueueOptions {
  redisUrl: string;
  /** Replicas that share work use the same name (and the same Redis). */
  name?: string;
  intervalMs: number;
  /** Each scan starts after a random delay up to this, spreading the API load. */
  jitterMs: number;
  /** Scans run at once by this replica's worker. */
  concurrency: number;
  /** Tries per scan (first run included). */
  attempts?: number;
  /** First retry delay; doubled each retry. */
  backoffMs?: number;
  /** How long a repository stays locked by one scan at most (a crashed replica's lock expires). */
  repoLockMs?: number;
  /** How long a scan waits when another replica holds its repository, before it looks again. */
  lockRetryMs?: number;
  /** Scheduled jobs skip repositories whose own `schedule` has not elapsed (default true). */
  respectSchedule?: boolean;
  listRequests: () => Promise<ScanRequest[]>;
  /**
   * Runs one full scan under `gate`: a scheduled job's gate is due-only (unless `respectSchedule`
   * is false), a push's is not; whatever the scan records reaches the shared clock once it returns.
   */
  runScan: (request: ScanRequest, gate: ScheduleGate) => Promise<void>;
  onError: (key: string, error: unknown) => void;
  now?: () => number;
  random?: () => number;
}

export interface TickReport {
  /** The ids of the scan jobs this round asked for (already-queued ones are kept once by BullMQ). */
  jobIds: string[];
}

export const DEFAULT_QUEUE_NAME = 'nhi-steward-scans';
const SCHEDULER_ID = 'nhi-steward-schedule';
const SCHEDULE_JOB = 'schedule';
const SCAN_JOB = 'scan';
/** A scan's BullMQ lock; renewed while it runs. Long, because a big tarball keeps the CPU busy. */
const JOB_LOCK_MS = 120_000;

/**
 * `scan:<owner>/<repo>:<sha>@<bucket>` (`@push` for a pushed commit): BullMQ allows exactly two
 * `:` in a custom id.
 */
export function scanJobId(request: ScanRequest, bucket: number | 'push'): string {
  return `scan:${request.repository.full_name}:${request.sha}@${bucket}`;
}

/** ioredis options from a `redis://` or `rediss://` URL (user, password, database, TLS). */
export function redisConnection(url: string): { host: string; port: number; username?: string; password?: string; db?: number; tls?: object; maxRetriesPerRequest: null } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`REDIS_URL database must be a number, got "${db}"`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers block on Redis; BullMQ requires ioredis never to give up on a command.
    maxRetriesPerRequest: null,
  };
}

/** Only the fields a worker needs: a webhook's repository object is large. */
function plainRequest(request: ScanRequest): ScanRequest {
  const { name, full_name, owner, html_url, default_branch } = request.repository;
  const plain: ScanRequest = { installationId: request.installationId, repository: { name, full_name, owner: { login: owner.login, type: owner.type }, html_url, default_branch }, sha: request.sha };
  if (request.before) plain.before = request.before;
  if (request.commits) plain.commits = request.commits;
  return plain;
}

export class ScanQueue {
  private constructor(
    private readonly options: ScanQueueOptions,
    readonly queue: Queue,
    private readonly worker: Worker,
    private readonly delayedError: new () => Error,
    /** The last full scan of each repository, shared by every replica on this Redis. */
    readonly clock: RedisScheduleClock,
  ) {}

  /** Connects to Redis and starts this replica's worker. BullMQ is imported here, and only here. */
  static async connect(options: ScanQueueOptions): Promise<ScanQueue> {
    const { Queue: QueueClass, Worker: WorkerClass, DelayedError } = await import('bullmq');
    const connection = redisConnection(options.redisUrl);
    const name = options.name ?? DEFAULT_QUEUE_NAME;
    const queue = new QueueClass(name, { connection });
    // The worker's processor needs the instance, and the instance needs the worker.
    const ref: { self?: ScanQueue } = {};
    const worker = new WorkerClass(name, (job: Job, token?: string) => ref.self!.process(job, token), {
      connection,
      concurrency: Math.max(1, options.concurrency),
      lockDuration: JOB_LOCK_MS,
      autorun: false,
    });
    worker.on('failed', (job, error) => options.onError(job?.data?.repository?.full_name ?? job?.name ?? 'schedule', error));
    worker.on('error', (error) => options.onError('queue', error));
    queue.on('error', (error) => options.onError('queue', error));
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const clock = new RedisScheduleClock(await queue.client, options.now ?? Date.now);
    const self = new ScanQueue(options, queue, worker, DelayedError, clock);
    ref.self = self;
    void worker.run();
    return self;
  }

  /** Registers the repeating schedule; idempotent, so every replica may call it at start-up. */
  async start(): Promise<void> {
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: this.options.intervalMs }, { name: SCHEDULE_JOB, opts: { removeOnComplete: true, removeOnFail: 100 } });
  }

  /** One schedule round now, from this replica: lists the repositories and enqueues their scans. */
  async tick(): Promise<TickReport> {
    const now = (this.options.now ?? Date.now)();
    const bucket = Math.floor(now / this.options.intervalMs);
    const random = this.options.random ?? Math.random;
    const requests = await this.options.listRequests();
    const jobs = requests.map((request) => ({ name: SCAN_JOB, data: request, opts: this.scanJobOptions(scanJobId(request, bucket), random) }));
    await this.queue.addBulk(jobs);
    return { jobIds: jobs.map((j) => j.opts.jobId!) };
  }

  /**
   * A scan of a pushed commit, right away (no jitter). Its id names the commit, so a redelivered
   * webhook, or the same push handled by two replicas, adds nothing.
   */
  async enqueuePush(request: ScanRequest): Promise<string> {
    const jobId = scanJobId(plainRequest(request), 'push');
    await this.queue.add(SCAN_JOB, plainRequest(request), { ...this.scanJobOptions(jobId, () => 0) });
    return jobId;
  }

  /** Resolves once no scan is waiting, delayed or running (the repeating schedule aside). */
  async idle(timeoutMs = 60_000, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'paused']);
      if (!pending.some((job) => job?.name === SCAN_JOB)) return;
      if (Date.now() > deadline) throw new Error(`scan queue not idle within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Stops taking jobs, waits for the running ones, closes the Redis connections. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }

  /** Removes the repeating schedule (an operator turning the queue off). */
  async unschedule(): Promise<void> {
    await this.queue.removeJobScheduler(SCHEDULER_ID);
  }

  private scanJobOptions(jobId: string, random: () => number): JobsOptions & { jobId: string } {
    const keepSeconds = Math.ceil(this.options.intervalMs / 1000);
    return {
      jobId,
      delay: Math.floor(random() * this.options.jitterMs),
      attempts: Math.max(1, this.options.attempts ?? 4),
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 60_000 },
      // Kept one interval: that is what makes a second replica's enqueue of the same id a no-op.
      removeOnComplete: { age: keepSeconds },
      removeOnFail: { age: Math.max(keepSeconds, 7 * 24 * 3600) },
    };
  }

  private async process(job: Job, token?: string): Promise<void> {
    if (job.name === SCHEDULE_JOB) {
      await this.tick();
      return;
    }
    const request = job.data as ScanRequest;
    const release = await this.lockRepository(request.repository.full_name, job.id ?? '');
    if (!release) {
      // Another replica is scanning this repository: come back later without spending an attempt.
      await job.moveToDelayed(Date.now() + (this.options.lockRetryMs ?? 5_000), token);
      throw new this.delayedError();
    }
    try {
      // Read under the lock: a scan another replica just finished is already recorded.
      const gate = await this.clock.gate(request.repository.full_name, isScheduled(job) && this.options.respectSchedule !== false);
      await this.options.runScan(request, gate);
      await gate.flush();
    } finally {
      await release();
    }
  }

  /** One holder per repository, with an expiry; released only by its holder. */
  private lockRepository(fullName: string, holder: string): Promise<(() => Promise<void>) | undefined> {
    return this.takeLock(`repo-lock:${fullName}`, holder, this.options.repoLockMs ?? 30 * 60_000);
  }

  /**
   * Runs `work` while holding `key` against every replica on this Redis (one PR check per head:
   * github/check-run.ts); waits its turn, polling. The lock expires after `ttlMs` should its
   * holder die; a check that outlives it only loses the exclusion, never its result.
   */
  async withLock<T>(key: string, work: () => Promise<T>, ttlMs = 15 * 60_000, pollMs = 200): Promise<T> {
    const holder = randomUUID();
    const deadline = Date.now() + ttlMs;
    for (;;) {
      const release = await this.takeLock(`lock:${key}`, holder, ttlMs);
      if (release) {
        try {
          return await work();
        } finally {
          await release();
        }
      }
      // The holder died without releasing: the lock has expired by now, so this cannot spin forever.
      if (Date.now() > deadline + ttlMs) throw new Error(`could not take the lock ${key} within ${2 * ttlMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private async takeLock(name: string, holder: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const client = await this.queue.client;
    if (!lockCommandsDefined.has(client)) {
      for (const [name, lua] of Object.entries(LOCK_SCRIPTS)) client.defineCommand(name, { numberOfKeys: 1, lua });
      lockCommandsDefined.add(client);
    }
    const key = `${this.queue.opts.prefix ?? 'bull'}:${this.queue.name}:${name}`;
    const taken = await client.runCommand('nhiStewardLock', [key, holder, ttlMs]);
    if (Number(taken) !== 1) return undefined;
    return async () => {
      await client.runCommand('nhiStewardUnlock', [key, holder]);
    };
  }
}

/** Every scan job but a push's (`…@push`, see scanJobId) came from a schedule round. */
function isScheduled(job: Job): boolean {
  return !(job.id ?? '').endsWith('@push');
}

/**
 * Lua, so each check-and-set is atomic. A retry of the job that already holds the lock (its replica
 * died mid-scan) takes it back instead of waiting for the expiry.
 */
const LOCK_SCRIPTS = {
  nhiStewardLock: `local v = redis.call('get', KEYS[1])
if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
return 0`,
  nhiStewardUnlock: `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`,
};
const lockCommandsDefined = new WeakSet<object>();
