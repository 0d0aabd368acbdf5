/**
 * The keyword automaton's inner loop as a tiny WebAssembly function (prefilter.ts). In JavaScript
 * the loop costs what `charCodeAt` and two typed-array reads cost per character; compiled ahead
 * of time as WebAssembly it runs ~1.3× faster on the same DFA tables (measured on the bench
 * corpus, bench/run.ts "secrets: single thread"). The module is assembled here byte by byte (it
 * is one function of ~100 bytes), so there is no build step and no binary in the repository.
 *
 *   scan(p, end, state, h, hEnd, cls, delta) → p
 *
 * reads UTF-16 code units at byte addresses [p, end), maps each to its class (`cls`: one byte per
 * code unit) and steps the DFA (`delta`: i32 per state × class, targets pre-multiplied by the
 * class count, keyword-ending states bit-inverted, exactly the JavaScript table). Each keyword end
 * is written at `h` as (state, address of the code unit); it returns early when the hit buffer is
 * full. The state reached is stored at address 0 and the hit write pointer at address 4.
 */

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

// Locals: the seven parameters, then `next`.
const [P, END, STATE, H, H_END, CLS, DELTA, NEXT] = [0, 1, 2, 3, 4, 5, 6, 7];
const get = (l: number) => [0x20, l];
const set = (l: number) => [0x21, l];
const tee = (l: number) => [0x22, l];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD = 0x6a;
const SHL = 0x74;
const XOR = 0x73;
const LT_S = 0x48;
const GE_U = 0x4f;
const LOAD = [0x28, 0x02, 0x00]; // i32.load align=4 offset=0
const LOAD8_U = [0x2d, 0x00, 0x00];
const LOAD16_U = [0x2f, 0x01, 0x00];
const store = (offset: number) => [0x36, 0x02, offset];
const [BLOCK, LOOP, IF, END_, BR, BR_IF, VOID] = [0x02, 0x03, 0x04, 0x0b, 0x0c, 0x0d, 0x40];

const code = [
  ...vector([[1, I32]]), // local `next`
  BLOCK, VOID,
  LOOP, VOID,
  ...get(P), ...get(END), GE_U, BR_IF, 1, // done when p >= end
  // next = delta[state + cls[text[p]]]
  ...get(DELTA), ...get(STATE), ...get(CLS), ...get(P), ...LOAD16_U, ADD, ...LOAD8_U, ADD, ...i32(2), SHL, ADD, ...LOAD,
  ...tee(NEXT), ...i32(0), LT_S,
  IF, VOID, // a keyword ends here
  ...get(H), ...get(NEXT), ...i32(-1), XOR, ...tee(NEXT), ...store(0),
  ...get(H), ...get(P), ...store(4),
  ...get(H), ...i32(8), ADD, ...tee(H), ...get(H_END), GE_U,
  IF, VOID, // hit buffer full: stop after this code unit
  ...get(NEXT), ...set(STATE), ...get(P), ...i32(2), ADD, ...set(P), BR, 3,
  END_,
  END_,
  ...get(NEXT), ...set(STATE), ...get(P), ...i32(2), ADD, ...set(P),
  BR, 0,
  END_,
  END_,
  ...i32(0), ...get(STATE), ...store(0),
  ...i32(4), ...get(H), ...store(0),
  ...get(P),
  END_,
];

const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vector([[0x60, 7, I32, I32, I32, I32, I32, I32, I32, 1, I32]])), // (i32 ×7) → i32
  ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])), // imported memory, min 1 page
  ...section(3, vector([[0]])),
  ...section(7, vector([[...name('scan'), 0x00, 0]])),
  ...section(10, vector([[...uleb(code.length), ...code]])),
]);

type ScanFn = (p: number, end: number, state: number, h: number, hEnd: number, cls: number, delta: number) => number;

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

let compiled: object | null | undefined;

function wasmModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi ? new wasmApi.Module(MODULE_BYTES) : null;
    } catch {
      compiled = null; // no WebAssembly here (e.g. --jitless): the JavaScript loop is used
    }
  }
  return compiled;
}

/** Code units copied into WebAssembly memory per call (256 KiB of UTF-16). */
export const CHUNK = 128 * 1024;
/** Keyword ends buffered before the loop returns to JavaScript to collect them. */
export const HIT_SLOTS = 4096;

/** A DFA scanner over WebAssembly memory holding the automaton's tables; see the file comment. */
export class WasmKeywordScanner {
  private readonly scanFn: ScanFn;
  private readonly words: Int32Array;
  private readonly bytes: Buffer;
  private readonly clsAt = 16;
  private readonly deltaAt: number;
  private readonly hitsAt: number;
  private readonly textAt: number;

  private constructor(scanFn: ScanFn, memory: WasmMemory, layout: { deltaAt: number; hitsAt: number; textAt: number }) {
    this.scanFn = scanFn;
    this.words = new Int32Array(memory.buffer);
    this.bytes = Buffer.from(memory.buffer);
    this.deltaAt = layout.deltaAt;
    this.hitsAt = layout.hitsAt;
    this.textAt = layout.textAt;
  }

  /** A scanner for these tables, or null when WebAssembly is unavailable or the tables do not fit. */
  static create(classOf: Uint16Array, classCount: number, delta: Int32Array): WasmKeywordScanner | null {
    if (classCount > 256) return null; // classes are stored as one byte per code unit
    const module = wasmModule();
    if (!module || !wasmApi) return null;
    const deltaAt = 16 + 0x10000;
    const hitsAt = deltaAt + delta.length * 4;
    const textAt = hitsAt + HIT_SLOTS * 8;
    const size = textAt + CHUNK * 2;
    try {
      const memory = new wasmApi.Memory({ initial: Math.ceil(size / 0x10000) });
      const instance = new wasmApi.Instance(module, { env: { memory } });
      const scanner = new WasmKeywordScanner(instance.exports.scan as ScanFn, memory, { deltaAt, hitsAt, textAt });
      const bytes = new Uint8Array(memory.buffer);
      for (let code = 0; code < 0x10000; code++) bytes[16 + code] = classOf[code];
      scanner.words.set(delta, deltaAt / 4);
      return scanner;
    } catch {
      return null;
    }
  }

  /** Same result as `KeywordAutomaton.scan`: flat [state, endOffset, …] with states not pre-multiplied. */
  scan(text: string, classCount: number): number[] {
    const hits: number[] = [];
    const { words, textAt, hitsAt, clsAt, deltaAt } = this;
    const hitsEnd = hitsAt + HIT_SLOTS * 8;
    let state = 0;
    for (let base = 0; base < text.length; base += CHUNK) {
      const n = Math.min(CHUNK, text.length - base);
      this.bytes.write(n === text.length ? text : text.substring(base, base + n), textAt, n * 2, 'utf16le');
      const end = textAt + n * 2;
      let p = textAt;
      while (p < end) {
        p = this.scanFn(p, end, state, hitsAt, hitsEnd, clsAt, deltaAt);
        state = words[0];
        const filled = words[1];
        for (let h = hitsAt; h < filled; h += 8) hits.push(words[h >> 2] / classCount, base + ((words[(h >> 2) + 1] - textAt) >> 1) + 1);
      }
    }
    return hits;
  }
}
