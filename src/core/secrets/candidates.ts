import { leadFits, reachOf, STOP_CHECK, TRAIL_CHECK, trailFits, type CompiledCatalog, type CompiledDetector, type Companion } from './compile.js';
import type { EngineText } from './byte-text.js';
import { LINE_RADIUS } from './lines.js';
import type { KeptContext } from './engine.js';
import type { VersionDelta, VersionScan } from './versions.js';
import type { Hits } from './hits.js';
import { withRoom } from './int32-list.js';
import { detached } from './fingerprint.js';

/** A regex match of one detector, before any filtering. Offsets are into the file content. */
export interface RawMatch {
  /** Index into `CompiledCatalog.detectors`. */
  detector: number;
  secret: string;
  start: number;
  end: number;
  /** History versions: this match's place in its version's window log (`WindowLog.judged`). */
  slot?: number;
  /** History versions: how the engine judged this match in the last version (see `WindowLog.judged`). */
  judged?: Judged;
}

/**
 * How the secrets engine judged a match (src/core/secrets/engine.ts, `scanFile`): rejected, or
 * accepted with the credential file's weakness if any.
 */
export type Judged = false | { weak: string | undefined };

export interface MatchOptions {
  /**
   * Files up to this many characters are searched whole by every detector whose keyword occurs
   * anywhere in them (exact regex semantics, and cheaper than slicing small files into windows).
   * Larger files are searched only in windows around keyword hits.
   */
  wholeFileBelow: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = { wholeFileBelow: 2 * 1024 };

/** Window bounds (characters). They keep the cost of one hit bounded on a 20 MB minified line. */
const BACK = 512; // a keyword may follow its secret (`….apps.googleusercontent.com`)
const FORWARD = 2048; // a long secret may follow its keyword on the same line
const BLOCK_REACH = 32 * 1024; // PEM / PGP private key blocks
const CONTEXT = 64; // characters either side a regex may look at (lookbehind, `\b`)
const TRUNCATED_REACH = 64 * 1024; // a match cut by its window is re-run on this much text
const MERGE_GAP = 256; // windows closer than this are searched as one…
const MAX_MERGED = 4096; // …up to this length: a regex that backtracks per attempt stays linear

/**
 * All matches of the active detectors, found with one keyword pass over the content and regex runs
 * only where keywords occur. `active[i]` is 1 when detector i applies to this file. With
 * `version` (history mode), the keyword pass reads only where the content differs from the last
 * version of its path, and windows that read only text the two share take over its matches
 * (`WindowLog`): the same matches either way.
 */
export function findMatches(content: EngineText, catalog: CompiledCatalog, active: Uint8Array, options: MatchOptions = DEFAULT_MATCH_OPTIONS, version?: VersionScan): RawMatch[] {
  const n = content.length;
  const matches: RawMatch[] = [];
  const wanted = catalog.unconditional.filter((d) => active[d] === 1);
  for (const d of wanted) {
    for (let from = 0; from < n; from += MAX_MERGED) runWindow(content, catalog.detectors[d], d, from, Math.min(n, from + MAX_MERGED), matches);
  }

  const hits = version ? version.hits(catalog.automaton, content) : catalog.automaton.scanView(content);
  if (hits.length === 0) return matches;
  const scratch = takeScratch(catalog);
  try {
    const against = version?.against?.log.catalog === catalog && n >= options.wholeFileBelow ? version.against : undefined;
    // Most versions are small texts, never kept: they make no log.
    const logged = (version?.kept === true && n >= options.wholeFileBelow) || against !== undefined;
    // The hits whose anchors and planning this version takes over from the last (history mode).
    const inner = against?.log.requests === undefined ? undefined : innerHits(catalog, n, against);
    const named = logged && catalog.anchored.length > 0 ? new RequestLog(against?.log.anchorRequests?.length) : undefined;
    const anchors = catalog.anchored.length > 0 ? collectAnchors(content, hits, catalog, active, scratch.anchors, named, inner, against?.log.anchorRequests) : undefined;
    if (n < options.wholeFileBelow) {
      for (const d of detectorsHit(content, hits, catalog, active, scratch.seen)) {
        const at = anchors?.[d];
        // A name-anchored detector can only match at its anchors: none in this file, no match (and no regex run).
        if (anchors !== undefined && at === undefined && catalog.detectors[d].anchor) continue;
        runWindow(content, catalog.detectors[d], d, 0, n, matches, at);
      }
      return matches;
    }
    const { spans } = scratch;
    const log = logged ? newLog(catalog, anchors) : undefined;
    const requests = log === undefined ? undefined : new RequestLog(against?.log.requests?.length);
    const order = planWindows(content, hits, catalog, active, scratch, requests, inner, against);
    if (log !== undefined) {
      log.requests = requests!.done();
      log.numbers += log.requests.length;
      if (named !== undefined) {
        log.anchorRequests = named.done();
        log.numbers += log.anchorRequests.length;
      }
    }
    // History versions: every detector's window log, one after another in one list (see `WindowLog.windows`).
    const entries = log === undefined ? undefined : new RequestLog(against?.log.windowNumbers);
    let ranges: number[] | undefined; // [detector, from, to] of each detector's range in `entries`
    for (const d of order) {
      const at = anchors?.[d];
      if (anchors !== undefined && at === undefined && catalog.detectors[d].anchor) continue; // no anchor: no match (see above)
      const list = spans[d]!;
      if (entries !== undefined) {
        const begin = entries.length;
        runLogged(content, catalog.detectors[d], d, list, at, matches, log!, entries, against);
        (ranges ??= []).push(d, begin, entries.length);
      } else for (let i = 0; i < list.length; i += 2) runWindow(content, catalog.detectors[d], d, list[i], list[i + 1], matches, at);
    }
    if (log !== undefined) {
      const all = entries!.done();
      if (ranges !== undefined) for (let i = 0; i < ranges.length; i += 3) log.windows.set(ranges[i], all.subarray(ranges[i + 1], ranges[i + 2]));
      log.windowNumbers = all.length;
      log.numbers += all.length + log.matches.length;
      version!.keep(log);
      version!.log = log;
    }
    return matches;
  } finally {
    releaseScratch(catalog, scratch);
  }
}

/**
 * Windows and anchors per detector, in arrays indexed by detector that are reused file after file
 * (allocating them per file cost more in garbage collection than the lookups they save).
 */
interface Scratch {
  spans: (number[] | undefined)[];
  anchors: (number[] | undefined)[];
  /** Detectors with windows in `spans`, in the order they got their first one. */
  order: number[];
  /** 1 for detectors already hit in a small file (`detectorsHit`); all zero between files. */
  seen: Uint8Array;
}
const idle = new WeakMap<CompiledCatalog, Scratch>();

function takeScratch(catalog: CompiledCatalog): Scratch {
  const kept = idle.get(catalog);
  if (kept) {
    idle.delete(catalog); // a nested scan of the same catalog (none today) would get its own
    return kept;
  }
  const size = catalog.detectors.length;
  return { spans: new Array<number[] | undefined>(size).fill(undefined), anchors: new Array<number[] | undefined>(size).fill(undefined), order: [], seen: new Uint8Array(size) };
}

function releaseScratch(catalog: CompiledCatalog, scratch: Scratch): void {
  for (const d of scratch.order) scratch.spans[d] = undefined;
  scratch.order.length = 0;
  for (const d of catalog.anchored) scratch.anchors[d] = undefined;
  idle.set(catalog, scratch);
}

/**
 * Per name-anchored detector (see `NameAnchor`), the sorted offsets where one of its matches may
 * start: for each keyword hit, the start of the run of name characters that leads into it, when
 * that run is short enough for the pattern's name part. Everywhere else the regex cannot match.
 */
function collectAnchors(
  content: EngineText,
  hits: Hits,
  catalog: CompiledCatalog,
  active: Uint8Array,
  anchors: (number[] | undefined)[],
  named?: RequestLog,
  inner?: readonly number[],
  before?: Int32Array,
): (number[] | undefined)[] {
  const { detectors, keywordAnchored, keywordLengths, automaton } = catalog;
  let s = 0; // the next entry of `inner`
  for (let h = 0; h < hits.length; h += 2) {
    const hitEnd = hits[h + 1];
    if (inner !== undefined && before !== undefined) {
      while (s < inner.length && inner[s + 1] <= hitEnd) s += 3;
      if (s < inner.length && inner[s] <= hitEnd) {
        // This hit and the next ones up to inner[s + 1] give the anchors they gave in the last version.
        const to = inner[s + 1];
        takeAnchors(before, inner[s] - inner[s + 2], to - inner[s + 2], inner[s + 2], anchors, named);
        h = lastHitBefore(hits, h, to);
        s += 3;
        continue;
      }
    }
    const keywords = automaton.keywordsAt(hits[h]);
    for (let k = 0; k < keywords.length; k++) {
      const list = keywordAnchored[keywords[k]];
      if (list.length === 0) continue;
      const hitStart = hitEnd - keywordLengths[keywords[k]];
      for (let i = 0; i < list.length; i++) {
        const d = list[i];
        if (active[d] !== 1) continue;
        const { maxPrefix, nameChar } = detectors[d].anchor!;
        // +1: a keyword may open with the separator that ends the name part (`_pat`, `[_.-]key`).
        const limit = Math.max(0, hitStart - maxPrefix - 1);
        let p = hitStart;
        while (p > limit && nameChar[content.charCodeAt(p - 1)] === 1) p--;
        if (p > 0 && nameChar[content.charCodeAt(p - 1)] === 1) continue; // the name is too long to match here
        addAnchor(anchors, d, p);
        named?.push(d, hitEnd, p, 0);
      }
    }
  }
  return anchors;
}

function addAnchor(anchors: (number[] | undefined)[], d: number, p: number): void {
  let starts = anchors[d];
  if (starts === undefined) anchors[d] = starts = [];
  const last = starts.length - 1;
  if (last < 0 || p > starts[last]) starts.push(p);
  else if (p < starts[last]) insertSorted(starts, p);
}

/** The last version's anchors of the hits ending in [from, to) (its offsets; `RequestLog` entries [detector, hit end, anchor, 0]), moved by `by`. */
function takeAnchors(before: Int32Array, from: number, to: number, by: number, anchors: (number[] | undefined)[], named: RequestLog | undefined): void {
  const first = firstRequest(before, from);
  let i = first;
  for (; i < before.length && before[i + 1] < to; i += 4) addAnchor(anchors, before[i], before[i + 2] + by);
  named?.take(before, first, i, by, 2);
}

/** The index (a multiple of 4) of the first `RequestLog` entry whose hit ends at `from` or after. */
function firstRequest(before: Int32Array, from: number): number {
  let lo = 0;
  let hi = before.length >> 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before[mid * 4 + 1] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo * 4;
}

/**
 * The index of the last hit (from `h` on) that ends before `to`: where a loop over hits resumes
 * after the ones taken over. A binary search: the hits taken over are most of a long version's.
 */
function lastHitBefore(hits: Hits, h: number, to: number): number {
  let lo = h >> 1; // hit indices (pairs): hits[lo * 2] is one that ends before `to`, or h itself
  let hi = hits.length >> 1; // the first that may not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (hits[mid * 2 + 1] < to) lo = mid;
    else hi = mid;
  }
  return lo * 2;
}

/** Inserts `value` into an ascending list without duplicates (hits arrive almost in order). */
function insertSorted(list: number[], value: number): void {
  let i = list.length - 1;
  while (i >= 0 && list[i] > value) i--;
  if (i >= 0 && list[i] === value) return;
  list.splice(i + 1, 0, value);
}

/** Detector indices (ascending) that have at least one keyword hit (fitting its `lead` and `trail`) and apply to this file. */
function detectorsHit(content: EngineText, hits: Hits, catalog: CompiledCatalog, active: Uint8Array, seen: Uint8Array): number[] {
  const { detectors, keywordDetectors, keywordLengths, automaton, unconditional } = catalog;
  const result: number[] = [];
  for (let i = 0; i < hits.length; i += 2) {
    const hitEnd = hits[i + 1];
    const keywords = automaton.keywordsAt(hits[i]);
    for (let k = 0; k < keywords.length; k++) {
      const keyword = keywords[k];
      const hitStart = hitEnd - keywordLengths[keyword];
      const list = keywordDetectors[keyword];
      for (let j = 0; j < list.length; j++) {
        const d = list[j];
        if (active[d] !== 1 || seen[d] === 1) continue;
        if (!hitOpens(content, detectors[d], keyword, hitStart, hitEnd)) continue;
        const companion = detectors[d].companion;
        if (companion !== undefined && !companionFollows(hits, i, hitEnd, companion, catalog)) continue;
        seen[d] = 1;
        result.push(d);
      }
    }
  }
  // `seen` is the caller's scratch, all zero again on return (a small file pays for its hits, not for the catalog's size).
  for (const d of result) seen[d] = 0;
  return unconditional.length === 0 ? result.sort((a, b) => a - b) : result.filter((d) => !unconditional.includes(d)).sort((a, b) => a - b);
}

/**
 * Per detector, sorted disjoint windows [start, end, start, end, …] around its keyword hits: the
 * hit's line (bounded to BACK/FORWARD characters around the keyword), extended by the detector's
 * reach. Hits arrive in ascending order, so merging only ever looks at the last window. A hit that
 * cannot start a match of a detector with a `lead`, or be the keyword of one with a `trail`, opens
 * no window for it. Fills `spans` (indexed
 * by detector) and returns `order`, the detectors with windows.
 */
function planWindows(content: EngineText, hits: Hits, catalog: CompiledCatalog, active: Uint8Array, { spans, order }: Scratch, requests?: RequestLog, inner?: readonly number[], against?: VersionDelta): number[] {
  const n = content.length;
  const { detectors, keywordDetectors, keywordLengths, automaton } = catalog;
  // The hit's line, found with indexOf around the hit and reused while hits stay on it: no line
  // index is built for the many files whose hits lead to no match.
  let lineStart = 0;
  let lineEnd = -1;
  let nearEnd = -1; // end of the second line after the hit's line, computed when first needed
  let s = 0; // the next entry of `inner`
  for (let h = 0; h < hits.length; h += 2) {
    const hitEnd = hits[h + 1];
    if (inner !== undefined) {
      while (s < inner.length && inner[s + 1] <= hitEnd) s += 3;
      if (s < inner.length && inner[s] <= hitEnd) {
        // This hit and the next ones up to inner[s + 1] ask for what they asked for in the last version.
        const to = inner[s + 1];
        takeRequests(against!.log.requests!, inner[s] - inner[s + 2], to - inner[s + 2], inner[s + 2], spans, order, requests);
        h = lastHitBefore(hits, h, to);
        lineEnd = nearEnd = -1;
        s += 3;
        continue;
      }
    }
    const keywords = automaton.keywordsAt(hits[h]);
    for (let k = 0; k < keywords.length; k++) {
      const keyword = keywords[k];
      const hitStart = hitEnd - keywordLengths[keyword];
      const list = keywordDetectors[keyword];
      if (hitStart < lineStart || hitStart > lineEnd) {
        lineStart = hitStart === 0 ? 0 : content.lastIndexOf('\n', hitStart - 1) + 1;
        lineEnd = lineEndFrom(content, hitStart);
        nearEnd = -1;
      }
      for (let i = 0; i < list.length; i++) {
        const d = list[i];
        if (active[d] !== 1) continue;
        const compiled = detectors[d];
        if (!hitOpens(content, compiled, keyword, hitStart, hitEnd)) continue;
        if (compiled.companion !== undefined && !companionFollows(hits, h, hitEnd, compiled.companion, catalog)) continue;
        const reach = compiled.reach ?? (compiled.reach = reachOf(compiled.detector.pattern));
        const start = Math.max(lineStart, hitStart - BACK);
        let end: number;
        if (reach === 'block') end = Math.min(n, hitEnd + BLOCK_REACH);
        else if (reach === 'line') end = Math.min(lineEnd, hitEnd + FORWARD);
        else if (reach === 'far') end = Math.min(n, hitEnd + FORWARD);
        else {
          if (nearEnd < 0) nearEnd = lineEndFrom(content, lineEndFrom(content, lineEnd + 1) + 1);
          end = Math.min(nearEnd, hitEnd + FORWARD);
        }
        let windows = spans[d];
        if (windows === undefined) {
          spans[d] = windows = [];
          order.push(d);
        }
        addWindow(windows, start, end);
        requests?.push(d, hitEnd, start, end);
      }
    }
  }
  return order;
}

/**
 * What a history version's planning asked for, hit after hit (engine history mode, `WindowLog.requests`):
 * [detector, hit end, window start, window end] per window a hit asked a detector for, before
 * windows are merged (`addWindow`). The next version of the file takes them over for the hits
 * whose asking read only text the two share (`innerHits`), rather than working them out again.
 * The same list of numbers holds a version's window log (`push5`, `WindowLog.windows`).
 */
class RequestLog {
  private data: Int32Array;
  length = 0;

  /**
   * `expected`: about how many numbers it will hold (the last version's count), so that it seldom
   * grows. Small to start with: most logs are of small texts, and a buffer outside V8's heap costs
   * to allocate and free (a first size of 1,024 cost expressjs/express's history ~5 %).
   */
  constructor(expected = 0) {
    this.data = new Int32Array(Math.max(64, expected + (expected >> 3)));
  }

  /** Five numbers: a window's entry in a window log (`runLogged`). */
  push5(a: number, b: number, c: number, d: number, e: number): void {
    const data = (this.data = withRoom(this.data, this.length, this.length + 5));
    const at = this.length;
    data[at] = a;
    data[at + 1] = b;
    data[at + 2] = c;
    data[at + 3] = d;
    data[at + 4] = e;
    this.length = at + 5;
  }

  push(d: number, hitEnd: number, start: number, end: number): void {
    const data = (this.data = withRoom(this.data, this.length, this.length + 4));
    const at = this.length;
    data[at] = d;
    data[at + 1] = hitEnd;
    data[at + 2] = start;
    data[at + 3] = end;
    this.length = at + 4;
  }

  /**
   * Appends the entries [from, to) of `before` (a multiple of 4 each), the last version's log, with
   * their numbers 1 to `moved` moved by `by`: what pushing them one by one, moved, would leave.
   */
  take(before: Int32Array, from: number, to: number, by: number, moved: 2 | 3): void {
    if (to <= from) return;
    const count = to - from;
    const data = (this.data = withRoom(this.data, this.length, this.length + count));
    const at = this.length;
    data.set(before.subarray(from, to), at);
    if (by !== 0) {
      for (let i = at + 1, end = at + count; i < end; i += 4) {
        data[i] += by;
        data[i + 1] += by;
        if (moved === 3) data[i + 2] += by;
      }
    }
    this.length = at + count;
  }

  /** What it holds (a view when that wastes at most a quarter of its buffer, else a copy). */
  done(): Int32Array {
    return this.length * 4 >= this.data.length * 3 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

/**
 * The last version's requests of the hits ending in [from, to) (its offsets), moved by `by` and
 * merged into this version's windows in their order, as planning them here would have.
 */
function takeRequests(before: Int32Array, from: number, to: number, by: number, spans: (number[] | undefined)[], order: number[], requests: RequestLog | undefined): void {
  const first = firstRequest(before, from);
  let i = first;
  for (; i < before.length && before[i + 1] < to; i += 4) {
    const d = before[i];
    let windows = spans[d];
    if (windows === undefined) {
      spans[d] = windows = [];
      order.push(d);
    }
    addWindow(windows, before[i + 2] + by, before[i + 3] + by);
  }
  requests?.take(before, first, i, by, 3);
  loggedWindows.requests += (i - first) >> 2;
}

/**
 * Per run two history versions share (`VersionDelta.segments`), the hits whose requests
 * (`RequestLog`) are the same in both, moved with the run: flat triples [from, to, by], hit ends
 * in [from, to) of this version, `by` its offset from the last one. Planning a hit reads the text
 * from `PLAN_BACK` before its end (its keyword, `BACK`, a lead's lookbehind) to `planAhead` after
 * it (`FORWARD`, a lead's literal and run, a trail's run, a companion's reach); a window of `block`
 * or `far` reach ends at the text's end when that comes first, so those ends must agree too. A
 * run that starts (ends) both texts has nothing different before (after) it.
 */
function innerHits(catalog: CompiledCatalog, n: number, against: VersionDelta): number[] {
  const { segments, beforeLength } = against;
  const { back, ahead } = planReach(catalog);
  const inner: number[] = [];
  for (let k = 0; k < segments.length; k += 3) {
    const start = segments[k];
    const startBefore = segments[k + 1];
    const end = start + segments[k + 2];
    const by = start - startBefore;
    const from = start === 0 && startBefore === 0 ? 0 : start + back;
    const to = end === n && startBefore + segments[k + 2] === beforeLength ? n + 1 : Math.min(end - ahead, Math.min(n, beforeLength + by) - BLOCK_REACH) + 1;
    if (to - from > MIN_INNER) inner.push(from, to, by);
  }
  return inner;
}

/** Runs of fewer hit positions than this are planned as usual (not worth a search). */
const MIN_INNER = 256;

const reaches = new WeakMap<CompiledCatalog, { back: number; ahead: number }>();

/** How far before and after a hit's end planning it may read (see `innerHits`), for this catalog. */
function planReach(catalog: CompiledCatalog): { back: number; ahead: number } {
  const known = reaches.get(catalog);
  if (known !== undefined) return known;
  let ahead = FORWARD;
  for (const { lead, trail, companion } of catalog.detectors) {
    if (lead !== undefined) ahead = Math.max(ahead, lead.literal.length + lead.min + STOP_CHECK + 1);
    if (trail !== undefined) ahead = Math.max(ahead, TRAIL_CHECK + 1);
    if (companion !== undefined) ahead = Math.max(ahead, companion.reach);
  }
  // Back: the longest keyword, then BACK (the window's start) and the character before it (a lead's
  // lookbehind), or an anchor's name part and the character before it.
  let name = 0;
  for (const d of catalog.anchored) name = Math.max(name, catalog.detectors[d].anchor!.maxPrefix + 2);
  const made = { back: Math.max(0, ...catalog.keywordLengths) + Math.max(BACK + 1, name), ahead: ahead + 1 };
  reaches.set(catalog, made);
  return made;
}

/** Whether a hit of `keyword` at [hitStart, hitEnd) can be part of a match of `compiled` (its `lead` and `trail` checks). */
function hitOpens(content: EngineText, compiled: CompiledDetector, keyword: number, hitStart: number, hitEnd: number): boolean {
  const { lead, trail } = compiled;
  if (lead !== undefined && !leadFits(content, hitStart, lead)) return false;
  return trail === undefined || trail.keyword !== keyword || trailFits(content, hitEnd, trail);
}

/**
 * Whether one of a detector's companion words starts within `companion.within` characters after
 * `hitEnd`, the end of the keyword hit at `hits[h]` (see `Companion`). Hits are in ascending order
 * of their ends, so only the few after h that end within `companion.reach` are looked at.
 */
export function companionFollows(hits: Hits, h: number, hitEnd: number, companion: Companion, catalog: CompiledCatalog): boolean {
  const { automaton, keywordLengths } = catalog;
  const last = hitEnd + companion.reach;
  const latest = hitEnd + companion.within;
  for (let j = h + 2; j < hits.length && hits[j + 1] <= last; j += 2) {
    const end = hits[j + 1];
    const keywords = automaton.keywordsAt(hits[j]);
    for (let k = 0; k < keywords.length; k++) {
      const keyword = keywords[k];
      if (companion.words[keyword] !== 1) continue;
      const start = end - keywordLengths[keyword];
      if (start >= hitEnd && start <= latest) return true;
    }
  }
  return false;
}

/** Offset of the `\n` ending the line that holds `offset`, or the content length on the last line. */
function lineEndFrom(content: EngineText, offset: number): number {
  if (offset >= content.length) return content.length;
  const at = content.indexOf('\n', offset);
  return at === -1 ? content.length : at;
}

function addWindow(spans: number[], start: number, end: number): void {
  const last = spans.length - 1;
  if (last < 0 || start > spans[last] + MERGE_GAP) {
    spans.push(start, end);
  } else if (end > spans[last]) {
    // Grow the last window while it stays short; otherwise continue where it stops, so no text
    // is searched twice and no single regex run covers more than MAX_MERGED characters.
    if (end - spans[last - 1] <= MAX_MERGED) spans[last] = end;
    else spans.push(spans[last], end);
  }
}

/**
 * V8 first runs a regex in its bytecode interpreter and compiles it to machine code on the next
 * run, unless the subject is long (1,000 characters or more): then it compiles machine code at
 * once. Compiling both costs about three times as much as machine code alone (833 catalog regexes:
 * ~120-150 ms against ~40 ms on Node 20), and a scan of text dense with keywords compiles most of
 * the catalog. So each regex's first run is one attempt at the end of a long blank string: no
 * match to speak of, machine code straight away. Its result is ignored and every caller sets
 * `lastIndex` before its own run; were V8's rule to change, this would cost one trivial run.
 */
const PRIMER = ' '.repeat(1024);

function primeRegex(regex: RegExp): void {
  regex.lastIndex = PRIMER.length;
  regex.exec(PRIMER);
}

/** A detector's `g` regex (`CompiledDetector.regex`), made and primed on first use. */
function regexOf(compiled: CompiledDetector): RegExp {
  return (compiled.primed & 1) !== 0 ? compiled.regex! : (compiled.regex = primedRegex(compiled, 'g', 1));
}

/** A detector's sticky regex (the same source and flags but `y` for `g`), made and primed on first use. */
function stickyOf(compiled: CompiledDetector): RegExp {
  return (compiled.primed & 2) !== 0 ? compiled.sticky! : (compiled.sticky = primedRegex(compiled, 'y', 2));
}

/** A new copy of a detector's pattern with its flags and `flag`, primed, and noted in `primed` as `bit`. */
function primedRegex(compiled: CompiledDetector, flag: 'g' | 'y', bit: 1 | 2): RegExp {
  const regex = new RegExp(compiled.detector.pattern.source, compiled.flags + flag);
  primeRegex(regex);
  compiled.primed |= bit;
  return regex;
}

/**
 * What one version's regex runs found, window by window, for the next version of its file
 * (history mode, versions.ts). A window's matches are a function of the text it read and nothing
 * else: `runWindow` hands the regex a slice, [from − CONTEXT, to + CONTEXT), and a match cut by the
 * slice's end is re-run on at most TRUNCATED_REACH more (its read end is `readEnd`). So when the
 * next version plans the same window over text the two versions share, its matches are the ones
 * logged here, at the same offsets in the shared start and shifted by the change in length in the
 * shared end; the engine takes them over instead of running the regex (`runLogged`).
 */
export interface WindowLog {
  catalog: CompiledCatalog;
  /**
   * Per detector that ran: [from, to, readEnd, firstMatch, endMatch] per window, in order (matches
   * index `matches` pairs); views of one list of numbers per version (`RequestLog`).
   */
  windows: Map<number, Int32Array>;
  /** [start, end] of each match, window after window (the secret is the text between: `toRawMatch`). */
  matches: number[];
  /**
   * Each match's value (index: its pair's in `matches`), handed on as the same string to the next
   * version that takes the match over: not cut again from the text, and its hash, computed once,
   * serves every memo the value is looked up in (engine.ts `wordingOf`, `isRealSecret`,
   * fingerprint.ts `keyedFingerprint`). Own copies, so no earlier version's text is kept alive.
   */
  values: string[];
  /** The anchors of the name-anchored detectors that ran (sorted offsets). */
  anchors: Map<number, readonly number[]>;
  /**
   * How the engine judged each match (by its index in `matches` halved), when it judged it on the
   * text alone: its value and the line around it (`lineAround`), no placeholder in either. A
   * match the next version takes over whose line lies wholly in the text the two share is judged
   * the same there, so it takes the verdict over too.
   */
  judged: (Judged | undefined)[];
  /** What its planning asked for, hit after hit (`RequestLog`): the next version takes over those of the hits the two share (`innerHits`). */
  requests?: Int32Array;
  /** The anchors its name-anchored detectors were given, hit after hit (`RequestLog` entries [detector, hit end, anchor, 0]), taken over like `requests`. */
  anchorRequests?: Int32Array;
  /** Location contexts of its lines with findings, by line start (engine.ts `LineContexts`). */
  contexts?: Map<number, KeptContext>;
  /** Every line start of the version, once the engine indexed its lines (engine.ts `keepLines`): the next version copies them where the two share text. */
  lines?: Int32Array;
  /** How many numbers `windows` holds in all (the next version's log expects about as many). */
  windowNumbers: number;
  /** How many numbers the log holds (what versions.ts counts it as). */
  numbers: number;
}

/** Windows of history versions taken over from the last version, and run; planning requests taken over (counted for the tests). */
export const loggedWindows = { taken: 0, run: 0, requests: 0 };

function newLog(catalog: CompiledCatalog, anchors: (number[] | undefined)[] | undefined): WindowLog {
  const kept = new Map<number, readonly number[]>();
  if (anchors !== undefined) {
    for (const d of catalog.anchored) {
      const at = anchors[d];
      if (at !== undefined) kept.set(d, at); // a fresh array per file (`collectAnchors`), not the scratch
    }
  }
  return { catalog, windows: new Map(), matches: [], values: [], anchors: kept, judged: [], windowNumbers: 0, numbers: 0 };
}

/**
 * Runs one detector's windows, as `runWindow` does, and logs them; with `against` (the last
 * version of this file, see `WindowLog`), a window that read only text of one run the two versions
 * share (`VersionDelta.segments`), at the same place relative to that run, with the same anchors,
 * is taken over instead of run, its offsets shifted by where the run moved. Read only that run's
 * text means strictly, on both sides: its slice starts after the run's start and its read end
 * (the slice's, or a longer re-run's) comes before the run's end, in both versions. Only a run that
 * starts both texts may hold a slice clipped at their start, and only one that ends both a slice
 * or re-run clipped at their end.
 */
function runLogged(content: EngineText, compiled: CompiledDetector, d: number, list: readonly number[], at: readonly number[] | undefined, out: RawMatch[], log: WindowLog, entries: RequestLog, against: VersionDelta | undefined): void {
  const matches = log.matches;
  const before = against?.log.windows.get(d);
  const beforeAnchors = at === undefined ? undefined : against?.log.anchors.get(d);
  const n = content.length;
  const segments = against?.segments ?? [];
  const beforeLength = against?.beforeLength ?? n;
  let s = 0; // the first run that does not end before the current window's slice
  let j = 0;
  const cursor = { at: 0, before: 0 }; // for `sameAnchors`
  for (let i = 0; i < list.length; i += 2) {
    const from = list[i];
    const to = list[i + 1];
    const first = matches.length;
    let taken = false;
    if (before !== undefined) {
      while (s < segments.length && segments[s] + segments[s + 2] <= from - CONTEXT) s += 3;
      if (s < segments.length) {
        const start = segments[s];
        const startBefore = segments[s + 1];
        const end = start + segments[s + 2];
        const startsBoth = start === 0 && startBefore === 0;
        const endsBoth = end === n && startBefore + segments[s + 2] === beforeLength;
        const by = start - startBefore; // where this window would sit in the last version: shifted back by this
        if ((startsBoth || from - CONTEXT > start) && (endsBoth || to + CONTEXT < end)) {
          const target = from - by;
          while (j < before.length && before[j] < target) j += 5;
          if (j < before.length && before[j] === target && before[j + 1] === to - by && (endsBoth || before[j + 2] + by < end) && sameAnchors(at, beforeAnchors, from, to, by, cursor)) {
            const pairs = against!.log.matches;
            const values = against!.log.values;
            const verdicts = against!.log.judged;
            for (let k = before[j + 3]; k < before[j + 4]; k += 2) {
              const matchStart = pairs[k] + by;
              const matchEnd = pairs[k + 1] + by;
              // The line around it read only the run's text, in both versions: its verdict stands.
              const lineShared = (startsBoth || matchStart - LINE_RADIUS > start) && (endsBoth || matchEnd + LINE_RADIUS <= end);
              const judged = lineShared ? verdicts[k >> 1] : undefined;
              const secret = values[k >> 1];
              const match: RawMatch = { detector: d, secret, start: matchStart, end: matchEnd, slot: matches.length >> 1 };
              if (judged !== undefined) match.judged = judged;
              out.push(match);
              matches.push(matchStart, matchEnd);
              log.values.push(secret);
              log.numbers += valueNumbers(secret);
            }
            entries.push5(from, to, before[j + 2] + by, first, matches.length);
            loggedWindows.taken++;
            taken = true;
          }
        }
      }
    }
    if (taken) continue;
    loggedWindows.run++;
    const found = out.length;
    const read = runWindow(content, compiled, d, from, to, out, at);
    for (let k = found; k < out.length; k++) {
      out[k].slot = matches.length >> 1;
      matches.push(out[k].start, out[k].end);
      // Its own copy: a match is a slice of the window's text, which it would keep alive.
      const value = detached(out[k].secret);
      out[k].secret = value;
      log.values.push(value);
      log.numbers += valueNumbers(value);
    }
    entries.push5(from, to, read, first, matches.length);
  }
}

/** What a value kept in a window log (`WindowLog.values`) counts as, in numbers of 8 bytes (versions.ts, `weight`): its characters, its string's header and its slot. */
function valueNumbers(value: string): number {
  return Math.ceil((value.length + 24) / 8);
}

/**
 * Whether the anchors in [from, to) are those of the last version in [from − by, to − by), shifted
 * by `by` (exported for its tests). `cursor`: where the last call's lower bounds were, in these
 * same lists; a detector's windows come in ascending order, so the next ones are found from there.
 */
export function sameAnchors(at: readonly number[] | undefined, before: readonly number[] | undefined, from: number, to: number, by: number, cursor?: { at: number; before: number }): boolean {
  if (at === undefined) return true;
  if (before === undefined) return false;
  let i = cursor === undefined ? lowerBound(at, from) : (cursor.at = seek(at, cursor.at, from));
  let k = cursor === undefined ? lowerBound(before, from - by) : (cursor.before = seek(before, cursor.before, from - by));
  for (; i < at.length && at[i] < to; i++, k++) if (k >= before.length || before[k] + by !== at[i]) return false;
  return k >= before.length || before[k] >= to - by;
}

/**
 * `lowerBound(list, value)`, searched from `hint`, an earlier answer: forward in steps that double,
 * then by halves (a window after the last one is usually a few anchors on), or over the whole list
 * when `value` lies before the hint (a run further on may have moved back). Exported for its tests.
 */
export function seek(list: readonly number[], hint: number, value: number): number {
  let lo = Math.min(hint, list.length);
  if (lo > 0 && list[lo - 1] >= value) return lowerBound(list, value);
  let hi = lo;
  for (let step = 1; hi < list.length && list[hi] < value; step *= 2) {
    lo = hi + 1;
    hi += step;
  }
  hi = Math.min(hi, list.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first value ≥ `value` in an ascending list. */
export function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Runs one detector over [from, to): every match starting in the window. The regex sees CONTEXT
 * characters either side so lookarounds and `\b` behave as on the whole file; a match that runs
 * into the end of the slice is re-run (sticky) on a longer slice so that it is never truncated.
 */
function runWindow(content: EngineText, compiled: CompiledDetector, d: number, from: number, to: number, out: RawMatch[], anchors?: readonly number[]): number {
  const n = content.length;
  const sliceStart = Math.max(0, from - CONTEXT);
  const sliceEnd = Math.min(n, to + CONTEXT);
  const text = sliceStart === 0 && sliceEnd === n && typeof content === 'string' ? content : content.slice(sliceStart, sliceEnd);
  readEnd = sliceEnd;
  if (anchors) {
    runAnchored(content, compiled, d, from, to, text, sliceStart, sliceEnd, anchors, out);
    return readEnd;
  }
  const regex = regexOf(compiled);
  regex.lastIndex = from - sliceStart;
  let previousStart = -1;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const matchStart = sliceStart + m.index;
    if (matchStart >= to) break;
    if (m[0].length === 0) {
      regex.lastIndex++;
      continue;
    }
    if (matchStart !== previousStart && record(content, compiled, d, m, text.length, sliceStart, sliceEnd, out)) previousStart = matchStart;
  }
  return readEnd;
}

/** How far the current `runWindow` has read: its slice's end, or a longer re-run's (`record`). */
let readEnd = 0;

/**
 * The same search as the `g` loop above, for a name-anchored detector: the sticky regex runs only
 * at the anchor offsets inside the window, in order, each at or after the end of the last match —
 * exactly the matches the `g` loop finds, since no match can start anywhere else.
 */
function runAnchored(
  content: EngineText,
  compiled: CompiledDetector,
  d: number,
  from: number,
  to: number,
  text: string,
  sliceStart: number,
  sliceEnd: number,
  anchors: readonly number[],
  out: RawMatch[],
): void {
  const sticky = stickyOf(compiled);
  let next = from; // where the `g` loop would search from (its lastIndex)
  for (let i = lowerBound(anchors, from); i < anchors.length; i++) {
    const at = anchors[i];
    if (at >= to) break;
    if (at < next) continue;
    sticky.lastIndex = at - sliceStart;
    const m = sticky.exec(text);
    if (m === null) continue;
    if (m[0].length === 0) {
      next = at + 1;
      continue;
    }
    next = at + m[0].length;
    record(content, compiled, d, m, text.length, sliceStart, sliceEnd, out);
  }
}

/**
 * Keeps one match; a match that runs into the end of its slice is re-run (sticky) on a longer
 * slice. False when that re-run no longer matches.
 */
function record(content: EngineText, compiled: CompiledDetector, d: number, m: RegExpExecArray, textLength: number, sliceStart: number, sliceEnd: number, out: RawMatch[]): boolean {
  const n = content.length;
  const matchStart = sliceStart + m.index;
  let match: RegExpExecArray | null = m;
  let base = sliceStart;
  if (m.index + m[0].length === textLength && sliceEnd < n) {
    base = Math.max(0, matchStart - CONTEXT);
    const longerEnd = Math.min(n, matchStart + TRUNCATED_REACH);
    if (longerEnd > readEnd) readEnd = longerEnd;
    const longer = content.slice(base, longerEnd);
    const sticky = stickyOf(compiled);
    sticky.lastIndex = matchStart - base;
    match = sticky.exec(longer);
  }
  if (!match) return false;
  const raw = toRawMatch(match, base, d, compiled.hasSecretGroup);
  if (raw) out.push(raw);
  return true;
}

function toRawMatch(m: RegExpExecArray, base: number, d: number, hasSecretGroup: boolean): RawMatch | undefined {
  if (!hasSecretGroup) return { detector: d, secret: m[0], start: base + m.index, end: base + m.index + m[0].length };
  const span = m.indices?.groups?.secret;
  const secret = m.groups?.secret;
  if (!span || !secret) return undefined;
  return { detector: d, secret, start: base + span[0], end: base + span[1] };
}
