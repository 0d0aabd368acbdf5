/**
 * Offset → line/column for one file. Lines end at `\n` only (a CRLF file keeps its `\r` at the end
 * of each line, so line numbers match what editors and GitHub show). Line starts are collected
 * lazily, only as far into the file as lookups reach (a 3 MB bundle whose findings sit in its first
 * lines never has its other 60,000 lines indexed); lookups are binary searches, so a 20 MB
 * single-line file costs one `indexOf` pass, never a quadratic walk.
 */
export class LineIndex {
  /** starts[i] = offset of the first character of line i + 1 (0-based array, 1-based lines), as far as collected. */
  private readonly starts: number[] = [0];
  /** Every `\n` before this offset is in `starts`; the text length + 1 once all are. */
  private scanned = 0;

  constructor(private readonly text: string) {}

  /** Collects line starts until one lies beyond `offset` (or the text ends). */
  private reach(offset: number): void {
    const { text, starts } = this;
    while (this.scanned <= offset && this.scanned <= text.length) {
      const at = text.indexOf('\n', this.scanned);
      if (at === -1) {
        this.scanned = text.length + 1;
        return;
      }
      starts.push(at + 1);
      this.scanned = at + 1;
    }
  }

  get lineCount(): number {
    this.reach(Number.POSITIVE_INFINITY);
    return this.starts.length;
  }

  /** 1-based line number holding `offset`. */
  lineOf(offset: number): number {
    this.reach(offset);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
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
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1];
  }

  /** Offset of the `\n` ending a 1-based line, or the text length for the last line. */
  lineEnd(line: number): number {
    this.reachLine(line + 1);
    return line < this.starts.length ? this.starts[line] - 1 : this.text.length;
  }

  /** Collects line starts until `line` (1-based) has its own, or the text ends. */
  private reachLine(line: number): void {
    while (this.starts.length < line && this.scanned <= this.text.length) this.reach(this.scanned);
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
    const lineEnd = line < this.starts.length ? this.starts[line] - 1 : this.text.length;
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
export function lineAround(text: string, offset: number, end: number, radius = LINE_RADIUS): string {
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
