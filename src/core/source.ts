import { isAscii } from 'node:buffer';
import { ByteText } from './secrets/byte-text.js';
import { byteOffset, standInByteText, standInText } from './stand-in.js';
import type { ScanSettings, SourceFile, Skipped, StandIn } from './types.js';

const BINARY_SNIFF_BYTES = 8 * 1024;

/**
 * Turns raw bytes into a SourceFile, or says why it was skipped (docs/architecture.md, "Scanning input"): a NUL byte in the
 * first 8 KiB means binary, unless the file is UTF-16 text (`utf16Text`); files over `maxFileSize`
 * are too large. Invalid UTF-8 is decoded with replacement characters rather than rejected, so the
 * rest of the file is still scanned.
 */
export function toSourceFile(
  path: string,
  bytes: Uint8Array,
  settings: Pick<ScanSettings, 'maxFileSize'>,
  addedLines?: ReadonlySet<number>,
  decode: (bytes: Uint8Array) => string = decodeText,
): SourceFile | Skipped {
  if (bytes.length > settings.maxFileSize) {
    return { path, reason: 'too-large', detail: `${bytes.length} bytes exceeds max-file-size ${settings.maxFileSize}` };
  }
  const sniff = bytes.subarray(0, BINARY_SNIFF_BYTES);
  let content: string;
  if (sniff.indexOf(0) === -1) content = decode(bytes);
  else {
    // A NUL byte: binary, unless the file is UTF-16 text (PowerShell's Out-File, regedit exports),
    // where every other byte of ASCII text is NUL.
    const utf16 = utf16Text(bytes);
    if (utf16 === undefined) return { path, reason: 'binary', detail: 'NUL byte in the first 8 KiB' };
    content = utf16;
  }
  return addedLines ? { path, content, addedLines } : { path, content };
}

/**
 * `toSourceFile` for a reader that hands each file to the scan before it reads the next
 * (src/core/parallel/read-file.ts): a UTF-8 text that is not pure ASCII becomes a stand-in
 * (src/core/stand-in.ts, `SourceFile.standIn`), whose real text is decoded only if asked for,
 * while `fresh()` says the bytes are still those of this file.
 */
export function toStandInSourceFile(
  path: string,
  bytes: Uint8Array,
  settings: Pick<ScanSettings, 'maxFileSize'>,
  fresh: () => boolean,
  decode: (bytes: Uint8Array) => string = decodeText,
  byteTextFrom = Number.POSITIVE_INFINITY,
): SourceFile | Skipped {
  let runs: number[] | undefined;
  let byteText: ByteText | undefined;
  const file = toSourceFile(path, bytes, settings, undefined, (b) => {
    const text = engineText(b, decode, byteTextFrom);
    runs = text.runs;
    byteText = text.byteText;
    return text.text ?? '';
  });
  if (!('content' in file)) return file;
  const check = () => {
    if (!fresh()) throw new Error(`${path}: the bytes behind a stand-in text were reused before its real text was read`);
  };
  const made: SourceFile = runs ? { ...file, standIn: realTextOf(bytes, runs, decode, check) } : file;
  if (byteText !== undefined) withByteText(made, byteText, check);
  return made;
}

/**
 * A file whose engine text is read from its bytes (`SourceFile.byteText`, history mode): its
 * `content` is that text made whole the first time something reads it (nothing in a history scan
 * does: the secrets engine reads the bytes), while they are still this file's (`check`). Not
 * enumerable, so that a copy of the file (`{ ...file }`) does not make it.
 */
function withByteText(file: SourceFile, byteText: ByteText, check: () => void): void {
  let whole: string | undefined;
  file.byteText = byteText;
  Object.defineProperty(file, 'content', {
    get: () => {
      if (whole === undefined) {
        check();
        whole = byteText.toString();
      }
      return whole;
    },
    enumerable: false,
    configurable: true,
  });
}

/**
 * The real text behind a stand-in made of `bytes` (`SourceFile.standIn`); `runs` maps its offsets
 * to the bytes (`standInText`).
 */
function realTextOf(bytes: Uint8Array, runs: readonly number[], decode: (bytes: Uint8Array) => string, check: () => void = () => undefined): StandIn {
  return {
    exact: () => {
      check();
      return decode(bytes);
    },
    slice: (from, to) => {
      check();
      return decode(bytes.subarray(byteOffset(runs, from), byteOffset(runs, Math.max(from, to))));
    },
  };
}

/**
 * A SourceFile of text bytes (no binary or size check: `PieceScanner` makes its own), a stand-in
 * when it can be one. The bytes must stay as they are until the secrets engine is done with it.
 */
export function textSourceFile(path: string, bytes: Uint8Array, addedLines?: ReadonlySet<number>): SourceFile {
  const { text, runs } = engineText(bytes, decodeText);
  const file: SourceFile = addedLines ? { path, content: text!, addedLines } : { path, content: text! };
  if (runs) file.standIn = realTextOf(bytes, runs, decodeText);
  return file;
}

/**
 * The text the secrets engine reads for `bytes`: a Latin-1 copy of pure ASCII, a stand-in (with
 * its `runs`, `standInText`), or `decode`'s.
 */
function engineText(bytes: Uint8Array, decode: (bytes: Uint8Array) => string, byteTextFrom = Number.POSITIVE_INFINITY): { text?: string; byteText?: ByteText; runs?: number[] } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A long text read from its bytes where it is one byte a character (src/core/secrets/byte-text.ts).
  const fromBytes = buffer.length >= byteTextFrom;
  if (isAscii(buffer)) return fromBytes ? { byteText: new ByteText(buffer, buffer.length) } : { text: buffer.toString('latin1') };
  const runs: number[] = [];
  if (fromBytes) {
    const byteText = standInByteText(buffer, runs);
    return byteText !== undefined ? { byteText, runs } : { text: decode(bytes) };
  }
  const text = standInText(buffer, runs);
  return text === undefined ? { text: decode(bytes) } : { text, runs };
}

/**
 * The file with its real text in place of a stand-in (see `SourceFile.standIn`). Without its
 * `versions` (history mode): the thread's memory of earlier versions holds their stand-ins, and
 * this text is scanned whole.
 */
export function exactSourceFile(file: SourceFile): SourceFile {
  if (file.standIn === undefined) return file;
  const { standIn, versions: _versions, byteText: _byteText, ...rest } = file;
  return { ...rest, content: standIn.exact() };
}

/**
 * `bytes` as UTF-16 text, or undefined when they are not. UTF-16 with a byte-order mark (FF FE,
 * FE FF; not FF FE 00 00, UTF-32's) is decoded in that order; without one, the first 8 KiB must
 * read as text in one byte order (`utf16Order`). Either way the first 8 KiB decoded must hold no
 * U+0000 and no other control character but tab, line feed, carriage return and form feed: that
 * is what makes it text rather than a binary format that happens to open with FF FE or hold
 * UTF-16 strings. The mark is dropped, so columns on the first line count as an editor does; an
 * odd last byte (half a code unit) is dropped too.
 */
export function utf16Text(bytes: Uint8Array): string | undefined {
  const layout = utf16Layout(bytes.subarray(0, 2 + BINARY_SNIFF_BYTES));
  if (layout === undefined) return undefined;
  const { order, from } = layout;
  const even = bytes.subarray(from, from + ((bytes.length - from) & ~1));
  const le = Buffer.from(even); // a copy: swapping must not touch the caller's bytes
  if (order === 'be') le.swap16();
  return le.toString('utf16le');
}

/**
 * How a file that starts with `start` (its first 8 KiB and two bytes, or all of it when shorter)
 * is UTF-16 text (`utf16Text`): its byte order and where its text starts (2 past a byte-order
 * mark, else 0); undefined when it is not. Asked of a file's start alone, so that a file read in
 * pieces (src/core/secrets/pieces.ts) is judged as a whole file is.
 */
export function utf16Layout(start: Uint8Array): { order: 'le' | 'be'; from: number } | undefined {
  if (start.length < 2) return undefined;
  let order: 'le' | 'be' | undefined;
  let from = 2; // past the byte-order mark
  let unmarked: 'ascii' | 'other' | undefined;
  if (start[0] === 0xff && start[1] === 0xfe) order = start.length >= 4 && start[2] === 0 && start[3] === 0 ? undefined : 'le';
  else if (start[0] === 0xfe && start[1] === 0xff) order = 'be';
  else {
    const sniff = start.subarray(0, BINARY_SNIFF_BYTES);
    order = utf16Order(sniff);
    unmarked = 'ascii';
    if (order === undefined) {
      order = utf16NulOrder(sniff);
      unmarked = 'other';
    }
    from = 0;
  }
  if (order === undefined) return undefined;
  const units = Buffer.from(start.subarray(from, from + Math.min(BINARY_SNIFF_BYTES, (start.length - from) & ~1)));
  if (order === 'be') units.swap16();
  const text = units.toString('utf16le');
  if (UTF16_CONTROL.test(text)) return undefined;
  return unmarked === 'other' && NOT_TEXT.test(text) ? undefined : { order, from };
}

/**
 * What text in any script holds few or none of, and bytes read as UTF-16 in the wrong order or
 * not UTF-16 at all hold many of: unassigned code points, private-use ones and halves of
 * surrogate pairs without their other half.
 */
const NOT_TEXT = /[\p{Cn}\p{Co}\p{Cs}]/u;

/** Control characters a UTF-16 text does not hold (all but tab, LF, FF, CR); U+0000 included. */
const UTF16_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/**
 * The byte order in which `sniff` (a file's start, no byte-order mark, not mostly ASCII: Japanese,
 * Chinese, Cyrillic… text) may be UTF-16: its NUL bytes are the high bytes of its ASCII characters
 * (line ends, spaces, digits, the ASCII of a token), so at least NUL_MIN of them, and all but one
 * in twenty on one side of each pair (a character U+xx00 puts its NUL on the other). A binary
 * format's NULs fall on both sides; what is left is then judged on the decoded text
 * (`utf16Layout`: no control character, and nothing unassigned, private-use or half a surrogate
 * pair, `NOT_TEXT`).
 */
function utf16NulOrder(sniff: Uint8Array): 'le' | 'be' | undefined {
  let odd = 0; // little-endian: the high byte is the second of each pair
  let even = 0;
  const length = sniff.length & ~1;
  for (let i = 0; i < length; i += 2) {
    if (sniff[i] === 0) even++;
    if (sniff[i + 1] === 0) odd++;
  }
  const nuls = odd + even;
  if (nuls < NUL_MIN) return undefined;
  if (odd * 20 >= nuls * 19) return 'le';
  if (even * 20 >= nuls * 19) return 'be';
  return undefined;
}

/** The fewest NUL bytes that make a start without a byte-order mark UTF-16 of a non-Latin script (`utf16NulOrder`). */
const NUL_MIN = 8;

/**
 * The byte order in which `sniff` (a file's start, no byte-order mark) reads as UTF-16 text of
 * mostly ASCII characters: at least 16 code units, nine in ten with a zero high byte, in one
 * order only. Binary formats that happen to hold a NUL every other byte for a while (tables of
 * 16-bit numbers) then fail the control-character check of `utf16Text`.
 */
function utf16Order(sniff: Uint8Array): 'le' | 'be' | undefined {
  const units = sniff.length >> 1;
  if (units < 16) return undefined;
  let zeroHigh = 0; // little-endian: odd bytes zero
  let zeroLow = 0; // big-endian: even bytes zero
  for (let i = 0; i < units; i++) {
    const a = sniff[2 * i];
    const b = sniff[2 * i + 1];
    if (b === 0 && a !== 0) zeroHigh++;
    else if (a === 0 && b !== 0) zeroLow++;
  }
  if (zeroHigh * 10 >= units * 9) return 'le';
  if (zeroLow * 10 >= units * 9) return 'be';
  return undefined;
}

/**
 * UTF-8 bytes to a string. Most source files are pure ASCII, where UTF-8 and Latin-1 agree byte for
 * byte: `isAscii` (SIMD) proves it and the Latin-1 copy is 2-3x cheaper than UTF-8 decoding, which
 * validates every byte (docs/performance.md, "Decoding"). Anything else is decoded as UTF-8, invalid
 * sequences becoming U+FFFD; with `block`, in blocks of that many bytes (`decodeBlob`).
 */
export function decodeText(bytes: Uint8Array, block?: number): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii(buffer)) return buffer.toString('latin1');
  return block !== undefined && buffer.length > block ? decodeInBlocks(buffer, block) : buffer.toString('utf8');
}

/**
 * UTF-8 in blocks of about `block` bytes, each cut before a byte that is not a continuation byte
 * (at most 3 bytes back in valid UTF-8), pure-ASCII blocks as Latin-1, the rest as UTF-8: the same
 * string as decoding the whole, invalid bytes included (V8 replaces each maximal invalid sequence,
 * and none runs past a byte that is not a continuation byte). Exported for its tests, which check
 * that on random and adversarial bytes.
 */
export function decodeInBlocks(buffer: Buffer, block: number): string {
  let text = '';
  for (let at = 0; at < buffer.length; ) {
    let end = Math.min(buffer.length, at + block);
    while (end > at && end < buffer.length && (buffer[end] & 0xc0) === 0x80) end--; // a continuation byte
    if (end === at) for (end = at + 1; end < buffer.length && (buffer[end] & 0xc0) === 0x80; ) end++; // a block shorter than its character
    const part = buffer.subarray(at, end);
    text += isAscii(part) ? part.toString('latin1') : part.toString('utf8');
    at = end;
  }
  return text;
}

/** Bytes per block of `decodeBlob` (16 KiB: 206–221 ms on the bundle history below, 64 KiB 235–264). */
export const DECODE_BLOCK = 16 * 1024;

/**
 * `decodeText` for history blobs (src/workspace/history-blob.ts). Before Node 24, V8's UTF-8
 * decoder copies a text's ASCII start at once and then reads a byte at a time, so a committed
 * bundle whose licence line holds a `©` decodes at ~500 MB/s. Decoded in blocks instead (pure-ASCII
 * blocks copied as Latin-1, the others decoded as UTF-8, the parts joined), every non-ASCII blob of
 * bench/history.ts's bundle history (222 MB) took 206–221 ms against 412–436 ms, actions/checkout's
 * (501 MB) 590–638 against 765–793 ms (Node 20, the joined string flattened as the engine does).
 * Node 24 decodes UTF-8 with SIMD, faster than either: it keeps `decodeText`. A tree scan keeps it
 * too: there the parts and the joined string of a large file live at once (docs/performance.md,
 * "On 2 cores the total CPU decides": +15 MB peak RSS on the bench corpus, for no speed).
 */
export const decodeBlob: (bytes: Uint8Array) => string = Number(process.versions.node.split('.')[0]) < 24 ? (bytes) => decodeText(bytes, DECODE_BLOCK) : decodeText;

export function isSkipped(x: SourceFile | Skipped): x is Skipped {
  return (x as Skipped).reason !== undefined && (x as SourceFile).content === undefined;
}
