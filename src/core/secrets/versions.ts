import { takeStandInBuffer } from '../stand-in.js';
import { ByteText, type EngineText } from './byte-text.js';
import type { WindowLog } from './candidates.js';
import { NO_HITS, type Hits } from './hits.js';
import type { KeywordAutomaton } from './prefilter.js';

/** Kept bytes are allocated in steps of this much, so that one buffer serves the next version too. */
const KEPT_BYTES_STEP = 64 * 1024;

/** Texts shorter than this are scanned whole and not kept (see the class comment). */
export const VERSION_MIN_CHARS = 16 * 1024;

/**
 * At most this much of earlier versions is kept (the least recently scanned paths go first): the
 * texts' characters plus four per number of their window logs (a number is 8 bytes)…
 */
export const VERSION_CAPACITY = 6 * 1024 * 1024;

/**
 * …no text longer than this (half the capacity: a bundle of 1–3 Mi characters and room for the
 * other files between two of its versions)…
 */
export const VERSION_TEXT_MAX = 3 * 1024 * 1024;

/** …and at most this many paths are remembered. */
export const VERSION_PATHS = 4096;

/** After this many versions scanned whole, a path marked as changing throughout is given another try. */
export const RETRY_AFTER = 8;

/**
 * Texts this long or longer are never marked as changing throughout: V8 holds them in its
 * large-object space (strings over 128 KiB), which promotes a kept one without copying it, so
 * keeping such a text costs only the compare, which stops at the first chunk that differs. A
 * bundle rewritten by one release is often the same text again by the next.
 */
export const ALWAYS_KEPT_FROM = 256 * 1024;

/** One version of a file, as the engine scans it (`SourceFile.versions`). */
export interface VersionScan {
  /** The same hits as `automaton.scan(text)`, where `text` is this version's text; possibly a view valid only until the automaton's next scan (`scanView`). */
  hits(automaton: KeywordAutomaton, text: EngineText): Hits;
  /**
   * Set by `hits` when this version was compared with the last one kept under its path and that
   * one's window log is known: what the engine may take over from it (candidates.ts, `WindowLog`).
   */
  readonly against: VersionDelta | undefined;
  /** Set by `hits`: whether this version's text was kept, so that its window log is worth making. */
  readonly kept: boolean;
  /** Keeps this version's window log for the next version (kept only while its text is). */
  keep(log: WindowLog): void;
  /** This version's window log, once the engine has made one (it notes its verdicts there). */
  log?: WindowLog;
}

/** The last version of a path against this one: its window log and where the two texts agree. */
export interface VersionDelta {
  log: WindowLog;
  /** The last version's length. */
  beforeLength: number;
  /**
   * The runs of text the two share (`sharedSegments`): flat triples [start, startBefore, length],
   * `start` in this version and `startBefore` in the last, ascending and disjoint in both.
   */
  segments: readonly number[];
}

interface Kept {
  automaton: KeywordAutomaton;
  /** The last version's text, or undefined while the path is marked as changing throughout. */
  text: EngineText | undefined;
  hits: Hits;
  /** Its window log, once the engine has handed it over (`VersionScan.keep`). */
  log?: WindowLog;
  /** How much of each version the next one shared, on average (the last weighs a quarter, the one before 3/16…). */
  shared: number;
  /** While marked: versions scanned whole since. */
  whole: number;
}

/** What a kept entry counts against the capacity. */
function weight(kept: Kept): number {
  return (kept.text?.length ?? 0) + 4 * (kept.log?.numbers ?? 0);
}

/**
 * History mode scans many versions of the same file one after another, in each thread
 * (docs/history.md, "Versions of a file"). Per path, this keeps the last version scanned: its text,
 * its keyword hits and its window log. The next version of that path:
 * - runs the keyword pass only where it differs from the last one (`KeywordAutomaton.scanAgainst`),
 *   with the same hits as a whole pass;
 * - takes over the regex runs of every window that read only text the two versions share
 *   (candidates.ts, `WindowLog`), with the same matches as running them.
 * A changelog that grows by a few lines a release, or a committed bundle (`dist/index.js`) whose
 * versions differ in one place, is mostly the same text from version to version.
 *
 * What it costs: a kept text outlives V8's young generation, which copies it on the way to the old
 * one, and the compare reads it again. On bench/history.ts's synthetic history, whose files are
 * rewritten throughout at each version, keeping every version cost ~0.09 s of CPU. So:
 * - each path keeps the average share of its last versions; below one half the path is marked as
 *   changing throughout, and its versions are scanned whole and not kept, until RETRY_AFTER of them
 *   have passed and one is kept again to look anew (not texts of ALWAYS_KEPT_FROM and more);
 * - texts under VERSION_MIN_CHARS are neither kept nor compared (with 4 Ki instead, the synthetic
 *   history still took ~0.025 s more wall and ~0.05 s more CPU).
 *
 * Bounded: no text over VERSION_TEXT_MAX characters is kept; the kept entries weigh at most
 * `capacity` (see `weight`) and VERSION_PATHS paths. One instance per history scan and thread, so
 * nothing outlives the scan.
 */
export class FileVersions {
  private readonly kept = new Map<string, Kept>();
  private chars = 0;

  constructor(private readonly capacity = VERSION_CAPACITY) {}

  /** What the kept entries weigh now (see `weight`). */
  get size(): number {
    return this.chars;
  }

  /** The version of `path` scanned now. */
  version(path: string): VersionScan {
    let entry: Kept | undefined;
    // Read-only to the engine; `hits` fills it in.
    const scan: { -readonly [K in keyof VersionScan]: VersionScan[K] } = {
      against: undefined,
      kept: false,
      hits: (automaton, text) => {
        const found = this.hits(automaton, path, text);
        entry = found.kept;
        scan.against = found.against;
        scan.kept = found.kept !== undefined;
        return found.hits;
      },
      keep: (log) => {
        // Only onto this version's own entry, while it is still the one kept for the path.
        if (entry === undefined || entry.text === undefined || this.kept.get(path) !== entry) return;
        this.chars -= weight(entry);
        entry.log = log;
        this.chars += weight(entry);
        if (this.chars > this.capacity) this.evict();
      },
    };
    return scan;
  }

  private hits(automaton: KeywordAutomaton, path: string, text: EngineText): { hits: Hits; kept?: Kept; against?: VersionDelta } {
    if (text.length < VERSION_MIN_CHARS) return { hits: automaton.scanView(text) }; // not kept: a view serves
    const found = this.kept.get(path);
    const before = found?.automaton === automaton ? found : undefined;
    if (found !== undefined) {
      this.kept.delete(path);
      this.chars -= weight(found);
    }
    if (before !== undefined && before.text === undefined && before.whole < RETRY_AFTER) {
      this.remember(path, { ...before, whole: before.whole + 1 }); // still marked: scanned whole
      return { hits: automaton.scanView(text) };
    }
    let hits: Hits;
    let against: VersionDelta | undefined;
    let shared = before?.shared ?? 1;
    if (before?.text !== undefined) {
      const segments = sharedSegments(before.text, text);
      hits = automaton.scanAgainst(text, before.hits, segments);
      let same = 0;
      for (let k = 2; k < segments.length; k += 3) same += segments[k];
      shared = (3 * shared + same / text.length) / 4;
      if (before.log !== undefined) against = { log: before.log, beforeLength: before.text.length, segments };
    } else hits = automaton.scan(text);
    if (shared < 0.5 && before?.text !== undefined && text.length < ALWAYS_KEPT_FROM) {
      this.remember(path, { automaton, text: undefined, hits: NO_HITS, shared, whole: 0 });
      return { hits, against };
    }
    if (before?.text instanceof ByteText) this.spare = before.text.bytes; // compared: its memory is free again
    if (text.length > VERSION_TEXT_MAX || text.length > this.capacity) return { hits, against };
    const kept: Kept = { automaton, text: this.keepable(text), hits, shared, whole: 0 };
    this.remember(path, kept);
    return { hits, kept, against };
  }

  /** One buffer of a text no longer kept, for the next text read from its bytes to be kept in. */
  private spare: Buffer | undefined;

  /**
   * A text read from its bytes (`ByteText`) is a view of bytes that the next blob reuses: it is
   * kept as a copy, in a buffer of its own (the one the last version of a path was kept in, once
   * that is compared), outside V8's heap.
   */
  private keepable(text: EngineText): EngineText {
    if (!(text instanceof ByteText)) return text;
    let bytes = this.spare;
    this.spare = undefined;
    if (text.standInBuffer) {
      // The stand-in's own buffer: kept as it is, and the spare one takes its place there.
      const taken = takeStandInBuffer(bytes);
      if (taken === text.bytes) return new ByteText(taken, text.length);
      bytes = undefined; // not its buffer any more (never so): copied below
    }
    if (bytes === undefined || bytes.length < text.length) bytes = Buffer.allocUnsafeSlow(Math.ceil((text.length + 1) / KEPT_BYTES_STEP) * KEPT_BYTES_STEP);
    text.copyTo(bytes, 0, 0, text.length);
    return new ByteText(bytes, text.length);
  }

  private remember(path: string, kept: Kept): void {
    this.kept.set(path, kept);
    this.chars += weight(kept);
    if (this.chars > this.capacity || this.kept.size > VERSION_PATHS) this.evict();
  }

  /** Forgets the least recently scanned paths until the rest fit (a `Map` iterates in insertion order). */
  private evict(): void {
    for (const [oldest, kept] of this.kept) {
      if (this.chars <= this.capacity && this.kept.size <= VERSION_PATHS) return;
      this.kept.delete(oldest);
      this.chars -= weight(kept);
    }
  }
}

/**
 * Compared a chunk at a time: `===` on two slices of flat strings is one native compare, many times
 * faster than a loop over code units; a chunk that differs is narrowed by halves.
 */
const COMPARE_CHUNK = 16 * 1024;

/** The length of the longest common prefix of a and b. */
export function commonPrefix(a: EngineText, b: EngineText): number {
  return sameRun(a, 0, b, 0, Math.min(a.length, b.length));
}

/** How many code units a from `i` and b from `k` have in common, at most `max` (both in bounds). */
export function sameRun(a: EngineText, i: number, b: EngineText, k: number, max: number): number {
  return agreeing(
    max,
    COMPARE_CHUNK,
    (from, to) => a.substring(i + from, i + to) === b.substring(k + from, k + to),
    (at) => a.charCodeAt(i + at) === b.charCodeAt(k + at),
  );
}

/** The length of the longest common suffix of a and b, at most `max`. */
export function commonSuffix(a: EngineText, b: EngineText, max: number): number {
  const la = a.length;
  const lb = b.length;
  return agreeing(
    max,
    COMPARE_CHUNK,
    (from, to) => a.substring(la - to, la - from) === b.substring(lb - to, lb - from),
    (at) => a.charCodeAt(la - 1 - at) === b.charCodeAt(lb - 1 - at),
  );
}

/**
 * How many units two texts agree on along a run, at most `max`: `equal(from, to)` compares units
 * [from, to) of the run in both at once (`chunk` a call at first; a stretch that differs is
 * narrowed by halves), `same(at)` one unit. `sameRun` and `commonSuffix` read strings,
 * `sameByteRun` and `commonByteSuffix` bytes.
 */
function agreeing(max: number, chunk: number, equal: (from: number, to: number) => boolean, same: (at: number) => boolean): number {
  let run = 0;
  while (run < max) {
    const end = Math.min(max, run + chunk);
    if (equal(run, end)) {
      run = end;
      continue;
    }
    if (end - run <= 32) {
      while (same(run)) run++; // stops before `end`: the two differ there
      return run;
    }
    chunk = (end - run) >> 1;
  }
  return run;
}

/** Texts shorter than this share only their common start and end (the search would cost about what it saves). */
export const SEARCH_FROM = 64 * 1024;
/** Runs shorter than this are not kept as shared (a window and its context would not fit in one). */
export const MIN_SEGMENT = 256;
/** The length of the text looked for in the last version to find where the two agree again. */
const PROBE = 32;
/**
 * How far past the last shared run a probe is looked for: near first (most changes are small, and a
 * probe that misses is usually a changed line), further after four misses in a row; a change that
 * removed more than the last reach is not bridged. A third step of 256 KiB doubled the search's
 * cost on actions/checkout's bundles (versions of several branches interleaved: most misses are
 * text the other version never had) for 1.3 % more text shared.
 */
const PROBE_REACH = [4 * 1024, 32 * 1024];
/** Probes per version, at most, and probes in a row that find nothing: a rewritten text is given up on, not searched line by line. */
const MAX_PROBES = 256;
const MAX_MISSES = 24;
/** A probe starts at the next line, or this far on within a long line. */
const PROBE_STEP = 1024;
/** Found runs are extended backwards this far, at most (to the end of the change before them). */
const BACK_REACH = 4096;

/**
 * The runs of text that `before` (the last version of a file) and `text` (this one) share, as flat
 * triples [start in text, start in before, length], ascending and disjoint in both: their common
 * start and common end, and between them the runs found again after each change.
 *
 * A committed bundle (`dist/index.js`) changes in several places from release to release: on this
 * repository's history its versions share 87 % of their text as a common start and end, and 99.6 %
 * in all (docs/history.md, "tenth session"). In a text of SEARCH_FROM characters or more, after
 * each difference a probe (PROBE code units at the next line of `text`) is looked for in `before`
 * at most PROBE_REACH past the last run; where it is found and the two agree for MIN_SEGMENT or
 * more, that is a run (extended backwards to the change), and the search goes on after it. Probes
 * that keep missing (text added) step further apart, and at most MAX_PROBES are tried (MAX_MISSES
 * in a row). Any run found is text the two really share (compared, not hashed), so what the engine
 * takes over from it is exact; a run not found is only scanned.
 */
export function sharedSegments(before: EngineText, text: EngineText): number[] {
  // Two texts read from their bytes (byte-text.ts): the same search on the bytes, one byte a
  // character, with no string made for it.
  if (before instanceof ByteText && text instanceof ByteText) return sharedByteSegments(before.bytes.subarray(0, before.length), text.bytes.subarray(0, text.length));
  return searchRuns(before.length, text.length, {
    run: (i, k, max) => sameRun(before, i, text, k, max),
    suffix: (max) => commonSuffix(before, text, max),
    newline: (k) => text.indexOf('\n', k),
    find: (p, start, end, from) => {
      const at = before.substring(start, end).indexOf(text.substring(p, p + PROBE), from - start);
      return at < 0 ? -1 : start + at;
    },
    same: (x, y) => before.charCodeAt(x) === text.charCodeAt(y),
  });
}

/** How `searchRuns` reads the last version (`before`) and this one (`text`): as strings, or as their bytes. */
interface RunReader {
  /** How many units before from `i` and text from `k` have in common, at most `max`. */
  run(i: number, k: number, max: number): number;
  /** How many units they have in common at their ends, at most `max`. */
  suffix(max: number): number;
  /** The first line feed in text at or after `k`, or -1. */
  newline(k: number): number;
  /** The first place at or after `from` where text's PROBE units at `p` lie wholly in before[start, end), or -1. */
  find(p: number, start: number, end: number, from: number): number;
  /** Whether before[x] and text[y] are the same unit. */
  same(x: number, y: number): boolean;
}

/** The search of `sharedSegments`, over texts of m and n units read through `reader`. */
function searchRuns(m: number, n: number, reader: RunReader): number[] {
  const prefix = reader.run(0, 0, Math.min(m, n));
  if (prefix === m && prefix === n) return [0, 0, n];
  const suffix = reader.suffix(Math.min(m, n) - prefix);
  const out: number[] = prefix > 0 ? [0, 0, prefix] : [];
  const beforeEnd = m - suffix;
  const textEnd = n - suffix;
  let i = prefix; // the first difference, in before…
  let k = prefix; // …and in text, where the next probe is looked for from
  let last = prefix; // the end of the last run, in text
  let probes = 0;
  let misses = 0;
  while (n >= SEARCH_FROM && probes < MAX_PROBES && misses < MAX_MISSES) {
    const line = reader.newline(k) + 1;
    let p = line === 0 || line - k > PROBE_STEP ? k + PROBE_STEP : line;
    if (misses > 8) p += (misses - 8) * PROBE_STEP; // a long addition: step over it faster
    if (p + MIN_SEGMENT > textEnd || i + MIN_SEGMENT > beforeEnd) break;
    probes++;
    const windowEnd = Math.min(beforeEnd, i + PROBE_REACH[Math.min(PROBE_REACH.length - 1, misses >> 2)]);
    let found = -1;
    let run = 0;
    for (let c = reader.find(p, i, windowEnd, i), tries = 0; c >= 0 && tries < 4; c = reader.find(p, i, windowEnd, c + 1), tries++) {
      run = reader.run(c, p, Math.min(beforeEnd - c, textEnd - p));
      if (run >= MIN_SEGMENT) {
        found = c;
        break;
      }
    }
    if (found < 0) {
      misses++;
      k = p + 1;
      continue;
    }
    misses = 0;
    let back = 0;
    while (back < BACK_REACH && found - back > i && p - back > last && reader.same(found - back - 1, p - back - 1)) back++;
    out.push(p - back, found - back, run + back);
    i = found + run;
    k = last = p + run;
  }
  if (suffix > 0) out.push(n - suffix, m - suffix, suffix);
  return out;
}

/** Bytes compared a call at first (`Buffer.compare` is a `memcmp`; a call costs more than 16 KiB of it). */
const COMPARE_BYTES = 256 * 1024;

/** `sameRun` of two byte arrays: how many bytes a from `i` and b from `k` have in common, at most `max`. */
function sameByteRun(a: Buffer, i: number, b: Buffer, k: number, max: number): number {
  return agreeing(max, COMPARE_BYTES, (from, to) => a.compare(b, k + from, k + to, i + from, i + to) === 0, (at) => a[i + at] === b[k + at]);
}

/** `commonSuffix` of two byte arrays. */
function commonByteSuffix(a: Buffer, b: Buffer, max: number): number {
  const la = a.length;
  const lb = b.length;
  return agreeing(max, COMPARE_BYTES, (from, to) => a.compare(b, lb - to, lb - from, la - to, la - from) === 0, (at) => a[la - 1 - at] === b[lb - 1 - at]);
}

/**
 * `sharedSegments` of two texts given as their Latin-1 bytes (one byte a character, `ByteText`):
 * the same search (`searchRuns`) on bytes, so the same runs (test/unit/secrets/byte-text.test.ts
 * checks them against the strings).
 */
export function sharedByteSegments(before: Buffer, text: Buffer): number[] {
  return searchRuns(before.length, text.length, {
    run: (i, k, max) => sameByteRun(before, i, text, k, max),
    suffix: (max) => commonByteSuffix(before, text, max),
    newline: (k) => text.indexOf(10, k),
    find: (p, start, end, from) => {
      const at = before.subarray(start, end).indexOf(text.subarray(p, p + PROBE), from - start);
      return at < 0 ? -1 : start + at;
    },
    same: (x, y) => before[x] === text[y],
  });
}
