import type { CompiledCatalog, CompiledDetector } from './compile.js';
import { LineIndex } from './lines.js';

/** A regex match of one detector, before any filtering. Offsets are into the file content. */
export interface RawMatch {
  /** Index into `CompiledCatalog.detectors`. */
  detector: number;
  secret: string;
  start: number;
  end: number;
}

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
 * only where keywords occur. `active[i]` is 1 when detector i applies to this file.
 */
export function findMatches(
  content: string,
  catalog: CompiledCatalog,
  active: Uint8Array,
  options: MatchOptions = DEFAULT_MATCH_OPTIONS,
  lines: () => LineIndex = () => new LineIndex(content),
): RawMatch[] {
  const n = content.length;
  const matches: RawMatch[] = [];
  const wanted = catalog.unconditional.filter((d) => active[d] === 1);
  for (const d of wanted) {
    for (let from = 0; from < n; from += MAX_MERGED) runWindow(content, catalog.detectors[d], d, from, Math.min(n, from + MAX_MERGED), matches);
  }

  const hits = catalog.automaton.scan(content);
  if (hits.length === 0) return matches;
  if (n < options.wholeFileBelow) {
    for (const d of detectorsHit(hits, catalog, active)) runWindow(content, catalog.detectors[d], d, 0, n, matches);
    return matches;
  }
  const windows = planWindows(content, hits, catalog, active, lines());
  windows.forEach((spans, d) => {
    for (let i = 0; i < spans.length; i += 2) runWindow(content, catalog.detectors[d], d, spans[i], spans[i + 1], matches);
  });
  return matches;
}

/** Detector indices (ascending) that have at least one keyword hit and apply to this file. */
function detectorsHit(hits: number[], catalog: CompiledCatalog, active: Uint8Array): number[] {
  const seen = new Uint8Array(catalog.detectors.length);
  const seenState = new Set<number>();
  for (let i = 0; i < hits.length; i += 2) {
    const state = hits[i];
    if (seenState.has(state)) continue;
    seenState.add(state);
    for (const keyword of catalog.automaton.keywordsAt(state)) {
      for (const d of catalog.keywordDetectors[keyword]) if (active[d] === 1) seen[d] = 1;
    }
  }
  const result: number[] = [];
  seen.forEach((flag, d) => {
    if (flag === 1 && !catalog.unconditional.includes(d)) result.push(d);
  });
  return result;
}

/**
 * Per detector, sorted disjoint windows [start, end, start, end, …] around its keyword hits: the
 * hit's line (bounded to BACK/FORWARD characters around the keyword), extended by the detector's
 * reach. Hits arrive in ascending order, so merging only ever looks at the last window.
 */
function planWindows(content: string, hits: number[], catalog: CompiledCatalog, active: Uint8Array, lines: LineIndex): Map<number, number[]> {
  const n = content.length;
  const windows = new Map<number, number[]>();
  let line = 0;
  let lineStart = 0;
  let lineEnd = -1;
  for (let h = 0; h < hits.length; h += 2) {
    const state = hits[h];
    const hitEnd = hits[h + 1];
    for (const keyword of catalog.automaton.keywordsAt(state)) {
      const hitStart = hitEnd - catalog.keywordLengths[keyword];
      if (hitStart < lineStart || hitStart > lineEnd) {
        line = lines.lineOf(hitStart);
        lineStart = lines.lineStart(line);
        lineEnd = lines.lineEnd(line);
      }
      for (const d of catalog.keywordDetectors[keyword]) {
        if (active[d] !== 1) continue;
        const reach = catalog.detectors[d].reach;
        const start = Math.max(lineStart, hitStart - BACK);
        const end =
          reach === 'block'
            ? Math.min(n, hitEnd + BLOCK_REACH)
            : Math.min(reach === 'near' ? lines.lineEnd(line + 2) : lineEnd, hitEnd + FORWARD);
        addWindow(windows, d, start, end);
      }
    }
  }
  return windows;
}

function addWindow(windows: Map<number, number[]>, d: number, start: number, end: number): void {
  let spans = windows.get(d);
  if (!spans) {
    spans = [];
    windows.set(d, spans);
  }
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
 * Runs one detector over [from, to): every match starting in the window. The regex sees CONTEXT
 * characters either side so lookarounds and `\b` behave as on the whole file; a match that runs
 * into the end of the slice is re-run (sticky) on a longer slice so that it is never truncated.
 */
function runWindow(content: string, compiled: CompiledDetector, d: number, from: number, to: number, out: RawMatch[]): void {
  const n = content.length;
  const sliceStart = Math.max(0, from - CONTEXT);
  const sliceEnd = Math.min(n, to + CONTEXT);
  const text = sliceStart === 0 && sliceEnd === n ? content : content.slice(sliceStart, sliceEnd);
  const regex = compiled.regex;
  regex.lastIndex = from - sliceStart;
  let previousStart = -1;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const matchStart = sliceStart + m.index;
    if (matchStart >= to) break;
    if (m[0].length === 0) {
      regex.lastIndex++;
      continue;
    }
    let match: RegExpExecArray | null = m;
    let base = sliceStart;
    if (m.index + m[0].length === text.length && sliceEnd < n) {
      base = Math.max(0, matchStart - CONTEXT);
      const longer = content.slice(base, Math.min(n, matchStart + TRUNCATED_REACH));
      compiled.sticky.lastIndex = matchStart - base;
      match = compiled.sticky.exec(longer);
    }
    if (match && matchStart !== previousStart) {
      previousStart = matchStart;
      const raw = toRawMatch(match, base, d, compiled.hasSecretGroup);
      if (raw) out.push(raw);
    }
  }
}

function toRawMatch(m: RegExpExecArray, base: number, d: number, hasSecretGroup: boolean): RawMatch | undefined {
  if (!hasSecretGroup) return { detector: d, secret: m[0], start: base + m.index, end: base + m.index + m[0].length };
  const span = m.indices?.groups?.secret;
  const secret = m.groups?.secret;
  if (!span || !secret) return undefined;
  return { detector: d, secret, start: base + span[0], end: base + span[1] };
}
