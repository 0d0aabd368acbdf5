import type { Detector } from './detector.js';
import { KeywordAutomaton } from './prefilter.js';

/**
 * How far past its keyword's line a detector's match may reach, read from the regex source:
 * - `line`: the pattern cannot cross a line end (the common case: tokens and `key = value`);
 * - `near`: it may cross through optional whitespace (`\s*`) or a negated class (`[^"]`), so the
 *   two following lines are searched too (YAML `password:` then the value on the next line);
 * - `block`: it spans blocks on purpose (`\n`, `[\s\S]`, dotAll, a quantified class containing
 *   `\s`), e.g. PEM private keys, so up to BLOCK_REACH characters after the keyword are searched.
 */
export type Reach = 'line' | 'near' | 'block';

export interface CompiledDetector {
  detector: Detector;
  /** Position in the catalog: the tie-break that keeps output deterministic. */
  order: number;
  /** Our own copy with the `g` flag (and `d` when there is a `secret` group, for its offsets). */
  regex: RegExp;
  /** Same, sticky: re-runs one match on a longer slice when a window cut it short. */
  sticky: RegExp;
  hasSecretGroup: boolean;
  generic: boolean;
  reach: Reach;
  /** Set for patterns that open with a name before their keyword; see `nameAnchorOf`. */
  anchor?: NameAnchor;
  /**
   * Literals every match contains (see `requiredLiterals`), as tests on the text a regex run would
   * search: a window without one of them cannot hold a match, so the regex is not run there.
   */
  required: ((text: string) => boolean)[];
  /** Set for patterns whose every match starts with a literal; see `leadingLiteral`. */
  lead?: LeadingLiteral;
}

/**
 * A pattern whose matches all start with the same literal (`\bname…`, `(?<![\w-])(?<secret>re_…`)
 * can only match where that literal occurs: the engine finds its occurrences (a native substring
 * search) and tries the regex (sticky) only there instead of at every position of a window.
 */
export interface LeadingLiteral {
  literal: string;
  /** Finds occurrences under the pattern's own case folding (`g`); undefined when case matters. */
  finder?: RegExp;
}

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
  const keywords = [...keywordIds.keys()];
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
  };
}

function compileDetector(detector: Detector, order: number): CompiledDetector {
  const { source, flags } = detector.pattern;
  const hasSecretGroup = /\(\?<secret>/.test(source);
  const base = flags.replace(/[gyd]/g, '') + (hasSecretGroup ? 'd' : '');
  return {
    detector,
    order,
    regex: new RegExp(source, base + 'g'),
    sticky: new RegExp(source, base + 'y'),
    hasSecretGroup,
    generic: detector.id.startsWith('generic-'),
    reach: reachOf(detector.pattern),
    anchor: nameAnchorOf(detector.pattern),
    required: requiredTests(detector),
    lead: leadOf(detector.pattern),
  };
}

/** Leading literals shorter than this are not worth a sticky run per occurrence. */
const MIN_LEAD = 3;

function leadOf(pattern: RegExp): LeadingLiteral | undefined {
  const literal = leadingLiteral(pattern);
  if (literal === undefined || literal.length < MIN_LEAD) return undefined;
  const flags = pattern.flags.replace(/[gydms]/g, '');
  return { literal, finder: flags.includes('i') ? new RegExp(escapeLiteral(literal), flags + 'g') : undefined };
}

function escapeLiteral(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * The literal every match of `pattern` starts with, if any: after leading zero-width assertions
 * (`\b`, `^`, lookarounds), through leading groups that must occur, the run of plain characters.
 * Undefined for patterns with a top-level `|` or the `v` flag.
 */
export function leadingLiteral(pattern: RegExp): string | undefined {
  if (pattern.flags.includes('v')) return undefined;
  const lead = leadingRun(pattern.source);
  return lead === '' ? undefined : lead;
}

function leadingRun(source: string): string | undefined {
  if (hasTopLevelBar(source)) return undefined;
  let i = 0;
  for (;;) {
    if (source.startsWith('\\b', i) || source.startsWith('\\B', i)) i += 2;
    else if (source[i] === '^') i++;
    else if (/^\(\?<?[=!]/.test(source.slice(i, i + 4))) {
      i = skipGroup(source, i);
      if (i < 0) return undefined;
      const quantifier = quantifierAt(source, i); // Annex B allows a quantified lookahead
      if (quantifier) i = quantifier.end;
    } else break;
  }
  if (source[i] === '(') {
    const end = skipGroup(source, i);
    if (end < 0) return undefined;
    const quantifier = quantifierAt(source, end);
    if (quantifier !== undefined && quantifier.min === 0) return undefined;
    const bodyStart = source[i + 1] !== '?' ? i + 1 : source[i + 2] === ':' ? i + 3 : source[i + 2] === '<' ? source.indexOf('>', i) + 1 : -1;
    return bodyStart > 0 ? leadingRun(source.slice(bodyStart, end - 1)) : undefined;
  }
  let run = '';
  while (i < source.length) {
    const ch = source[i];
    let literal: string;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break;
      literal = next;
      i += 2;
    } else if ('^$.()[]{}*+?|'.includes(ch)) break;
    else {
      literal = ch;
      i++;
    }
    const quantifier = quantifierAt(source, i);
    if (quantifier === undefined) {
      run += literal;
      continue;
    }
    if (quantifier.min >= 1) run += literal;
    break;
  }
  return run;
}

/** True when `source` is an alternation at its top level. */
function hasTopLevelBar(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '(' || ch === '[') {
      const end = ch === '(' ? skipGroup(source, i) : skipClass(source, i);
      if (end < 0) return true;
      i = end - 1;
    } else if (ch === '|') return true;
  }
  return false;
}

/** At most this many literal tests per detector, longest literals first (each costs a pass over the window). */
const MAX_REQUIRED_TESTS = 2;

/**
 * Tests for the longest literals of the detector's pattern, those that are not keywords first (a
 * window always holds a keyword): `includes` when case matters, otherwise a regex of the escaped
 * literal under the pattern's own flags, so case folding is exactly the pattern's.
 */
function requiredTests({ pattern, keywords }: Detector): ((text: string) => boolean)[] {
  const flags = pattern.flags.replace(/[gydms]/g, '');
  const isKeyword = (literal: string) => keywords.some((k) => k.toLowerCase() === literal.toLowerCase());
  return [...new Set(requiredLiterals(pattern))]
    .sort((a, b) => Number(isKeyword(a)) - Number(isKeyword(b)) || b.length - a.length)
    .slice(0, MAX_REQUIRED_TESTS)
    .map((literal) => {
      if (!flags.includes('i')) return (text: string) => text.includes(literal);
      const regex = new RegExp(escapeLiteral(literal), flags);
      return (text: string) => regex.test(text);
    });
}

/**
 * Literal strings that every match of `pattern` consumes, read from its source: the runs of plain
 * characters in its top-level sequence. A conservative under-approximation: groups (lookarounds
 * included), classes, escapes other than escaped punctuation, assertions and optional characters
 * end a run and add nothing, and a pattern with a top-level `|` (or the `v` flag) yields none.
 * `\bname["']?[ \t]*[:=]…value…` gives `name` and `value`; `…:\/\/…:(?<secret>…)@…` gives `://` and `@`.
 */
export function requiredLiterals(pattern: RegExp): string[] {
  return pattern.flags.includes('v') ? [] : literalsOf(pattern.source);
}

function literalsOf(source: string): string[] {
  const literals: string[] = [];
  let run = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    let literal: string | undefined;
    if (ch === '|') return [];
    if (ch === '(') {
      const end = skipGroup(source, i);
      if (end < 0) return [];
      // A plain, capturing or named group (not a lookaround) that must occur: its own sequence counts.
      const consumed = source[i + 1] !== '?' || source[i + 2] === ':' || (source[i + 2] === '<' && /[A-Za-z_$]/.test(source[i + 3] ?? ''));
      const quantifier = quantifierAt(source, end);
      if (consumed && (quantifier === undefined || quantifier.min >= 1)) {
        const bodyStart = source[i + 1] !== '?' ? i + 1 : source[i + 2] === ':' ? i + 3 : source.indexOf('>', i) + 1;
        if (run.length > 0) literals.push(run);
        run = '';
        literals.push(...literalsOf(source.slice(bodyStart, end - 1)));
      }
      i = end;
    } else if (ch === '[') {
      i = skipClass(source, i);
      if (i < 0) return [];
    } else if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined) return [];
      i += 2;
      if (!/[A-Za-z0-9]/.test(next)) literal = next;
      else i = skipEscapeTail(source, next, i);
    } else {
      i++;
      if (!'^$.)]}{*+?'.includes(ch)) literal = ch;
    }
    const quantifier = quantifierAt(source, i);
    if (literal !== undefined && (quantifier === undefined || quantifier.min >= 1)) run += literal;
    if (literal === undefined || quantifier !== undefined) {
      if (run.length > 0) literals.push(run);
      run = '';
    }
    if (quantifier) i = quantifier.end;
  }
  if (run.length > 0) literals.push(run);
  return literals;
}

/** Past the rest of an escape `\<letter or digit>…` whose first character ends at `i`. */
function skipEscapeTail(source: string, letter: string, i: number): number {
  if (letter === 'c') return i + 1; // \cX
  if ((letter === 'k' && source[i] === '<') || ((letter === 'p' || letter === 'P' || letter === 'u') && source[i] === '{')) {
    const close = source.indexOf(letter === 'k' ? '>' : '}', i);
    return close === -1 ? source.length : close + 1;
  }
  if (letter === 'x' || letter === 'u') {
    const digits = letter === 'x' ? 2 : 4;
    let j = i;
    while (j < i + digits && /[0-9A-Fa-f]/.test(source[j] ?? '')) j++;
    return j; // short of digits, the letter was literal (Annex B): skipping it only loses literals
  }
  if (/[0-9]/.test(letter)) while (i < source.length && /[0-9]/.test(source[i])) i++; // \0, back references
  return i;
}

/** The quantifier at `i` (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`, optionally lazy) and where it ends. */
function quantifierAt(source: string, i: number): { min: number; end: number } | undefined {
  const ch = source[i];
  let min: number;
  let end: number;
  if (ch === '?' || ch === '*' || ch === '+') {
    min = ch === '+' ? 1 : 0;
    end = i + 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(?:,\d*)?\}/.exec(source.slice(i, i + 24));
    if (!m) return undefined;
    min = Number(m[1]);
    end = i + m[0].length;
  } else return undefined;
  if (source[end] === '?') end++;
  return { min, end };
}

/** Index just past the `]` closing the class opened at `i` (the first unescaped one), or -1. */
function skipClass(source: string, i: number): number {
  for (let j = i + 1; j < source.length; j++) {
    if (source[j] === '\\') j++;
    else if (source[j] === ']') return j + 1;
  }
  return -1;
}

/** Index just past the `)` closing the group opened at `i` (classes and escapes skipped), or -1. */
function skipGroup(source: string, i: number): number {
  let depth = 0;
  for (let j = i; j < source.length; j++) {
    const ch = source[j];
    if (ch === '\\') j++;
    else if (ch === '[') {
      j = skipClass(source, j) - 1;
      if (j < 0) return -1;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return j + 1;
  }
  return -1;
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
    const cls = new RegExp(`[${m[1]}]`, flags);
    nameChar = new Uint8Array(0x10000);
    for (let code = 0; code < 0x10000; code++) if (cls.test(String.fromCharCode(code))) nameChar[code] = 1;
    nameTables.set(key, nameChar);
  }
  return { maxPrefix: Number(m[4]), nameChar };
}

/** A syntactic over-approximation; see `Reach`. Negated classes that exclude `\n` stay on the line. */
export function reachOf(pattern: RegExp): Reach {
  if (pattern.flags.includes('s')) return 'block';
  const source = pattern.source.replace(/\[\^(?:[^\]\\]|\\.)*\\n(?:[^\]\\]|\\.)*\]/g, '_');
  if (/\\[nr]|\[\\s\\S\]|\[\\S\\s\]|\[\\w\\W\]|\[\\W\\w\]|\[\\d\\D\]|\[\\D\\d\]|\[\^\]/.test(source)) return 'block';
  if (/\[(?!\^)(?:[^\]\\]|\\.)*\\s(?:[^\]\\]|\\.)*\](?:[+*]|\{\d*,\d{3,}\}|\{\d*,\})/.test(source)) return 'block';
  if (/\\[sWD]|\[\^/.test(source)) return 'near';
  return 'line';
}
