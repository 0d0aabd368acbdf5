import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineAround, LineIndex } from '../../../src/core/secrets/lines.js';

/** The obvious definition: the whole line of `offset`, then clipped to `radius` around [offset, end). */
function reference(text: string, offset: number, end: number, radius: number): string {
  const start = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
  const stop = text.indexOf('\n', offset);
  const lineEnd = stop === -1 ? text.length : stop;
  return text.slice(Math.max(start, offset - radius), Math.min(lineEnd, end + radius));
}

describe('lineAround', () => {
  it('is the line of the match clipped to the radius, with or without a line index', () => {
    const text = fc.array(fc.constantFrom('a', 'b', '\n', '\r\n', 'xyz', 'k'.repeat(40)), { maxLength: 60 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(30), fc.integer({ min: 1, max: 50 }), (t, at, length, radius) => {
        const offset = t.length === 0 ? 0 : at % t.length;
        const end = Math.min(t.length, offset + length);
        const expected = reference(t, offset, end, radius);
        expect(lineAround(t, offset, end, radius)).toBe(expected);
        expect(new LineIndex(t).lineAround(offset, end, radius)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('one index asked about many offsets in any order gives the same lines and line numbers as the obvious definition', () => {
    const text = fc.array(fc.constantFrom('a', 'b', '\n', '\r\n', 'xyz', 'k'.repeat(40)), { maxLength: 60 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 50 }), (t, ats, radius) => {
        const index = new LineIndex(t);
        for (const at of ats) {
          const offset = t.length === 0 ? 0 : at % t.length;
          const end = Math.min(t.length, offset + (at % 7));
          expect(index.lineAround(offset, end, radius)).toBe(reference(t, offset, end, radius));
          expect(index.lineOf(offset)).toBe(t.slice(0, offset).split('\n').length);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reads only near the match on a long minified line', () => {
    const long = 'x'.repeat(5_000_000) + 'SECRET' + 'y'.repeat(5_000_000);
    expect(lineAround(long, 5_000_000, 5_000_006, 4)).toBe('xxxxSECRETyyyy');
  });
});
