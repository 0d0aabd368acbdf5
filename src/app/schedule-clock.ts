/**
 * When each repository last had a full scan, so the scheduler can honour each repository's own
 * `schedule` (`.github/nhi-steward.yml`, default 24 h) while it wakes up more often. Per process:
 * after a restart every repository is due once, which is the safe side.
 */
export class ScheduleClock {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  isDue(repository: string, intervalMs: number): boolean {
    const last = this.last.get(repository.toLowerCase());
    return last === undefined || this.now() - last >= intervalMs;
  }

  record(repository: string): void {
    this.last.set(repository.toLowerCase(), this.now());
  }
}

/** How a scan relates to the clock: every full scan records itself; scheduled ones wait until due. */
export interface ScheduleGate {
  clock: ScheduleClock;
  dueOnly: boolean;
}
