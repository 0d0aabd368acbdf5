/**
 * Random draws for the differential tests that edit files commit by commit
 * (test/integration/history-differential.test.ts, commit-range-differential.test.ts). `next` is a
 * seeded generator (`prng` in src/core/secrets/detectors/table.ts), so an edit is a function of
 * its seed.
 */

export function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)];
}

/**
 * A sample line with one letter or digit changed to another of its kind: often a new value of the
 * same detector, sometimes one its checksum or filters reject (or the same line, when the draw
 * puts back the character it took out).
 */
export function variant(next: () => number, line: string): string {
  const spots = [...line.matchAll(/[A-Za-z0-9]/g)].map((m) => m.index);
  if (spots.length === 0) return line;
  const at = pick(next, spots);
  const c = line[at];
  const set = /[0-9]/.test(c) ? '0123456789' : /[a-z]/.test(c) ? 'abcdefghijklmnopqrstuvwxyz' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return line.slice(0, at) + pick(next, [...set]) + line.slice(at + 1);
}
