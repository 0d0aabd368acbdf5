import { LARGE_FILE_CHARS } from '../parallel/large-file.js';
import type { KeywordAutomaton } from './prefilter.js';

/** Texts shorter than this are scanned whole and not kept (see the class comment). */
export const VERSION_MIN_CHARS = 16 * 1024;

/** At most this many characters of earlier versions are kept (the least recently scanned paths go first)… */
export const VERSION_CAPACITY = 4 * 1024 * 1024;

/** …and at most this many paths are remembered. */
export const VERSION_PATHS = 4096;

/** After this many versions scanned whole, a path marked as changing throughout is given another try. */
export const RETRY_AFTER = 8;

/** The keyword pass of one version of a file (`SourceFile.versions`). */
export interface VersionScan {
  /** The same as `automaton.scan(text)`, where `text` is this version's text. */
  hits(automaton: KeywordAutomaton, text: string): number[];
}

interface Kept {
  automaton: KeywordAutomaton;
  /** The last version's text, or undefined while the path is marked as changing throughout. */
  text: string | undefined;
  hits: readonly number[];
  /** How much of each version the next one shared, on average (the last weighs a quarter, the one before 3/16…). */
  shared: number;
  /** While marked: versions scanned whole since. */
  whole: number;
}

/**
 * The keyword pass for history mode, where a thread scans many versions of the same file one
 * after another (docs/history.md, "Versions of a file"): the last text scanned under each path and
 * its keyword hits are kept, and the next version of that path is scanned only where it differs
 * (`KeywordAutomaton.scanAgainst`), with the same hits as a whole pass. A changelog that grows by
 * a few lines a release is mostly the same text from version to version.
 *
 * What it costs: a kept text outlives V8's young generation, which copies it on the way to the old
 * one, and the compare reads it again. On bench/history.ts's synthetic history, whose files are
 * rewritten throughout at each version, keeping every version cost ~0.09 s of CPU. So:
 * - each path keeps the average share of its last versions; below one half the path is marked as
 *   changing throughout, and its versions are scanned whole and not kept, until RETRY_AFTER of them
 *   have passed and one is kept again to look anew;
 * - texts under VERSION_MIN_CHARS are neither kept nor compared (with 4 Ki instead, the synthetic
 *   history still took ~0.025 s more wall and ~0.05 s more CPU).
 *
 * Bounded: texts of LARGE_FILE_CHARS and more are not kept (a large file's text is freed by the
 * collection after its scan, src/core/parallel/large-file.ts); the kept texts total at most
 * `capacity` characters and VERSION_PATHS paths. One instance per history scan and thread, so
 * nothing outlives the scan.
 */
export class KeywordVersions {
  private readonly kept = new Map<string, Kept>();
  private chars = 0;

  constructor(private readonly capacity = VERSION_CAPACITY) {}

  /** Characters kept now. */
  get size(): number {
    return this.chars;
  }

  /** The keyword pass of the version of `path` scanned now. */
  version(path: string): VersionScan {
    return { hits: (automaton, text) => this.hits(automaton, path, text) };
  }

  private hits(automaton: KeywordAutomaton, path: string, text: string): number[] {
    if (text.length < VERSION_MIN_CHARS) return automaton.scan(text);
    const found = this.kept.get(path);
    const before = found?.automaton === automaton ? found : undefined;
    if (found !== undefined) {
      this.kept.delete(path);
      this.chars -= found.text?.length ?? 0;
    }
    if (before !== undefined && before.text === undefined && before.whole < RETRY_AFTER) {
      this.remember(path, { ...before, whole: before.whole + 1 }); // still marked: scanned whole
      return automaton.scan(text);
    }
    let hits: number[];
    let shared = before?.shared ?? 1;
    if (before?.text !== undefined) {
      const prefix = commonPrefix(before.text, text);
      const suffix = commonSuffix(before.text, text, Math.min(before.text.length, text.length) - prefix);
      hits = automaton.scanAgainst(text, before.text, before.hits, prefix, suffix);
      shared = (3 * shared + (prefix + suffix) / text.length) / 4;
    } else hits = automaton.scan(text);
    if (shared < 0.5 && before?.text !== undefined) this.remember(path, { automaton, text: undefined, hits: [], shared, whole: 0 });
    else if (text.length < LARGE_FILE_CHARS && text.length <= this.capacity) this.remember(path, { automaton, text, hits, shared, whole: 0 });
    return hits;
  }

  private remember(path: string, kept: Kept): void {
    this.kept.set(path, kept);
    this.chars += kept.text?.length ?? 0;
    if (this.chars > this.capacity || this.kept.size > VERSION_PATHS) this.evict();
  }

  /** Forgets the least recently scanned paths until the rest fit (a `Map` iterates in insertion order). */
  private evict(): void {
    for (const [oldest, kept] of this.kept) {
      if (this.chars <= this.capacity && this.kept.size <= VERSION_PATHS) return;
      this.kept.delete(oldest);
      this.chars -= kept.text?.length ?? 0;
    }
  }
}

/**
 * Compared a chunk at a time: `===` on two slices of flat strings is one native compare, many times
 * faster than a loop over code units; a chunk that differs is narrowed by halves.
 */
const COMPARE_CHUNK = 16 * 1024;

/** The length of the longest common prefix of a and b. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  let chunk = COMPARE_CHUNK;
  while (i < n) {
    const end = Math.min(n, i + chunk);
    if (a.substring(i, end) === b.substring(i, end)) {
      i = end;
      continue;
    }
    if (end - i <= 32) {
      while (a.charCodeAt(i) === b.charCodeAt(i)) i++; // stops before `end`: the two differ there
      return i;
    }
    chunk = (end - i) >> 1;
  }
  return i;
}

/** The length of the longest common suffix of a and b, at most `max`. */
export function commonSuffix(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let chunk = COMPARE_CHUNK;
  while (i < max) {
    const end = Math.min(max, i + chunk);
    if (a.substring(la - end, la - i) === b.substring(lb - end, lb - i)) {
      i = end;
      continue;
    }
    if (end - i <= 32) {
      while (a.charCodeAt(la - 1 - i) === b.charCodeAt(lb - 1 - i)) i++; // stops before `end`
      return i;
    }
    chunk = (end - i) >> 1;
  }
  return i;
}
