import type { CompiledCatalog } from './compile.js';
import { detached } from './fingerprint.js';

/**
 * History mode's memo of regex runs (docs/history.md, "Window cache"). A history holds many
 * near-identical versions of one file (bundles, lock files, generated code); most windows the
 * engine searches in a version have exactly the same text as a window of an earlier version, and a
 * regex run on a window is a function of that text alone: the detector's regex, the slice it sees,
 * where in the slice the search starts and stops, and (for a name-anchored detector) the anchor
 * offsets inside it. So the matches found there, stored relative to the slice, are the matches a
 * new run would find. The one exception is a match that runs into the end of its slice: it is
 * re-run on the text after the slice, so such a window is never stored (see `candidates.ts`).
 *
 * Exact: a window is filed under a small number made of its detector, bounds, anchor count,
 * length and 24 of its characters (`windowKey`, ~0.2 µs; hashing the whole slice cost as much as
 * the regex run it saves); an entry is used only when its stored text equals the window's slice
 * (one native string comparison, ~0.12 µs per 1,000 characters) and its anchors are the window's.
 * Two texts that share the sampled characters are two entries under one number, never confused.
 *
 * The stored text is its own copy (a slice would keep the whole file alive). Memory is bounded by
 * the characters held (texts and secrets, plus 32 per entry and anchor): two generations of at most
 * `GENERATION_CHARS` each; when the young one is full, the old one is dropped and the young one
 * becomes old (an entry found in the old generation is filed in the young one too).
 */
export interface CachedMatch {
  detector: number;
  secret: string;
  /** Offsets relative to the slice start. */
  start: number;
  end: number;
}

interface Entry {
  /** The window's text: an own copy, never a slice of the file. */
  text: string;
  detector: number;
  /** Search bounds relative to the slice start. */
  from: number;
  to: number;
  /** Name-anchored detectors: the anchors in [from, to), relative to the slice start. */
  anchors: readonly number[] | undefined;
  matches: readonly CachedMatch[];
  /** The next entry under the same key (texts that share their sampled characters, or other bounds). */
  next: Entry | undefined;
}

/** Characters (texts, secrets, plus 32 per entry and anchor) per generation: at most twice this is held. */
export const GENERATION_CHARS = 2 << 20;
/** Longer windows (PEM blocks, 32 KB) are searched again rather than stored. */
const MAX_STORED = 1 << 14;
/** Entries filed under one key. */
const ENTRIES_PER_KEY = 4;
/** Characters sampled into a key, spread evenly over the slice. */
const SAMPLES = 24;
const NO_MATCHES: readonly CachedMatch[] = Object.freeze([]);

export class WindowCache {
  private young = new Map<number, Entry>();
  private old = new Map<number, Entry>();
  private youngChars = 0;

  constructor(private readonly generationChars: number) {}

  /**
   * The matches of an earlier run on the same window, or undefined. `anchors[lo, hi)` are the
   * window's anchors (absolute offsets), `key` is `windowKey` of the same window.
   */
  get(key: number, content: string, sliceStart: number, sliceEnd: number, detector: number, from: number, to: number, anchors: readonly number[] | undefined, lo: number, hi: number): readonly CachedMatch[] | undefined {
    let entry = find(this.young.get(key), content, sliceStart, sliceEnd, detector, from, to, anchors, lo, hi);
    if (entry === undefined) {
      entry = find(this.old.get(key), content, sliceStart, sliceEnd, detector, from, to, anchors, lo, hi);
      if (entry === undefined) return undefined;
      this.file(key, { ...entry, next: undefined }); // still in use: kept when the old generation goes
    }
    windowCacheCounts.hits++;
    return entry.matches;
  }

  /** Remembers a run's matches (offsets relative to the slice start; secrets are copied here). */
  set(key: number, content: string, sliceStart: number, sliceEnd: number, detector: number, from: number, to: number, anchors: readonly number[] | undefined, lo: number, hi: number, matches: CachedMatch[]): void {
    if (sliceEnd - sliceStart > MAX_STORED) return;
    const text = detached(content.slice(sliceStart, sliceEnd)); // a slice would keep the whole file alive
    let relative: number[] | undefined;
    if (anchors !== undefined) {
      relative = new Array<number>(hi - lo);
      for (let i = lo; i < hi; i++) relative[i - lo] = anchors[i] - sliceStart;
    }
    for (const m of matches) m.secret = detached(m.secret);
    windowCacheCounts.stores++;
    this.file(key, { text, detector, from, to, anchors: relative, matches: matches.length === 0 ? NO_MATCHES : matches, next: undefined });
  }

  private file(key: number, entry: Entry): void {
    let size = entry.text.length + 32 + (entry.anchors === undefined ? 0 : 32 * entry.anchors.length);
    for (const m of entry.matches) size += m.secret.length + 32;
    this.youngChars += size;
    if (this.youngChars > this.generationChars) {
      this.old = this.young;
      this.young = new Map();
      this.youngChars = size;
    }
    const first = this.young.get(key);
    if (first !== undefined) {
      // The newest first; past ENTRIES_PER_KEY the oldest ones are dropped.
      let e = first;
      for (let i = 1; i < ENTRIES_PER_KEY - 1 && e.next !== undefined; i++) e = e.next;
      e.next = undefined;
      entry.next = first;
    }
    this.young.set(key, entry);
  }
}

function find(first: Entry | undefined, content: string, sliceStart: number, sliceEnd: number, detector: number, from: number, to: number, anchors: readonly number[] | undefined, lo: number, hi: number): Entry | undefined {
  const length = sliceEnd - sliceStart;
  for (let e = first; e !== undefined; e = e.next) {
    if (e.detector !== detector || e.from !== from || e.to !== to || e.text.length !== length) continue;
    if (anchors === undefined ? e.anchors !== undefined : !sameAnchors(e.anchors, anchors, lo, hi, sliceStart)) continue;
    // One native comparison of the whole text (a character loop in JavaScript cost as much as the regex run).
    if (content.slice(sliceStart, sliceEnd) === e.text) return e;
  }
  return undefined;
}

function sameAnchors(stored: readonly number[] | undefined, anchors: readonly number[], lo: number, hi: number, sliceStart: number): boolean {
  if (stored === undefined || stored.length !== hi - lo) return false;
  for (let i = lo; i < hi; i++) if (stored[i - lo] !== anchors[i] - sliceStart) return false;
  return true;
}

/**
 * A small integer (a V8 Smi) from a window's detector, relative bounds, anchor count, length and
 * `SAMPLES` characters spread over it: equal windows get equal keys; unequal ones usually differ,
 * and when they do not, `find` compares the texts.
 */
export function windowKey(content: string, sliceStart: number, sliceEnd: number, detector: number, from: number, to: number, anchorCount: number): number {
  const length = sliceEnd - sliceStart;
  let h = Math.imul(detector + 1, 0x9e3779b1) ^ length;
  h = Math.imul(h ^ from, 0x85ebca6b) ^ Math.imul(to + 1, 0xc2b2ae35) ^ anchorCount;
  const step = length / SAMPLES;
  for (let k = 0; k < SAMPLES; k++) h = Math.imul(h ^ content.charCodeAt(sliceStart + Math.floor(k * step)), 0x01000193);
  h = Math.imul(h ^ content.charCodeAt(sliceEnd - 1), 0x9e3779b1);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** Lookups answered and runs stored, over all catalogs since the process started (tests, measurements). */
export const windowCacheCounts = { hits: 0, stores: 0 };

let caches = new WeakMap<CompiledCatalog, WindowCache>();
let generationChars = GENERATION_CHARS;

/** The window cache of a catalog (one per compiled catalog: detector indices are the catalog's). */
export function windowCacheFor(catalog: CompiledCatalog): WindowCache {
  let cache = caches.get(catalog);
  if (cache === undefined) caches.set(catalog, (cache = new WindowCache(generationChars)));
  return cache;
}

/**
 * Forgets every remembered window; caches made from now on hold `chars` per generation (tests
 * exercise eviction with a small bound, measurements start from an empty cache).
 */
export function dropWindowCaches(chars = GENERATION_CHARS): void {
  caches = new WeakMap();
  generationChars = chars;
}
