/**
 * A long text read from its Latin-1 bytes (one byte a character) instead of one string
 * (docs/history.md, "Texts read from their bytes"). History mode scans hundreds of versions of a
 * committed bundle of ~1 MB: made whole, each version's text was a string that V8 puts in its
 * large-object space (or, past ~1 MB, that Node copies into `malloc`'d memory), in pages touched
 * for the first time, one page fault per 4 KiB, and each grew the old generation until a full
 * collection. On actions/checkout's 451 versions of `dist/index.js` that was 150–230 ms and
 * 73,000 page faults. Read from the bytes, a version makes strings only of what the engine reads:
 * the windows its regexes run on (a version takes over the last one's windows where the two agree),
 * the values and lines it judges.
 *
 * The secrets engine reads a text through `charCodeAt`, `slice`, `substring`, `indexOf` and
 * `lastIndexOf` of a line feed, and `length` (`EngineText`); a `ByteText` answers each as the whole
 * string would. A regex runs on a window's `slice`, a real string.
 *
 * The bytes are a view: of a blob's bytes, or of the stand-in's buffer (src/core/stand-in.ts),
 * both reused for the next blob. So a `ByteText` of a version is read only while that version is
 * scanned (src/workspace/history-blob.ts), and the memory of earlier versions keeps a copy
 * (versions.ts).
 */
export class ByteText {
  constructor(
    /** The characters, `bytes[0, length)`. */
    readonly bytes: Buffer,
    readonly length: number,
    /** Set when `bytes` is the stand-in's own buffer (src/core/stand-in.ts, `takeStandInBuffer`), which a keeper may take instead of copying it. */
    readonly standInBuffer = false,
  ) {}

  /** As `String.prototype.charCodeAt`: NaN outside the text. */
  charCodeAt(index: number): number {
    return index >= 0 && index < this.length ? this.bytes[index] : Number.NaN;
  }

  /** As `String.prototype.slice` for offsets of 0 or more (past the end: up to the end). */
  slice(from: number, to: number = this.length): string {
    const start = Math.min(from, this.length);
    const end = Math.min(to, this.length);
    return end <= start ? '' : this.bytes.latin1Slice(start, end);
  }

  /** As `String.prototype.substring` for offsets of 0 or more. */
  substring(from: number, to: number = this.length): string {
    return from <= to ? this.slice(from, to) : this.slice(to, from);
  }

  /** As `String.prototype.indexOf` of one character (a line feed), from `from`. */
  indexOf(character: string, from = 0): number {
    if (character.length !== 1) throw new Error('ByteText.indexOf looks for one character');
    const code = character.charCodeAt(0);
    const bytes = this.bytes;
    let at = Math.max(0, from);
    // Most lines are short: a loop finds their end before a call into Node's search would return.
    for (const near = Math.min(this.length, at + NEAR); at < near; at++) if (bytes[at] === code) return at;
    if (at >= this.length) return -1;
    const found = bytes.indexOf(code, at);
    return found >= 0 && found < this.length ? found : -1;
  }

  /** As `String.prototype.lastIndexOf` of one character (a line feed), at or before `from`. */
  lastIndexOf(character: string, from = this.length): number {
    if (character.length !== 1) throw new Error('ByteText.lastIndexOf looks for one character');
    const code = character.charCodeAt(0);
    const bytes = this.bytes;
    let at = Math.min(Math.max(from, 0), this.length - 1);
    for (const near = Math.max(-1, at - NEAR); at > near; at--) if (bytes[at] === code) return at;
    return at < 0 ? -1 : bytes.lastIndexOf(code, at);
  }

  /** `indexOf('\n', from)` for a caller that asks once a line (`LineIndex`): the loop alone. */
  newlineFrom(from: number): number {
    const bytes = this.bytes;
    for (let at = from, n = this.length; at < n; at++) if (bytes[at] === 10) return at;
    return -1;
  }

  /** Copies characters [from, to) into `buffer` at `at` (one byte each); returns how many. */
  copyTo(buffer: Buffer, at: number, from: number, to: number): number {
    return this.bytes.copy(buffer, at, from, Math.min(to, this.length));
  }

  /** The whole text as one string (for a caller that needs it all: none in a history scan). */
  toString(): string {
    return this.slice(0, this.length);
  }
}

declare module 'node:buffer' {
  interface Buffer {
    /** What `toString('latin1', from, to)` calls, without its argument checks (Node's own, untyped). */
    latin1Slice(from: number, to: number): string;
  }
}

/** How far `indexOf` and `lastIndexOf` look in a loop of their own before they ask Node's search. */
const NEAR = 256;

/** What the secrets engine reads: a string, or (history mode) a long version read from its bytes. */
export type EngineText = string | ByteText;

/**
 * Texts this long or longer are read from their bytes in history mode. From 128 KiB (where V8
 * starts putting strings in its large-object space) expressjs/express's history, whose longer
 * texts are 130–460 KB changelogs and docs, took ~5 % longer: the engine's reads cost more than the
 * string saves there. A committed bundle is 1 MB or more.
 */
export const BYTE_TEXT_FROM = 512 * 1024;
