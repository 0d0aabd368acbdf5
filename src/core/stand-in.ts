import { isAscii } from 'node:buffer';
import { ByteText } from './secrets/byte-text.js';

/**
 * A one-byte stand-in for the text of a UTF-8 file that is not pure ASCII (docs/architecture.md,
 * "Scanning input"; docs/performance.md, "Stand-in texts"). Every ASCII character is itself; every
 * other character becomes one placeholder per UTF-16 code unit: U+00A0 for a character `\s`
 * matches (no-break and other Unicode spaces, the byte-order mark), U+0080 for the rest (two for
 * a character outside the BMP, a surrogate pair in the real text). The stand-in is as long as the real text, with every ASCII character, line and
 * column in the same place, and V8 stores it one byte a character instead of two.
 *
 * Why the secrets engine may read it instead of the real text: its keywords are ASCII, and a
 * pattern without the `u` or `v` flag, with no non-ASCII character, escape or property in its
 * source, and with back-references only to groups that match ASCII alone (`asciiPattern`,
 * `CompiledCatalog.standInSafe`) tells characters past ASCII apart only by whether `\s` matches
 * them and whether they end a line. So every keyword hit and every regex match falls in
 * the same place in both texts, and only a value, or a line, holding a placeholder can be judged
 * differently: the engine then judges the real text's value and line at the same offsets, and
 * builds findings from the real text's lines (src/core/secrets/engine.ts, `scanFile`).
 *
 * `runs`, when given, gets where the real text's bytes and the stand-in part ways: after each run of
 * characters past ASCII, the stand-in's offset and how many more bytes than code units came
 * before it (`byteOffset`).
 *
 * Undefined when no stand-in can be made: invalid UTF-8 (whose replacement characters the real
 * decoder places), or a character a pattern could treat as ASCII or as a line end: U+2028 and
 * U+2029 end a line for `.` and `^`/`$`; ſ and the Kelvin sign fold to ASCII letters under
 * case-insensitive Unicode matching.
 */
export function standInText(bytes: Uint8Array, runs?: number[]): string | undefined {
  const made = standInBytes(bytes, runs);
  return made === undefined ? undefined : made.out.toString('latin1', 0, made.length);
}

/**
 * `standInText` as a `ByteText` (src/core/secrets/byte-text.ts): the same characters, read from the
 * buffer they were written to, which the next call reuses.
 */
export function standInByteText(bytes: Uint8Array, runs?: number[]): ByteText | undefined {
  const made = standInBytes(bytes, runs);
  return made === undefined ? undefined : new ByteText(made.out, made.length, made.out === scratch);
}

/**
 * Gives up the buffer the last stand-in was written to (a `ByteText` read from it, with
 * `standInBuffer` set, holds it), so that the memory of earlier versions keeps it instead of a copy
 * (src/core/secrets/versions.ts); `replacement`, if any, becomes the buffer the next stand-in is
 * written to.
 */
export function takeStandInBuffer(replacement: Buffer | undefined): Buffer | undefined {
  const taken = scratch;
  scratch = replacement !== undefined && replacement.length <= SCRATCH_MAX_BYTES ? replacement : undefined;
  return taken;
}

/** The stand-in's characters as Latin-1 bytes, `out[0, length)` (a buffer reused from call to call), or undefined. */
function standInBytes(bytes: Uint8Array, runs?: number[]): { out: Buffer; length: number } | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buffer.length;
  const out = outputBuffer(length);
  let n = 0; // units written to `out`
  let copied = 0; // bytes before this are in `out`; those from here to `i` are ASCII, still to copy
  let i = 0;
  // ASCII stretches are found with isAscii (a SIMD scan), in 4 KiB blocks and then 256-byte ones
  // inside a block that is not ASCII, and copied in one piece each: on the bench corpus's 62 MB
  // of non-ASCII files only 6 MB lies in 256-byte blocks that hold a non-ASCII byte.
  while (i < length) {
    const blockEnd = Math.min(length, i + BLOCK);
    if (isAscii(buffer.subarray(i, blockEnd))) {
      i = blockEnd;
      continue;
    }
    while (i < blockEnd) {
      const end = Math.min(blockEnd, i + SMALL_BLOCK);
      if (isAscii(buffer.subarray(i, end))) {
        i = end;
        continue;
      }
      if (copied < i) n += buffer.copy(out, n, copied, i);
      // Character by character, checking the UTF-8 as it goes; a character may end past `end`.
      while (i < end) {
        const b = buffer[i];
        if (b < 0x80) {
          // The rest of its run of ASCII in a loop of its own: a quarter less time on a committed
          // bundle with scattered non-ASCII characters (docs/performance.md, "Stand-in texts").
          out[n++] = b;
          i++;
          while (i < end && buffer[i] < 0x80) out[n++] = buffer[i++];
          continue;
        }
        const c1 = buffer[i + 1]; // undefined past the end: fails every check below
        if (b < 0xc2 || b > 0xf4 || (c1 & 0xc0) !== 0x80) return undefined;
        if (b < 0xe0) {
          const kind = kindOf(((b & 0x1f) << 6) | (c1 & 0x3f));
          if (kind === REFUSED) return undefined;
          out[n++] = kind;
          i += 2;
          if (runs && !(buffer[i] >= 0x80)) runs.push(n, i - n);
          continue;
        }
        const c2 = buffer[i + 2];
        if ((c2 & 0xc0) !== 0x80) return undefined;
        if (b < 0xf0) {
          // Not overlong (E0 needs A0..BF next), not a surrogate (ED needs 80..9F next).
          if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 > 0x9f)) return undefined;
          const kind = kindOf(((b & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f));
          if (kind === REFUSED) return undefined;
          out[n++] = kind;
          i += 3;
          if (runs && !(buffer[i] >= 0x80)) runs.push(n, i - n);
          continue;
        }
        // Four bytes, U+10000..U+10FFFF (F0 needs 90..BF next, F4 80..8F): a surrogate pair.
        if ((buffer[i + 3] & 0xc0) !== 0x80 || (b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 > 0x8f)) return undefined;
        out[n++] = OTHER;
        out[n++] = OTHER;
        i += 4;
        if (runs && !(buffer[i] >= 0x80)) runs.push(n, i - n);
      }
      copied = i;
    }
  }
  if (copied < length) n += buffer.copy(out, n, copied, length);
  return { out, length: n };
}

/**
 * The byte offset in a stand-in's UTF-8 bytes of `offset` in the stand-in, given its `runs`
 * (`standInText`), for an offset outside every run of characters past ASCII: a line's start, its
 * line feed, the text's end.
 */
export function byteOffset(runs: readonly number[], offset: number): number {
  let lo = 0;
  let hi = runs.length >> 1; // runs[2k] is the k-th run's end, ascending
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[2 * mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return offset + (lo === 0 ? 0 : runs[2 * lo - 1]);
}

/** Matches a placeholder: in a stand-in, every character past ASCII is one. */
export const PLACEHOLDER = /[\x80\xa0]/;

/** Placeholder of a character `\s` matches (U+00A0, NO-BREAK SPACE, itself one). */
export const SPACE = 0xa0;
/** Placeholder of any other non-ASCII code unit (U+0080, a C1 control no pattern names). */
export const OTHER = 0x80;

const BLOCK = 4096;
const SMALL_BLOCK = 256;
/** kindOf's answer for a character standInText cannot stand in for. */
const REFUSED = -1;

/**
 * The characters past ASCII that `\s` matches (ECMAScript's WhiteSpace), and those refused: the
 * line terminators U+2028 and U+2029, and ſ U+017F and K U+212A, which may match ASCII
 * under case-insensitive Unicode matching. test/unit/stand-in.test.ts checks both lists against
 * the regex engine over the whole BMP.
 */
export const SPACES = [0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000, 0xfeff];
export const REFUSED_CHARACTERS = [0x017f, 0x2028, 0x2029, 0x212a];

/** The placeholder of a BMP character past ASCII, or REFUSED. */
function kindOf(cp: number): number {
  // Most characters are neither: one test settles all but a few ranges.
  if (cp !== 0xa0 && cp !== 0x017f && cp !== 0x1680 && (cp < 0x2000 || cp > 0x212a) && cp !== 0x3000 && cp !== 0xfeff) return OTHER;
  if (REFUSED_CHARACTERS.includes(cp)) return REFUSED;
  return SPACES.includes(cp) ? SPACE : OTHER;
}

/**
 * The output buffer of standInText: one buffer shared by every call (the string is copied out of
 * it), grown to the largest text up to SCRATCH_MAX_BYTES; a larger text gets one of its own, freed
 * with it. A fresh buffer per call cost its pages' first touch: 200 versions of a 1.2 MB bundle took
 * 40–44 ms to copy into fresh buffers against 24 ms into one (docs/performance.md, "Stand-in texts").
 */
function outputBuffer(length: number): Buffer {
  if (length > SCRATCH_MAX_BYTES) return Buffer.allocUnsafe(length);
  if (!scratch || scratch.length < length) scratch = Buffer.allocUnsafeSlow(Math.max(SCRATCH_MIN_BYTES, length));
  return scratch;
}

let scratch: Buffer | undefined;
const SCRATCH_MIN_BYTES = 1024 * 1024;
/** The default max-file-size: every text read whole by default, and a window of a file read in pieces (4 MiB and its margins). */
const SCRATCH_MAX_BYTES = 5 * 1024 * 1024;
