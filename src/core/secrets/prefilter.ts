import { ByteText, type EngineText } from './byte-text.js';
import { HitBuffer, type Hits } from './hits.js';
import { WasmKeywordScanner } from './prefilter-wasm.js';

export type { Hits } from './hits.js';

/** Texts shorter than this stay in JavaScript: copying them out would cost more than it saves. */
export const WASM_FROM = 1024;

/**
 * The keyword prefilter: one Aho-Corasick pass over the file finds every occurrence of every
 * detector keyword, case-insensitively, at a cost per character that does not depend on how many
 * keywords (or detectors) there are. Detectors whose keywords never occur cost nothing.
 *
 * The automaton is a full DFA over character classes: every character that occurs in a keyword
 * gets a class (upper- and lower-case share one), all other characters share class 0. Transitions
 * are stored as the byte offset of the target's row (state × class count × 4), and states that end
 * a keyword bit-inverted, so the inner loop is one table lookup, one array read and one sign test
 * per character. Texts of WASM_FROM characters or more run that same loop as WebAssembly
 * (prefilter-wasm.ts), over a copy of the same tables.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  private readonly classOf: Uint16Array;
  private readonly classCount: number;
  /** The code units that have a class (all others are class 0). */
  private readonly classed: readonly number[];
  /**
   * Transitions, row by state: delta[state × classCount + class] is the target's row as a byte
   * offset (× classCount × 4, as the WebAssembly loop reads the same table), bit-inverted when the
   * target ends a keyword.
   */
  private readonly delta: Int32Array;
  /** Keyword ids ending at each state (including those reached through failure links). */
  private readonly outputs: number[][];
  /** Created on the first long text; null when WebAssembly cannot be used. */
  private wasm: WasmKeywordScanner | null | undefined;
  /**
   * The longest keyword's length. The state reached at any offset is the longest keyword prefix
   * ending there, so it never depends on more than this many code units before the offset: the
   * WebAssembly streams and `scanAgainst` start that far back from the start state.
   */
  readonly longest: number;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    const { classOf, classCount, classed } = buildClasses(this.keywords);
    this.classOf = classOf;
    this.classCount = classCount;
    this.classed = classed;
    const { delta, outputs } = buildDfa(this.keywords, classOf, classCount);
    this.delta = delta;
    this.outputs = outputs;
    this.longest = Math.max(0, ...this.keywords.map((k) => k.length));
  }

  /**
   * Every keyword occurrence, as flat pairs [state, endOffset, state, endOffset, …] where endOffset
   * is exclusive. Resolve a state to its keyword ids with `keywordsAt`.
   */
  scan(text: EngineText): Hits {
    this.found.clear(); // it may still hold the hits of a view (`scanView`)
    this.scanInto(text, this.found);
    return this.found.take();
  }

  /**
   * `scan(text)`'s hits in a view of the buffer this automaton gathers hits in: valid only until
   * its next scan of any kind. For a caller done with them by then (a tree scan's file), this
   * spares a copy, and an allocation outside V8's heap, per file: the corpus's tree scan took
   * ~3 % more CPU with one (docs/history.md, "seventeenth session").
   */
  scanView(text: EngineText): Hits {
    this.found.clear();
    this.scanInto(text, this.found);
    return this.found.view();
  }

  /** Appends `scan(text)`'s hits to `out`. */
  private scanInto(text: EngineText, out: HitBuffer): void {
    if (text.length >= WASM_FROM) {
      if (this.wasm === undefined) this.wasm = WasmKeywordScanner.create(this.classOf, this.classCount, this.delta, this.longest, this.classed);
      if (this.wasm) return this.wasm.scan(text, out);
    }
    this.scanJsInto(text, out);
  }

  /**
   * The same hits as `scan(text)`, given `hits`, those of an earlier text, and the runs of text the
   * two share (`segments`: flat triples [start in text, start in the earlier text, length],
   * ascending and disjoint in both; versions.ts, `sharedSegments`). A hit at end offset e is decided by the
   * `longest` code units before e, so in a run [s, s + length) of text:
   * - a hit ending at e in [s + longest, s + length] reads only the run, and is the earlier text's
   *   hit at e - s + startInEarlier;
   * - in a run that starts both texts, every hit ending in it is the earlier text's (the scan
   *   starts from the start state at offset 0 in both);
   * - the other ends are found by scanning the text between, from `longest` - 1 code units before
   *   the first of them: the first end is then `longest` code units in, where the start state has
   *   become the true state.
   * A run too short to take a hit over is scanned with the text around it.
   */
  scanAgainst(text: EngineText, hits: Hits, segments: readonly number[]): Hits {
    const n = text.length;
    const longest = this.longest;
    const out = this.merged;
    let h = 0;
    let covered = 0; // every hit ending at or before this is in `out`
    for (let k = 0; k <= segments.length; k += 3) {
      // The ends taken over from this run, [first, last] (past the last run: none, the rest is scanned).
      let first = n + 1;
      let last = n;
      if (k < segments.length) {
        const start = segments[k];
        first = start === 0 && segments[k + 1] === 0 ? 1 : start + longest;
        last = start + segments[k + 2];
        if (first > last) continue;
      }
      if (first - 1 > covered) {
        const from = Math.max(0, covered + 1 - longest);
        const to = first - 1;
        const found = this.found;
        found.clear();
        this.scanInto(from === 0 && to === n ? text : stretch(text, from, to), found);
        const { data, length } = found;
        for (let m = 0; m < length; m += 2) {
          const end = data[m + 1] + from;
          if (end > covered) out.push(data[m], end);
        }
      }
      if (k === segments.length) break;
      const by = segments[k] - segments[k + 1];
      while (h < hits.length && hits[h + 1] + by < first) h += 2;
      const taken = h;
      while (h < hits.length && hits[h + 1] + by <= last) h += 2;
      out.append(hits, taken, h, by);
      covered = last;
    }
    return out.take();
  }

  /** Where `scan` gathers its hits, and `scanAgainst` those of the stretches it scans, reused from text to text… */
  private readonly found = new HitBuffer();
  /** …and where `scanAgainst` gathers its own. */
  private readonly merged = new HitBuffer();

  /** The JavaScript loop (short texts, and where WebAssembly is unavailable). */
  scanJs(text: EngineText): Hits {
    this.found.clear();
    this.scanJsInto(text, this.found);
    return this.found.take();
  }

  private scanJsInto(text: EngineText, hits: HitBuffer): void {
    const { delta, classOf } = this;
    const stride = this.classCount * 4;
    let state = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      let next = delta[(state >> 2) + classOf[text.charCodeAt(i)]];
      if (next < 0) {
        next = ~next;
        hits.push(next / stride, i + 1);
      }
      state = next;
    }
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

function buildClasses(keywords: readonly string[]): { classOf: Uint16Array; classCount: number; classed: number[] } {
  const classOf = new Uint16Array(0x10000);
  const classed: number[] = [];
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
      if (variant.length !== 1) continue;
      classOf[variant.charCodeAt(0)] = cls;
      classed.push(variant.charCodeAt(0));
    }
  }
  return { classOf, classCount, classed };
}

/**
 * The automaton's transition table (see `KeywordAutomaton.delta`) and each state's keywords.
 * Built breadth-first from the keyword trie: a state's row is its failure state's row (complete,
 * since that state is shallower) copied whole, with the state's own trie edges written over it.
 * Each target is written in its final form as its edge is made: its failure state, and so whether
 * it ends a keyword, is known by then. This costs a row copy per state instead of a loop over
 * every (state, class) pair, which at start-up runs before the optimising compiler has seen it.
 */
function buildDfa(keywords: readonly string[], classOf: Uint16Array, k: number): { delta: Int32Array; outputs: number[][] } {
  // The trie, as linked lists: each state's first child, each child's next sibling and the class
  // of the edge into it.
  const capacity = keywords.reduce((sum, w) => sum + w.length, 0) + 1;
  const firstChild = new Int32Array(capacity).fill(-1);
  const nextSibling = new Int32Array(capacity).fill(-1);
  const edgeClass = new Int32Array(capacity);
  const outputs: number[][] = [[]];
  let states = 1;
  keywords.forEach((keyword, id) => {
    if (keyword.length === 0) return;
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const cls = classOf[keyword.charCodeAt(i)];
      let child = firstChild[state];
      while (child !== -1 && edgeClass[child] !== cls) child = nextSibling[child];
      if (child === -1) {
        child = states++;
        edgeClass[child] = cls;
        nextSibling[child] = firstChild[state];
        firstChild[state] = child;
        outputs.push([]);
      }
      state = child;
    }
    if (!outputs[state].includes(id)) outputs[state].push(id);
  });

  const stride = k * 4;
  const delta = new Int32Array(states * k); // all 0: the root's row sends every class back to the root
  const ends = Uint8Array.from(outputs, (list) => (list.length > 0 ? 1 : 0));
  const entry = (target: number) => (ends[target] === 1 ? ~(target * stride) : target * stride);
  const fail = new Int32Array(states);
  const queue = new Int32Array(states);
  let tail = 0;
  for (let child = firstChild[0]; child !== -1; child = nextSibling[child]) {
    delta[edgeClass[child]] = entry(child); // its failure state is the root, which ends nothing
    queue[tail++] = child;
  }
  for (let head = 0; head < tail; head++) {
    const state = queue[head];
    const row = state * k;
    const failRow = fail[state] * k;
    delta.copyWithin(row, failRow, failRow + k);
    for (let child = firstChild[state]; child !== -1; child = nextSibling[child]) {
      const cls = edgeClass[child];
      const through = delta[failRow + cls];
      const failure = (through < 0 ? ~through : through) / stride;
      fail[child] = failure;
      const merged = outputs[failure];
      if (merged.length > 0) {
        outputs[child] = [...new Set([...outputs[child], ...merged])];
        ends[child] = 1;
      }
      delta[row + cls] = entry(child);
      queue[tail++] = child;
    }
  }
  return { delta, outputs };
}

/**
 * Code units [from, to) of a text, to be scanned: a long stretch of a text read from its bytes is
 * a view of them (the WebAssembly scan copies bytes straight in), not a string made for one scan.
 */
function stretch(text: EngineText, from: number, to: number): EngineText {
  if (typeof text === 'string' || to - from < WASM_FROM) return text.substring(from, to);
  return new ByteText(text.bytes.subarray(from, to), to - from);
}
