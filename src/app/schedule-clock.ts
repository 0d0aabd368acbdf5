/**
 * When each repository last had a full scan, so the scheduler can honour each repository's own
 * `schedule` (`.github/nhi-steward.yml`, default 24 h) while it wakes up more often.
 *
 * - `ScheduleClock`: per process (no REDIS_URL). After a restart every repository is due once,
 *   which is the safe side.
 * - `RedisScheduleClock`: shared by every replica of the queue (REDIS_URL), so a repository one
 *   replica scanned is not scanned again by another within its schedule, and a restart forgets
 *   nothing.
 */

/** What a scan asks of a clock, synchronously (the scan decides between loading settings and scanning). */
export interface RepositoryClock {
  isDue(repository: string, intervalMs: number): boolean;
  record(repository: string): void;
}

export class ScheduleClock implements RepositoryClock {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  isDue(repository: string, intervalMs: number): boolean {
    return isDue(this.last.get(repository.toLowerCase()), this.now(), intervalMs, Infinity);
  }

  record(repository: string): void {
    this.last.set(repository.toLowerCase(), this.now());
  }
}

/** How a scan relates to the clock: every full scan records itself; scheduled ones wait until due. */
export interface ScheduleGate {
  clock: RepositoryClock;
  dueOnly: boolean;
}

/** The two Redis commands the shared clock uses, as BullMQ's client declares them (tests may fake them). */
export interface ClockRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { PX: number }): Promise<unknown>;
}

export const LAST_FULL_SCAN_PREFIX = 'nhi-steward:last-full-scan:';
/**
 * A record outlives any sensible schedule, yet a repository that left the installation does not
 * keep its key forever. A schedule longer than this is shortened to it: the safe side.
 */
const RECORD_TTL_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * The shared clock: one key per repository, `nhi-steward:last-full-scan:<owner>/<repo>` (lower
 * case), holding the epoch milliseconds of its last full scan on any replica.
 */
export class RedisScheduleClock {
  constructor(
    private readonly redis: ClockRedis,
    private readonly now: () => number = Date.now,
    private readonly prefix: string = LAST_FULL_SCAN_PREFIX,
  ) {}

  key(repository: string): string {
    return `${this.prefix}${repository.toLowerCase()}`;
  }

  async lastScan(repository: string): Promise<number | undefined> {
    const value = await this.redis.get(this.key(repository));
    const last = value === null ? NaN : Number(value);
    // Anything unreadable counts as never scanned: due, the safe side.
    return Number.isFinite(last) ? last : undefined;
  }

  async isDue(repository: string, intervalMs: number): Promise<boolean> {
    return isDue(await this.lastScan(repository), this.now(), intervalMs, RECORD_TTL_MS);
  }

  async record(repository: string): Promise<void> {
    await this.redis.set(this.key(repository), String(this.now()), { PX: RECORD_TTL_MS });
  }

  /**
   * A gate for one scan of `repository`: its due check reads the last scan as loaded now (the scan
   * itself is synchronous about it); what it records is written to Redis by `flush()`. Callers hold
   * the repository's lock across load, scan and flush, so no other replica slips in between.
   */
  async gate(repository: string, dueOnly: boolean): Promise<ScheduleGate & { flush(): Promise<void> }> {
    const last = dueOnly ? await this.lastScan(repository) : undefined;
    let recorded = false;
    const clock: RepositoryClock = {
      isDue: (_repository, intervalMs) => isDue(last, this.now(), intervalMs, RECORD_TTL_MS),
      record: () => void (recorded = true),
    };
    return {
      clock,
      dueOnly,
      flush: async () => {
        if (recorded) await this.record(repository);
      },
    };
  }
}

/**
 * A clock for scans that run outside the queue on a replica (a `/nhi-steward rescan`, an
 * installation, a departed member): recorded in-process at once and in Redis in the background, so
 * the queue's next scheduled round knows about them.
 */
export function writeThrough(local: RepositoryClock, shared: () => RedisScheduleClock | undefined, onError: (repository: string, error: unknown) => void): RepositoryClock {
  return {
    isDue: (repository, intervalMs) => local.isDue(repository, intervalMs),
    record: (repository) => {
      local.record(repository);
      shared()?.record(repository).catch((error: unknown) => onError(repository, error));
    },
  };
}

function isDue(last: number | undefined, now: number, intervalMs: number, longest: number): boolean {
  return last === undefined || now - last >= Math.min(intervalMs, longest);
}
