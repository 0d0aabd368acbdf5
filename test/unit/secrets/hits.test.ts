import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HitBuffer } from '../../../src/core/secrets/hits.js';

/** The plain-array model of what a buffer holds after the same pushes and appends. */
type Op = { push: [number, number] } | { append: { hits: number[]; from: number; to: number; by: number } };

const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 1 << 24 })), { maxLength: 40 }).map((list) => list.flat());
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 1 << 24 })).map((push): Op => ({ push })),
  fc
    .tuple(pairs, fc.nat(), fc.nat(), fc.constantFrom(0, 0, 7, -3, 100_000))
    .map(([hits, a, b, by]): Op => {
      const n = hits.length / 2;
      const from = n === 0 ? 0 : 2 * (a % (n + 1));
      const to = n === 0 ? 0 : Math.max(from, 2 * (b % (n + 1)));
      return { append: { hits, from, to, by } };
    }),
);

describe('HitBuffer', () => {
  it('holds exactly what was pushed and appended (moved by `by`), across growth, and is empty after take', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (ops, rounds) => {
        const buffer = new HitBuffer();
        for (let round = 0; round < rounds; round++) {
          const model: number[] = [];
          for (const o of ops) {
            if ('push' in o) {
              buffer.push(...o.push);
              model.push(...o.push);
            } else {
              const { hits, from, to, by } = o.append;
              buffer.append(Int32Array.from(hits), from, to, by);
              for (let h = from; h < to; h += 2) model.push(hits[h], hits[h + 1] + by);
            }
          }
          const taken = buffer.take();
          expect(taken).toBeInstanceOf(Int32Array);
          expect(Array.from(taken)).toEqual(model);
          expect(buffer.length).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('grows past its first size in one append, and hands out copies that later use does not change', () => {
    const buffer = new HitBuffer();
    const start = buffer.data.length;
    const big = new Int32Array(3 * start + 2).map((_, i) => i);
    buffer.push(1, 2);
    buffer.append(big, 0, big.length, 5);
    const first = buffer.take();
    expect(first.length).toBe(big.length + 2);
    expect(Array.from(first.subarray(0, 4))).toEqual([1, 2, 0, 6]);
    expect(first[first.length - 1]).toBe(big[big.length - 1] + 5);
    buffer.push(9, 9);
    buffer.append(big, 0, 4, 0);
    expect(Array.from(buffer.take())).toEqual([9, 9, 0, 1, 2, 3]);
    expect(Array.from(first.subarray(0, 4))).toEqual([1, 2, 0, 6]); // not the buffer's memory
  });

  it('does not keep a very large buffer from one text to the next', () => {
    const buffer = new HitBuffer();
    const start = buffer.data.length;
    const huge = new Int32Array(2 << 20);
    buffer.append(huge, 0, huge.length, 0);
    expect(buffer.data.length).toBeGreaterThanOrEqual(huge.length);
    expect(buffer.take().length).toBe(huge.length);
    expect(buffer.data.length).toBe(start);
    buffer.append(huge, 0, 1000, 0);
    buffer.clear();
    expect(buffer.length).toBe(0);
  });
});
