import { WasmKeywordScanner } from './prefilter-wasm.js';

/** Texts shorter than this stay in JavaScript: copying them out would cost more than it saves. */
export const WASM_FROM = 1024;

/**
 * The keyword prefilter: one Aho-Corasick pass over the file finds every occurrence of every
 * detector keyword, case-insensitively, at a cost per character that does not depend on how many
 * keywords (or detectors) there are. Detectors whose keywords never occur cost nothing.
 *
 * The automaton is a full DFA over character classes: every character that occurs in a keyword
 * gets a class (upper- and lower-case share one), all other characters share class 0. Transitions
 * are pre-multiplied by the class count, and states that end a keyword are stored bit-inverted,
 * so the inner loop is one table lookup, one array read and one sign test per character. Texts of
 * WASM_FROM characters or more run that same loop as WebAssembly (prefilter-wasm.ts), same tables.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  private readonly classOf: Uint16Array;
  private readonly classCount: number;
  private readonly delta: Int32Array;
  /** Keyword ids ending at each state (including those reached through failure links). */
  private readonly outputs: number[][];
  /** Created on the first long text; null when WebAssembly cannot be used. */
  private wasm: WasmKeywordScanner | null | undefined;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    const { classOf, classCount } = buildClasses(this.keywords);
    this.classOf = classOf;
    this.classCount = classCount;
    const { delta, outputs } = buildDfa(this.keywords, classOf, classCount);
    this.delta = delta;
    this.outputs = outputs;
  }

  /**
   * Every keyword occurrence, as flat pairs [state, endOffset, state, endOffset, …] where endOffset
   * is exclusive. Resolve a state to its keyword ids with `keywordsAt`.
   */
  scan(text: string): number[] {
    if (text.length >= WASM_FROM) {
      if (this.wasm === undefined) this.wasm = WasmKeywordScanner.create(this.classOf, this.classCount, this.delta, Math.max(0, ...this.keywords.map((k) => k.length)));
      if (this.wasm) return this.wasm.scan(text);
    }
    return this.scanJs(text);
  }

  /** The JavaScript loop (short texts, and where WebAssembly is unavailable). */
  scanJs(text: string): number[] {
    const hits: number[] = [];
    const { delta, classOf } = this;
    const k = this.classCount;
    let state = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      let next = delta[state + classOf[text.charCodeAt(i)]];
      if (next < 0) {
        next = ~next;
        hits.push(next / k, i + 1);
      }
      state = next;
    }
    return hits;
  }

  keywordsAt(state: number): readonly number[] {
    return this.outputs[state];
  }
}

/**
 * Characters in about the order of their frequency in source code: their classes come first, so
 * the transitions a scan takes most often sit together at the start of each state's table row
 * (fewer cache lines per hot state).
 */
const FREQUENT = 'etaoinsrlcdupmhgbfy_.wkvx-zjq0123456789/:';

function buildClasses(keywords: readonly string[]): { classOf: Uint16Array; classCount: number } {
  const classOf = new Uint16Array(0x10000);
  const chars: string[] = [];
  const seen = new Set<string>();
  for (const keyword of keywords) {
    for (const ch of keyword) {
      if (ch.length !== 1 || seen.has(ch)) continue;
      seen.add(ch);
      chars.push(ch);
    }
  }
  const rank = (ch: string) => {
    const at = FREQUENT.indexOf(ch);
    return at === -1 ? FREQUENT.length : at;
  };
  // Stable: characters outside FREQUENT keep their order of first appearance. With a non-ASCII
  // character (custom keywords) the order of first appearance is kept for all: case variants can
  // then be shared across characters (`ı` and `i` both upper-case to `I`), and which class such a
  // variant ends in depends on that order.
  const ascii = chars.every((ch) => ch.charCodeAt(0) < 128);
  const ordered = chars.map((ch, i) => ({ ch, i })).sort((a, b) => (ascii ? rank(a.ch) - rank(b.ch) : 0) || a.i - b.i);
  let classCount = 1;
  for (const { ch } of ordered) {
    if (classOf[ch.charCodeAt(0)] !== 0) continue; // a case variant of a character already classed
    const cls = classCount++;
    for (const variant of new Set([ch, ch.toLowerCase(), ch.toUpperCase()])) {
      if (variant.length === 1) classOf[variant.charCodeAt(0)] = cls;
    }
  }
  return { classOf, classCount };
}

function buildDfa(keywords: readonly string[], classOf: Uint16Array, k: number): { delta: Int32Array; outputs: number[][] } {
  // Trie first, in the transition table itself: table[state * k + class] = next state, -1 when absent.
  const capacity = keywords.reduce((sum, w) => sum + w.length, 0) + 1;
  const table = new Int32Array(capacity * k).fill(-1);
  const outputs: number[][] = [[]];
  let states = 1;
  keywords.forEach((keyword, id) => {
    if (keyword.length === 0) return;
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const cls = classOf[keyword.charCodeAt(i)];
      let next = table[state * k + cls];
      if (next === -1) {
        next = states++;
        table[state * k + cls] = next;
        outputs.push([]);
      }
      state = next;
    }
    if (!outputs[state].includes(id)) outputs[state].push(id);
  });

  // Breadth-first: failure links, merged outputs, and the full transition function. A state's
  // row is completed from its failure state's row, which lies closer to the root and so is
  // already complete when the state is reached.
  const delta = table.subarray(0, states * k);
  const fail = new Int32Array(states);
  const queue = new Int32Array(states);
  let tail = 0;
  for (let c = 0; c < k; c++) {
    const next = delta[c];
    if (next === -1) delta[c] = 0;
    else if (next > 0) queue[tail++] = next;
  }
  for (let head = 0; head < tail; head++) {
    const state = queue[head];
    const row = state * k;
    const failRow = fail[state] * k;
    const merged = outputs[fail[state]];
    if (merged.length > 0) outputs[state] = [...new Set([...outputs[state], ...merged])];
    for (let c = 0; c < k; c++) {
      const next = delta[row + c];
      if (next === -1) {
        delta[row + c] = delta[failRow + c];
      } else {
        fail[next] = delta[failRow + c];
        queue[tail++] = next;
      }
    }
  }
  // Pre-multiply targets by k and mark states that end a keyword by bit-inverting them.
  const ends = Uint8Array.from(outputs, (list) => (list.length > 0 ? 1 : 0));
  for (let i = 0; i < delta.length; i++) {
    const target = delta[i];
    delta[i] = ends[target] === 1 ? ~(target * k) : target * k;
  }
  return { delta: delta.slice(), outputs };
}
