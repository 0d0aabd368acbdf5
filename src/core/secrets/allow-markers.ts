import type { EngineText } from './byte-text.js';
import type { LineIndex, TextSlices } from './lines.js';
import { hasAllowMarker, INLINE_ALLOW_MARKERS } from './suppression.js';

/** Long (minified) lines are checked for markers only near the start and end, keeping it linear. */
export const MARKER_SCAN_LIMIT = 64 * 1024;

/** The text of a 1-based line that is checked for allow markers: the whole line, or both ends of a long one. */
export function markerLineText(content: TextSlices, lines: LineIndex, line: number): string {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  if (end - start <= MARKER_SCAN_LIMIT) return content.slice(start, end);
  return content.slice(start, start + MARKER_SCAN_LIMIT / 2) + '\n' + content.slice(end - MARKER_SCAN_LIMIT / 2, end);
}

/** `allow`, which every marker holds: a line without it (in any ASCII case) holds no marker. */
const ALLOW = [97, 108, 108, 111, 119];
if (!INLINE_ALLOW_MARKERS.every((m) => m.toLowerCase().includes('allow'))) throw new Error('every allow marker must contain "allow"');

/**
 * `hasAllowMarker(markerLineText(content, lines, line))`, without cutting the line out and running
 * the pattern when the line has no `allow` in any ASCII case: every marker contains it, and the
 * marker pattern's `i` flag (no `u`) folds only ASCII letters onto `a`, `l`, `o` and `w`. A fixture
 * of thousands of findings checked thousands of lines with a slice and a regex run each. `real`:
 * where the line is read for the pattern, a stand-in's real text (src/core/stand-in.ts); its
 * stand-in, `content`, holds `allow` where the real text does.
 */
export function lineHasAllowMarker(content: EngineText, lines: LineIndex, line: number, real: TextSlices = content): boolean {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  if (end - start <= MARKER_SCAN_LIMIT && !containsAllow(content, start, end)) return false;
  return hasAllowMarker(markerLineText(real, lines, line));
}

/**
 * Whether [start, end) of `text` holds `allow` in any ASCII case (`c | 32` is a lower-case letter
 * only for that letter's two cases). A text read from its bytes is searched in them: through
 * `charCodeAt`, a history scan of this repository spent ~65 ms on the lines of its findings.
 */
function containsAllow(text: EngineText, start: number, end: number): boolean {
  if (typeof text !== 'string') return bytesContainAllow(text.bytes, start, Math.min(end, text.length));
  for (let i = start, last = end - ALLOW.length; i <= last; i++) {
    if ((text.charCodeAt(i) | 32) !== 97) continue;
    if ((text.charCodeAt(i + 1) | 32) === 108 && (text.charCodeAt(i + 2) | 32) === 108 && (text.charCodeAt(i + 3) | 32) === 111 && (text.charCodeAt(i + 4) | 32) === 119) return true;
  }
  return false;
}

function bytesContainAllow(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start, last = end - ALLOW.length; i <= last; i++) {
    if ((bytes[i] | 32) === 97 && (bytes[i + 1] | 32) === 108 && (bytes[i + 2] | 32) === 108 && (bytes[i + 3] | 32) === 111 && (bytes[i + 4] | 32) === 119) return true;
  }
  return false;
}
