import type { ExtractError } from '../../types.js';
import { LineIndex } from './lines.js';

/**
 * One linear pass over a JSON text (no regex, so a 10 MB template costs tens of milliseconds):
 * it bounds nesting depth before JSON.parse builds anything, and notes where each key of one
 * chosen top-level object (CloudFormation `Resources`) starts, since JSON.parse keeps no positions.
 */
export interface JsonOutline {
  /** Offsets of the keys of `topLevelKey`'s object, by key. */
  keys: Map<string, number>;
  error?: { position: number; message: string };
}

export function outlineJson(text: string, topLevelKey: string, maxDepth: number): JsonOutline {
  const keys = new Map<string, number>();
  let depth = 0;
  /** Depth-1 key whose value we are inside; only its direct keys are recorded. */
  let currentTop = '';
  let lastString = '';
  let lastStringStart = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i;
      i++;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i += 2;
        else if (c === 0x22) break;
        else i++;
      }
      // Only short strings near the root can matter: keep the slice cheap.
      lastString = depth <= 2 && i - start < 512 ? text.slice(start + 1, i) : '';
      lastStringStart = start;
    } else if (ch === 0x3a /* : */) {
      if (depth === 1) currentTop = lastString;
      else if (depth === 2 && currentTop === topLevelKey && !keys.has(lastString)) keys.set(lastString, lastStringStart);
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      depth++;
      if (depth > maxDepth) return { keys, error: { position: i, message: `nesting exceeded maxDepth (${maxDepth})` } };
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      depth--;
      if (depth === 1 && ch === 0x7d) currentTop = currentTop === topLevelKey ? '' : currentTop;
    }
  }
  return { keys };
}

/** JSON.parse with an ExtractError (file, line, column) instead of a throw. */
export function parseJson(file: string, text: string, index: LineIndex): { value?: unknown; error?: ExtractError } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    // V8 on Node 20 often names no position: find it ourselves from the token stream.
    const position = firstBadPosition(text, (error as Error).message);
    return { error: { file, line: index.line(position), column: index.column(position), message: `malformed JSON: ${describe((error as Error).message)}` } };
  }
}

/** V8 quotes the text around the fault, which may hold a secret: keep only its own words. */
function describe(message: string): string {
  return message.replace(/,\s*(\.\.\.)?".*$/s, '').replace(/\s+in JSON at position \d+.*$/s, '');
}

/** The offset JSON.parse complained about, when its message says; else the end of the text. */
function firstBadPosition(text: string, message: string): number {
  const match = /at position (\d+)/.exec(message);
  if (match) return Math.min(Number(match[1]), text.length);
  return bisectValidPrefix(text);
}

/**
 * Locates a syntax error by parsing growing prefixes of the text: a prefix that fails with
 * "Unexpected end" is still valid so far; the first prefix failing otherwise ends at the fault.
 * Binary search over line ends keeps this to ~log2(lines) parses.
 */
function bisectValidPrefix(text: string): number {
  const ends: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) ends.push(i);
  ends.push(text.length);
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (prefixStillValid(text.slice(0, ends[mid]))) lo = mid + 1;
    else hi = mid;
  }
  const lineStart = lo === 0 ? 0 : ends[lo - 1] + 1;
  let i = lineStart;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function prefixStillValid(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end|Unterminated string/i.test(message)) return true;
    // "Expected ',' or '}' … at position N" at the very end of the prefix means "more to come".
    const at = /at position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.trimEnd().length;
  }
}
