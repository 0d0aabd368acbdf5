/**
 * GitHub's size limits, in UTF-8 bytes: the one place they are written down. Every text we send
 * to GitHub is measured and clamped with these helpers, never with `string.length` (a character
 * count: 2,000 findings with non-ASCII messages are well over the limit in bytes while under it
 * in characters). See docs/architecture.md, "GitHub limits".
 */

/** Checks API: `output.summary` and `output.text`, and an annotation's `message`. */
export const CHECK_TEXT_LIMIT_BYTES = 65_535;
/** Issues and comments: `body`. */
export const ISSUE_BODY_LIMIT_BYTES = 65_536;
/** Check run `output.title`, annotation `title` and issue `title`. */
export const TITLE_LIMIT_CHARS = 255;

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  // Buffer.byteLength would tie core to Node's Buffer; TextEncoder is as fast and portable.
  return encoder.encode(text).length;
}

/**
 * The longest prefix of `text` that fits in `limit` UTF-8 bytes, cut on a code point (never
 * inside a surrogate pair).
 */
export function truncateToBytes(text: string, limit: number): string {
  if (limit <= 0) return '';
  if (text.length * 3 <= limit) return text;
  const bytes = encoder.encode(text);
  if (bytes.length <= limit) return text;
  let end = limit;
  // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/** Clamps `text` to `limit` bytes; when it had to cut, ends with `note` (which counts). */
export function clampBytes(text: string, limit: number, note = ''): string {
  if (byteLength(text) <= limit) return text;
  const room = limit - byteLength(note);
  return room <= 0 ? truncateToBytes(note, limit) : truncateToBytes(text, room) + note;
}

/** Clamps a title to GitHub's 255 characters (code points), ending with an ellipsis when cut. */
export function clampTitle(title: string, limit = TITLE_LIMIT_CHARS): string {
  const points = [...title];
  return points.length <= limit ? title : points.slice(0, limit - 1).join('') + '…';
}
