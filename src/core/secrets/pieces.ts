import { textSourceFile, utf16Layout } from '../source.js';
import type { LineSink } from '../diff/unified.js';
import type { Finding, ScanSettings, SecretSink, Skipped } from '../types.js';
import { lowerBound } from './candidates.js';
import { limitFinding, MAX_SECRETS_PER_FILE, scanSecrets } from './engine.js';

/**
 * Secrets in a file larger than max-file-size, scanned in pieces of bounded size instead of being
 * skipped (docs/architecture.md, "Scanning input"). A skip fails no check, so a change could
 * otherwise hide a token by padding its file past the limit; gitleaks and trufflehog read files
 * of any size. The file is not parsed for identities (no infrastructure file is that large).
 *
 * The bytes arrive in order (`push`), and are cut into consecutive *own* ranges of about PIECE
 * bytes, each ending after a line feed when one is near. Each own range is scanned as the text of
 * a window that starts up to BACK bytes before it and runs AHEAD bytes past it, and keeps the
 * findings that *start* inside it, so each finding is found by exactly one window, with at least
 * BACK bytes of text before its start (the keyword and name before a value: windows reach 2 KiB
 * forward from a keyword) and AHEAD after it (the longest match the engine re-runs for is 64 Ki
 * characters: src/core/secrets/candidates.ts, TRUNCATED_REACH). Lines and columns are the whole
 * file's: line feeds and UTF-16 units are counted over the bytes as they pass. Memory is bounded
 * by PIECE + BACK + AHEAD bytes and their text, whatever the file's size.
 *
 * A file is judged on its first 8 KiB as a whole file is (src/core/source.ts): a NUL byte there
 * makes it binary, unless it is UTF-16 text (`utf16Layout`), whose bytes are then turned into UTF-8
 * as they come (the same lines, and the same UTF-16 columns counted over them), so a UTF-16 file
 * over max-file-size is scanned too.
 */
export const PIECE = 4 * 1024 * 1024;
export const BACK = 64 * 1024;
export const AHEAD = 256 * 1024;
const SNIFF = 8 * 1024;
/** A store holds at least this much beyond a piece and its margins, for the push that fills it. */
const MIN_PUSH_ROOM = 64 * 1024;

export interface PieceSizes {
  piece: number;
  back: number;
  ahead: number;
}

interface Position {
  /** 1-based line. */
  line: number;
  /** UTF-16 units on that line before the position (the column is this + 1). */
  units: number;
}

export class PieceScanner {
  /**
   * The bytes pushed and not yet dropped, in `store` (grown when a push does not fit, and reused:
   * each byte is copied in once): `buf` is its filled part, and `buf[0]` is the file's byte `base`.
   */
  private store: Buffer = Buffer.alloc(0);
  private buf: Buffer = this.store;
  private base = 0;
  /** Start of the next own range, and its position. */
  private ownFrom = 0;
  private at: Position = { line: 1, units: 0 };
  private readonly found: Finding[] = [];
  /** Change modes: the added lines, ascending. */
  private readonly added?: number[];
  binary = false;
  /** How pushed bytes are read: not known before the file's first 8 KiB (and two) have come, then as they are, or as UTF-16 in this order. */
  private layout: 'unknown' | 'bytes' | 'le' | 'be' = 'unknown';
  /** The file's first bytes, while its layout is not known. */
  private head: Buffer[] = [];
  private headBytes = 0;
  /** UTF-16: bytes that do not make a whole character yet (an odd byte, the first half of a surrogate pair). */
  private carry: Buffer = Buffer.alloc(0);

  constructor(
    readonly path: string,
    private readonly settings: ScanSettings,
    addedLines?: ReadonlySet<number>,
    private readonly reveal?: SecretSink,
    /** Tests only: smaller pieces. */
    private readonly sizes: PieceSizes = { piece: PIECE, back: BACK, ahead: AHEAD },
  ) {
    if (addedLines) this.added = [...addedLines].sort((a, b) => a - b);
  }

  /**
   * Change modes, lines learnt as the bytes stream (a streamed patch): `line` counts as added.
   * Call it before pushing the line's bytes; only for a scanner made with `addedLines`.
   */
  markAdded(line: number): void {
    const added = this.added!;
    added.push(line);
    if (added.length > 1 && added[added.length - 2] > line) added.sort((a, b) => a - b);
  }

  /** Bytes that follow those already pushed (copied: the caller may reuse its buffer). */
  push(bytes: Uint8Array): void {
    if (this.binary) return;
    if (this.layout === 'unknown') {
      this.head.push(Buffer.from(bytes));
      this.headBytes += bytes.length;
      if (this.headBytes >= SNIFF + 2) this.decide();
      return;
    }
    this.add(this.layout === 'bytes' ? bytes : this.transcode(bytes, false));
  }

  /** Reads the file's first bytes (`head`): binary, UTF-16 text, or bytes taken as they are. */
  private decide(): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    if (head.subarray(0, SNIFF).indexOf(0) === -1) {
      this.layout = 'bytes';
      this.add(head);
      return;
    }
    const utf16 = utf16Layout(head.subarray(0, SNIFF + 2));
    if (utf16 === undefined) {
      this.binary = true;
      return;
    }
    this.layout = utf16.order;
    this.add(this.transcode(head.subarray(utf16.from), false));
  }

  /**
   * UTF-16 bytes (after those carried over) as UTF-8; an odd last byte and the first half of a
   * surrogate pair wait for what follows, unless this is the `last` of the file (then a half pair
   * is read as it is, and an odd byte dropped, as `utf16Text` does).
   */
  private transcode(bytes: Uint8Array, last: boolean): Buffer {
    const data = Buffer.concat([this.carry, bytes]); // a copy: swapping must not touch the caller's bytes
    let whole = data.length & ~1;
    const le = this.layout === 'le';
    if (!last && whole >= 2) {
      const unit = le ? data[whole - 2] | (data[whole - 1] << 8) : (data[whole - 2] << 8) | data[whole - 1];
      if (unit >= 0xd800 && unit <= 0xdbff) whole -= 2;
    }
    this.carry = last ? Buffer.alloc(0) : Buffer.from(data.subarray(whole));
    const units = data.subarray(0, whole);
    if (!le) units.swap16();
    return Buffer.from(units.toString('utf16le'), 'utf8');
  }

  /** Bytes of the text to scan (UTF-8), copied: the caller may reuse them. */
  private add(bytes: Uint8Array): void {
    const used = this.buf.length;
    if (used + bytes.length > this.store.length) {
      // Room for a piece, its two margins and this push, so that the store seldom grows again.
      const { piece, back, ahead } = this.sizes;
      const grown = Buffer.allocUnsafeSlow(Math.max(used + bytes.length, piece + back + ahead + 4 + Math.max(bytes.length, MIN_PUSH_ROOM)));
      this.buf.copy(grown, 0, 0, used);
      this.store = grown;
    }
    this.store.set(bytes, used);
    this.buf = this.store.subarray(0, used + bytes.length);
    while (!this.binary && this.end() >= this.ownFrom + this.sizes.piece + this.sizes.ahead + 4) this.scanPiece(false);
  }

  /**
   * The findings, in file order, once every byte was pushed; undefined for a binary file (a NUL
   * byte in its first 8 KiB, as for any file: src/core/source.ts).
   */
  finish(): Finding[] | undefined {
    if (this.layout === 'unknown') this.decide();
    if (!this.binary && (this.layout === 'le' || this.layout === 'be')) this.add(this.transcode(Buffer.alloc(0), true));
    while (!this.binary && this.ownFrom < this.end()) this.scanPiece(true);
    if (this.binary) return undefined;
    const limit = this.settings.limits?.secretsPerFile ?? MAX_SECRETS_PER_FILE;
    if (this.found.length <= limit) return this.found;
    const shown = this.found.slice(0, limit);
    shown.push(limitFinding(this.path, this.found[limit].line, `${this.found.length - limit} more secret findings in this file not reported (limit ${limit} per file)`));
    return shown;
  }

  /** The end of the bytes pushed so far. */
  private end(): number {
    return this.base + this.buf.length;
  }

  private scanPiece(last: boolean): void {
    const { buf, base } = this;
    const end = this.end();
    const ownFrom = this.ownFrom;
    // The own range ends after a line feed within its last BACK bytes, else at a character start.
    const { piece, back, ahead } = this.sizes;
    const ownTo = last && end - ownFrom <= piece + ahead ? end : this.cut(ownFrom + piece);
    const winFrom = ownFrom === 0 ? 0 : this.windowStart(ownFrom);
    const winTo = ownTo === end ? end : this.charStart(Math.min(end, ownTo + ahead));
    const start = this.before(winFrom, ownFrom, this.at);
    const ownEnd = ownTo === end ? undefined : this.advance(ownFrom, ownTo, this.at);
    const bytes = buf.subarray(winFrom - base, winTo - base);
    const addedLines = this.added && this.windowLines(start.line, bytes);
    // A stand-in text where it can be one (src/core/stand-in.ts): the bytes stay put until the scan returns.
    for (const f of scanSecrets(textSourceFile(this.path, bytes, addedLines), this.settings, this.reveal)) {
      const placed = shifted(f, start);
      if (compare(placed, this.at) < 0 || (ownEnd && compare(placed, ownEnd) >= 0)) continue;
      this.found.push(placed);
    }
    this.ownFrom = ownTo;
    if (ownEnd) this.at = ownEnd;
    // Keep BACK bytes before the next own range: the next window reads them.
    const keepFrom = this.charStart(Math.max(base, ownTo - back)); // a window never starts inside a character
    // Moved to the store's start, over the bytes scanned (the scan above is over: nothing reads them).
    const kept = buf.length - (keepFrom - base);
    this.store.copyWithin(0, keepFrom - base, buf.length);
    this.buf = this.store.subarray(0, kept);
    this.base = keepFrom;
  }

  /** Just after the last line feed in [at − BACK, at), else the character start at or before `at`. */
  private cut(at: number): number {
    const from = Math.max(this.ownFrom + 1, at - this.sizes.back) - this.base;
    const nl = this.buf.lastIndexOf(10, at - this.base - 1);
    return nl >= from ? this.base + nl + 1 : this.charStart(at);
  }

  /** Just after the first line feed in [ownFrom − BACK, ownFrom), else a character start near ownFrom − BACK. */
  private windowStart(ownFrom: number): number {
    const from = Math.max(this.base, ownFrom - this.sizes.back);
    const nl = this.buf.indexOf(10, from - this.base);
    return nl !== -1 && this.base + nl < ownFrom ? this.base + nl + 1 : this.charStart(from);
  }

  /** The start of the character holding byte `at` (UTF-8: not a continuation byte). */
  private charStart(at: number): number {
    let i = at;
    while (i > this.base && i < this.end() && (this.buf[i - this.base] & 0xc0) === 0x80) i--;
    return i;
  }

  /** Position of `from`, given the position of `to` (from ≤ to). */
  private before(from: number, to: number, at: Position): Position {
    if (from === to) return at;
    const range = this.buf.subarray(from - this.base, to - this.base);
    let lines = 0;
    for (let i = range.indexOf(10); i !== -1; i = range.indexOf(10, i + 1)) lines++;
    if (lines === 0) return { line: at.line, units: at.units - units(range) };
    return { line: at.line - lines, units: 0 }; // `from` is at a line start (windowStart)
  }

  /** Position of `to`, given the position of `from` (from ≤ to). */
  private advance(from: number, to: number, at: Position): Position {
    const range = this.buf.subarray(from - this.base, to - this.base);
    const lastNl = range.lastIndexOf(10);
    if (lastNl === -1) return { line: at.line, units: at.units + units(range) };
    let lines = 0;
    for (let i = range.indexOf(10); i !== -1; i = range.indexOf(10, i + 1)) lines++;
    return { line: at.line + lines, units: units(range.subarray(lastNl + 1)) };
  }

  /** The change's added lines inside a window starting at line `first`, numbered from the window's first line. */
  private windowLines(first: number, bytes: Buffer): Set<number> {
    let count = 1;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
    const out = new Set<number>();
    const added = this.added!;
    for (let i = lowerBound(added, first); i < added.length && added[i] < first + count; i++) out.add(added[i] - first + 1);
    return out;
  }
}

/** UTF-16 units the UTF-8 `bytes` decode to (each lead byte one, a 4-byte lead two). */
function units(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/** A window's finding placed in the whole file. */
function shifted(f: Finding, start: Position): Finding {
  const out: Finding = { ...f, line: start.line + f.line - 1, column: f.line === 1 ? start.units + f.column : f.column };
  if (f.endLine !== undefined) {
    out.endLine = start.line + f.endLine - 1;
    if (f.endColumn !== undefined) out.endColumn = f.endLine === 1 ? start.units + f.endColumn : f.endColumn;
  }
  return out;
}

/** Orders a finding's start against a position. */
function compare(f: Finding, p: Position): number {
  return f.line - p.line || f.column - (p.units + 1);
}

/** Every secret in `bytes` (already in memory) scanned in pieces: the whole-file alternative for an over-size file. */
export function scanBytesInPieces(path: string, bytes: Uint8Array, settings: ScanSettings, addedLines?: ReadonlySet<number>, reveal?: SecretSink, sizes?: PieceSizes): Finding[] | undefined {
  const pieces = new PieceScanner(path, settings, addedLines, reveal, sizes);
  const step = sizes?.piece ?? PIECE;
  for (let at = 0; at < bytes.length; at += step) pieces.push(bytes.subarray(at, at + step));
  return pieces.finish();
}

/**
 * A file or blob over max-file-size that arrives as a stream it cannot stop (an HTTP body, git's
 * output) is read in pieces up to this size (GitHub's raw contents serve up to 100 MB); past it, it
 * stays a skip, unread.
 */
export const MAX_STREAMED_BYTES = 100 * 1024 * 1024;

/**
 * Names of formats that are never text (images, archives, executables, packages, fonts, media, model
 * weights and data files): such a change or blob, when a stream would have to be read whole to learn
 * that it is binary, is not read at all. A history can hold many versions of a large model or data
 * file, and git would inflate and send each of them only for it to be dropped.
 */
export const KNOWN_BINARY_NAME = /\.(?:png|jpe?g|gif|ico|bmp|webp|heic|avif|tiff?|psd|pdf|zip|gz|tgz|bz2|xz|zst|7z|rar|tar|jar|war|ear|whl|class|exe|dll|so|dylib|msi|deb|rpm|apk|ipa|dmg|iso|woff2?|ttf|otf|eot|mp[34]|m4a|mov|avi|mkv|webm|wav|flac|ogg|wasm|pyc|bin|pt|pth|onnx|h5|hdf5|pkl|npy|npz|parquet|sqlite3?)$/i;

/** Text gathered before a push: one push per this many characters, not one per line. */
const BATCH_CHARS = 64 * 1024;

/**
 * An over-size file's patch, streamed (the per-commit scans' `git log -p`): its head-side lines at
 * their line numbers, lines the patch does not show left empty, as `patchView` lays out a patch
 * that fits, read in pieces; only the added lines are judged. `done` gets the findings (none for
 * a binary text).
 */
export function patchInPieces(path: string, settings: ScanSettings, done: (findings: Finding[]) => void, reveal?: SecretSink): LineSink {
  const pieces = new PieceScanner(path, settings, new Set(), reveal);
  let next = 1;
  let text = '';
  const flush = () => {
    if (text.length > 0) pieces.push(Buffer.from(text));
    text = '';
  };
  return {
    line(newLine, line, added) {
      if (newLine < next) return; // never in a well-formed patch: hunks run forward
      if (added) pieces.markAdded(newLine);
      text += '\n'.repeat(newLine - next) + line + '\n';
      next = newLine + 1;
      if (text.length >= BATCH_CHARS) flush();
    },
    end() {
      flush();
      done(pieces.finish() ?? []);
    },
  };
}

/** How the detail of a `too-large` skip read in pieces ends. */
const READ_IN_PIECES = ': scanned for secrets in pieces, not parsed for identities';

/** The skip of a file read in pieces: not parsed for identities, its secrets reported. */
export function piecesRead(skip: Skipped, secrets: Finding[]): Skipped {
  return { ...skip, detail: `${skip.detail}${READ_IN_PIECES}`, secrets };
}

/** A `too-large` skip whose file was still scanned for secrets, in pieces (the reports count these apart). */
export function wasReadInPieces(skip: Skipped): boolean {
  return skip.reason === 'too-large' && skip.detail.endsWith(READ_IN_PIECES);
}
