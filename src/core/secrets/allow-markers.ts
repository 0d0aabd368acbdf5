import type { LineIndex } from './lines.js';
import { allowMarkerOffsets, hasAllowMarker } from './suppression.js';

/** Long (minified) lines are checked for markers only near the start and end, keeping it linear. */
export const MARKER_SCAN_LIMIT = 64 * 1024;

/** Lines checked one by one before a file's markers are listed in one pass (see `AllowMarkers`). */
const LINES_BEFORE_INDEX = 64;

/** The text of a 1-based line that is checked for allow markers: the whole line, or both ends of a long one. */
export function markerLineText(content: string, lines: LineIndex, line: number): string {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  if (end - start <= MARKER_SCAN_LIMIT) return content.slice(start, end);
  return content.slice(start, start + MARKER_SCAN_LIMIT / 2) + '\n' + content.slice(end - MARKER_SCAN_LIMIT / 2, end);
}

/**
 * Whether lines of one file carry an allow marker: `hasAllowMarker(markerLineText(…))`, line by
 * line for the first lines asked; a file that asks about more (a fixture of hundreds of findings)
 * has every marker's offset listed by one search of the whole file instead, and a line (up to
 * MARKER_SCAN_LIMIT long) has a marker when one of them starts on it. The same answer: a marker
 * holds no line break, so one that starts on a line lies within it, and the whole-file search,
 * whose earlier matches all end before the line, finds the line's first marker.
 */
export class AllowMarkers {
  private asked = 0;
  private offsets: number[] | undefined;

  constructor(
    private readonly content: string,
    private readonly lines: LineIndex,
  ) {}

  onLine(line: number): boolean {
    const { content, lines } = this;
    const start = lines.lineStart(line);
    const end = lines.lineEnd(line);
    if (end - start > MARKER_SCAN_LIMIT || (this.offsets === undefined && ++this.asked <= LINES_BEFORE_INDEX)) return hasAllowMarker(markerLineText(content, lines, line));
    const offsets = (this.offsets ??= allowMarkerOffsets(content));
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo] < end;
  }
}
