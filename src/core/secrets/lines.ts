/**
 * Offset → line/column for one file. Lines end at `\n` only (a CRLF file keeps its `\r` at the end
 * of each line, so line numbers match what editors and GitHub show). Built once per file, and only
 * when the file has keyword hits; lookups are binary searches, so a 20 MB single-line file costs
 * one `indexOf` pass, never a quadratic walk.
 */
export class LineIndex {
  /** starts[i] = offset of the first character of line i + 1 (0-based array, 1-based lines). */
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line number holding `offset`. */
  lineOf(offset: number): number {
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
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1];
  }

  /** Offset of the `\n` ending a 1-based line, or the text length for the last line. */
  lineEnd(line: number): number {
    return line < this.starts.length ? this.starts[line] - 1 : this.text.length;
  }

  /** 1-based line and column (UTF-16 code units, as JavaScript and SARIF count them). */
  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line, column: offset - this.starts[line - 1] + 1 };
  }

  /**
   * The line holding `offset`, clipped to `radius` characters either side of [offset, end) so that
   * filters on a minified 20 MB line see a bounded excerpt, not the whole line.
   */
  lineAround(offset: number, end: number, radius = 1024): string {
    return lineAround(this.text, offset, end, radius);
  }
}

/**
 * `LineIndex.lineAround` without an index: the line breaks are searched only within `radius` of
 * the match, so judging a match costs the same on a 9 MB bundle as on a 1 KB file.
 */
export function lineAround(text: string, offset: number, end: number, radius = 1024): string {
  const lower = Math.max(0, offset - radius);
  const back = text.slice(lower, offset).lastIndexOf('\n');
  const from = back === -1 ? lower : lower + back + 1;
  const upper = Math.min(text.length, end + radius);
  const ahead = text.slice(offset, upper).indexOf('\n');
  const to = ahead === -1 ? upper : offset + ahead;
  return text.slice(from, to);
}
