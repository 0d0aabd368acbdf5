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

describe('LineIndex given the last version of the file (history mode)', () => {
  /**
   * Two versions built from pieces: some in both (a shared run, at its place in each), the rest in
   * one only. The shared runs are the segments `sharedSegments` would report (any of them: runs
   * that start or end mid-line, touch each other, hold no line break, or none at all).
   */
  const piece = fc.array(fc.constantFrom('a', 'bc', '\n', '\r\n', '\n\n', 'xyz', 'k'.repeat(30)), { maxLength: 8 }).map((p) => p.join(''));
  const versions = fc.array(fc.record({ kind: fc.constantFrom('both', 'before', 'after'), text: piece }), { maxLength: 12 }).map((ops) => {
    let before = '';
    let after = '';
    const segments: number[] = [];
    for (const { kind, text } of ops) {
      if (kind === 'both' && text.length > 0) segments.push(after.length, before.length, text.length);
      if (kind !== 'after') before += text;
      if (kind !== 'before') after += text;
    }
    return { before, after, segments };
  });

  it('answers every question as an index of the text alone, in any order, and ends with the same line starts', () => {
    fc.assert(
      fc.property(versions, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), ({ before, after, segments }, ats, earlierWhole) => {
        const previous = new LineIndex(before);
        if (!earlierWhole) previous.lineOf(before.length >> 1); // allStarts must still give them all
        const index = new LineIndex(after, { starts: previous.allStarts(), segments });
        const plain = new LineIndex(after);
        for (const at of ats) {
          const offset = after.length === 0 ? 0 : at % after.length;
          const end = Math.min(after.length, offset + (at % 5));
          expect(index.lineAround(offset, end, 8)).toBe(plain.lineAround(offset, end, 8));
          const line = index.lineOf(offset);
          expect(line).toBe(after.slice(0, offset).split('\n').length);
          expect([index.lineStart(line + (at % 3)), index.lineEnd(line + (at % 3))]).toEqual([plain.lineStart(line + (at % 3)), plain.lineEnd(line + (at % 3))]);
        }
        expect([...index.allStarts()]).toEqual([...plain.allStarts()]);
        expect(index.lineCount).toBe(after.split('\n').length);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the line starts inside a shared run from the last version instead of searching the text', () => {
    // A deliberately false earlier index (a line start where the text has no line break) shows
    // which lines were copied: those in the shared run [0, 10) only.
    const text = 'aaaaaaaaaa\nbbbb\ncccc';
    const index = new LineIndex(text, { starts: Int32Array.of(0, 5, 11), segments: [0, 0, 10] });
    expect([...index.allStarts()]).toEqual([0, 5, 11, 16]);
    // Text before a run is searched only up to the run: the (false) start 6 inside it is copied.
    const after = new LineIndex('xxaaaaaaaa\nbb', { starts: Int32Array.of(0, 4, 9), segments: [2, 0, 11] });
    expect([...after.allStarts()]).toEqual([0, 6, 11]);
    // A run that moved: copied starts follow it (by +3 here), and the text after it is searched.
    const moved = new LineIndex('XYZab\ncd\nef', { starts: Int32Array.of(0, 3), segments: [3, 0, 5] });
    expect([...moved.allStarts()]).toEqual([0, 6, 9]);
  });
});
