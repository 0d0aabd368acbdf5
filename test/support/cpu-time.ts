/**
 * Milliseconds of CPU time (user + system) this test process spends in `work`, and its result: the
 * measure of a hang guard ("a pathological input stays linear"). vitest runs each test file in a
 * process of its own (`pool: 'forks'` in vitest.config.ts), so a loaded machine, which delays the
 * process without making the code do more work, cannot fail such a guard, as it failed wall-clock
 * bounds (a ReDoS guard of 1 s once read 12 s in a parallel local run). Speed itself is measured
 * by `npm run bench`, never in a test (CONTRIBUTING.md).
 */
export function cpuTimed<T>(work: () => T): { ms: number; value: T } {
  const started = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(started);
  return { ms: (used.user + used.system) / 1000, value };
}
