/**
 * The keyword automaton's inner loop as two tiny WebAssembly functions (prefilter.ts). In
 * JavaScript the loop costs what `charCodeAt` and two typed-array reads cost per character, and
 * each step waits on the previous step's table read. Compiled ahead of time as WebAssembly, and
 * stepping STREAMS parts of the text as independent streams in one loop (so their table reads
 * overlap), the same DFA tables run the keyword pass at about twice the JavaScript speed on the
 * bench corpus (bench/run.ts "secrets: single thread"). The module is assembled here byte by byte
 * (two small functions), so there is no build step and no binary in the repository.
 *
 *   scan(p, end, state, h, hEnd) → p
 *
 * reads UTF-16 code units at byte addresses [p, end), maps each to its class (the class table at
 * CLS_AT: one byte per code unit) and steps the DFA (the transition table at DELTA_AT: i32 per
 * state × class, the JavaScript table's targets as byte offsets into it, keyword-ending states
 * bit-inverted). Both tables sit at fixed addresses, read through the load instructions' constant
 * offsets, so a step is three loads and an add. Each keyword end is written at `h` as (state
 * offset, address of the code unit); it returns early when the hit buffer is full. The state
 * reached is stored at address 0 and the hit write pointer at address 4.
 * `scanN` (below) does the same for STREAMS streams at once. `scan8` and `scanN8` read one byte
 * per code unit: a text whose characters all fit one byte (pure ASCII, or a stand-in,
 * src/core/stand-in.ts) is copied as Latin-1, half the bytes, with no widening.
 */
import type { EngineText } from './byte-text.js';
import { HitBuffer } from './hits.js';

const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/**
 * Memory layout (byte addresses). The class and transition tables sit at fixed addresses, so each
 * DFA step reads them through its load instruction's constant offset; the header holds what a
 * call leaves for JavaScript (each stream's p, state and hit pointer).
 */
const HEADER = 256;
const CLS_AT = HEADER; // one byte per UTF-16 code unit: its class × 4
const DELTA_AT = CLS_AT + 0x10000; // i32 per state × class: the target state's byte offset in the table
/**
 * Classes whose byte offset (class × 4) fits the one-byte class table. Automata with more classes
 * (up to 256: custom detectors' keywords may add characters) get a module that stores the class
 * itself and shifts it in each step.
 */
const SCALED_CLASSES = 64;
const MAX_CLASSES = 256;
const SHL = 0x74;

const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const tee = (l: number) => [0x22, l];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD = 0x6a;
const SUB = 0x6b;
const XOR = 0x73;
const LT_S = 0x48;
const GE_U = 0x4f;
const EQZ = 0x45;
const load = (offset: number) => [0x28, 0x02, ...uleb(offset)]; // i32.load align=4
const load8 = (offset: number) => [0x2d, 0x00, ...uleb(offset)]; // i32.load8_u
const LOAD16_U = [0x2f, 0x01, 0x00];
const LOAD8_U = [0x2d, 0x00, 0x00];
/** Bytes per code unit in WebAssembly memory: 2 (UTF-16), or 1 for a text of one-byte characters. */
type Width = 1 | 2;
const store = (offset: number) => [0x36, 0x02, ...uleb(offset)];
const [BLOCK, LOOP, IF, END_, BR, BR_IF, VOID] = [0x02, 0x03, 0x04, 0x0b, 0x0c, 0x0d, 0x40];

/**
 * One DFA step of a stream whose locals are p, state, h (hit pointer), hEnd and next, inside
 * `block $exit (loop …)` at if-depth 0: next = delta[state + cls[text[p]]]; a keyword end
 * (negative target) is written at h as (state offset, address of the code unit); a full hit
 * buffer leaves the loop after this code unit.
 */
function step(scaled: boolean, width: Width, p: number, state: number, h: number, hEnd: number, next: number): number[] {
  return [
    ...get(state), ...get(p), ...(width === 2 ? LOAD16_U : LOAD8_U), ...load8(CLS_AT), ...(scaled ? [] : [...i32(2), SHL]), ADD, ...load(DELTA_AT),
    ...tee(next), ...i32(0), LT_S,
    IF, VOID, // a keyword ends here
    ...get(h), ...get(next), ...i32(-1), XOR, ...tee(next), ...store(0),
    ...get(h), ...get(p), ...store(4),
    ...get(h), ...i32(8), ADD, ...tee(h), ...get(hEnd), GE_U,
    IF, VOID, // hit buffer full: stop after this code unit
    ...get(next), ...set(state), ...get(p), ...i32(width), ADD, ...set(p), BR, 3,
    END_,
    END_,
    ...get(next), ...set(state), ...get(p), ...i32(width), ADD, ...set(p),
  ];
}

// scan(p, end, state, h, hEnd): locals 0-4, then `next`.
const code = (scaled: boolean, width: Width) => [
  ...vector([[1, I32]]),
  BLOCK, VOID,
  LOOP, VOID,
  ...get(0), ...get(1), GE_U, BR_IF, 1, // done when p >= end
  ...step(scaled, width, 0, 2, 3, 4, 5),
  BR, 0,
  END_,
  END_,
  ...i32(0), ...get(2), ...store(0),
  ...i32(4), ...get(3), ...store(0),
  ...get(0),
  END_,
];

/**
 * scanN(count, p₀, state₀, h₀, hEnd₀, p₁, …, hEnd_(STREAMS−1)): STREAMS independent streams
 * stepped together `count` code units each, so that their table reads overlap (a DFA step waits
 * on the previous step's read; several chains keep the CPU busy). It stops early when a stream
 * fills its hit buffer, and stores each stream's p, state and h at addresses 0, 4·STREAMS and
 * 8·STREAMS (4 bytes per stream).
 */
export const STREAMS = 3;
const COUNT = 0;
const stream = (s: number) => ({ p: 1 + 4 * s, state: 2 + 4 * s, h: 3 + 4 * s, hEnd: 4 + 4 * s, next: 1 + 4 * STREAMS + s });
const streams = Array.from({ length: STREAMS }, (_, s) => s);
const codeN = (scaled: boolean, width: Width) => [
  ...vector([[STREAMS, I32]]), // one `next` local per stream
  BLOCK, VOID,
  ...get(COUNT), EQZ, BR_IF, 0,
  LOOP, VOID,
  ...streams.flatMap((s) => {
    const { p, state, h, hEnd, next } = stream(s);
    return step(scaled, width, p, state, h, hEnd, next);
  }),
  ...get(COUNT), ...i32(1), SUB, ...tee(COUNT), BR_IF, 0,
  END_,
  END_,
  ...streams.flatMap((s) => [...i32(4 * s), ...get(stream(s).p), ...store(0), ...i32(4 * (STREAMS + s)), ...get(stream(s).state), ...store(0), ...i32(4 * (2 * STREAMS + s)), ...get(stream(s).h), ...store(0)]),
  ...i32(0),
  END_,
];

const moduleBytes = (scaled: boolean) => new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vector([[0x60, 5, ...Array<number>(5).fill(I32), 1, I32], [0x60, ...uleb(1 + 4 * STREAMS), ...Array<number>(1 + 4 * STREAMS).fill(I32), 1, I32]])),
  ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])), // imported memory, min 1 page
  ...section(3, vector([[0], [1], [0], [1]])),
  ...section(7, vector([[...name('scan'), 0x00, 0], [...name('scanN'), 0x00, 1], [...name('scan8'), 0x00, 2], [...name('scanN8'), 0x00, 3]])),
  ...section(10, vector([code(scaled, 2), codeN(scaled, 2), code(scaled, 1), codeN(scaled, 1)].map((body) => [...uleb(body.length), ...body]))),
]);

type ScanFn = (p: number, end: number, state: number, h: number, hEnd: number) => number;
type ScanNFn = (...args: number[]) => number;

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmMemory {
  buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The compiled module for class tables holding class × 4 (`scaled`) or the class itself. */
const compiled = new Map<boolean, object | null>();

function wasmModule(scaled: boolean): object | null {
  let module = compiled.get(scaled);
  if (module === undefined) {
    try {
      module = wasmApi ? new wasmApi.Module(moduleBytes(scaled)) : null;
    } catch {
      module = null; // no WebAssembly here (e.g. --jitless): the JavaScript loop is used
    }
    compiled.set(scaled, module);
  }
  return module;
}

/** Matches a character that does not fit one byte (see `WasmKeywordScanner.scan`). */
const WIDER_THAN_A_BYTE = /[^\x00-\xff]/;

/** Code units copied into WebAssembly memory per call (256 KiB of UTF-16). */
export const CHUNK = 128 * 1024;
/** Keyword ends buffered before the loop returns to JavaScript to collect them. */
export const HIT_SLOTS = 4096;

/**
 * A DFA scanner over WebAssembly memory holding the automaton's tables; see the file comment.
 * Each chunk of text is split into STREAMS parts scanned as interleaved streams: every part but
 * the first starts `warmUp` code units (the longest keyword) before its own start from the start
 * state, which brings it to the exact state the previous part's stream would have there (a state
 * never depends on more than the last `warmUp` code units), and its keyword ends before its own
 * start are dropped (the previous stream reports them).
 */
export class WasmKeywordScanner {
  /** The UTF-16 functions (index 2: bytes per code unit) and the one-byte ones (index 1). */
  private readonly scanFns: Record<Width, ScanFn>;
  private readonly scanNFns: Record<Width, ScanNFn>;
  /** Bytes per code unit of the text being scanned (set by `scan`). */
  private width: Width = 2;
  private readonly words: Int32Array;
  private readonly bytes: Buffer;
  /** Hit buffer of stream s at hitsAt + s × HIT_SLOTS × 8 (stream 0's also serves `scan`). */
  private readonly hitsAt: number;
  private readonly textAt: number;
  /** A state's byte offset in the table is its number × stride (classCount × 4). */
  private readonly stride: number;
  private readonly args = new Array<number>(1 + 4 * STREAMS).fill(0);
  /** Each stream's hits while the streams run (the first stream's go straight to the scan's own). */
  private readonly found: HitBuffer[] = [];

  private constructor(
    exports: Record<string, unknown>,
    memory: WasmMemory,
    layout: { hitsAt: number; textAt: number },
    classCount: number,
    private readonly warmUp: number,
  ) {
    this.scanFns = { 2: exports.scan as ScanFn, 1: exports.scan8 as ScanFn };
    this.scanNFns = { 2: exports.scanN as ScanNFn, 1: exports.scanN8 as ScanNFn };
    this.words = new Int32Array(memory.buffer);
    this.bytes = Buffer.from(memory.buffer);
    this.hitsAt = layout.hitsAt;
    this.textAt = layout.textAt;
    this.stride = classCount * 4;
  }

  /**
   * A scanner for these tables (`warmUp`: the longest keyword's length; `classed`: the code units
   * whose class is not 0, when known, else all are looked at), or null when WebAssembly is
   * unavailable or the tables do not fit. `delta` holds byte offsets already
   * (`KeywordAutomaton.delta`): it is copied as it is.
   */
  static create(classOf: Uint16Array, classCount: number, delta: Int32Array, warmUp: number, classed?: readonly number[]): WasmKeywordScanner | null {
    if (classCount > MAX_CLASSES) return null; // classes are stored in one byte per code unit
    const scaled = classCount <= SCALED_CLASSES;
    const module = wasmModule(scaled);
    if (!module || !wasmApi) return null;
    const hitsAt = DELTA_AT + delta.length * 4;
    const textAt = hitsAt + STREAMS * HIT_SLOTS * 8;
    const size = textAt + CHUNK * 2;
    try {
      const memory = new wasmApi.Memory({ initial: Math.ceil(size / 0x10000) });
      const instance = new wasmApi.Instance(module, { env: { memory } });
      const scanner = new WasmKeywordScanner(instance.exports, memory, { hitsAt, textAt }, classCount, Math.max(1, warmUp));
      // New memory is zero-filled: only the code units with a class are written.
      const cls = new Uint8Array(memory.buffer, CLS_AT, 0x10000);
      if (classed) for (const code of classed) cls[code] = scaled ? classOf[code] * 4 : classOf[code];
      else for (let code = 0; code < 0x10000; code++) cls[code] = scaled ? classOf[code] * 4 : classOf[code];
      new Int32Array(memory.buffer, DELTA_AT, delta.length).set(delta);
      return scanner;
    } catch {
      return null;
    }
  }

  /** Same result as `KeywordAutomaton.scan`: flat [state, endOffset, …] with states not pre-multiplied. */
  scan(text: EngineText, hits: HitBuffer): void {
    let state = 0;
    // V8 answers this at once for a string it stores one byte a character (it cannot match), the
    // usual case: pure ASCII files and stand-ins. Otherwise it finds the first wider character. A
    // `ByteText` is one byte a character (byte-text.ts).
    const width: Width = typeof text === 'string' && WIDER_THAN_A_BYTE.test(text) ? 2 : 1;
    this.width = width;
    for (let base = 0; base < text.length; base += CHUNK) {
      const n = Math.min(CHUNK, text.length - base);
      if (typeof text === 'string') this.bytes.write(n === text.length ? text : text.substring(base, base + n), this.textAt, n * width, width === 2 ? 'utf16le' : 'latin1');
      else text.copyTo(this.bytes, this.textAt, base, base + n);
      state = n >= STREAMS * (2 * this.warmUp + 256) ? this.streams(n, base, state, hits) : this.oneStream(this.textAt, this.textAt + n * width, state, base, 0, hits);
    }
  }

  /** Scans [p, end) of the chunk from `state`, appending keyword ends at or after byte address `from`; returns the final state. */
  private oneStream(p: number, end: number, state: number, base: number, from: number, out: HitBuffer): number {
    const { words, hitsAt } = this;
    while (p < end) {
      p = this.scanFns[this.width](p, end, state, hitsAt, hitsAt + HIT_SLOTS * 8);
      state = words[0];
      this.collect(hitsAt, words[1], base, from, out);
    }
    return state;
  }

  /**
   * Scans a chunk of n code units as STREAMS parts stepped together; the parts after the first
   * start warmUp code units early (see the class comment) and the last takes the remainder, so all
   * run in step for the first part's length and each finishes its own tail alone.
   */
  private streams(n: number, base: number, state: number, out: HitBuffer): number {
    const { words, hitsAt, textAt, args, width } = this;
    const shift = width >> 1; // bytes to code units
    const part = n / STREAMS >> 0;
    const starts: number[] = []; // where each stream's own hits begin
    const ends: number[] = [];
    const found = this.found;
    for (let s = 0; s < STREAMS; s++) {
      starts.push(textAt + width * s * part);
      ends.push(s === STREAMS - 1 ? textAt + width * n : textAt + width * (s + 1) * part);
      args[1 + 4 * s] = s === 0 ? textAt : starts[s] - width * this.warmUp;
      args[2 + 4 * s] = s === 0 ? state : 0;
      args[3 + 4 * s] = hitsAt + s * HIT_SLOTS * 8;
      args[4 + 4 * s] = hitsAt + (s + 1) * HIT_SLOTS * 8;
      found[s] = s === 0 ? out : found[s] ?? new HitBuffer();
    }
    for (;;) {
      let count = Infinity;
      for (let s = 0; s < STREAMS; s++) count = Math.min(count, (ends[s] - args[1 + 4 * s]) >> shift);
      if (count === 0) break;
      args[0] = count;
      this.scanNFns[width](...args);
      for (let s = 0; s < STREAMS; s++) {
        args[1 + 4 * s] = words[s];
        args[2 + 4 * s] = words[STREAMS + s];
        this.collect(hitsAt + s * HIT_SLOTS * 8, words[2 * STREAMS + s], base, starts[s], found[s]);
      }
    }
    let last = 0;
    for (let s = 0; s < STREAMS; s++) {
      last = this.oneStream(args[1 + 4 * s], ends[s], args[2 + 4 * s], base, starts[s], found[s]);
      if (s > 0) {
        out.append(found[s].data, 0, found[s].length, 0);
        found[s].clear();
      }
    }
    return last;
  }

  /** Appends the buffered keyword ends in [at, filled) whose code unit lies at or after byte address `from`. */
  private collect(at: number, filled: number, base: number, from: number, out: HitBuffer): void {
    const { words, textAt, stride } = this;
    const shift = this.width >> 1;
    for (let h = at; h < filled; h += 8) {
      const address = words[(h >> 2) + 1];
      if (address >= from) out.push(words[h >> 2] / stride, base + ((address - textAt) >> shift) + 1);
    }
  }
}
