/**
 * The in-process scheduler (no REDIS_URL): every `intervalMs` it lists the repositories to scan
 * and runs their full scans with bounded concurrency, each start delayed by a random jitter so a
 * fleet of installations does not hit the API in one burst. Errors of one repository never stop
 * the others.
 */
export interface ScheduledTarget {
  key: string;
  run: () => Promise<void>;
}

export interface SchedulerOptions {
  intervalMs: number;
  jitterMs: number;
  concurrency: number;
  listTargets: () => Promise<ScheduledTarget[]>;
  onError: (key: string, error: unknown) => void;
  random?: () => number;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round over every target; a round already under way is joined, not doubled. */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    const targets = await this.options.listTargets();
    const random = this.options.random ?? Math.random;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < targets.length) {
        const target = targets[next++];
        const delay = Math.floor(random() * this.options.jitterMs);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        try {
          await target.run();
        } catch (error) {
          this.options.onError(target.key, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
  }
}
