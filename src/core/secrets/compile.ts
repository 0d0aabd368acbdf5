import type { EngineText } from './byte-text.js';
import type { Detector } from './detector.js';
import { KeywordAutomaton } from './prefilter.js';

/**
 * How far past its keyword's line a detector's match may reach, read from the regex source:
 * - `line`: the pattern cannot cross a line end (the common case: tokens and `key = value`);
 * - `near`: it may cross through optional whitespace (`\s*`) or a negated class (`[^"]`), so the
 *   two following lines are searched too (YAML `password:` then the value on the next line);
 * - `far`: a negated class that admits a line end is repeated a counted number of times, more
 *   than twice (keyed rows' `[^\x00]{0,40}?` before their credential word: `bitmex`, three blank
 *   lines, `key=…`), so it may cross that many lines within a few characters: FORWARD characters
 *   after the keyword are searched, whatever the lines;
 * - `block`: it spans blocks on purpose (`\n`, `[\s\S]`, dotAll, a quantified class containing
 *   `\s`), e.g. PEM private keys, so up to BLOCK_REACH characters after the keyword are searched.
 */
export type Reach = 'line' | 'near' | 'far' | 'block';

export interface CompiledDetector {
  detector: Detector;
  /** Position in the catalog: the tie-break that keeps output deterministic. */
  order: number;
  /**
   * Our own copy with the `g` flag (and `d` when there is a `secret` group, for its offsets), made
   * on first use (`regexOf` in candidates.ts): a scan runs few of the catalog's regexes, and
   * parsing all 833 cost ~3 ms of every scan's start (docs/performance.md, "Start-up").
   */
  regex: RegExp | null;
  /** The flags of `regex` and `sticky` but `g` and `y`. */
  flags: string;
  /**
   * Same, sticky: runs at a name anchor, and re-runs one match on a longer slice when a window cut
   * it short. Made on first use (`stickyOf` in candidates.ts): most detectors never need it.
   */
  sticky: RegExp | null;
  hasSecretGroup: boolean;
  generic: boolean;
  /** Read from the pattern on first use (`reachOf`, by `planWindows` in candidates.ts), like `regex`. */
  reach: Reach | undefined;
  /** Set for patterns that open with a name before their keyword; see `nameAnchorOf`. */
  anchor?: NameAnchor;
  /** Set for patterns that open with a literal their keywords start (`EAA`, `re_`); see `leadOf`. */
  lead?: Lead;
  /** Set for patterns whose keyword is followed by a bounded run and a stop character (`://…:`); see `trailOf`. */
  trail?: Trail;
  /** Set for detectors with `companions`, by `compileCatalog`; see `Companion`. */
  companion?: Companion;
  /** 1: `regex` has been made and primed, 2: `sticky` has (see `primeRegex` in candidates.ts). */
  primed: number;
}

/**
 * A pattern that holds its keyword as a literal at its top level (outside any group or
 * alternative, so every match contains it there), followed by a run of a negated class up to
 * `max` characters and then a character `stop` outside that class, e.g. `:\/\/[^\s:@\/…]{0,200}:`
 * (a URL's user name, then `:` before a password). The run must end at its first character
 * outside the class, and that character must be `stop`: a hit where it is not (`https://host/`)
 * cannot be the keyword of a match, and opens no window for the detector.
 */
export interface Trail {
  /** Id of the keyword (in `CompiledCatalog.keywordLengths`), set by `compileCatalog`. */
  keyword: number;
  /** The keyword, lower-case. */
  word: string;
  /** 1 for ASCII code units the run may hold; code units from 128 up end the check (they pass). */
  run: Uint8Array;
  max: number;
  stop: number;
}

/**
 * A detector's `companions` as keyword ids: every match holds one of those words, starting at
 * most `within` characters after the end of the keyword it opens with. The words are in the
 * keyword pass (as keywords of no detector when no detector names them), so the hits that follow
 * a keyword hit say whether one is that close; a hit without opens no window for the detector.
 */
export interface Companion {
  /** 1 for the keyword ids of the companion words. */
  words: Uint8Array;
  within: number;
  /** Hits ending after the keyword's end plus this cannot start within `within` (the longest word added). */
  reach: number;
}

/** Run characters a trail check looks at, at most (longer runs pass unchecked). */
export const TRAIL_CHECK = 256;

/**
 * A pattern that opens with a fixed, case-sensitive literal and a run of one character class,
 * optionally after a one-class lookbehind or `\b`: `(?<![A-Za-z0-9_-])(?<secret>EAA[0-9A-Za-z]{90,400})`,
 * `\bvariable[ \t]+"`.
 * When the literal starts with every keyword of the detector, every match starts at a keyword hit,
 * so a hit not followed by the literal and the class run cannot start a match: the engine drops
 * it before any window or regex work (`eaa` occurs in every base64 blob, `re_` in every `re_match`).
 */
export interface Lead {
  /** The literal, as UTF-16 code units (lower-case when `caseless`). */
  literal: number[];
  /** The pattern has the `i` flag: ASCII letters match either case (never a non-ASCII one, without `u`). */
  caseless: boolean;
  /** 1 for ASCII code units in the class; code units from 128 up are never checked (they pass). */
  run: Uint8Array;
  /** Class characters the engine checks after the literal (the class's minimum, at most LEAD_CHECK). */
  min: number;
  /** 1 for ASCII code units the lookbehind rejects before the literal, when there is one. */
  before?: Uint8Array;
  /**
   * The ASCII character the pattern puts right after the run (`"` in `\bvariable[ \t]+"`), outside
   * the run's class: the first character after the literal that is not a run character must be it.
   */
  stop?: number;
}

/** Run characters a lead's `stop` check looks past, at most (longer runs pass unchecked). */
export const STOP_CHECK = 64;

/** At most this many run characters are checked per hit: enough to tell `EAAx…` from prose. */
export const LEAD_CHECK = 16;

/**
 * A pattern that opens with `(?<![C])[C]{m,n}?` (C a character class, e.g. `[A-Za-z0-9_.-]`) names
 * a value: the lazy run of name characters leads straight into the detector's keyword
 * (`DB_PASSWORD = …`, `client_secret: …`). Such a match can only start where a run of C begins,
 * at most n characters (plus the keyword's own leading separator, `_pat`, `_key`) before a keyword
 * hit. The engine tries the regex (sticky) only at those starts instead of at every position of a
 * window, which is what made the `generic-*` assignments the costliest regexes of the catalog.
 */
export interface NameAnchor {
  /** n of `{m,n}?`: the longest name part before the keyword. */
  maxPrefix: number;
  /** 1 for every UTF-16 code unit in C. */
  nameChar: Uint8Array;
}

export interface CompiledCatalog {
  detectors: CompiledDetector[];
  byId: Map<string, CompiledDetector>;
  automaton: KeywordAutomaton;
  /** keyword id → indices into `detectors`. */
  keywordDetectors: number[][];
  /** Keyword lengths by keyword id (a hit's start is its end minus this). */
  keywordLengths: number[];
  /** keyword id → indices of name-anchored detectors (those with `anchor`) among `keywordDetectors`. */
  keywordAnchored: number[][];
  /** Indices of the name-anchored detectors. */
  anchored: number[];
  /** Detectors without keywords: searched over the whole file. */
  unconditional: number[];
  /** 1 for every detector without a `pathPattern`; copied per file, then path-scoped ones are set. */
  activeByDefault: Uint8Array;
  /** Detectors with a `pathPattern`, tested against each file's path. */
  pathScoped: number[];
  /**
   * Matches a path when any of their patterns does (one test per file where most files match none),
   * or undefined when they cannot be joined into one regex (differing flags, back-references).
   */
  pathAny?: RegExp;
  /**
   * Whether the engine may scan a stand-in text (src/core/stand-in.ts): every keyword is ASCII, and
   * no pattern has the `u` or `v` flag or a non-ASCII character, escape or property in its source.
   * A custom detector may not qualify; the whole catalog then reads real texts.
   */
  standInSafe: boolean;
}

export function compileCatalog(detectors: readonly Detector[]): CompiledCatalog {
  const compiled = detectors.map((detector, order) => compileDetector(detector, order));
  const keywordIds = new Map<string, number>();
  const keywordDetectors: number[][] = [];
  const unconditional: number[] = [];
  compiled.forEach((c, index) => {
    const keywords = [...new Set(c.detector.keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0))];
    if (keywords.length === 0) unconditional.push(index);
    for (const keyword of keywords) {
      let id = keywordIds.get(keyword);
      if (id === undefined) {
        id = keywordIds.size;
        keywordIds.set(keyword, id);
        keywordDetectors.push([]);
      }
      keywordDetectors[id].push(index);
    }
  });
  // Companion words: keywords too, of no detector unless one names them (their hits open nothing).
  const companionWords = compiled.map((c) => companionWordsOf(c.detector));
  for (const words of companionWords) {
    for (const word of words ?? []) {
      if (keywordIds.has(word)) continue;
      keywordIds.set(word, keywordIds.size);
      keywordDetectors.push([]);
    }
  }
  const keywords = [...keywordIds.keys()];
  compiled.forEach((c, i) => {
    const words = companionWords[i];
    if (words === undefined) return;
    const mask = new Uint8Array(keywords.length);
    for (const word of words) mask[keywordIds.get(word)!] = 1;
    const within = c.detector.companions!.within;
    c.companion = { words: mask, within, reach: within + Math.max(...words.map((w) => w.length)) };
  });
  for (const c of compiled) {
    if (c.trail) {
      const id = keywordIds.get(c.trail.word);
      if (id === undefined) c.trail = undefined;
      else c.trail.keyword = id;
    }
  }
  return {
    detectors: compiled,
    byId: new Map(compiled.map((c) => [c.detector.id, c])),
    automaton: new KeywordAutomaton(keywords),
    keywordDetectors,
    keywordAnchored: keywordDetectors.map((list) => list.filter((d) => compiled[d].anchor !== undefined)),
    anchored: compiled.flatMap((c, i) => (c.anchor ? [i] : [])),
    keywordLengths: keywords.map((k) => k.length),
    unconditional,
    activeByDefault: Uint8Array.from(compiled, (c) => (c.detector.pathPattern ? 0 : 1)),
    pathScoped: compiled.flatMap((c, i) => (c.detector.pathPattern ? [i] : [])),
    pathAny: pathUnion(compiled.flatMap((c) => (c.detector.pathPattern ? [c.detector.pathPattern] : []))),
    standInSafe: keywords.every((k) => /^[\x00-\x7f]*$/.test(k)) && detectors.every((d) => asciiPattern(d.pattern)),
  };
}

/**
 * A pattern that tells characters past ASCII apart only by `\s` and line ends (see
 * `CompiledCatalog.standInSafe`): no `u` or `v` flag (under which a surrogate pair is one
 * character), no non-ASCII character, `\p{…}`, `\u{…}`, or `\u`/`\x`/octal escape past U+007F in
 * its source, and back-references only to named groups that match ASCII alone (a quote, a
 * label): a back-reference compares characters, which placeholders would make equal.
 * Conservative: an escaped backslash before such letters counts too.
 */
export function asciiPattern(pattern: RegExp): boolean {
  if (/[uv]/.test(pattern.flags)) return false;
  const source = pattern.source;
  if (/[^\x00-\x7f]|\\[pP]\{|\\u\{|\\u(?!00[0-7])[0-9a-fA-F]{4}|\\x[89a-fA-F]|\\[23][0-7]{2}|\\[1-9]/.test(source)) return false;
  for (const [, name] of source.matchAll(/\\k<([A-Za-z_$][\w$]*)>/g)) {
    const body = groupBody(source, `(?<${name}>`);
    if (body === undefined || !asciiOnly(body)) return false;
  }
  return true;
}

/**
 * Whether a pattern fragment can match ASCII characters alone (its source is ASCII): no `.`, no
 * `\s` `\S` `\W` `\D` (in a class or not), no negated class.
 */
function asciiOnly(fragment: string): boolean {
  let inClass = false;
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i];
    if (c === '\\') {
      if ('sSWD'.includes(fragment[i + 1] ?? '')) return false;
      i++;
    } else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      if (fragment[i + 1] === '^') return false;
      inClass = true;
    } else if (c === '.') return false;
  }
  return true;
}

/** The text of the group that opens with `opening` in `source`, up to its closing parenthesis. */
function groupBody(source: string, opening: string): string | undefined {
  const from = source.indexOf(opening);
  if (from === -1) return undefined;
  let depth = 1;
  let inClass = false;
  for (let i = from + opening.length; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return source.slice(from + opening.length, i);
  }
  return undefined;
}

/**
 * One regex matching exactly where any of several patterns matches: their alternation, when they
 * share their flags (none of them global or sticky) and hold no back-reference or named group,
 * which the joining could renumber or duplicate. Undefined for fewer than two, or when they cannot
 * be joined. Also used for path profiles (src/workspace/path-profile.ts).
 */
export function pathUnion(patterns: readonly RegExp[]): RegExp | undefined {
  if (patterns.length < 2) return undefined;
  const flags = patterns[0].flags;
  if (/[gy]/.test(flags) || patterns.some((p) => p.flags !== flags || /\\[1-9k]|\(\?</.test(p.source.replace(/\(\?<[=!]/g, '')))) return undefined;
  try {
    return new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), flags);
  } catch {
    return undefined;
  }
}

/**
 * A detector's companion words, lower-case, or undefined when it has none the keyword pass can
 * look for exactly: the automaton folds ASCII case only, as the patterns' `ci` words do.
 */
function companionWordsOf(detector: Detector): string[] | undefined {
  const spec = detector.companions;
  if (!spec || spec.words.length === 0 || !(spec.within >= 0)) return undefined;
  const words = [...new Set(spec.words.map((w) => w.toLowerCase()))];
  return words.every((w) => /^[\x20-\x7e]+$/.test(w)) ? words : undefined;
}

function compileDetector(detector: Detector, order: number): CompiledDetector {
  const { source, flags } = detector.pattern;
  const hasSecretGroup = /\(\?<secret>/.test(source);
  return {
    detector,
    order,
    regex: null,
    flags: flags.replace(/[gyd]/g, '') + (hasSecretGroup ? 'd' : ''),
    sticky: null,
    hasSecretGroup,
    generic: detector.id.startsWith('generic-'),
    reach: undefined,
    anchor: nameAnchorOf(detector.pattern),
    lead: leadOf(detector.pattern, detector.keywords),
    trail: trailOf(detector.pattern, detector.keywords),
    primed: 0,
  };
}

/** The keyword-then-run-then-stop shape of a pattern (see `Trail`; `keyword` is -1 until `compileCatalog` sets it), or undefined. */
export function trailOf(pattern: RegExp, keywords: readonly string[]): Trail | undefined {
  if (/[uv]/.test(pattern.flags)) return undefined;
  const source = pattern.source;
  // The shape needs a keyword's last character (maybe escaped) right before a `[^`: most patterns
  // have none, and are ruled out here without the walk below (start-up of every scanning thread).
  const lower = source.toLowerCase();
  if (!keywords.some((k) => k.length > 0 && lower.includes(`${k.toLowerCase().slice(-1)}[^`))) return undefined;
  // Literal runs at the top level: [text, end offset in source]. Any top-level `|` disqualifies.
  const runs: { text: string; end: number }[] = [];
  let text = '';
  let depth = 0;
  for (let i = 0; i < source.length; ) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (depth === 0 && /[^A-Za-z0-9]/.test(next) && next !== '') text += next;
      else if (depth === 0) {
        if (text) runs.push({ text, end: i });
        text = '';
      }
      // `\x41`, `\u0041`, `\cJ`, `\k<name>`: their tails are no literal text of their own.
      const tail = next === 'x' ? 2 : next === 'u' ? 4 : next === 'c' ? 1 : next === 'k' ? source.indexOf('>', i) - i - 1 : 0;
      i += 2 + Math.max(0, tail);
      continue;
    }
    if (ch === '[') {
      if (depth === 0 && text) runs.push({ text, end: i });
      text = '';
      i += 1;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (ch === '(' || ch === ')') {
      if (depth === 0 && text) runs.push({ text, end: i });
      text = '';
      depth += ch === '(' ? 1 : -1;
      i += 1;
      continue;
    }
    if (depth === 0) {
      if (ch === '|') return undefined;
      if ('*+?{}^$.'.includes(ch)) {
        // A quantifier makes the run's last character optional or repeated: no literal ends here.
        if (text && !'*+?{'.includes(ch)) runs.push({ text, end: i });
        text = '';
      } else text += ch;
    }
    if (ch === '{') {
      const close = source.indexOf('}', i);
      i = close === -1 ? source.length : close + 1;
      continue;
    }
    i += 1;
  }
  const flags = pattern.flags.replace(/[gydms]/g, '');
  for (const run of runs) {
    const after = /^\[\^((?:[^\]\\]|\\.)+)\](?:\{\d+,(\d+)\}|\*)(\\[^A-Za-z0-9]|[^\\()[\]{}|*+?.^$])(?![?*+{])/.exec(source.slice(run.end));
    if (!after) continue;
    const word = keywords.map((k) => k.toLowerCase()).find((k) => k.length > 0 && run.text.toLowerCase().endsWith(k));
    if (word === undefined) continue;
    const stop = after[3].length === 2 ? after[3][1] : after[3];
    if (new RegExp(`[^${after[1]}]`, flags).test(stop)) continue; // the run could pass over its stop character
    return {
      keyword: -1,
      word,
      run: asciiTable(`^${after[1]}`, flags),
      max: after[2] === undefined ? Number.POSITIVE_INFINITY : Number(after[2]),
      stop: stop.charCodeAt(0),
    };
  }
  return undefined;
}

/** False when a keyword hit ending at `end` cannot be the keyword of a match (see `Trail`). */
export function trailFits(content: EngineText, end: number, trail: Trail): boolean {
  const limit = Math.min(content.length, end + Math.min(trail.max, TRAIL_CHECK));
  let i = end;
  for (; i < limit; i++) {
    const c = content.charCodeAt(i);
    if (c >= 128) return true; // not tabled: the regex decides
    if (trail.run[c] !== 1) return c === trail.stop;
  }
  if (i === content.length) return false; // no stop character
  if (i - end >= trail.max) return content.charCodeAt(i) === trail.stop; // the run is full: the stop must follow
  return true; // checked TRAIL_CHECK characters of a longer run: undecided
}

const LEAD_PREFIX = /^(?:\(\?<!\[((?:[^\]\\]|\\.)+)\]\)|(\\b))?(?:\(\?<secret>)?((?:[A-Za-z0-9_]|\\[.\-_/:])+)\[((?:[^\]\\]|\\.)+)\](?:\{(\d+)(?:,\d*)?\}|(\+)|\*)(?:(\\[^A-Za-z0-9]|[^A-Za-z0-9\\()[\]{}|*+?.^$])(?![?*+{]))?/;

/** The leading literal and class run of a pattern (see `Lead`), or undefined when it has none. */
export function leadOf(pattern: RegExp, keywords: readonly string[]): Lead | undefined {
  // Unicode patterns are left alone: the checks below are per code unit.
  if (/[uv]/.test(pattern.flags)) return undefined;
  const m = LEAD_PREFIX.exec(pattern.source);
  if (!m) return undefined;
  const literal = m[3].replace(/\\(.)/g, '$1');
  const lower = literal.toLowerCase();
  const words = keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0);
  if (words.length === 0 || !words.every((k) => lower.startsWith(k))) return undefined;
  // `\b` before a word character: the character before must not be one (ASCII `\w` without `u`).
  if (m[2] !== undefined && !/\w/.test(literal[0])) return undefined;
  const flags = pattern.flags.replace(/[gydms]/g, '');
  const ascii = (cls: string) => asciiTable(cls, flags);
  const min = m[5] !== undefined ? Number(m[5]) : m[6] !== undefined ? 1 : 0;
  const caseless = pattern.flags.includes('i');
  const run = ascii(m[4]);
  // The character after the run (a lazy run's `?` is no such character): outside the class, so the
  // run ends at the first character that is not in it, and that character must be this one.
  const after = m[7] === undefined ? undefined : (m[7].length === 2 ? m[7][1] : m[7]).charCodeAt(0);
  return {
    literal: Array.from(caseless ? lower : literal, (c) => c.charCodeAt(0)),
    caseless,
    run,
    min: Math.min(min, LEAD_CHECK),
    before: m[1] !== undefined ? ascii(m[1]) : m[2] !== undefined ? ascii('\\w') : undefined,
    stop: after !== undefined && after < 128 && run[after] !== 1 ? after : undefined,
  };
}

/** 1 for each ASCII code unit the class `[cls]` matches under `flags`. */
function asciiTable(cls: string, flags: string): Uint8Array {
  const key = `${flags}/${cls}`;
  let table = asciiTables.get(key);
  if (!table) asciiTables.set(key, (table = classTable(cls, flags, 128)));
  return table;
}

/** The catalog's leads and trails share a few dozen classes (`[0-9A-Za-z]`…): one table each, read-only. */
const asciiTables = new Map<string, Uint8Array>();

/** Every code unit below 0x10000, in order: `classTable` runs a class over it in one regex pass. */
let allCodeUnits: string | undefined;

/**
 * 1 for each code unit below `size` that the class `[cls]` matches under `flags` (flags without
 * `u`/`v`: one code unit at a time), found by one global search over all of them (exact class
 * semantics, case folding included, and far cheaper than one `test` per code unit at start-up).
 */
function classTable(cls: string, flags: string, size: number): Uint8Array {
  if (allCodeUnits === undefined) {
    const parts: string[] = [];
    for (let from = 0; from < 0x10000; from += 0x1000) parts.push(String.fromCharCode(...Array.from({ length: 0x1000 }, (_, i) => from + i)));
    allCodeUnits = parts.join('');
  }
  const table = new Uint8Array(size);
  const re = new RegExp(`[${cls}]`, `${flags}g`);
  const text = size === 0x10000 ? allCodeUnits : allCodeUnits.slice(0, size);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) table[m.index] = 1;
  return table;
}

/** False when no match of a detector with this `lead` can start at `start` (see `Lead`). */
export function leadFits(content: EngineText, start: number, lead: Lead): boolean {
  if (lead.before && start > 0) {
    const c = content.charCodeAt(start - 1);
    if (c < 128 && lead.before[c] === 1) return false;
  }
  const { literal, run, min } = lead;
  const n = literal.length;
  if (start + n + min > content.length) return false;
  if (lead.caseless) {
    for (let i = 0; i < n; i++) {
      const c = content.charCodeAt(start + i);
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== literal[i]) return false;
    }
  } else {
    for (let i = 0; i < n; i++) if (content.charCodeAt(start + i) !== literal[i]) return false;
  }
  for (let i = start + n, end = start + n + min; i < end; i++) {
    const c = content.charCodeAt(i);
    if (c >= 128) return true; // not tabled: the regex decides
    if (run[c] !== 1) return false;
  }
  if (lead.stop === undefined) return true;
  const limit = Math.min(content.length, start + n + min + STOP_CHECK);
  let i = start + n + min;
  for (; i < limit; i++) {
    const c = content.charCodeAt(i);
    if (c >= 128) return true; // not tabled: the regex decides
    if (run[c] !== 1) return c === lead.stop;
  }
  return i < content.length; // the text ends before any stop; else a longer run than checked: undecided
}

const NAME_PREFIX = /^\(\?<!\[((?:[^\]\\]|\\.)+)\]\)\[((?:[^\]\\]|\\.)+)\]\{(\d+),(\d+)\}\?/;
const nameTables = new Map<string, Uint8Array>();

/** The leading name part of a pattern (see `NameAnchor`), or undefined when it has none. */
export function nameAnchorOf(pattern: RegExp): NameAnchor | undefined {
  const m = NAME_PREFIX.exec(pattern.source);
  // Under `u`/`v` a class may match a surrogate pair, which a per-code-unit table cannot walk.
  if (!m || m[1] !== m[2] || /[uv]/.test(pattern.flags)) return undefined;
  const flags = pattern.flags.replace(/[gydms]/g, '');
  const key = `${flags}/${m[1]}`;
  let nameChar = nameTables.get(key);
  if (!nameChar) {
    // One pass over the BMP per distinct class (the catalog has one): exact class semantics, flags included.
    nameChar = classTable(m[1], flags, 0x10000);
    nameTables.set(key, nameChar);
  }
  return { maxPrefix: Number(m[4]), nameChar };
}

/** A syntactic over-approximation; see `Reach`. Negated classes that exclude `\n` stay on the line. */
export function reachOf(pattern: RegExp): Reach {
  if (pattern.flags.includes('s')) return 'block';
  const source = pattern.source.replace(/\[\^(?:[^\]\\]|\\.)*\\n(?:[^\]\\]|\\.)*\]/g, '_');
  if (/\[\\s\\S\]|\[\\S\\s\]|\[\\w\\W\]|\[\\W\\w\]|\[\\d\\D\]|\[\\D\\d\]|\[\^\]/.test(source)) return 'block';
  if (/\[(?!\^)(?:[^\]\\]|\\.)*\\s(?:[^\]\\]|\\.)*\](?:[+*]|\{\d*,\d{3,}\}|\{\d*,\})/.test(source)) return 'block';
  // A literal line break crosses one line; a pattern that crosses at most two (`\r?\n`, YAML's
  // `(?:\r?\n[ \t]*)?` before a value) is covered by the two lines `near` searches after the
  // hit's. Repeated ones (`(?:…\n){0,40}`) may cross any number: `block`.
  // `\r` elsewhere (`\r?$`) keeps the older, wider reading: such line-based patterns often sit
  // lines away from their keyword (`.pypirc` sections).
  const joined = source.replace(/\\r\??(?=\\n)/g, '');
  if (/\\r/.test(joined)) return 'block';
  const breaks = joined.includes('\\n') ? lineBreaks(joined) : 0;
  if (breaks > 2) return 'block';
  if (countedNegatedClass(source) > 2) return 'far';
  if (breaks > 0 || /\\[sWD]|\[\^/.test(source)) return 'near';
  return 'line';
}

/**
 * The largest counted repetition (`{n}`, `{m,n}`) of a negated class that admits a line end, in a
 * source whose negated classes holding `\n` were already replaced (see `reachOf`); 0 when none.
 * A class that names `\s` or `\W` excludes line ends too. Unbounded repetitions (`[^"]*`) are left
 * to `near`, as before: values in quotes do not run over lines in practice.
 */
function countedNegatedClass(source: string): number {
  let most = 0;
  for (const m of source.matchAll(/\[\^((?:[^\]\\]|\\.)*)\]\{(\d+)(?:,(\d+))?\}/g)) {
    if (/\\[sW]/.test(m[1])) continue;
    most = Math.max(most, Number(m[3] ?? m[2]));
  }
  return most;
}

const QUANTIFIER = /(?:([*+])|\?|\{(\d+)(?:(,)(\d*))?\})\??/y;
const GROUP_NAME = /\?<([A-Za-z_$][\w$]*)>/y;

/**
 * The most `\n` a match of `source` can contain through `\n` escapes and classes holding `\n`
 * (Infinity when one is repeated), lookarounds and back-references included. An escaped `\\n`
 * counts too: it is a multi-line value written on one line. `\r` never ends a
 * line (lines end at `\n` only), and negated classes are left to the callers' own test.
 */
export function lineBreaks(source: string): number {
  interface Group {
    /** Crossings of the alternatives closed so far (their maximum) and of the current one. */
    best: number;
    current: number;
    /** Capture index and name, to size back-references. */
    index?: number;
    name?: string;
  }
  const captured = new Map<string, number>();
  const stack: Group[] = [{ best: 0, current: 0 }];
  let captures = 0;
  let i = 0;
  /** Adds an atom of `count` crossings, multiplied by the quantifier that follows it, if any. */
  const atom = (count: number) => {
    if (count === 0) return; // its quantifier, if any, is read as more atoms of no crossing
    QUANTIFIER.lastIndex = i;
    const q = QUANTIFIER.exec(source);
    let times = 1;
    if (q && q[0].length > 0) {
      i += q[0].length;
      if (q[1]) times = Infinity;
      else if (q[2] !== undefined) times = q[3] === undefined ? Number(q[2]) : q[4] === '' ? Infinity : Number(q[4]);
    }
    stack[stack.length - 1].current += count * times;
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i += 2;
      if (next === 'n') atom(1);
      else if (next === '\\' && source[i] === 'n') {
        i += 1; // `\\n`, a JSON-escaped line break: the value spans lines of its own (PEM in JSON)
        atom(1);
      } else if (next === 'k' && source[i] === '<') {
        const end = source.indexOf('>', i);
        const name = source.slice(i + 1, end);
        i = end + 1;
        atom(captured.get(name) ?? Infinity);
      } else if (/[1-9]/.test(next)) {
        let digits = next;
        while (/\d/.test(source[i] ?? '')) digits += source[i++];
        atom(captured.get(digits) ?? Infinity);
      } else atom(0);
    } else if (ch === '[') {
      let j = i + 1;
      const negated = source[j] === '^';
      let breaks = false;
      for (; j < source.length && source[j] !== ']'; j++) {
        if (source[j] === '\\') {
          if (source[j + 1] === 'n') breaks = true;
          j++;
        }
      }
      i = j + 1;
      atom(breaks && !negated ? 1 : 0);
    } else if (ch === '(') {
      const group: Group = { best: 0, current: 0 };
      if (source[i + 1] === '?') {
        GROUP_NAME.lastIndex = i + 1;
        const named = GROUP_NAME.exec(source);
        if (named) {
          group.index = ++captures;
          group.name = named[1];
          i += 1 + named[0].length;
        } else i += source[i + 2] === '<' ? 4 : 3; // (?: (?= (?! (?<= (?<!
      } else {
        group.index = ++captures;
        i += 1;
      }
      stack.push(group);
    } else if (ch === '|') {
      const top = stack[stack.length - 1];
      top.best = Math.max(top.best, top.current);
      top.current = 0;
      i += 1;
    } else if (ch === ')' && stack.length > 1) {
      const group = stack.pop()!;
      const count = Math.max(group.best, group.current);
      if (group.index !== undefined) captured.set(String(group.index), count);
      if (group.name !== undefined) captured.set(group.name, count);
      i += 1;
      atom(count);
    } else {
      i += 1;
      atom(0);
    }
  }
  const top = stack[0];
  return stack.length === 1 ? Math.max(top.best, top.current) : Infinity;
}
