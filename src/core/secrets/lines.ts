import type { EngineText } from './byte-text.js';
import { withRoom } from './int32-list.js';

/**
 * The line starts of the last version of a file, and the runs of text this version shares with it
 * (history mode, `VersionDelta.segments` in versions.ts): the line breaks inside a shared run are
 * the last version's, moved by where the run moved, so they are copied rather than searched for.
 */
export interface EarlierLines {
  /** Every line start of the last version (`LineIndex.allStarts`). */
  starts: Int32Array;
  /** Flat triples [start, startBefore, length], ascending and disjoint in both texts. */
  segments: readonly number[];
}

/**
 * Offset → line/column for one file. Lines end at `\n` only (a CRLF file keeps its `\r` at the end
 * of each line, so line numbers match what editors and GitHub show). Line starts are collected
 * lazily, only as far into the file as lookups reach (a 3 MB bundle whose findings sit in its first
 * lines never has its other 60,000 lines indexed); lookups are binary searches, so a 20 MB
 * single-line file costs one `indexOf` pass, never a quadratic walk. Given the last version's line
 * starts (`EarlierLines`), the starts inside the runs the two versions share are copied from them:
 * a committed bundle's versions (a 2.7 MB `dist/index.js` of 64,000 lines) are searched for line
 * breaks only where they changed (docs/history.md, "eleventh session").
 */
export class LineIndex {
  /** starts[i] = offset of the first character of line i + 1 (0-based, 1-based lines), for i < count. */
  private starts: Int32Array;
  private count = 1;
  /** Every `\n` before this offset is in `starts`; the text length + 1 once all are. */
  private scanned = 0;
  /** The shared run the next copy looks at (an index into `earlier.segments`, a multiple of 3). */
  private run = 0;

  constructor(
    private readonly text: EngineText,
    private earlier?: EarlierLines,
  ) {
    this.starts = new Int32Array(earlier === undefined ? 64 : Math.max(64, earlier.starts.length + 16));
  }

  private push(start: number): void {
    if (this.count === this.starts.length) this.starts = withRoom(this.starts, this.count, this.count + 1);
    this.starts[this.count++] = start;
  }

  /** Collects line starts until one lies beyond `offset` (or the text ends). */
  private reach(offset: number): void {
    const { text } = this;
    // Not `scanned <= offset`: a jump to the next shared run or past one may pass `offset` with no line start collected beyond it.
    while (this.starts[this.count - 1] <= offset && this.scanned <= text.length) {
      const earlier = this.earlier;
      let next = text.length + 1; // where the next shared run starts
      if (earlier !== undefined) {
        const { segments } = earlier;
        while (this.run < segments.length && segments[this.run] + segments[this.run + 2] <= this.scanned) this.run += 3;
        if (this.run < segments.length) {
          const start = segments[this.run];
          if (start <= this.scanned) {
            this.copyShared(offset, start, segments[this.run + 1], segments[this.run + 2]);
            continue;
          }
          next = start;
        } else this.earlier = undefined; // past the last shared run: nothing more to copy
      }
      const at = typeof text === 'string' ? text.indexOf('\n', this.scanned) : text.newlineFrom(this.scanned);
      if (at === -1 || at >= next) {
        // No line break before the next shared run (or the end).
        this.scanned = at === -1 ? text.length + 1 : next;
        if (at === -1) return;
        continue;
      }
      this.push(at + 1);
      this.scanned = at + 1;
    }
  }

  /**
   * Copies the last version's line starts that follow a `\n` in [scanned, start + length) of the
   * run [start, start + length) (at `startBefore` there), moved by the run's shift, until one lies
   * beyond `offset`.
   */
  private copyShared(offset: number, start: number, startBefore: number, length: number): void {
    const before = this.earlier!.starts;
    const by = start - startBefore;
    const end = start + length;
    // The starts after a `\n` at or past `scanned` and whose `\n` (at moved − 1) is in the run:
    // scanned − by < s ≤ end − by; copied up to the first one past `offset`, if that comes first.
    const from = firstAbove(before, this.scanned - by, 0);
    let to = firstAbove(before, end - by, from);
    const past = offset - by < end - by ? firstAbove(before, offset - by, from) : to;
    const stops = past < to;
    if (stops) to = past + 1;
    const count = this.count + (to - from);
    const starts = (this.starts = withRoom(this.starts, this.count, count));
    for (let i = from, at = this.count; i < to; i++, at++) starts[at] = before[i] + by;
    this.count = count;
    this.scanned = stops ? starts[count - 1] : end;
  }

  /** Every line start (the whole text indexed), for the next version of this file. */
  allStarts(): Int32Array {
    this.reach(Number.POSITIVE_INFINITY);
    this.earlier = undefined;
    return this.starts.subarray(0, this.count);
  }

  get lineCount(): number {
    this.reach(Number.POSITIVE_INFINITY);
    return this.count;
  }

  /** 1-based line number holding `offset`. */
  lineOf(offset: number): number {
    this.reach(offset);
    const starts = this.starts;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    this.reachLine(line);
    return this.starts[Math.min(Math.max(line, 1), this.count) - 1];
  }

  /** Offset of the `\n` ending a 1-based line, or the text length for the last line. */
  lineEnd(line: number): number {
    this.reachLine(line + 1);
    return line < this.count ? this.starts[line] - 1 : this.text.length;
  }

  /** Collects line starts until `line` (1-based) has its own, or the text ends. */
  private reachLine(line: number): void {
    while (this.count < line && this.scanned <= this.text.length) this.reach(this.scanned);
  }

  /** 1-based line and column (UTF-16 code units, as JavaScript and SARIF count them). */
  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line, column: offset - this.starts[line - 1] + 1 };
  }

  /**
   * The line holding `offset`, clipped to `radius` characters either side of [offset, end) so that
   * filters on a minified 20 MB line see a bounded excerpt, not the whole line: the same string as
   * `lineAround` below, found from the index instead of by reading characters.
   */
  lineAround(offset: number, end: number, radius = LINE_RADIUS): string {
    const [from, to] = this.lineSpan(offset, end, radius);
    return this.text.slice(from, to);
  }

  /** Where `lineAround` cuts the line: [from, to). */
  lineSpan(offset: number, end: number, radius = LINE_RADIUS): [number, number] {
    const line = this.lineOf(offset); // reaches the first line start past `offset`, if there is one
    const from = Math.max(this.starts[line - 1], offset - radius);
    const lineEnd = line < this.count ? this.starts[line] - 1 : this.text.length;
    return [from, Math.max(offset, Math.min(lineEnd, end + radius))];
  }
}

/**
 * What reading a file's lines needs of its text: slices of it (a string is one; so is a stand-in's
 * real text read line by line, src/core/secrets/engine.ts `RealText`).
 */
export interface TextSlices {
  slice(from: number, to: number): string;
}

/** How far either side of a match `lineAround` reads, by default. */
export const LINE_RADIUS = 1024;

/**
 * `LineIndex.lineAround` without an index: the line breaks are searched only within `radius` of
 * the match, so judging a match costs the same on a 9 MB bundle as on a 1 KB file.
 */
export function lineAround(text: EngineText, offset: number, end: number, radius = LINE_RADIUS): string {
  // Plain loops over at most `radius` characters each way: no temporary slices to search in (two
  // per match, garbage on a fixture file of thousands of matches), and no unbounded search.
  const lower = Math.max(0, offset - radius);
  let from = offset;
  while (from > lower && text.charCodeAt(from - 1) !== 10) from--;
  const upper = Math.min(text.length, end + radius);
  let to = offset;
  while (to < upper && text.charCodeAt(to) !== 10) to++;
  return text.slice(from, to);
}

/** The index of the first value above `value` in an ascending list, from `from` on. */
function firstAbove(list: Int32Array, value: number, from: number): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
