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

function buildClasses(keywords: readonly string[]): { classOf: Uint16Array; classCount: number } {
  const classOf = new Uint16Array(0x10000);
  let classCount = 1;
  for (const keyword of keywords) {
    for (const ch of keyword) {
      const code = ch.charCodeAt(0);
      if (ch.length !== 1 || classOf[code] !== 0) continue;
      const cls = classCount++;
      for (const variant of new Set([ch, ch.toLowerCase(), ch.toUpperCase()])) {
        if (variant.length === 1) classOf[variant.charCodeAt(0)] = cls;
      }
    }
  }
  return { classOf, classCount };
}

function buildDfa(keywords: readonly string[], classOf: Uint16Array, k: number): { delta: Int32Array; outputs: number[][] } {
  // Trie first: goto[state * k + class] = next state, -1 when absent.
  const capacity = keywords.reduce((sum, w) => sum + w.length, 0) + 1;
  const trie = new Int32Array(capacity * k).fill(-1);
  const outputs: number[][] = [[]];
  let states = 1;
  keywords.forEach((keyword, id) => {
    if (keyword.length === 0) return;
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const cls = classOf[keyword.charCodeAt(i)];
      let next = trie[state * k + cls];
      if (next === -1) {
        next = states++;
        trie[state * k + cls] = next;
        outputs.push([]);
      }
      state = next;
    }
    if (!outputs[state].includes(id)) outputs[state].push(id);
  });

  // Breadth-first: failure links, merged outputs, and the full transition function.
  const delta = new Int32Array(states * k);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let c = 0; c < k; c++) {
    const next = trie[c];
    delta[c] = next === -1 ? 0 : next;
    if (next > 0) queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head];
    const merged = outputs[fail[state]];
    if (merged.length > 0) outputs[state] = [...new Set([...outputs[state], ...merged])];
    for (let c = 0; c < k; c++) {
      const next = trie[state * k + c];
      if (next === -1) {
        delta[state * k + c] = delta[fail[state] * k + c];
      } else {
        fail[next] = delta[fail[state] * k + c];
        delta[state * k + c] = next;
        queue.push(next);
      }
    }
  }
  // Pre-multiply targets by k and mark states that end a keyword by bit-inverting them.
  for (let i = 0; i < delta.length; i++) {
    const target = delta[i];
    delta[i] = outputs[target].length > 0 ? ~(target * k) : target * k;
  }
  return { delta, outputs };
}
