import { createRequire as __nhiCreateRequire } from 'node:module'; const require = __nhiCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/ajv/dist/runtime/ucs2length.js
var require_ucs2length = __commonJS({
  "node_modules/ajv/dist/runtime/ucs2length.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    function ucs2length(str2) {
      const len = str2.length;
      let length = 0;
      let pos = 0;
      let value2;
      while (pos < len) {
        length++;
        value2 = str2.charCodeAt(pos++);
        if (value2 >= 55296 && value2 <= 56319 && pos < len) {
          value2 = str2.charCodeAt(pos);
          if ((value2 & 64512) === 56320)
            pos++;
        }
      }
      return length;
    }
    exports.default = ucs2length;
    ucs2length.code = 'require("ajv/dist/runtime/ucs2length").default';
  }
});

// src/core/parallel/secrets-worker.ts
import { parentPort, workerData } from "node:worker_threads";

// src/core/secrets/suppression.ts
var INLINE_ALLOW_MARKERS = ["nhi-steward:allow", "gitleaks:allow", "pragma: allowlist secret"];
var markerPattern = new RegExp(INLINE_ALLOW_MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "i");
function hasAllowMarker(lineText) {
  return markerPattern.test(lineText);
}

// src/core/secrets/allow-markers.ts
var MARKER_SCAN_LIMIT = 64 * 1024;
function markerLineText(content, lines, line) {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  if (end - start <= MARKER_SCAN_LIMIT) return content.slice(start, end);
  return content.slice(start, start + MARKER_SCAN_LIMIT / 2) + "\n" + content.slice(end - MARKER_SCAN_LIMIT / 2, end);
}
var ALLOW = [97, 108, 108, 111, 119];
if (!INLINE_ALLOW_MARKERS.every((m) => m.toLowerCase().includes("allow"))) throw new Error('every allow marker must contain "allow"');
function lineHasAllowMarker(content, lines, line, real = content) {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  if (end - start <= MARKER_SCAN_LIMIT && !containsAllow(content, start, end)) return false;
  return hasAllowMarker(markerLineText(real, lines, line));
}
function containsAllow(text3, start, end) {
  if (typeof text3 !== "string") return bytesContainAllow(text3.bytes, start, Math.min(end, text3.length));
  for (let i = start, last = end - ALLOW.length; i <= last; i++) {
    if ((text3.charCodeAt(i) | 32) !== 97) continue;
    if ((text3.charCodeAt(i + 1) | 32) === 108 && (text3.charCodeAt(i + 2) | 32) === 108 && (text3.charCodeAt(i + 3) | 32) === 111 && (text3.charCodeAt(i + 4) | 32) === 119) return true;
  }
  return false;
}
function bytesContainAllow(bytes, start, end) {
  for (let i = start, last = end - ALLOW.length; i <= last; i++) {
    if ((bytes[i] | 32) === 97 && (bytes[i + 1] | 32) === 108 && (bytes[i + 2] | 32) === 108 && (bytes[i + 3] | 32) === 111 && (bytes[i + 4] | 32) === 119) return true;
  }
  return false;
}

// src/core/types.ts
var LEVELS = ["error", "warning", "notice", "info"];
function levelRank(level) {
  return LEVELS.length - LEVELS.indexOf(level);
}
var DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

// src/core/secrets/byte-text.ts
var ByteText = class {
  constructor(bytes, length, standInBuffer = false) {
    this.bytes = bytes;
    this.length = length;
    this.standInBuffer = standInBuffer;
  }
  bytes;
  length;
  standInBuffer;
  /** As `String.prototype.charCodeAt`: NaN outside the text. */
  charCodeAt(index) {
    return index >= 0 && index < this.length ? this.bytes[index] : Number.NaN;
  }
  /** As `String.prototype.slice` for offsets of 0 or more (past the end: up to the end). */
  slice(from, to = this.length) {
    const start = Math.min(from, this.length);
    const end = Math.min(to, this.length);
    return end <= start ? "" : this.bytes.latin1Slice(start, end);
  }
  /** As `String.prototype.substring` for offsets of 0 or more. */
  substring(from, to = this.length) {
    return from <= to ? this.slice(from, to) : this.slice(to, from);
  }
  /** As `String.prototype.indexOf` of one character (a line feed), from `from`. */
  indexOf(character, from = 0) {
    if (character.length !== 1) throw new Error("ByteText.indexOf looks for one character");
    const code2 = character.charCodeAt(0);
    const bytes = this.bytes;
    let at15 = Math.max(0, from);
    for (const near2 = Math.min(this.length, at15 + NEAR); at15 < near2; at15++) if (bytes[at15] === code2) return at15;
    if (at15 >= this.length) return -1;
    const found = bytes.indexOf(code2, at15);
    return found >= 0 && found < this.length ? found : -1;
  }
  /** As `String.prototype.lastIndexOf` of one character (a line feed), at or before `from`. */
  lastIndexOf(character, from = this.length) {
    if (character.length !== 1) throw new Error("ByteText.lastIndexOf looks for one character");
    const code2 = character.charCodeAt(0);
    const bytes = this.bytes;
    let at15 = Math.min(Math.max(from, 0), this.length - 1);
    for (const near2 = Math.max(-1, at15 - NEAR); at15 > near2; at15--) if (bytes[at15] === code2) return at15;
    return at15 < 0 ? -1 : bytes.lastIndexOf(code2, at15);
  }
  /** `indexOf('\n', from)` for a caller that asks once a line (`LineIndex`): the loop alone. */
  newlineFrom(from) {
    const bytes = this.bytes;
    for (let at15 = from, n = this.length; at15 < n; at15++) if (bytes[at15] === 10) return at15;
    return -1;
  }
  /** Copies characters [from, to) into `buffer` at `at` (one byte each); returns how many. */
  copyTo(buffer, at15, from, to) {
    return this.bytes.copy(buffer, at15, from, Math.min(to, this.length));
  }
  /** The whole text as one string (for a caller that needs it all: none in a history scan). */
  toString() {
    return this.slice(0, this.length);
  }
};
var NEAR = 256;
var BYTE_TEXT_FROM = 512 * 1024;

// src/core/secrets/int32-list.ts
function withRoom(data, used, needed) {
  if (needed <= data.length) return data;
  const grown = new Int32Array(Math.max(data.length * 2, needed));
  grown.set(used === data.length ? data : data.subarray(0, used));
  return grown;
}

// src/core/secrets/hits.ts
var START = 16 * 1024;
var KEPT = 1 << 20;
var HitBuffer = class {
  /** The hits gathered are `data[0, length)`. */
  data = new Int32Array(START);
  length = 0;
  push(state, end) {
    if (this.length + 2 > this.data.length) this.data = withRoom(this.data, this.length, this.length + 2);
    this.data[this.length] = state;
    this.data[this.length + 1] = end;
    this.length += 2;
  }
  /** `hits[from, to)`, their ends moved by `by`. */
  append(hits, from, to, by) {
    if (to <= from) return;
    const data = this.data = withRoom(this.data, this.length, this.length + (to - from));
    let at15 = this.length;
    if (by === 0) {
      data.set(hits.subarray(from, to), at15);
      at15 += to - from;
    } else {
      for (let h = from; h < to; h += 2) {
        data[at15] = hits[h];
        data[at15 + 1] = hits[h + 1] + by;
        at15 += 2;
      }
    }
    this.length = at15;
  }
  /** The hits gathered, in an array of their own; the buffer is empty again. */
  take() {
    const out = this.data.slice(0, this.length);
    this.clear();
    return out;
  }
  /** The hits gathered, in a view of this buffer (valid until it is next written to). */
  view() {
    return this.data.subarray(0, this.length);
  }
  clear() {
    this.length = 0;
    if (this.data.length > KEPT) this.data = new Int32Array(START);
  }
};
var NO_HITS = new Int32Array(0);

// src/core/secrets/prefilter-wasm.ts
var I32 = 127;
function uleb(n) {
  const out = [];
  do {
    let byte = n & 127;
    n >>>= 7;
    if (n !== 0) byte |= 128;
    out.push(byte);
  } while (n !== 0);
  return out;
}
function sleb(n) {
  const out = [];
  for (; ; ) {
    const byte = n & 127;
    n >>= 7;
    if (n === 0 && (byte & 64) === 0 || n === -1 && (byte & 64) !== 0) {
      out.push(byte);
      return out;
    }
    out.push(byte | 128);
  }
}
var section = (id, body) => [id, ...uleb(body.length), ...body];
var vector = (items) => [...uleb(items.length), ...items.flat()];
var name = (s) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
var HEADER = 256;
var CLS_AT = HEADER;
var DELTA_AT = CLS_AT + 65536;
var SCALED_CLASSES = 64;
var MAX_CLASSES = 256;
var SHL = 116;
var get = (l) => [32, l];
var set = (l) => [33, l];
var tee = (l) => [34, l];
var i32 = (n) => [65, ...sleb(n)];
var ADD = 106;
var SUB = 107;
var XOR = 115;
var LT_S = 72;
var GE_U = 79;
var EQZ = 69;
var load = (offset) => [40, 2, ...uleb(offset)];
var load8 = (offset) => [45, 0, ...uleb(offset)];
var LOAD16_U = [47, 1, 0];
var LOAD8_U = [45, 0, 0];
var store = (offset) => [54, 2, ...uleb(offset)];
var [BLOCK, LOOP, IF, END_, BR, BR_IF, VOID] = [2, 3, 4, 11, 12, 13, 64];
function step(scaled, width, p, state, h, hEnd, next2) {
  return [
    ...get(state),
    ...get(p),
    ...width === 2 ? LOAD16_U : LOAD8_U,
    ...load8(CLS_AT),
    ...scaled ? [] : [...i32(2), SHL],
    ADD,
    ...load(DELTA_AT),
    ...tee(next2),
    ...i32(0),
    LT_S,
    IF,
    VOID,
    // a keyword ends here
    ...get(h),
    ...get(next2),
    ...i32(-1),
    XOR,
    ...tee(next2),
    ...store(0),
    ...get(h),
    ...get(p),
    ...store(4),
    ...get(h),
    ...i32(8),
    ADD,
    ...tee(h),
    ...get(hEnd),
    GE_U,
    IF,
    VOID,
    // hit buffer full: stop after this code unit
    ...get(next2),
    ...set(state),
    ...get(p),
    ...i32(width),
    ADD,
    ...set(p),
    BR,
    3,
    END_,
    END_,
    ...get(next2),
    ...set(state),
    ...get(p),
    ...i32(width),
    ADD,
    ...set(p)
  ];
}
var code = (scaled, width) => [
  ...vector([[1, I32]]),
  BLOCK,
  VOID,
  LOOP,
  VOID,
  ...get(0),
  ...get(1),
  GE_U,
  BR_IF,
  1,
  // done when p >= end
  ...step(scaled, width, 0, 2, 3, 4, 5),
  BR,
  0,
  END_,
  END_,
  ...i32(0),
  ...get(2),
  ...store(0),
  ...i32(4),
  ...get(3),
  ...store(0),
  ...get(0),
  END_
];
var STREAMS = 3;
var COUNT = 0;
var stream = (s) => ({ p: 1 + 4 * s, state: 2 + 4 * s, h: 3 + 4 * s, hEnd: 4 + 4 * s, next: 1 + 4 * STREAMS + s });
var streams = Array.from({ length: STREAMS }, (_, s) => s);
var codeN = (scaled, width) => [
  ...vector([[STREAMS, I32]]),
  // one `next` local per stream
  BLOCK,
  VOID,
  ...get(COUNT),
  EQZ,
  BR_IF,
  0,
  LOOP,
  VOID,
  ...streams.flatMap((s) => {
    const { p, state, h, hEnd, next: next2 } = stream(s);
    return step(scaled, width, p, state, h, hEnd, next2);
  }),
  ...get(COUNT),
  ...i32(1),
  SUB,
  ...tee(COUNT),
  BR_IF,
  0,
  END_,
  END_,
  ...streams.flatMap((s) => [...i32(4 * s), ...get(stream(s).p), ...store(0), ...i32(4 * (STREAMS + s)), ...get(stream(s).state), ...store(0), ...i32(4 * (2 * STREAMS + s)), ...get(stream(s).h), ...store(0)]),
  ...i32(0),
  END_
];
var moduleBytes = (scaled) => new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  ...section(1, vector([[96, 5, ...Array(5).fill(I32), 1, I32], [96, ...uleb(1 + 4 * STREAMS), ...Array(1 + 4 * STREAMS).fill(I32), 1, I32]])),
  ...section(2, vector([[...name("env"), ...name("memory"), 2, 0, 1]])),
  // imported memory, min 1 page
  ...section(3, vector([[0], [1], [0], [1]])),
  ...section(7, vector([[...name("scan"), 0, 0], [...name("scanN"), 0, 1], [...name("scan8"), 0, 2], [...name("scanN8"), 0, 3]])),
  ...section(10, vector([code(scaled, 2), codeN(scaled, 2), code(scaled, 1), codeN(scaled, 1)].map((body) => [...uleb(body.length), ...body])))
]);
var wasmApi = globalThis.WebAssembly;
var compiled = /* @__PURE__ */ new Map();
function wasmModule(scaled) {
  let module = compiled.get(scaled);
  if (module === void 0) {
    try {
      module = wasmApi ? new wasmApi.Module(moduleBytes(scaled)) : null;
    } catch {
      module = null;
    }
    compiled.set(scaled, module);
  }
  return module;
}
var WIDER_THAN_A_BYTE = /[^\x00-\xff]/;
var CHUNK = 128 * 1024;
var HIT_SLOTS = 4096;
var WasmKeywordScanner = class _WasmKeywordScanner {
  constructor(exports, memory, layout, classCount, warmUp) {
    this.warmUp = warmUp;
    this.scanFns = { 2: exports.scan, 1: exports.scan8 };
    this.scanNFns = { 2: exports.scanN, 1: exports.scanN8 };
    this.words = new Int32Array(memory.buffer);
    this.bytes = Buffer.from(memory.buffer);
    this.hitsAt = layout.hitsAt;
    this.textAt = layout.textAt;
    this.stride = classCount * 4;
  }
  warmUp;
  /** The UTF-16 functions (index 2: bytes per code unit) and the one-byte ones (index 1). */
  scanFns;
  scanNFns;
  /** Bytes per code unit of the text being scanned (set by `scan`). */
  width = 2;
  words;
  bytes;
  /** Hit buffer of stream s at hitsAt + s × HIT_SLOTS × 8 (stream 0's also serves `scan`). */
  hitsAt;
  textAt;
  /** A state's byte offset in the table is its number × stride (classCount × 4). */
  stride;
  args = new Array(1 + 4 * STREAMS).fill(0);
  /** Each stream's hits while the streams run (the first stream's go straight to the scan's own). */
  found = [];
  /**
   * A scanner for these tables (`warmUp`: the longest keyword's length; `classed`: the code units
   * whose class is not 0, when known, else all are looked at), or null when WebAssembly is
   * unavailable or the tables do not fit. `delta` holds byte offsets already
   * (`KeywordAutomaton.delta`): it is copied as it is.
   */
  static create(classOf, classCount, delta, warmUp, classed) {
    if (classCount > MAX_CLASSES) return null;
    const scaled = classCount <= SCALED_CLASSES;
    const module = wasmModule(scaled);
    if (!module || !wasmApi) return null;
    const hitsAt = DELTA_AT + delta.length * 4;
    const textAt = hitsAt + STREAMS * HIT_SLOTS * 8;
    const size = textAt + CHUNK * 2;
    try {
      const memory = new wasmApi.Memory({ initial: Math.ceil(size / 65536) });
      const instance = new wasmApi.Instance(module, { env: { memory } });
      const scanner = new _WasmKeywordScanner(instance.exports, memory, { hitsAt, textAt }, classCount, Math.max(1, warmUp));
      const cls = new Uint8Array(memory.buffer, CLS_AT, 65536);
      if (classed) for (const code2 of classed) cls[code2] = scaled ? classOf[code2] * 4 : classOf[code2];
      else for (let code2 = 0; code2 < 65536; code2++) cls[code2] = scaled ? classOf[code2] * 4 : classOf[code2];
      new Int32Array(memory.buffer, DELTA_AT, delta.length).set(delta);
      return scanner;
    } catch {
      return null;
    }
  }
  /** Same result as `KeywordAutomaton.scan`: flat [state, endOffset, …] with states not pre-multiplied. */
  scan(text3, hits) {
    let state = 0;
    const width = typeof text3 === "string" && WIDER_THAN_A_BYTE.test(text3) ? 2 : 1;
    this.width = width;
    for (let base2 = 0; base2 < text3.length; base2 += CHUNK) {
      const n = Math.min(CHUNK, text3.length - base2);
      if (typeof text3 === "string") this.bytes.write(n === text3.length ? text3 : text3.substring(base2, base2 + n), this.textAt, n * width, width === 2 ? "utf16le" : "latin1");
      else text3.copyTo(this.bytes, this.textAt, base2, base2 + n);
      state = n >= STREAMS * (2 * this.warmUp + 256) ? this.streams(n, base2, state, hits) : this.oneStream(this.textAt, this.textAt + n * width, state, base2, 0, hits);
    }
  }
  /** Scans [p, end) of the chunk from `state`, appending keyword ends at or after byte address `from`; returns the final state. */
  oneStream(p, end, state, base2, from, out) {
    const { words, hitsAt } = this;
    while (p < end) {
      p = this.scanFns[this.width](p, end, state, hitsAt, hitsAt + HIT_SLOTS * 8);
      state = words[0];
      this.collect(hitsAt, words[1], base2, from, out);
    }
    return state;
  }
  /**
   * Scans a chunk of n code units as STREAMS parts stepped together; the parts after the first
   * start warmUp code units early (see the class comment) and the last takes the remainder, so all
   * run in step for the first part's length and each finishes its own tail alone.
   */
  streams(n, base2, state, out) {
    const { words, hitsAt, textAt, args, width } = this;
    const shift = width >> 1;
    const part = n / STREAMS >> 0;
    const starts = [];
    const ends = [];
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
    for (; ; ) {
      let count = Infinity;
      for (let s = 0; s < STREAMS; s++) count = Math.min(count, ends[s] - args[1 + 4 * s] >> shift);
      if (count === 0) break;
      args[0] = count;
      this.scanNFns[width](...args);
      for (let s = 0; s < STREAMS; s++) {
        args[1 + 4 * s] = words[s];
        args[2 + 4 * s] = words[STREAMS + s];
        this.collect(hitsAt + s * HIT_SLOTS * 8, words[2 * STREAMS + s], base2, starts[s], found[s]);
      }
    }
    let last = 0;
    for (let s = 0; s < STREAMS; s++) {
      last = this.oneStream(args[1 + 4 * s], ends[s], args[2 + 4 * s], base2, starts[s], found[s]);
      if (s > 0) {
        out.append(found[s].data, 0, found[s].length, 0);
        found[s].clear();
      }
    }
    return last;
  }
  /** Appends the buffered keyword ends in [at, filled) whose code unit lies at or after byte address `from`. */
  collect(at15, filled, base2, from, out) {
    const { words, textAt, stride } = this;
    const shift = this.width >> 1;
    for (let h = at15; h < filled; h += 8) {
      const address = words[(h >> 2) + 1];
      if (address >= from) out.push(words[h >> 2] / stride, base2 + (address - textAt >> shift) + 1);
    }
  }
};

// src/core/secrets/prefilter.ts
var WASM_FROM = 1024;
var KeywordAutomaton = class {
  keywords;
  classOf;
  classCount;
  /** The code units that have a class (all others are class 0). */
  classed;
  /**
   * Transitions, row by state: delta[state × classCount + class] is the target's row as a byte
   * offset (× classCount × 4, as the WebAssembly loop reads the same table), bit-inverted when the
   * target ends a keyword.
   */
  delta;
  /** Keyword ids ending at each state (including those reached through failure links). */
  outputs;
  /** Created on the first long text; null when WebAssembly cannot be used. */
  wasm;
  /**
   * The longest keyword's length. The state reached at any offset is the longest keyword prefix
   * ending there, so it never depends on more than this many code units before the offset: the
   * WebAssembly streams and `scanAgainst` start that far back from the start state.
   */
  longest;
  constructor(keywords) {
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
  scan(text3) {
    this.found.clear();
    this.scanInto(text3, this.found);
    return this.found.take();
  }
  /**
   * `scan(text)`'s hits in a view of the buffer this automaton gathers hits in: valid only until
   * its next scan of any kind. For a caller done with them by then (a tree scan's file), this
   * spares a copy, and an allocation outside V8's heap, per file: the corpus's tree scan took
   * ~3 % more CPU with one (docs/history.md, "seventeenth session").
   */
  scanView(text3) {
    this.found.clear();
    this.scanInto(text3, this.found);
    return this.found.view();
  }
  /** Appends `scan(text)`'s hits to `out`. */
  scanInto(text3, out) {
    if (text3.length >= WASM_FROM) {
      if (this.wasm === void 0) this.wasm = WasmKeywordScanner.create(this.classOf, this.classCount, this.delta, this.longest, this.classed);
      if (this.wasm) return this.wasm.scan(text3, out);
    }
    this.scanJsInto(text3, out);
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
  scanAgainst(text3, hits, segments) {
    const n = text3.length;
    const longest = this.longest;
    const out = this.merged;
    let h = 0;
    let covered = 0;
    for (let k = 0; k <= segments.length; k += 3) {
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
        this.scanInto(from === 0 && to === n ? text3 : stretch(text3, from, to), found);
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
  found = new HitBuffer();
  /** …and where `scanAgainst` gathers its own. */
  merged = new HitBuffer();
  /** The JavaScript loop (short texts, and where WebAssembly is unavailable). */
  scanJs(text3) {
    this.found.clear();
    this.scanJsInto(text3, this.found);
    return this.found.take();
  }
  scanJsInto(text3, hits) {
    const { delta, classOf } = this;
    const stride = this.classCount * 4;
    let state = 0;
    for (let i = 0, n = text3.length; i < n; i++) {
      let next2 = delta[(state >> 2) + classOf[text3.charCodeAt(i)]];
      if (next2 < 0) {
        next2 = ~next2;
        hits.push(next2 / stride, i + 1);
      }
      state = next2;
    }
  }
  keywordsAt(state) {
    return this.outputs[state];
  }
};
var FREQUENT = "etaoinsrlcdupmhgbfy_.wkvx-zjq0123456789/:";
function buildClasses(keywords) {
  const classOf = new Uint16Array(65536);
  const classed = [];
  const chars = [];
  const seen = /* @__PURE__ */ new Set();
  for (const keyword of keywords) {
    for (const ch of keyword) {
      if (ch.length !== 1 || seen.has(ch)) continue;
      seen.add(ch);
      chars.push(ch);
    }
  }
  const rank = (ch) => {
    const at15 = FREQUENT.indexOf(ch);
    return at15 === -1 ? FREQUENT.length : at15;
  };
  const ascii = chars.every((ch) => ch.charCodeAt(0) < 128);
  const ordered = chars.map((ch, i) => ({ ch, i })).sort((a, b) => (ascii ? rank(a.ch) - rank(b.ch) : 0) || a.i - b.i);
  let classCount = 1;
  for (const { ch } of ordered) {
    if (classOf[ch.charCodeAt(0)] !== 0) continue;
    const cls = classCount++;
    for (const variant of /* @__PURE__ */ new Set([ch, ch.toLowerCase(), ch.toUpperCase()])) {
      if (variant.length !== 1) continue;
      classOf[variant.charCodeAt(0)] = cls;
      classed.push(variant.charCodeAt(0));
    }
  }
  return { classOf, classCount, classed };
}
function buildDfa(keywords, classOf, k) {
  const capacity = keywords.reduce((sum, w) => sum + w.length, 0) + 1;
  const firstChild = new Int32Array(capacity).fill(-1);
  const nextSibling = new Int32Array(capacity).fill(-1);
  const edgeClass = new Int32Array(capacity);
  const outputs = [[]];
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
  const delta = new Int32Array(states * k);
  const ends = Uint8Array.from(outputs, (list) => list.length > 0 ? 1 : 0);
  const entry = (target) => ends[target] === 1 ? ~(target * stride) : target * stride;
  const fail = new Int32Array(states);
  const queue = new Int32Array(states);
  let tail = 0;
  for (let child = firstChild[0]; child !== -1; child = nextSibling[child]) {
    delta[edgeClass[child]] = entry(child);
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
        outputs[child] = [.../* @__PURE__ */ new Set([...outputs[child], ...merged])];
        ends[child] = 1;
      }
      delta[row + cls] = entry(child);
      queue[tail++] = child;
    }
  }
  return { delta, outputs };
}
function stretch(text3, from, to) {
  if (typeof text3 === "string" || to - from < WASM_FROM) return text3.substring(from, to);
  return new ByteText(text3.bytes.subarray(from, to), to - from);
}

// src/core/secrets/compile.ts
var TRAIL_CHECK = 256;
var STOP_CHECK = 64;
var LEAD_CHECK = 16;
function compileCatalog(detectors) {
  const compiled2 = detectors.map((detector, order) => compileDetector(detector, order));
  const keywordIds = /* @__PURE__ */ new Map();
  const keywordDetectors = [];
  const unconditional = [];
  compiled2.forEach((c, index) => {
    const keywords2 = [...new Set(c.detector.keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0))];
    if (keywords2.length === 0) unconditional.push(index);
    for (const keyword of keywords2) {
      let id = keywordIds.get(keyword);
      if (id === void 0) {
        id = keywordIds.size;
        keywordIds.set(keyword, id);
        keywordDetectors.push([]);
      }
      keywordDetectors[id].push(index);
    }
  });
  const companionWords = compiled2.map((c) => companionWordsOf(c.detector));
  for (const words of companionWords) {
    for (const word of words ?? []) {
      if (keywordIds.has(word)) continue;
      keywordIds.set(word, keywordIds.size);
      keywordDetectors.push([]);
    }
  }
  const keywords = [...keywordIds.keys()];
  compiled2.forEach((c, i) => {
    const words = companionWords[i];
    if (words === void 0) return;
    const mask = new Uint8Array(keywords.length);
    for (const word of words) mask[keywordIds.get(word)] = 1;
    const within = c.detector.companions.within;
    c.companion = { words: mask, within, reach: within + Math.max(...words.map((w) => w.length)) };
  });
  for (const c of compiled2) {
    if (c.trail) {
      const id = keywordIds.get(c.trail.word);
      if (id === void 0) c.trail = void 0;
      else c.trail.keyword = id;
    }
  }
  return {
    detectors: compiled2,
    byId: new Map(compiled2.map((c) => [c.detector.id, c])),
    automaton: new KeywordAutomaton(keywords),
    keywordDetectors,
    keywordAnchored: keywordDetectors.map((list) => list.filter((d) => compiled2[d].anchor !== void 0)),
    anchored: compiled2.flatMap((c, i) => c.anchor ? [i] : []),
    keywordLengths: keywords.map((k) => k.length),
    unconditional,
    activeByDefault: Uint8Array.from(compiled2, (c) => c.detector.pathPattern ? 0 : 1),
    pathScoped: compiled2.flatMap((c, i) => c.detector.pathPattern ? [i] : []),
    pathAny: pathUnion(compiled2.flatMap((c) => c.detector.pathPattern ? [c.detector.pathPattern] : [])),
    standInSafe: keywords.every((k) => /^[\x00-\x7f]*$/.test(k)) && detectors.every((d) => asciiPattern(d.pattern))
  };
}
function asciiPattern(pattern) {
  if (/[uv]/.test(pattern.flags)) return false;
  const source = pattern.source;
  if (/[^\x00-\x7f]|\\[pP]\{|\\u\{|\\u(?!00[0-7])[0-9a-fA-F]{4}|\\x[89a-fA-F]|\\[23][0-7]{2}|\\[1-9]/.test(source)) return false;
  for (const [, name3] of source.matchAll(/\\k<([A-Za-z_$][\w$]*)>/g)) {
    const body = groupBody(source, `(?<${name3}>`);
    if (body === void 0 || !asciiOnly(body)) return false;
  }
  return true;
}
function asciiOnly(fragment) {
  let inClass = false;
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i];
    if (c === "\\") {
      if ("sSWD".includes(fragment[i + 1] ?? "")) return false;
      i++;
    } else if (inClass) inClass = c !== "]";
    else if (c === "[") {
      if (fragment[i + 1] === "^") return false;
      inClass = true;
    } else if (c === ".") return false;
  }
  return true;
}
function groupBody(source, opening) {
  const from = source.indexOf(opening);
  if (from === -1) return void 0;
  let depth = 1;
  let inClass = false;
  for (let i = from + opening.length; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return source.slice(from + opening.length, i);
  }
  return void 0;
}
function pathUnion(patterns) {
  if (patterns.length < 2) return void 0;
  const flags = patterns[0].flags;
  if (/[gy]/.test(flags) || patterns.some((p) => p.flags !== flags || /\\[1-9k]|\(\?</.test(p.source.replace(/\(\?<[=!]/g, "")))) return void 0;
  try {
    return new RegExp(patterns.map((p) => `(?:${p.source})`).join("|"), flags);
  } catch {
    return void 0;
  }
}
function companionWordsOf(detector) {
  const spec = detector.companions;
  if (!spec || spec.words.length === 0 || !(spec.within >= 0)) return void 0;
  const words = [...new Set(spec.words.map((w) => w.toLowerCase()))];
  return words.every((w) => /^[\x20-\x7e]+$/.test(w)) ? words : void 0;
}
function compileDetector(detector, order) {
  const { source, flags } = detector.pattern;
  const hasSecretGroup = /\(\?<secret>/.test(source);
  return {
    detector,
    order,
    regex: null,
    flags: flags.replace(/[gyd]/g, "") + (hasSecretGroup ? "d" : ""),
    sticky: null,
    hasSecretGroup,
    generic: detector.id.startsWith("generic-"),
    reach: void 0,
    anchor: nameAnchorOf(detector.pattern),
    lead: leadOf(detector.pattern, detector.keywords),
    trail: trailOf(detector.pattern, detector.keywords),
    primed: 0
  };
}
function trailOf(pattern, keywords) {
  if (/[uv]/.test(pattern.flags)) return void 0;
  const source = pattern.source;
  const lower2 = source.toLowerCase();
  if (!keywords.some((k) => k.length > 0 && lower2.includes(`${k.toLowerCase().slice(-1)}[^`))) return void 0;
  const runs = [];
  let text3 = "";
  let depth = 0;
  for (let i = 0; i < source.length; ) {
    const ch = source[i];
    if (ch === "\\") {
      const next2 = source[i + 1] ?? "";
      if (depth === 0 && /[^A-Za-z0-9]/.test(next2) && next2 !== "") text3 += next2;
      else if (depth === 0) {
        if (text3) runs.push({ text: text3, end: i });
        text3 = "";
      }
      const tail = next2 === "x" ? 2 : next2 === "u" ? 4 : next2 === "c" ? 1 : next2 === "k" ? source.indexOf(">", i) - i - 1 : 0;
      i += 2 + Math.max(0, tail);
      continue;
    }
    if (ch === "[") {
      if (depth === 0 && text3) runs.push({ text: text3, end: i });
      text3 = "";
      i += 1;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i += 1;
      continue;
    }
    if (ch === "(" || ch === ")") {
      if (depth === 0 && text3) runs.push({ text: text3, end: i });
      text3 = "";
      depth += ch === "(" ? 1 : -1;
      i += 1;
      continue;
    }
    if (depth === 0) {
      if (ch === "|") return void 0;
      if ("*+?{}^$.".includes(ch)) {
        if (text3 && !"*+?{".includes(ch)) runs.push({ text: text3, end: i });
        text3 = "";
      } else text3 += ch;
    }
    if (ch === "{") {
      const close = source.indexOf("}", i);
      i = close === -1 ? source.length : close + 1;
      continue;
    }
    i += 1;
  }
  const flags = pattern.flags.replace(/[gydms]/g, "");
  for (const run3 of runs) {
    const after = /^\[\^((?:[^\]\\]|\\.)+)\](?:\{\d+,(\d+)\}|\*)(\\[^A-Za-z0-9]|[^\\()[\]{}|*+?.^$])(?![?*+{])/.exec(source.slice(run3.end));
    if (!after) continue;
    const word = keywords.map((k) => k.toLowerCase()).find((k) => k.length > 0 && run3.text.toLowerCase().endsWith(k));
    if (word === void 0) continue;
    const stop = after[3].length === 2 ? after[3][1] : after[3];
    if (new RegExp(`[^${after[1]}]`, flags).test(stop)) continue;
    return {
      keyword: -1,
      word,
      run: asciiTable(`^${after[1]}`, flags),
      max: after[2] === void 0 ? Number.POSITIVE_INFINITY : Number(after[2]),
      stop: stop.charCodeAt(0)
    };
  }
  return void 0;
}
function trailFits(content, end, trail) {
  const limit = Math.min(content.length, end + Math.min(trail.max, TRAIL_CHECK));
  let i = end;
  for (; i < limit; i++) {
    const c = content.charCodeAt(i);
    if (c >= 128) return true;
    if (trail.run[c] !== 1) return c === trail.stop;
  }
  if (i === content.length) return false;
  if (i - end >= trail.max) return content.charCodeAt(i) === trail.stop;
  return true;
}
var LEAD_PREFIX = /^(?:\(\?<!\[((?:[^\]\\]|\\.)+)\]\)|(\\b))?(?:\(\?<secret>)?((?:[A-Za-z0-9_]|\\[.\-_/:])+)\[((?:[^\]\\]|\\.)+)\](?:\{(\d+)(?:,\d*)?\}|(\+)|\*)(?:(\\[^A-Za-z0-9]|[^A-Za-z0-9\\()[\]{}|*+?.^$])(?![?*+{]))?/;
function leadOf(pattern, keywords) {
  if (/[uv]/.test(pattern.flags)) return void 0;
  const m = LEAD_PREFIX.exec(pattern.source);
  if (!m) return void 0;
  const literal = m[3].replace(/\\(.)/g, "$1");
  const lower2 = literal.toLowerCase();
  const words = keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0);
  if (words.length === 0 || !words.every((k) => lower2.startsWith(k))) return void 0;
  if (m[2] !== void 0 && !/\w/.test(literal[0])) return void 0;
  const flags = pattern.flags.replace(/[gydms]/g, "");
  const ascii = (cls) => asciiTable(cls, flags);
  const min = m[5] !== void 0 ? Number(m[5]) : m[6] !== void 0 ? 1 : 0;
  const caseless = pattern.flags.includes("i");
  const run3 = ascii(m[4]);
  const after = m[7] === void 0 ? void 0 : (m[7].length === 2 ? m[7][1] : m[7]).charCodeAt(0);
  return {
    literal: Array.from(caseless ? lower2 : literal, (c) => c.charCodeAt(0)),
    caseless,
    run: run3,
    min: Math.min(min, LEAD_CHECK),
    before: m[1] !== void 0 ? ascii(m[1]) : m[2] !== void 0 ? ascii("\\w") : void 0,
    stop: after !== void 0 && after < 128 && run3[after] !== 1 ? after : void 0
  };
}
function asciiTable(cls, flags) {
  const key = `${flags}/${cls}`;
  let table = asciiTables.get(key);
  if (!table) asciiTables.set(key, table = classTable(cls, flags, 128));
  return table;
}
var asciiTables = /* @__PURE__ */ new Map();
var allCodeUnits;
function classTable(cls, flags, size) {
  if (allCodeUnits === void 0) {
    const parts = [];
    for (let from = 0; from < 65536; from += 4096) parts.push(String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => from + i)));
    allCodeUnits = parts.join("");
  }
  const table = new Uint8Array(size);
  const re = new RegExp(`[${cls}]`, `${flags}g`);
  const text3 = size === 65536 ? allCodeUnits : allCodeUnits.slice(0, size);
  for (let m = re.exec(text3); m !== null; m = re.exec(text3)) table[m.index] = 1;
  return table;
}
function leadFits(content, start, lead) {
  if (lead.before && start > 0) {
    const c = content.charCodeAt(start - 1);
    if (c < 128 && lead.before[c] === 1) return false;
  }
  const { literal, run: run3, min } = lead;
  const n = literal.length;
  if (start + n + min > content.length) return false;
  if (lead.caseless) {
    for (let i2 = 0; i2 < n; i2++) {
      const c = content.charCodeAt(start + i2);
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== literal[i2]) return false;
    }
  } else {
    for (let i2 = 0; i2 < n; i2++) if (content.charCodeAt(start + i2) !== literal[i2]) return false;
  }
  for (let i2 = start + n, end = start + n + min; i2 < end; i2++) {
    const c = content.charCodeAt(i2);
    if (c >= 128) return true;
    if (run3[c] !== 1) return false;
  }
  if (lead.stop === void 0) return true;
  const limit = Math.min(content.length, start + n + min + STOP_CHECK);
  let i = start + n + min;
  for (; i < limit; i++) {
    const c = content.charCodeAt(i);
    if (c >= 128) return true;
    if (run3[c] !== 1) return c === lead.stop;
  }
  return i < content.length;
}
var NAME_PREFIX = /^\(\?<!\[((?:[^\]\\]|\\.)+)\]\)\[((?:[^\]\\]|\\.)+)\]\{(\d+),(\d+)\}\?/;
var nameTables = /* @__PURE__ */ new Map();
function nameAnchorOf(pattern) {
  const m = NAME_PREFIX.exec(pattern.source);
  if (!m || m[1] !== m[2] || /[uv]/.test(pattern.flags)) return void 0;
  const flags = pattern.flags.replace(/[gydms]/g, "");
  const key = `${flags}/${m[1]}`;
  let nameChar = nameTables.get(key);
  if (!nameChar) {
    nameChar = classTable(m[1], flags, 65536);
    nameTables.set(key, nameChar);
  }
  return { maxPrefix: Number(m[4]), nameChar };
}
function reachOf(pattern) {
  if (pattern.flags.includes("s")) return "block";
  const source = pattern.source.replace(/\[\^(?:[^\]\\]|\\.)*\\n(?:[^\]\\]|\\.)*\]/g, "_");
  if (/\[\\s\\S\]|\[\\S\\s\]|\[\\w\\W\]|\[\\W\\w\]|\[\\d\\D\]|\[\\D\\d\]|\[\^\]/.test(source)) return "block";
  if (/\[(?!\^)(?:[^\]\\]|\\.)*\\s(?:[^\]\\]|\\.)*\](?:[+*]|\{\d*,\d{3,}\}|\{\d*,\})/.test(source)) return "block";
  const joined = source.replace(/\\r\??(?=\\n)/g, "");
  if (/\\r/.test(joined)) return "block";
  const breaks = joined.includes("\\n") ? lineBreaks(joined) : 0;
  if (breaks > 2) return "block";
  if (countedNegatedClass(source) > 2) return "far";
  if (breaks > 0 || /\\[sWD]|\[\^/.test(source)) return "near";
  return "line";
}
function countedNegatedClass(source) {
  let most = 0;
  for (const m of source.matchAll(/\[\^((?:[^\]\\]|\\.)*)\]\{(\d+)(?:,(\d+))?\}/g)) {
    if (/\\[sW]/.test(m[1])) continue;
    most = Math.max(most, Number(m[3] ?? m[2]));
  }
  return most;
}
var QUANTIFIER = /(?:([*+])|\?|\{(\d+)(?:(,)(\d*))?\})\??/y;
var GROUP_NAME = /\?<([A-Za-z_$][\w$]*)>/y;
function lineBreaks(source) {
  const captured = /* @__PURE__ */ new Map();
  const stack = [{ best: 0, current: 0 }];
  let captures = 0;
  let i = 0;
  const atom = (count) => {
    if (count === 0) return;
    QUANTIFIER.lastIndex = i;
    const q = QUANTIFIER.exec(source);
    let times = 1;
    if (q && q[0].length > 0) {
      i += q[0].length;
      if (q[1]) times = Infinity;
      else if (q[2] !== void 0) times = q[3] === void 0 ? Number(q[2]) : q[4] === "" ? Infinity : Number(q[4]);
    }
    stack[stack.length - 1].current += count * times;
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\\") {
      const next2 = source[i + 1] ?? "";
      i += 2;
      if (next2 === "n") atom(1);
      else if (next2 === "\\" && source[i] === "n") {
        i += 1;
        atom(1);
      } else if (next2 === "k" && source[i] === "<") {
        const end = source.indexOf(">", i);
        const name3 = source.slice(i + 1, end);
        i = end + 1;
        atom(captured.get(name3) ?? Infinity);
      } else if (/[1-9]/.test(next2)) {
        let digits = next2;
        while (/\d/.test(source[i] ?? "")) digits += source[i++];
        atom(captured.get(digits) ?? Infinity);
      } else atom(0);
    } else if (ch === "[") {
      let j = i + 1;
      const negated = source[j] === "^";
      let breaks = false;
      for (; j < source.length && source[j] !== "]"; j++) {
        if (source[j] === "\\") {
          if (source[j + 1] === "n") breaks = true;
          j++;
        }
      }
      i = j + 1;
      atom(breaks && !negated ? 1 : 0);
    } else if (ch === "(") {
      const group = { best: 0, current: 0 };
      if (source[i + 1] === "?") {
        GROUP_NAME.lastIndex = i + 1;
        const named = GROUP_NAME.exec(source);
        if (named) {
          group.index = ++captures;
          group.name = named[1];
          i += 1 + named[0].length;
        } else i += source[i + 2] === "<" ? 4 : 3;
      } else {
        group.index = ++captures;
        i += 1;
      }
      stack.push(group);
    } else if (ch === "|") {
      const top2 = stack[stack.length - 1];
      top2.best = Math.max(top2.best, top2.current);
      top2.current = 0;
      i += 1;
    } else if (ch === ")" && stack.length > 1) {
      const group = stack.pop();
      const count = Math.max(group.best, group.current);
      if (group.index !== void 0) captured.set(String(group.index), count);
      if (group.name !== void 0) captured.set(group.name, count);
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

// src/core/secrets/lines.ts
var LineIndex = class {
  constructor(text3, earlier) {
    this.text = text3;
    this.earlier = earlier;
    this.starts = new Int32Array(earlier === void 0 ? 64 : Math.max(64, earlier.starts.length + 16));
  }
  text;
  earlier;
  /** starts[i] = offset of the first character of line i + 1 (0-based, 1-based lines), for i < count. */
  starts;
  count = 1;
  /** Every `\n` before this offset is in `starts`; the text length + 1 once all are. */
  scanned = 0;
  /** The shared run the next copy looks at (an index into `earlier.segments`, a multiple of 3). */
  run = 0;
  push(start) {
    if (this.count === this.starts.length) this.starts = withRoom(this.starts, this.count, this.count + 1);
    this.starts[this.count++] = start;
  }
  /** Collects line starts until one lies beyond `offset` (or the text ends). */
  reach(offset) {
    const { text: text3 } = this;
    while (this.starts[this.count - 1] <= offset && this.scanned <= text3.length) {
      const earlier = this.earlier;
      let next2 = text3.length + 1;
      if (earlier !== void 0) {
        const { segments } = earlier;
        while (this.run < segments.length && segments[this.run] + segments[this.run + 2] <= this.scanned) this.run += 3;
        if (this.run < segments.length) {
          const start = segments[this.run];
          if (start <= this.scanned) {
            this.copyShared(offset, start, segments[this.run + 1], segments[this.run + 2]);
            continue;
          }
          next2 = start;
        } else this.earlier = void 0;
      }
      const at15 = typeof text3 === "string" ? text3.indexOf("\n", this.scanned) : text3.newlineFrom(this.scanned);
      if (at15 === -1 || at15 >= next2) {
        this.scanned = at15 === -1 ? text3.length + 1 : next2;
        if (at15 === -1) return;
        continue;
      }
      this.push(at15 + 1);
      this.scanned = at15 + 1;
    }
  }
  /**
   * Copies the last version's line starts that follow a `\n` in [scanned, start + length) of the
   * run [start, start + length) (at `startBefore` there), moved by the run's shift, until one lies
   * beyond `offset`.
   */
  copyShared(offset, start, startBefore, length) {
    const before = this.earlier.starts;
    const by = start - startBefore;
    const end = start + length;
    const from = firstAbove(before, this.scanned - by, 0);
    let to = firstAbove(before, end - by, from);
    const past = offset - by < end - by ? firstAbove(before, offset - by, from) : to;
    const stops = past < to;
    if (stops) to = past + 1;
    const count = this.count + (to - from);
    const starts = this.starts = withRoom(this.starts, this.count, count);
    for (let i = from, at15 = this.count; i < to; i++, at15++) starts[at15] = before[i] + by;
    this.count = count;
    this.scanned = stops ? starts[count - 1] : end;
  }
  /** Every line start (the whole text indexed), for the next version of this file. */
  allStarts() {
    this.reach(Number.POSITIVE_INFINITY);
    this.earlier = void 0;
    return this.starts.subarray(0, this.count);
  }
  get lineCount() {
    this.reach(Number.POSITIVE_INFINITY);
    return this.count;
  }
  /** 1-based line number holding `offset`. */
  lineOf(offset) {
    this.reach(offset);
    const starts = this.starts;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >>> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  /** Offset of the first character of a 1-based line. */
  lineStart(line) {
    this.reachLine(line);
    return this.starts[Math.min(Math.max(line, 1), this.count) - 1];
  }
  /** Offset of the `\n` ending a 1-based line, or the text length for the last line. */
  lineEnd(line) {
    this.reachLine(line + 1);
    return line < this.count ? this.starts[line] - 1 : this.text.length;
  }
  /** Collects line starts until `line` (1-based) has its own, or the text ends. */
  reachLine(line) {
    while (this.count < line && this.scanned <= this.text.length) this.reach(this.scanned);
  }
  /** 1-based line and column (UTF-16 code units, as JavaScript and SARIF count them). */
  position(offset) {
    const line = this.lineOf(offset);
    return { line, column: offset - this.starts[line - 1] + 1 };
  }
  /**
   * The line holding `offset`, clipped to `radius` characters either side of [offset, end) so that
   * filters on a minified 20 MB line see a bounded excerpt, not the whole line: the same string as
   * `lineAround` below, found from the index instead of by reading characters.
   */
  lineAround(offset, end, radius = LINE_RADIUS) {
    const [from, to] = this.lineSpan(offset, end, radius);
    return this.text.slice(from, to);
  }
  /** Where `lineAround` cuts the line: [from, to). */
  lineSpan(offset, end, radius = LINE_RADIUS) {
    const line = this.lineOf(offset);
    const from = Math.max(this.starts[line - 1], offset - radius);
    const lineEnd2 = line < this.count ? this.starts[line] - 1 : this.text.length;
    return [from, Math.max(offset, Math.min(lineEnd2, end + radius))];
  }
};
var LINE_RADIUS = 1024;
function lineAround(text3, offset, end, radius = LINE_RADIUS) {
  const lower2 = Math.max(0, offset - radius);
  let from = offset;
  while (from > lower2 && text3.charCodeAt(from - 1) !== 10) from--;
  const upper = Math.min(text3.length, end + radius);
  let to = offset;
  while (to < upper && text3.charCodeAt(to) !== 10) to++;
  return text3.slice(from, to);
}
function firstAbove(list, value2, from) {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (list[mid] <= value2) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// src/core/secrets/fingerprint.ts
import { createHash, createHmac, randomBytes, scryptSync } from "node:crypto";
var EPHEMERAL_KEY = randomBytes(32).toString("hex");
function keyedFingerprint(key, detectorId, secret2) {
  const cached = keyedCache.get(key, detectorId, secret2);
  if (cached !== void 0) return cached;
  const digest = createHmac("sha256", key).update("nhi-steward/secret/v2\0").update(detectorId).update("\0").update(secret2).digest("hex");
  const size = key.length + detectorId.length + secret2.length + 2;
  if (size <= KEYED_CACHE_CHARS / 64) keyedCache.set(key, detectorId, secret2, digest, size);
  return digest;
}
function detached(text3) {
  return text3.length < 13 ? text3 : (" " + text3).slice(1);
}
var NestedMemo = class {
  constructor(maxEntries, maxChars) {
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
  }
  maxEntries;
  maxChars;
  map = /* @__PURE__ */ new Map();
  entries = 0;
  chars = 0;
  get(a, b, c) {
    return this.map.get(a)?.get(b)?.get(c);
  }
  /** Remembers `value`, counting `size` characters against the bound. */
  set(a, b, c, value2, size) {
    if (this.entries >= this.maxEntries || this.chars + size > this.maxChars) {
      this.map.clear();
      this.entries = this.chars = 0;
    }
    let byB = this.map.get(a);
    if (byB === void 0) this.map.set(detached(a), byB = /* @__PURE__ */ new Map());
    let byC = byB.get(b);
    if (byC === void 0) byB.set(b, byC = /* @__PURE__ */ new Map());
    byC.set(detached(c), value2);
    this.count(size);
  }
  /** Counts one more entry of `size` characters, for a value grown in place. */
  count(size) {
    this.entries++;
    this.chars += size;
  }
};
var KEYED_CACHE_ENTRIES = 8192;
var KEYED_CACHE_CHARS = 1 << 20;
var keyedCache = new NestedMemo(KEYED_CACHE_ENTRIES, KEYED_CACHE_CHARS);
function locationFingerprint(rule, file, context, occurrence) {
  const byOccurrence = locationCache.get(file, rule, context);
  const cached = byOccurrence?.[occurrence];
  if (cached !== void 0) return cached;
  const digest = createHash("sha256").update(`nhi-steward/location/v1\0${rule}\0${file}\0${context}\0${occurrence}`).digest("hex");
  const size = rule.length + file.length + context.length + 32;
  if (size > KEYED_CACHE_CHARS / 64 || occurrence > 64) return digest;
  if (byOccurrence === void 0) {
    const made = [];
    made[occurrence] = digest;
    locationCache.set(file, rule, context, made, size);
  } else {
    byOccurrence[occurrence] = digest;
    locationCache.count(size);
  }
  return digest;
}
var locationCache = new NestedMemo(KEYED_CACHE_ENTRIES, KEYED_CACHE_CHARS);
function legacyFingerprint(detectorId, secret2) {
  return createHash("sha256").update(detectorId).update("\0").update(secret2).digest("hex");
}
var DEFAULT_SCRYPT = { N: 1 << 15, r: 8, p: 1 };
var MAX_N = 1 << 17;
function saltedSecretHash(salt, cost, detectorId, secret2) {
  const cached = cache.get(`${salt}\0${cost.N}\0${cost.r}\0${cost.p}\0${detectorId}\0${secret2}`);
  if (cached) return cached;
  const hash = scryptSync(`${detectorId}\0${secret2}`, salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }).toString("hex");
  if (cache.size >= 4096) cache.clear();
  cache.set(`${salt}\0${cost.N}\0${cost.r}\0${cost.p}\0${detectorId}\0${secret2}`, hash);
  return hash;
}
var cache = /* @__PURE__ */ new Map();

// src/core/secrets/candidates.ts
var DEFAULT_MATCH_OPTIONS = { wholeFileBelow: 2 * 1024 };
var BACK = 512;
var FORWARD = 2048;
var BLOCK_REACH = 32 * 1024;
var CONTEXT = 64;
var TRUNCATED_REACH = 64 * 1024;
var MERGE_GAP = 256;
var MAX_MERGED = 4096;
function findMatches(content, catalog, active, options = DEFAULT_MATCH_OPTIONS, version) {
  const n = content.length;
  const matches = [];
  const wanted = catalog.unconditional.filter((d) => active[d] === 1);
  for (const d of wanted) {
    for (let from = 0; from < n; from += MAX_MERGED) runWindow(content, catalog.detectors[d], d, from, Math.min(n, from + MAX_MERGED), matches);
  }
  const hits = version ? version.hits(catalog.automaton, content) : catalog.automaton.scanView(content);
  if (hits.length === 0) return matches;
  const scratch2 = takeScratch(catalog);
  try {
    const against = version?.against?.log.catalog === catalog && n >= options.wholeFileBelow ? version.against : void 0;
    const logged = version?.kept === true && n >= options.wholeFileBelow || against !== void 0;
    const inner = against?.log.requests === void 0 ? void 0 : innerHits(catalog, n, against);
    const named = logged && catalog.anchored.length > 0 ? new RequestLog(against?.log.anchorRequests?.length) : void 0;
    const anchors = catalog.anchored.length > 0 ? collectAnchors(content, hits, catalog, active, scratch2.anchors, named, inner, against?.log.anchorRequests) : void 0;
    if (n < options.wholeFileBelow) {
      for (const d of detectorsHit(content, hits, catalog, active, scratch2.seen)) {
        const at15 = anchors?.[d];
        if (anchors !== void 0 && at15 === void 0 && catalog.detectors[d].anchor) continue;
        runWindow(content, catalog.detectors[d], d, 0, n, matches, at15);
      }
      return matches;
    }
    const { spans } = scratch2;
    const log = logged ? newLog(catalog, anchors) : void 0;
    const requests = log === void 0 ? void 0 : new RequestLog(against?.log.requests?.length);
    const order = planWindows(content, hits, catalog, active, scratch2, requests, inner, against);
    if (log !== void 0) {
      log.requests = requests.done();
      log.numbers += log.requests.length;
      if (named !== void 0) {
        log.anchorRequests = named.done();
        log.numbers += log.anchorRequests.length;
      }
    }
    const entries = log === void 0 ? void 0 : new RequestLog(against?.log.windowNumbers);
    let ranges;
    for (const d of order) {
      const at15 = anchors?.[d];
      if (anchors !== void 0 && at15 === void 0 && catalog.detectors[d].anchor) continue;
      const list = spans[d];
      if (entries !== void 0) {
        const begin = entries.length;
        runLogged(content, catalog.detectors[d], d, list, at15, matches, log, entries, against);
        (ranges ??= []).push(d, begin, entries.length);
      } else for (let i = 0; i < list.length; i += 2) runWindow(content, catalog.detectors[d], d, list[i], list[i + 1], matches, at15);
    }
    if (log !== void 0) {
      const all = entries.done();
      if (ranges !== void 0) for (let i = 0; i < ranges.length; i += 3) log.windows.set(ranges[i], all.subarray(ranges[i + 1], ranges[i + 2]));
      log.windowNumbers = all.length;
      log.numbers += all.length + log.matches.length;
      version.keep(log);
      version.log = log;
    }
    return matches;
  } finally {
    releaseScratch(catalog, scratch2);
  }
}
var idle = /* @__PURE__ */ new WeakMap();
function takeScratch(catalog) {
  const kept = idle.get(catalog);
  if (kept) {
    idle.delete(catalog);
    return kept;
  }
  const size = catalog.detectors.length;
  return { spans: new Array(size).fill(void 0), anchors: new Array(size).fill(void 0), order: [], seen: new Uint8Array(size) };
}
function releaseScratch(catalog, scratch2) {
  for (const d of scratch2.order) scratch2.spans[d] = void 0;
  scratch2.order.length = 0;
  for (const d of catalog.anchored) scratch2.anchors[d] = void 0;
  idle.set(catalog, scratch2);
}
function collectAnchors(content, hits, catalog, active, anchors, named, inner, before) {
  const { detectors, keywordAnchored, keywordLengths, automaton } = catalog;
  let s = 0;
  for (let h = 0; h < hits.length; h += 2) {
    const hitEnd = hits[h + 1];
    if (inner !== void 0 && before !== void 0) {
      while (s < inner.length && inner[s + 1] <= hitEnd) s += 3;
      if (s < inner.length && inner[s] <= hitEnd) {
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
        const { maxPrefix, nameChar } = detectors[d].anchor;
        const limit = Math.max(0, hitStart - maxPrefix - 1);
        let p = hitStart;
        while (p > limit && nameChar[content.charCodeAt(p - 1)] === 1) p--;
        if (p > 0 && nameChar[content.charCodeAt(p - 1)] === 1) continue;
        addAnchor(anchors, d, p);
        named?.push(d, hitEnd, p, 0);
      }
    }
  }
  return anchors;
}
function addAnchor(anchors, d, p) {
  let starts = anchors[d];
  if (starts === void 0) anchors[d] = starts = [];
  const last = starts.length - 1;
  if (last < 0 || p > starts[last]) starts.push(p);
  else if (p < starts[last]) insertSorted(starts, p);
}
function takeAnchors(before, from, to, by, anchors, named) {
  const first = firstRequest(before, from);
  let i = first;
  for (; i < before.length && before[i + 1] < to; i += 4) addAnchor(anchors, before[i], before[i + 2] + by);
  named?.take(before, first, i, by, 2);
}
function firstRequest(before, from) {
  let lo = 0;
  let hi = before.length >> 2;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (before[mid * 4 + 1] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo * 4;
}
function lastHitBefore(hits, h, to) {
  let lo = h >> 1;
  let hi = hits.length >> 1;
  while (hi - lo > 1) {
    const mid = lo + hi >>> 1;
    if (hits[mid * 2 + 1] < to) lo = mid;
    else hi = mid;
  }
  return lo * 2;
}
function insertSorted(list, value2) {
  let i = list.length - 1;
  while (i >= 0 && list[i] > value2) i--;
  if (i >= 0 && list[i] === value2) return;
  list.splice(i + 1, 0, value2);
}
function detectorsHit(content, hits, catalog, active, seen) {
  const { detectors, keywordDetectors, keywordLengths, automaton, unconditional } = catalog;
  const result = [];
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
        if (companion !== void 0 && !companionFollows(hits, i, hitEnd, companion, catalog)) continue;
        seen[d] = 1;
        result.push(d);
      }
    }
  }
  for (const d of result) seen[d] = 0;
  return unconditional.length === 0 ? result.sort((a, b) => a - b) : result.filter((d) => !unconditional.includes(d)).sort((a, b) => a - b);
}
function planWindows(content, hits, catalog, active, { spans, order }, requests, inner, against) {
  const n = content.length;
  const { detectors, keywordDetectors, keywordLengths, automaton } = catalog;
  let lineStart = 0;
  let lineEnd2 = -1;
  let nearEnd = -1;
  let s = 0;
  for (let h = 0; h < hits.length; h += 2) {
    const hitEnd = hits[h + 1];
    if (inner !== void 0) {
      while (s < inner.length && inner[s + 1] <= hitEnd) s += 3;
      if (s < inner.length && inner[s] <= hitEnd) {
        const to = inner[s + 1];
        takeRequests(against.log.requests, inner[s] - inner[s + 2], to - inner[s + 2], inner[s + 2], spans, order, requests);
        h = lastHitBefore(hits, h, to);
        lineEnd2 = nearEnd = -1;
        s += 3;
        continue;
      }
    }
    const keywords = automaton.keywordsAt(hits[h]);
    for (let k = 0; k < keywords.length; k++) {
      const keyword = keywords[k];
      const hitStart = hitEnd - keywordLengths[keyword];
      const list = keywordDetectors[keyword];
      if (hitStart < lineStart || hitStart > lineEnd2) {
        lineStart = hitStart === 0 ? 0 : content.lastIndexOf("\n", hitStart - 1) + 1;
        lineEnd2 = lineEndFrom(content, hitStart);
        nearEnd = -1;
      }
      for (let i = 0; i < list.length; i++) {
        const d = list[i];
        if (active[d] !== 1) continue;
        const compiled2 = detectors[d];
        if (!hitOpens(content, compiled2, keyword, hitStart, hitEnd)) continue;
        if (compiled2.companion !== void 0 && !companionFollows(hits, h, hitEnd, compiled2.companion, catalog)) continue;
        const reach = compiled2.reach ?? (compiled2.reach = reachOf(compiled2.detector.pattern));
        const start = Math.max(lineStart, hitStart - BACK);
        let end;
        if (reach === "block") end = Math.min(n, hitEnd + BLOCK_REACH);
        else if (reach === "line") end = Math.min(lineEnd2, hitEnd + FORWARD);
        else if (reach === "far") end = Math.min(n, hitEnd + FORWARD);
        else {
          if (nearEnd < 0) nearEnd = lineEndFrom(content, lineEndFrom(content, lineEnd2 + 1) + 1);
          end = Math.min(nearEnd, hitEnd + FORWARD);
        }
        let windows = spans[d];
        if (windows === void 0) {
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
var RequestLog = class {
  data;
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
  push5(a, b, c, d, e) {
    const data = this.data = withRoom(this.data, this.length, this.length + 5);
    const at15 = this.length;
    data[at15] = a;
    data[at15 + 1] = b;
    data[at15 + 2] = c;
    data[at15 + 3] = d;
    data[at15 + 4] = e;
    this.length = at15 + 5;
  }
  push(d, hitEnd, start, end) {
    const data = this.data = withRoom(this.data, this.length, this.length + 4);
    const at15 = this.length;
    data[at15] = d;
    data[at15 + 1] = hitEnd;
    data[at15 + 2] = start;
    data[at15 + 3] = end;
    this.length = at15 + 4;
  }
  /**
   * Appends the entries [from, to) of `before` (a multiple of 4 each), the last version's log, with
   * their numbers 1 to `moved` moved by `by`: what pushing them one by one, moved, would leave.
   */
  take(before, from, to, by, moved) {
    if (to <= from) return;
    const count = to - from;
    const data = this.data = withRoom(this.data, this.length, this.length + count);
    const at15 = this.length;
    data.set(before.subarray(from, to), at15);
    if (by !== 0) {
      for (let i = at15 + 1, end = at15 + count; i < end; i += 4) {
        data[i] += by;
        data[i + 1] += by;
        if (moved === 3) data[i + 2] += by;
      }
    }
    this.length = at15 + count;
  }
  /** What it holds (a view when that wastes at most a quarter of its buffer, else a copy). */
  done() {
    return this.length * 4 >= this.data.length * 3 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
};
function takeRequests(before, from, to, by, spans, order, requests) {
  const first = firstRequest(before, from);
  let i = first;
  for (; i < before.length && before[i + 1] < to; i += 4) {
    const d = before[i];
    let windows = spans[d];
    if (windows === void 0) {
      spans[d] = windows = [];
      order.push(d);
    }
    addWindow(windows, before[i + 2] + by, before[i + 3] + by);
  }
  requests?.take(before, first, i, by, 3);
  loggedWindows.requests += i - first >> 2;
}
function innerHits(catalog, n, against) {
  const { segments, beforeLength } = against;
  const { back, ahead } = planReach(catalog);
  const inner = [];
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
var MIN_INNER = 256;
var reaches = /* @__PURE__ */ new WeakMap();
function planReach(catalog) {
  const known2 = reaches.get(catalog);
  if (known2 !== void 0) return known2;
  let ahead = FORWARD;
  for (const { lead, trail, companion } of catalog.detectors) {
    if (lead !== void 0) ahead = Math.max(ahead, lead.literal.length + lead.min + STOP_CHECK + 1);
    if (trail !== void 0) ahead = Math.max(ahead, TRAIL_CHECK + 1);
    if (companion !== void 0) ahead = Math.max(ahead, companion.reach);
  }
  let name3 = 0;
  for (const d of catalog.anchored) name3 = Math.max(name3, catalog.detectors[d].anchor.maxPrefix + 2);
  const made = { back: Math.max(0, ...catalog.keywordLengths) + Math.max(BACK + 1, name3), ahead: ahead + 1 };
  reaches.set(catalog, made);
  return made;
}
function hitOpens(content, compiled2, keyword, hitStart, hitEnd) {
  const { lead, trail } = compiled2;
  if (lead !== void 0 && !leadFits(content, hitStart, lead)) return false;
  return trail === void 0 || trail.keyword !== keyword || trailFits(content, hitEnd, trail);
}
function companionFollows(hits, h, hitEnd, companion, catalog) {
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
function lineEndFrom(content, offset) {
  if (offset >= content.length) return content.length;
  const at15 = content.indexOf("\n", offset);
  return at15 === -1 ? content.length : at15;
}
function addWindow(spans, start, end) {
  const last = spans.length - 1;
  if (last < 0 || start > spans[last] + MERGE_GAP) {
    spans.push(start, end);
  } else if (end > spans[last]) {
    if (end - spans[last - 1] <= MAX_MERGED) spans[last] = end;
    else spans.push(spans[last], end);
  }
}
var PRIMER = " ".repeat(1024);
function primeRegex(regex) {
  regex.lastIndex = PRIMER.length;
  regex.exec(PRIMER);
}
function regexOf(compiled2) {
  return (compiled2.primed & 1) !== 0 ? compiled2.regex : compiled2.regex = primedRegex(compiled2, "g", 1);
}
function stickyOf(compiled2) {
  return (compiled2.primed & 2) !== 0 ? compiled2.sticky : compiled2.sticky = primedRegex(compiled2, "y", 2);
}
function primedRegex(compiled2, flag, bit) {
  const regex = new RegExp(compiled2.detector.pattern.source, compiled2.flags + flag);
  primeRegex(regex);
  compiled2.primed |= bit;
  return regex;
}
var loggedWindows = { taken: 0, run: 0, requests: 0 };
function newLog(catalog, anchors) {
  const kept = /* @__PURE__ */ new Map();
  if (anchors !== void 0) {
    for (const d of catalog.anchored) {
      const at15 = anchors[d];
      if (at15 !== void 0) kept.set(d, at15);
    }
  }
  return { catalog, windows: /* @__PURE__ */ new Map(), matches: [], values: [], anchors: kept, judged: [], windowNumbers: 0, numbers: 0 };
}
function runLogged(content, compiled2, d, list, at15, out, log, entries, against) {
  const matches = log.matches;
  const before = against?.log.windows.get(d);
  const beforeAnchors = at15 === void 0 ? void 0 : against?.log.anchors.get(d);
  const n = content.length;
  const segments = against?.segments ?? [];
  const beforeLength = against?.beforeLength ?? n;
  let s = 0;
  let j = 0;
  const cursor = { at: 0, before: 0 };
  for (let i = 0; i < list.length; i += 2) {
    const from = list[i];
    const to = list[i + 1];
    const first = matches.length;
    let taken = false;
    if (before !== void 0) {
      while (s < segments.length && segments[s] + segments[s + 2] <= from - CONTEXT) s += 3;
      if (s < segments.length) {
        const start = segments[s];
        const startBefore = segments[s + 1];
        const end = start + segments[s + 2];
        const startsBoth = start === 0 && startBefore === 0;
        const endsBoth = end === n && startBefore + segments[s + 2] === beforeLength;
        const by = start - startBefore;
        if ((startsBoth || from - CONTEXT > start) && (endsBoth || to + CONTEXT < end)) {
          const target = from - by;
          while (j < before.length && before[j] < target) j += 5;
          if (j < before.length && before[j] === target && before[j + 1] === to - by && (endsBoth || before[j + 2] + by < end) && sameAnchors(at15, beforeAnchors, from, to, by, cursor)) {
            const pairs2 = against.log.matches;
            const values = against.log.values;
            const verdicts2 = against.log.judged;
            for (let k = before[j + 3]; k < before[j + 4]; k += 2) {
              const matchStart = pairs2[k] + by;
              const matchEnd = pairs2[k + 1] + by;
              const lineShared = (startsBoth || matchStart - LINE_RADIUS > start) && (endsBoth || matchEnd + LINE_RADIUS <= end);
              const judged = lineShared ? verdicts2[k >> 1] : void 0;
              const secret2 = values[k >> 1];
              const match2 = { detector: d, secret: secret2, start: matchStart, end: matchEnd, slot: matches.length >> 1 };
              if (judged !== void 0) match2.judged = judged;
              out.push(match2);
              matches.push(matchStart, matchEnd);
              log.values.push(secret2);
              log.numbers += valueNumbers(secret2);
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
    const read = runWindow(content, compiled2, d, from, to, out, at15);
    for (let k = found; k < out.length; k++) {
      out[k].slot = matches.length >> 1;
      matches.push(out[k].start, out[k].end);
      const value2 = detached(out[k].secret);
      out[k].secret = value2;
      log.values.push(value2);
      log.numbers += valueNumbers(value2);
    }
    entries.push5(from, to, read, first, matches.length);
  }
}
function valueNumbers(value2) {
  return Math.ceil((value2.length + 24) / 8);
}
function sameAnchors(at15, before, from, to, by, cursor) {
  if (at15 === void 0) return true;
  if (before === void 0) return false;
  let i = cursor === void 0 ? lowerBound(at15, from) : cursor.at = seek(at15, cursor.at, from);
  let k = cursor === void 0 ? lowerBound(before, from - by) : cursor.before = seek(before, cursor.before, from - by);
  for (; i < at15.length && at15[i] < to; i++, k++) if (k >= before.length || before[k] + by !== at15[i]) return false;
  return k >= before.length || before[k] >= to - by;
}
function seek(list, hint, value2) {
  let lo = Math.min(hint, list.length);
  if (lo > 0 && list[lo - 1] >= value2) return lowerBound(list, value2);
  let hi = lo;
  for (let step2 = 1; hi < list.length && list[hi] < value2; step2 *= 2) {
    lo = hi + 1;
    hi += step2;
  }
  hi = Math.min(hi, list.length);
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (list[mid] < value2) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function lowerBound(list, value2) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (list[mid] < value2) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function runWindow(content, compiled2, d, from, to, out, anchors) {
  const n = content.length;
  const sliceStart = Math.max(0, from - CONTEXT);
  const sliceEnd = Math.min(n, to + CONTEXT);
  const text3 = sliceStart === 0 && sliceEnd === n && typeof content === "string" ? content : content.slice(sliceStart, sliceEnd);
  readEnd = sliceEnd;
  if (anchors) {
    runAnchored(content, compiled2, d, from, to, text3, sliceStart, sliceEnd, anchors, out);
    return readEnd;
  }
  const regex = regexOf(compiled2);
  regex.lastIndex = from - sliceStart;
  let previousStart = -1;
  for (let m = regex.exec(text3); m !== null; m = regex.exec(text3)) {
    const matchStart = sliceStart + m.index;
    if (matchStart >= to) break;
    if (m[0].length === 0) {
      regex.lastIndex++;
      continue;
    }
    if (matchStart !== previousStart && record(content, compiled2, d, m, text3.length, sliceStart, sliceEnd, out)) previousStart = matchStart;
  }
  return readEnd;
}
var readEnd = 0;
function runAnchored(content, compiled2, d, from, to, text3, sliceStart, sliceEnd, anchors, out) {
  const sticky = stickyOf(compiled2);
  let next2 = from;
  for (let i = lowerBound(anchors, from); i < anchors.length; i++) {
    const at15 = anchors[i];
    if (at15 >= to) break;
    if (at15 < next2) continue;
    sticky.lastIndex = at15 - sliceStart;
    const m = sticky.exec(text3);
    if (m === null) continue;
    if (m[0].length === 0) {
      next2 = at15 + 1;
      continue;
    }
    next2 = at15 + m[0].length;
    record(content, compiled2, d, m, text3.length, sliceStart, sliceEnd, out);
  }
}
function record(content, compiled2, d, m, textLength, sliceStart, sliceEnd, out) {
  const n = content.length;
  const matchStart = sliceStart + m.index;
  let match2 = m;
  let base2 = sliceStart;
  if (m.index + m[0].length === textLength && sliceEnd < n) {
    base2 = Math.max(0, matchStart - CONTEXT);
    const longerEnd = Math.min(n, matchStart + TRUNCATED_REACH);
    if (longerEnd > readEnd) readEnd = longerEnd;
    const longer = content.slice(base2, longerEnd);
    const sticky = stickyOf(compiled2);
    sticky.lastIndex = matchStart - base2;
    match2 = sticky.exec(longer);
  }
  if (!match2) return false;
  const raw = toRawMatch(match2, base2, d, compiled2.hasSecretGroup);
  if (raw) out.push(raw);
  return true;
}
function toRawMatch(m, base2, d, hasSecretGroup) {
  if (!hasSecretGroup) return { detector: d, secret: m[0], start: base2 + m.index, end: base2 + m.index + m[0].length };
  const span = m.indices?.groups?.secret;
  const secret2 = m.groups?.secret;
  if (!span || !secret2) return void 0;
  return { detector: d, secret: secret2, start: base2 + span[0], end: base2 + span[1] };
}

// node_modules/balanced-match/dist/esm/index.js
var range = (a, b, str2) => {
  let begs, beg, left, right = void 0, result;
  let ai = str2.indexOf(a);
  let bi = str2.indexOf(b, ai + 1);
  let i = ai;
  if (ai >= 0 && bi > 0) {
    if (a === b) {
      return [ai, bi];
    }
    begs = [];
    left = str2.length;
    while (i >= 0 && !result) {
      if (i === ai) {
        begs.push(i);
        ai = str2.indexOf(a, i + 1);
      } else if (begs.length === 1) {
        const r = begs.pop();
        if (r !== void 0)
          result = [r, bi];
      } else {
        beg = begs.pop();
        if (beg !== void 0 && beg < left) {
          left = beg;
          right = bi;
        }
        bi = str2.indexOf(b, i + 1);
      }
      i = ai < bi && ai >= 0 ? ai : bi;
    }
    if (begs.length && right !== void 0) {
      result = [left, right];
    }
  }
  return result;
};

// node_modules/brace-expansion/dist/esm/index.js
var escSlash = "\0SLASH" + Math.random().toFixed(16) + "\0";
var escOpen = "\0OPEN" + Math.random().toFixed(16) + "\0";
var escClose = "\0CLOSE" + Math.random().toFixed(16) + "\0";
var escComma = "\0COMMA" + Math.random().toFixed(16) + "\0";
var escPeriod = "\0PERIOD" + Math.random().toFixed(16) + "\0";
var escSlashPattern = new RegExp(escSlash, "g");
var escOpenPattern = new RegExp(escOpen, "g");
var escClosePattern = new RegExp(escClose, "g");
var escCommaPattern = new RegExp(escComma, "g");
var escPeriodPattern = new RegExp(escPeriod, "g");
var slashPattern = /\\\\/g;
var openPattern = /\\{/g;
var closePattern = /\\}/g;
var commaPattern = /\\,/g;
var periodPattern = /\\\./g;
var EXPANSION_MAX = 1e5;
var EXPANSION_MAX_LENGTH = 4e6;
var EXPANSION_MAX_DEPTH = 1e3;
var EXPANSION_MAX_REWRITES = 1e3;
var EXPANSION_MAX_STEPS = 2e7;
var CALL_STEPS = 16;
function numeric(str2) {
  return !isNaN(str2) ? parseInt(str2, 10) : str2.charCodeAt(0);
}
function escapeBraces(str2) {
  return str2.replace(slashPattern, escSlash).replace(openPattern, escOpen).replace(closePattern, escClose).replace(commaPattern, escComma).replace(periodPattern, escPeriod);
}
function unescapeBraces(str2) {
  return str2.replace(escSlashPattern, "\\").replace(escOpenPattern, "{").replace(escClosePattern, "}").replace(escCommaPattern, ",").replace(escPeriodPattern, ".");
}
function pushAll(target, items) {
  for (let i = 0; i < items.length; i++) {
    target.push(items[i]);
  }
}
function balancedWithBudget(str2, masked, budget) {
  if (budget.remaining < 0) {
    return void 0;
  }
  const r = range("{", "}", masked);
  const unmatched = r !== void 0 && masked.indexOf("{") < r[0];
  budget.remaining -= r && !unmatched ? r[1] + 1 : str2.length;
  if (!r || budget.remaining < 0) {
    return void 0;
  }
  return {
    end: r[1],
    pre: str2.slice(0, r[0]),
    body: str2.slice(r[0] + 1, r[1]),
    post: str2.slice(r[1] + 1),
    unmatched
  };
}
function maskUnmatchedOpens(masked, budget) {
  budget.remaining -= masked.length;
  const open = [];
  for (let i = 0; i < masked.length; i++) {
    const c = masked.charCodeAt(i);
    if (c === 123) {
      open.push(i);
    } else if (c === 125 && open.length) {
      open.pop();
    }
  }
  let out = "";
  let last = 0;
  for (let i = 0; i < open.length; i++) {
    const at15 = open[i];
    out += masked.slice(last, at15) + "\0";
    last = at15 + 1;
  }
  return out + masked.slice(last);
}
function commaSetFollows(str2, budget) {
  budget.remaining -= str2.length;
  if (budget.remaining < 0) {
    return false;
  }
  let close = false;
  for (let i = str2.length - 1; i >= 0; i--) {
    const c = str2.charCodeAt(i);
    if (c === 125) {
      close = true;
    } else if (c === 10 || c === 13 || c === 8232 || c === 8233) {
      close = false;
    } else if (c === 44 && close && str2.charCodeAt(i + 1) !== 44) {
      return true;
    }
  }
  return false;
}
function parseCommaParts(str2, budget) {
  const parts = [];
  let carry = "";
  for (; ; ) {
    const m = balancedWithBudget(str2, str2, budget);
    if (budget.remaining < 0) {
      return void 0;
    }
    if (!m) {
      const tail = str2.split(",");
      tail[0] = carry + tail[0];
      pushAll(parts, tail);
      return parts;
    }
    const { pre, body, post } = m;
    const p = pre.split(",");
    p[0] = carry + p[0];
    p[p.length - 1] += "{" + body + "}";
    if (!post.length) {
      pushAll(parts, p);
      return parts;
    }
    carry = p.pop();
    pushAll(parts, p);
    str2 = post;
  }
}
function bound(value2, fallback) {
  return value2 === void 0 || isNaN(value2) ? fallback : value2;
}
function expand(str2, options = {}) {
  if (!str2) {
    return [];
  }
  const max = bound(options.max, EXPANSION_MAX);
  const maxLength = bound(options.maxLength, EXPANSION_MAX_LENGTH);
  const maxDepth = bound(options.maxDepth, EXPANSION_MAX_DEPTH);
  const maxRewrites = bound(options.maxRewrites, EXPANSION_MAX_REWRITES);
  const maxSteps = bound(options.maxSteps, EXPANSION_MAX_STEPS);
  if (str2.slice(0, 2) === "{}") {
    str2 = "\\{\\}" + str2.slice(2);
  }
  return expand_(escapeBraces(str2), max, maxLength, maxDepth, 0, maxRewrites, { remaining: maxSteps }, true).map(unescapeBraces);
}
function embrace(str2) {
  return "{" + str2 + "}";
}
function isPadded(el) {
  return /^-?0\d/.test(el);
}
function lte(i, y) {
  return i <= y;
}
function gte(i, y) {
  return i >= y;
}
function combine(acc, pre, values, max, maxLength, dropEmpties, budget) {
  const out = [];
  let length = 0;
  let nonEmpty;
  outer: for (let a = 0; a < acc.length; a++) {
    const prefix = acc[a] + pre;
    let vs = values;
    if (dropEmpties && !prefix) {
      if (!nonEmpty)
        nonEmpty = values.filter((v) => v);
      vs = nonEmpty;
    }
    for (let v = 0; v < vs.length; v++) {
      if (out.length >= max)
        break outer;
      const expansion = prefix + vs[v];
      if (length + expansion.length > maxLength)
        break outer;
      out.push(expansion);
      length += expansion.length;
    }
  }
  budget.remaining -= out.length;
  return out;
}
function expandSequence(body, isAlphaSequence, max, maxLength, budget) {
  const n = body.split(/\.\./);
  const N = [];
  if (n[0] === void 0 || n[1] === void 0) {
    return N;
  }
  const x = numeric(n[0]);
  const y = numeric(n[1]);
  const width = Math.max(n[0].length, n[1].length);
  let incr = n.length === 3 && n[2] !== void 0 ? Math.max(Math.abs(numeric(n[2])), 1) : 1;
  let test = lte;
  const reverse = y < x;
  if (reverse) {
    incr *= -1;
    test = gte;
  }
  const pad = n.some(isPadded);
  const cost = pad ? width : 1;
  let length = 0;
  for (let i = x; test(i, y) && N.length < max; i += incr) {
    budget.remaining -= cost;
    if (budget.remaining < 0) {
      return void 0;
    }
    let c;
    if (isAlphaSequence) {
      c = String.fromCharCode(i);
      if (c === "\\") {
        c = "";
      }
    } else {
      c = String(i);
      if (pad) {
        const need = width - c.length;
        if (need > 0) {
          const z = new Array(need + 1).join("0");
          if (i < 0) {
            c = "-" + z + c.slice(1);
          } else {
            c = z + c;
          }
        }
      }
    }
    if (length + c.length > maxLength)
      break;
    N.push(c);
    length += c.length;
  }
  return N;
}
function expand_(str2, max, maxLength, maxDepth, depth, maxRewrites, budget, isTop) {
  budget.remaining -= CALL_STEPS;
  if (depth > maxDepth) {
    return [str2];
  }
  let acc = [""];
  let rewrites = 0;
  let dropEmpties = false;
  let firstGroup = true;
  let masked = str2;
  for (; ; ) {
    const m = balancedWithBudget(str2, masked, budget);
    if (!m) {
      return combine(acc, str2, [""], max, maxLength, dropEmpties, budget);
    }
    if (m.unmatched) {
      masked = maskUnmatchedOpens(masked, budget);
    }
    const pre = m.pre;
    const literal = () => combine(acc, pre + "{" + m.body + "}" + m.post, [""], max, maxLength, dropEmpties, budget);
    if (/\$$/.test(pre)) {
      acc = combine(acc, pre + "{" + m.body + "}", [""], max, maxLength, dropEmpties && !m.post.length, budget);
      firstGroup = false;
      if (!m.post.length)
        break;
      str2 = m.post;
      masked = masked.slice(m.end + 1);
      continue;
    }
    const isNumericSequence = /^-?\d+\.\.-?\d+(?:\.\.-?\d+)?$/.test(m.body);
    const isAlphaSequence = /^[a-zA-Z]\.\.[a-zA-Z](?:\.\.-?\d+)?$/.test(m.body);
    const isSequence = isNumericSequence || isAlphaSequence;
    const isOptions = m.body.indexOf(",") >= 0;
    if (!isSequence && !isOptions) {
      if (rewrites < maxRewrites && commaSetFollows(m.post, budget)) {
        rewrites++;
        str2 = m.pre + "{" + m.body + escClose + m.post;
        masked = masked.slice(0, m.end) + escClose + masked.slice(m.end + 1);
        isTop = true;
        continue;
      }
      return literal();
    }
    if (firstGroup) {
      dropEmpties = isTop && !isSequence;
      firstGroup = false;
    }
    let values;
    if (isSequence) {
      values = expandSequence(m.body, isAlphaSequence, max, maxLength, budget);
      if (!values) {
        return literal();
      }
    } else {
      let n = parseCommaParts(m.body, budget);
      if (!n) {
        return literal();
      }
      if (n.length === 1 && n[0] !== void 0) {
        n = expand_(n[0], max, maxLength, maxDepth, depth + 1, maxRewrites, budget, false).map(embrace);
        if (budget.remaining < 0) {
          return literal();
        }
        if (n.length === 1) {
          const next3 = combine(acc, pre + n[0], [""], max, maxLength, dropEmpties && !m.post.length, budget);
          if (budget.remaining < 0) {
            return literal();
          }
          acc = next3;
          if (!m.post.length)
            break;
          str2 = m.post;
          masked = masked.slice(m.end + 1);
          continue;
        }
      }
      let dropsEmpties = dropEmpties && !m.post.length && !pre;
      for (let d = 0; dropsEmpties && d < acc.length; d++) {
        if (acc[d]) {
          dropsEmpties = false;
        }
      }
      values = [];
      let valuesLength = 0;
      outer: for (let j = 0; j < n.length; j++) {
        const expanded = expand_(n[j], max, maxLength, maxDepth, depth + 1, maxRewrites, budget, false);
        if (budget.remaining < 0) {
          return literal();
        }
        for (let k = 0; k < expanded.length; k++) {
          const v = expanded[k];
          if (dropsEmpties && !v)
            continue;
          if (values.length >= max || valuesLength + v.length > maxLength) {
            break outer;
          }
          values.push(v);
          valuesLength += v.length;
        }
      }
    }
    const next2 = combine(acc, pre, values, max, maxLength, dropEmpties && !m.post.length, budget);
    if (budget.remaining < 0) {
      return literal();
    }
    acc = next2;
    if (!m.post.length)
      break;
    str2 = m.post;
    masked = masked.slice(m.end + 1);
  }
  return acc;
}

// node_modules/minimatch/dist/esm/assert-valid-pattern.js
var MAX_PATTERN_LENGTH = 1024 * 64;
var assertValidPattern = (pattern) => {
  if (typeof pattern !== "string") {
    throw new TypeError("invalid pattern");
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new TypeError("pattern is too long");
  }
};

// node_modules/minimatch/dist/esm/brace-expressions.js
var posixClasses = {
  "[:alnum:]": ["\\p{L}\\p{Nl}\\p{Nd}", true],
  "[:alpha:]": ["\\p{L}\\p{Nl}", true],
  "[:ascii:]": ["\\x00-\\x7f", false],
  "[:blank:]": ["\\p{Zs}\\t", true],
  "[:cntrl:]": ["\\p{Cc}", true],
  "[:digit:]": ["\\p{Nd}", true],
  "[:graph:]": ["\\p{Z}\\p{C}", true, true],
  "[:lower:]": ["\\p{Ll}", true],
  "[:print:]": ["\\p{C}", true],
  "[:punct:]": ["\\p{P}", true],
  "[:space:]": ["\\p{Z}\\t\\r\\n\\v\\f", true],
  "[:upper:]": ["\\p{Lu}", true],
  "[:word:]": ["\\p{L}\\p{Nl}\\p{Nd}\\p{Pc}", true],
  "[:xdigit:]": ["A-Fa-f0-9", false]
};
var braceEscape = (s) => s.replace(/[[\]\\-]/g, "\\$&");
var regexpEscape = (s) => s.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, "\\$&");
var rangesToString = (ranges) => ranges.join("");
var parseClass = (glob, position) => {
  const pos = position;
  if (glob.charAt(pos) !== "[") {
    throw new Error("not in a brace expression");
  }
  const ranges = [];
  const negs = [];
  let i = pos + 1;
  let sawStart = false;
  let uflag = false;
  let escaping = false;
  let negate = false;
  let endPos = pos;
  let rangeStart = "";
  WHILE: while (i < glob.length) {
    const c = glob.charAt(i);
    if ((c === "!" || c === "^") && i === pos + 1) {
      negate = true;
      i++;
      continue;
    }
    if (c === "]" && sawStart && !escaping) {
      endPos = i + 1;
      break;
    }
    sawStart = true;
    if (c === "\\") {
      if (!escaping) {
        escaping = true;
        i++;
        continue;
      }
    }
    if (c === "[" && !escaping) {
      for (const [cls, [unip, u, neg]] of Object.entries(posixClasses)) {
        if (glob.startsWith(cls, i)) {
          if (rangeStart) {
            return ["$.", false, glob.length - pos, true];
          }
          i += cls.length;
          if (neg)
            negs.push(unip);
          else
            ranges.push(unip);
          uflag = uflag || u;
          continue WHILE;
        }
      }
    }
    escaping = false;
    if (rangeStart) {
      if (c > rangeStart) {
        ranges.push(braceEscape(rangeStart) + "-" + braceEscape(c));
      } else if (c === rangeStart) {
        ranges.push(braceEscape(c));
      }
      rangeStart = "";
      i++;
      continue;
    }
    if (glob.startsWith("-]", i + 1)) {
      ranges.push(braceEscape(c + "-"));
      i += 2;
      continue;
    }
    if (glob.startsWith("-", i + 1)) {
      rangeStart = c;
      i += 2;
      continue;
    }
    ranges.push(braceEscape(c));
    i++;
  }
  if (endPos < i) {
    return ["", false, 0, false];
  }
  if (!ranges.length && !negs.length) {
    return ["$.", false, glob.length - pos, true];
  }
  if (negs.length === 0 && ranges.length === 1 && /^\\?.$/.test(ranges[0]) && !negate) {
    const r = ranges[0].length === 2 ? ranges[0].slice(-1) : ranges[0];
    return [regexpEscape(r), false, endPos - pos, false];
  }
  const sranges = "[" + (negate ? "^" : "") + rangesToString(ranges) + "]";
  const snegs = "[" + (negate ? "" : "^") + rangesToString(negs) + "]";
  const comb = ranges.length && negs.length ? "(" + sranges + "|" + snegs + ")" : ranges.length ? sranges : snegs;
  return [comb, uflag, endPos - pos, true];
};

// node_modules/minimatch/dist/esm/unescape.js
var unescape = (s, { windowsPathsNoEscape = false, magicalBraces = true } = {}) => {
  if (magicalBraces) {
    return windowsPathsNoEscape ? s.replace(/\[([^/\\])\]/g, "$1") : s.replace(/((?!\\).|^)\[([^/\\])\]/g, "$1$2").replace(/\\([^/])/g, "$1");
  }
  return windowsPathsNoEscape ? s.replace(/\[([^/\\{}])\]/g, "$1") : s.replace(/((?!\\).|^)\[([^/\\{}])\]/g, "$1$2").replace(/\\([^/{}])/g, "$1");
};

// node_modules/minimatch/dist/esm/ast.js
var _a;
var types = /* @__PURE__ */ new Set(["!", "?", "+", "*", "@"]);
var isExtglobType = (c) => types.has(c);
var isExtglobAST = (c) => isExtglobType(c.type);
var adoptionMap = /* @__PURE__ */ new Map([
  ["!", ["@"]],
  ["?", ["?", "@"]],
  ["@", ["@"]],
  ["*", ["*", "+", "?", "@"]],
  ["+", ["+", "@"]]
]);
var adoptionWithSpaceMap = /* @__PURE__ */ new Map([
  ["!", ["?"]],
  ["@", ["?"]],
  ["+", ["?", "*"]]
]);
var adoptionAnyMap = /* @__PURE__ */ new Map([
  ["!", ["?", "@"]],
  ["?", ["?", "@"]],
  ["@", ["?", "@"]],
  ["*", ["*", "+", "?", "@"]],
  ["+", ["+", "@", "?", "*"]]
]);
var usurpMap = /* @__PURE__ */ new Map([
  ["!", /* @__PURE__ */ new Map([["!", "@"]])],
  [
    "?",
    /* @__PURE__ */ new Map([
      ["*", "*"],
      ["+", "*"]
    ])
  ],
  [
    "@",
    /* @__PURE__ */ new Map([
      ["!", "!"],
      ["?", "?"],
      ["@", "@"],
      ["*", "*"],
      ["+", "+"]
    ])
  ],
  [
    "+",
    /* @__PURE__ */ new Map([
      ["?", "*"],
      ["*", "*"]
    ])
  ]
]);
var startNoTraversal = "(?!(?:^|/)\\.\\.?(?:$|/))";
var startNoDot = "(?!\\.)";
var addPatternStart = /* @__PURE__ */ new Set(["[", "."]);
var justDots = /* @__PURE__ */ new Set(["..", "."]);
var reSpecials = new Set("().*{}+?[]^$\\!");
var regExpEscape = (s) => s.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, "\\$&");
var qmark = "[^/]";
var star = qmark + "*?";
var starNoEmpty = qmark + "+?";
var ID = 0;
var AST = class {
  type;
  #root;
  #hasMagic;
  #uflag = false;
  #parts = [];
  #parent;
  #parentIndex;
  #negs;
  #filledNegs = false;
  #options;
  #toString;
  // set to true if it's an extglob with no children
  // (which really means one child of '')
  #emptyExt = false;
  id = ++ID;
  get depth() {
    return (this.#parent?.depth ?? -1) + 1;
  }
  [/* @__PURE__ */ Symbol.for("nodejs.util.inspect.custom")]() {
    return {
      "@@type": "AST",
      id: this.id,
      type: this.type,
      root: this.#root.id,
      parent: this.#parent?.id,
      depth: this.depth,
      partsLength: this.#parts.length,
      parts: this.#parts
    };
  }
  constructor(type2, parent, options = {}) {
    this.type = type2;
    if (type2)
      this.#hasMagic = true;
    this.#parent = parent;
    this.#root = this.#parent ? this.#parent.#root : this;
    this.#options = this.#root === this ? options : this.#root.#options;
    this.#negs = this.#root === this ? [] : this.#root.#negs;
    if (type2 === "!" && !this.#root.#filledNegs)
      this.#negs.push(this);
    this.#parentIndex = this.#parent ? this.#parent.#parts.length : 0;
  }
  get hasMagic() {
    if (this.#hasMagic !== void 0)
      return this.#hasMagic;
    for (const p of this.#parts) {
      if (typeof p === "string")
        continue;
      if (p.type || p.hasMagic)
        return this.#hasMagic = true;
    }
    return this.#hasMagic;
  }
  // reconstructs the pattern
  toString() {
    return this.#toString !== void 0 ? this.#toString : !this.type ? this.#toString = this.#parts.map((p) => String(p)).join("") : this.#toString = this.type + "(" + this.#parts.map((p) => String(p)).join("|") + ")";
  }
  #fillNegs() {
    if (this !== this.#root)
      throw new Error("should only call on root");
    if (this.#filledNegs)
      return this;
    this.toString();
    this.#filledNegs = true;
    let n;
    while (n = this.#negs.pop()) {
      if (n.type !== "!")
        continue;
      let p = n;
      let pp = p.#parent;
      while (pp) {
        for (let i = p.#parentIndex + 1; !pp.type && i < pp.#parts.length; i++) {
          for (const part of n.#parts) {
            if (typeof part === "string") {
              throw new Error("string part in extglob AST??");
            }
            part.copyIn(pp.#parts[i]);
          }
        }
        p = pp;
        pp = p.#parent;
      }
    }
    return this;
  }
  push(...parts) {
    for (const p of parts) {
      if (p === "")
        continue;
      if (typeof p !== "string" && !(p instanceof _a && p.#parent === this)) {
        throw new Error("invalid part: " + p);
      }
      this.#parts.push(p);
    }
  }
  toJSON() {
    const ret = this.type === null ? this.#parts.slice().map((p) => typeof p === "string" ? p : p.toJSON()) : [this.type, ...this.#parts.map((p) => p.toJSON())];
    if (this.isStart() && !this.type)
      ret.unshift([]);
    if (this.isEnd() && (this === this.#root || this.#root.#filledNegs && this.#parent?.type === "!")) {
      ret.push({});
    }
    return ret;
  }
  isStart() {
    if (this.#root === this)
      return true;
    if (!this.#parent?.isStart())
      return false;
    if (this.#parentIndex === 0)
      return true;
    const p = this.#parent;
    for (let i = 0; i < this.#parentIndex; i++) {
      const pp = p.#parts[i];
      if (!(pp instanceof _a && pp.type === "!")) {
        return false;
      }
    }
    return true;
  }
  isEnd() {
    if (this.#root === this)
      return true;
    if (this.#parent?.type === "!")
      return true;
    if (!this.#parent?.isEnd())
      return false;
    if (!this.type)
      return this.#parent?.isEnd();
    const pl = this.#parent ? this.#parent.#parts.length : 0;
    return this.#parentIndex === pl - 1;
  }
  copyIn(part) {
    if (typeof part === "string")
      this.push(part);
    else
      this.push(part.clone(this));
  }
  clone(parent) {
    const c = new _a(this.type, parent);
    for (const p of this.#parts) {
      c.copyIn(p);
    }
    return c;
  }
  static #parseAST(str2, ast, pos, opt, extDepth) {
    const maxDepth = opt.maxExtglobRecursion ?? 2;
    let escaping = false;
    let inBrace = false;
    let braceStart = -1;
    let braceNeg = false;
    if (ast.type === null) {
      let i2 = pos;
      let acc2 = "";
      while (i2 < str2.length) {
        const c = str2.charAt(i2++);
        if (escaping || c === "\\") {
          escaping = !escaping;
          acc2 += c;
          continue;
        }
        if (inBrace) {
          if (i2 === braceStart + 1) {
            if (c === "^" || c === "!") {
              braceNeg = true;
            }
          } else if (c === "]" && !(i2 === braceStart + 2 && braceNeg)) {
            inBrace = false;
          }
          acc2 += c;
          continue;
        } else if (c === "[") {
          inBrace = true;
          braceStart = i2;
          braceNeg = false;
          acc2 += c;
          continue;
        }
        const doRecurse = !opt.noext && isExtglobType(c) && str2.charAt(i2) === "(" && extDepth <= maxDepth;
        if (doRecurse) {
          ast.push(acc2);
          acc2 = "";
          const ext2 = new _a(c, ast);
          i2 = _a.#parseAST(str2, ext2, i2, opt, extDepth + 1);
          ast.push(ext2);
          continue;
        }
        acc2 += c;
      }
      ast.push(acc2);
      return i2;
    }
    let i = pos + 1;
    let part = new _a(null, ast);
    const parts = [];
    let acc = "";
    while (i < str2.length) {
      const c = str2.charAt(i++);
      if (escaping || c === "\\") {
        escaping = !escaping;
        acc += c;
        continue;
      }
      if (inBrace) {
        if (i === braceStart + 1) {
          if (c === "^" || c === "!") {
            braceNeg = true;
          }
        } else if (c === "]" && !(i === braceStart + 2 && braceNeg)) {
          inBrace = false;
        }
        acc += c;
        continue;
      } else if (c === "[") {
        inBrace = true;
        braceStart = i;
        braceNeg = false;
        acc += c;
        continue;
      }
      const doRecurse = !opt.noext && isExtglobType(c) && str2.charAt(i) === "(" && /* c8 ignore start - the maxDepth is sufficient here */
      (extDepth <= maxDepth || ast && ast.#canAdoptType(c));
      if (doRecurse) {
        const depthAdd = ast && ast.#canAdoptType(c) ? 0 : 1;
        part.push(acc);
        acc = "";
        const ext2 = new _a(c, part);
        part.push(ext2);
        i = _a.#parseAST(str2, ext2, i, opt, extDepth + depthAdd);
        continue;
      }
      if (c === "|") {
        part.push(acc);
        acc = "";
        parts.push(part);
        part = new _a(null, ast);
        continue;
      }
      if (c === ")") {
        if (acc === "" && ast.#parts.length === 0) {
          ast.#emptyExt = true;
        }
        part.push(acc);
        acc = "";
        ast.push(...parts, part);
        return i;
      }
      acc += c;
    }
    ast.type = null;
    ast.#hasMagic = void 0;
    ast.#parts = [str2.substring(pos - 1)];
    return i;
  }
  #canAdoptWithSpace(child) {
    return this.#canAdopt(child, adoptionWithSpaceMap);
  }
  #canAdopt(child, map2 = adoptionMap) {
    if (!child || typeof child !== "object" || child.type !== null || child.#parts.length !== 1 || this.type === null) {
      return false;
    }
    const gc = child.#parts[0];
    if (!gc || typeof gc !== "object" || gc.type === null) {
      return false;
    }
    return this.#canAdoptType(gc.type, map2);
  }
  #canAdoptType(c, map2 = adoptionAnyMap) {
    return !!map2.get(this.type)?.includes(c);
  }
  #adoptWithSpace(child, index) {
    const gc = child.#parts[0];
    const blank = new _a(null, gc, this.options);
    blank.#parts.push("");
    gc.push(blank);
    this.#adopt(child, index);
  }
  #adopt(child, index) {
    const gc = child.#parts[0];
    this.#parts.splice(index, 1, ...gc.#parts);
    for (const p of gc.#parts) {
      if (typeof p === "object")
        p.#parent = this;
    }
    this.#toString = void 0;
  }
  #canUsurpType(c) {
    const m = usurpMap.get(this.type);
    return !!m?.has(c);
  }
  #canUsurp(child) {
    if (!child || typeof child !== "object" || child.type !== null || child.#parts.length !== 1 || this.type === null || this.#parts.length !== 1) {
      return false;
    }
    const gc = child.#parts[0];
    if (!gc || typeof gc !== "object" || gc.type === null) {
      return false;
    }
    return this.#canUsurpType(gc.type);
  }
  #usurp(child) {
    const m = usurpMap.get(this.type);
    const gc = child.#parts[0];
    const nt = m?.get(gc.type);
    if (!nt)
      return false;
    this.#parts = gc.#parts;
    for (const p of this.#parts) {
      if (typeof p === "object") {
        p.#parent = this;
      }
    }
    this.type = nt;
    this.#toString = void 0;
    this.#emptyExt = false;
  }
  static fromGlob(pattern, options = {}) {
    const ast = new _a(null, void 0, options);
    _a.#parseAST(pattern, ast, 0, options, 0);
    return ast;
  }
  // returns the regular expression if there's magic, or the unescaped
  // string if not.
  toMMPattern() {
    if (this !== this.#root)
      return this.#root.toMMPattern();
    const glob = this.toString();
    const [re, body, hasMagic, uflag] = this.toRegExpSource();
    const anyMagic = hasMagic || this.#hasMagic || this.#options.nocase && !this.#options.nocaseMagicOnly && glob.toUpperCase() !== glob.toLowerCase();
    if (!anyMagic) {
      return body;
    }
    const flags = (this.#options.nocase ? "i" : "") + (uflag ? "u" : "");
    return Object.assign(new RegExp(`^${re}$`, flags), {
      _src: re,
      _glob: glob
    });
  }
  get options() {
    return this.#options;
  }
  // returns the string match, the regexp source, whether there's magic
  // in the regexp (so a regular expression is required) and whether or
  // not the uflag is needed for the regular expression (for posix classes)
  // TODO: instead of injecting the start/end at this point, just return
  // the BODY of the regexp, along with the start/end portions suitable
  // for binding the start/end in either a joined full-path makeRe context
  // (where we bind to (^|/), or a standalone matchPart context (where
  // we bind to ^, and not /).  Otherwise slashes get duped!
  //
  // In part-matching mode, the start is:
  // - if not isStart: nothing
  // - if traversal possible, but not allowed: ^(?!\.\.?$)
  // - if dots allowed or not possible: ^
  // - if dots possible and not allowed: ^(?!\.)
  // end is:
  // - if not isEnd(): nothing
  // - else: $
  //
  // In full-path matching mode, we put the slash at the START of the
  // pattern, so start is:
  // - if first pattern: same as part-matching mode
  // - if not isStart(): nothing
  // - if traversal possible, but not allowed: /(?!\.\.?(?:$|/))
  // - if dots allowed or not possible: /
  // - if dots possible and not allowed: /(?!\.)
  // end is:
  // - if last pattern, same as part-matching mode
  // - else nothing
  //
  // Always put the (?:$|/) on negated tails, though, because that has to be
  // there to bind the end of the negated pattern portion, and it's easier to
  // just stick it in now rather than try to inject it later in the middle of
  // the pattern.
  //
  // We can just always return the same end, and leave it up to the caller
  // to know whether it's going to be used joined or in parts.
  // And, if the start is adjusted slightly, can do the same there:
  // - if not isStart: nothing
  // - if traversal possible, but not allowed: (?:/|^)(?!\.\.?$)
  // - if dots allowed or not possible: (?:/|^)
  // - if dots possible and not allowed: (?:/|^)(?!\.)
  //
  // But it's better to have a simpler binding without a conditional, for
  // performance, so probably better to return both start options.
  //
  // Then the caller just ignores the end if it's not the first pattern,
  // and the start always gets applied.
  //
  // But that's always going to be $ if it's the ending pattern, or nothing,
  // so the caller can just attach $ at the end of the pattern when building.
  //
  // So the todo is:
  // - better detect what kind of start is needed
  // - return both flavors of starting pattern
  // - attach $ at the end of the pattern when creating the actual RegExp
  //
  // Ah, but wait, no, that all only applies to the root when the first pattern
  // is not an extglob. If the first pattern IS an extglob, then we need all
  // that dot prevention biz to live in the extglob portions, because eg
  // +(*|.x*) can match .xy but not .yx.
  //
  // So, return the two flavors if it's #root and the first child is not an
  // AST, otherwise leave it to the child AST to handle it, and there,
  // use the (?:^|/) style of start binding.
  //
  // Even simplified further:
  // - Since the start for a join is eg /(?!\.) and the start for a part
  // is ^(?!\.), we can just prepend (?!\.) to the pattern (either root
  // or start or whatever) and prepend ^ or / at the Regexp construction.
  toRegExpSource(allowDot) {
    const dot = allowDot ?? !!this.#options.dot;
    if (this.#root === this) {
      this.#flatten();
      this.#fillNegs();
    }
    if (!isExtglobAST(this)) {
      const noEmpty = this.isStart() && this.isEnd() && !this.#parts.some((s) => typeof s !== "string");
      const src = this.#parts.map((p) => {
        const [re, _, hasMagic, uflag] = typeof p === "string" ? _a.#parseGlob(p, this.#hasMagic, noEmpty) : p.toRegExpSource(allowDot);
        this.#hasMagic = this.#hasMagic || hasMagic;
        this.#uflag = this.#uflag || uflag;
        return re;
      }).join("");
      let start2 = "";
      if (this.isStart()) {
        if (typeof this.#parts[0] === "string") {
          const dotTravAllowed = this.#parts.length === 1 && justDots.has(this.#parts[0]);
          if (!dotTravAllowed) {
            const aps = addPatternStart;
            const needNoTrav = (
              // dots are allowed, and the pattern starts with [ or .
              dot && aps.has(src.charAt(0)) || // the pattern starts with \., and then [ or .
              src.startsWith("\\.") && aps.has(src.charAt(2)) || // the pattern starts with \.\., and then [ or .
              src.startsWith("\\.\\.") && aps.has(src.charAt(4))
            );
            const needNoDot = !dot && !allowDot && aps.has(src.charAt(0));
            start2 = needNoTrav ? startNoTraversal : needNoDot ? startNoDot : "";
          }
        }
      }
      let end = "";
      if (this.isEnd() && this.#root.#filledNegs && this.#parent?.type === "!") {
        end = "(?:$|\\/)";
      }
      const final2 = start2 + src + end;
      return [
        final2,
        unescape(src),
        this.#hasMagic = !!this.#hasMagic,
        this.#uflag
      ];
    }
    const repeated = this.type === "*" || this.type === "+";
    const start = this.type === "!" ? "(?:(?!(?:" : "(?:";
    let body = this.#partsToRegExp(dot);
    if (this.isStart() && this.isEnd() && !body && this.type !== "!") {
      const s = this.toString();
      const me = this;
      me.#parts = [s];
      me.type = null;
      me.#hasMagic = void 0;
      return [s, unescape(this.toString()), false, false];
    }
    let bodyDotAllowed = !repeated || allowDot || dot || !startNoDot ? "" : this.#partsToRegExp(true);
    if (bodyDotAllowed === body) {
      bodyDotAllowed = "";
    }
    if (bodyDotAllowed) {
      body = `(?:${body})(?:${bodyDotAllowed})*?`;
    }
    let final = "";
    if (this.type === "!" && this.#emptyExt) {
      final = (this.isStart() && !dot ? startNoDot : "") + starNoEmpty;
    } else {
      const close = this.type === "!" ? (
        // !() must match something,but !(x) can match ''
        "))" + (this.isStart() && !dot && !allowDot ? startNoDot : "") + star + ")"
      ) : this.type === "@" ? ")" : this.type === "?" ? ")?" : this.type === "+" && bodyDotAllowed ? ")" : this.type === "*" && bodyDotAllowed ? `)?` : `)${this.type}`;
      final = start + body + close;
    }
    return [
      final,
      unescape(body),
      this.#hasMagic = !!this.#hasMagic,
      this.#uflag
    ];
  }
  #flatten() {
    if (!isExtglobAST(this)) {
      for (const p of this.#parts) {
        if (typeof p === "object") {
          p.#flatten();
        }
      }
    } else {
      let iterations = 0;
      let done2 = false;
      do {
        done2 = true;
        for (let i = 0; i < this.#parts.length; i++) {
          const c = this.#parts[i];
          if (typeof c === "object") {
            c.#flatten();
            if (this.#canAdopt(c)) {
              done2 = false;
              this.#adopt(c, i);
            } else if (this.#canAdoptWithSpace(c)) {
              done2 = false;
              this.#adoptWithSpace(c, i);
            } else if (this.#canUsurp(c)) {
              done2 = false;
              this.#usurp(c);
            }
          }
        }
      } while (!done2 && ++iterations < 10);
    }
    this.#toString = void 0;
  }
  #partsToRegExp(dot) {
    return this.#parts.map((p) => {
      if (typeof p === "string") {
        throw new Error("string type in extglob ast??");
      }
      const [re, _, _hasMagic, uflag] = p.toRegExpSource(dot);
      this.#uflag = this.#uflag || uflag;
      return re;
    }).filter((p) => !(this.isStart() && this.isEnd()) || !!p).join("|");
  }
  static #parseGlob(glob, hasMagic, noEmpty = false) {
    let escaping = false;
    let re = "";
    let uflag = false;
    let inStar = false;
    for (let i = 0; i < glob.length; i++) {
      const c = glob.charAt(i);
      if (escaping) {
        escaping = false;
        re += (reSpecials.has(c) ? "\\" : "") + c;
        continue;
      }
      if (c === "*") {
        if (inStar)
          continue;
        inStar = true;
        re += noEmpty && /^[*]+$/.test(glob) ? starNoEmpty : star;
        hasMagic = true;
        continue;
      } else {
        inStar = false;
      }
      if (c === "\\") {
        if (i === glob.length - 1) {
          re += "\\\\";
        } else {
          escaping = true;
        }
        continue;
      }
      if (c === "[") {
        const [src, needUflag, consumed, magic] = parseClass(glob, i);
        if (consumed) {
          re += src;
          uflag = uflag || needUflag;
          i += consumed - 1;
          hasMagic = hasMagic || magic;
          continue;
        }
      }
      if (c === "?") {
        re += qmark;
        hasMagic = true;
        continue;
      }
      re += regExpEscape(c);
    }
    return [re, unescape(glob), !!hasMagic, uflag];
  }
};
_a = AST;

// node_modules/minimatch/dist/esm/escape.js
var escape = (s, { windowsPathsNoEscape = false, magicalBraces = false } = {}) => {
  if (magicalBraces) {
    return windowsPathsNoEscape ? s.replace(/[?*()[\]{}]/g, "[$&]") : s.replace(/[?*()[\]\\{}]/g, "\\$&");
  }
  return windowsPathsNoEscape ? s.replace(/[?*()[\]]/g, "[$&]") : s.replace(/[?*()[\]\\]/g, "\\$&");
};

// node_modules/minimatch/dist/esm/index.js
var minimatch = (p, pattern, options = {}) => {
  assertValidPattern(pattern);
  if (!options.nocomment && pattern.charAt(0) === "#") {
    return false;
  }
  return new Minimatch(pattern, options).match(p);
};
var starDotExtRE = /^\*+([^+@!?*[(]*)$/;
var starDotExtTest = (ext2) => (f) => !f.startsWith(".") && f.endsWith(ext2);
var starDotExtTestDot = (ext2) => (f) => f.endsWith(ext2);
var starDotExtTestNocase = (ext2) => {
  ext2 = ext2.toLowerCase();
  return (f) => !f.startsWith(".") && f.toLowerCase().endsWith(ext2);
};
var starDotExtTestNocaseDot = (ext2) => {
  ext2 = ext2.toLowerCase();
  return (f) => f.toLowerCase().endsWith(ext2);
};
var starDotStarRE = /^\*+\.\*+$/;
var starDotStarTest = (f) => !f.startsWith(".") && f.includes(".");
var starDotStarTestDot = (f) => f !== "." && f !== ".." && f.includes(".");
var dotStarRE = /^\.\*+$/;
var dotStarTest = (f) => f !== "." && f !== ".." && f.startsWith(".");
var starRE = /^\*+$/;
var starTest = (f) => f.length !== 0 && !f.startsWith(".");
var starTestDot = (f) => f.length !== 0 && f !== "." && f !== "..";
var qmarksRE = /^\?+([^+@!?*[(]*)?$/;
var qmarksTestNocase = ([$0, ext2 = ""]) => {
  const noext = qmarksTestNoExt([$0]);
  if (!ext2)
    return noext;
  ext2 = ext2.toLowerCase();
  return (f) => noext(f) && f.toLowerCase().endsWith(ext2);
};
var qmarksTestNocaseDot = ([$0, ext2 = ""]) => {
  const noext = qmarksTestNoExtDot([$0]);
  if (!ext2)
    return noext;
  ext2 = ext2.toLowerCase();
  return (f) => noext(f) && f.toLowerCase().endsWith(ext2);
};
var qmarksTestDot = ([$0, ext2 = ""]) => {
  const noext = qmarksTestNoExtDot([$0]);
  return !ext2 ? noext : (f) => noext(f) && f.endsWith(ext2);
};
var qmarksTest = ([$0, ext2 = ""]) => {
  const noext = qmarksTestNoExt([$0]);
  return !ext2 ? noext : (f) => noext(f) && f.endsWith(ext2);
};
var qmarksTestNoExt = ([$0]) => {
  const len = $0.length;
  return (f) => f.length === len && !f.startsWith(".");
};
var qmarksTestNoExtDot = ([$0]) => {
  const len = $0.length;
  return (f) => f.length === len && f !== "." && f !== "..";
};
var defaultPlatform = typeof process === "object" && process ? typeof process.env === "object" && process.env && process.env.__MINIMATCH_TESTING_PLATFORM__ || process.platform : "posix";
var path = {
  win32: { sep: "\\" },
  posix: { sep: "/" }
};
var sep = defaultPlatform === "win32" ? path.win32.sep : path.posix.sep;
minimatch.sep = sep;
var GLOBSTAR = /* @__PURE__ */ Symbol("globstar **");
minimatch.GLOBSTAR = GLOBSTAR;
var qmark2 = "[^/]";
var star2 = qmark2 + "*?";
var twoStarDot = "(?:(?!(?:\\/|^)(?:\\.{1,2})($|\\/)).)*?";
var twoStarNoDot = "(?:(?!(?:\\/|^)\\.).)*?";
var filter = (pattern, options = {}) => (p) => minimatch(p, pattern, options);
minimatch.filter = filter;
var ext = (a, b = {}) => Object.assign({}, a, b);
var defaults = (def) => {
  if (!def || typeof def !== "object" || !Object.keys(def).length) {
    return minimatch;
  }
  const orig = minimatch;
  const m = (p, pattern, options = {}) => orig(p, pattern, ext(def, options));
  return Object.assign(m, {
    Minimatch: class Minimatch extends orig.Minimatch {
      constructor(pattern, options = {}) {
        super(pattern, ext(def, options));
      }
      static defaults(options) {
        return orig.defaults(ext(def, options)).Minimatch;
      }
    },
    AST: class AST extends orig.AST {
      /* c8 ignore start */
      constructor(type2, parent, options = {}) {
        super(type2, parent, ext(def, options));
      }
      /* c8 ignore stop */
      static fromGlob(pattern, options = {}) {
        return orig.AST.fromGlob(pattern, ext(def, options));
      }
    },
    unescape: (s, options = {}) => orig.unescape(s, ext(def, options)),
    escape: (s, options = {}) => orig.escape(s, ext(def, options)),
    filter: (pattern, options = {}) => orig.filter(pattern, ext(def, options)),
    defaults: (options) => orig.defaults(ext(def, options)),
    makeRe: (pattern, options = {}) => orig.makeRe(pattern, ext(def, options)),
    braceExpand: (pattern, options = {}) => orig.braceExpand(pattern, ext(def, options)),
    match: (list, pattern, options = {}) => orig.match(list, pattern, ext(def, options)),
    sep: orig.sep,
    GLOBSTAR
  });
};
minimatch.defaults = defaults;
var braceExpand = (pattern, options = {}) => {
  assertValidPattern(pattern);
  if (options.nobrace || !/\{(?:(?!\{).)*\}/.test(pattern)) {
    return [pattern];
  }
  return expand(pattern, { max: options.braceExpandMax });
};
minimatch.braceExpand = braceExpand;
var makeRe = (pattern, options = {}) => new Minimatch(pattern, options).makeRe();
minimatch.makeRe = makeRe;
var match = (list, pattern, options = {}) => {
  const mm = new Minimatch(pattern, options);
  list = list.filter((f) => mm.match(f));
  if (mm.options.nonull && !list.length) {
    list.push(pattern);
  }
  return list;
};
minimatch.match = match;
var globMagic = /[?*]|[+@!]\(.*?\)|\[|\]/;
var regExpEscape2 = (s) => s.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, "\\$&");
var Minimatch = class {
  options;
  set;
  pattern;
  windowsPathsNoEscape;
  nonegate;
  negate;
  comment;
  empty;
  preserveMultipleSlashes;
  partial;
  globSet;
  globParts;
  nocase;
  isWindows;
  platform;
  windowsNoMagicRoot;
  maxGlobstarRecursion;
  regexp;
  constructor(pattern, options = {}) {
    assertValidPattern(pattern);
    options = options || {};
    this.options = options;
    this.maxGlobstarRecursion = options.maxGlobstarRecursion ?? 200;
    this.pattern = pattern;
    this.platform = options.platform || defaultPlatform;
    this.isWindows = this.platform === "win32";
    const awe = "allowWindowsEscape";
    this.windowsPathsNoEscape = !!options.windowsPathsNoEscape || options[awe] === false;
    if (this.windowsPathsNoEscape) {
      this.pattern = this.pattern.replace(/\\/g, "/");
    }
    this.preserveMultipleSlashes = !!options.preserveMultipleSlashes;
    this.regexp = null;
    this.negate = false;
    this.nonegate = !!options.nonegate;
    this.comment = false;
    this.empty = false;
    this.partial = !!options.partial;
    this.nocase = !!this.options.nocase;
    this.windowsNoMagicRoot = options.windowsNoMagicRoot !== void 0 ? options.windowsNoMagicRoot : !!(this.isWindows && this.nocase);
    this.globSet = [];
    this.globParts = [];
    this.set = [];
    this.make();
  }
  hasMagic() {
    if (this.options.magicalBraces && this.set.length > 1) {
      return true;
    }
    for (const pattern of this.set) {
      for (const part of pattern) {
        if (typeof part !== "string")
          return true;
      }
    }
    return false;
  }
  debug(..._) {
  }
  make() {
    const pattern = this.pattern;
    const options = this.options;
    if (!options.nocomment && pattern.charAt(0) === "#") {
      this.comment = true;
      return;
    }
    if (!pattern) {
      this.empty = true;
      return;
    }
    this.parseNegate();
    this.globSet = [...new Set(this.braceExpand())];
    if (options.debug) {
      this.debug = (...args) => console.error(...args);
    }
    this.debug(this.pattern, this.globSet);
    const rawGlobParts = this.globSet.map((s) => this.slashSplit(s));
    this.globParts = this.preprocess(rawGlobParts);
    this.debug(this.pattern, this.globParts);
    let set3 = this.globParts.map((s, _, __) => {
      if (this.isWindows && this.windowsNoMagicRoot) {
        const isUNC = s[0] === "" && s[1] === "" && (s[2] === "?" || !globMagic.test(s[2])) && !globMagic.test(s[3]);
        const isDrive = /^[a-z]:/i.test(s[0]);
        if (isUNC) {
          return [
            ...s.slice(0, 4),
            ...s.slice(4).map((ss) => this.parse(ss))
          ];
        } else if (isDrive) {
          return [s[0], ...s.slice(1).map((ss) => this.parse(ss))];
        }
      }
      return s.map((ss) => this.parse(ss));
    });
    this.debug(this.pattern, set3);
    this.set = set3.filter((s) => s.indexOf(false) === -1);
    if (this.isWindows) {
      for (let i = 0; i < this.set.length; i++) {
        const p = this.set[i];
        if (p[0] === "" && p[1] === "" && this.globParts[i][2] === "?" && typeof p[3] === "string" && /^[a-z]:$/i.test(p[3])) {
          p[2] = "?";
        }
      }
    }
    this.debug(this.pattern, this.set);
  }
  // various transforms to equivalent pattern sets that are
  // faster to process in a filesystem walk.  The goal is to
  // eliminate what we can, and push all ** patterns as far
  // to the right as possible, even if it increases the number
  // of patterns that we have to process.
  preprocess(globParts) {
    if (this.options.noglobstar) {
      for (const partset of globParts) {
        for (let j = 0; j < partset.length; j++) {
          if (partset[j] === "**") {
            partset[j] = "*";
          }
        }
      }
    }
    const { optimizationLevel = 1 } = this.options;
    if (optimizationLevel >= 2) {
      globParts = this.firstPhasePreProcess(globParts);
      globParts = this.secondPhasePreProcess(globParts);
    } else if (optimizationLevel >= 1) {
      globParts = this.levelOneOptimize(globParts);
    } else {
      globParts = this.adjascentGlobstarOptimize(globParts);
    }
    return globParts;
  }
  // just get rid of adjascent ** portions
  adjascentGlobstarOptimize(globParts) {
    return globParts.map((parts) => {
      let gs = -1;
      while (-1 !== (gs = parts.indexOf("**", gs + 1))) {
        let i = gs;
        while (parts[i + 1] === "**") {
          i++;
        }
        if (i !== gs) {
          parts.splice(gs, i - gs);
        }
      }
      return parts;
    });
  }
  // get rid of adjascent ** and resolve .. portions
  levelOneOptimize(globParts) {
    return globParts.map((parts) => {
      parts = parts.reduce((set3, part) => {
        const prev = set3[set3.length - 1];
        if (part === "**" && prev === "**") {
          return set3;
        }
        if (part === "..") {
          if (prev && prev !== ".." && prev !== "." && prev !== "**") {
            set3.pop();
            return set3;
          }
        }
        set3.push(part);
        return set3;
      }, []);
      return parts.length === 0 ? [""] : parts;
    });
  }
  levelTwoFileOptimize(parts) {
    if (!Array.isArray(parts)) {
      parts = this.slashSplit(parts);
    }
    let didSomething = false;
    do {
      didSomething = false;
      if (!this.preserveMultipleSlashes) {
        for (let i = 1; i < parts.length - 1; i++) {
          const p = parts[i];
          if (i === 1 && p === "" && parts[0] === "")
            continue;
          if (p === "." || p === "") {
            didSomething = true;
            parts.splice(i, 1);
            i--;
          }
        }
        if (parts[0] === "." && parts.length === 2 && (parts[1] === "." || parts[1] === "")) {
          didSomething = true;
          parts.pop();
        }
      }
      let dd = 0;
      while (-1 !== (dd = parts.indexOf("..", dd + 1))) {
        const p = parts[dd - 1];
        if (p && p !== "." && p !== ".." && p !== "**" && !(this.isWindows && /^[a-z]:$/i.test(p))) {
          didSomething = true;
          parts.splice(dd - 1, 2);
          dd -= 2;
        }
      }
    } while (didSomething);
    return parts.length === 0 ? [""] : parts;
  }
  // First phase: single-pattern processing
  // <pre> is 1 or more portions
  // <rest> is 1 or more portions
  // <p> is any portion other than ., .., '', or **
  // <e> is . or ''
  //
  // **/.. is *brutal* for filesystem walking performance, because
  // it effectively resets the recursive walk each time it occurs,
  // and ** cannot be reduced out by a .. pattern part like a regexp
  // or most strings (other than .., ., and '') can be.
  //
  // <pre>/**/../<p>/<p>/<rest> -> {<pre>/../<p>/<p>/<rest>,<pre>/**/<p>/<p>/<rest>}
  // <pre>/<e>/<rest> -> <pre>/<rest>
  // <pre>/<p>/../<rest> -> <pre>/<rest>
  // **/**/<rest> -> **/<rest>
  //
  // **/*/<rest> -> */**/<rest> <== not valid because ** doesn't follow
  // this WOULD be allowed if ** did follow symlinks, or * didn't
  firstPhasePreProcess(globParts) {
    let didSomething = false;
    do {
      didSomething = false;
      for (let parts of globParts) {
        let gs = -1;
        while (-1 !== (gs = parts.indexOf("**", gs + 1))) {
          let gss = gs;
          while (parts[gss + 1] === "**") {
            gss++;
          }
          if (gss > gs) {
            parts.splice(gs + 1, gss - gs);
          }
          let next2 = parts[gs + 1];
          const p = parts[gs + 2];
          const p2 = parts[gs + 3];
          if (next2 !== "..")
            continue;
          if (!p || p === "." || p === ".." || !p2 || p2 === "." || p2 === "..") {
            continue;
          }
          didSomething = true;
          parts.splice(gs, 1);
          const other = parts.slice(0);
          other[gs] = "**";
          globParts.push(other);
          gs--;
        }
        if (!this.preserveMultipleSlashes) {
          for (let i = 1; i < parts.length - 1; i++) {
            const p = parts[i];
            if (i === 1 && p === "" && parts[0] === "")
              continue;
            if (p === "." || p === "") {
              didSomething = true;
              parts.splice(i, 1);
              i--;
            }
          }
          if (parts[0] === "." && parts.length === 2 && (parts[1] === "." || parts[1] === "")) {
            didSomething = true;
            parts.pop();
          }
        }
        let dd = 0;
        while (-1 !== (dd = parts.indexOf("..", dd + 1))) {
          const p = parts[dd - 1];
          if (p && p !== "." && p !== ".." && p !== "**") {
            didSomething = true;
            const needDot = dd === 1 && parts[dd + 1] === "**";
            const splin = needDot ? ["."] : [];
            parts.splice(dd - 1, 2, ...splin);
            if (parts.length === 0)
              parts.push("");
            dd -= 2;
          }
        }
      }
    } while (didSomething);
    return globParts;
  }
  // second phase: multi-pattern dedupes
  // {<pre>/*/<rest>,<pre>/<p>/<rest>} -> <pre>/*/<rest>
  // {<pre>/<rest>,<pre>/<rest>} -> <pre>/<rest>
  // {<pre>/**/<rest>,<pre>/<rest>} -> <pre>/**/<rest>
  //
  // {<pre>/**/<rest>,<pre>/**/<p>/<rest>} -> <pre>/**/<rest>
  // ^-- not valid because ** doens't follow symlinks
  secondPhasePreProcess(globParts) {
    for (let i = 0; i < globParts.length - 1; i++) {
      for (let j = i + 1; j < globParts.length; j++) {
        const matched = this.partsMatch(globParts[i], globParts[j], !this.preserveMultipleSlashes);
        if (matched) {
          globParts[i] = [];
          globParts[j] = matched;
          break;
        }
      }
    }
    return globParts.filter((gs) => gs.length);
  }
  partsMatch(a, b, emptyGSMatch = false) {
    let ai = 0;
    let bi = 0;
    let result = [];
    let which = "";
    while (ai < a.length && bi < b.length) {
      if (a[ai] === b[bi]) {
        result.push(which === "b" ? b[bi] : a[ai]);
        ai++;
        bi++;
      } else if (emptyGSMatch && a[ai] === "**" && b[bi] === a[ai + 1]) {
        result.push(a[ai]);
        ai++;
      } else if (emptyGSMatch && b[bi] === "**" && a[ai] === b[bi + 1]) {
        result.push(b[bi]);
        bi++;
      } else if (a[ai] === "*" && b[bi] && (this.options.dot || !b[bi].startsWith(".")) && b[bi] !== "**") {
        if (which === "b")
          return false;
        which = "a";
        result.push(a[ai]);
        ai++;
        bi++;
      } else if (b[bi] === "*" && a[ai] && (this.options.dot || !a[ai].startsWith(".")) && a[ai] !== "**") {
        if (which === "a")
          return false;
        which = "b";
        result.push(b[bi]);
        ai++;
        bi++;
      } else {
        return false;
      }
    }
    return a.length === b.length && result;
  }
  parseNegate() {
    if (this.nonegate)
      return;
    const pattern = this.pattern;
    let negate = false;
    let negateOffset = 0;
    for (let i = 0; i < pattern.length && pattern.charAt(i) === "!"; i++) {
      negate = !negate;
      negateOffset++;
    }
    if (negateOffset)
      this.pattern = pattern.slice(negateOffset);
    this.negate = negate;
  }
  // set partial to true to test if, for example,
  // "/a/b" matches the start of "/*/b/*/d"
  // Partial means, if you run out of file before you run
  // out of pattern, then that's fine, as long as all
  // the parts match.
  matchOne(file, pattern, partial = false) {
    let fileStartIndex = 0;
    let patternStartIndex = 0;
    if (this.isWindows) {
      const fileDrive = typeof file[0] === "string" && /^[a-z]:$/i.test(file[0]);
      const fileUNC = !fileDrive && file[0] === "" && file[1] === "" && file[2] === "?" && /^[a-z]:$/i.test(file[3]);
      const patternDrive = typeof pattern[0] === "string" && /^[a-z]:$/i.test(pattern[0]);
      const patternUNC = !patternDrive && pattern[0] === "" && pattern[1] === "" && pattern[2] === "?" && typeof pattern[3] === "string" && /^[a-z]:$/i.test(pattern[3]);
      const fdi = fileUNC ? 3 : fileDrive ? 0 : void 0;
      const pdi = patternUNC ? 3 : patternDrive ? 0 : void 0;
      if (typeof fdi === "number" && typeof pdi === "number") {
        const [fd, pd] = [
          file[fdi],
          pattern[pdi]
        ];
        if (fd.toLowerCase() === pd.toLowerCase()) {
          pattern[pdi] = fd;
          patternStartIndex = pdi;
          fileStartIndex = fdi;
        }
      }
    }
    const { optimizationLevel = 1 } = this.options;
    if (optimizationLevel >= 2) {
      file = this.levelTwoFileOptimize(file);
    }
    if (pattern.includes(GLOBSTAR)) {
      return this.#matchGlobstar(file, pattern, partial, fileStartIndex, patternStartIndex);
    }
    return this.#matchOne(file, pattern, partial, fileStartIndex, patternStartIndex);
  }
  #matchGlobstar(file, pattern, partial, fileIndex, patternIndex) {
    const firstgs = pattern.indexOf(GLOBSTAR, patternIndex);
    const lastgs = pattern.lastIndexOf(GLOBSTAR);
    const [head, body, tail] = partial ? [
      pattern.slice(patternIndex, firstgs),
      pattern.slice(firstgs + 1),
      []
    ] : [
      pattern.slice(patternIndex, firstgs),
      pattern.slice(firstgs + 1, lastgs),
      pattern.slice(lastgs + 1)
    ];
    if (head.length) {
      const fileHead = file.slice(fileIndex, fileIndex + head.length);
      if (!this.#matchOne(fileHead, head, partial, 0, 0)) {
        return false;
      }
      fileIndex += head.length;
      patternIndex += head.length;
    }
    let fileTailMatch = 0;
    if (tail.length) {
      if (tail.length + fileIndex > file.length)
        return false;
      let tailStart = file.length - tail.length;
      if (this.#matchOne(file, tail, partial, tailStart, 0)) {
        fileTailMatch = tail.length;
      } else {
        if (file[file.length - 1] !== "" || fileIndex + tail.length === file.length) {
          return false;
        }
        tailStart--;
        if (!this.#matchOne(file, tail, partial, tailStart, 0)) {
          return false;
        }
        fileTailMatch = tail.length + 1;
      }
    }
    if (!body.length) {
      let sawSome = !!fileTailMatch;
      for (let i2 = fileIndex; i2 < file.length - fileTailMatch; i2++) {
        const f = String(file[i2]);
        sawSome = true;
        if (f === "." || f === ".." || !this.options.dot && f.startsWith(".")) {
          return false;
        }
      }
      return partial || sawSome;
    }
    const bodySegments = [[[], 0]];
    let currentBody = bodySegments[0];
    let nonGsParts = 0;
    const nonGsPartsSums = [0];
    for (const b of body) {
      if (b === GLOBSTAR) {
        nonGsPartsSums.push(nonGsParts);
        currentBody = [[], 0];
        bodySegments.push(currentBody);
      } else {
        currentBody[0].push(b);
        nonGsParts++;
      }
    }
    let i = bodySegments.length - 1;
    const fileLength = file.length - fileTailMatch;
    for (const b of bodySegments) {
      b[1] = fileLength - (nonGsPartsSums[i--] + b[0].length);
    }
    return !!this.#matchGlobStarBodySections(file, bodySegments, fileIndex, 0, partial, 0, !!fileTailMatch);
  }
  // return false for "nope, not matching"
  // return null for "not matching, cannot keep trying"
  #matchGlobStarBodySections(file, bodySegments, fileIndex, bodyIndex, partial, globStarDepth, sawTail) {
    const bs = bodySegments[bodyIndex];
    if (!bs) {
      for (let i = fileIndex; i < file.length; i++) {
        sawTail = true;
        const f = file[i];
        if (f === "." || f === ".." || !this.options.dot && f.startsWith(".")) {
          return false;
        }
      }
      return sawTail;
    }
    const [body, after] = bs;
    while (fileIndex <= after) {
      const m = this.#matchOne(file.slice(0, fileIndex + body.length), body, partial, fileIndex, 0);
      if (m && globStarDepth < this.maxGlobstarRecursion) {
        const sub = this.#matchGlobStarBodySections(file, bodySegments, fileIndex + body.length, bodyIndex + 1, partial, globStarDepth + 1, sawTail);
        if (sub !== false) {
          return sub;
        }
      }
      const f = file[fileIndex];
      if (f === "." || f === ".." || !this.options.dot && f.startsWith(".")) {
        return false;
      }
      fileIndex++;
    }
    return partial || null;
  }
  #matchOne(file, pattern, partial, fileIndex, patternIndex) {
    let fi;
    let pi;
    let pl;
    let fl;
    for (fi = fileIndex, pi = patternIndex, fl = file.length, pl = pattern.length; fi < fl && pi < pl; fi++, pi++) {
      this.debug("matchOne loop");
      let p = pattern[pi];
      let f = file[fi];
      this.debug(pattern, p, f);
      if (p === false || p === GLOBSTAR) {
        return false;
      }
      let hit;
      if (typeof p === "string") {
        hit = f === p;
        this.debug("string match", p, f, hit);
      } else {
        hit = p.test(f);
        this.debug("pattern match", p, f, hit);
      }
      if (!hit)
        return false;
    }
    if (fi === fl && pi === pl) {
      return true;
    } else if (fi === fl) {
      return partial;
    } else if (pi === pl) {
      return fi === fl - 1 && file[fi] === "";
    } else {
      throw new Error("wtf?");
    }
  }
  braceExpand() {
    return braceExpand(this.pattern, this.options);
  }
  parse(pattern) {
    assertValidPattern(pattern);
    const options = this.options;
    if (pattern === "**")
      return GLOBSTAR;
    if (pattern === "")
      return "";
    let m;
    let fastTest = null;
    if (m = pattern.match(starRE)) {
      fastTest = options.dot ? starTestDot : starTest;
    } else if (m = pattern.match(starDotExtRE)) {
      fastTest = (options.nocase ? options.dot ? starDotExtTestNocaseDot : starDotExtTestNocase : options.dot ? starDotExtTestDot : starDotExtTest)(m[1]);
    } else if (m = pattern.match(qmarksRE)) {
      fastTest = (options.nocase ? options.dot ? qmarksTestNocaseDot : qmarksTestNocase : options.dot ? qmarksTestDot : qmarksTest)(m);
    } else if (m = pattern.match(starDotStarRE)) {
      fastTest = options.dot ? starDotStarTestDot : starDotStarTest;
    } else if (m = pattern.match(dotStarRE)) {
      fastTest = dotStarTest;
    }
    const re = AST.fromGlob(pattern, this.options).toMMPattern();
    if (fastTest && typeof re === "object") {
      Reflect.defineProperty(re, "test", { value: fastTest });
    }
    return re;
  }
  makeRe() {
    if (this.regexp || this.regexp === false)
      return this.regexp;
    const set3 = this.set;
    if (!set3.length) {
      this.regexp = false;
      return this.regexp;
    }
    const options = this.options;
    const twoStar = options.noglobstar ? star2 : options.dot ? twoStarDot : twoStarNoDot;
    const flags = new Set(options.nocase ? ["i"] : []);
    let re = set3.map((pattern) => {
      const pp = pattern.map((p) => {
        if (p instanceof RegExp) {
          for (const f of p.flags.split(""))
            flags.add(f);
        }
        return typeof p === "string" ? regExpEscape2(p) : p === GLOBSTAR ? GLOBSTAR : p._src;
      });
      pp.forEach((p, i) => {
        const next2 = pp[i + 1];
        const prev = pp[i - 1];
        if (p !== GLOBSTAR || prev === GLOBSTAR) {
          return;
        }
        if (prev === void 0) {
          if (next2 !== void 0 && next2 !== GLOBSTAR) {
            pp[i + 1] = "(?:\\/|" + twoStar + "\\/)?" + next2;
          } else {
            pp[i] = twoStar;
          }
        } else if (next2 === void 0) {
          pp[i - 1] = prev + "(?:\\/|\\/" + twoStar + ")?";
        } else if (next2 !== GLOBSTAR) {
          pp[i - 1] = prev + "(?:\\/|\\/" + twoStar + "\\/)" + next2;
          pp[i + 1] = GLOBSTAR;
        }
      });
      const filtered = pp.filter((p) => p !== GLOBSTAR);
      if (this.partial && filtered.length >= 1) {
        const prefixes = [];
        for (let i = 1; i <= filtered.length; i++) {
          prefixes.push(filtered.slice(0, i).join("/"));
        }
        return "(?:" + prefixes.join("|") + ")";
      }
      return filtered.join("/");
    }).join("|");
    const [open, close] = set3.length > 1 ? ["(?:", ")"] : ["", ""];
    re = "^" + open + re + close + "$";
    if (this.partial) {
      re = "^(?:\\/|" + open + re.slice(1, -1) + close + ")$";
    }
    if (this.negate)
      re = "^(?!" + re + ").+$";
    try {
      this.regexp = new RegExp(re, [...flags].join(""));
    } catch {
      this.regexp = false;
    }
    return this.regexp;
  }
  slashSplit(p) {
    if (this.preserveMultipleSlashes) {
      return p.split("/");
    } else if (this.isWindows && /^\/\/[^/]+/.test(p)) {
      return ["", ...p.split(/\/+/)];
    } else {
      return p.split(/\/+/);
    }
  }
  match(f, partial = this.partial) {
    this.debug("match", f, this.pattern);
    if (this.comment) {
      return false;
    }
    if (this.empty) {
      return f === "";
    }
    if (f === "/" && partial) {
      return true;
    }
    const options = this.options;
    if (this.isWindows) {
      f = f.split("\\").join("/");
    }
    const ff = this.slashSplit(f);
    this.debug(this.pattern, "split", ff);
    const set3 = this.set;
    this.debug(this.pattern, "set", set3);
    let filename = ff[ff.length - 1];
    if (!filename) {
      for (let i = ff.length - 2; !filename && i >= 0; i--) {
        filename = ff[i];
      }
    }
    for (const pattern of set3) {
      let file = ff;
      if (options.matchBase && pattern.length === 1) {
        file = [filename];
      }
      const hit = this.matchOne(file, pattern, partial);
      if (hit) {
        if (options.flipNegate) {
          return true;
        }
        return !this.negate;
      }
    }
    if (options.flipNegate) {
      return false;
    }
    return this.negate;
  }
  static defaults(def) {
    return minimatch.defaults(def).Minimatch;
  }
};
minimatch.AST = AST;
minimatch.Minimatch = Minimatch;
minimatch.escape = escape;
minimatch.unescape = unescape;

// src/core/secrets/custom.ts
var HANG_MS = 250;
var PROBE_SIZE = 2e4;
function run(alphabet, size) {
  let x = 2654435769;
  let out = "";
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}
function backtrackingProbe(regex, keywords) {
  const global = new RegExp(regex.source, regex.flags.replace(/[gy]/g, "") + "g");
  const keyword = keywords[0] ?? "key";
  const shapes = [
    ["a run of letters and digits", (n) => run("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)],
    ["the keyword repeated", (n) => keyword.repeat(Math.ceil(n / keyword.length))],
    ["the keyword and a space repeated", (n) => `${keyword} `.repeat(Math.ceil(n / (keyword.length + 1)))],
    ["the keyword, then a long run", (n) => `${keyword} = ${run("abcdef0123456789-_=.:/+", n)}`],
    ["whitespace", (n) => `${keyword}${" 	".repeat(Math.ceil(n / 2))}x`],
    ["a run of symbols", (n) => run(`"'=:;,.-_/+\\ `, n)]
  ];
  const sizes = [8, 12, 16, 20, 24, 28, 32, 48, 64, 128, 512, 2048, 8192, PROBE_SIZE];
  for (const [name3, make] of shapes) {
    for (const size of sizes) {
      const input = make(size);
      const started = performance.now();
      for (const m of input.matchAll(global)) void m;
      if (performance.now() - started > HANG_MS) return name3;
    }
  }
  return void 0;
}
function customDetectorProblems(spec, builtInIds) {
  const problems = [];
  if (builtInIds.has(spec.id)) problems.push(`id "${spec.id}" is a built-in detector; choose another id`);
  let regex;
  try {
    regex = new RegExp(spec.regex);
  } catch (error) {
    problems.push(`regex does not compile: ${error.message.replace(/^Invalid regular expression: /, "")}`);
  }
  if (regex) {
    const groups = spec.regex.match(/\(\?<secret>/g)?.length ?? 0;
    if (groups > 1) problems.push("regex has more than one (?<secret>\u2026) group");
    if (regex.test("")) problems.push("regex matches the empty string");
    const hang = backtrackingProbe(regex, spec.keywords.map((k) => k.toLowerCase()));
    if (hang) problems.push(`regex backtracks catastrophically (more than ${HANG_MS} ms on ${hang}); use bounded, non-nested quantifiers`);
  }
  for (const [i, pattern] of (spec.allowlist?.regexes ?? []).entries()) {
    try {
      new RegExp(pattern);
    } catch (error) {
      problems.push(`allowlist.regexes[${i}] does not compile: ${error.message.replace(/^Invalid regular expression: /, "")}`);
    }
  }
  return problems;
}
function outsideGlobs(globs) {
  const sources = globs.map((g) => minimatch.makeRe(g, { dot: true })).filter((re) => re instanceof RegExp).map((re) => re.source);
  return new RegExp(`^(?!(?:${sources.join("|")}))`);
}
function customDetector(spec) {
  const allow = (spec.allowlist?.regexes ?? []).map((r) => new RegExp(r));
  const paths = spec.allowlist?.paths ?? [];
  return {
    id: spec.id,
    title: spec.title ?? spec.id,
    provider: "Custom",
    level: spec.severity ?? "error",
    keywords: [...new Set(spec.keywords.map((k) => k.toLowerCase()))],
    pattern: new RegExp(spec.regex),
    entropy: spec.entropy,
    validate: allow.length > 0 ? (secret2) => !allow.some((re) => re.test(secret2)) : void 0,
    pathPattern: paths.length > 0 ? outsideGlobs(paths) : void 0,
    samples: { positive: [], negative: [] }
  };
}

// src/core/secrets/detectors/shapes.ts
var WORD = "A-Za-z0-9_\\-";
var BASE64 = "A-Za-z0-9+/";
var BASE64_TAIL = "A-Za-z0-9+/=";
function escapeRegex(text3) {
  return text3.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function ci(word) {
  return [...word].map((ch) => /[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeRegex(ch)).join("");
}
function token(body, edge2 = WORD, tail = edge2) {
  return new RegExp(`(?<![${edge2}])(?<secret>${body})(?![${tail}])`);
}
var nearPatterns = /* @__PURE__ */ new WeakSet();
var isNearPattern = (pattern) => nearPatterns.has(pattern);
function near(words, body, opts = {}) {
  const gap = opts.gap ?? 40;
  const edge2 = opts.edge ?? WORD;
  const tail = opts.tail ?? edge2;
  const names2 = words.map((w) => opts.nameBoundary ? `(?<![A-Za-z])${ci(w)}|(?<=[a-z])${w[0].toUpperCase()}${ci(w.slice(1))}` : ci(w)).join("|");
  const alternatives = opts.wordTail ? `(?:${names2})(?=${opts.wordTail})` : names2;
  const nextLineValue = `[\\w.-]{0,40}["']?[ \\t]*\\s{1,40}?value:[ \\t]*["']?`;
  const pattern = new RegExp(`(?:${alternatives})(?:[^\\n]{0,${gap}}?|${nextLineValue})(?<![${edge2}])(?<secret>${body})(?![${tail}])`);
  nearPatterns.add(pattern);
  return pattern;
}
function lower(words) {
  return words.map((w) => w.toLowerCase());
}
function at(context, secret2, path2) {
  if (!context.includes("\xA7")) throw new Error(`sample context has no \xA7 placeholder: ${context}`);
  return path2 === void 0 ? { text: context.replace("\xA7", () => secret2), secret: secret2 } : { text: context.replace("\xA7", () => secret2), secret: secret2, path: path2 };
}
var UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
var UUID_ANY_CASE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

// src/core/secrets/identifiers.ts
var VOWELS = /[aeiouy]/gi;
function vowelShare(letters) {
  return letters.length === 0 ? 0 : (letters.match(VOWELS) ?? []).length / letters.length;
}
var CAMEL_OR_PASCAL = /^[A-Za-z][a-z]+\d{0,2}(?:(?:[A-Z][a-z]{2,}|[A-Z]{2,4}(?=[A-Z][a-z]|\d|$))\d{0,2})+$/;
var JOINED_WORDS = /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)\d{0,2}(?:[_.-](?:[a-z]+|[A-Z]+|[A-Z][a-z]+)\d{0,2})+$/;
function pronounceable(word) {
  const letters = word.replace(/\d+$/, "");
  if (/^[A-Z]{2,4}$/.test(letters)) return true;
  return /[aeiouy]/i.test(letters) && !/[^aeiouy]{4,}/i.test(letters);
}
var ONSETS = /* @__PURE__ */ new Set(["bl", "br", "ch", "cl", "cr", "dr", "dw", "fl", "fr", "gh", "gl", "gn", "gr", "kl", "kn", "kr", "ph", "pl", "pn", "pr", "ps", "rh", "sc", "sh", "sk", "sl", "sm", "sn", "sp", "sq", "st", "sv", "sw", "th", "tr", "ts", "tw", "wh", "wr"]);
function oddOnsets(words) {
  let odd = 0;
  for (const word of words) {
    if (!/^[A-Z]?[a-z]+\d*$/.test(word)) continue;
    const onset = word.slice(0, 2).toLowerCase();
    if (/^[^aeiouy][^aeiouy]$/.test(onset) && !ONSETS.has(onset)) odd++;
  }
  return odd;
}
var DOLLAR_JOINED = /^\$?[A-Za-z][A-Za-z0-9]*(?:\$[A-Za-z][A-Za-z0-9]*)+$/;
function isIdentifierLike(value2) {
  if (DOLLAR_JOINED.test(value2)) return true;
  if (value2.length < 16) return false;
  if (CAMEL_OR_PASCAL.test(value2) || JOINED_WORDS.test(value2)) {
    const words = value2.split(/[_.-]|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
    const letters = value2.replace(/[^A-Za-z]/g, "");
    if (!(words.length >= 2 && vowelShare(letters) >= 0.28 && words.every((w) => w.replace(/\d+$/, "").length >= 2 && pronounceable(w)))) return false;
    if (/[_.-]/.test(value2)) return true;
    const digitGroups = value2.match(/\d+/g)?.length ?? 0;
    const upper = letters.replace(/[^A-Z]/g, "").length;
    const acronyms = value2.match(/[A-Z]{2,}/g)?.length ?? 0;
    return digitGroups <= 1 && upper * 2 <= letters.length && acronyms <= 2 && oddOnsets(words) < 3;
  }
  return false;
}

// src/core/secrets/entropy.ts
function shannonEntropy(value2) {
  return countEntropy(value2, false);
}
function codePointEntropy(value2) {
  return countEntropy(value2, true);
}
function entropyDistinct() {
  return lastDistinct;
}
var lastDistinct = 0;
var COUNTS = new Int32Array(256);
var SEEN = new Int32Array(1024);
function countEntropy(value2, codePoints) {
  const length = value2.length;
  if (length === 0) {
    lastDistinct = 0;
    return 0;
  }
  const counts = COUNTS;
  const seen = SEEN;
  let distinct2 = 0;
  let wide;
  for (let i = 0; i < length; i++) {
    let code2 = value2.charCodeAt(i);
    if (codePoints && code2 >= 55296 && code2 <= 56319 && (code2 = pairAt(value2, i, code2)) > 65535) i++;
    if (code2 < 256) {
      if (counts[code2]++ === 0) seen[distinct2++] = code2;
    } else {
      wide ??= /* @__PURE__ */ new Map();
      const count = wide.get(code2);
      if (count === void 0) {
        wide.set(code2, 1);
        seen[distinct2++] = code2;
      } else wide.set(code2, count + 1);
    }
    if (distinct2 === seen.length) return mapEntropy(value2, codePoints);
  }
  let bits = 0;
  for (let i = 0; i < distinct2; i++) {
    const code2 = seen[i];
    let count;
    if (code2 < 256) {
      count = counts[code2];
      counts[code2] = 0;
    } else count = wide.get(code2);
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  lastDistinct = distinct2;
  return bits;
}
function mapEntropy(value2, codePoints) {
  COUNTS.fill(0);
  const length = value2.length;
  const counts = /* @__PURE__ */ new Map();
  for (let i = 0; i < length; i++) {
    let code2 = value2.charCodeAt(i);
    if (codePoints && code2 >= 55296 && code2 <= 56319 && (code2 = pairAt(value2, i, code2)) > 65535) i++;
    counts.set(code2, (counts.get(code2) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  lastDistinct = counts.size;
  return bits;
}
function pairAt(value2, i, high) {
  const low = i + 1 < value2.length ? value2.charCodeAt(i + 1) : 0;
  return low >= 56320 && low <= 57343 ? (high - 55296) * 1024 + (low - 56320) + 65536 : high;
}

// src/core/secrets/false-positives.ts
var FREE_FORM_DETECTORS = /* @__PURE__ */ new Set([
  "url-password",
  "basic-auth-url",
  "postgres-url-password",
  "mysql-url-password",
  "mongodb-url-password",
  "redis-url-password",
  "amqp-url-password",
  "database-url-password",
  "ftp-url-password",
  "smtp-url-password",
  "ldap-url-password",
  "netrc-inline-password",
  "netrc-password",
  "pypirc-password",
  "git-credentials-password",
  "pgpass-password",
  "kubernetes-secret-string-data",
  "jdbc-connection-password",
  "adonet-connection-password",
  "config-password-quoted"
]);
function isGenericDetector(detector) {
  return detector.id.startsWith("generic-");
}
function isFreeForm(detector) {
  return isGenericDetector(detector) || FREE_FORM_DETECTORS.has(detector.id);
}
var DOCUMENTED_EXAMPLES = /* @__PURE__ */ new Set([
  // AWS IAM user guide
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "AKIAI44QH8DHBEXAMPLE",
  "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
  // Stripe API reference (test mode)
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "pk_test_TYooMQauvdEDq54NiTphI7jx",
  "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
  // jwt.io debugger default token
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  // Kubernetes "Secrets" concept page (base64 of `admin` and `1f2d1e2e67df`)
  "YWRtaW4=",
  "MWYyZDFlMmU2N2Rm",
  // Slack API docs
  "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  // Twilio docs placeholders
  "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
  // OAuth 1.0 / 2.0 RFC examples (RFC 5849, RFC 6749, RFC 6750), copied into every OAuth library
  "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
  "gX1fBat3bV",
  "2YotnFZFEjr1zCsicMWpAA",
  "tGzv3JOkF0XG5Qx2TlKWIA",
  "mF_9.B5f-4.1JqM",
  "h480djs93hd8",
  "ad180jjd733klru7",
  "SplxlOBeZQQYbYS6WxSbIA",
  "hh5s93j4hdidpola",
  "hdk48Djdsa",
  "kd94hf93k423kf44",
  "pfkkdhi9sl3r4s00",
  "nnch734d00sl2jdk",
  // PyJWT README
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg",
  // Telegram Bot API docs
  "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
  // Mailgun docs
  "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
  // Firebase SDKs' tests and samples (firebase-android-sdk, firebase-js-sdk: API key format checks,
  // FirebaseOptions fixtures), copied with the SDKs into many repositories; Firebase web API keys are
  // public identifiers by design.
  "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
  "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
  "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
  "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
  "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
  "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
  "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
  "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
  "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
  "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
  "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
  "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
  "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
  "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
  "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
  // SendGrid / generic docs
  "SG.xxxxxxxxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
]);
var TEMPLATE = /^![A-Za-z]\w*|\$\{|\{\{|\}\}|\$\(|<%|%>|\{%|%\}|#\{|%\(\w+\)[sd]|^%[sdv]$|^\{\w*\}$|^__[A-Z0-9_]+__$|^@[\w.-]+@$|^%[A-Za-z_][\w]*%$|^\$[A-Za-z_{(]/;
var PLACEHOLDER_ANY = /example|very[_-]?long[_-]?(?:secret|key|token|pass)|x{5,}|changeme|change[_-]me|replace[_-]?me|replace[_-]?with|your[_-]|yourkey|yourtoken|yoursecret|yourpassword|dummy|redacted|placeholder|\*{3,}|\.\.\.|…|•{3,}|<[^>]*>|^\[.*\]$|^0{8,}$/i;
var PLACEHOLDER_SCAN = new RegExp(PLACEHOLDER_ANY.source, "gi");
function hasPlaceholderWord(value2) {
  PLACEHOLDER_SCAN.lastIndex = 0;
  for (let m = PLACEHOLDER_SCAN.exec(value2); m !== null; m = PLACEHOLDER_SCAN.exec(value2)) {
    if (/[^A-Za-z_-]/.test(m[0]) || m[0].length === 0) return true;
    const letters = m[0].replace(/[^A-Za-z]/g, "");
    if (letters === letters.toLowerCase() || letters === letters.toUpperCase() || /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/.test(letters)) return true;
  }
  return false;
}
var STAND_IN_VALUE = /^(?:x+|none|null|nil|undefined|empty|n\/a|na|string|str|required|optional|admin|root|user|guest|postgres|mysql|redis|pass|pwd|key|value|hunter2|qwerty\w*|asdf\w*|changeit|letmein|welcome1?|default|secret|password|token|tiger|masterkey|scott)$/i;
var STAND_IN_WORDS = /test|fake|mock|sample|demo|dummy|lorem|ipsum|secret|passw(?:or)?d?|p[a@]ssw[o0]rd|token|changeit|letmein|welcome|default|todo|fixme|tbd|insert|enter|personal|access|secure|private|public|generated|random|abc123|xyz|deadbeef|(?<![a-z])(?:foo|bar|baz|qux|my|your|the|api|key|value|here|goes|super|local|dev|string)(?![a-z])/gi;
function isStandIn(value2) {
  if (STAND_IN_VALUE.test(value2)) return true;
  if (/^p.?ss?w.?rd\W?$/i.test(value2.replace(/%[0-9a-f]{2}/gi, "#"))) return true;
  const rest = value2.replace(STAND_IN_WORDS, "");
  if (rest.length === value2.length) return false;
  const core2 = rest.replace(/[^A-Za-z0-9]/g, "");
  return core2.length < 12 || entropy(core2) < 3.2;
}
var BOOLEAN_OR_NUMBER = /^(?:true|false|yes|no|on|off|enabled?|disabled?|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|0x[0-9a-f]{1,8})$/i;
var UUID2 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
var PASSWORD_HASH = /^(?:\$2[abxy]?\$\d{2}\$|\$argon2(?:id|i|d)\$|\$[156]\$|\$y\$|\$scrypt\$|\{(?:SSHA|SHA|SMD5|CRYPT|SSHA256|SSHA512)\}|pbkdf2_sha\d+\$|sha\d+\$|md5\$)/;
var SRI = /^sha(?:1|256|384|512)-[A-Za-z0-9+/]{20,}={0,2}$|^sha(?:1|256|384|512):[0-9a-f]{40,128}$/;
var HASH_HEX_LENGTHS = /* @__PURE__ */ new Set([32, 40, 56, 64, 96, 128]);
var HASH_CONTEXT = /hash|sha\d*|md5|digest|checksum|integrity|fingerprint|etag|commit|revision|\brev\b|\bref\b|\bsum\b|crc|blob|version|nonce/i;
var TREE_CONTEXT = /(?<![A-Za-z])(?:tree|Tree|TREE)|(?<=[a-z])Tree/;
var hashContext = (text3) => HASH_CONTEXT.test(text3) || TREE_CONTEXT.test(text3);
var REFERENCE = /aws4_request|process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|ENV\[|ENV\.fetch|System\.getenv|Environment\.GetEnvironmentVariable|config\.get|secrets\.|vars\.|env\.|Deno\.env|std::env|viper\.|\.Value\b/;
var SECRET_MANAGER_REFERENCE = /^(?:vault|arn|ssm|secretsmanager|awssm|azurekeyvault|akv|gcpsm|sm|op|ref|env|file|k8s|keyvault)(?::|\+)/i;
var DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$]*(?:(?:\.|::|->)(?:[A-Za-z_$][\w$]*|\d{1,4}(?=\.)))+(?:\(\))?$/;
var CALL = /^[A-Za-z_$][\w$.]*\(.*\)?$/;
var ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
var WORDS_ONLY = new RegExp("^\\p{L}+(?:[_.\\- ]\\p{L}+)*$", "u");
var URL_WITHOUT_CREDENTIALS = /^[a-z][a-z0-9+.-]{1,20}:\/\/[^@\s]*$/i;
var FILE_PATH = /^(?:[A-Za-z]:\\|~\/|\.{1,2}[\/\\]|\/)[\w@.\/\\ -]*$|^[\w.-]+(?:\/[\w.-]+)*\.(?:pem|key|crt|cer|der|p12|pfx|jks|keystore|json|ya?ml|txt|env|pub|gpg|asc|conf|cfg|ini|properties|xml|toml|war|jar|ear|zip|tgz|gz|tar|bz2|xz|7z|whl|deb|rpm|dmg|exe|dll|so|bin|img|iso|png|jpe?g|gif|svg|ico|webp|pdf|csv|log|sql|md|html?|css|[cm]?js|ts|py|sh)$/i;
var CODE_FILE = /\.(?:[cm]?[jt]sx?|py|go|java|kts?|cs|rb|php|swift|rs|scala|groovy|dart|c|cc|cpp|h|hpp|m|mm|lua|exs?|clj|vue|svelte|jl|r|fs|vb)$/i;
var EXAMPLE_PATH = /(?:^|\/)(?:tests?|__tests__|specs?|testdata|test-data|fixtures?|__fixtures__|__mocks__|mocks?|examples?|samples?)(?:\/)|(?:^|\/)(?:examples?|samples?|templates?)[._-][^/]*$|\.(?:examples?|samples?|template|tmpl|dist|tpl)(?:\.[\w]+)?$|(?:^|\/)[^/]*(?:[._-](?:test|spec)s?\.[\w]+|_test\.go|^test_[^/]*\.py)$/i;
var NON_SECRET_NAME = /(?:csrf|xsrf|page|next|continuation|cancellation|sync|cursor|refresh_?token_?url|token_?url|token_?endpoint|token_?type|token_?uri)[_-]?(?:token|key)?["']?\s*[:=]/i;
var NON_SECRET_KEY_NAME = /(?:public|publishable|pub|primary|foreign|partition|sort|cache|routing|idempotency|site|anon|map|hash|lookup|row|object|bucket|i18n|translation|locale|unique|index|ssh|gpg|pgp|verify|verification|recaptcha|registry|group|message|event|node|react|dedup|dedupe|s3|object_?store|vapid|default_?vapid)[_.-]?key["']?\s*(?:[:=(]|=>)/i;
function entropy(value2) {
  return codePointEntropy(value2);
}
function isLowEntropy(value2) {
  const bits = codePointEntropy(value2);
  return entropyDistinct() < 5 || bits < 2.3;
}
function sequentialShare(value2) {
  const length = value2.length;
  if (length < 4) return 0;
  if (marks.length < length) marks = new Uint32Array(Math.max(length, marks.length * 2));
  if (++stamp > 4294967295) {
    marks.fill(0);
    stamp = 1;
  }
  let covered = 0;
  let same = 0;
  let up = 0;
  let down = 0;
  for (let i = 1; i <= length; i++) {
    const diff = i < length ? value2.charCodeAt(i) - value2.charCodeAt(i - 1) : 2;
    if (diff !== 0) {
      if (i - same >= 4) covered += markRun(same, i);
      same = i;
    }
    if (diff !== 1) {
      if (i - up >= 4) covered += markRun(up, i);
      up = i;
    }
    if (diff !== -1) {
      if (i - down >= 4) covered += markRun(down, i);
      down = i;
    }
  }
  return covered / length;
}
var marks = new Uint32Array(256);
var stamp = 0;
function markRun(start, end) {
  let added = 0;
  for (let j = start; j < end; j++) {
    if (marks[j] !== stamp) {
      marks[j] = stamp;
      added++;
    }
  }
  return added;
}
function isRepeatedUnit(value2) {
  const length = value2.length;
  for (let unit = 1; unit <= 4 && unit * 3 <= length; unit++) {
    let i = unit;
    while (i < length && value2.charCodeAt(i) === value2.charCodeAt(i - unit)) i++;
    if (i === length) return true;
  }
  return false;
}
function classes(value2) {
  return [new RegExp("\\p{Ll}", "u"), new RegExp("\\p{Lu}", "u"), /\d/, /[^\p{L}\d]/u].filter((re) => re.test(value2)).length;
}
function insideInterpolation(secret2, line) {
  const at15 = line.indexOf(secret2);
  const open = line.lastIndexOf("${", at15);
  return open !== -1 && !line.slice(open, at15).includes("}") && line.indexOf("}", at15) !== -1;
}
var CAMEL_IDENTIFIER = /^[a-z]+(?:[A-Z][a-z0-9]+)+$/;
var PASCAL_WORDS = /^(?:[A-Z][a-z]{2,}\d{0,2}){2,}$/;
function isPascalWords(value2) {
  if (!PASCAL_WORDS.test(value2)) return false;
  const letters = value2.replace(/[^A-Za-z]/g, "");
  return (letters.match(/[aeiouy]/gi) ?? []).length / letters.length >= 0.3;
}
var SNAKE_IDENTIFIER = /^(?:\d{1,6}_)?[a-z]+\d{0,3}(?:[_-](?:[a-z]+|[A-Z]{1,4})\d{0,3})+$/;
function isFirstOfSeveralArguments(secret2, line) {
  const at15 = line.indexOf(secret2);
  return at15 > 1 && /\(\s*["'`]$/.test(line.slice(0, at15)) && /^["'`]\s*,/.test(line.slice(at15 + secret2.length));
}
function isWordy(value2) {
  if (/\d/.test(value2)) return false;
  const letters = value2.replace(/[^\p{L}]/gu, "").length;
  return letters / value2.length >= 0.8 && letters < 40;
}
function isBareAssignedValue(secret2, line) {
  const at15 = line.indexOf(secret2);
  return at15 > 0 && /(?:[=:(,]|:=|=>)\s*$/.test(line.slice(0, at15));
}
var DOCS_PATH = /(?:^|\/)(?:README|METADATA|PKG-INFO|CHANGELOG|CHANGES|HISTORY|NEWS|LICEN[CS]E|NOTICE|AUTHORS|CONTRIBUTORS|CONTRIBUTING|COPYING|THIRD[_-]PARTY[\w-]*)(?:\.[\w]+)?$|\.(?:md|mdx|rst|adoc)$/i;
var ASSIGNMENT_DETECTORS = /* @__PURE__ */ new Set(["generic-password", "generic-secret", "generic-api-key", "generic-key", "generic-token"]);
function isMinifiedCode(c) {
  return c.line.length > 1e3 && isBundlePath(c.path);
}
function isArnName(c) {
  const at15 = c.line.indexOf(c.secret);
  return at15 > 0 && /arn:aws[\w-]*:[\w-]*:[\w-]*:\d{0,12}:(?:secret|parameter|key)[:/]$/.test(c.line.slice(Math.max(0, at15 - 120), at15));
}
var UNDERSCORE_NAME = /^_{1,2}[A-Za-z][\w]*?_{0,2}$/;
var isUnderscoreName = (value2) => UNDERSCORE_NAME.test(value2) && !(value2.length >= 16 && /\d/.test(value2) && (/[A-Z]/.test(value2) && /[a-z]/.test(value2) || (value2.match(/\d+/g) ?? []).length >= 3));
function isDottedIdentifier(value2) {
  if (!DOTTED_IDENTIFIER.test(value2)) return false;
  return !value2.split(/\.|::|->/).some((part) => part.length >= 16 && /\d/.test(part) && /[A-Za-z]/.test(part) && !isIdentifierLike(part) && entropy(part) >= 3.5);
}
var FORMAT_PLACEHOLDER = /%[-+ #0]*\d*(?:\.\d+)?[sdifxXr]|\{\d*\}|\{[a-z_]+(?:![rsa])?(?::[^}]*)?\}|\$\d\b/;
function isWordPath(value2) {
  if (!/^[#*]?[a-z0-9*][a-z0-9*._:/#-]*$/.test(value2) || !/[/:#*]/.test(value2)) return false;
  const segments = value2.split(/[-_./:#]+/).filter(Boolean);
  if (segments.length < 2) return false;
  return segments.every((s) => s === "*" || /^\d+$/.test(s) || /^[a-z]+\d*$/.test(s) && (/[aeiouy]/.test(s) || s.replace(/\d+$/, "").length <= 4));
}
function isEncodedStandIn(value2) {
  if (value2.length < 8 || value2.length > 64 || value2.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value2)) return false;
  const decoded = Buffer.from(value2, "base64");
  if (decoded.toString("base64") !== value2) return false;
  const text3 = decoded.toString("utf8");
  return /^[\x20-\x7e]{3,}$/.test(text3) && (STAND_IN_VALUE.test(text3) || hasPlaceholderWord(text3) || isStandIn(text3) || WORDS_ONLY.test(text3) && text3.length < 12);
}
function isSdkDocExample(c) {
  if (c.generic && isTypeDeclarationPath(c.path) && /^\s*(?:\*|\/\/|\/\*\*)/.test(c.line)) return true;
  if (c.detectorId !== "jwt") return false;
  return isSdkExamplesPath(c.path) || isTypeDeclarationPath(c.path) && /^\s*(?:\*|\/\/|\/\*\*)/.test(c.line);
}
function isCodePath(path2) {
  return CODE_FILE.test(path2);
}
function isExamplePath(path2) {
  return EXAMPLE_PATH.test(path2);
}
function isDocsPath(path2) {
  return DOCS_PATH.test(path2);
}
function isBundlePath(path2) {
  return /\.(?:[cm]?js|css|map)$/i.test(path2);
}
function isTypeDeclarationPath(path2) {
  return /\.d\.[cm]?ts$/.test(path2);
}
function isSdkExamplesPath(path2) {
  return /\.examples?\.json$/i.test(path2);
}
var FILTERS = [
  { reason: "empty value", scope: "all", test: (c) => c.secret.trim().length === 0 },
  { reason: "documented example key", scope: "all", test: (c) => DOCUMENTED_EXAMPLES.has(c.secret) },
  { reason: "templating placeholder", scope: "all", test: (c) => TEMPLATE.test(c.secret) },
  { reason: "placeholder value", scope: "all", test: (c) => hasPlaceholderWord(c.secret) },
  { reason: "password hash", scope: "all", test: (c) => PASSWORD_HASH.test(c.secret) },
  { reason: "integrity digest", scope: "all", test: (c) => SRI.test(c.secret) },
  { reason: "boolean or number", scope: "free-form", test: (c) => BOOLEAN_OR_NUMBER.test(c.secret) },
  { reason: "reference to another value", scope: "free-form", test: (c) => REFERENCE.test(c.secret) || SECRET_MANAGER_REFERENCE.test(c.secret) || isDottedIdentifier(c.secret) || CALL.test(c.secret) },
  { reason: "environment variable name", scope: "free-form", test: (c) => ENV_NAME.test(c.secret) },
  { reason: "URL without credentials", scope: "free-form", test: (c) => URL_WITHOUT_CREDENTIALS.test(c.secret) },
  { reason: "file path", scope: "free-form", test: (c) => FILE_PATH.test(c.secret) },
  {
    reason: "repeated or sequential characters",
    scope: "all",
    test: (c) => isRepeatedUnit(c.body) || sequentialShare(c.body) >= (c.freeForm ? 0.5 : 0.8)
  },
  { reason: "placeholder value", scope: "free-form", test: (c) => isStandIn(c.secret) },
  { reason: "repeated or sequential characters", scope: "free-form", test: (c) => /(.)\1{5,}/.test(c.secret) },
  { reason: "user name repeated as password", scope: "free-form", test: (c) => c.line.includes(`/${c.secret}:${c.secret}@`) },
  { reason: "low entropy", scope: "free-form", test: (c) => isLowEntropy(c.secret) },
  { reason: "templating placeholder", scope: "free-form", test: (c) => insideInterpolation(c.secret, c.line) },
  // Bitnami SealedSecrets `encryptedData` (always `Ag…`, hundreds of base64 chars) are safe to commit.
  { reason: "encrypted value (SealedSecret)", scope: "generic", test: (c) => /^Ag[A-D][A-Za-z0-9+/]{200,}={0,2}$/.test(c.secret) },
  { reason: "UUID", scope: "generic", test: (c) => UUID2.test(c.secret) },
  {
    reason: "hex digest",
    scope: "all",
    test: (c) => (c.generic || c.contextual === true) && /^[0-9a-f]+$/i.test(c.secret) && HASH_HEX_LENGTHS.has(c.secret.length) && hashContext(c.line.replace(c.secret, ""))
  },
  // After `curl -u user:` the value is a password typed on a command line, never an identifier: a digit-less
  // `CC!qqyMKTG!-AdMWxW` is still a password there (placeholders and words are caught by the filters above).
  {
    reason: "identifier, not a value",
    scope: "generic",
    test: (c) => WORDS_ONLY.test(c.secret) && (c.secret.length < 24 || classes(c.secret) < 3) || isWordy(c.secret) && !(c.detectorId === "generic-curl-user" && classes(c.secret) >= 3)
  },
  { reason: "identifier, not a value", scope: "generic", test: (c) => SNAKE_IDENTIFIER.test(c.secret) },
  { reason: "identifier, not a value", scope: "generic", test: (c) => c.detectorId === "generic-key" && isPascalWords(c.secret) },
  { reason: "argument of a call, not the named value", scope: "generic", test: (c) => isFirstOfSeveralArguments(c.secret, c.line) },
  {
    reason: "identifier, not a value",
    scope: "generic",
    test: (c) => CAMEL_IDENTIFIER.test(c.secret) && (c.secret.match(/\d/g) ?? []).length <= 2 && isBareAssignedValue(c.secret, c.line)
  },
  {
    reason: "variable in code, not a literal",
    scope: "generic",
    test: (c) => isCodePath(c.path) && isBareAssignedValue(c.secret, c.line)
  },
  { reason: "public or bookkeeping key name", scope: "generic", test: (c) => c.generic && NON_SECRET_KEY_NAME.test(c.line.slice(0, Math.max(0, c.line.indexOf(c.secret)))) },
  { reason: "bookkeeping token name", scope: "generic", test: (c) => NON_SECRET_NAME.test(c.line.slice(0, Math.max(0, c.line.indexOf(c.secret)))) },
  { reason: "example, test or template file", scope: "generic", test: (c) => isExamplePath(c.path) },
  // Only the loose name-based detectors: an `Authorization: Bearer …` header in a README is a real token.
  { reason: "documentation", scope: "generic", test: (c) => ASSIGNMENT_DETECTORS.has(c.detectorId) && isDocsPath(c.path) },
  { reason: "minified code", scope: "generic", test: isMinifiedCode },
  { reason: "name of a stored secret (ARN)", scope: "free-form", test: isArnName },
  { reason: "identifier, not a value", scope: "generic", test: (c) => isUnderscoreName(c.secret) },
  { reason: "SDK documentation example", scope: "all", test: isSdkDocExample },
  { reason: "placeholder value (base64-encoded)", scope: "free-form", test: (c) => isEncodedStandIn(c.secret) },
  // `pkg.module:Class` in setup.cfg / .ini entry points.
  { reason: "entry point, not a value", scope: "generic", test: (c) => /^[a-z_]\w*(?:\.[a-z_]\w*)+:[A-Za-z_][\w.]*$/.test(c.secret) },
  // `adduser --disabled-password --no-create-home`: the next flag is not the value.
  { reason: "command-line flag, not a value", scope: "generic", test: (c) => /^--?[a-z][a-z0-9-]*$/.test(c.secret) },
  { reason: "class definition, not a value", scope: "generic", test: (c) => /^\s*class\s+\w+\s*\(/.test(c.line) },
  // `"/v1/accounts:resetPassword"`, `"identitytoolkit#VerifyCustomTokenResponse"`: API paths and type names.
  { reason: "API path or type name, not a value", scope: "generic", test: (c) => /^\/[A-Za-z0-9_./:-]+$/.test(c.secret) && /[A-Za-z]{4}/.test(c.secret) && !/\d{4}/.test(c.secret) },
  // `java.util.List#add`, `Foo.bar#Baz2`: names carry few digits; `sk_4gXnZgDedtS9F0#I0ATNhnySU_9e1` is a key with a `#` in it.
  { reason: "API path or type name, not a value", scope: "generic", test: (c) => /^[a-z][\w.]*#[A-Za-z]\w+$/.test(c.secret) && c.secret.replace(/\D/g, "").length <= 2 },
  // Mapbox `pk.eyJ…` tokens are public by design (secret ones are `sk.`).
  { reason: "public token (Mapbox pk.)", scope: "generic", test: (c) => /^pk\.eyJ/.test(c.secret) },
  // `getCloudflareZone`, `Oauth2ClientSecret`, `Resource$Projects$Credentials`: names, not keys.
  { reason: "identifier, not a value", scope: "all", test: (c) => (c.contextual === true || c.generic && c.detectorId !== "generic-password") && isIdentifierLike(c.secret) },
  { reason: "format string", scope: "free-form", test: (c) => FORMAT_PLACEHOLDER.test(c.secret) },
  { reason: "resource path or name, not a value", scope: "generic", test: (c) => c.detectorId !== "generic-password" && isWordPath(c.secret) }
];
function falsePositiveReason(candidate) {
  const { detector, secret: secret2, line, path: path2 } = candidate;
  const prefix = detector.redactPrefix;
  return firstReason({
    secret: secret2,
    body: prefix && secret2.startsWith(prefix) ? secret2.slice(prefix.length) : secret2,
    line,
    path: path2,
    freeForm: isFreeForm(detector),
    generic: isGenericDetector(detector),
    detectorId: detector.id,
    contextual: detector.contextual ?? isNearPattern(detector.pattern)
  });
}
function freeFormValueReason(value2) {
  return firstReason({ secret: value2, body: value2, line: value2, path: "", freeForm: true, generic: false, detectorId: "" });
}
function firstReason(context) {
  for (const filter2 of FILTERS) {
    if (filter2.scope === "free-form" && !context.freeForm) continue;
    if (filter2.scope === "generic" && !context.generic) continue;
    if (filter2.test(context)) return filter2.reason;
  }
  return void 0;
}
function isLockFile(path2) {
  return /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock|Pipfile\.lock|Gemfile\.lock|composer\.lock|packages\.lock\.json|gradle\.lockfile|bun\.lockb?|uv\.lock)$/.test(path2);
}

// src/core/secrets/detectors/ai.ts
var COHERE_WORDS = ["cohere", "co_api_key"];
var MISTRAL_WORDS = ["mistral"];
var TOGETHER_WORDS = ["together_api_key", "together_key", "togetherai", "together.ai", "together_ai"];
var DEEPSEEK_WORDS = ["deepseek"];
var ELEVENLABS_WORDS = ["elevenlabs", "eleven_labs", "xi-api-key", "xi_api_key"];
var WANDB_WORDS = ["wandb"];
var ASSEMBLYAI_WORDS = ["assemblyai", "assembly_ai"];
var DEEPGRAM_WORDS = ["deepgram"];
var STABILITY_WORDS = ["stability"];
var AZURE_OPENAI_WORDS = ["azure_openai", "azure-openai", "azureopenai"];
function aiKey(d) {
  return {
    id: d.id,
    title: d.title,
    provider: d.provider,
    level: "error",
    keywords: [d.prefix.toLowerCase()],
    pattern: token(d.body),
    entropy: d.entropy ?? 4,
    // Documentation stand-ins spell the alphabet (`…abc123xyz-456def789ghij-klmnop…`); issued keys never do.
    validate: (secret2) => sequentialShare(secret2.slice(d.prefix.length)) < 0.3,
    redactPrefix: d.prefix,
    // The row's `samples` are read only here, so that the bundles leave them out (scripts/drop-samples.mjs).
    samples: { positive: [], negative: [] }
  };
}
var aiDetectors = [
  // OpenAI project (`sk-proj-`), service account (`sk-svcacct-`) and admin (`sk-admin-`) keys:
  // prefix + base64url, most carrying the `T3BlbkFJ` ("OpenAI" in base64) marker mid-way.
  aiKey({
    id: "openai-project-key",
    title: "OpenAI project API key",
    provider: "OpenAI",
    prefix: "sk-proj-",
    body: "sk-proj-[0-9A-Za-z_\\-]{40,300}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    id: "openai-service-account-key",
    title: "OpenAI service account API key",
    provider: "OpenAI",
    prefix: "sk-svcacct-",
    body: "sk-svcacct-[0-9A-Za-z_\\-]{40,300}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    id: "openai-admin-key",
    title: "OpenAI admin API key",
    provider: "OpenAI",
    prefix: "sk-admin-",
    body: "sk-admin-[0-9A-Za-z_\\-]{40,300}",
    samples: { positive: [], negative: [] }
  }),
  {
    // Legacy OpenAI user key: `sk-` + 20 base62 + `T3BlbkFJ` + 20 base62.
    id: "openai-legacy-key",
    title: "OpenAI API key (legacy user key)",
    provider: "OpenAI",
    level: "error",
    keywords: ["t3blbkfj"],
    pattern: token("sk-[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20}"),
    entropy: 4,
    redactPrefix: "sk-",
    samples: { positive: [], negative: [] }
  },
  aiKey({
    // Anthropic API key: `sk-ant-api03-` + 93 base64url + `AA`.
    id: "anthropic-api-key",
    title: "Anthropic API key",
    provider: "Anthropic",
    prefix: "sk-ant-api03-",
    body: "sk-ant-api03-[0-9A-Za-z_\\-]{93}AA",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Anthropic Admin API key: `sk-ant-admin01-` + 93 base64url + `AA`.
    id: "anthropic-admin-key",
    title: "Anthropic Admin API key",
    provider: "Anthropic",
    prefix: "sk-ant-admin01-",
    body: "sk-ant-admin01-[0-9A-Za-z_\\-]{93}AA",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Hugging Face user access token: `hf_` + 34 alphanumerics.
    id: "huggingface-token",
    title: "Hugging Face access token",
    provider: "Hugging Face",
    prefix: "hf_",
    body: "hf_[0-9A-Za-z]{34}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Hugging Face organization API token (legacy): `api_org_` + 34 letters.
    id: "huggingface-org-token",
    title: "Hugging Face organization API token",
    provider: "Hugging Face",
    prefix: "api_org_",
    body: "api_org_[0-9A-Za-z]{34}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Perplexity API key: `pplx-` + 48 alphanumerics.
    id: "perplexity-api-key",
    title: "Perplexity API key",
    provider: "Perplexity",
    prefix: "pplx-",
    body: "pplx-[0-9A-Za-z]{48}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Groq API key: `gsk_` + 52 alphanumerics.
    id: "groq-api-key",
    title: "Groq API key",
    provider: "Groq",
    prefix: "gsk_",
    body: "gsk_[0-9A-Za-z]{52}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Replicate API token: `r8_` + 37 alphanumerics.
    id: "replicate-api-token",
    title: "Replicate API token",
    provider: "Replicate",
    prefix: "r8_",
    body: "r8_[0-9A-Za-z]{37}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // xAI (Grok) API key: `xai-` + 80 alphanumerics.
    id: "xai-api-key",
    title: "xAI API key",
    provider: "xAI",
    prefix: "xai-",
    body: "xai-[0-9A-Za-z]{80}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // OpenRouter API key: `sk-or-v1-` + 64 hex.
    id: "openrouter-api-key",
    title: "OpenRouter API key",
    provider: "OpenRouter",
    prefix: "sk-or-v1-",
    body: "sk-or-v1-[0-9a-f]{64}",
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Fireworks AI API key: `fw_` + 24 alphanumerics.
    id: "fireworks-api-key",
    title: "Fireworks AI API key",
    provider: "Fireworks AI",
    prefix: "fw_",
    body: "fw_[0-9A-Za-z]{24}",
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // LangSmith API key: `lsv2_pt_` (personal) or `lsv2_sk_` (service) + 32 hex + `_` + 10 hex.
    id: "langsmith-api-key",
    title: "LangSmith API key",
    provider: "LangChain",
    prefix: "lsv2_",
    body: "lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}",
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Pinecone API key: `pcsk_` + short key id + `_` + secret.
    id: "pinecone-api-key",
    title: "Pinecone API key",
    provider: "Pinecone",
    prefix: "pcsk_",
    body: "pcsk_[0-9A-Za-z]{4,8}_[0-9A-Za-z]{50,80}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // NVIDIA API catalog / NIM key: `nvapi-` + 64 base64url.
    id: "nvidia-api-key",
    title: "NVIDIA API key",
    provider: "NVIDIA",
    prefix: "nvapi-",
    body: "nvapi-[0-9A-Za-z_\\-]{64}",
    samples: { positive: [], negative: [] }
  }),
  aiKey({
    // Langfuse secret key: `sk-lf-` + UUID (the `pk-lf-` public key is not secret).
    id: "langfuse-secret-key",
    title: "Langfuse secret key",
    provider: "Langfuse",
    prefix: "sk-lf-",
    body: `sk-lf-${UUID}`,
    entropy: 3,
    samples: { positive: [], negative: [] }
  }),
  {
    // Cohere API key: 40 alphanumerics next to a Cohere name.
    id: "cohere-api-key",
    title: "Cohere API key",
    provider: "Cohere",
    level: "error",
    keywords: lower(COHERE_WORDS),
    pattern: near(COHERE_WORDS, "[0-9A-Za-z]{40}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Mistral API key: 32 alphanumerics next to a Mistral name.
    id: "mistral-api-key",
    title: "Mistral AI API key",
    provider: "Mistral AI",
    level: "error",
    keywords: lower(MISTRAL_WORDS),
    pattern: near(MISTRAL_WORDS, "[0-9A-Za-z]{32}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Together AI API key: 64 hex next to a Together name.
    id: "together-api-key",
    title: "Together AI API key",
    provider: "Together AI",
    level: "error",
    keywords: lower(TOGETHER_WORDS),
    pattern: near(TOGETHER_WORDS, "(?:tgp_v1_[0-9A-Za-z_\\-]{43}|[0-9a-f]{64})"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // DeepSeek API key: `sk-` + 32 hex next to a DeepSeek name.
    id: "deepseek-api-key",
    title: "DeepSeek API key",
    provider: "DeepSeek",
    level: "error",
    keywords: lower(DEEPSEEK_WORDS),
    pattern: near(DEEPSEEK_WORDS, "sk-[0-9a-f]{32}"),
    entropy: 3.2,
    redactPrefix: "sk-",
    samples: { positive: [], negative: [] }
  },
  {
    // ElevenLabs API key: `sk_` + 48 hex (current) or 32 hex (older), next to an ElevenLabs name.
    id: "elevenlabs-api-key",
    title: "ElevenLabs API key",
    provider: "ElevenLabs",
    level: "error",
    keywords: lower(ELEVENLABS_WORDS),
    pattern: near(ELEVENLABS_WORDS, "(?:sk_[0-9a-f]{48}|[0-9a-f]{32})"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Weights & Biases API key: 40 hex next to a wandb name.
    id: "wandb-api-key",
    title: "Weights & Biases API key",
    provider: "Weights & Biases",
    level: "error",
    keywords: lower(WANDB_WORDS),
    pattern: near(WANDB_WORDS, "[0-9a-f]{40}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // AssemblyAI API key: 32 hex next to an AssemblyAI name.
    id: "assemblyai-api-key",
    title: "AssemblyAI API key",
    provider: "AssemblyAI",
    level: "error",
    keywords: lower(ASSEMBLYAI_WORDS),
    pattern: near(ASSEMBLYAI_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Deepgram API key: 40 hex next to a Deepgram name.
    id: "deepgram-api-key",
    title: "Deepgram API key",
    provider: "Deepgram",
    level: "error",
    keywords: lower(DEEPGRAM_WORDS),
    pattern: near(DEEPGRAM_WORDS, "[0-9a-f]{40}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Stability AI API key: `sk-` + 48 alphanumerics next to a Stability name.
    id: "stability-api-key",
    title: "Stability AI API key",
    provider: "Stability AI",
    level: "error",
    keywords: lower(STABILITY_WORDS),
    pattern: near(STABILITY_WORDS, "sk-[0-9A-Za-z]{48}"),
    entropy: 4,
    redactPrefix: "sk-",
    samples: { positive: [], negative: [] }
  },
  {
    // Azure OpenAI resource key: 32 hex (older) or 84 base62 (current) next to an Azure OpenAI name.
    id: "azure-openai-api-key",
    title: "Azure OpenAI API key",
    provider: "Azure",
    level: "error",
    keywords: lower(AZURE_OPENAI_WORDS),
    pattern: near(AZURE_OPENAI_WORDS, "(?:[0-9a-f]{32}|[0-9A-Za-z]{84})"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/chat.ts
var DISCORD_WORDS = ["discord"];
function isSnowflakeToken(secret2) {
  const id = Buffer.from(secret2.slice(0, secret2.indexOf(".")), "base64url").toString("latin1");
  return /^[1-9][0-9]{16,19}$/.test(id);
}
var chatDetectors = [
  {
    // Slack bot token: `xoxb-` + team id digits + `-` + bot id digits + `-` + 24 base62.
    id: "slack-bot-token",
    title: "Slack bot token",
    provider: "Slack",
    level: "error",
    keywords: ["xoxb-"],
    pattern: token("xoxb-[0-9]{10,13}-[0-9]{10,13}-[0-9A-Za-z]{24}"),
    entropy: 3.5,
    redactPrefix: "xoxb-",
    samples: { positive: [], negative: [] }
  },
  {
    // Slack user token: `xoxp-` + three digit groups + 32 hex.
    id: "slack-user-token",
    title: "Slack user token",
    provider: "Slack",
    level: "error",
    keywords: ["xoxp-"],
    pattern: token("xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[0-9a-f]{32}"),
    entropy: 3.5,
    redactPrefix: "xoxp-",
    samples: { positive: [], negative: [] }
  },
  {
    // Legacy workspace app token: `xoxa-` (optionally `xoxa-2-`) + digit groups + secret.
    id: "slack-workspace-access-token",
    title: "Slack workspace access token",
    provider: "Slack",
    level: "error",
    keywords: ["xoxa-"],
    pattern: token("xoxa-(?:2-)?[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[0-9a-f]{32,64}"),
    entropy: 3.5,
    redactPrefix: "xoxa-",
    samples: { positive: [], negative: [] }
  },
  {
    // Refresh token for rotating Slack tokens: `xoxr-` + digit groups + secret.
    id: "slack-refresh-token",
    title: "Slack refresh token",
    provider: "Slack",
    level: "error",
    keywords: ["xoxr-"],
    pattern: token("xoxr-(?:[0-9]{1,2}-)?[0-9]{10,13}-[0-9A-Za-z\\-]{20,200}"),
    entropy: 3.5,
    redactPrefix: "xoxr-",
    samples: { positive: [], negative: [] }
  },
  {
    // App configuration tokens: access `xoxe.xoxp-1-…` / `xoxe.xoxb-1-…` and refresh `xoxe-1-…`.
    id: "slack-config-token",
    title: "Slack app configuration token",
    provider: "Slack",
    level: "error",
    keywords: ["xoxe"],
    pattern: token("xoxe(?:\\.xox[bp])?-1-[0-9A-Za-z]{100,300}"),
    entropy: 4,
    redactPrefix: "xoxe",
    samples: { positive: [], negative: [] }
  },
  {
    // Legacy user session token `xoxs-`; still accepted by some APIs.
    id: "slack-legacy-token",
    title: "Slack legacy token",
    provider: "Slack",
    level: "error",
    keywords: ["xoxs-", "xoxo-"],
    pattern: token("xox[so]-[0-9]{9,13}-[0-9]{9,13}-[0-9]{9,13}-[0-9a-f]{32,64}"),
    entropy: 3.5,
    redactPrefix: "xoxs-",
    samples: { positive: [], negative: [] }
  },
  {
    // App-level (Socket Mode) token: `xapp-1-A…-<digits>-<64 hex>`.
    id: "slack-app-token",
    title: "Slack app-level token",
    provider: "Slack",
    level: "error",
    keywords: ["xapp-"],
    pattern: token("xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[0-9a-f]{64}"),
    entropy: 3.5,
    redactPrefix: "xapp-",
    samples: { positive: [], negative: [] }
  },
  {
    // Incoming webhook: the URL itself is the credential (team, bot and a 24-char secret).
    id: "slack-webhook",
    title: "Slack incoming webhook URL",
    provider: "Slack",
    level: "error",
    keywords: ["hooks.slack.com/services/"],
    pattern: token("https://hooks\\.slack\\.com/services/T[0-9A-Z]{8,12}/B[0-9A-Z]{8,12}/[0-9A-Za-z]{24}", "A-Za-z0-9_\\-/"),
    entropy: 4,
    redactPrefix: "https://hooks.slack.com/services/",
    samples: { positive: [], negative: [] }
  },
  {
    // Workflow Builder webhook trigger: `hooks.slack.com/triggers/` or `/workflows/` + ids + secret.
    id: "slack-workflow-webhook",
    title: "Slack workflow webhook URL",
    provider: "Slack",
    level: "error",
    keywords: ["hooks.slack.com/triggers/", "hooks.slack.com/workflows/"],
    // Workflow webhooks also carry the app id and a 24-char base62 secret: `/workflows/T…/A…/<digits>/<24>`.
    pattern: token("https://hooks\\.slack\\.com/(?:(?:triggers|workflows)/T[0-9A-Z]{8,12}/[0-9]{8,20}/[0-9a-f]{32}|workflows/T[0-9A-Z]{8,12}/A[0-9A-Z]{8,12}/[0-9]{8,20}/[0-9A-Za-z]{24})", "A-Za-z0-9_\\-/"),
    entropy: 3.5,
    redactPrefix: "https://hooks.slack.com/",
    samples: { positive: [], negative: [] }
  },
  {
    // Discord bot token: base64 user id (starts M/N/O) + `.` + 6-char timestamp + `.` + 27–38 HMAC chars.
    // The first part has no fixed prefix, so a Discord name must sit before it.
    id: "discord-bot-token",
    title: "Discord bot token",
    provider: "Discord",
    level: "error",
    keywords: lower(DISCORD_WORDS),
    pattern: near(DISCORD_WORDS, "[MNO][0-9A-Za-z_\\-]{23,27}\\.[0-9A-Za-z_\\-]{6}\\.[0-9A-Za-z_\\-]{27,38}", { gap: 60, edge: "A-Za-z0-9_\\-." }),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // The same token with no Discord name nearby (`TOKEN=…` in a bot's .env). Its first part is the
    // bot's user id in base64; ids issued since 2022 have 19 digits starting with 1, so the part
    // opens with `MT` + one of ten letters (the keywords, rare in code). The part must decode to
    // the digits of an id, which no random base64 or identifier does.
    id: "discord-bot-token-bare",
    title: "Discord bot token",
    provider: "Discord",
    level: "error",
    keywords: ["mta", "mte", "mti", "mtm", "mtq", "mtu", "mty", "mtc", "mtg", "mtk"],
    pattern: token("MT[AEIMQUYcgk][0-9A-Za-z_\\-]{21,23}\\.[0-9A-Za-z_\\-]{6}\\.[0-9A-Za-z_\\-]{27,38}", "A-Za-z0-9_\\-."),
    entropy: 4,
    validate: isSnowflakeToken,
    samples: { positive: [], negative: [] }
  },
  {
    // A bot token handed to discord.js's `client.login('…')`, for ids of any length: ids of 17–18
    // digits (bots made before 2022) encode to a first part opening with M, N or O and any letter,
    // too common a start for a keyword of its own; the call names what the value is. The first part
    // must still decode to the digits of an id.
    id: "discord-bot-token-login",
    title: "Discord bot token",
    provider: "Discord",
    level: "error",
    keywords: [".login("],
    pattern: /\.login\(\s{0,5}["'\x60](?<secret>[MNO][0-9A-Za-z_-]{22,26}\.[0-9A-Za-z_-]{6}\.[0-9A-Za-z_-]{27,38})["'\x60]/,
    entropy: 4,
    validate: isSnowflakeToken,
    samples: { positive: [], negative: [] }
  },
  {
    // Discord webhook: `discord.com/api/webhooks/<snowflake id>/<68-char token>`.
    id: "discord-webhook",
    title: "Discord webhook URL",
    provider: "Discord",
    level: "error",
    keywords: ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
    pattern: token("https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[0-9A-Za-z_\\-]{60,80}", "A-Za-z0-9_\\-/"),
    entropy: 4,
    redactPrefix: "https://discord.com/api/webhooks/",
    samples: { positive: [], negative: [] }
  },
  {
    // Telegram bot token from BotFather: `<bot id digits>:AA` + 33 base64url characters.
    id: "telegram-bot-token",
    title: "Telegram bot token",
    provider: "Telegram",
    level: "error",
    keywords: [":aa"],
    pattern: token("[0-9]{8,10}:AA[0-9A-Za-z_\\-]{33}", "A-Za-z0-9_\\-:"),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Teams incoming webhook (Office 365 connector): tenant/group GUIDs, a 32-hex id and a GUID.
    id: "teams-webhook",
    title: "Microsoft Teams incoming webhook URL",
    provider: "Microsoft Teams",
    level: "error",
    keywords: ["webhook.office.com/webhookb2/", "outlook.office.com/webhook/"],
    pattern: token(
      "https://(?:[0-9a-z\\-]{1,60}\\.webhook|outlook)\\.office\\.com/webhook(?:b2)?/[0-9a-f\\-]{36}@[0-9a-f\\-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f\\-]{36}(?:/[0-9A-Za-z_\\-]{20,80})?",
      "A-Za-z0-9_\\-/"
    ),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Mattermost incoming webhook: `/hooks/` + 26 lower-case alphanumerics on a Mattermost host.
    id: "mattermost-webhook",
    title: "Mattermost incoming webhook URL",
    provider: "Mattermost",
    level: "error",
    keywords: ["mattermost"],
    pattern: /https:\/\/[0-9A-Za-z.\-]{0,60}mattermost[0-9A-Za-z.\-]{0,60}\/hooks\/(?<secret>[0-9a-z]{26})(?![0-9A-Za-z])/,
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Zulip API key: 32 base62 next to a Zulip name (zuliprc or env).
    id: "zulip-api-key",
    title: "Zulip API key",
    provider: "Zulip",
    level: "error",
    keywords: ["zulip"],
    pattern: near(["zulip"], "[0-9A-Za-z]{32}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/cloud.ts
var AWS_DOC_EXAMPLES = /EXAMPLE(?:KEY)?$/;
var AWS_SECRET_WORDS = ["aws_secret_access_key", "aws-secret-access-key", "secretaccesskey", "secret_access_key", "aws_secret_key", "aws_secret"];
var AZURE_ACCOUNT_KEY_WORDS = ["azure_storage", "azurestorage", "storage_account_key", "storageaccountkey", "azure_account_key"];
var ALIBABA_WORDS = ["alibaba", "aliyun", "access_key_secret", "accesskeysecret"];
var cloudDetectors = [
  {
    // Access key id: AKIA (long-term), ASIA (STS temporary), ABIA (STS service bearer), ACCA
    // (context-specific) + 16 characters of the base32 alphabet A-Z2-7.
    id: "aws-access-key-id",
    title: "AWS access key id",
    provider: "AWS",
    level: "error",
    keywords: ["akia", "asia", "abia", "acca"],
    pattern: token("(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"),
    entropy: 3,
    validate: (secret2) => !AWS_DOC_EXAMPLES.test(secret2),
    redactPrefix: "AKIA",
    pair: { with: "aws-secret-access-key", id: "aws-access-key-pair", title: "AWS access key pair (key id + secret access key)" },
    samples: { positive: [], negative: [] }
  },
  {
    // Secret access key: 40 characters of base64 (A-Za-z0-9/+) with no prefix, so an AWS secret
    // keyword must sit just before it.
    id: "aws-secret-access-key",
    title: "AWS secret access key",
    provider: "AWS",
    level: "error",
    keywords: lower(AWS_SECRET_WORDS),
    pattern: near(AWS_SECRET_WORDS, "[A-Za-z0-9/+]{40}", { gap: 25, edge: BASE64, tail: BASE64_TAIL }),
    entropy: 4,
    validate: (secret2) => !AWS_DOC_EXAMPLES.test(secret2),
    samples: { positive: [], negative: [] }
  },
  {
    // STS session tokens are base64 of a binary blob whose first bytes are fixed: `IQoJb3JpZ2luX2Vj`
    // ("\x21\x0a\x09origin_ec") today, `FwoGZXIvYXdz` ("…aws") for older tokens. They expire, so warning.
    id: "aws-session-token",
    title: "AWS STS session token",
    provider: "AWS",
    level: "warning",
    keywords: ["iqojb3jpz2lux2vj", "fwogzxivyxdz"],
    pattern: token("(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz)[A-Za-z0-9/+]{100,3000}={0,2}", BASE64, BASE64_TAIL),
    entropy: 4,
    redactPrefix: "IQoJb3JpZ2luX2Vj",
    samples: { positive: [], negative: [] }
  },
  {
    // Amazon Marketplace Web Service auth token: `amzn.mws.` + UUID.
    id: "aws-mws-auth-token",
    title: "Amazon MWS auth token",
    provider: "AWS",
    level: "error",
    keywords: ["amzn.mws."],
    pattern: token(`amzn\\.mws\\.${UUID}`),
    redactPrefix: "amzn.mws.",
    samples: { positive: [], negative: [] }
  },
  {
    // Amazon Bedrock long-term API key: `ABSK` + base64 of "BedrockAPIKey-<id>:<secret>".
    id: "aws-bedrock-api-key",
    title: "Amazon Bedrock long-term API key",
    provider: "AWS",
    level: "error",
    keywords: ["absk"],
    pattern: token("ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{60,400}={0,2}", BASE64, BASE64_TAIL),
    entropy: 4,
    redactPrefix: "ABSK",
    samples: { positive: [], negative: [] }
  },
  {
    // The same key as the `apiKey` of a Firebase web config (`apiKey` then `authDomain`, `projectId`…):
    // Firebase web API keys identify the project and ship in every web app by design (Firebase docs,
    // "API keys for Firebase"); access is governed by Security Rules and App Check. Reported at info
    // level, so it shows in listings without failing a check. Listed before gcp-api-key, which it
    // wins against on the same span.
    id: "firebase-web-api-key",
    title: "Firebase web API key (a public project identifier)",
    provider: "Google Cloud",
    level: "info",
    keywords: ["aiza"],
    pattern: /apiKey["']?\s{0,3}[:=]\s{0,3}["'](?<secret>AIza[0-9A-Za-z_\-]{35})["']\s{0,3},?\s{0,40}["']?(?:authDomain|projectId|databaseURL|storageBucket|messagingSenderId|appId|measurementId)["']?\s{0,3}[:=]/,
    entropy: 3.5,
    redactPrefix: "AIza",
    samples: { positive: [], negative: [] }
  },
  {
    // The Android counterpart: `google-services.json` ("api_key": [{ "current_key": "AIza…" }]), which
    // Firebase asks apps to ship inside the APK. Info level, as above.
    id: "firebase-android-api-key",
    title: "Firebase Android API key in google-services.json (a public project identifier)",
    provider: "Google Cloud",
    level: "info",
    keywords: ['"current_key"'],
    pattern: /"current_key"\s{0,3}:\s{0,3}"(?<secret>AIza[0-9A-Za-z_\-]{35})"/,
    entropy: 3.5,
    redactPrefix: "AIza",
    samples: { positive: [], negative: [] }
  },
  {
    // Google API key: `AIza` + 35 characters of base64url. Used by Maps, Firebase, Gemini…
    id: "gcp-api-key",
    title: "Google Cloud API key",
    provider: "Google Cloud",
    level: "error",
    keywords: ["aiza"],
    pattern: token("AIza[0-9A-Za-z_\\-]{35}"),
    entropy: 3.5,
    redactPrefix: "AIza",
    samples: { positive: [], negative: [] }
  },
  {
    // Service-account JSON key file: "private_key" holds a PKCS#8 PEM with `\n` escapes, next to
    // "type": "service_account" and "private_key_id". The secret is the whole escaped PEM.
    id: "gcp-service-account-key",
    title: "Google Cloud service account private key (JSON key file)",
    provider: "Google Cloud",
    level: "error",
    keywords: ['"private_key"'],
    pattern: /"private_key"\s{0,5}:\s{0,5}"(?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----(?:\\n[A-Za-z0-9+/=]{1,100}){4,300}\\n-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)"/,
    entropy: 4,
    redactPrefix: "-----BEGIN PRIVATE KEY-----",
    samples: { positive: [], negative: [] }
  },
  {
    // OAuth client secret issued since 2021: `GOCSPX-` + 28 base64url characters.
    id: "gcp-oauth-client-secret",
    title: "Google OAuth client secret",
    provider: "Google Cloud",
    level: "error",
    keywords: ["gocspx-"],
    pattern: token("GOCSPX-[0-9A-Za-z_\\-]{28}"),
    entropy: 3.5,
    redactPrefix: "GOCSPX-",
    samples: { positive: [], negative: [] }
  },
  {
    // OAuth 2.0 access token: `ya29.` + base64url. Lives one hour, hence warning.
    id: "google-oauth-access-token",
    title: "Google OAuth access token",
    provider: "Google Cloud",
    level: "warning",
    keywords: ["ya29."],
    pattern: token("ya29\\.(?:c\\.)?[0-9A-Za-z_\\-]{30,2000}"),
    entropy: 4,
    redactPrefix: "ya29.",
    samples: { positive: [], negative: [] }
  },
  {
    // OAuth 2.0 refresh token: `1//0` + base64url; long-lived until revoked.
    id: "google-oauth-refresh-token",
    title: "Google OAuth refresh token",
    provider: "Google Cloud",
    level: "error",
    keywords: ["1//0"],
    pattern: token("1//0[0-9A-Za-z_\\-]{40,200}", "A-Za-z0-9_\\-/"),
    entropy: 4,
    redactPrefix: "1//0",
    samples: { positive: [], negative: [] }
  },
  {
    // Storage (and Cosmos DB) connection strings: `AccountKey=` + 64 bytes of base64 (88 chars, `==`).
    id: "azure-storage-connection-string",
    title: "Azure storage connection string account key",
    provider: "Azure",
    level: "error",
    keywords: ["accountkey="],
    pattern: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/,
    entropy: 4.5,
    samples: { positive: [], negative: [] }
  },
  {
    // A bare storage account key (88 base64 chars ending `==`) next to an Azure storage name.
    id: "azure-storage-account-key",
    title: "Azure storage account key",
    provider: "Azure",
    level: "error",
    keywords: lower(AZURE_ACCOUNT_KEY_WORDS),
    pattern: near(AZURE_ACCOUNT_KEY_WORDS, "[A-Za-z0-9+/]{86}==", { edge: BASE64, tail: BASE64_TAIL }),
    entropy: 4.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Entra ID (Azure AD) client secrets since 2022: 3 chars, a digit, `Q~`, then 31–34 chars.
    id: "azure-ad-client-secret",
    title: "Azure AD (Entra ID) application client secret",
    provider: "Azure",
    level: "error",
    keywords: ["q~"],
    pattern: token("[0-9A-Za-z_~.]{3}[0-9]Q~[0-9A-Za-z_~.\\-]{31,34}", "A-Za-z0-9_~.\\-"),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Entra ID (Azure AD) refresh token: `0.A` / `1.A` + 50+ url-safe (client and tenant), an optional
    // `.<digit>`, then `.Ag` + 250+ url-safe, sometimes a third `.A…` part. Long-lived (90 days,
    // sliding): it mints access tokens for the user. Found in MSAL/az CLI token caches and logs.
    id: "azure-entra-refresh-token",
    title: "Azure Entra ID (Azure AD) refresh token",
    provider: "Azure",
    level: "error",
    keywords: ["0.a", "1.a"],
    pattern: token("[01]\\.A[0-9A-Za-z_\\-]{50,2000}(?:\\.[0-9])?\\.Ag[0-9A-Za-z_\\-]{250,6000}(?:\\.A[0-9A-Za-z_\\-]{200,4000})?", "A-Za-z0-9_\\-."),
    entropy: 4.5,
    redactPrefix: "0.A",
    samples: { positive: [], negative: [] }
  },
  {
    // Shared access signature: a URL query with SAS parameters (sv, sp, se, sr…) and `sig=`, the
    // base64 HMAC-SHA256 (44 chars, often URL-encoded). The signature is the secret.
    id: "azure-sas-token",
    title: "Azure shared access signature (SAS) token",
    provider: "Azure",
    level: "error",
    keywords: ["sig="],
    pattern: /[?&]s[a-z]{1,4}=[^\s"'<>&?]{1,100}(?:&[a-z]{2,6}=[^\s"'<>&?]{0,100}){0,12}&sig=(?<secret>[A-Za-z0-9%/+]{40,100}=?)(?![A-Za-z0-9%/+=])/,
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Azure DevOps PATs issued since 2024: 84 base62 characters with the `AZDO` signature at 76–79.
    id: "azure-devops-pat",
    title: "Azure DevOps personal access token",
    provider: "Azure",
    level: "error",
    keywords: ["azdo"],
    pattern: token("[0-9A-Za-z]{76}AZDO[0-9A-Za-z]{4}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Older Azure DevOps PATs: 52 characters of lower-case base32, no prefix.
    id: "azure-devops-pat-legacy",
    title: "Azure DevOps personal access token (legacy 52-char)",
    provider: "Azure",
    level: "error",
    keywords: ["azure_devops", "azuredevops", "azure-devops", "dev.azure.com", "ado_pat", "azdo_pat"],
    pattern: near(["azure_devops", "azuredevops", "azure-devops", "dev.azure.com", "ado_pat", "azdo_pat"], "[a-z2-7]{52}", { gap: 60 }),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Service Bus / Event Hubs / Relay connection strings: `SharedAccessKey=` + 32 bytes of base64 (44 chars).
    id: "azure-shared-access-key",
    title: "Azure Service Bus / Event Hubs shared access key",
    provider: "Azure",
    level: "error",
    keywords: ["sharedaccesskey="],
    pattern: /SharedAccessKey=(?<secret>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])/,
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Alibaba Cloud AccessKey ID: `LTAI` + 12–20 base62 characters.
    id: "alibaba-access-key-id",
    title: "Alibaba Cloud AccessKey ID",
    provider: "Alibaba Cloud",
    level: "error",
    keywords: ["ltai"],
    pattern: token("LTAI[0-9A-Za-z]{12,20}"),
    entropy: 3.5,
    redactPrefix: "LTAI",
    pair: { with: "alibaba-access-key-secret", id: "alibaba-access-key-pair", title: "Alibaba Cloud AccessKey pair" },
    samples: { positive: [], negative: [] }
  },
  {
    // Alibaba Cloud AccessKey secret: 30 base62 characters, no prefix.
    id: "alibaba-access-key-secret",
    title: "Alibaba Cloud AccessKey secret",
    provider: "Alibaba Cloud",
    level: "error",
    keywords: lower(ALIBABA_WORDS),
    pattern: near(ALIBABA_WORDS, "[0-9A-Za-z]{30}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Tencent Cloud SecretId: `AKID` + 32 base62 characters.
    id: "tencent-secret-id",
    title: "Tencent Cloud SecretId",
    provider: "Tencent Cloud",
    level: "error",
    keywords: ["akid"],
    pattern: token("AKID[0-9A-Za-z]{32}"),
    entropy: 3.5,
    redactPrefix: "AKID",
    samples: { positive: [], negative: [] }
  },
  {
    // IBM Cloud IAM API key: 44 base64url characters, no prefix.
    id: "ibm-cloud-api-key",
    title: "IBM Cloud API key",
    provider: "IBM Cloud",
    level: "error",
    keywords: ["ibm_cloud", "ibmcloud", "ibm-cloud", "ibm_api_key"],
    pattern: near(["ibm_cloud", "ibmcloud", "ibm-cloud", "ibm_api_key"], "[0-9A-Za-z_\\-]{44}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Yandex Cloud API key: `AQVN` + 35–38 base64url characters.
    id: "yandex-cloud-api-key",
    title: "Yandex Cloud API key",
    provider: "Yandex Cloud",
    level: "error",
    keywords: ["aqvn"],
    pattern: token("AQVN[0-9A-Za-z_\\-]{35,38}"),
    entropy: 3.5,
    redactPrefix: "AQVN",
    samples: { positive: [], negative: [] }
  },
  {
    // Scaleway access key: `SCW` + 17 upper-case alphanumerics.
    id: "scaleway-access-key",
    title: "Scaleway access key",
    provider: "Scaleway",
    level: "error",
    keywords: ["scw"],
    pattern: token("SCW[0-9A-Z]{17}"),
    entropy: 3,
    redactPrefix: "SCW",
    pair: { with: "scaleway-secret-key", id: "scaleway-key-pair", title: "Scaleway access key + secret key" },
    samples: { positive: [], negative: [] }
  },
  {
    // Scaleway secret key: a UUID next to a Scaleway name.
    id: "scaleway-secret-key",
    title: "Scaleway secret key",
    provider: "Scaleway",
    level: "error",
    keywords: ["scw_secret", "scaleway"],
    pattern: near(["scw_secret", "scaleway"], UUID),
    samples: { positive: [], negative: [] }
  },
  {
    // Linode (Akamai) personal access token: 64 lower-case hex characters.
    id: "linode-token",
    title: "Linode personal access token",
    provider: "Linode",
    level: "error",
    keywords: ["linode"],
    pattern: near(["linode"], "[0-9a-f]{64}"),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Hetzner Cloud API token: 64 base62 characters.
    id: "hetzner-cloud-token",
    title: "Hetzner Cloud API token",
    provider: "Hetzner",
    level: "error",
    keywords: ["hcloud", "hetzner"],
    pattern: near(["hcloud", "hetzner"], "[0-9A-Za-z]{64}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Vultr API key: 36 upper-case alphanumerics.
    id: "vultr-api-key",
    title: "Vultr API key",
    provider: "Vultr",
    level: "error",
    keywords: ["vultr"],
    pattern: near(["vultr"], "[0-9A-Z]{36}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/code-hosts.ts
var GITLAB_BODY = "(?:[0-9A-Za-z_\\-]{27,300}\\.(?:[0-9a-z]{2}\\.)?[0-9a-z]{9}|[0-9A-Za-z_\\-]{20})";
var gitlabKinds = [
  { id: "gitlab-pat", prefix: "glpat-", title: "GitLab personal, project or group access token", env: "GITLAB_TOKEN" },
  { id: "gitlab-deploy-token", prefix: "gldt-", title: "GitLab deploy token", env: "CI_DEPLOY_PASSWORD" },
  { id: "gitlab-runner-token", prefix: "glrt-", title: "GitLab runner authentication token", env: "RUNNER_TOKEN" },
  { id: "gitlab-feed-token", prefix: "glft-", title: "GitLab feed token", env: "GITLAB_FEED_TOKEN" },
  { id: "gitlab-scim-oauth-token", prefix: "glsoat-", title: "GitLab SCIM OAuth access token", env: "GITLAB_SCIM_TOKEN" },
  { id: "gitlab-feature-flags-client-token", prefix: "glffct-", title: "GitLab feature flags client token", env: "UNLEASH_INSTANCE_ID" },
  { id: "gitlab-pipeline-trigger-token", prefix: "glptt-", title: "GitLab pipeline trigger token", body: "[0-9a-f]{40}", env: "TRIGGER_TOKEN" },
  { id: "gitlab-incoming-mail-token", prefix: "glimt-", title: "GitLab incoming mail token", body: "[0-9A-Za-z_\\-]{25}", env: "GITLAB_INCOMING_EMAIL_TOKEN" },
  { id: "gitlab-ci-build-token", prefix: "glcbt-", title: "GitLab CI/CD job token", body: "[0-9A-Za-z]{1,5}_[0-9A-Za-z_\\-]{20}", env: "CI_JOB_TOKEN" },
  { id: "gitlab-agent-token", prefix: "glagent-", title: "GitLab agent for Kubernetes token", body: "[0-9A-Za-z_\\-]{50}", env: "AGENT_TOKEN" },
  { id: "gitlab-oauth-app-secret", prefix: "gloas-", title: "GitLab OAuth application secret", body: "[0-9a-f]{64}", env: "GITLAB_OAUTH_SECRET" },
  { id: "gitlab-runner-registration-token", prefix: "GR1348941", title: "GitLab runner registration token (deprecated)", body: "[0-9A-Za-z_\\-]{20}", env: "REGISTRATION_TOKEN" }
];
var gitlabDetectors = gitlabKinds.map(({ id, prefix, title, body, env }) => ({
  id,
  title,
  provider: "GitLab",
  level: "error",
  keywords: [prefix.toLowerCase()],
  pattern: token(`${prefix}${body ?? GITLAB_BODY}`, "A-Za-z0-9_\\-."),
  entropy: 3,
  redactPrefix: prefix,
  samples: { positive: [], negative: [] }
}));
var GITEA_WORDS = ["gitea", "forgejo", "codeberg"];
var codeHostDetectors = [
  ...gitlabDetectors,
  {
    // Bitbucket Cloud app password: `ATBB` + 32 characters (28 random + an 8-hex checksum).
    id: "bitbucket-app-password",
    title: "Bitbucket app password",
    provider: "Bitbucket",
    level: "error",
    keywords: ["atbb"],
    pattern: token("ATBB[0-9A-Za-z_=.\\-]{32}", WORD, "A-Za-z0-9_=.\\-"),
    entropy: 3.5,
    redactPrefix: "ATBB",
    samples: { positive: [], negative: [] }
  },
  {
    // Bitbucket repository / project / workspace access tokens begin with ATCTT3xFfGN0, then base64url with a checksum.
    id: "bitbucket-access-token",
    title: "Bitbucket repository, project or workspace access token",
    provider: "Bitbucket",
    level: "error",
    keywords: ["atctt3xffgn0"],
    pattern: token("ATCTT3xFfGN0[0-9A-Za-z_=\\-]{100,300}", WORD, "A-Za-z0-9_=\\-"),
    entropy: 4,
    redactPrefix: "ATCTT3xFfGN0",
    samples: { positive: [], negative: [] }
  },
  {
    // Gitea / Forgejo (Codeberg) access token: 40 lower-case hex characters.
    id: "gitea-access-token",
    title: "Gitea / Forgejo access token",
    provider: "Gitea",
    level: "error",
    keywords: lower(GITEA_WORDS),
    pattern: near(GITEA_WORDS, "[0-9a-f]{40}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Sourcegraph access token: `sgp_` + 16-hex instance id (or `local`) + `_` + 40 hex.
    id: "sourcegraph-access-token",
    title: "Sourcegraph access token",
    provider: "Sourcegraph",
    level: "error",
    keywords: ["sgp_"],
    pattern: token("sgp_(?:[0-9a-f]{16}|local)_[0-9a-f]{40}"),
    entropy: 3.2,
    redactPrefix: "sgp_",
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/generic.ts
var VALUE_CHAR = String.raw`(?:[^\s"'\x60\\<>;,(){}\[\]&|]|&(?![&\s]|$|[\w.\-\[\]]{1,80}=|#?\w{1,10};))`;
function name2(words) {
  return String.raw`(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]{0,40}?(?:${words})(?<!publi(?:c|shable)[A-Za-z0-9_.-]{0,40})(?:[_.-]?(?:key|value|str|string|base|text|b64|base64)){0,2}(?![A-Za-z0-9_])`;
}
var ASSIGN = String.raw`(?:["'\x60]\]?|\])?(?:[ \t]*\{[ \t]*get;[ \t]*(?:(?:private|protected|internal)[ \t]+)?(?:set|init);[ \t]*\})?(?:[ \t]{0,3}:[ \t]{0,3}[A-Za-z_][\w.<>?]{0,30})?(?:[ \t]{0,5}(?::=|=>|\?\?=|\|\|=|=(?![=~>])|:(?![:\/\\])|\()|(?<=\([ \t]{0,3}["'][A-Za-z0-9_.-]{1,80}["'])[ \t]{0,3},|(?<=(?:^|\s)--[A-Za-z0-9_.-]{1,60})[ \t]|(?<=^[ \t]{0,20}ENV[ \t]{1,10}[A-Za-z0-9_.-]{1,80})[ \t])[ \t]{0,5}`;
function value(min) {
  return String.raw`(?:[bruf@]{1,2}(?=["']))?(?<q>["'\x60]?)(?:(?:bearer|token)[ \t]+)?(?<secret>${VALUE_CHAR}{${min},500})(?!${VALUE_CHAR})\k<q>(?![\\(<{\[])`;
}
function assignment(words, min) {
  return new RegExp(name2(words) + ASSIGN + value(min), "im");
}
var KEY_NAME = String.raw`(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]{1,40}?(?:[_.-][Kk][Ee][Yy]|(?<=[a-z0-9])Key)(?![A-Za-z0-9_])`;
var charClasses = (s) => [new RegExp("\\p{Ll}", "u"), new RegExp("\\p{Lu}", "u"), /\d/, /[^\p{L}\d]/u].filter((re) => re.test(s)).length;
var PACKAGE_VERSION = /^[a-z][a-z0-9]*(?:[-_.][a-z][a-z0-9]*)*[-@]v?\d+\.\d+(?:\.\d+)?(?:[-.+][0-9A-Za-z.]+)?$/;
var looksGenerated = (s) => !PACKAGE_VERSION.test(s) && charClasses(s) >= 2 && (s.length >= 20 || /[a-z]/.test(s) && /[A-Z]/.test(s) || /^[0-9a-f]+$/i.test(s) || /[^A-Za-z0-9]/.test(s));
var CODE_EXPRESSION = /[=!]==/;
var looksLikePassword = (s) => !CODE_EXPRESSION.test(s) && (charClasses(s) >= 2 || s.length >= 14);
function decodesToUserPass(encoded) {
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  if (Buffer.from(decoded, "utf8").toString("base64").replace(/=+$/, "") !== encoded.replace(/=+$/, "")) return false;
  const colon = decoded.indexOf(":");
  return colon > 0 && colon < decoded.length - 1 && /^[\x21-\x7e]+$/.test(decoded);
}
function isBasicCredential(encoded) {
  if (!decodesToUserPass(encoded)) return false;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  return freeFormValueReason(decoded.slice(decoded.indexOf(":") + 1)) === void 0;
}
var keySpellings = (...stems) => stems.flatMap((stem) => ["_", "", "-", "."].map((sep2) => `${stem}${sep2}key`));
var PASSWORD_WORDS = String.raw`password|passwd|passphrase|pwd|(?<![A-Za-z])pass`;
var SECRET_WORDS = String.raw`secret|credentials?|(?:private|encryption|signing|master|hmac|shared|client)[_.-]?key`;
var API_KEY_WORDS = String.raw`api[_.-]?key|apikey|access[_.-]?key|app[_.-]?key|account[_.-]?key|subscription[_.-]?key`;
var TOKEN_WORDS = String.raw`token|auth|authorization|bearer|(?<=[_.-])pat`;
var genericDetectors = [
  {
    id: "generic-password",
    title: "Password assigned in code or config",
    provider: "Generic",
    level: "error",
    keywords: ["pass", "pwd"],
    pattern: assignment(PASSWORD_WORDS, 6),
    entropy: 2.3,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-secret",
    title: "Secret or private key value assigned in code or config",
    provider: "Generic",
    level: "error",
    keywords: ["secret", "credential", ...keySpellings("private", "encryption", "signing", "master", "hmac", "shared", "client")],
    pattern: assignment(SECRET_WORDS, 10),
    entropy: 3,
    validate: looksGenerated,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-api-key",
    title: "API key assigned in code or config",
    provider: "Generic",
    level: "error",
    keywords: keySpellings("api", "access", "app", "account", "subscription"),
    pattern: assignment(API_KEY_WORDS, 10),
    entropy: 3,
    validate: looksGenerated,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-key",
    title: "Key value assigned in code or config",
    provider: "Generic",
    level: "error",
    keywords: ["key"],
    // A bare `*_KEY` name says less than `api_key`, so the value must look machine-made: long,
    // high-entropy, letters and digits. Public keys and bookkeeping keys are filtered by name.
    pattern: new RegExp(KEY_NAME + ASSIGN + value(20), "m"),
    entropy: 3.5,
    validate: (s) => /\d/.test(s) && /[A-Za-z]/.test(s) && looksGenerated(s),
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-token",
    title: "Access token assigned in code or config",
    provider: "Generic",
    level: "error",
    keywords: ["token", "auth", "bearer", "_pat", "-pat", ".pat"],
    pattern: assignment(TOKEN_WORDS, 12),
    entropy: 3,
    validate: looksGenerated,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-bearer",
    title: "Bearer token in an Authorization header",
    provider: "Generic",
    level: "error",
    keywords: ["bearer"],
    pattern: /(?<![A-Za-z0-9])bearer\s+(?<secret>[A-Za-z0-9._~+\/-]{16,1000}=*)(?![A-Za-z0-9._~+\/=-])/i,
    entropy: 3.2,
    validate: looksGenerated,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-basic-auth",
    title: "HTTP Basic credentials in an Authorization header",
    provider: "Generic",
    level: "error",
    keywords: ["basic"],
    pattern: /(?<![A-Za-z0-9])basic\s+(?<secret>[A-Za-z0-9+\/]{8,500}={0,2})(?![A-Za-z0-9+\/=])/i,
    validate: isBasicCredential,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-curl-user",
    title: "Credentials passed to curl with -u",
    provider: "Generic",
    level: "error",
    keywords: ["curl"],
    // `-u user:pass`, `--user  "u:p"`, `-u admin:'p w'`, `-u :p`, `--user=u:p`, passwords with `@`,
    // and the flag on a continuation line (`curl … \` newline `-u …`).
    pattern: /curl\b(?:[^\n]|\\\r?\n){0,300}?\s(?:-u|--user)(?:[ \t]+|=)?["']?[^\s:"']{0,80}:(?<q>['"]?)(?<secret>(?<=')[^'\n]{6,200}(?=')|(?<=")[^"\n]{6,200}(?=")|[^\s"']{6,200}(?![^\s"']))\k<q>/i,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-name-value",
    title: "Secret in a name/value pair (Kubernetes env, ECS task, Terraform environment)",
    provider: "Generic",
    level: "error",
    keywords: ["password", "passwd", "secret", "token", "api_key", "apikey", "access_key", "private_key", "credential"],
    // `- name: DB_PASSWORD` then `value: "…"` on the next line, or `{"name": "DB_PASSWORD", "value": "…"}`.
    pattern: new RegExp(
      // Not a form's CSRF token (`name="authenticity_token" value="…"`): it is per-session and public in the page.
      String.raw`\bname["']?[ \t]*[:=][ \t]*["']?(?![A-Za-z0-9_.-]{0,40}?(?:authenticity|csrf|xsrf))[A-Za-z0-9_.-]{0,40}?(?:password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|authorization)["']?[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?["']?value["']?[ \t]*[:=][ \t]*` + value(6),
      "i"
    ),
    entropy: 2.3,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-terraform-variable-default",
    title: "Secret as the default of a Terraform variable",
    provider: "Generic",
    level: "error",
    keywords: ["variable"],
    // `variable "db_password" { default = "…" }`: the name and the value sit on different lines.
    pattern: new RegExp(
      String.raw`\bvariable[ \t]+"[A-Za-z0-9_-]{0,60}?(?:password|passwd|secret|token|api_?key|access_?key|private_?key|credentials?)[A-Za-z0-9_-]{0,20}"[ \t]*\{(?:[^{}"\n]|\n|"[^"\n]{0,200}"){0,600}?\bdefault[ \t]*=[ \t]*"(?<secret>[^"\s\\$]{6,500})"`,
      "i"
    ),
    entropy: 2.3,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-basic-auth-call",
    title: "Password passed as HTTP basic-auth credentials in code",
    provider: "Generic",
    level: "error",
    keywords: ["auth", "networkcredential", "getconnection", "usernamepasswordcredentials"],
    // requests `auth=("user", "pw")`, `HTTPBasicAuth("user", "pw")`, Java `setBasicAuth("user", "pw")`, axios `auth: { username, password }` is the generic-password case.
    pattern: /(?:\bauth[ \t]*=[ \t]*\(|\b(?:HTTPBasicAuth|HTTPDigestAuth|BasicAuth|basic_auth|basicAuth|setBasicAuth|withBasicAuth|NetworkCredential|PasswordAuthentication|UsernamePasswordCredentials)[ \t]*\(|\bbasic_auth[ \t]*=[ \t]*[(\[]|\bgetConnection[ \t]*\([^,()\n]{1,200},)[ \t]*["'][^"'\n]{1,100}["'][ \t]*,[ \t]*["'](?<secret>[^"'\s]{6,200})["']/,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-cli-password",
    title: "Password on a command line (docker login -p, mysql -p, sshpass -p)",
    provider: "Generic",
    level: "error",
    keywords: ["docker", "mysql", "sshpass", "mariadb"],
    pattern: /\b(?:(?:docker|podman|helm|buildah)[ \t]+(?:registry[ \t]+)?login\b[^\n]{0,200}?[ \t]-p[ \t]+|(?:mysql|mysqldump|mariadb|mysqladmin)\b[^\n]{0,200}?[ \t]-p|sshpass[ \t]+-p[ \t]*)["']?(?<secret>[^\s"'$;|&]{6,200})(?![^\s"';|&])/,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-xml-secret",
    title: "Secret in an XML element or .NET app setting",
    provider: "Generic",
    level: "error",
    keywords: ["password>", "passwd>", "secret>", "token>", "key>"],
    pattern: /<(?<tag>[A-Za-z0-9_.:-]{0,40}?(?:password|passwd|secret|token|(?:api|access|app|account|private)[_.-]?key|apikey))>(?<secret>[^<>\s]{6,500})<\/\k<tag>>/i,
    entropy: 2.3,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  },
  {
    id: "generic-app-setting",
    title: "Secret in an XML key/value setting (.NET appSettings, Spring/Hibernate properties)",
    provider: "Generic",
    level: "error",
    keywords: ["key=", "name="],
    pattern: /\b(?:key|name)=["'](?![A-Za-z0-9_.:-]{0,40}?(?:authenticity|csrf|xsrf))[A-Za-z0-9_.:-]{0,40}?(?:password|passwd|secret|token|api[_.-]?key|apikey)["']\s+value=["'](?<secret>[^"'\s<>]{6,500})["']/i,
    entropy: 2.3,
    validate: looksLikePassword,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/credential-files.ts
function decodeBase64(encoded) {
  const decoded = Buffer.from(encoded, "base64");
  return decoded.length > 0 && decoded.toString("base64").replace(/=+$/, "") === encoded.replace(/=+$/, "") ? decoded : void 0;
}
function isSecretBytes(decoded) {
  if (!decoded) return false;
  const text3 = decoded.toString("utf8");
  if (!/^[\x20-\x7e\t\r\n]+$/.test(text3)) return decoded.length >= 16;
  const trimmed = text3.trim();
  return trimmed.length >= 4 && (/\n/.test(trimmed) || freeFormValueReason(trimmed) === void 0);
}
var KIND_SECRET = String.raw`(?:(?<=^kind:[ \t]*["']?Secret["']?[ \t]*\r?\n(?:(?!---)[^\n]*\n){0,300})|(?=[^\n]*(?:\n(?!---)[^\n]*){0,300}\nkind:[ \t]*["']?Secret["']?[ \t]*\r?$))`;
var IN_SECTION = (section2) => String.raw`(?<=^${section2}:[ \t]*\r?\n(?:(?:[ \t][^\n]*|#[^\n]*|\r?)\n){0,200})`;
var PUBLIC_KEYS = String.raw`(?!(?:[\w.-]{0,40}?(?:[uU]ser(?:[nN]ame)?|USER(?:NAME)?)|user-?id|host(?:name)?|port|database|db(?:-?name)?|namespace|region|email|endpoint|server|schema|ssl-?mode|driver|url|ca\.crt|tls\.crt|ca-bundle\.crt|[\w.-]*\.pub)["']?:)`;
var ENTRY_KEY = String.raw`[ \t]+${PUBLIC_KEYS}["']?[A-Za-z0-9_.-]{1,253}["']?:[ \t]+`;
var ENTRY_LINE = String.raw`(?=[ \t]+["']?[A-Za-z0-9_.-]{1,253}["']?:[ \t]+["']?[^\s"'#|>{}]{4,20002}["']?[ \t]*\r?$)`;
var kubernetesDetectors = [
  {
    id: "kubernetes-secret-data",
    title: "Kubernetes Secret data value (base64)",
    provider: "Kubernetes",
    level: "error",
    keywords: ["kind: secret", 'kind: "secret"', "kind: 'secret'"],
    pattern: new RegExp(String.raw`^${ENTRY_LINE}${IN_SECTION("data")}${KIND_SECRET}${ENTRY_KEY}["']?(?<secret>[A-Za-z0-9+\/]{4,20000}={0,2})["']?[ \t]*\r?$`, "m"),
    validate: (value2) => isSecretBytes(decodeBase64(value2)),
    samples: { positive: [], negative: [] }
  },
  {
    id: "kubernetes-secret-string-data",
    title: "Kubernetes Secret stringData value",
    provider: "Kubernetes",
    level: "error",
    keywords: ["kind: secret", 'kind: "secret"', "kind: 'secret'"],
    pattern: new RegExp(String.raw`^${ENTRY_LINE}${IN_SECTION("stringData")}${KIND_SECRET}${ENTRY_KEY}(?<q>["']?)(?<secret>[^\s"'#|>{}]{6,1000})\k<q>[ \t]*\r?$`, "m"),
    samples: { positive: [], negative: [] }
  }
];
var NPMRC = /(?:^|\/)\.npmrc$/;
var toolFileDetectors = [
  {
    id: "npmrc-auth-token",
    title: "npm registry token in .npmrc",
    provider: "npm",
    level: "error",
    keywords: ["_authtoken"],
    pathPattern: NPMRC,
    pattern: /_authToken[ \t]*=[ \t]*["']?(?<secret>[^\s"'#;]{8,500})/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "npmrc-auth",
    title: "npm basic credentials (_auth) in .npmrc",
    provider: "npm",
    level: "error",
    keywords: ["_auth"],
    pathPattern: NPMRC,
    pattern: /(?<![A-Za-z])_auth[ \t]*=[ \t]*["']?(?<secret>[A-Za-z0-9+\/]{8,1000}={0,2})(?![A-Za-z0-9+\/=])/,
    validate: isBasicCredential,
    samples: { positive: [], negative: [] }
  },
  {
    id: "npmrc-password",
    title: "npm registry password (_password, base64) in .npmrc",
    provider: "npm",
    level: "error",
    keywords: ["_password"],
    pathPattern: NPMRC,
    pattern: /_password[ \t]*=[ \t]*["']?(?<secret>[A-Za-z0-9+\/]{4,1000}={0,2})(?![A-Za-z0-9+\/=])/,
    validate: (value2) => isSecretBytes(decodeBase64(value2)),
    samples: { positive: [], negative: [] }
  },
  {
    id: "yarnrc-auth-token",
    title: "npm registry token in .yarnrc.yml",
    provider: "Yarn",
    level: "error",
    keywords: ["npmauthtoken", "npmauthident"],
    pathPattern: /(?:^|\/)\.yarnrc\.yml$/,
    pattern: /npmAuth(?:Token|Ident):[ \t]*["']?(?<secret>[^\s"'#]{8,500})/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "netrc-password",
    title: "Password in .netrc",
    provider: "netrc",
    level: "error",
    keywords: ["machine", "login"],
    pathPattern: /(?:^|\/)[._]netrc$/,
    credentialFile: true,
    pattern: /(?:^|\s)password[ \t]+(?<secret>\S{3,500})/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "netrc-inline-password",
    title: "netrc credentials written by a script",
    provider: "netrc",
    level: "error",
    keywords: ["machine"],
    pattern: /\bmachine[ \t]+\S{1,200}[ \t]+login[ \t]+\S{1,200}[ \t]+password[ \t]+(?<secret>[^\s"'>]{3,500})/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "pypirc-password",
    title: "Password in .pypirc",
    provider: "PyPI",
    level: "error",
    keywords: ["username", "repository", "index-servers"],
    pathPattern: /(?:^|\/)\.pypirc$/,
    pattern: /^[ \t]*password[ \t]*[=:][ \t]*(?<secret>\S{3,500})[ \t]*\r?$/m,
    samples: { positive: [], negative: [] }
  },
  {
    id: "pgpass-password",
    title: "Password in a PostgreSQL .pgpass file",
    provider: "PostgreSQL",
    level: "error",
    // The file name decides; keywords are the usual port fields (and the `*` wildcard) of its lines.
    keywords: [":5432:", ":5433:", ":6432:", ":25060:", ":26257:", ":*:", "localhost:"],
    pathPattern: /(?:^|\/)\.?pgpass(?:\.conf)?$/,
    // hostname:port:database:username:password, one entry a line; `*` wildcards in the first four.
    credentialFile: true,
    pattern: /^[ \t]*[^:#\s]{1,255}:[^:\s]{1,10}:[^:\s]{1,255}:[^:\s]{1,255}:(?<secret>\S{3,500})[ \t]*\r?$/m,
    samples: { positive: [], negative: [] }
  },
  {
    // Rails encrypted credentials: config/master.key (or config/credentials/<env>.key) holds the
    // 32-hex key that decrypts credentials.yml.enc — committing it publishes every credential in
    // the encrypted file. The file name decides; the file holds nothing but the key.
    id: "rails-master-key",
    title: "Rails master key (decrypts credentials.yml.enc)",
    provider: "Ruby on Rails",
    level: "error",
    keywords: [],
    pathPattern: /(?:^|\/)config\/(?:master|credentials\/[\w.-]+)\.key$/,
    credentialFile: true,
    pattern: /^[ \t]*(?<secret>[0-9a-f]{32})[ \t]*\r?$/m,
    samples: { positive: [], negative: [] }
  },
  {
    id: "git-credentials-password",
    title: "Password or token in .git-credentials",
    provider: "Git",
    level: "error",
    keywords: ["://"],
    pathPattern: /(?:^|\/)\.?git-credentials$/,
    credentialFile: true,
    pattern: /^[ \t]*[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:\/@]{0,200}:(?<secret>[^\s@\/]{3,500})@/m,
    samples: { positive: [], negative: [] }
  },
  {
    id: "docker-config-auth",
    title: "Registry credentials in a Docker config (auths)",
    provider: "Docker",
    level: "error",
    keywords: ['"auth"'],
    pattern: /"auth"[ \t]*:[ \t]*"(?<secret>[A-Za-z0-9+\/]{8,2000}={0,2})"/,
    validate: isBasicCredential,
    samples: { positive: [], negative: [] }
  },
  {
    id: "docker-config-identity-token",
    title: "Registry identity token in a Docker config",
    provider: "Docker",
    level: "error",
    keywords: ["identitytoken"],
    pattern: /"identitytoken"[ \t]*:[ \t]*"(?<secret>[^"\s]{16,4000})"/,
    entropy: 3,
    samples: { positive: [], negative: [] }
  }
];
var credentialFileDetectors = [...kubernetesDetectors, ...toolFileDetectors];
var credentialStoreDetectors = [
  {
    id: "htpasswd-hash",
    title: "Password hash in an .htpasswd file (credential file)",
    provider: "HTTP",
    level: "warning",
    keywords: [":$apr1$", ":$2y$", ":$2a$", ":$2b$", ":{sha}"],
    pathPattern: /(?:^|\/)\.htpasswd$/,
    credentialFile: true,
    pattern: /^[^:\s#]{1,64}:(?<secret>(?:\$apr1\$|\$2[aby]\$|\{SHA\})[^\s:]{8,200})[ \t]*\r?$/m,
    samples: { positive: [], negative: [] }
  },
  {
    id: "shadow-password-hash",
    title: "Password hash in a shadow file (credential file)",
    provider: "Linux",
    level: "warning",
    keywords: [":$6$", ":$5$", ":$y$", ":$1$", ":$2b$"],
    pathPattern: /(?:^|\/)g?shadow-?$/,
    credentialFile: true,
    pattern: /^[a-z_][a-z0-9_.-]{0,31}:(?<secret>\$(?:1|5|6|y|2[aby])\$[^:\s]{8,200}):/m,
    samples: { positive: [], negative: [] }
  },
  {
    id: "s3cfg-secret-key",
    title: "Secret key in an .s3cfg file (credential file)",
    provider: "AWS",
    level: "error",
    keywords: ["secret_key", "access_token"],
    pathPattern: /(?:^|\/)\.?s3cfg$/,
    credentialFile: true,
    pattern: /^(?:secret_key|access_token)[ \t]*=[ \t]*(?<secret>\S{3,500})[ \t]*\r?$/m,
    samples: { positive: [], negative: [] }
  },
  {
    id: "wp-config-db-password",
    title: "Database password in wp-config.php (credential file)",
    provider: "WordPress",
    level: "error",
    keywords: ["db_password"],
    pathPattern: /(?:^|\/)wp-config\.php$/,
    credentialFile: true,
    pattern: /define\([ \t]*["']DB_PASSWORD["'][ \t]*,[ \t]*(?<q>["'])(?<secret>(?:(?!\k<q>)[^\n]){1,200})\k<q>/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "robomongo-password",
    title: "Stored password in a Robo 3T / Robomongo connection file (credential file)",
    provider: "MongoDB",
    level: "error",
    keywords: ["userpassword"],
    pathPattern: /(?:^|\/)(?:robo3t|robomongo)[\w.-]*\.json$/,
    credentialFile: true,
    pattern: /"userPassword"[ \t]*:[ \t]*"(?<secret>[^"\n]{1,500})"/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "dbeaver-password",
    title: "Stored password in a DBeaver data-sources file (credential file)",
    provider: "Database",
    level: "error",
    keywords: ['"password"'],
    pathPattern: /(?:^|\/)\.dbeaver\/(?:data-sources|credentials)[\w.-]*\.json$/,
    credentialFile: true,
    pattern: /"password"[ \t]*:[ \t]*"(?<secret>[^"\n]{1,500})"/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "firefox-logins-export",
    title: "Saved browser password in a Firefox logins.json (credential file)",
    provider: "Firefox",
    level: "error",
    keywords: ["encryptedpassword"],
    pathPattern: /(?:^|\/)logins(?:-backup)?\.json$/,
    credentialFile: true,
    // Encrypted blobs (NSS key id, often zero-filled) are not judged by their characters.
    skipGenericFilters: true,
    pattern: /"encryptedPassword"[ \t]*:[ \t]*"(?<secret>[A-Za-z0-9+/=]{16,4000})"/,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/formats.ts
var PEM_BODY = String.raw`[A-Za-z0-9+\/=\s\\"'#,]{40,20000}`;
var LINE_BREAK = String.raw`(?:[ \t]*(?:\r?\n|\\r\\n|\\n))+`;
function pem(label) {
  return new RegExp(String.raw`-----BEGIN ${label}-----${PEM_BODY}-----END ${label}-----`);
}
function pemPayload(block2) {
  const body = block2.replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/g, "").replace(/\\[rn]/g, "\n").replace(/["'][ \t]*\+?[ \t]*,?[ \t]*(?:\r?\n|$)[ \t]*\+?[ \t]*["']?/g, "\n").replace(/^[ \t]*(?:#|\/\/)[ \t]?/gm, "").replace(/[\s"',]/g, "");
  return Buffer.from(body, "base64");
}
function opensshCipher(block2) {
  const payload = pemPayload(block2);
  const magic = "openssh-key-v1\0";
  if (payload.length < magic.length + 4 || payload.toString("latin1", 0, magic.length) !== magic) return void 0;
  const length = payload.readUInt32BE(magic.length);
  if (length > 64 || payload.length < magic.length + 4 + length) return void 0;
  return payload.toString("latin1", magic.length + 4, magic.length + 4 + length);
}
var PUTTY = (encrypted) => new RegExp(
  String.raw`PuTTY-User-Key-File-[23]:[^\n]{1,100}\r?\nEncryption:[ \t]*${encrypted ? String.raw`(?!none\b)[\w-]{2,40}` : "none"}[ \t]*\r?\n(?:[^\n]{0,200}\r?\n){0,40}?Private-Lines:[ \t]*\d{1,4}[ \t]*\r?\n(?<secret>(?:[A-Za-z0-9+\/=]{1,200}\r?\n){0,200}[A-Za-z0-9+\/=]{1,200})(?=[ \t]*(?:\r?\n|$))`
);
var privateKeyDetectors = [
  {
    id: "private-key-rsa",
    title: "RSA private key (PKCS#1 PEM)",
    provider: "Private key",
    level: "error",
    keywords: ["begin rsa private key"],
    pattern: pem("RSA PRIVATE KEY"),
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-ec",
    title: "EC private key (SEC1 PEM)",
    provider: "Private key",
    level: "error",
    keywords: ["begin ec private key"],
    pattern: pem("EC PRIVATE KEY"),
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-dsa",
    title: "DSA private key (PEM)",
    provider: "Private key",
    level: "error",
    keywords: ["begin dsa private key"],
    pattern: pem("DSA PRIVATE KEY"),
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-pkcs8",
    title: "Private key (PKCS#8 PEM)",
    provider: "Private key",
    level: "error",
    keywords: ["begin private key"],
    pattern: pem("PRIVATE KEY"),
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-openssh",
    title: "OpenSSH private key (unencrypted)",
    provider: "Private key",
    level: "error",
    keywords: ["begin openssh private key"],
    pattern: pem("OPENSSH PRIVATE KEY"),
    validate: (block2) => opensshCipher(block2) === "none",
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-putty",
    title: "PuTTY private key (unencrypted .ppk)",
    provider: "Private key",
    level: "error",
    keywords: ["putty-user-key-file"],
    pattern: PUTTY(false),
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-pgp",
    title: "PGP private key block",
    provider: "Private key",
    level: "error",
    keywords: ["begin pgp private key block"],
    pattern: /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{40,40000}?-----END PGP PRIVATE KEY BLOCK-----/,
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-encrypted",
    title: "Encrypted private key (needs its passphrase, still should not be committed)",
    provider: "Private key",
    level: "warning",
    keywords: ["begin encrypted private key", "begin rsa private key", "begin ec private key", "begin dsa private key", "begin openssh private key"],
    pattern: new RegExp(
      String.raw`-----BEGIN ENCRYPTED PRIVATE KEY-----${PEM_BODY}-----END ENCRYPTED PRIVATE KEY-----` + String.raw`|-----BEGIN (?<label>RSA|EC|DSA) PRIVATE KEY-----${LINE_BREAK}Proc-Type:[ \t]*4,ENCRYPTED${LINE_BREAK}DEK-Info:[ \t]*[A-Z0-9-]{3,40},[0-9A-Fa-f]{8,64}${PEM_BODY}-----END \k<label> PRIVATE KEY-----` + String.raw`|-----BEGIN OPENSSH PRIVATE KEY-----${PEM_BODY}-----END OPENSSH PRIVATE KEY-----`
    ),
    validate: (block2) => !block2.includes("OPENSSH") || (opensshCipher(block2) ?? "none") !== "none",
    samples: { positive: [], negative: [] }
  },
  {
    id: "private-key-putty-encrypted",
    title: "Encrypted PuTTY private key (.ppk)",
    provider: "Private key",
    level: "warning",
    keywords: ["putty-user-key-file"],
    pattern: PUTTY(true),
    samples: { positive: [], negative: [] }
  }
];
function decodeJsonPart(part) {
  try {
    const value2 = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value2 !== null && typeof value2 === "object" && !Array.isArray(value2) ? value2 : void 0;
  } catch {
    return void 0;
  }
}
function isSignedJwt(token2) {
  const [header, payload, signature] = token2.split(".");
  const h = decodeJsonPart(header);
  const p = decodeJsonPart(payload);
  if (!h || !p || typeof h.alg !== "string" || h.alg.toLowerCase() === "none" || !signature) return false;
  return p.role !== "anon";
}
var tokenDetectors = [
  {
    id: "jwt",
    title: "JSON Web Token",
    provider: "JWT",
    level: "error",
    keywords: ["eyj"],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{8,2000}\.ey[A-Za-z0-9_-]{8,10000}\.[A-Za-z0-9_-]{16,2000})(?![A-Za-z0-9_-])/,
    validate: isSignedJwt,
    redactPrefix: "eyJ",
    samples: { positive: [], negative: [] }
  },
  {
    // A JWT wrapped in standard base64 (Kubernetes Secret values, Basic-auth-like headers, CI
    // variables): `eyJ` encodes to `ZXlK`. Reported when the decoded text is a signed JWT.
    id: "jwt-base64",
    title: "JSON Web Token (base64-encoded)",
    provider: "JWT",
    level: "error",
    keywords: ["zxlk"],
    pattern: /(?<![A-Za-z0-9+/])(?<secret>ZXlK[A-Za-z0-9+/]{60,16000}={0,2})(?![A-Za-z0-9+/=])/,
    validate: (value2) => isSignedJwt(Buffer.from(value2, "base64").toString("latin1").trim()),
    redactPrefix: "ZXlK",
    samples: { positive: [], negative: [] }
  },
  {
    id: "age-secret-key",
    title: "age encryption secret key",
    provider: "age",
    level: "error",
    keywords: ["age-secret-key-1"],
    // age spec: Bech32 with HRP `AGE-SECRET-KEY-`, upper-case, 32-byte key → 58 data+checksum chars.
    pattern: /(?<![A-Z0-9-])AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Z0-9])/,
    redactPrefix: "AGE-SECRET-KEY-1",
    samples: { positive: [], negative: [] }
  }
];
var URL_FAMILIES = [
  { id: "postgres-url-password", title: "PostgreSQL connection URL with password", provider: "PostgreSQL", schemes: String.raw`postgres(?:ql)?(?:\+[a-z0-9]+)?|postgis|pgsql|timescaledb|cockroachdb|redshift`, keywords: ["postgres", "postgis", "pgsql", "timescaledb", "cockroachdb", "redshift"], example: { scheme: "postgresql", host: "db.internal:5432", path: "/billing" } },
  { id: "mysql-url-password", title: "MySQL/MariaDB connection URL with password", provider: "MySQL", schemes: String.raw`mysql(?:x|2)?(?:\+[a-z0-9]+)?|mariadb|tidb`, keywords: ["mysql", "mariadb", "tidb"], example: { scheme: "mysql", host: "mysql.internal:3306", path: "/shop" } },
  { id: "mongodb-url-password", title: "MongoDB connection URL with password", provider: "MongoDB", schemes: String.raw`mongodb(?:\+srv)?`, keywords: ["mongodb"], example: { scheme: "mongodb+srv", host: "cluster0.ab1cd.mongodb.net", path: "/app?retryWrites=true" } },
  { id: "redis-url-password", title: "Redis connection URL with password", provider: "Redis", schemes: String.raw`rediss?|valkey|keydb`, keywords: ["redis", "valkey", "keydb"], example: { scheme: "rediss", host: "cache.internal:6380", path: "/0" } },
  { id: "amqp-url-password", title: "AMQP/message broker URL with password", provider: "AMQP", schemes: String.raw`amqps?|rabbitmq|mqtts?|nats|stomp|kafka`, keywords: ["amqp", "rabbitmq", "mqtt", "nats", "stomp", "kafka"], example: { scheme: "amqps", host: "mq.internal:5671", path: "/%2F" } },
  { id: "database-url-password", title: "Database connection URL with password", provider: "Database", schemes: String.raw`mssql|sqlserver|oracle|db2|clickhouse|snowflake|cassandra|neo4j(?:\+s)?|bolt|couchbases?|couchdb|influxdb|elasticsearch|opensearch|cockroach|memcached|sqlalchemy`, keywords: ["mssql", "sqlserver", "oracle", "db2", "clickhouse", "snowflake", "cassandra", "neo4j", "bolt", "couchbase", "couchdb", "influxdb", "elasticsearch", "opensearch", "cockroach", "memcached", "sqlalchemy"], example: { scheme: "sqlserver", host: "sql.internal:1433", path: "/erp" } },
  { id: "ftp-url-password", title: "FTP/SSH/SMB URL with password", provider: "File transfer", schemes: String.raw`s?ftps?|ssh|scp|rsync|smb|cifs|webdavs?|davs?`, keywords: ["ftp", "ssh", "scp", "rsync", "smb", "cifs", "dav"], example: { scheme: "sftp", host: "files.partner.com", path: "/outbound" } },
  { id: "smtp-url-password", title: "Mail server URL with password", provider: "Mail", schemes: String.raw`smtps?|submission|imaps?|pop3s?`, keywords: ["smtp", "submission", "imap", "pop3"], example: { scheme: "smtps", host: "smtp.mailhost.com:465", path: "" } },
  { id: "ldap-url-password", title: "LDAP URL with password", provider: "LDAP", schemes: String.raw`ldaps?`, keywords: ["ldap"], example: { scheme: "ldaps", host: "ldap.corp.internal:636", path: "/dc=corp,dc=internal" } },
  { id: "basic-auth-url", title: "HTTP URL with basic-auth credentials", provider: "HTTP", schemes: String.raw`https?|wss?|git\+https?|svn\+https?`, keywords: ["://"], example: { scheme: "https", host: "nexus.corp.internal", path: "/repository/npm/" } }
];
var URL_CREDENTIALS = String.raw`:\/\/[^\s:@\/?#'"\x60<>{}\[\]\\]{0,200}:(?<secret>[^\s\/?#'"\x60<>{}\[\]\\]{3,200})@(?=[A-Za-z0-9\[_-])`;
var ALL_KNOWN_SCHEMES = URL_FAMILIES.map((f) => f.schemes).join("|");
function urlDetector(family, index) {
  return {
    id: family.id,
    title: family.title,
    provider: family.provider,
    level: "error",
    keywords: family.keywords,
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9+.-])(?:${family.schemes})${URL_CREDENTIALS}`, "i"),
    samples: { positive: [], negative: [] }
  };
}
var urlDetectors = [
  ...URL_FAMILIES.map(urlDetector),
  {
    id: "url-password",
    title: "URL with embedded password",
    provider: "URL",
    level: "error",
    keywords: ["://"],
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9+.-])(?!(?:${ALL_KNOWN_SCHEMES}):\/\/)[A-Za-z][A-Za-z0-9+.-]{1,30}${URL_CREDENTIALS}`, "i"),
    samples: { positive: [], negative: [] }
  }
];
var formatDetectors = [...privateKeyDetectors, ...tokenDetectors, ...urlDetectors];

// src/core/secrets/detectors/forms.ts
var MAX_WRAPPED = 24e3;
function wrapsPrivateKey(encoded) {
  if (encoded.length > MAX_WRAPPED) return false;
  const decoded = decodeBase64(encoded.replace(/\s+/g, ""))?.toString("utf8");
  if (!decoded) return false;
  if (/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[A-Za-z0-9+/=\s\\]{40,}-----END (?:[A-Z]+ )?PRIVATE KEY-----/.test(decoded)) return true;
  return /"type"\s*:\s*"service_account"/.test(decoded) && /"private_key"\s*:\s*"-----BEGIN PRIVATE KEY-----/.test(decoded);
}
var DJANGO_KEY = String.raw`[a-z0-9!@#$%^&*(\-_=+)]{50}`;
var WORDPRESS_NAMES = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"];
var formDetectors = [
  {
    // JDBC URLs: `jdbc:<driver>:…password=…` (query or `;`-separated properties) or `//user:pass@host`.
    id: "jdbc-connection-password",
    title: "Password in a JDBC connection URL",
    provider: "Database",
    level: "error",
    keywords: ["jdbc:"],
    pattern: /jdbc:[a-z0-9]{2,20}:(?:(?:[a-z0-9]{2,20}:)?\/\/[^\s:/@"'<>]{1,80}:(?=[^\s@/"'<>]{1,200}@)|[^\s"'<>]{0,300}?[?;&:](?:password|pwd)=)(?<secret>[^\s@/"'<>;&]{1,200})/i,
    samples: { positive: [], negative: [] }
  },
  {
    // ADO.NET / ODBC connection strings: `Server=…;…;Password=…;` (or `Pwd=`).
    id: "adonet-connection-password",
    title: "Password in an ADO.NET / ODBC connection string",
    provider: "Database",
    level: "error",
    keywords: ["password=", "pwd="],
    pattern: /(?<![A-Za-z])(?:server|data source|host|address|addr|dsn|driver)[ \t]*=[^;\n"'=]{1,200};(?:[^;\n"']{0,200};){0,12}?[ \t]*(?:password|pwd)[ \t]*=[ \t]*(?<secret>[^;\n"'\s][^;\n"']{0,199})/i,
    samples: { positive: [], negative: [] }
  },
  {
    // Azure App Configuration: `Endpoint=https://<n>.azconfig.io;Id=<id>;Secret=<44 base64>`.
    id: "azure-app-configuration-connection-string",
    title: "Azure App Configuration connection string",
    provider: "Azure",
    level: "error",
    keywords: [".azconfig.io"],
    pattern: /Endpoint=https:\/\/[a-z0-9-]{1,60}\.azconfig\.io;Id=[^;\s"']{1,60};Secret=(?<secret>[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/,
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // SAS URLs whose query starts with the signature: `?sig=…&se=…&sp=…&sv=…`.
    id: "azure-sas-token-sig-first",
    title: "Azure shared access signature (SAS) token",
    provider: "Azure",
    level: "error",
    keywords: ["?sig="],
    pattern: /\?sig=(?<secret>[A-Za-z0-9%/+]{40,100}=?)(?:&(?:se|sp|sv|sr|st|spr|srt|ss|skoid|sktid|skt|ske|sks|skv|sdd)=[^\s"'<>&?]{0,100}){2,}/,
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Django settings: `SECRET_KEY = '…'` (50 chars of get_random_secret_key's alphabet), also as an env default.
    id: "django-secret-key",
    title: "Django SECRET_KEY",
    provider: "Django",
    level: "error",
    keywords: ["secret_key"],
    pattern: new RegExp(String.raw`\bSECRET_KEY[ \t]*=[ \t]*(?:[\w.]{1,40}\([ \t]*["'][A-Z_]{1,40}["'][ \t]*,[ \t]*(?:default[ \t]*=[ \t]*)?)?r?(?<q>["'])(?<secret>(?:django-insecure-)?${DJANGO_KEY})\k<q>`),
    entropy: 4,
    pathPattern: /\.py$/,
    samples: { positive: [], negative: [] }
  },
  {
    // WordPress salts: `define( 'AUTH_KEY', '…' );` with any printable characters and aligned arguments.
    id: "wordpress-salt",
    title: "WordPress authentication key or salt",
    provider: "WordPress",
    level: "error",
    keywords: WORDPRESS_NAMES.map((n) => n.toLowerCase()),
    pattern: new RegExp(String.raw`define\([ \t]*["'](?:${WORDPRESS_NAMES.join("|")})["'][ \t]*,[ \t]*(?<q>["'])(?<secret>(?:(?!\k<q>)[\x20-\x7e]){32,100})\k<q>[ \t]*\)`),
    entropy: 4,
    // Salts are any printable characters (`<…>`, `{…}` included), so the generic placeholder filters would misread them.
    validate: (secret2) => !/unique phrase|put your|^\s|\s$|\$\{|\{\{/i.test(secret2),
    skipGenericFilters: true,
    samples: { positive: [], negative: [] }
  },
  {
    // `password "…"` in esmtprc / fetchmailrc / msmtprc-like files (keyword, space, quoted value).
    id: "config-password-quoted",
    title: "Password in a mail or tool configuration file",
    provider: "Generic",
    level: "error",
    keywords: ['password "', 'password  "'],
    pattern: /(?:^[ \t]*(?:set[ \t]+)?|[ \t]user(?:name)?[ \t]+"[^"\n]{1,80}"[ \t]+)password[ \t]+"(?<secret>[^"\s][^"\n]{3,200})"/m,
    samples: { positive: [], negative: [] }
  },
  {
    // FileZilla site manager / recent servers: `<Pass>…</Pass>` or `<Pass encoding="base64">…</Pass>`.
    // The file itself should never be in a repository, so even a weak value is reported.
    id: "filezilla-password",
    title: "Stored password in a FileZilla export (credential file)",
    provider: "File transfer",
    level: "error",
    keywords: ["<pass>", "<pass "],
    pattern: /<Pass(?:[ \t]+encoding="base64")?>(?<secret>[^<\s]{1,500})<\/Pass>/,
    // Any password may be stored, weak ones too (no generic filters), but not a stand-in: `<Pass>…</Pass>`, `<Pass>***</Pass>`.
    validate: (secret2) => !/\$\{|\{\{|%\w+%/.test(secret2) && !hasPlaceholderWord(secret2),
    skipGenericFilters: true,
    samples: { positive: [], negative: [] }
  },
  {
    // Authorization headers with other schemes: `Api-Token …`, `Token …`, `Key …`, and `Api-Token: …`.
    id: "generic-authorization-header",
    title: "Credential in an HTTP Authorization header",
    provider: "Generic",
    level: "error",
    keywords: ["authorization", "api-token"],
    pattern: /(?:\bauthorization["']?[ \t]*[:=,][ \t]*["']?(?:api-token|token|key|apikey|sso-key)[ \t]+|(?<![\w-])(?:x-)?api-token["']?[ \t]*[:=,][ \t]*["']?)(?<secret>[A-Za-z0-9._~+/:-]{11,500}=*)(?![A-Za-z0-9._~+/=:-])/i,
    entropy: 3,
    samples: { positive: [], negative: [] }
  },
  {
    // A PEM private key or a service-account JSON, base64-wrapped (Terraform `*_base64`, CI variables):
    // the blob is decoded (bounded) and the decoded text must hold the key.
    id: "base64-wrapped-private-key",
    title: "Base64-encoded private key or service-account key file",
    provider: "Private key",
    level: "error",
    keywords: ["ls0tls1crudjti", "ewogicj0exblijoginnlcnzpy2vfywnjb3vudcis", "eyj0exblijoginnlcnzpy2vfywnjb3vudci", "eyj0exblijoic2vydmljzv9hy2nvdw50i"],
    pattern: /(?<![A-Za-z0-9+/])(?<secret>(?:LS0tLS1CRUdJTi|ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs|eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCI|eyJ0eXBlIjoic2VydmljZV9hY2NvdW50I)[A-Za-z0-9+/]{60,24000}={0,2})(?![A-Za-z0-9+/=])/,
    validate: wrapsPrivateKey,
    skipGenericFilters: true,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/checksum.ts
import { crc32 } from "node:zlib";
var BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function base62(value2, width) {
  let out = "";
  let rest = value2 >>> 0;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, "0");
}
function hasBase62Crc32(secret2, prefix) {
  const body = secret2.slice(prefix.length);
  if (!secret2.startsWith(prefix) || body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

// src/core/secrets/detectors/github.ts
var classic = [
  {
    id: "github-classic-pat",
    prefix: "ghp_",
    title: "GitHub personal access token (classic)",
    samples: { positive: [], negative: [] }
  },
  {
    id: "github-oauth-token",
    prefix: "gho_",
    title: "GitHub OAuth access token",
    samples: { positive: [], negative: [] }
  },
  {
    id: "github-user-to-server-token",
    prefix: "ghu_",
    title: "GitHub App user access token",
    samples: { positive: [], negative: [] }
  },
  {
    id: "github-installation-token",
    prefix: "ghs_",
    title: "GitHub App installation access token",
    samples: { positive: [], negative: [] }
  },
  {
    id: "github-refresh-token",
    prefix: "ghr_",
    title: "GitHub refresh token",
    samples: { positive: [], negative: [] }
  }
];
var classicDetectors = classic.map(({ id, prefix, title, samples }) => ({
  id,
  title,
  provider: "GitHub",
  level: "error",
  keywords: [prefix],
  pattern: token(`${prefix}[0-9A-Za-z]{36}`),
  validate: (secret2) => hasBase62Crc32(secret2, prefix),
  redactPrefix: prefix,
  samples: { positive: [], negative: [] }
}));
var githubDetectors = [
  ...classicDetectors,
  {
    // `github_pat_` + 22 base62 (token id) + `_` + 59 base62 (secret and checksum).
    id: "github-fine-grained-pat",
    title: "GitHub fine-grained personal access token",
    provider: "GitHub",
    level: "error",
    keywords: ["github_pat_"],
    pattern: token("github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}"),
    entropy: 3.5,
    redactPrefix: "github_pat_",
    samples: { positive: [], negative: [] }
  },
  {
    // 2026 stateless installation token: `ghs_<APPID>_<JWT>` (~520 chars, header.payload.signature
    // in base64url). The JWT is GitHub-internal; we only rely on its three-part base64url shape.
    id: "github-installation-token-jwt",
    title: "GitHub App installation access token (stateless JWT format)",
    provider: "GitHub",
    level: "error",
    keywords: ["ghs_"],
    pattern: token("ghs_[0-9]{1,12}_eyJ[A-Za-z0-9_\\-]{10,1000}\\.eyJ[A-Za-z0-9_\\-]{10,2000}\\.[A-Za-z0-9_\\-]{20,1000}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "ghs_",
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/hosting.ts
var HEROKU_WORDS = ["heroku"];
var CLOUDFLARE_WORDS = ["cloudflare", "cf_api_token", "cf_api_key"];
var FASTLY_WORDS = ["fastly"];
var VERCEL_WORDS = ["vercel"];
var NETLIFY_WORDS = ["netlify"];
var RAILWAY_WORDS = ["railway"];
var hostingDetectors = [
  {
    // Heroku platform API key (2024+): `HRKU-AA` + 58 base64url characters.
    id: "heroku-platform-key",
    title: "Heroku platform API key",
    provider: "Heroku",
    level: "error",
    keywords: ["hrku-"],
    pattern: token("HRKU-AA[0-9A-Za-z_\\-]{58}"),
    entropy: 3.8,
    redactPrefix: "HRKU-",
    samples: { positive: [], negative: [] }
  },
  {
    // Legacy Heroku API key: a UUID next to a Heroku name.
    id: "heroku-api-key",
    title: "Heroku API key (legacy UUID)",
    provider: "Heroku",
    level: "error",
    keywords: lower(HEROKU_WORDS),
    pattern: near(HEROKU_WORDS, UUID_ANY_CASE),
    samples: { positive: [], negative: [] }
  },
  ...[
    ["digitalocean-pat", "dop_v1_", "DigitalOcean personal access token"],
    ["digitalocean-oauth-token", "doo_v1_", "DigitalOcean OAuth access token"],
    ["digitalocean-refresh-token", "dor_v1_", "DigitalOcean OAuth refresh token"]
  ].map(
    ([id, prefix, title]) => ({
      // DigitalOcean tokens: `do[por]_v1_` + 64 hex.
      id,
      title,
      provider: "DigitalOcean",
      level: "error",
      keywords: [prefix],
      pattern: token(`${prefix}[0-9a-f]{64}`),
      entropy: 3.2,
      redactPrefix: prefix,
      samples: { positive: [], negative: [] }
    })
  ),
  {
    // Cloudflare API token: 40 base64url characters next to a Cloudflare name.
    id: "cloudflare-api-token",
    title: "Cloudflare API token",
    provider: "Cloudflare",
    level: "error",
    keywords: lower(CLOUDFLARE_WORDS),
    pattern: near(CLOUDFLARE_WORDS, "[0-9A-Za-z_\\-]{40}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Cloudflare global API key: 37 lower-case hex next to a Cloudflare name.
    id: "cloudflare-global-api-key",
    title: "Cloudflare global API key",
    provider: "Cloudflare",
    level: "error",
    keywords: lower(CLOUDFLARE_WORDS),
    pattern: near(CLOUDFLARE_WORDS, "[0-9a-f]{37}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Cloudflare Origin CA key: `v1.0-` + 24 hex + `-` + 146 hex.
    id: "cloudflare-origin-ca-key",
    title: "Cloudflare Origin CA key",
    provider: "Cloudflare",
    level: "error",
    keywords: ["v1.0-"],
    pattern: token("v1\\.0-[0-9a-f]{24}-[0-9a-f]{146}"),
    entropy: 3.2,
    redactPrefix: "v1.0-",
    samples: { positive: [], negative: [] }
  },
  {
    // Fastly API token: 32 base64url characters next to a Fastly name.
    id: "fastly-api-token",
    title: "Fastly API token",
    provider: "Fastly",
    level: "error",
    keywords: lower(FASTLY_WORDS),
    pattern: near(FASTLY_WORDS, "[0-9A-Za-z_\\-]{32}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Netlify personal access token: `nfp_` + 36 alphanumerics (legacy tokens: 43–45 chars next to a Netlify name).
    id: "netlify-pat",
    title: "Netlify personal access token",
    provider: "Netlify",
    level: "error",
    keywords: ["nfp_"],
    pattern: token("nfp_[0-9A-Za-z]{36}"),
    entropy: 3.8,
    redactPrefix: "nfp_",
    samples: { positive: [], negative: [] }
  },
  {
    id: "netlify-legacy-token",
    title: "Netlify access token (legacy)",
    provider: "Netlify",
    level: "error",
    keywords: lower(NETLIFY_WORDS),
    pattern: near(NETLIFY_WORDS, "[0-9A-Za-z_\\-]{43,45}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Vercel access token: 24 alphanumerics next to a Vercel name (`vercel_`/`vcp_` prefixed tokens included).
    id: "vercel-token",
    title: "Vercel access token",
    provider: "Vercel",
    level: "error",
    keywords: lower(VERCEL_WORDS),
    pattern: near(VERCEL_WORDS, "(?:vc[pkai]_[0-9A-Za-z]{40,60}|[0-9A-Za-z]{24})"),
    entropy: 3.8,
    // A function name of exactly 24 letters in Vercel's own SDK (`getTokenFromOptionsOrEnv`) is not a token.
    validate: (s) => !/^[a-z]+(?:[A-Z][a-z]+)+$/.test(s),
    samples: { positive: [], negative: [] }
  },
  {
    // Fly.io macaroon tokens: `FlyV1 fm1r_…` / `fm2_…` (comma-separated base64 macaroons).
    id: "fly-io-macaroon",
    title: "Fly.io access token (macaroon)",
    provider: "Fly.io",
    level: "error",
    keywords: ["fm1r_", "fm1a_", "fm2_"],
    pattern: token("(?:FlyV1 )?fm(?:1[ar]|2)_[0-9A-Za-z+/=_\\-]{100,4000}(?:,fm(?:1[ar]|2)_[0-9A-Za-z+/=_\\-]{100,4000}){0,5}", "A-Za-z0-9_\\-", "A-Za-z0-9_\\-+/=,"),
    entropy: 4,
    redactPrefix: "FlyV1 ",
    samples: { positive: [], negative: [] }
  },
  {
    // Fly.io OAuth token: `fo1_` + 43 base64url.
    id: "fly-io-token",
    title: "Fly.io OAuth token",
    provider: "Fly.io",
    level: "error",
    keywords: ["fo1_"],
    pattern: token("fo1_[0-9A-Za-z_\\-]{43}"),
    entropy: 3.8,
    redactPrefix: "fo1_",
    samples: { positive: [], negative: [] }
  },
  {
    // Render API key: `rnd_` + 32 alphanumerics.
    id: "render-api-key",
    title: "Render API key",
    provider: "Render",
    level: "error",
    keywords: ["rnd_"],
    pattern: token("rnd_[0-9A-Za-z]{32}"),
    entropy: 3.8,
    redactPrefix: "rnd_",
    samples: { positive: [], negative: [] }
  },
  {
    // Railway token: a UUID next to a Railway name.
    id: "railway-token",
    title: "Railway API token",
    provider: "Railway",
    level: "error",
    keywords: lower(RAILWAY_WORDS),
    pattern: near(RAILWAY_WORDS, UUID),
    samples: { positive: [], negative: [] }
  },
  {
    // Supabase personal access token: `sbp_` + 40 hex.
    id: "supabase-access-token",
    title: "Supabase personal access token",
    provider: "Supabase",
    level: "error",
    keywords: ["sbp_"],
    pattern: token("sbp_[0-9a-f]{40}"),
    entropy: 3.2,
    redactPrefix: "sbp_",
    samples: { positive: [], negative: [] }
  },
  {
    // Supabase secret API key: `sb_secret_` + 31+ base64url (the `sb_publishable_` key is public).
    id: "supabase-secret-key",
    title: "Supabase secret API key",
    provider: "Supabase",
    level: "error",
    keywords: ["sb_secret_"],
    pattern: token("sb_secret_[0-9A-Za-z_\\-]{31,64}"),
    entropy: 3.8,
    redactPrefix: "sb_secret_",
    samples: { positive: [], negative: [] }
  },
  {
    // PlanetScale tokens: `pscale_tkn_` (service token), `pscale_pw_` (password), `pscale_oauth_` + 43 base64url.
    id: "planetscale-token",
    title: "PlanetScale service token or password",
    provider: "PlanetScale",
    level: "error",
    keywords: ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
    pattern: token("pscale_(?:tkn|pw|oauth)_[0-9A-Za-z_\\-.=]{43}", WORD, "A-Za-z0-9_\\-.="),
    entropy: 3.8,
    redactPrefix: "pscale_",
    samples: { positive: [], negative: [] }
  },
  {
    // Neon API key: `napi_` + 64 lower-case alphanumerics.
    id: "neon-api-key",
    title: "Neon API key",
    provider: "Neon",
    level: "error",
    keywords: ["napi_"],
    pattern: token("napi_[0-9a-z]{64}"),
    entropy: 3.8,
    redactPrefix: "napi_",
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/infrastructure.ts
var NGROK_WORDS = ["ngrok"];
var CONSUL_WORDS = ["consul_http_token", "consul_token", "x-consul-token"];
var infrastructureDetectors = [
  {
    // Vault service token (1.10+): `hvs.` + 90+ base64url (a protobuf-encoded token).
    id: "vault-service-token",
    title: "HashiCorp Vault service token",
    provider: "HashiCorp Vault",
    level: "error",
    keywords: ["hvs."],
    pattern: token("hvs\\.[0-9A-Za-z_\\-]{90,200}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "hvs.",
    samples: { positive: [], negative: [] }
  },
  {
    // Vault batch token: `hvb.` + 138+ base64url.
    id: "vault-batch-token",
    title: "HashiCorp Vault batch token",
    provider: "HashiCorp Vault",
    level: "error",
    keywords: ["hvb."],
    pattern: token("hvb\\.[0-9A-Za-z_\\-]{138,400}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "hvb.",
    samples: { positive: [], negative: [] }
  },
  {
    // Vault recovery token: `hvr.` + base64url.
    id: "vault-recovery-token",
    title: "HashiCorp Vault recovery token",
    provider: "HashiCorp Vault",
    level: "error",
    keywords: ["hvr."],
    pattern: token("hvr\\.[0-9A-Za-z_\\-]{24,200}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "hvr.",
    samples: { positive: [], negative: [] }
  },
  {
    // Vault token before 1.10: `s.` + 24 base62, only next to a Vault name.
    id: "vault-legacy-token",
    title: "HashiCorp Vault token (legacy `s.`)",
    provider: "HashiCorp Vault",
    level: "error",
    keywords: ["vault"],
    pattern: near(["vault"], "[sb]\\.[0-9A-Za-z]{24}", { edge: "A-Za-z0-9_\\-." }),
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  },
  {
    // Terraform Cloud / Enterprise API token: 14 chars + `.atlasv1.` + 60–70 base64url.
    id: "terraform-cloud-token",
    title: "Terraform Cloud API token",
    provider: "Terraform Cloud",
    level: "error",
    keywords: [".atlasv1."],
    pattern: token("[0-9A-Za-z]{14}\\.atlasv1\\.[0-9A-Za-z_\\-=]{60,70}", WORD, "A-Za-z0-9_\\-.="),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Pulumi access token: `pul-` + 40 hex.
    id: "pulumi-access-token",
    title: "Pulumi access token",
    provider: "Pulumi",
    level: "error",
    keywords: ["pul-"],
    pattern: token("pul-[0-9a-f]{40}"),
    entropy: 3.2,
    redactPrefix: "pul-",
    samples: { positive: [], negative: [] }
  },
  ...[
    ["doppler-personal-token", "dp.pt.", "Doppler personal token", "[0-9A-Za-z]{43}"],
    ["doppler-service-token", "dp.st.", "Doppler service token", "(?:[0-9a-z\\-_]{2,35}\\.)?[0-9A-Za-z]{40,44}"],
    ["doppler-service-account-token", "dp.sa.", "Doppler service account token", "[0-9A-Za-z]{43}"],
    ["doppler-cli-token", "dp.ct.", "Doppler CLI token", "[0-9A-Za-z]{43}"],
    ["doppler-scim-token", "dp.scim.", "Doppler SCIM token", "[0-9A-Za-z]{43}"],
    ["doppler-audit-token", "dp.audit.", "Doppler audit token", "[0-9A-Za-z]{43}"]
  ].map(
    ([id, prefix, title, body]) => ({
      // Doppler tokens: `dp.<kind>.` + 40–44 base62 (service tokens may carry a config name first).
      id,
      title,
      provider: "Doppler",
      level: "error",
      keywords: [prefix],
      pattern: token(`${prefix.replace(/\./g, "\\.")}${body}`, "A-Za-z0-9_\\-."),
      entropy: 3.8,
      redactPrefix: prefix,
      samples: { positive: [], negative: [] }
    })
  ),
  {
    // 1Password service account token: `ops_` + base64 JSON (`eyJ…`).
    id: "onepassword-service-account-token",
    title: "1Password service account token",
    provider: "1Password",
    level: "error",
    keywords: ["ops_eyj"],
    pattern: token("ops_eyJ[0-9A-Za-z+/_\\-]{250,2000}={0,2}", "A-Za-z0-9_\\-", "A-Za-z0-9_\\-+/="),
    entropy: 4,
    redactPrefix: "ops_",
    samples: { positive: [], negative: [] }
  },
  {
    // 1Password account Secret Key: `A3-` + 6 + (11 | 6-5) + 3×5 upper alphanumerics, dash separated.
    id: "onepassword-secret-key",
    title: "1Password account Secret Key",
    provider: "1Password",
    level: "error",
    keywords: ["a3-"],
    pattern: token("A3-[0-9A-Z]{6}-(?:[0-9A-Z]{11}|[0-9A-Z]{6}-[0-9A-Z]{5})-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}"),
    entropy: 3.5,
    redactPrefix: "A3-",
    samples: { positive: [], negative: [] }
  },
  {
    // Tailscale keys: `tskey-<kind>-` + key id + `-` + secret.
    id: "tailscale-key",
    title: "Tailscale auth or API key",
    provider: "Tailscale",
    level: "error",
    keywords: ["tskey-"],
    pattern: token("tskey-(?:auth|api|client|scim|webhook)-[0-9A-Za-z]{8,20}-[0-9A-Za-z]{20,40}"),
    entropy: 3.8,
    redactPrefix: "tskey-",
    samples: { positive: [], negative: [] }
  },
  {
    // ngrok authtoken: 49-ish chars (`2` + 26 base62 + `_` + 21 base62), next to an ngrok name.
    id: "ngrok-authtoken",
    title: "ngrok authtoken",
    provider: "ngrok",
    level: "error",
    keywords: lower(NGROK_WORDS),
    pattern: near(NGROK_WORDS, "[0-9][0-9A-Za-z]{25,27}_[0-9A-Za-z]{20,22}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Consul ACL token: a UUID next to a Consul token name.
    id: "consul-acl-token",
    title: "HashiCorp Consul ACL token",
    provider: "HashiCorp Consul",
    level: "error",
    keywords: lower(CONSUL_WORDS),
    pattern: near(CONSUL_WORDS, UUID),
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/peer-facts.ts
var peerFacts = [
  { name: "adzuna", keywords: ["adzuna"], alphabet: "lower", min: 32, max: 32 },
  { name: "aha", keywords: ["aha.io"], alphabet: "hex", min: 64, max: 64 },
  { name: "aletheiaapi", keywords: ["aletheiaapi"], alphabet: "upper", min: 32, max: 32 },
  { name: "alienvault", keywords: ["alienvault"], alphabet: "lower", min: 64, max: 64 },
  { name: "allsports", keywords: ["allsports"], alphabet: "lower", min: 64, max: 64 },
  { name: "amadeus", keywords: ["amadeus"], alphabet: "base62", min: 32, max: 32 },
  { name: "anypointoauth2", keywords: ["anypoint"], alphabet: "hex", min: 32, max: 32 },
  { name: "api2cart", keywords: ["api2cart"], alphabet: "hex", min: 32, max: 32 },
  { name: "apiflash", keywords: ["apiflash"], alphabet: "lower", min: 32, max: 32 },
  { name: "apilayer", keywords: ["apilayer"], alphabet: "base62", min: 32, max: 32 },
  { name: "apimatic", keywords: ["apimatic"], alphabet: "b64url", min: 64, max: 64 },
  { name: "apimetrics", keywords: ["apimetrics"], alphabet: "base62", min: 32, max: 32 },
  { name: "apitemplate", keywords: ["apitemplate"], alphabet: "base62", min: 39, max: 39 },
  { name: "appsynergy", keywords: ["appsynergy"], alphabet: "lower", min: 64, max: 64 },
  { name: "autodesk", keywords: ["autodesk"], alphabet: "base62", min: 32, max: 32 },
  { name: "aviationstack", keywords: ["aviationstack"], alphabet: "lower", min: 32, max: 32 },
  { name: "axonaut", keywords: ["axonaut"], alphabet: "lower", min: 32, max: 32 },
  { name: "aylien", keywords: ["aylien"], alphabet: "lower", min: 32, max: 32 },
  { name: "beebole", keywords: ["beebole"], alphabet: "lower", min: 40, max: 40 },
  { name: "besnappy", keywords: ["besnappy"], alphabet: "hex", min: 64, max: 64 },
  { name: "bitbar", keywords: ["bitbar"], alphabet: "base62", min: 32, max: 32 },
  { name: "bitcoinaverage", keywords: ["bitcoinaverage"], alphabet: "base62", min: 43, max: 43 },
  { name: "blitapp", keywords: ["blitapp"], alphabet: "b64url", min: 39, max: 39 },
  { name: "boostnote", keywords: ["boostnote"], alphabet: "hex", min: 64, max: 64 },
  { name: "brandfetch", keywords: ["brandfetch"], alphabet: "base62", min: 40, max: 40 },
  { name: "buddyns", keywords: ["buddyns"], alphabet: "lower", min: 40, max: 40 },
  { name: "bugherd", keywords: ["bugherd"], alphabet: "lower", min: 22, max: 22 },
  { name: "buttercms", keywords: ["buttercms"], alphabet: "lower", min: 40, max: 40 },
  { name: "calendarific", keywords: ["calendarific"], alphabet: "base62", min: 32, max: 32 },
  { name: "calorieninja", keywords: ["calorieninja"], alphabet: "base62", min: 40, max: 40 },
  { name: "campayn", keywords: ["campayn"], alphabet: "lower", min: 64, max: 64 },
  { name: "captaindata", keywords: ["captaindata"], alphabet: "hex", min: 64, max: 64 },
  { name: "carboninterface", keywords: ["carboninterface"], alphabet: "base62", min: 21, max: 21 },
  { name: "centralstationcrm", keywords: ["centralstationcrm"], alphabet: "lower", min: 30, max: 30 },
  { name: "cexio", keywords: ["cex.io"], alphabet: "base62", min: 24, max: 27 },
  { name: "chartmogul", keywords: ["chartmogul"], alphabet: "lower", min: 32, max: 32 },
  { name: "chatfule", keywords: ["chatfuel"], alphabet: "base62", min: 128, max: 128 },
  { name: "checklyhq", keywords: ["checklyhq"], alphabet: "lower", min: 32, max: 32 },
  { name: "clarifai", keywords: ["clarifai"], alphabet: "base62", min: 32, max: 32 },
  { name: "clickhelp", keywords: ["clickhelp.co"], alphabet: "base62", min: 24, max: 24 },
  { name: "clientary", keywords: ["clientary"], alphabet: "base62", min: 24, max: 26 },
  { name: "clinchpad", keywords: ["clinchpad"], alphabet: "lower", min: 32, max: 32 },
  { name: "clockify", keywords: ["clockify"], alphabet: "base62", min: 48, max: 48 },
  { name: "cloudelements", keywords: ["cloudelements"], alphabet: "base62", min: 43, max: 43 },
  { name: "clustdoc", keywords: ["clustdoc"], alphabet: "base62", min: 60, max: 60 },
  { name: "coinlayer", keywords: ["coinlayer"], alphabet: "lower", min: 32, max: 32 },
  { name: "coinlib", keywords: ["coinlib"], alphabet: "lower", min: 16, max: 16 },
  { name: "companyhub", keywords: ["companyhub"], alphabet: "base62", min: 20, max: 20 },
  { name: "countrylayer", keywords: ["countrylayer"], alphabet: "lower", min: 32, max: 32 },
  { name: "craftmypdf", keywords: ["craftmypdf"], alphabet: "base62", min: 35, max: 35 },
  { name: "crowdin", keywords: ["crowdin"], alphabet: "base62", min: 80, max: 80 },
  { name: "currencycloud", keywords: ["currencycloud"], alphabet: "lower", min: 64, max: 64 },
  { name: "currencyfreaks", keywords: ["currencyfreaks"], alphabet: "lower", min: 32, max: 32 },
  { name: "currencylayer", keywords: ["currencylayer"], alphabet: "lower", min: 32, max: 32 },
  { name: "currencyscoop", keywords: ["currencyscoop"], alphabet: "lower", min: 32, max: 32 },
  { name: "dareboost", keywords: ["dareboost"], alphabet: "base62", min: 60, max: 60 },
  { name: "datagov", keywords: ["data.gov"], alphabet: "base62", min: 40, max: 40 },
  { name: "detectify", keywords: ["detectify"], alphabet: "lower", min: 32, max: 32 },
  { name: "detectlanguage", keywords: ["detectlanguage"], alphabet: "lower", min: 32, max: 32 },
  { name: "diffbot", keywords: ["diffbot"], alphabet: "lower", min: 32, max: 32 },
  { name: "diggernaut", keywords: ["diggernaut"], alphabet: "lower", min: 40, max: 40 },
  { name: "disqus", keywords: ["disqus"], alphabet: "base62", min: 64, max: 64 },
  { name: "docparser", keywords: ["docparser"], alphabet: "hex", min: 40, max: 40 },
  { name: "dronahq", keywords: ["dronahq"], alphabet: "lower", min: 50, max: 50 },
  { name: "dynalist", keywords: ["dynalist"], alphabet: "b64url", min: 128, max: 128 },
  { name: "dyspatch", keywords: ["dyspatch"], alphabet: "upper", min: 52, max: 52 },
  { name: "eagleeyenetworks", keywords: ["eagleeyenetworks"], alphabet: "base62", min: 15, max: 15 },
  { name: "easyinsight", keywords: ["easyinsight", "easy-insight"], alphabet: "base62", min: 20, max: 20 },
  { name: "edamam", keywords: ["edamam"], alphabet: "lower", min: 32, max: 32 },
  { name: "enablex", keywords: ["enablex"], alphabet: "base62", min: 36, max: 36 },
  { name: "eventbrite", keywords: ["eventbrite"], alphabet: "upper", min: 20, max: 20 },
  { name: "exchangerateapi", keywords: ["exchangerate", "exchange-rate"], alphabet: "hex", min: 24, max: 24 },
  { name: "exchangeratesapi", keywords: ["exchangerates"], alphabet: "lower", min: 32, max: 32 },
  { name: "faceplusplus", keywords: ["faceplusplus"], alphabet: "b64url", min: 32, max: 32 },
  { name: "financialmodelingprep", keywords: ["financialmodelingprep"], alphabet: "base62", min: 32, max: 32 },
  { name: "finnhub", keywords: ["finnhub"], alphabet: "lower", min: 20, max: 20 },
  { name: "flickr", keywords: ["flickr"], alphabet: "lower", min: 32, max: 32 },
  { name: "flightapi", keywords: ["flightapi"], alphabet: "lower", min: 24, max: 24 },
  { name: "flowflu", keywords: ["flowflu"], alphabet: "base62", min: 51, max: 51 },
  { name: "formcraft", keywords: ["formcraft"], alphabet: "lower", min: 16, max: 16 },
  { name: "foursquare", keywords: ["foursquare"], alphabet: "upper", min: 48, max: 48 },
  { name: "freshbooks", keywords: ["freshbooks"], alphabet: "lower", min: 64, max: 64 },
  { name: "geckoboard", keywords: ["geckoboard"], alphabet: "base62", min: 44, max: 44 },
  { name: "geoapify", keywords: ["geoapify"], alphabet: "lower", min: 32, max: 32 },
  { name: "geocodify", keywords: ["geocodify"], alphabet: "lower", min: 40, max: 40 },
  { name: "geocodio", keywords: ["geocod"], alphabet: "lower", min: 39, max: 39 },
  { name: "getgeoapi", keywords: ["getgeoapi"], alphabet: "lower", min: 40, max: 40 },
  { name: "glassnode", keywords: ["glassnode"], alphabet: "base62", min: 27, max: 27 },
  { name: "graphcms", keywords: ["graphcms"], alphabet: "lower", min: 25, max: 25 },
  { name: "gtmetrix", keywords: ["gtmetrix"], alphabet: "hex", min: 32, max: 32 },
  { name: "happyscribe", keywords: ["happyscribe"], alphabet: "base62", min: 24, max: 24 },
  { name: "hasura", keywords: ["hasura"], alphabet: "base62", min: 64, max: 64 },
  { name: "html2pdf", keywords: ["html2pdf"], alphabet: "base62", min: 64, max: 64 },
  { name: "hybiscus", keywords: ["hybiscus"], alphabet: "base62", min: 43, max: 43 },
  { name: "iconfinder", keywords: ["iconfinder"], alphabet: "base62", min: 64, max: 64 },
  { name: "instamojo", keywords: ["instamojo"], alphabet: "base62", min: 40, max: 40 },
  { name: "interseller", keywords: ["interseller"], alphabet: "hex", min: 32, max: 32, uuid: true },
  { name: "intrinio", keywords: ["intrinio"], alphabet: "base62", min: 44, max: 44 },
  { name: "invoiceocean", keywords: ["invoiceocean"], alphabet: "base62", min: 20, max: 20 },
  { name: "ip2location", keywords: ["ip2location"], alphabet: "upper", min: 32, max: 32 },
  { name: "ipgeolocation", keywords: ["ipgeolocation"], alphabet: "lower", min: 32, max: 32 },
  { name: "ipinfodb", keywords: ["ipinfodb"], alphabet: "lower", min: 64, max: 64 },
  { name: "ipquality", keywords: ["ipquality"], alphabet: "base62", min: 32, max: 32 },
  { name: "jupiterone", keywords: ["jupiterone"], alphabet: "base62", min: 76, max: 76 },
  { name: "karmacrm", keywords: ["karmacrm"], alphabet: "base62", min: 20, max: 20 },
  { name: "klipfolio", keywords: ["klipfolio"], alphabet: "hex", min: 40, max: 40 },
  { name: "knapsackpro", keywords: ["knapsackpro"], alphabet: "lower", min: 32, max: 32 },
  { name: "languagelayer", keywords: ["languagelayer"], alphabet: "lower", min: 32, max: 32 },
  { name: "lemlist", keywords: ["lemlist"], alphabet: "hex", min: 32, max: 32 },
  { name: "linkpreview", keywords: ["linkpreview"], alphabet: "base62", min: 32, max: 32 },
  { name: "liveagent", keywords: ["liveagent", "ladesk"], alphabet: "base62", min: 32, max: 32 },
  { name: "loadmill", keywords: ["loadmill"], alphabet: "base62", min: 40, max: 40 },
  { name: "loginradius", keywords: ["loginradius"], alphabet: "hex", min: 32, max: 32, uuid: true },
  { name: "lokalisetoken", keywords: ["lokalise"], alphabet: "lower", min: 40, max: 40 },
  { name: "lunchmoney", keywords: ["lunchmoney"], alphabet: "hex", min: 50, max: 50 },
  { name: "madkudu", keywords: ["madkudu"], alphabet: "hex", min: 32, max: 32 },
  { name: "mailboxlayer", keywords: ["mailboxlayer"], alphabet: "lower", min: 32, max: 32 },
  { name: "mapquest", keywords: ["mapquest"], alphabet: "base62", min: 32, max: 32 },
  { name: "marketstack", keywords: ["marketstack"], alphabet: "lower", min: 32, max: 32 },
  { name: "mavenlink", keywords: ["mavenlink"], alphabet: "lower", min: 64, max: 64 },
  { name: "meaningcloud", keywords: ["meaningcloud"], alphabet: "lower", min: 32, max: 32 },
  { name: "mediastack", keywords: ["mediastack"], alphabet: "lower", min: 32, max: 32 },
  { name: "meistertask", keywords: ["meistertask"], alphabet: "base62", min: 43, max: 43 },
  { name: "mesibo", keywords: ["mesibo"], alphabet: "base62", min: 64, max: 64 },
  { name: "metaapi", keywords: ["metaapi", "meta-api"], alphabet: "hex", min: 64, max: 64 },
  { name: "metrilo", keywords: ["metrilo"], alphabet: "lower", min: 16, max: 16 },
  { name: "mindmeister", keywords: ["mindmeister"], alphabet: "base62", min: 43, max: 43 },
  { name: "mixmax", keywords: ["mixmax"], alphabet: "b64url", min: 36, max: 36 },
  { name: "monkeylearn", keywords: ["monkeylearn"], alphabet: "hex", min: 40, max: 40 },
  { name: "moonclerk", keywords: ["moonclerk"], alphabet: "lower", min: 32, max: 32 },
  { name: "moralis", keywords: ["moralis"], alphabet: "base62", min: 64, max: 64 },
  { name: "nasdaqdatalink", keywords: ["nasdaq"], alphabet: "b64url", min: 20, max: 20 },
  { name: "netsuite", keywords: ["netsuite"], alphabet: "base62", min: 64, max: 64 },
  { name: "neutrinoapi", keywords: ["neutrinoapi"], alphabet: "base62", min: 48, max: 48 },
  { name: "nicereply", keywords: ["nicereply"], alphabet: "hex", min: 40, max: 40 },
  { name: "nimble", keywords: ["nimble"], alphabet: "base62", min: 30, max: 30 },
  { name: "noticeable", keywords: ["noticeable"], alphabet: "base62", min: 20, max: 20 },
  { name: "numverify", keywords: ["numverify"], alphabet: "lower", min: 32, max: 32 },
  { name: "nutritionix", keywords: ["nutritionix"], alphabet: "lower", min: 32, max: 32 },
  { name: "onepagecrm", keywords: ["onepagecrm"], alphabet: "lower", min: 24, max: 24 },
  { name: "onfleet", keywords: ["onfleet"], alphabet: "lower", min: 32, max: 32 },
  { name: "oopspam", keywords: ["oopspam"], alphabet: "base62", min: 40, max: 40 },
  { name: "opencagedata", keywords: ["opencagedata"], alphabet: "lower", min: 32, max: 32 },
  { name: "openuv", keywords: ["openuv"], alphabet: "lower", min: 32, max: 32 },
  { name: "openweather", keywords: ["openweather"], alphabet: "lower", min: 32, max: 32 },
  { name: "owlbot", keywords: ["owlbot"], alphabet: "lower", min: 40, max: 40 },
  { name: "pandadoc", keywords: ["pandadoc"], alphabet: "base62", min: 40, max: 40 },
  { name: "paralleldots", keywords: ["paralleldots"], alphabet: "base62", min: 43, max: 43 },
  { name: "parsehub", keywords: ["parsehub"], alphabet: "base62", min: 12, max: 12 },
  { name: "parsers", keywords: ["parsers"], alphabet: "lower", min: 64, max: 64 },
  { name: "parseur", keywords: ["parseur"], alphabet: "hex", min: 40, max: 40 },
  { name: "partnerstack", keywords: ["partnerstack"], alphabet: "base62", min: 64, max: 64 },
  { name: "pastebin", keywords: ["pastebin"], alphabet: "word", min: 32, max: 32 },
  { name: "paydirtapp", keywords: ["paydirtapp"], alphabet: "lower", min: 32, max: 32 },
  { name: "paymoapp", keywords: ["paymoapp"], alphabet: "base62", min: 44, max: 44 },
  { name: "pdflayer", keywords: ["pdflayer"], alphabet: "lower", min: 32, max: 32 },
  { name: "pdfshift", keywords: ["pdfshift"], alphabet: "hex", min: 32, max: 32 },
  { name: "peopledatalabs", keywords: ["peopledatalabs"], alphabet: "lower", min: 64, max: 64 },
  { name: "phraseaccesstoken", keywords: ["phrase"], alphabet: "lower", min: 64, max: 64 },
  { name: "pinata", keywords: ["pinata"], alphabet: "lower", min: 64, max: 64 },
  { name: "pipedream", keywords: ["pipedream"], alphabet: "lower", min: 32, max: 32 },
  { name: "planviewleankit", keywords: ["planviewleankit", "planview"], alphabet: "hex", min: 128, max: 128 },
  { name: "planyo", keywords: ["planyo"], alphabet: "lower", min: 62, max: 62 },
  { name: "pollsapi", keywords: ["pollsapi"], alphabet: "upper", min: 28, max: 28 },
  { name: "positionstack", keywords: ["positionstack"], alphabet: "word", min: 32, max: 32 },
  { name: "postageapp", keywords: ["postageapp"], alphabet: "base62", min: 32, max: 32 },
  { name: "postbacks", keywords: ["postbacks"], alphabet: "hex", min: 32, max: 32, uuid: true },
  { name: "prodpad", keywords: ["prodpad"], alphabet: "hex", min: 64, max: 64 },
  { name: "protocolsio", keywords: ["protocols"], alphabet: "lower", min: 64, max: 64 },
  { name: "proxycrawl", keywords: ["proxycrawl"], alphabet: "word", min: 22, max: 22 },
  { name: "purestake", keywords: ["purestake"], alphabet: "base62", min: 40, max: 40 },
  { name: "reachmail", keywords: ["reachmail"], alphabet: "b64url", min: 64, max: 64 },
  { name: "rebrandly", keywords: ["rebrandly"], alphabet: "word", min: 32, max: 32 },
  { name: "redhatpyxis", keywords: ["redhat"], alphabet: "lower", min: 32, max: 32 },
  { name: "replyio", keywords: ["replyio"], alphabet: "base62", min: 24, max: 24 },
  { name: "restpackhtmltopdfapi", keywords: ["restpack"], alphabet: "base62", min: 48, max: 48 },
  { name: "restpackscreenshotapi", keywords: ["restpack"], alphabet: "base62", min: 48, max: 48 },
  { name: "ritekit", keywords: ["ritekit"], alphabet: "hex", min: 44, max: 44 },
  { name: "route4me", keywords: ["route4me"], alphabet: "upper", min: 32, max: 32 },
  { name: "runrunit", keywords: ["runrunit"], alphabet: "hex", min: 32, max: 32 },
  { name: "salesflare", keywords: ["salesflare"], alphabet: "word", min: 45, max: 45 },
  { name: "satismeterprojectkey", keywords: ["satismeter"], alphabet: "base62", min: 24, max: 24 },
  { name: "scrapeowl", keywords: ["scrapeowl"], alphabet: "lower", min: 30, max: 30 },
  { name: "scraperapi", keywords: ["scraperapi"], alphabet: "lower", min: 32, max: 32 },
  { name: "scraperbox", keywords: ["scraperbox"], alphabet: "upper", min: 32, max: 32 },
  { name: "scrapestack", keywords: ["scrapestack"], alphabet: "lower", min: 32, max: 32 },
  { name: "scrapingant", keywords: ["scrapingant"], alphabet: "lower", min: 32, max: 32 },
  { name: "scrapingbee", keywords: ["scrapingbee", "scraping-bee", "scraping_bee"], alphabet: "upper", min: 80, max: 80 },
  { name: "screenshotlayer", keywords: ["screenshotlayer"], alphabet: "word", min: 32, max: 32 },
  { name: "scrutinizerci", keywords: ["scrutinizer"], alphabet: "lower", min: 64, max: 64 },
  { name: "semaphore", keywords: ["semaphore.co"], alphabet: "lower", min: 32, max: 32 },
  { name: "serphouse", keywords: ["serphouse"], alphabet: "base62", min: 60, max: 60 },
  { name: "serpstack", keywords: ["serpstack"], alphabet: "lower", min: 32, max: 32 },
  { name: "sheety", keywords: ["sheety"], alphabet: "lower", min: 64, max: 64 },
  { name: "sherpadesk", keywords: ["sherpadesk"], alphabet: "lower", min: 32, max: 32 },
  { name: "shotstack", keywords: ["shotstack"], alphabet: "base62", min: 40, max: 40 },
  { name: "shutterstock", keywords: ["shutterstock"], alphabet: "base62", min: 32, max: 32 },
  { name: "signalwire", keywords: ["signalwire"], alphabet: "base62", min: 50, max: 50 },
  { name: "signaturit", keywords: ["signaturit"], alphabet: "base62", min: 86, max: 86 },
  { name: "signupgenius", keywords: ["signupgenius"], alphabet: "base62", min: 32, max: 32 },
  { name: "sigopt", keywords: ["sigopt"], alphabet: "upper", min: 48, max: 48 },
  { name: "simfin", keywords: ["simfin"], alphabet: "base62", min: 32, max: 32 },
  { name: "simvoly", keywords: ["simvoly"], alphabet: "lower", min: 33, max: 33 },
  { name: "skybiometry", keywords: ["skybiometry"], alphabet: "lower", min: 25, max: 26 },
  { name: "smartystreets", keywords: ["smartystreets"], alphabet: "base62", min: 20, max: 20 },
  { name: "spoonacular", keywords: ["spoonacular"], alphabet: "lower", min: 32, max: 32 },
  { name: "sportsmonk", keywords: ["sportsmonk"], alphabet: "base62", min: 60, max: 60 },
  { name: "sslmate", keywords: ["sslmate"], alphabet: "base62", min: 36, max: 36 },
  { name: "statuspal", keywords: ["statuspal"], alphabet: "base62", min: 32, max: 32 },
  { name: "stockdata", keywords: ["stockdata"], alphabet: "base62", min: 40, max: 40 },
  { name: "storecove", keywords: ["storecove"], alphabet: "b64url", min: 43, max: 43 },
  { name: "stormboard", keywords: ["stormboard"], alphabet: "hex", min: 40, max: 40 },
  { name: "sugester", keywords: ["sugester"], alphabet: "base62", min: 32, max: 32 },
  { name: "surveysparrow", keywords: ["surveysparrow"], alphabet: "b64url", min: 88, max: 88 },
  { name: "survicate", keywords: ["survicate"], alphabet: "lower", min: 32, max: 32 },
  { name: "taxjar", keywords: ["taxjar"], alphabet: "lower", min: 32, max: 32 },
  { name: "teamgate", keywords: ["teamgate"], alphabet: "lower", min: 40, max: 40 },
  { name: "technicalanalysisapi", keywords: ["technicalanalysisapi"], alphabet: "upper", min: 48, max: 48 },
  { name: "tefter", keywords: ["tefter"], alphabet: "base62", min: 20, max: 20 },
  { name: "theoddsapi", keywords: ["theoddsapi", "the-odds-api"], alphabet: "hex", min: 32, max: 32 },
  { name: "thinkific", keywords: ["thinkific"], alphabet: "hex", min: 32, max: 32 },
  { name: "thousandeyes", keywords: ["thousandeyes"], alphabet: "base62", min: 32, max: 32 },
  { name: "ticketmaster", keywords: ["ticketmaster"], alphabet: "base62", min: 32, max: 32 },
  { name: "tiingo", keywords: ["tiingo"], alphabet: "lower", min: 40, max: 40 },
  { name: "timecamp", keywords: ["timecamp"], alphabet: "lower", min: 26, max: 26 },
  { name: "tmetric", keywords: ["tmetric"], alphabet: "upper", min: 64, max: 64 },
  { name: "tokeet", keywords: ["tokeet"], alphabet: "hex", min: 32, max: 32, uuid: true },
  { name: "tomorrowio", keywords: ["tomorrow"], alphabet: "base62", min: 32, max: 32 },
  { name: "tradier", keywords: ["tradier"], alphabet: "base62", min: 28, max: 28 },
  { name: "travelpayouts", keywords: ["travelpayouts"], alphabet: "lower", min: 32, max: 32 },
  { name: "twelvedata", keywords: ["twelvedata"], alphabet: "lower", min: 32, max: 32 },
  { name: "tyntec", keywords: ["tyntec"], alphabet: "base62", min: 32, max: 32 },
  { name: "typetalk", keywords: ["typetalk"], alphabet: "base62", min: 64, max: 64 },
  { name: "upcdatabase", keywords: ["upcdatabase"], alphabet: "upper", min: 32, max: 32 },
  { name: "uploadcare", keywords: ["uploadcare"], alphabet: "lower", min: 20, max: 20 },
  { name: "upwave", keywords: ["upwave"], alphabet: "lower", min: 32, max: 32 },
  { name: "userstack", keywords: ["userstack"], alphabet: "lower", min: 32, max: 32 },
  { name: "vatlayer", keywords: ["vatlayer"], alphabet: "lower", min: 32, max: 32 },
  { name: "verifier", keywords: ["verifier"], alphabet: "lower", min: 96, max: 96 },
  { name: "verimail", keywords: ["verimail"], alphabet: "upper", min: 32, max: 32 },
  { name: "veriphone", keywords: ["veriphone"], alphabet: "upper", min: 32, max: 32 },
  { name: "visualcrossing", keywords: ["visualcrossing"], alphabet: "upper", min: 25, max: 25 },
  { name: "voodoosms", keywords: ["voodoosms"], alphabet: "base62", min: 46, max: 46 },
  { name: "walkscore", keywords: ["walkscore"], alphabet: "lower", min: 32, max: 32 },
  { name: "weatherbit", keywords: ["weatherbit"], alphabet: "lower", min: 32, max: 32 },
  { name: "weatherstack", keywords: ["weatherstack"], alphabet: "lower", min: 32, max: 32 },
  { name: "webscraper", keywords: ["webscraper"], alphabet: "base62", min: 60, max: 60 },
  { name: "webscraping", keywords: ["webscraping"], alphabet: "base62", min: 32, max: 32 },
  { name: "websitepulse", keywords: ["websitepulse"], alphabet: "hex", min: 32, max: 32 },
  { name: "wistia", keywords: ["wistia"], alphabet: "lower", min: 64, max: 64 },
  { name: "worksnaps", keywords: ["worksnaps"], alphabet: "base62", min: 40, max: 40 },
  { name: "worldcoinindex", keywords: ["worldcoinindex"], alphabet: "base62", min: 35, max: 35 },
  { name: "worldweather", keywords: ["worldweather"], alphabet: "lower", min: 31, max: 31 },
  { name: "youneedabudget", keywords: ["youneedabudget"], alphabet: "hex", min: 64, max: 64 },
  { name: "yousign", keywords: ["yousign"], alphabet: "lower", min: 32, max: 32 },
  { name: "zenrows", keywords: ["zenrows"], alphabet: "hex", min: 40, max: 40 },
  { name: "zenscrape", keywords: ["zenscrape"], alphabet: "hex", min: 32, max: 32, uuid: true },
  { name: "zerobounce", keywords: ["zerobounce"], alphabet: "lower", min: 32, max: 32 },
  { name: "zipcodeapi", keywords: ["zipcodeapi"], alphabet: "base62", min: 64, max: 64 },
  { name: "zipcodebase", keywords: ["zipcodebase"], alphabet: "hex", min: 32, max: 32, uuid: true }
];

// src/core/secrets/detectors/table.ts
var ALPHABETS = {
  hex: "0123456789abcdef",
  HEX: "0123456789ABCDEF",
  base62: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  lower: "0123456789abcdefghijklmnopqrstuvwxyz",
  upper: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  b64url: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-",
  b64: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/",
  digits: "0123456789",
  word: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_",
  dotted: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._",
  b64dot: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._+/",
  bbdc: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/@_-",
  hexAny: "0123456789abcdefABCDEF",
  alpha: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  lowerDash: "0123456789abcdefghijklmnopqrstuvwxyz-",
  alnumDash: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"
};
var CLASS = {
  hex: "0-9a-f",
  HEX: "0-9A-F",
  base62: "0-9A-Za-z",
  lower: "0-9a-z",
  upper: "0-9A-Z",
  b64url: "0-9A-Za-z_\\-",
  b64: "0-9A-Za-z+/",
  digits: "0-9",
  word: "0-9A-Za-z_",
  dotted: "0-9A-Za-z._",
  b64dot: "0-9A-Za-z._+/",
  bbdc: "0-9A-Za-z+/@_\\-",
  hexAny: "0-9a-fA-F",
  alpha: "A-Za-z",
  lowerDash: "0-9a-z\\-",
  alnumDash: "0-9A-Za-z\\-"
};
var lit = (...options) => ({ kind: "lit", options });
var run2 = (alphabet, min, max = min) => ({ kind: "run", alphabet, min, max });
var uuid = (upper = false) => ({ kind: "uuid", upper, v4: false });
var uuid4 = () => ({ kind: "uuid", upper: false, v4: true });
var escape2 = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function partsSource(parts) {
  return parts.map((p) => {
    if (p.kind === "lit") return p.options.length === 1 ? escape2(p.options[0]) : `(?:${p.options.map(escape2).join("|")})`;
    if (p.kind === "uuid") {
      const h = p.upper ? "[0-9A-Fa-f]" : "[0-9a-f]";
      if (p.v4) return `${h}{8}-${h}{4}-4${h}{3}-[89ab]${h}{3}-${h}{12}`;
      return `${h}{8}-${h}{4}-${h}{4}-${h}{4}-${h}{12}`;
    }
    return `[${CLASS[p.alphabet]}]{${p.min}${p.max === p.min ? "" : `,${p.max}`}}`;
  }).join("");
}
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function seedOf(text3) {
  let h = 2166136261;
  for (let i = 0; i < text3.length; i++) h = Math.imul(h ^ text3.charCodeAt(i), 16777619);
  return h >>> 0;
}
function draw(alphabet, n, random) {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
function generate(parts, random) {
  return parts.map((p) => {
    if (p.kind === "lit") return p.options[Math.floor(random() * p.options.length)];
    if (p.kind === "uuid") {
      const a = p.upper ? ALPHABETS.HEX : ALPHABETS.hex;
      const groups = [8, 4, 4, 4, 12].map((n) => draw(a, n, random));
      if (p.v4) {
        groups[2] = "4" + groups[2].slice(1);
        groups[3] = "89ab"[Math.floor(random() * 4)] + groups[3].slice(1);
      }
      return groups.join("-");
    }
    return draw(ALPHABETS[p.alphabet], p.min + Math.floor(random() * (p.max - p.min + 1)), random);
  }).join("");
}
function truncated(parts, random) {
  const shortest = parts.map((p) => p.kind === "run" ? { ...p, max: p.min } : p);
  return generate(shortest, random).slice(0, -1);
}
function defaultEntropy(parts) {
  const body = parts.filter((p) => p.kind !== "lit");
  const length = body.reduce((n, p) => n + (p.kind === "uuid" ? 32 : p.kind === "run" ? p.min : 0), 0);
  if (length < 8) return 0;
  const small = body.every((p) => p.kind === "uuid" || p.kind === "run" && (p.alphabet === "hex" || p.alphabet === "HEX" || p.alphabet === "hexAny" || p.alphabet === "digits"));
  if (small) return length < 24 ? 2.3 : 2.5;
  return length < 20 ? 2.5 : length < 28 ? 2.8 : 3.1;
}
var CREDENTIAL_WORDS = ["key", "token", "secret", "passw", "pwd", "auth", "cred", "bearer", "sig", "license"];
var COMMON_IN_CODE = /* @__PURE__ */ new Set(["pat", "private"]);
var info = /* @__PURE__ */ new WeakMap();
function edgesOf(parts) {
  const classAt = (p, end) => {
    if (!p || p.kind !== "run") return "";
    const b64 = p.alphabet === "b64" || p.alphabet === "b64dot" || p.alphabet === "bbdc";
    return CLASS[p.alphabet] + (end && b64 ? "=" : "");
  };
  return { edge: WORD + classAt(parts[0], false), tail: WORD + classAt(parts[parts.length - 1], true) };
}
function withSamples(fields, draw2) {
  let samples;
  return Object.defineProperty(fields, "samples", {
    enumerable: true,
    configurable: true,
    get: () => samples ??= draw2()
  });
}
function prefixed(row) {
  const first = row.parts[0];
  if (first.kind !== "lit" && !row.keywords) throw new Error(`${row.id}: a row without a leading literal names its keywords`);
  const prefix = first.kind === "lit" && first.options.length === 1 ? first.options[0] : void 0;
  const edges = edgesOf(row.parts);
  const edge2 = row.edge ?? edges.edge;
  const tail = row.tail ?? edges.tail;
  const contexts = row.samples?.contexts ?? [`${row.provider.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_TOKEN=\xA7`, `  token: "\xA7"`];
  const detector = withSamples(
    {
      id: row.id,
      title: row.title,
      provider: row.provider,
      level: row.level ?? "error",
      keywords: row.keywords ?? (first.kind === "lit" ? [...new Set(first.options.map((o) => o.toLowerCase()))] : []),
      pattern: new RegExp(`(?<![${edge2}])(?<secret>${partsSource(row.parts)})(?![${tail}])`),
      entropy: row.entropy ?? defaultEntropy(row.parts),
      redactPrefix: prefix
    },
    () => {
      const random = prng(seedOf(row.id));
      const short = truncated(row.parts, random);
      return {
        positive: [...contexts.map((c) => at(c, generate(row.parts, random))), ...row.samples?.positive ?? []],
        negative: [contexts[0].replace("\xA7", () => short), ...row.samples?.negative ?? []]
      };
    }
  );
  info.set(detector, { kind: "prefixed", parts: row.parts, contexts });
  return detector;
}
function keyed(row) {
  const { edge: edge2, tail } = edgesOf(row.parts);
  const gap = row.gap ?? 40;
  const credential = row.credential ?? true;
  const words = row.words.map(ci).join("|");
  const ownWords = new Set(row.words.map((w) => w.toLowerCase()));
  const credentialWords = row.credentialWords ?? CREDENTIAL_WORDS;
  const CREDENTIAL = `(?:${credentialWords.map(ci).join("|")})`;
  const body = `(?<![${edge2}])(?<secret>${partsSource(row.parts)})(?![${tail}])`;
  const sameLine = credential ? `[^\\x00]{0,${gap}}?${CREDENTIAL}[^\\n]{0,${gap}}?` : `[^\\x00]{0,${gap}}?`;
  const nextLine = credential ? `[\\w.-]{0,40}?${CREDENTIAL}[\\w.-]{0,40}["']?[ \\t]*\\s{1,40}?value:[ \\t]*["']?` : `[\\w.-]{0,40}["']?[ \\t]*\\s{1,40}?value:[ \\t]*["']?`;
  const pattern = new RegExp(`(?:${words})(?:${sameLine}|${nextLine})${body}`);
  const plain = row.words.find((w) => /^[a-z0-9_-]+$/i.test(w));
  const name3 = (plain ?? row.words[0]).toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/_$/, "");
  const contexts = row.samples?.contexts ?? (plain ? [`${name3}_API_KEY=\xA7`, `${name3.toLowerCase()}_token: "\xA7"`] : [`${row.words[0]} api_key = "\xA7"`, `# ${row.words[0]} token: \xA7`]);
  const detector = withSamples(
    {
      id: row.id,
      title: row.title,
      provider: row.provider,
      level: row.level ?? "error",
      keywords: [...new Set(row.words.map((w) => w.toLowerCase()))],
      pattern,
      entropy: row.entropy ?? defaultEntropy(row.parts),
      // A value that is the provider's own word (`words: ["myintervals"]` in a table like this one) names it, it is not a key.
      validate: (secret2) => !isIdentifierLike(secret2) && !ownWords.has(secret2.toLowerCase()),
      contextual: true,
      // Both name parts put the credential word at most `gap` (same line) or 40 (the `name:` line)
      // characters after the provider's word the match opens with.
      companions: credential && !credentialWords.some((w) => COMMON_IN_CODE.has(w.toLowerCase())) ? { words: [...new Set(credentialWords.map((w) => w.toLowerCase()))], within: Math.max(gap, 40) } : void 0
    },
    () => {
      const random = prng(seedOf(row.id));
      const short = truncated(row.parts, random);
      const negatives = [];
      negatives.push(contexts[0].replace("\xA7", () => short));
      negatives.push(`BUILD_ID=${generate(row.parts, random)}`);
      if (credential) negatives.push(`${name3}_BUILD_NUMBER=${generate(row.parts, random)}`);
      return {
        positive: [...contexts.map((c) => at(c, generate(row.parts, random))), ...row.samples?.positive ?? []],
        negative: [...negatives, ...row.samples?.negative ?? []]
      };
    }
  );
  info.set(detector, { kind: "keyed", parts: row.parts, contexts });
  return detector;
}

// src/core/secrets/detectors/keyed.ts
function uuidShaped(alphabet) {
  return [run2(alphabet, 8), lit("-"), run2(alphabet, 4), lit("-"), run2(alphabet, 4), lit("-"), run2(alphabet, 4), lit("-"), run2(alphabet, 12)];
}
function dashed(alphabet, n) {
  const ends = alphabet === "lowerDash" ? "lower" : "base62";
  return [run2(ends, 1), run2(alphabet, n - 2), run2(ends, 1)];
}
function jwt(header, payload, signature) {
  return [lit(header), run2("base62", payload[0], payload[1]), lit("."), run2("b64url", signature[0], signature[1])];
}
var rows = [
  // CI/CD and developer tools
  { id: "circleci-token", provider: "CircleCI", title: "CircleCI API token", words: ["circleci", "circle_token", "circle-token"], parts: [run2("hex", 40)] },
  { id: "buildkite-token", provider: "Buildkite", title: "Buildkite API token (legacy)", words: ["buildkite"], parts: [run2("lower", 40)] },
  { id: "travis-ci-token", provider: "Travis CI", title: "Travis CI API token", words: ["travis"], parts: [run2("word", 22)] },
  { id: "drone-ci-token", provider: "Drone", title: "Drone CI token", words: ["drone_token", "drone_server_token", "drone-token", "drone_api", "drone_rpc_secret"], parts: [run2("base62", 32)], credential: false },
  { id: "octopus-deploy-api-key", provider: "Octopus Deploy", title: "Octopus Deploy API key", words: ["octopus"], parts: [lit("API-"), run2("upper", 26, 34)], credential: false },
  { id: "sourcegraph-token", provider: "Sourcegraph", title: "Sourcegraph access token", words: ["sourcegraph", "src_access_token"], parts: [run2("hex", 40)] },
  { id: "jira-data-center-pat", provider: "Atlassian", title: "Jira / Confluence Data Center personal access token", words: ["jira", "confluence"], parts: [lit("M", "N", "O"), run2("b64", 43)] },
  { id: "codacy-token", provider: "Codacy", title: "Codacy API token", words: ["codacy"], parts: [run2("base62", 20)] },
  { id: "codeclimate-token", provider: "Code Climate", title: "Code Climate reporter id / token", words: ["codeclimate", "cc_test_reporter", "code_climate"], parts: [run2("hex", 64)], credential: false },
  { id: "coveralls-token", provider: "Coveralls", title: "Coveralls repo token", words: ["coveralls"], parts: [run2("base62", 32, 37)] },
  { id: "codemagic-token", provider: "Codemagic", title: "Codemagic API token", words: ["codemagic"], parts: [run2("b64url", 43)] },
  { id: "percy-token", provider: "Percy", title: "Percy project token", words: ["percy"], parts: [run2("hex", 64)] },
  { id: "browserstack-access-key", provider: "BrowserStack", title: "BrowserStack access key", words: ["browserstack"], parts: [run2("base62", 20)] },
  { id: "saucelabs-access-key", provider: "Sauce Labs", title: "Sauce Labs access key", words: ["saucelabs", "sauce_access", "sauce-access"], parts: uuidShaped("lower") },
  { id: "testingbot-secret", provider: "TestingBot", title: "TestingBot secret", words: ["testingbot"], parts: [run2("lower", 32)] },
  { id: "packagecloud-token", provider: "packagecloud", title: "packagecloud API token", words: ["packagecloud"], parts: [run2("hex", 48)] },
  { id: "rapidapi-key", provider: "RapidAPI", title: "RapidAPI key", words: ["rapidapi"], parts: [run2("b64url", 50)] },
  { id: "github-oauth-client-secret", provider: "GitHub", title: "GitHub OAuth app client secret", words: ["github", "gh_"], credentialWords: ["client_secret", "clientsecret", "client-secret", "oauth_secret", "app_secret"], parts: [run2("hex", 40)], samples: { positive: [], negative: [] } },
  // Cloud
  { id: "azure-cosmos-key", provider: "Azure", title: "Azure Cosmos DB key", words: ["cosmos", "documents.azure.com"], parts: [run2("b64", 86), lit("==")] },
  { id: "azure-search-key", provider: "Azure", title: "Azure AI Search admin or query key", words: ["search.windows.net", "azure_search", "azuresearch", "azure-search", "search_service"], parts: [run2("base62", 52)] },
  { id: "azure-apim-subscription-key", provider: "Azure", title: "Azure API Management subscription key", words: ["ocp-apim-subscription-key", "azure-api.net", "apim_subscription", "apim-subscription"], parts: [run2("hex", 32)], credential: false },
  { id: "azure-functions-key", provider: "Azure", title: "Azure Functions key", words: ["x-functions-key", "azurewebsites.net/api", "function_key", "functions_key"], parts: [run2("b64url", 52, 56), lit("==")], credential: false },
  { id: "azure-batch-key", provider: "Azure", title: "Azure Batch account key", words: ["batch.azure.com", "azure_batch", "batch_account"], parts: [run2("b64", 86), lit("==")] },
  { id: "salesforce-session-id", provider: "Salesforce", title: "Salesforce session id / access token", words: ["salesforce", "force.com", "sfdc"], parts: [lit("00"), run2("base62", 13), lit("!"), run2("dotted", 90, 110)], credential: false },
  { id: "aiven-token", provider: "Aiven", title: "Aiven API token", words: ["aiven"], parts: [run2("b64", 372)] },
  { id: "qubole-token", provider: "Qubole", title: "Qubole API token", words: ["qubole"], parts: [run2("lower", 64)] },
  { id: "zerotier-token", provider: "ZeroTier", title: "ZeroTier API token", words: ["zerotier"], parts: [run2("base62", 32)] },
  // AI
  { id: "braintrust-api-key", provider: "Braintrust", title: "Braintrust API key", words: ["braintrust"], parts: [lit("sk-"), run2("base62", 48)] },
  // Payments, finance
  { id: "paypal-client-secret", provider: "PayPal", title: "PayPal REST client secret", words: ["paypal"], parts: [lit("E"), run2("b64url", 79)] },
  { id: "braintree-private-key", provider: "PayPal Braintree", title: "Braintree API private key", words: ["braintree"], credentialWords: ["private", "secret", "key"], parts: [run2("hex", 32)], samples: { positive: [], negative: [] } },
  // Mollie's own API clients accept `live_`/`test_` + at least 30 word characters (issued keys have 30 alphanumerics).
  { id: "mollie-api-key", provider: "Mollie", title: "Mollie API key", words: ["mollie"], parts: [lit("live_", "test_"), run2("base62", 30)], credential: false, samples: { positive: [], negative: [] } },
  { id: "paymongo-secret-key", provider: "PayMongo", title: "PayMongo secret key", words: ["paymongo"], parts: [lit("sk_live_", "sk_test_"), run2("base62", 24, 32)], credential: false },
  { id: "dwolla-secret", provider: "Dwolla", title: "Dwolla key or secret", words: ["dwolla"], parts: [run2("base62", 50)] },
  { id: "wise-api-token", provider: "Wise", title: "Wise (TransferWise) API token", words: ["transferwise", "wise_api", "wise-api", "wise_token", "wiseapi"], parts: [uuid(true)], credential: false },
  { id: "kraken-api-secret", provider: "Kraken", title: "Kraken API secret", words: ["kraken"], parts: [run2("b64", 86), lit("==")] },
  { id: "kucoin-api-secret", provider: "KuCoin", title: "KuCoin API secret", words: ["kucoin"], parts: [uuid(true)], credential: false },
  { id: "squarespace-api-key", provider: "Squarespace", title: "Squarespace API key", words: ["squarespace"], parts: [uuid(true)] },
  { id: "kucoin-api-key", provider: "KuCoin", title: "KuCoin API key", words: ["kucoin"], parts: [run2("hex", 24)], credential: false },
  { id: "bitfinex-api-key", provider: "Bitfinex", title: "Bitfinex API key or secret", words: ["bitfinex"], parts: [run2("b64url", 43)] },
  { id: "etherscan-api-key", provider: "Etherscan", title: "Etherscan API key", words: ["etherscan", "bscscan", "polygonscan"], parts: [run2("upper", 34)] },
  { id: "infura-api-key", provider: "Infura", title: "Infura API key", words: ["infura"], parts: [run2("hex", 32)], credential: false },
  { id: "alchemy-api-key", provider: "Alchemy", title: "Alchemy API key", words: ["alchemy"], parts: [run2("b64url", 32)] },
  // Observability
  // InfluxDB 2.x API token: 64 random bytes in URL-safe base64 (InfluxDB's token generator), 86 characters + `==`.
  { id: "influxdb-token", provider: "InfluxDB", title: "InfluxDB API token", words: ["influx"], parts: [run2("b64url", 86), lit("==")], samples: { positive: [], negative: [] } },
  { id: "logzio-token", provider: "Logz.io", title: "Logz.io token", words: ["logz"], parts: [uuid(true)] },
  { id: "loggly-token", provider: "Loggly", title: "Loggly customer token", words: ["loggly"], parts: uuidShaped("lower"), credential: false },
  { id: "signalfx-token", provider: "Splunk Observability", title: "Splunk Observability (SignalFx) access token", words: ["signalfx", "x-sf-token", "sfx_token", "splunk_access_token", "splunk_observability"], parts: [run2("base62", 22)], credential: false },
  { id: "betterstack-token", provider: "Better Stack", title: "Better Stack / Logtail source token", words: ["betterstack", "better_stack", "logtail"], parts: [run2("base62", 24)] },
  { id: "opsgenie-api-key", provider: "Opsgenie", title: "Opsgenie API key", words: ["opsgenie", "geniekey"], parts: [uuid(true)], credential: false },
  { id: "statuspage-api-key", provider: "Atlassian Statuspage", title: "Statuspage API key", words: ["statuspage"], parts: [uuid(true)] },
  { id: "uptimerobot-api-key", provider: "UptimeRobot", title: "UptimeRobot API key", words: ["uptimerobot", "uptime_robot"], parts: [lit("u", "m", "ur"), run2("digits", 6, 9), lit("-"), run2("hex", 24)] },
  { id: "statuscake-api-key", provider: "StatusCake", title: "StatusCake API key", words: ["statuscake"], parts: [run2("base62", 20)] },
  { id: "airbrake-project-key", provider: "Airbrake", title: "Airbrake project key", words: ["airbrake"], parts: dashed("alnumDash", 32) },
  { id: "airbrake-user-key", provider: "Airbrake", title: "Airbrake user key", words: ["airbrake"], parts: dashed("alnumDash", 40) },
  { id: "solarwinds-token", provider: "SolarWinds", title: "SolarWinds Observability token", words: ["solarwinds", "swo_api", "swo_token"], parts: [run2("b64url", 71)] },
  { id: "sentry-auth-token-legacy", provider: "Sentry", title: "Sentry auth token (legacy)", words: ["sentry"], parts: [run2("hex", 64)] },
  // Messaging, support, marketing
  { id: "sinch-api-token", provider: "Sinch", title: "Sinch API token", words: ["sinch"], parts: [run2("lower", 32)] },
  { id: "pusher-channels-secret", provider: "Pusher", title: "Pusher Channels secret", words: ["pusher"], credentialWords: ["secret"], parts: [run2("hex", 20)], samples: { positive: [], negative: [] } },
  { id: "sendbird-api-token", provider: "Sendbird", title: "Sendbird API token", words: ["sendbird"], parts: [run2("hex", 40)] },
  { id: "freshdesk-api-key", provider: "Freshdesk", title: "Freshdesk API key", words: ["freshdesk"], parts: [run2("base62", 20)] },
  { id: "helpscout-api-key", provider: "Help Scout", title: "Help Scout API key", words: ["helpscout", "help_scout"], parts: [run2("lower", 40)] },
  { id: "webex-bot-token", provider: "Webex", title: "Webex bot token", words: ["webex", "ciscospark", "spark_access_token", "spark_bot"], parts: [run2("base62", 64), lit("_"), run2("base62", 4), lit("_"), uuid()], credential: false },
  { id: "ringcentral-client-secret", provider: "RingCentral", title: "RingCentral client secret", words: ["ringcentral"], parts: [run2("b64url", 22)] },
  { id: "line-channel-access-token", provider: "LINE", title: "LINE Messaging channel access token", words: ["channel_access_token", "line_channel", "linebot", "line_bot", "line-bot"], parts: [run2("b64", 171, 172), lit("=")], credential: false },
  { id: "line-notify-token", provider: "LINE", title: "LINE Notify token", words: ["linenotify", "line_notify", "notify-api.line.me"], parts: [run2("base62", 43)], credential: false },
  { id: "mattermost-access-token", provider: "Mattermost", title: "Mattermost personal access token", words: ["mattermost"], parts: [run2("lower", 26)] },
  { id: "clicksend-api-key", provider: "ClickSend", title: "ClickSend API key", words: ["clicksend"], parts: [uuid(true)] },
  { id: "textmagic-api-key", provider: "TextMagic", title: "TextMagic API key", words: ["textmagic"], parts: [run2("base62", 30)], credential: false },
  { id: "elastic-email-api-key", provider: "Elastic Email", title: "Elastic Email API key", words: ["elasticemail", "elastic_email"], parts: [run2("b64url", 96)] },
  { id: "customerio-api-key", provider: "Customer.io", title: "Customer.io API key", words: ["customerio", "customer.io", "customer_io"], parts: [run2("lower", 20)] },
  { id: "mailerlite-api-key", provider: "MailerLite", title: "MailerLite API key (legacy)", words: ["mailerlite"], parts: [run2("lower", 32)] },
  { id: "convertkit-api-key", provider: "Kit", title: "Kit (ConvertKit) API key", words: ["convertkit"], parts: [run2("b64url", 22)] },
  { id: "moosend-api-key", provider: "Moosend", title: "Moosend API key", words: ["moosend"], parts: [uuid(true)] },
  { id: "getresponse-api-key", provider: "GetResponse", title: "GetResponse API key", words: ["getresponse"], parts: [run2("lower", 32)] },
  // Work tools
  { id: "smartsheet-token", provider: "Smartsheet", title: "Smartsheet API token", words: ["smartsheet"], parts: [run2("base62", 26, 37)] },
  { id: "shortcut-api-token", provider: "Shortcut", title: "Shortcut (Clubhouse) API token", words: ["shortcut_api", "shortcut-api", "shortcut_token", "clubhouse"], parts: [uuid(true)] },
  { id: "pivotal-tracker-token", provider: "Pivotal Tracker", title: "Pivotal Tracker API token", words: ["pivotal"], parts: [run2("hex", 32)] },
  { id: "todoist-token", provider: "Todoist", title: "Todoist API token", words: ["todoist"], parts: [run2("hex", 40)] },
  { id: "miro-token", provider: "Miro", title: "Miro access token", words: ["miro_", "miro-", "miro.com"], parts: [run2("base62", 27)] },
  { id: "sanity-token", provider: "Sanity", title: "Sanity API token", words: ["sanity"], parts: [lit("sk"), run2("base62", 79)] },
  { id: "storyblok-token", provider: "Storyblok", title: "Storyblok access token", words: ["storyblok"], parts: [run2("base62", 22), lit("tt")] },
  { id: "webflow-token", provider: "Webflow", title: "Webflow API token", words: ["webflow"], parts: [run2("hex", 64)] },
  { id: "hubspot-api-key", provider: "HubSpot", title: "HubSpot API key (legacy)", words: ["hapikey", "hubapi", "hubspot"], parts: [uuid(true)] },
  { id: "pipedrive-api-token", provider: "Pipedrive", title: "Pipedrive API token", words: ["pipedrive"], parts: [run2("hex", 40)] },
  // Social
  { id: "facebook-app-access-token", provider: "Facebook", title: "Facebook app access token (app id|app secret)", words: ["facebook", "fb_", "graph.facebook.com", "access_token"], parts: [run2("digits", 15, 16), lit("|"), run2("hex", 32)], credential: false, samples: { positive: [], negative: [] } },
  { id: "facebook-app-token", provider: "Facebook", title: "Facebook app access token", words: ["facebook", "fb_", "graph.facebook.com", "access_token"], parts: [run2("digits", 15, 16), lit("|", "%7C"), run2("b64url", 27, 40)], credential: false, samples: { positive: [], negative: [] } },
  // Identity, security
  { id: "onelogin-client-secret", provider: "OneLogin", title: "OneLogin client secret", words: ["onelogin"], parts: [run2("hex", 64)] },
  { id: "jumpcloud-api-key", provider: "JumpCloud", title: "JumpCloud API key", words: ["jumpcloud"], parts: [run2("base62", 40)] },
  { id: "duo-integration-key", provider: "Duo Security", title: "Duo integration key", level: "warning", words: ["duo_", "duosecurity"], parts: [lit("DI"), run2("upper", 18)], credential: false },
  { id: "duo-secret-key", provider: "Duo Security", title: "Duo secret key", words: ["duo_", "duosecurity"], parts: [run2("base62", 40)] },
  { id: "shodan-api-key", provider: "Shodan", title: "Shodan API key", words: ["shodan"], parts: [run2("base62", 32)] },
  { id: "virustotal-api-key", provider: "VirusTotal", title: "VirusTotal API key", words: ["virustotal", "x-apikey"], parts: [run2("hex", 64)], credential: false },
  { id: "censys-api-secret", provider: "Censys", title: "Censys API secret", words: ["censys"], parts: [run2("base62", 32)] },
  { id: "securitytrails-api-key", provider: "SecurityTrails", title: "SecurityTrails API key", words: ["securitytrails"], parts: [run2("base62", 32)] },
  { id: "urlscan-api-key", provider: "urlscan.io", title: "urlscan.io API key", words: ["urlscan"], parts: [uuid(true)] },
  { id: "abuseipdb-api-key", provider: "AbuseIPDB", title: "AbuseIPDB API key", words: ["abuseipdb"], parts: [run2("hex", 80)] },
  { id: "wiz-client-secret", provider: "Wiz", title: "Wiz client secret", words: ["wiz_", "wiz.io"], parts: [run2("base62", 64)] },
  // Providers from trufflehog's public detector facts (keyword, alphabet, length), written by hand
  // with the credential-word setting each provider's usual config form needs (issue 9, round 3).
  { id: "adobe-io-client-secret", provider: "Adobe", title: "Adobe I/O client secret (legacy)", words: ["adobe"], parts: [run2("lower", 32)] },
  { id: "airship-api-key", provider: "Airship", title: "Airship (Urban Airship) API key", words: ["airship"], parts: [run2("base62", 91)] },
  { id: "airvisual-api-key", provider: "IQAir AirVisual", title: "AirVisual API key", words: ["airvisual"], parts: dashed("lowerDash", 36) },
  { id: "alconost-api-key", provider: "Alconost", title: "Alconost API key", words: ["alconost"], parts: [run2("lower", 32)] },
  { id: "alegra-api-token", provider: "Alegra", title: "Alegra API token", words: ["alegra"], parts: dashed("lowerDash", 20) },
  { id: "ambee-api-key", provider: "Ambee", title: "Ambee API key", words: ["ambee"], parts: [run2("hex", 64)] },
  { id: "apacta-api-key", provider: "Apacta", title: "Apacta API key", words: ["apacta"], parts: dashed("lowerDash", 36) },
  { id: "apifonica-api-key", provider: "Apifonica", title: "Apifonica API key", words: ["apifonica"], parts: [run2("lower", 11), lit("-"), run2("lower", 4), lit("-"), run2("lower", 4), lit("-"), run2("lower", 4), lit("-"), run2("lower", 12)] },
  { id: "appcues-api-key", provider: "Appcues", title: "Appcues API key", words: ["appcues"], parts: dashed("lowerDash", 36) },
  { id: "apptivo-api-key", provider: "Apptivo", title: "Apptivo API key", words: ["apptivo"], parts: dashed("lowerDash", 36) },
  { id: "artsy-client-secret", provider: "Artsy", title: "Artsy API client secret", words: ["artsy"], parts: [run2("base62", 32)] },
  { id: "atera-api-key", provider: "Atera", title: "Atera API key", words: ["atera"], parts: [run2("lower", 32)] },
  { id: "atlassian-api-token-legacy", provider: "Atlassian", title: "Atlassian API token (legacy, 24 characters)", words: ["atlassian"], parts: [run2("base62", 24)] },
  { id: "audd-api-token", provider: "AudD", title: "AudD API token", words: ["audd"], parts: dashed("lowerDash", 32) },
  { id: "autoklose-api-key", provider: "Autoklose", title: "Autoklose API key", words: ["autoklose"], parts: dashed("alnumDash", 32) },
  { id: "autopilot-api-key", provider: "Autopilot", title: "Autopilot API key", words: ["autopilot"], parts: [run2("hex", 32)] },
  { id: "avaza-pat", provider: "Avaza", title: "Avaza personal access token", words: ["avaza"], parts: [run2("digits", 1, 30), lit("-"), run2("hex", 40)] },
  { id: "ayrshare-api-key", provider: "Ayrshare", title: "Ayrshare API key", words: ["ayrshare"], parts: [run2("upper", 8), lit("-"), run2("upper", 8), lit("-"), run2("upper", 8), lit("-"), run2("upper", 8)] },
  { id: "bannerbear-api-key", provider: "Bannerbear", title: "Bannerbear API key", words: ["bannerbear"], parts: [run2("base62", 22), lit("tt")] },
  { id: "besttime-private-key", provider: "BestTime", title: "BestTime private API key", words: ["besttime"], parts: [lit("pri_"), run2("hex", 32)], credential: false },
  { id: "bitmex-api-key", provider: "BitMEX", title: "BitMEX API key id", words: ["bitmex"], parts: [run2("b64url", 24)] },
  { id: "bitmex-api-secret", provider: "BitMEX", title: "BitMEX API secret", words: ["bitmex"], parts: [run2("b64url", 48)] },
  { id: "blocknative-api-key", provider: "Blocknative", title: "Blocknative API key", words: ["blocknative"], parts: [uuid(true)] },
  { id: "browshot-api-key", provider: "Browshot", title: "Browshot API key", words: ["browshot"], parts: dashed("alnumDash", 28) },
  { id: "bulbul-api-key", provider: "Bulbul", title: "Bulbul API key", words: ["bulbul"], parts: [run2("lower", 32)] },
  { id: "cashboard-api-key", provider: "Cashboard", title: "Cashboard API key", words: ["cashboard"], parts: [run2("upper", 3), lit("-"), run2("upper", 3), lit("-"), run2("upper", 3), lit("-"), run2("upper", 3)] },
  { id: "checio-api-key", provider: "Chec", title: "Chec (Commerce.js) secret key", words: ["checio", "chec.io"], parts: [lit("pk_"), run2("lower", 45)] },
  { id: "checkvist-api-key", provider: "Checkvist", title: "Checkvist API key", words: ["checkvist"], parts: [run2("base62", 14)], credential: false },
  { id: "cicero-api-key", provider: "Cicero", title: "Cicero API key", words: ["cicero"], parts: [run2("lower", 40)] },
  { id: "cliengo-api-key", provider: "Cliengo", title: "Cliengo API key", words: ["cliengo"], parts: [uuid(true)] },
  { id: "cloudimage-api-key", provider: "Cloudimage", title: "Cloudimage API key", words: ["cloudimage"], parts: [run2("lower", 1), run2("word", 28), run2("lower", 1)], credential: false },
  { id: "cloudmersive-api-key", provider: "Cloudmersive", title: "Cloudmersive API key", words: ["cloudmersive"], parts: dashed("lowerDash", 36), credential: false },
  { id: "cloze-api-key", provider: "Cloze", title: "Cloze API key", words: ["cloze"], parts: [run2("hex", 32)], credential: false },
  { id: "collect2-api-key", provider: "Collect2", title: "Collect2 API key", words: ["collect2"], parts: [uuid(true)] },
  { id: "convier-api-key", provider: "Convier", title: "Convier API key", words: ["convier"], parts: [run2("digits", 2), lit("|"), run2("base62", 40)] },
  { id: "currencycloud-api-key", provider: "Currencycloud", title: "Currencycloud API key", words: ["currencycloud"], parts: [run2("lower", 64)], credential: false },
  { id: "docusign-secret-key", provider: "DocuSign", title: "DocuSign integration secret key", words: ["docusign"], parts: [uuid(true)] },
  { id: "duply-api-key", provider: "Duply", title: "Duply API key", words: ["duply"], parts: [uuid(true)] },
  { id: "gocanvas-api-key", provider: "GoCanvas", title: "GoCanvas API key", words: ["gocanvas"], parts: [run2("b64", 43), lit("=")], credential: false },
  { id: "hashicorp-vault-approle-secret-id", provider: "HashiCorp", title: "HashiCorp Vault AppRole secret id", words: ["hashicorp", "approle"], credentialWords: ["secret_id", "secret-id", "secretid"], gap: 80, parts: [uuid(true)], samples: { positive: [], negative: [] } },
  { id: "instamojo-api-key", provider: "Instamojo", title: "Instamojo API key or client secret", words: ["instamojo"], parts: [run2("base62", 40)], credential: false },
  { id: "instamojo-auth-token", provider: "Instamojo", title: "Instamojo auth token", words: ["instamojo"], parts: [run2("base62", 128)], credential: false },
  { id: "invoiceocean-api-token", provider: "InvoiceOcean", title: "InvoiceOcean API token", words: ["invoiceocean"], parts: [run2("base62", 20)], credential: false },
  { id: "ipinfo-token", provider: "IPinfo", title: "IPinfo access token", words: ["ipinfo"], parts: [run2("hex", 14)] },
  { id: "kanbantool-api-token", provider: "Kanban Tool", title: "Kanban Tool API token", words: ["kanbantool"], parts: [run2("upper", 12)], credential: false },
  { id: "keenio-api-key", provider: "Keen", title: "Keen (keen.io) master or write key", words: ["keenio", "keen_io", "keen.io", "keen_master", "keen_write"], parts: [run2("upper", 64)], credential: false },
  { id: "luno-api-secret", provider: "Luno", title: "Luno API secret", words: ["luno"], parts: [run2("b64url", 43)], credential: false },
  { id: "metaapi-token", provider: "MetaApi", title: "MetaApi token", words: ["metaapi", "meta-api"], parts: [run2("hex", 64)], credential: false },
  { id: "freshworks-api-key", provider: "Freshworks", title: "Freshworks (myfreshworks) API key", words: ["freshworks"], parts: [run2("b64url", 22)], credential: false },
  { id: "myintervals-api-token", provider: "Intervals", title: "Intervals (myintervals) API token", words: ["myintervals"], parts: [run2("lower", 11)], samples: { positive: [], negative: [] } },
  { id: "nozbe-api-token", provider: "Nozbe", title: "Nozbe Teams API token", words: ["nozbe"], parts: [run2("base62", 16), lit("_"), run2("b64url", 64)] },
  { id: "npm-legacy-token", provider: "npm", title: "npm access token (legacy UUID)", words: ["npmtoken", "npm_token", "npm-token", "npm_auth_token"], parts: [uuid(true)], credential: false },
  { id: "pandascore-api-token", provider: "PandaScore", title: "PandaScore API token", words: ["pandascore"], parts: [run2("b64url", 51)] },
  { id: "poloniex-api-key", provider: "Poloniex", title: "Poloniex API key", words: ["poloniex"], parts: [run2("upper", 8), lit("-"), run2("upper", 8), lit("-"), run2("upper", 8), lit("-"), run2("upper", 8)] },
  { id: "poloniex-api-secret", provider: "Poloniex", title: "Poloniex API secret", words: ["poloniex"], parts: [run2("hex", 128)] },
  { id: "refiner-api-key", provider: "Refiner", title: "Refiner API key", words: ["refiner"], parts: [uuid(true)] },
  { id: "repairshopr-api-key", provider: "RepairShopr", title: "RepairShopr API key", words: ["repairshopr"], parts: dashed("alnumDash", 51) },
  { id: "revampcrm-api-key", provider: "Revamp CRM", title: "Revamp CRM API key", words: ["revampcrm"], parts: [run2("base62", 40)] },
  { id: "roaring-client-secret", provider: "Roaring", title: "Roaring client id / secret", words: ["roaring"], parts: [run2("b64url", 28)] },
  { id: "rownd-app-key", provider: "Rownd", title: "Rownd app key", words: ["rownd"], parts: uuidShaped("lower") },
  { id: "rownd-app-secret", provider: "Rownd", title: "Rownd app secret", words: ["rownd"], parts: [run2("lower", 48)] },
  { id: "salesmate-api-key", provider: "Salesmate", title: "Salesmate session token", words: ["salesmate"], parts: [uuid(true)] },
  { id: "scalr-api-token", provider: "Scalr", title: "Scalr API token", words: ["scalr"], parts: [run2("base62", 1), run2("dotted", 135)] },
  { id: "siteleaf-api-key", provider: "Siteleaf", title: "Siteleaf API key or secret", words: ["siteleaf"], parts: [run2("lower", 32)] },
  { id: "smooch-key-id", provider: "Sunshine Conversations", title: "Smooch (Sunshine Conversations) key id", level: "warning", words: ["smooch"], parts: [lit("act_"), run2("lower", 24)] },
  { id: "smooch-secret", provider: "Sunshine Conversations", title: "Smooch (Sunshine Conversations) secret", words: ["smooch"], parts: [run2("b64url", 86)] },
  { id: "strava-client-secret", provider: "Strava", title: "Strava client secret or token", words: ["strava"], parts: [run2("lower", 40)] },
  { id: "stytch-secret", provider: "Stytch", title: "Stytch secret", words: ["stytch"], parts: [run2("b64url", 47), lit("=")] },
  { id: "supernotes-api-key", provider: "Supernotes", title: "Supernotes API key", words: ["supernotes"], parts: [run2("b64url", 43)] },
  { id: "surveyanyplace-api-key", provider: "Survey Anyplace", title: "Survey Anyplace API key", words: ["surveyanyplace"], parts: [run2("base62", 32)] },
  { id: "swell-secret-key", provider: "Swell", title: "Swell secret key", words: ["swell"], parts: [run2("base62", 32)] },
  { id: "timezoneapi-key", provider: "TimezoneAPI", title: "TimezoneAPI key", words: ["timezoneapi"], parts: [run2("alpha", 20)] },
  { id: "vbout-api-key", provider: "VBOUT", title: "VBOUT API key", words: ["vbout"], parts: [run2("digits", 25)] },
  { id: "vouchery-api-key", provider: "Vouchery", title: "Vouchery API key", words: ["vouchery"], parts: dashed("lowerDash", 36), credential: false },
  { id: "webex-client-secret", provider: "Webex", title: "Webex integration client secret", words: ["webex"], parts: [run2("hex", 64)] },
  { id: "webex-client-id", provider: "Webex", title: "Webex integration client id", level: "warning", words: ["webex"], parts: [lit("C"), run2("hex", 64)] },
  { id: "websitepulse-api-key", provider: "WebSitePulse", title: "WebSitePulse API key", words: ["websitepulse"], parts: [run2("hex", 32)], credential: false },
  { id: "airtable-api-key-17", provider: "Airtable", title: "Airtable API key (legacy, 17 characters without the `key` prefix)", words: ["airtable"], parts: [run2("base62", 17)] },
  { id: "confluent-api-key", provider: "Confluent", title: "Confluent Cloud API key id", level: "warning", words: ["confluent"], parts: [run2("base62", 16)] },
  { id: "dropbox-app-key-or-secret", provider: "Dropbox", title: "Dropbox app key or app secret", level: "warning", words: ["dropbox"], parts: [run2("lower", 15)] },
  { id: "rails-master-key-env", provider: "Ruby on Rails", title: "Rails master key (RAILS_MASTER_KEY)", words: ["rails_master_key", "rails-master-key", "railsmasterkey"], parts: [run2("hex", 32)], credential: false, samples: { positive: [], negative: [] } },
  // Provider-issued JWTs and long opaque tokens, anchored by the provider's name.
  { id: "snowflake-jwt", provider: "Snowflake", title: "Snowflake programmatic access token or key-pair JWT", words: ["snowflake"], credentialWords: ["pat", "token", "passw", "pwd", "secret", "jwt", "auth", "bearer", "key"], parts: [lit("eyJ"), run2("b64url", 15, 300), lit(".eyJ"), run2("b64url", 20, 1200), lit("."), run2("b64url", 40, 700)], samples: { positive: [], negative: [] } },
  { id: "appfollow-api-token", provider: "AppFollow", title: "AppFollow API token", words: ["appfollow"], parts: jwt("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.", [74, 74], [43, 43]) },
  { id: "lemonsqueezy-api-key", provider: "Lemon Squeezy", title: "Lemon Squeezy API key", words: ["lemonsqueezy", "lemon_squeezy"], parts: jwt("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.", [314, 314], [512, 512]) },
  { id: "livestorm-api-token", provider: "Livestorm", title: "Livestorm API token", words: ["livestorm"], parts: jwt("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJhcGkubGl2ZXN0b3JtLmNvIiwianRpIjoi", [134, 134], [43, 43]) },
  { id: "portainer-api-token", provider: "Portainer", title: "Portainer JWT", words: ["portainer"], parts: jwt("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", [50, 310], [43, 43]) },
  { id: "tallyfy-api-token", provider: "Tallyfy", title: "Tallyfy API token", words: ["tallyfy"], parts: [run2("base62", 36), lit("."), run2("base62", 264), lit("."), run2("b64url", 683)] },
  { id: "viewneo-api-token", provider: "viewneo", title: "viewneo API token", words: ["viewneo"], parts: [run2("base62", 120, 300), lit("."), run2("base62", 150, 300), lit("."), run2("b64url", 600, 800)] }
];
var peerRows = peerFacts.filter((f) => !rows.some((r) => r.id.startsWith(`${f.name}-`))).map((f) => ({
  id: `${f.name.replace(/[^a-z0-9]+/g, "-")}-api-key`,
  provider: f.name[0].toUpperCase() + f.name.slice(1),
  title: `${f.name[0].toUpperCase() + f.name.slice(1)} API key`,
  words: f.keywords,
  parts: [f.uuid ? uuid(true) : run2(f.alphabet, f.min, f.max)]
}));
var PEER_IDS = new Set(peerRows.map((r) => r.id));
var keyedDetectors = [...rows, ...peerRows].map(keyed);

// src/core/secrets/detectors/messaging.ts
var TWILIO_WORDS = ["twilio"];
var MAILGUN_WORDS = ["mailgun"];
var MANDRILL_WORDS = ["mandrill"];
var POSTMARK_WORDS = ["postmark"];
var MAILJET_WORDS = ["mailjet", "mj_apikey_private", "mj_api_secret"];
var MESSAGEBIRD_WORDS = ["messagebird"];
var SPARKPOST_WORDS = ["sparkpost"];
var VONAGE_WORDS = ["vonage", "nexmo"];
var PLIVO_WORDS = ["plivo"];
var messagingDetectors = [
  {
    // Account SID: `AC` + 32 hex. Not secret alone, but it names the account its auth token
    // unlocks, so it is reported (warning) and paired with a nearby auth token (one error finding).
    id: "twilio-account-sid",
    title: "Twilio account SID",
    provider: "Twilio",
    level: "warning",
    keywords: lower(TWILIO_WORDS),
    pattern: near(TWILIO_WORDS, "AC[0-9a-f]{32}", { gap: 60 }),
    entropy: 3.2,
    redactPrefix: "AC",
    pair: { with: "twilio-auth-token", id: "twilio-credentials-pair", title: "Twilio account SID + auth token" },
    samples: { positive: [], negative: [] }
  },
  {
    // Auth token: 32 lower-case hex, no prefix; only next to a Twilio name.
    id: "twilio-auth-token",
    title: "Twilio auth token",
    provider: "Twilio",
    level: "error",
    keywords: lower(TWILIO_WORDS),
    pattern: near(TWILIO_WORDS, "[0-9a-f]{32}", { gap: 30 }),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // API key secret: its SID is `SK` + 32 hex; the secret is 32 base62 next to a Twilio name.
    id: "twilio-api-key",
    title: "Twilio API key SID",
    provider: "Twilio",
    level: "warning",
    keywords: lower(TWILIO_WORDS),
    pattern: near(TWILIO_WORDS, "SK[0-9a-f]{32}", { gap: 60 }),
    entropy: 3.2,
    redactPrefix: "SK",
    samples: { positive: [], negative: [] }
  },
  {
    // SendGrid API key: `SG.` + 22 base64url (key id) + `.` + 43 base64url (secret).
    id: "sendgrid-api-key",
    title: "SendGrid API key",
    provider: "SendGrid",
    level: "error",
    keywords: ["sg."],
    pattern: token("SG\\.[0-9A-Za-z_\\-]{22}\\.[0-9A-Za-z_\\-]{43}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "SG.",
    samples: { positive: [], negative: [] }
  },
  {
    // Mailgun private API key: legacy `key-` + 32 hex, or the current 32 hex + `-` + 8 hex + `-` + 8 hex.
    id: "mailgun-api-key",
    title: "Mailgun API key",
    provider: "Mailgun",
    level: "error",
    keywords: lower(MAILGUN_WORDS),
    pattern: near(MAILGUN_WORDS, "(?:key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})", { gap: 60 }),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Mailchimp Marketing API key: 32 hex + `-us` + datacenter number.
    id: "mailchimp-api-key",
    title: "Mailchimp API key",
    provider: "Mailchimp",
    level: "error",
    keywords: ["-us"],
    pattern: token("[0-9a-f]{32}-us[0-9]{1,2}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Mailchimp Transactional (Mandrill) API key: 22 base64url next to a Mandrill name.
    id: "mandrill-api-key",
    title: "Mailchimp Transactional (Mandrill) API key",
    provider: "Mailchimp",
    level: "error",
    keywords: lower(MANDRILL_WORDS),
    pattern: near(MANDRILL_WORDS, "(?:md-)?[0-9A-Za-z_\\-]{22}"),
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  },
  {
    // Postmark server / account token: a UUID next to a Postmark name.
    id: "postmark-server-token",
    title: "Postmark server token",
    provider: "Postmark",
    level: "error",
    keywords: lower(POSTMARK_WORDS),
    pattern: near(POSTMARK_WORDS, UUID),
    samples: { positive: [], negative: [] }
  },
  {
    // Mailjet API secret key: 32 hex next to a Mailjet name.
    id: "mailjet-api-secret",
    title: "Mailjet API secret key",
    provider: "Mailjet",
    level: "error",
    keywords: lower(MAILJET_WORDS),
    pattern: near(MAILJET_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Brevo (Sendinblue) API key: `xkeysib-` + 64 hex + `-` + 16 base62.
    id: "brevo-api-key",
    title: "Brevo (Sendinblue) API key",
    provider: "Brevo",
    level: "error",
    keywords: ["xkeysib-"],
    pattern: token("xkeysib-[0-9a-f]{64}-[0-9A-Za-z]{16}"),
    entropy: 3.5,
    redactPrefix: "xkeysib-",
    samples: { positive: [], negative: [] }
  },
  {
    // Brevo SMTP key: `xsmtpsib-` + 64 hex + `-` + 16 base62.
    id: "brevo-smtp-key",
    title: "Brevo (Sendinblue) SMTP key",
    provider: "Brevo",
    level: "error",
    keywords: ["xsmtpsib-"],
    pattern: token("xsmtpsib-[0-9a-f]{64}-[0-9A-Za-z]{16}"),
    entropy: 3.5,
    redactPrefix: "xsmtpsib-",
    samples: { positive: [], negative: [] }
  },
  {
    // Resend API key: `re_` + 8 base62 + `_` + 24 base62.
    id: "resend-api-key",
    title: "Resend API key",
    provider: "Resend",
    level: "error",
    keywords: ["re_"],
    pattern: token("re_[0-9A-Za-z]{8}_[0-9A-Za-z]{24}"),
    entropy: 3.8,
    redactPrefix: "re_",
    samples: { positive: [], negative: [] }
  },
  {
    // MessageBird / Bird access key: 25 base62 next to a MessageBird name.
    id: "messagebird-api-key",
    title: "MessageBird access key",
    provider: "MessageBird",
    level: "error",
    keywords: lower(MESSAGEBIRD_WORDS),
    pattern: near(MESSAGEBIRD_WORDS, "[0-9A-Za-z]{25}"),
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  },
  {
    // SparkPost API key: 40 hex next to a SparkPost name.
    id: "sparkpost-api-key",
    title: "SparkPost API key",
    provider: "SparkPost",
    level: "error",
    keywords: lower(SPARKPOST_WORDS),
    pattern: near(SPARKPOST_WORDS, "[0-9a-f]{40}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Vonage (Nexmo) API secret: 16 base62 next to a Vonage/Nexmo name.
    id: "vonage-api-secret",
    title: "Vonage (Nexmo) API secret",
    provider: "Vonage",
    level: "error",
    keywords: lower(VONAGE_WORDS),
    pattern: near(VONAGE_WORDS, "[0-9A-Za-z]{16}", { gap: 25 }),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Plivo auth token: 40 base62 next to a Plivo name.
    id: "plivo-auth-token",
    title: "Plivo auth token",
    provider: "Plivo",
    level: "error",
    keywords: lower(PLIVO_WORDS),
    pattern: near(PLIVO_WORDS, "[0-9A-Za-z]{40}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/observability.ts
var WORD_PLUS = `${WORD}+/`;
var DATADOG_API_WORDS = ["datadog", "dd_api_key", "dd-api-key"];
var DATADOG_APP_WORDS = ["datadog_app", "datadog_application", "dd_app_key", "dd_application_key", "dd-application-key"];
var PAGERDUTY_WORDS = ["pagerduty"];
var HONEYCOMB_WORDS = ["honeycomb"];
var ROLLBAR_WORDS = ["rollbar"];
var BUGSNAG_WORDS = ["bugsnag"];
var SUMO_WORDS = ["sumo"];
var SUMO_TAIL = "[Ll][Oo][Gg][Ii][Cc]|[_.\\-A-Z]";
var SPLUNK_WORDS = ["splunk"];
var observabilityDetectors = [
  {
    // Databricks personal access token: `dapi` + 32 hex, optionally `-<digit>`.
    id: "databricks-token",
    title: "Databricks personal access token",
    provider: "Databricks",
    level: "error",
    keywords: ["dapi"],
    pattern: token("dapi[0-9a-f]{32}(?:-[0-9])?"),
    entropy: 3.2,
    redactPrefix: "dapi",
    samples: { positive: [], negative: [] }
  },
  {
    // Datadog API key: 32 hex, no prefix; only next to a Datadog name.
    id: "datadog-api-key",
    title: "Datadog API key",
    provider: "Datadog",
    level: "error",
    keywords: lower(DATADOG_API_WORDS),
    pattern: near(DATADOG_API_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Datadog application key: 40 hex next to a Datadog application-key name.
    id: "datadog-app-key",
    title: "Datadog application key",
    provider: "Datadog",
    level: "error",
    keywords: lower(DATADOG_APP_WORDS),
    pattern: near(DATADOG_APP_WORDS, "[0-9a-f]{40}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // New Relic user API key: `NRAK-` + 27 upper-case alphanumerics.
    id: "new-relic-user-key",
    title: "New Relic user API key",
    provider: "New Relic",
    level: "error",
    keywords: ["nrak-"],
    pattern: token("NRAK-[0-9A-Z]{27}"),
    entropy: 3.5,
    redactPrefix: "NRAK-",
    samples: { positive: [], negative: [] }
  },
  {
    // New Relic Insights insert key: `NRII-` + 32 base64url (older keys: 25).
    id: "new-relic-insert-key",
    title: "New Relic Insights insert key",
    provider: "New Relic",
    level: "error",
    keywords: ["nrii-"],
    pattern: token("NRII-[0-9A-Za-z_\\-]{25,32}"),
    entropy: 3.5,
    redactPrefix: "NRII-",
    samples: { positive: [], negative: [] }
  },
  {
    // New Relic ingest license key: 40 characters ending `NRAL`: 36 hex, or 32 hex (`eu01xx` + 26 for
    // EU accounts) + `FFFF`.
    id: "new-relic-license-key",
    title: "New Relic ingest license key",
    provider: "New Relic",
    level: "error",
    keywords: ["nral"],
    pattern: token("(?:[0-9a-f]{36}|[0-9a-f]{32}FFFF|eu01xx[0-9a-f]{26}FFFF|eu01xx[0-9a-f]{30})NRAL"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // New Relic admin API key (legacy): `NRAA-` + 27 hex.
    id: "new-relic-admin-key",
    title: "New Relic admin API key",
    provider: "New Relic",
    level: "error",
    keywords: ["nraa-"],
    pattern: token("NRAA-[0-9a-f]{27}"),
    entropy: 3.2,
    redactPrefix: "NRAA-",
    samples: { positive: [], negative: [] }
  },
  {
    // Sentry organization auth token: `sntrys_` + base64 JSON claims (`eyJ…`) + `_` + 43-char secret.
    id: "sentry-org-token",
    title: "Sentry organization auth token",
    provider: "Sentry",
    level: "error",
    keywords: ["sntrys_"],
    pattern: token("sntrys_eyJ[0-9A-Za-z+/=]{50,800}_[0-9A-Za-z+/]{43}", WORD_PLUS, BASE64_TAIL),
    entropy: 4,
    redactPrefix: "sntrys_",
    samples: { positive: [], negative: [] }
  },
  {
    // Sentry user auth token: `sntryu_` + 64 hex.
    id: "sentry-user-token",
    title: "Sentry user auth token",
    provider: "Sentry",
    level: "error",
    keywords: ["sntryu_"],
    pattern: token("sntryu_[0-9a-f]{64}"),
    entropy: 3.2,
    redactPrefix: "sntryu_",
    samples: { positive: [], negative: [] }
  },
  {
    // Legacy Sentry DSN with a secret: `https://<public key>:<secret key>@host/<project>`. A DSN with
    // only the public key is meant to ship in client code and is not a finding.
    id: "sentry-dsn-secret",
    title: "Sentry DSN secret key",
    provider: "Sentry",
    level: "error",
    keywords: ["sentry"],
    pattern: /https?:\/\/[0-9a-f]{32}:(?<secret>[0-9a-f]{32})@[0-9A-Za-z.\-]{1,100}(?::[0-9]{1,5})?\/[0-9]{1,12}(?![0-9])/,
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Grafana Cloud access policy token: `glc_` + base64 of JSON claims.
    id: "grafana-cloud-token",
    title: "Grafana Cloud access policy token",
    provider: "Grafana",
    level: "error",
    keywords: ["glc_"],
    pattern: token("glc_[0-9A-Za-z+/]{32,400}={0,2}", WORD_PLUS, BASE64_TAIL),
    entropy: 4,
    redactPrefix: "glc_",
    samples: { positive: [], negative: [] }
  },
  {
    // Grafana service account token: `glsa_` + 32 alphanumerics + `_` + 8 hex checksum.
    id: "grafana-service-account-token",
    title: "Grafana service account token",
    provider: "Grafana",
    level: "error",
    keywords: ["glsa_"],
    pattern: token("glsa_[0-9A-Za-z]{32}_[0-9a-fA-F]{8}"),
    entropy: 3.8,
    redactPrefix: "glsa_",
    samples: { positive: [], negative: [] }
  },
  {
    // Grafana API key (legacy): base64 of `{"k":"…","n":"…","id":…}`, so it starts `eyJrIjoi`.
    id: "grafana-api-key",
    title: "Grafana API key (legacy)",
    provider: "Grafana",
    level: "error",
    keywords: ["eyjrijoi"],
    pattern: token("eyJrIjoi[0-9A-Za-z+/]{50,300}={0,2}", WORD_PLUS, BASE64_TAIL),
    entropy: 4,
    redactPrefix: "eyJrIjoi",
    samples: { positive: [], negative: [] }
  },
  {
    // Dynatrace token: `dt0c01.` (classic) or `dt0s0x.` (platform) + 24 + `.` + 64 upper alphanumerics.
    id: "dynatrace-token",
    title: "Dynatrace API token",
    provider: "Dynatrace",
    level: "error",
    keywords: ["dt0c0", "dt0s0"],
    pattern: token("dt0[cs]0[0-9]\\.[0-9A-Z]{24}\\.[0-9A-Z]{64}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "dt0c01.",
    samples: { positive: [], negative: [] }
  },
  {
    // PagerDuty REST API key: 20 chars of [A-Za-z0-9_+-] (user keys start `u+`), next to a PagerDuty name.
    id: "pagerduty-api-key",
    title: "PagerDuty API key",
    provider: "PagerDuty",
    level: "error",
    keywords: lower(PAGERDUTY_WORDS),
    pattern: near(PAGERDUTY_WORDS, "[0-9A-Za-z_+\\-]{20}", { edge: "A-Za-z0-9_+\\-" }),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Honeycomb API key: 22 alphanumerics (environment keys) or 32 hex (classic), next to a Honeycomb name.
    id: "honeycomb-api-key",
    title: "Honeycomb API key",
    provider: "Honeycomb",
    level: "error",
    keywords: lower(HONEYCOMB_WORDS),
    pattern: near(HONEYCOMB_WORDS, "(?:[0-9A-Za-z]{22}|[0-9a-f]{32})"),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Rollbar access token: 32 hex next to a Rollbar name.
    id: "rollbar-access-token",
    title: "Rollbar access token",
    provider: "Rollbar",
    level: "error",
    keywords: lower(ROLLBAR_WORDS),
    pattern: near(ROLLBAR_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Bugsnag API key: 32 hex next to a Bugsnag name.
    id: "bugsnag-api-key",
    title: "Bugsnag API key",
    provider: "Bugsnag",
    level: "warning",
    keywords: lower(BUGSNAG_WORDS),
    pattern: near(BUGSNAG_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Sumo Logic access id: `su` + 12 alphanumerics, next to a Sumo name.
    id: "sumologic-access-id",
    title: "Sumo Logic access ID",
    provider: "Sumo Logic",
    level: "warning",
    keywords: lower(SUMO_WORDS),
    pattern: near(SUMO_WORDS, "su[0-9A-Za-z]{12}", { wordTail: SUMO_TAIL }),
    entropy: 3,
    pair: { with: "sumologic-access-key", id: "sumologic-access-pair", title: "Sumo Logic access ID + key" },
    samples: { positive: [], negative: [] }
  },
  {
    // Sumo Logic access key: 64 alphanumerics next to a Sumo name.
    id: "sumologic-access-key",
    title: "Sumo Logic access key",
    provider: "Sumo Logic",
    level: "error",
    keywords: lower(SUMO_WORDS),
    pattern: near(SUMO_WORDS, "[0-9A-Za-z]{64}", { wordTail: SUMO_TAIL }),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Splunk HTTP Event Collector token: a UUID next to a Splunk name.
    id: "splunk-hec-token",
    title: "Splunk HTTP Event Collector token",
    provider: "Splunk",
    level: "error",
    keywords: lower(SPLUNK_WORDS),
    pattern: near(SPLUNK_WORDS, UUID_ANY_CASE),
    samples: { positive: [], negative: [] }
  },
  {
    // Axiom API token `xaat-` / personal token `xapt-` + UUID.
    id: "axiom-token",
    title: "Axiom API or personal token",
    provider: "Axiom",
    level: "error",
    keywords: ["xaat-", "xapt-"],
    pattern: token("xa[ap]t-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    entropy: 3,
    redactPrefix: "xaat-",
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/payments.ts
var PLAID_WORDS = ["plaid"];
var GOCARDLESS_WORDS = ["gocardless"];
var stripeKinds = [
  { id: "stripe-secret-key", prefix: "sk_live_", title: "Stripe live secret key", level: "error" },
  { id: "stripe-restricted-key", prefix: "rk_live_", title: "Stripe live restricted key", level: "error" },
  { id: "stripe-test-secret-key", prefix: "sk_test_", title: "Stripe test-mode secret key", level: "info" },
  { id: "stripe-test-restricted-key", prefix: "rk_test_", title: "Stripe test-mode restricted key", level: "info" }
];
var NOT_AFTER_CLERK = "(?<![Cc][Ll][Ee][Rr][Kk][^\\n]{0,80})";
var stripeDetectors = stripeKinds.map(({ id, prefix, title, level }) => ({
  id,
  title,
  provider: "Stripe",
  level,
  keywords: [prefix],
  // Clerk issues `sk_live_`/`sk_test_` keys too: with a Clerk name before the key on its line, the
  // key is Clerk's (clerk-secret-key below), not Stripe's.
  pattern: token(`${NOT_AFTER_CLERK}${prefix}[0-9A-Za-z]{24,247}`),
  entropy: 3.5,
  // Paystack issues `sk_live_` + 40 lower-case hex (prefixed.ts): never a Stripe key, whose bodies mix cases.
  validate: (secret2) => !/^[0-9a-f]{40}$/.test(secret2.slice(prefix.length)),
  redactPrefix: prefix,
  samples: { positive: [], negative: [] }
}));
var paymentDetectors = [
  ...stripeDetectors,
  ...["live", "test"].map(
    (mode) => ({
      // Clerk secret key: `sk_live_` / `sk_test_` + base62, the same prefixes as Stripe's. Told apart
      // by the Clerk name on the line (or the `name:` line before it) so that rotation advice goes
      // to the right provider.
      id: mode === "live" ? "clerk-secret-key" : "clerk-test-secret-key",
      title: mode === "live" ? "Clerk secret key (production instance)" : "Clerk secret key (development instance)",
      provider: "Clerk",
      level: mode === "live" ? "error" : "warning",
      keywords: ["clerk"],
      pattern: near(["clerk"], `sk_${mode}_[0-9A-Za-z]{30,80}`, { gap: 80 }),
      entropy: 3.5,
      redactPrefix: `sk_${mode}_`,
      samples: { positive: [], negative: [] }
    })
  ),
  {
    // Webhook signing secret: `whsec_` + 32+ base64ish characters.
    id: "stripe-webhook-secret",
    title: "Stripe webhook signing secret",
    provider: "Stripe",
    level: "error",
    keywords: ["whsec_"],
    pattern: token("whsec_[0-9A-Za-z+/]{32,64}"),
    entropy: 3.8,
    redactPrefix: "whsec_",
    samples: { positive: [], negative: [] }
  },
  {
    // Square access token: `EAAA` + 60 base64url (current) or `sq0atp-` + 22 (legacy).
    id: "square-access-token",
    title: "Square access token",
    provider: "Square",
    level: "error",
    keywords: ["eaaa", "sq0atp-"],
    pattern: token("(?:EAAA[0-9A-Za-z_\\-]{60}|sq0atp-[0-9A-Za-z_\\-]{22})"),
    entropy: 3.5,
    redactPrefix: "EAAA",
    samples: { positive: [], negative: [] }
  },
  {
    // Square OAuth application secret: `sq0csp-` + 43 base64url.
    id: "square-oauth-secret",
    title: "Square OAuth application secret",
    provider: "Square",
    level: "error",
    keywords: ["sq0csp-"],
    pattern: token("sq0csp-[0-9A-Za-z_\\-]{43}"),
    entropy: 3.5,
    redactPrefix: "sq0csp-",
    samples: { positive: [], negative: [] }
  },
  {
    // Braintree (PayPal) access token: `access_token$production$<16 merchant>$<32 hex>`.
    id: "braintree-access-token",
    title: "PayPal Braintree production access token",
    provider: "PayPal Braintree",
    level: "error",
    keywords: ["access_token$production$"],
    pattern: token("access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}"),
    entropy: 3.5,
    redactPrefix: "access_token$production$",
    samples: { positive: [], negative: [] }
  },
  {
    // Braintree sandbox access token: same shape for the sandbox environment (no real money).
    id: "braintree-sandbox-access-token",
    title: "PayPal Braintree sandbox access token",
    provider: "PayPal Braintree",
    level: "info",
    keywords: ["access_token$sandbox$"],
    pattern: token("access_token\\$sandbox\\$[0-9a-z]{16}\\$[0-9a-f]{32}"),
    entropy: 3.5,
    redactPrefix: "access_token$sandbox$",
    samples: { positive: [], negative: [] }
  },
  {
    // Shopify Admin API access token: `shpat_` + 32 hex.
    id: "shopify-access-token",
    title: "Shopify Admin API access token",
    provider: "Shopify",
    level: "error",
    keywords: ["shpat_"],
    pattern: token("shpat_[0-9a-fA-F]{32}"),
    entropy: 3.2,
    redactPrefix: "shpat_",
    samples: { positive: [], negative: [] }
  },
  {
    // Shopify app shared secret: `shpss_` + 32 hex.
    id: "shopify-shared-secret",
    title: "Shopify app shared secret",
    provider: "Shopify",
    level: "error",
    keywords: ["shpss_"],
    pattern: token("shpss_[0-9a-fA-F]{32}"),
    entropy: 3.2,
    redactPrefix: "shpss_",
    samples: { positive: [], negative: [] }
  },
  {
    // Shopify custom app access token: `shpca_` + 32 hex.
    id: "shopify-custom-app-token",
    title: "Shopify custom app access token",
    provider: "Shopify",
    level: "error",
    keywords: ["shpca_"],
    pattern: token("shpca_[0-9a-fA-F]{32}"),
    entropy: 3.2,
    redactPrefix: "shpca_",
    samples: { positive: [], negative: [] }
  },
  {
    // Shopify private app password: `shppa_` + 32 hex.
    id: "shopify-private-app-token",
    title: "Shopify private app password",
    provider: "Shopify",
    level: "error",
    keywords: ["shppa_"],
    pattern: token("shppa_[0-9a-fA-F]{32}"),
    entropy: 3.2,
    redactPrefix: "shppa_",
    samples: { positive: [], negative: [] }
  },
  {
    // Plaid secret: 30 lower-case hex next to a Plaid name.
    id: "plaid-secret",
    title: "Plaid API secret",
    provider: "Plaid",
    level: "error",
    keywords: lower(PLAID_WORDS),
    pattern: near(PLAID_WORDS, "[0-9a-f]{30}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Plaid item access token: `access-(production|development|sandbox)-<uuid>`.
    id: "plaid-access-token",
    title: "Plaid access token",
    provider: "Plaid",
    level: "error",
    keywords: ["access-production-", "access-development-"],
    pattern: token(`access-(?:production|development)-${UUID}`),
    redactPrefix: "access-production-",
    samples: { positive: [], negative: [] }
  },
  {
    // Flutterwave live secret key: `FLWSECK-` + 32 hex + `-X`.
    id: "flutterwave-secret-key",
    title: "Flutterwave live secret key",
    provider: "Flutterwave",
    level: "error",
    keywords: ["flwseck-"],
    pattern: token("FLWSECK-[0-9a-f]{32}-X"),
    entropy: 3.2,
    redactPrefix: "FLWSECK-",
    samples: { positive: [], negative: [] }
  },
  {
    // Flutterwave test secret key: `FLWSECK_TEST-` + 32 hex + `-X`.
    id: "flutterwave-test-secret-key",
    title: "Flutterwave test-mode secret key",
    provider: "Flutterwave",
    level: "info",
    keywords: ["flwseck_test-"],
    pattern: token("FLWSECK_TEST-[0-9a-f]{32}-X"),
    entropy: 3.2,
    redactPrefix: "FLWSECK_TEST-",
    samples: { positive: [], negative: [] }
  },
  {
    // GoCardless access token: `live_` + 40 base64url next to a GoCardless name.
    id: "gocardless-access-token",
    title: "GoCardless live access token",
    provider: "GoCardless",
    level: "error",
    keywords: lower(GOCARDLESS_WORDS),
    pattern: near(GOCARDLESS_WORDS, "live_[0-9A-Za-z_\\-=]{40}"),
    entropy: 3.8,
    redactPrefix: "live_",
    samples: { positive: [], negative: [] }
  },
  {
    // Duffel live access token: `duffel_live_` + 43 base64url.
    id: "duffel-live-token",
    title: "Duffel live access token",
    provider: "Duffel",
    level: "error",
    keywords: ["duffel_live_"],
    pattern: token("duffel_live_[0-9A-Za-z_\\-=]{43}"),
    entropy: 3.8,
    redactPrefix: "duffel_live_",
    samples: { positive: [], negative: [] }
  },
  {
    // Duffel test access token: `duffel_test_` + 43 base64url.
    id: "duffel-test-token",
    title: "Duffel test-mode access token",
    provider: "Duffel",
    level: "info",
    keywords: ["duffel_test_"],
    pattern: token("duffel_test_[0-9A-Za-z_\\-=]{43}"),
    entropy: 3.8,
    redactPrefix: "duffel_test_",
    samples: { positive: [], negative: [] }
  },
  {
    // EasyPost production API key: `EZAK` + 54 alphanumerics.
    id: "easypost-api-key",
    title: "EasyPost production API key",
    provider: "EasyPost",
    level: "error",
    keywords: ["ezak"],
    pattern: token("EZAK[0-9A-Za-z]{54}"),
    entropy: 3.8,
    redactPrefix: "EZAK",
    samples: { positive: [], negative: [] }
  },
  {
    // EasyPost test API key: `EZTK` + 54 alphanumerics.
    id: "easypost-test-api-key",
    title: "EasyPost test API key",
    provider: "EasyPost",
    level: "info",
    keywords: ["eztk"],
    pattern: token("EZTK[0-9A-Za-z]{54}"),
    entropy: 3.8,
    redactPrefix: "EZTK",
    samples: { positive: [], negative: [] }
  },
  {
    // Shippo API token: `shippo_live_` + 40 hex (live) — test tokens are `shippo_test_`.
    id: "shippo-live-token",
    title: "Shippo live API token",
    provider: "Shippo",
    level: "error",
    keywords: ["shippo_live_"],
    pattern: token("shippo_live_[0-9a-f]{40}"),
    entropy: 3.2,
    redactPrefix: "shippo_live_",
    samples: { positive: [], negative: [] }
  },
  {
    // Shippo test API token: `shippo_test_` + 40 hex.
    id: "shippo-test-token",
    title: "Shippo test API token",
    provider: "Shippo",
    level: "info",
    keywords: ["shippo_test_"],
    pattern: token("shippo_test_[0-9a-f]{40}"),
    entropy: 3.2,
    redactPrefix: "shippo_test_",
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/prefixed.ts
var rows2 = [
  // CI/CD
  { id: "cloudflare-scannable-api-token", provider: "Cloudflare", title: "Cloudflare API token (user or account)", parts: [lit("cfut_", "cfat_"), run2("base62", 40), run2("hex", 8)] },
  { id: "cloudflare-scannable-global-key", provider: "Cloudflare", title: "Cloudflare global API key", parts: [lit("cfk_"), run2("base62", 40), run2("hex", 8)] },
  { id: "circleci-pat", provider: "CircleCI", title: "CircleCI personal API token", parts: [lit("CCIPAT_"), run2("base62", 22), lit("_"), run2("hex", 40)], samples: { positive: [], negative: [] } },
  { id: "buildkite-user-token", provider: "Buildkite", title: "Buildkite user API token", parts: [lit("bkua_"), run2("lower", 40)] },
  { id: "harness-token", provider: "Harness", title: "Harness personal or service account token", parts: [lit("pat.", "sat."), run2("b64url", 22), lit("."), run2("hex", 24), lit("."), run2("base62", 20)], keywords: ["pat.", "sat."] },
  { id: "bitbucket-data-center-token", provider: "Bitbucket", title: "Bitbucket Data Center HTTP access token", parts: [lit("BBDC-"), run2("bbdc", 40, 50)] },
  { id: "sourcegraph-legacy-token", provider: "Sourcegraph", title: "Sourcegraph access token (legacy prefix)", parts: [lit("sgp_"), run2("hex", 40)] },
  { id: "sourcegraph-cody-key", provider: "Sourcegraph", title: "Sourcegraph Cody / enterprise key", parts: [lit("slk_"), run2("hex", 64)] },
  { id: "figma-pat-figp", provider: "Figma", title: "Figma personal access token", parts: [lit("figp_"), run2("b64url", 40, 54)] },
  { id: "deno-deploy-token", provider: "Deno", title: "Deno Deploy access token", parts: [lit("ddp_", "ddw_"), run2("base62", 36)] },
  { id: "prefect-api-key", provider: "Prefect", title: "Prefect Cloud API key", parts: [lit("pnu_"), run2("base62", 36)] },
  // `.ico-<hash>.png` asset names: a `.` or `/` before `ico-` means a file name, not a key.
  { id: "infracost-api-key", provider: "Infracost", title: "Infracost API key", parts: [lit("ico-"), run2("base62", 32)], edge: "A-Za-z0-9_\\-./" },
  { id: "scalingo-api-token", provider: "Scalingo", title: "Scalingo API token", parts: [lit("tk-us-"), run2("b64url", 48)] },
  { id: "settlemint-token", provider: "SettleMint", title: "SettleMint access token", parts: [lit("sm_pat_", "sm_aat_", "sm_sat_"), run2("base62", 16)] },
  { id: "defined-networking-api-key", provider: "Defined Networking", title: "Defined Networking API key", parts: [lit("dnkey-"), run2("upper", 26), lit("-"), run2("upper", 52)] },
  { id: "rootly-api-key", provider: "Rootly", title: "Rootly API key", parts: [lit("rootly_"), run2("hex", 64)] },
  { id: "readme-api-key", provider: "ReadMe", title: "ReadMe API key", parts: [lit("rdme_"), run2("lower", 70)] },
  { id: "apify-api-token", provider: "Apify", title: "Apify API token", parts: [lit("apify_api_"), run2("base62", 36)] },
  { id: "frameio-developer-token", provider: "Frame.io", title: "Frame.io developer token", parts: [lit("fio-u-"), run2("b64url", 64)] },
  { id: "teamwork-api-token", provider: "Teamwork", title: "Teamwork API token", parts: [lit("tkn.v1_"), run2("base62", 71), lit("=")], tail: "A-Za-z0-9_\\-=" },
  { id: "nightfall-api-key", provider: "Nightfall", title: "Nightfall API key", parts: [lit("NF-"), run2("base62", 32)] },
  { id: "spectralops-token", provider: "SpectralOps", title: "SpectralOps personal token", parts: [lit("spu-"), run2("lower", 32)] },
  { id: "endor-labs-api-key", provider: "Endor Labs", title: "Endor Labs API key", parts: [lit("endr+"), run2("base62", 16)] },
  // Cloud
  { id: "aws-appsync-api-key", provider: "AWS", title: "AWS AppSync API key", parts: [lit("da2-"), run2("lower", 26)] },
  {
    id: "azure-container-registry-password",
    provider: "Azure",
    title: "Azure Container Registry password",
    parts: [run2("b64", 42), lit("+ACR"), run2("base62", 6)],
    keywords: ["+acr"],
    samples: { positive: [], negative: [] }
  },
  { id: "ubidots-token", provider: "Ubidots", title: "Ubidots API token", parts: [lit("BBFF-"), run2("base62", 30)] },
  { id: "robinhood-crypto-api-key", provider: "Robinhood", title: "Robinhood Crypto API key", parts: [lit("rh-api-"), uuid()] },
  { id: "fleetbase-api-key", provider: "Fleetbase", title: "Fleetbase live API key", parts: [lit("flb_live_"), run2("base62", 20)] },
  { id: "clickhouse-cloud-secret", provider: "ClickHouse", title: "ClickHouse Cloud API secret", parts: [lit("4b1d"), run2("base62", 38)], keywords: ["4b1d"] },
  // AI
  { id: "anthropic-oauth-token", provider: "Anthropic", title: "Anthropic OAuth token (Claude Code)", parts: [lit("sk-ant-oat01-"), run2("b64url", 93), lit("AA")], samples: { positive: [], negative: [] } },
  { id: "anthropic-session-key", provider: "Anthropic", title: "Anthropic session key", parts: [lit("sk-ant-sid01-"), run2("b64url", 90)] },
  { id: "openai-user-key", provider: "OpenAI", title: "OpenAI user API key (legacy)", parts: [lit("sk-None-"), run2("base62", 20), lit("T3BlbkFJ"), run2("base62", 20)] },
  { id: "elevenlabs-api-key-v2", provider: "ElevenLabs", title: "ElevenLabs API key", parts: [lit("sk_"), run2("hex", 48)], samples: { positive: [], negative: [] } },
  // Sales, payments
  { id: "salesforce-refresh-token", provider: "Salesforce", title: "Salesforce refresh token", parts: [lit("5AEP861"), run2("dotted", 80, 120)] },
  { id: "salesforce-consumer-key", provider: "Salesforce", title: "Salesforce connected-app consumer key", level: "warning", parts: [lit("3MVG9"), run2("b64dot", 80, 250)] },
  { id: "razorpay-live-key", provider: "Razorpay", title: "Razorpay live key id", parts: [lit("rzp_live_"), run2("base62", 14)] },
  { id: "razorpay-test-key", provider: "Razorpay", title: "Razorpay test key id", level: "info", parts: [lit("rzp_test_"), run2("base62", 14)] },
  { id: "paystack-secret-key", provider: "Paystack", title: "Paystack secret key", parts: [lit("sk_live_"), run2("hex", 40)], samples: { positive: [], negative: [] } },
  { id: "paystack-test-secret-key", provider: "Paystack", title: "Paystack test secret key", level: "info", parts: [lit("sk_test_"), run2("hex", 40)] },
  { id: "checkout-secret-key", provider: "Checkout.com", title: "Checkout.com secret key (sandbox or test)", level: "warning", parts: [lit("sk_sbox_", "sk_test_"), uuid()] },
  { id: "lob-live-api-key", provider: "Lob", title: "Lob live API key", parts: [lit("live_"), run2("hex", 35)] },
  { id: "lob-test-api-key", provider: "Lob", title: "Lob test API key", level: "info", parts: [lit("test_"), run2("hex", 35)] },
  { id: "ramp-client-id", provider: "Ramp", title: "Ramp client id", level: "warning", parts: [lit("ramp_id_"), run2("base62", 40)] },
  { id: "ramp-client-secret", provider: "Ramp", title: "Ramp client secret", parts: [lit("ramp_sec_"), run2("base62", 48)] },
  { id: "pagarme-api-key", provider: "Pagar.me", title: "Pagar.me API key", parts: [lit("ak_live_"), run2("base62", 30)] },
  // Klaviyo private API key: `pk_` + 34 hex (newer keys: `pk_` + 6 alphanumerics + `_` + 34 hex). The public
  // key is a 6-character site id, and Stripe's `pk_live_`/`pk_test_` are not hex, so the shape is Klaviyo's.
  { id: "klaviyo-private-key", provider: "Klaviyo", title: "Klaviyo private API key", parts: [lit("pk_"), run2("hex", 34)], samples: { positive: [], negative: [] } },
  { id: "klaviyo-private-key-v2", provider: "Klaviyo", title: "Klaviyo private API key", parts: [lit("pk_"), run2("base62", 6), lit("_"), run2("hex", 34)], samples: { positive: [], negative: [] } },
  // Observability
  { id: "new-relic-browser-key", provider: "New Relic", title: "New Relic browser key", level: "warning", parts: [lit("NRJS-", "NRBR-"), run2("hex", 19)] },
  { id: "new-relic-insights-query-key", provider: "New Relic", title: "New Relic Insights query key", parts: [lit("NRIQ-"), run2("b64url", 25, 32)] },
  { id: "new-relic-mobile-token", provider: "New Relic", title: "New Relic mobile app token", level: "warning", parts: [lit("AA"), run2("hex", 40), lit("-NRMA")], keywords: ["-nrma"] },
  { id: "fullstory-api-key", provider: "FullStory", title: "FullStory server API key", parts: [lit("na1.", "eu1."), run2("b64", 100)] },
  { id: "launchdarkly-key", provider: "LaunchDarkly", title: "LaunchDarkly API, SDK or mobile key", parts: [lit("api-", "sdk-", "mob-"), uuid4()], keywords: ["api-", "sdk-", "mob-"] },
  // Honeycomb ingest key: key id `hc<letter>ik_` + 26, then its 32-character secret, concatenated (docs.honeycomb.io,
  // "API Key Format"; the letter varies per key). Management key ids (`hc<letter>mk_`) are labels; their secret is separate.
  { id: "honeycomb-ingest-key", provider: "Honeycomb", title: "Honeycomb ingest key", parts: [lit(..."abcdefghijklmnopqrstuvwxyz".split("").map((c) => `hc${c}ik_`)), run2("lower", 58)], samples: { positive: [], negative: [] } },
  // Messaging
  { id: "mailersend-api-token", provider: "MailerSend", title: "MailerSend API token", parts: [lit("mlsn."), run2("hex", 64)] },
  { id: "pubnub-secret-key", provider: "PubNub", title: "PubNub secret key", parts: [lit("sec-c-"), run2("base62", 44)] },
  // Work tools, devtools
  { id: "zoho-oauth-token", provider: "Zoho", title: "Zoho OAuth token", parts: [lit("1000."), run2("hex", 32), lit("."), run2("hex", 32)] },
  { id: "adafruit-io-key", provider: "Adafruit", title: "Adafruit IO key", parts: [lit("aio_"), run2("base62", 28)] },
  {
    // Any Slack hook path (incoming webhook, workflow or trigger URL): 43–56 characters after the kind.
    // slack-webhook (chat.ts) names the classic `T…/B…/…` shape; this row catches the other layouts.
    id: "slack-hook-url",
    provider: "Slack",
    title: "Slack webhook, workflow or trigger URL",
    parts: [lit("hooks.slack.com/"), lit("services/", "workflows/", "triggers/"), run2("b64", 43, 56)],
    keywords: ["hooks.slack.com/"],
    samples: { positive: [], negative: [] }
  },
  {
    // JFrog access / identity token: a JWT whose header opens with JFrog's own `{"ver":"2","typ":"JWT",
    // "alg":"RS256","kid":…}` (other issuers put `alg` or `typ` first).
    id: "jfrog-access-token",
    provider: "JFrog",
    title: "JFrog access or identity token (JWT)",
    parts: [lit("eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOi"), run2("b64url", 20, 200), lit("."), run2("b64url", 100, 1200), lit("."), run2("b64url", 300, 700)],
    keywords: ["eyj2zxiioiiyiiwidhlwijoisldu"],
    samples: { positive: [], negative: [] }
  },
  { id: "photoroom-api-key", provider: "PhotoRoom", title: "PhotoRoom API key", parts: [lit("sk_pr_"), run2("base62", 1, 64), lit("_"), run2("hex", 40)] },
  {
    id: "recharge-api-token",
    provider: "Recharge",
    title: "Recharge Payments API token",
    parts: [lit("sk_1x1_", "sk_1x3_", "sk_2x1_", "sk_2x2_", "sk_3x3_", "sk_5x3_", "sk_10x3_"), run2("hexAny", 64)],
    samples: { positive: [], negative: [] }
  },
  { id: "recharge-test-api-token", provider: "Recharge", title: "Recharge Payments test API token", level: "info", parts: [lit("sk_test_1x1_", "sk_test_1x3_", "sk_test_2x1_", "sk_test_2x2_", "sk_test_3x3_", "sk_test_5x3_", "sk_test_10x3_"), run2("hexAny", 64)], keywords: ["sk_test_"] },
  { id: "trufflehog-enterprise-key", provider: "Truffle Security", title: "TruffleHog Enterprise API key id", level: "warning", parts: [lit("thog-key-"), run2("hex", 16)] },
  { id: "trufflehog-enterprise-secret", provider: "Truffle Security", title: "TruffleHog Enterprise API secret", parts: [lit("thog-secret-"), run2("hex", 32)] },
  {
    id: "tines-webhook",
    provider: "Tines",
    title: "Tines webhook URL",
    parts: [lit("https://"), run2("alnumDash", 1, 40), lit(".tines.com/webhook/"), run2("lower", 32), lit("/"), run2("lower", 32)],
    keywords: [".tines.com/webhook/"],
    samples: { positive: [], negative: [] }
  },
  { id: "maxmind-license-key", provider: "MaxMind", title: "MaxMind license key", parts: [run2("base62", 6), lit("_"), run2("base62", 29), lit("_mmk")], keywords: ["_mmk"] }
];
var prefixedDetectors = rows2.map(prefixed);

// src/core/secrets/detectors/registries.ts
var CLOUDSMITH_WORDS = ["cloudsmith"];
var registryDetectors = [
  {
    // npm granular / automation / publish tokens: `npm_` + 36 base62, last 6 = base62 CRC32 of the
    // first 30 (same scheme as GitHub).
    id: "npm-access-token",
    title: "npm access token",
    provider: "npm",
    level: "error",
    keywords: ["npm_"],
    pattern: token("npm_[0-9A-Za-z]{36}"),
    validate: (secret2) => hasBase62Crc32(secret2, "npm_"),
    redactPrefix: "npm_",
    samples: { positive: [], negative: [] }
  },
  {
    // PyPI API token: a macaroon, `pypi-` + base64url starting `AgEIcHlwaS5vcmc` ("…pypi.org").
    id: "pypi-upload-token",
    title: "PyPI API token",
    provider: "PyPI",
    level: "error",
    keywords: ["pypi-ageichlwas5vcmc"],
    pattern: token("pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_\\-]{50,1000}"),
    entropy: 4,
    redactPrefix: "pypi-",
    samples: { positive: [], negative: [] }
  },
  {
    // TestPyPI API token: same macaroon shape for test.pypi.org (`AgENdGVzdC5weXBpLm9yZw`).
    id: "testpypi-upload-token",
    title: "TestPyPI API token",
    provider: "PyPI",
    level: "warning",
    keywords: ["pypi-agendgvzdc5wexbplm9yzw"],
    pattern: token("pypi-AgENdGVzdC5weXBpLm9yZw[0-9A-Za-z_\\-]{50,1000}"),
    entropy: 4,
    redactPrefix: "pypi-",
    samples: { positive: [], negative: [] }
  },
  {
    // RubyGems API key: `rubygems_` + 48 hex.
    id: "rubygems-api-key",
    title: "RubyGems API key",
    provider: "RubyGems",
    level: "error",
    keywords: ["rubygems_"],
    pattern: token("rubygems_[0-9a-f]{48}"),
    entropy: 3.2,
    redactPrefix: "rubygems_",
    samples: { positive: [], negative: [] }
  },
  {
    // NuGet.org API key: `oy2` + 43 lower-case base32-ish characters.
    id: "nuget-api-key",
    title: "NuGet API key",
    provider: "NuGet",
    level: "error",
    keywords: ["oy2"],
    pattern: token("oy2[a-z0-9]{43}"),
    entropy: 3.5,
    redactPrefix: "oy2",
    samples: { positive: [], negative: [] }
  },
  {
    // Docker Hub personal access token: `dckr_pat_` + 27 base64url.
    id: "dockerhub-pat",
    title: "Docker Hub personal access token",
    provider: "Docker Hub",
    level: "error",
    keywords: ["dckr_pat_"],
    pattern: token("dckr_pat_[0-9A-Za-z_\\-]{27}"),
    entropy: 3.5,
    redactPrefix: "dckr_pat_",
    samples: { positive: [], negative: [] }
  },
  {
    // Docker Hub organization access token: `dckr_oat_` + 32 base64url.
    id: "dockerhub-org-access-token",
    title: "Docker Hub organization access token",
    provider: "Docker Hub",
    level: "error",
    keywords: ["dckr_oat_"],
    pattern: token("dckr_oat_[0-9A-Za-z_\\-]{32}"),
    entropy: 3.5,
    redactPrefix: "dckr_oat_",
    samples: { positive: [], negative: [] }
  },
  {
    // crates.io API token: `cio` + 32 base62.
    id: "crates-io-api-token",
    title: "crates.io API token",
    provider: "crates.io",
    level: "error",
    keywords: ["cio"],
    pattern: token("cio[0-9A-Za-z]{32}"),
    entropy: 3.8,
    redactPrefix: "cio",
    samples: { positive: [], negative: [] }
  },
  {
    // Clojars deploy token: `CLOJARS_` + 60 lower-case alphanumerics.
    id: "clojars-deploy-token",
    title: "Clojars deploy token",
    provider: "Clojars",
    level: "error",
    keywords: ["clojars_"],
    pattern: token("CLOJARS_[0-9a-z]{60}"),
    entropy: 3.5,
    redactPrefix: "CLOJARS_",
    samples: { positive: [], negative: [] }
  },
  {
    // Packagist API token: `packagist_` + `ou`/`ut`/`or`… kind + `_` + 68 hex.
    id: "packagist-token",
    title: "Packagist API token",
    provider: "Packagist",
    level: "error",
    keywords: ["packagist_"],
    pattern: token("packagist_[ou][ru]t_[0-9a-f]{68}"),
    entropy: 3.2,
    redactPrefix: "packagist_",
    samples: { positive: [], negative: [] }
  },
  {
    // Cloudsmith API key: 40 lower-case hex next to a Cloudsmith name.
    id: "cloudsmith-api-key",
    title: "Cloudsmith API key",
    provider: "Cloudsmith",
    level: "error",
    keywords: lower(CLOUDSMITH_WORDS),
    pattern: near(CLOUDSMITH_WORDS, "[0-9a-f]{40}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Gradle Plugin Portal publishing key/secret: 32 base62 in gradle.properties.
    id: "gradle-plugin-portal-key",
    title: "Gradle Plugin Portal publish key",
    provider: "Gradle",
    level: "error",
    keywords: ["gradle.publish."],
    pattern: /gradle\.publish\.(?:key|secret)\s{0,5}[=:]\s{0,5}(?<secret>[0-9A-Za-z]{32})(?![0-9A-Za-z])/,
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/security.ts
var SNYK_WORDS = ["snyk"];
var OKTA_WORDS = ["okta"];
var AUTH0_WORDS = ["auth0"];
var LAUNCHDARKLY_WORDS = ["launchdarkly"];
var CODECOV_WORDS = ["codecov"];
var ALGOLIA_WORDS = ["algolia_admin", "algolia_api_key", "algolia_write", "algoliaadmin", "algolia_secret"];
var MIXPANEL_WORDS = ["mixpanel"];
var AMPLITUDE_WORDS = ["amplitude_secret", "amplitude_api_secret", "amplitudesecret"];
var CONTENTFUL_WORDS = ["contentful"];
var CONFLUENT_WORDS = ["confluent"];
var ATLAS_WORDS = ["atlas_private_key", "mongodb_atlas_private", "atlas_api_private"];
var securityDetectors = [
  {
    // SonarQube tokens: `squ_` (user), `sqp_` (project analysis), `sqa_` (global analysis) + 40 hex.
    id: "sonarqube-token",
    title: "SonarQube token",
    provider: "SonarQube",
    level: "error",
    keywords: ["squ_", "sqp_", "sqa_"],
    pattern: token("sq[upa]_[0-9a-f]{40}"),
    entropy: 3.2,
    redactPrefix: "squ_",
    samples: { positive: [], negative: [] }
  },
  {
    // Snyk API token: a UUID next to a Snyk name.
    id: "snyk-api-token",
    title: "Snyk API token",
    provider: "Snyk",
    level: "error",
    keywords: lower(SNYK_WORDS),
    pattern: near(SNYK_WORDS, UUID),
    samples: { positive: [], negative: [] }
  },
  {
    // JFrog Artifactory API key: `AKCp` + 69 base62.
    id: "jfrog-api-key",
    title: "JFrog Artifactory API key",
    provider: "JFrog",
    level: "error",
    keywords: ["akcp"],
    pattern: token("AKCp[0-9A-Za-z]{69}"),
    entropy: 4,
    redactPrefix: "AKCp",
    samples: { positive: [], negative: [] }
  },
  {
    // JFrog reference (access) token: base64 of `reftkn:01:…`, so `cmVmdGtu` + 56 base62.
    id: "jfrog-reference-token",
    title: "JFrog reference token",
    provider: "JFrog",
    level: "error",
    keywords: ["cmvmdgtu"],
    pattern: token("cmVmdGtu[0-9A-Za-z]{56}"),
    entropy: 4,
    redactPrefix: "cmVmdGtu",
    samples: { positive: [], negative: [] }
  },
  {
    // Okta API token: `00` + 40 base64url, next to an Okta name.
    id: "okta-api-token",
    title: "Okta API token",
    provider: "Okta",
    level: "error",
    keywords: lower(OKTA_WORDS),
    // `okta` must start a word (`OKTA_`, `oktaToken`, `acme.okta.com`), not sit inside one (`rookTable`).
    pattern: near(OKTA_WORDS, "00[0-9A-Za-z_\\-]{40}", { gap: 60, nameBoundary: true }),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Auth0 client secret: 64 base64url next to an Auth0 name.
    id: "auth0-client-secret",
    title: "Auth0 client secret",
    provider: "Auth0",
    level: "error",
    keywords: lower(AUTH0_WORDS),
    pattern: near(AUTH0_WORDS, "[0-9A-Za-z_\\-]{64}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Firebase Cloud Messaging legacy server key: `AAAA` + 7 base64url + `:APA91b` + 134 base64url.
    id: "firebase-fcm-server-key",
    title: "Firebase Cloud Messaging server key",
    provider: "Firebase",
    level: "error",
    keywords: [":apa91b"],
    pattern: token("AAAA[0-9A-Za-z_\\-]{7}:APA91b[0-9A-Za-z_\\-]{134}"),
    entropy: 4,
    redactPrefix: "AAAA",
    samples: { positive: [], negative: [] }
  },
  {
    // Mapbox secret token: `sk.eyJ` + base64url claims + `.` + 22 base64url (the `pk.` token is public).
    id: "mapbox-secret-token",
    title: "Mapbox secret access token",
    provider: "Mapbox",
    level: "error",
    keywords: ["sk.eyj"],
    pattern: token("sk\\.eyJ[0-9A-Za-z_\\-]{50,300}\\.[0-9A-Za-z_\\-]{22}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "sk.",
    samples: { positive: [], negative: [] }
  },
  {
    // LaunchDarkly API access token `api-<uuid>` or server SDK key `sdk-<uuid>`, next to a LaunchDarkly name.
    id: "launchdarkly-access-token",
    title: "LaunchDarkly access token or SDK key",
    provider: "LaunchDarkly",
    level: "error",
    keywords: lower(LAUNCHDARKLY_WORDS),
    pattern: near(LAUNCHDARKLY_WORDS, `(?:api|sdk)-${UUID}`),
    entropy: 3,
    samples: { positive: [], negative: [] }
  },
  {
    // Codecov upload token: a UUID next to a Codecov name.
    id: "codecov-token",
    title: "Codecov upload token",
    provider: "Codecov",
    level: "warning",
    keywords: lower(CODECOV_WORDS),
    pattern: near(CODECOV_WORDS, UUID),
    samples: { positive: [], negative: [] }
  },
  {
    // Segment Public API token: `sgp_` + 64 base62.
    id: "segment-public-api-token",
    title: "Segment Public API token",
    provider: "Segment",
    level: "error",
    keywords: ["sgp_"],
    pattern: token("sgp_[0-9A-Za-z]{64}"),
    entropy: 4,
    redactPrefix: "sgp_",
    samples: { positive: [], negative: [] }
  },
  {
    // PostHog personal API key: `phx_` + 43 base62 (the `phc_` project key is public).
    id: "posthog-personal-api-key",
    title: "PostHog personal API key",
    provider: "PostHog",
    level: "error",
    keywords: ["phx_"],
    pattern: token("phx_[0-9A-Za-z]{43}"),
    entropy: 4,
    redactPrefix: "phx_",
    samples: { positive: [], negative: [] }
  },
  {
    // Mixpanel project / service account secret: 32 hex next to a Mixpanel name.
    id: "mixpanel-secret",
    title: "Mixpanel API secret",
    provider: "Mixpanel",
    level: "error",
    keywords: lower(MIXPANEL_WORDS),
    pattern: near(MIXPANEL_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Amplitude secret key: 32 hex next to an Amplitude secret name (the API key itself is public).
    id: "amplitude-secret-key",
    title: "Amplitude secret key",
    provider: "Amplitude",
    level: "error",
    keywords: lower(AMPLITUDE_WORDS),
    pattern: near(AMPLITUDE_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Algolia admin / write API key: 32 hex next to an Algolia admin-key name (search keys are public).
    id: "algolia-admin-key",
    title: "Algolia admin API key",
    provider: "Algolia",
    level: "error",
    keywords: lower(ALGOLIA_WORDS),
    pattern: near(ALGOLIA_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // The search-only key of a DocSearch / InstantSearch front-end config (Docusaurus, VitePress,
    // `docsearch({…})`): `appId` (10 upper-case alphanumerics), then `apiKey` with 32 hex, and an
    // `indexName` in the same object. Algolia documents search-only keys as safe to ship to browsers;
    // reported at info level (an admin key pasted there would still be listed), so a docs site's
    // config does not fail a check as `generic-api-key` would.
    id: "algolia-docsearch-search-key",
    title: "Algolia search-only API key in a DocSearch config (public by design)",
    provider: "Algolia",
    level: "info",
    keywords: ["appid"],
    pattern: /appId["']?\s{0,3}:\s{0,3}["'][A-Z0-9]{10}["'](?=[\s\S]{0,300}?\bindexName\b)[\s\S]{0,160}?\bapiKey["']?\s{0,3}:\s{0,3}["'](?<secret>[0-9a-f]{32})["']/,
    entropy: 3,
    samples: { positive: [], negative: [] }
  },
  {
    // Contentful personal access token `CFPAT-` + 43, or a 43-char delivery/management token next to a Contentful name.
    id: "contentful-token",
    title: "Contentful access token",
    provider: "Contentful",
    level: "error",
    keywords: ["cfpat-", ...lower(CONTENTFUL_WORDS)],
    pattern: token("(?:CFPAT-[0-9A-Za-z_\\-]{43}|(?<=[Cc][Oo][Nn][Tt][Ee][Nn][Tt][Ff][Uu][Ll][^\\n]{0,40})[0-9A-Za-z_\\-]{43})"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Confluent Cloud API secret: 64 base64-ish characters next to a Confluent name.
    id: "confluent-api-secret",
    title: "Confluent Cloud API secret",
    provider: "Confluent",
    level: "error",
    keywords: lower(CONFLUENT_WORDS),
    pattern: near(CONFLUENT_WORDS, "[0-9A-Za-z+/]{64}", { edge: "A-Za-z0-9_\\-+/", tail: "A-Za-z0-9_\\-+/=" }),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // MongoDB Atlas Admin API private key: a UUID next to an Atlas private-key name.
    id: "mongodb-atlas-private-key",
    title: "MongoDB Atlas API private key",
    provider: "MongoDB Atlas",
    level: "error",
    keywords: lower(ATLAS_WORDS),
    pattern: near(ATLAS_WORDS, UUID),
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/social.ts
var TWITTER_WORDS = ["twitter", "tweepy"];
var FACEBOOK_WORDS = ["facebook", "fb_app_secret"];
var TWITCH_WORDS = ["twitch"];
var LINKEDIN_WORDS = ["linkedin"];
var SPOTIFY_WORDS = ["spotify"];
var REDDIT_WORDS = ["reddit"];
var socialDetectors = [
  {
    // Twitter/X app bearer token: 21 `A`s, then URL-encoded base64 (`%2F`, `%3D`).
    id: "twitter-bearer-token",
    title: "Twitter/X bearer token",
    provider: "Twitter",
    level: "error",
    keywords: ["aaaaaaaaaaaaaaaaaaaaa"],
    pattern: token("A{21}[0-9A-Za-z%]{80,130}"),
    entropy: 3.5,
    redactPrefix: "AAAAAAAAAAAAAAAAAAAAA",
    samples: { positive: [], negative: [] }
  },
  {
    // Twitter/X API key secret / access token secret: 45–50 base62 next to a Twitter name.
    id: "twitter-api-secret",
    title: "Twitter/X API secret",
    provider: "Twitter",
    level: "error",
    keywords: lower(TWITTER_WORDS),
    pattern: near(TWITTER_WORDS, "[0-9A-Za-z]{45,50}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Twitter/X user access token: numeric user id + `-` + 40-ish base62, next to a Twitter name.
    id: "twitter-access-token",
    title: "Twitter/X access token",
    provider: "Twitter",
    level: "error",
    keywords: lower(TWITTER_WORDS),
    pattern: near(TWITTER_WORDS, "[0-9]{15,25}-[0-9A-Za-z]{20,50}"),
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  },
  {
    // Facebook / Meta Graph access token: `EAA` + app-id marker + 90+ base62 (Square's `EAAA` tokens are 64 chars).
    id: "facebook-access-token",
    title: "Facebook (Meta) access token",
    provider: "Facebook",
    level: "error",
    keywords: ["eaa"],
    pattern: token("EAA[0-9A-Za-z]{90,400}"),
    entropy: 4,
    redactPrefix: "EAA",
    samples: { positive: [], negative: [] }
  },
  {
    // Facebook app secret: 32 hex next to a Facebook name.
    id: "facebook-app-secret",
    title: "Facebook (Meta) app secret",
    provider: "Facebook",
    level: "error",
    keywords: lower(FACEBOOK_WORDS),
    pattern: near(FACEBOOK_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Instagram Basic Display / Graph user token: `IGQV` (or `IGAA`) + 100+ base64url.
    id: "instagram-access-token",
    title: "Instagram access token",
    provider: "Instagram",
    level: "error",
    keywords: ["igqv", "igaa"],
    pattern: token("IG(?:QV|AA)[0-9A-Za-z_\\-]{100,400}"),
    entropy: 4,
    redactPrefix: "IGQV",
    samples: { positive: [], negative: [] }
  },
  {
    // Twitch OAuth token / client secret: 30 lower-case alphanumerics next to a Twitch name.
    id: "twitch-token",
    title: "Twitch OAuth token or client secret",
    provider: "Twitch",
    level: "error",
    keywords: lower(TWITCH_WORDS),
    pattern: near(TWITCH_WORDS, "[0-9a-z]{30}"),
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  },
  {
    // LinkedIn client secret: 16 base62 next to a LinkedIn name.
    id: "linkedin-client-secret",
    title: "LinkedIn client secret",
    provider: "LinkedIn",
    level: "error",
    keywords: lower(LINKEDIN_WORDS),
    pattern: near(LINKEDIN_WORDS, "[0-9A-Za-z]{16}", { gap: 25 }),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Spotify client secret: 32 hex next to a Spotify name.
    id: "spotify-client-secret",
    title: "Spotify client secret",
    provider: "Spotify",
    level: "error",
    keywords: lower(SPOTIFY_WORDS),
    pattern: near(SPOTIFY_WORDS, "[0-9a-f]{32}"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Reddit app secret: 27–30 base64url next to a Reddit name.
    id: "reddit-client-secret",
    title: "Reddit client secret",
    provider: "Reddit",
    level: "error",
    keywords: lower(REDDIT_WORDS),
    pattern: near(REDDIT_WORDS, "[0-9A-Za-z_\\-]{27,30}"),
    entropy: 3.8,
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/work-tools.ts
var NOTION_WORDS = ["notion"];
var ASANA_WORDS = ["asana"];
var ZENDESK_WORDS = ["zendesk"];
var DROPBOX_WORDS = ["dropbox"];
var BOX_WORDS = ["box_client_secret", "box_developer_token", "box_access_token", "box-client-secret"];
var TRELLO_WORDS = ["trello"];
var AIRTABLE_WORDS = ["airtable"];
var workToolDetectors = [
  {
    // Atlassian API token (Jira/Confluence Cloud): `ATATT3` + base64url, ending `=` + 8 hex checksum.
    id: "atlassian-api-token",
    title: "Atlassian API token",
    provider: "Atlassian",
    level: "error",
    keywords: ["atatt3"],
    pattern: token("ATATT3[0-9A-Za-z_\\-=]{150,250}", "A-Za-z0-9_\\-", "A-Za-z0-9_\\-="),
    entropy: 4,
    redactPrefix: "ATATT3",
    samples: { positive: [], negative: [] }
  },
  {
    // Linear personal API key: `lin_api_` + 40 alphanumerics.
    id: "linear-api-key",
    title: "Linear API key",
    provider: "Linear",
    level: "error",
    keywords: ["lin_api_"],
    pattern: token("lin_api_[0-9A-Za-z]{40}"),
    entropy: 3.8,
    redactPrefix: "lin_api_",
    samples: { positive: [], negative: [] }
  },
  {
    // Linear OAuth access token: `lin_oauth_` + 64 hex.
    id: "linear-oauth-token",
    title: "Linear OAuth access token",
    provider: "Linear",
    level: "error",
    keywords: ["lin_oauth_"],
    pattern: token("lin_oauth_[0-9a-f]{64}"),
    entropy: 3.2,
    redactPrefix: "lin_oauth_",
    samples: { positive: [], negative: [] }
  },
  {
    // Notion integration token: `ntn_` + 11 digits + 35 base62 (2024+), or legacy `secret_` + 43 base62
    // (legacy only next to a Notion name: `secret_` alone is too common a word).
    id: "notion-integration-token",
    title: "Notion integration token",
    provider: "Notion",
    level: "error",
    keywords: ["ntn_", ...lower(NOTION_WORDS)],
    pattern: token("(?:ntn_[0-9]{11}[0-9A-Za-z]{35}|(?<=[Nn][Oo][Tt][Ii][Oo][Nn][^\\n]{0,40})secret_[0-9A-Za-z]{43})"),
    entropy: 3.8,
    redactPrefix: "ntn_",
    samples: { positive: [], negative: [] }
  },
  {
    // Airtable personal access token: `pat` + 14 base62 + `.` + 64 hex.
    id: "airtable-pat",
    title: "Airtable personal access token",
    provider: "Airtable",
    level: "error",
    // `pat` alone would make every file with "path" a candidate; the provider name keeps the prefilter sharp.
    keywords: lower(AIRTABLE_WORDS),
    pattern: token("pat[0-9A-Za-z]{14}\\.[0-9a-f]{64}", "A-Za-z0-9_\\-."),
    entropy: 3.5,
    redactPrefix: "pat",
    samples: { positive: [], negative: [] }
  },
  {
    // Airtable API key (deprecated): `key` + 14 base62, next to an Airtable name.
    id: "airtable-api-key",
    title: "Airtable API key (legacy)",
    provider: "Airtable",
    level: "error",
    keywords: lower(AIRTABLE_WORDS),
    pattern: near(AIRTABLE_WORDS, "key[0-9A-Za-z]{14}"),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // The same token with no Asana name nearby: `1/<gid>:<32 hex>` (legacy) or `2/<gid>/<gid>:<32 hex>`,
    // Asana ids being 16 digits that start with 1 — distinctive enough on its own.
    id: "asana-pat-bare",
    title: "Asana personal access token",
    provider: "Asana",
    level: "error",
    keywords: ["1/1", "2/1"],
    pattern: token("(?:1/1[0-9]{15}|2/1[0-9]{15}/1[0-9]{15}):[0-9a-f]{32}", "A-Za-z0-9_\\-/:", "A-Za-z0-9_\\-"),
    entropy: 3,
    samples: { positive: [], negative: [] }
  },
  {
    // Asana personal access token: `<0|1|2>/<digits>(/<digits>)?:<32 hex>`, next to an Asana name.
    id: "asana-pat",
    title: "Asana personal access token",
    provider: "Asana",
    level: "error",
    keywords: lower(ASANA_WORDS),
    pattern: near(ASANA_WORDS, "[0-2]/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32}", { edge: "A-Za-z0-9_\\-/" }),
    entropy: 3,
    samples: { positive: [], negative: [] }
  },
  {
    // Postman API key: `PMAK-` + 24 hex + `-` + 34 hex.
    id: "postman-api-key",
    title: "Postman API key",
    provider: "Postman",
    level: "error",
    keywords: ["pmak-"],
    pattern: token("PMAK-[0-9a-f]{24}-[0-9a-f]{34}"),
    entropy: 3.2,
    redactPrefix: "PMAK-",
    samples: { positive: [], negative: [] }
  },
  {
    // HubSpot private app token: `pat-<region>-` + UUID.
    id: "hubspot-private-app-token",
    title: "HubSpot private app access token",
    provider: "HubSpot",
    level: "error",
    keywords: ["pat-na", "pat-eu", "pat-ap"],
    pattern: token(`pat-(?:na|eu|ap)[0-9]{1,2}-${UUID}`),
    entropy: 3,
    redactPrefix: "pat-",
    samples: { positive: [], negative: [] }
  },
  {
    // Intercom access token: base64 of `tok:<uuid>:…`, so it starts `dG9rOj`.
    id: "intercom-access-token",
    title: "Intercom access token",
    provider: "Intercom",
    level: "error",
    // `tok:` then a UUID: base64 gives `dG9rOj` when the UUID starts with a digit, `dG9rOm` with a-f.
    keywords: ["dg9roj", "dg9rom"],
    pattern: token("dG9rO[jm][0-9A-Za-z+/_\\-]{50,70}={0,2}", "A-Za-z0-9_\\-+/", "A-Za-z0-9_\\-+/="),
    entropy: 4,
    redactPrefix: "dG9rOj",
    samples: { positive: [], negative: [] }
  },
  {
    // Zendesk API token: 40 base62 next to a Zendesk name.
    id: "zendesk-api-token",
    title: "Zendesk API token",
    provider: "Zendesk",
    level: "error",
    keywords: lower(ZENDESK_WORDS),
    pattern: near(ZENDESK_WORDS, "[0-9A-Za-z]{40}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Dropbox short-lived access token: `sl.` (or `sl.u.`) + 130+ base64url.
    id: "dropbox-access-token",
    title: "Dropbox access token",
    provider: "Dropbox",
    level: "error",
    keywords: ["sl.u.", "sl.a", "sl.b"],
    pattern: token("sl\\.(?:u\\.)?[0-9A-Za-z_\\-]{130,1500}", "A-Za-z0-9_\\-."),
    entropy: 4,
    redactPrefix: "sl.",
    samples: { positive: [], negative: [] }
  },
  {
    // Dropbox long-lived token: 11 base62 + `AAAAAAAAAA` + 43 base64url (`=` allowed), next to a Dropbox name.
    id: "dropbox-long-lived-token",
    title: "Dropbox long-lived access token",
    provider: "Dropbox",
    level: "error",
    keywords: lower(DROPBOX_WORDS),
    pattern: near(DROPBOX_WORDS, "[0-9A-Za-z]{11}AAAAAAAAAA[0-9A-Za-z_\\-=]{43}", { tail: "A-Za-z0-9_\\-=" }),
    entropy: 3.5,
    samples: { positive: [], negative: [] }
  },
  {
    // Box client secret or developer token: 32 alphanumerics next to a Box credential name.
    id: "box-client-secret",
    title: "Box client secret or developer token",
    provider: "Box",
    level: "error",
    keywords: lower(BOX_WORDS),
    pattern: near(BOX_WORDS, "[0-9A-Za-z]{32}"),
    entropy: 4,
    samples: { positive: [], negative: [] }
  },
  {
    // Figma personal access token: `figd_` + 40 base64url.
    id: "figma-pat",
    title: "Figma personal access token",
    provider: "Figma",
    level: "error",
    keywords: ["figd_"],
    pattern: token("figd_[0-9A-Za-z_\\-]{40}"),
    entropy: 3.8,
    redactPrefix: "figd_",
    samples: { positive: [], negative: [] }
  },
  {
    // Typeform personal access token: `tfp_` + 59 base64url-ish characters.
    id: "typeform-pat",
    title: "Typeform personal access token",
    provider: "Typeform",
    level: "error",
    keywords: ["tfp_"],
    pattern: token("tfp_[0-9A-Za-z_\\-.=]{59}", WORD, "A-Za-z0-9_\\-.="),
    entropy: 3.8,
    redactPrefix: "tfp_",
    samples: { positive: [], negative: [] }
  },
  {
    // ClickUp personal token: `pk_` + 6–10 digits + `_` + 32 upper alphanumerics.
    id: "clickup-pat",
    title: "ClickUp personal API token",
    provider: "ClickUp",
    level: "error",
    keywords: ["pk_"],
    pattern: token("pk_[0-9]{6,10}_[0-9A-Z]{32}"),
    entropy: 3.5,
    redactPrefix: "pk_",
    samples: { positive: [], negative: [] }
  },
  {
    // Trello API token: 64 hex (or `ATTA` + 64 hex + 8 hex), next to a Trello name.
    id: "trello-api-token",
    title: "Trello API token",
    provider: "Trello",
    level: "error",
    keywords: lower(TRELLO_WORDS),
    pattern: near(TRELLO_WORDS, "(?:ATTA[0-9a-f]{64}[0-9A-F]{8}|[0-9a-f]{64})"),
    entropy: 3.2,
    samples: { positive: [], negative: [] }
  },
  {
    // Zapier catch hook URL: the URL is the credential.
    id: "zapier-webhook",
    title: "Zapier webhook URL",
    provider: "Zapier",
    level: "warning",
    keywords: ["hooks.zapier.com/hooks/catch/"],
    pattern: token("https://hooks\\.zapier\\.com/hooks/catch/[0-9]{5,12}/[0-9a-z]{6,12}/?", "A-Za-z0-9_\\-/"),
    entropy: 3.5,
    redactPrefix: "https://hooks.zapier.com/hooks/catch/",
    samples: { positive: [], negative: [] }
  }
];

// src/core/secrets/detectors/index.ts
var allDetectors = [
  ...cloudDetectors,
  ...githubDetectors,
  ...codeHostDetectors,
  ...registryDetectors,
  ...chatDetectors,
  ...paymentDetectors,
  ...messagingDetectors,
  ...aiDetectors,
  ...observabilityDetectors,
  ...hostingDetectors,
  ...infrastructureDetectors,
  ...workToolDetectors,
  ...securityDetectors,
  ...socialDetectors,
  // Table-built rows (table.ts): distinctive prefixes, then provider-name-anchored keys.
  ...prefixedDetectors,
  ...keyedDetectors,
  ...formatDetectors,
  ...formDetectors,
  ...credentialFileDetectors,
  ...credentialStoreDetectors,
  ...genericDetectors
];

// src/core/append.ts
function append(target, items) {
  if (items.length === 0) return target;
  for (const item of items) target.push(item);
  return target;
}

// src/core/secrets/overlap.ts
function resolveOverlaps(candidates) {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const kept = [];
  let cluster = [];
  let clusterEnd = -1;
  for (const candidate of sorted) {
    if (candidate.start >= clusterEnd && cluster.length > 0) {
      append(kept, pickWithin(cluster));
      cluster = [];
    }
    cluster.push(candidate);
    clusterEnd = Math.max(clusterEnd, candidate.end);
  }
  append(kept, pickWithin(cluster));
  return kept.sort((a, b) => a.start - b.start || a.order - b.order);
}
function pickWithin(cluster) {
  if (cluster.length <= 1) return cluster;
  const ranked = [...cluster].sort((a, b) => Number(a.generic) - Number(b.generic) || b.end - b.start - (a.end - a.start) || a.order - b.order || a.start - b.start);
  const chosen = [];
  for (const candidate of ranked) {
    if (chosen.every((c) => candidate.end <= c.start || candidate.start >= c.end)) chosen.push(candidate);
  }
  return chosen;
}

// src/core/secrets/pairing.ts
var DEFAULT_PAIR_WITHIN = 5;
function pairCandidates(candidates) {
  const used = /* @__PURE__ */ new Set();
  const pairs2 = [];
  const byDetector = /* @__PURE__ */ new Map();
  for (const c of candidates) {
    const list = byDetector.get(c.detector.id);
    if (list) list.push(c);
    else byDetector.set(c.detector.id, [c]);
  }
  for (const first of candidates) {
    const pair = first.detector.pair;
    if (!pair || used.has(first)) continue;
    const best = nearest(first, byDetector.get(pair.with) ?? [], pair.within ?? DEFAULT_PAIR_WITHIN, used);
    if (best) {
      used.add(first).add(best);
      pairs2.push({ first, second: best });
    }
  }
  return { pairs: pairs2, singles: candidates.filter((c) => !used.has(c)) };
}
var MAX_LOOK = 64;
function nearest(first, seconds, within, used) {
  let lo = 0;
  let hi = seconds.length;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (seconds[mid].line < first.line - within) lo = mid + 1;
    else hi = mid;
  }
  let best;
  for (let i = lo, looked = 0; i < seconds.length && looked < MAX_LOOK && seconds[i].line <= first.line + within; i++) {
    const second = seconds[i];
    if (second === first || used.has(second)) continue;
    looked++;
    if (!best || Math.abs(second.line - first.line) < Math.abs(best.line - first.line)) best = second;
  }
  return best;
}

// src/core/secrets/redact.ts
function redact(secret2, prefix) {
  const shownPrefix = prefix && secret2.startsWith(prefix) && prefix.length < secret2.length / 2 ? prefix : "";
  const rest = secret2.slice(shownPrefix.length).replace(BLOCK_FOOTER, "");
  const tail = rest.length < MIN_TAIL_LENGTH ? 0 : Math.min(4, Math.floor(rest.length / 4));
  return `${shownPrefix}\u2026${tail > 0 ? rest.slice(-tail) : ""}`;
}
var MIN_TAIL_LENGTH = 12;
var BLOCK_FOOTER = /(?:\\[nr]|[\s=])*-----END [A-Z0-9 ]+-----(?:\\[nr]|\s)*$/;
function quoteSourceText(text3) {
  return isPlainName(text3) ? text3 : redact(text3);
}
var NAME_CHARS = /^[A-Za-z0-9_.\-/: *@]+$/;
var LONG_RUN = /[A-Za-z0-9]{25}/;
var DIGIT_GROUPS = /^[0-9]{1,4}(?:[-./:][0-9]{1,4}){0,3}$/;
function isPlainName(text3) {
  if (DIGIT_GROUPS.test(text3)) return true;
  if (text3.length === 0 || text3.length > 64 || !NAME_CHARS.test(text3) || LONG_RUN.test(text3)) return false;
  const digitRuns = text3.match(/[0-9]+/g)?.length ?? 0;
  const humps = text3.match(/[a-z][A-Z]/g)?.length ?? 0;
  return digitRuns <= 2 && humps <= 3;
}
function quoteErrorMessage(message) {
  const first = message.split("\n")[0].slice(0, 300);
  return first.replace(/[^\s"'`,;()[\]{}<>]+/g, (word) => word.length < 8 ? word : quoteSourceText(word));
}

// src/core/source.ts
import { isAscii as isAscii2 } from "node:buffer";

// src/core/stand-in.ts
import { isAscii } from "node:buffer";
function standInText(bytes, runs) {
  const made = standInBytes(bytes, runs);
  return made === void 0 ? void 0 : made.out.toString("latin1", 0, made.length);
}
function standInByteText(bytes, runs) {
  const made = standInBytes(bytes, runs);
  return made === void 0 ? void 0 : new ByteText(made.out, made.length, made.out === scratch);
}
function standInBytes(bytes, runs) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buffer.length;
  const out = outputBuffer(length);
  let n = 0;
  let copied = 0;
  let i = 0;
  while (i < length) {
    const blockEnd = Math.min(length, i + BLOCK2);
    if (isAscii(buffer.subarray(i, blockEnd))) {
      i = blockEnd;
      continue;
    }
    while (i < blockEnd) {
      const end = Math.min(blockEnd, i + SMALL_BLOCK);
      if (isAscii(buffer.subarray(i, end))) {
        i = end;
        continue;
      }
      if (copied < i) n += buffer.copy(out, n, copied, i);
      while (i < end) {
        const b = buffer[i];
        if (b < 128) {
          out[n++] = b;
          i++;
          while (i < end && buffer[i] < 128) out[n++] = buffer[i++];
          continue;
        }
        const c1 = buffer[i + 1];
        if (b < 194 || b > 244 || (c1 & 192) !== 128) return void 0;
        if (b < 224) {
          const kind = kindOf((b & 31) << 6 | c1 & 63);
          if (kind === REFUSED) return void 0;
          out[n++] = kind;
          i += 2;
          if (runs && !(buffer[i] >= 128)) runs.push(n, i - n);
          continue;
        }
        const c2 = buffer[i + 2];
        if ((c2 & 192) !== 128) return void 0;
        if (b < 240) {
          if (b === 224 && c1 < 160 || b === 237 && c1 > 159) return void 0;
          const kind = kindOf((b & 15) << 12 | (c1 & 63) << 6 | c2 & 63);
          if (kind === REFUSED) return void 0;
          out[n++] = kind;
          i += 3;
          if (runs && !(buffer[i] >= 128)) runs.push(n, i - n);
          continue;
        }
        if ((buffer[i + 3] & 192) !== 128 || b === 240 && c1 < 144 || b === 244 && c1 > 143) return void 0;
        out[n++] = OTHER;
        out[n++] = OTHER;
        i += 4;
        if (runs && !(buffer[i] >= 128)) runs.push(n, i - n);
      }
      copied = i;
    }
  }
  if (copied < length) n += buffer.copy(out, n, copied, length);
  return { out, length: n };
}
function byteOffset(runs, offset) {
  let lo = 0;
  let hi = runs.length >> 1;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (runs[2 * mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return offset + (lo === 0 ? 0 : runs[2 * lo - 1]);
}
var PLACEHOLDER = /[\x80\xa0]/;
var SPACE = 160;
var OTHER = 128;
var BLOCK2 = 4096;
var SMALL_BLOCK = 256;
var REFUSED = -1;
var SPACES = [160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288, 65279];
var REFUSED_CHARACTERS = [383, 8232, 8233, 8490];
function kindOf(cp) {
  if (cp !== 160 && cp !== 383 && cp !== 5760 && (cp < 8192 || cp > 8490) && cp !== 12288 && cp !== 65279) return OTHER;
  if (REFUSED_CHARACTERS.includes(cp)) return REFUSED;
  return SPACES.includes(cp) ? SPACE : OTHER;
}
function outputBuffer(length) {
  if (length > SCRATCH_MAX_BYTES) return Buffer.allocUnsafe(length);
  if (!scratch || scratch.length < length) scratch = Buffer.allocUnsafeSlow(Math.max(SCRATCH_MIN_BYTES, length));
  return scratch;
}
var scratch;
var SCRATCH_MIN_BYTES = 1024 * 1024;
var SCRATCH_MAX_BYTES = 5 * 1024 * 1024;

// src/core/source.ts
var BINARY_SNIFF_BYTES = 8 * 1024;
function toSourceFile(path2, bytes, settings2, addedLines, decode = decodeText) {
  if (bytes.length > settings2.maxFileSize) {
    return { path: path2, reason: "too-large", detail: `${bytes.length} bytes exceeds max-file-size ${settings2.maxFileSize}` };
  }
  const sniff = bytes.subarray(0, BINARY_SNIFF_BYTES);
  let content;
  if (sniff.indexOf(0) === -1) content = decode(bytes);
  else {
    const utf16 = utf16Text(bytes);
    if (utf16 === void 0) return { path: path2, reason: "binary", detail: "NUL byte in the first 8 KiB" };
    content = utf16;
  }
  return addedLines ? { path: path2, content, addedLines } : { path: path2, content };
}
function toStandInSourceFile(path2, bytes, settings2, fresh, decode = decodeText, byteTextFrom = Number.POSITIVE_INFINITY) {
  let runs;
  let byteText;
  const file = toSourceFile(path2, bytes, settings2, void 0, (b) => {
    const text3 = engineText(b, decode, byteTextFrom);
    runs = text3.runs;
    byteText = text3.byteText;
    return text3.text ?? "";
  });
  if (!("content" in file)) return file;
  const check = () => {
    if (!fresh()) throw new Error(`${path2}: the bytes behind a stand-in text were reused before its real text was read`);
  };
  const made = runs ? { ...file, standIn: realTextOf(bytes, runs, decode, check) } : file;
  if (byteText !== void 0) withByteText(made, byteText, check);
  return made;
}
function withByteText(file, byteText, check) {
  let whole;
  file.byteText = byteText;
  Object.defineProperty(file, "content", {
    get: () => {
      if (whole === void 0) {
        check();
        whole = byteText.toString();
      }
      return whole;
    },
    enumerable: false,
    configurable: true
  });
}
function realTextOf(bytes, runs, decode, check = () => void 0) {
  return {
    exact: () => {
      check();
      return decode(bytes);
    },
    slice: (from, to) => {
      check();
      return decode(bytes.subarray(byteOffset(runs, from), byteOffset(runs, Math.max(from, to))));
    }
  };
}
function textSourceFile(path2, bytes, addedLines) {
  const { text: text3, runs } = engineText(bytes, decodeText);
  const file = addedLines ? { path: path2, content: text3, addedLines } : { path: path2, content: text3 };
  if (runs) file.standIn = realTextOf(bytes, runs, decodeText);
  return file;
}
function engineText(bytes, decode, byteTextFrom = Number.POSITIVE_INFINITY) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fromBytes = buffer.length >= byteTextFrom;
  if (isAscii2(buffer)) return fromBytes ? { byteText: new ByteText(buffer, buffer.length) } : { text: buffer.toString("latin1") };
  const runs = [];
  if (fromBytes) {
    const byteText = standInByteText(buffer, runs);
    return byteText !== void 0 ? { byteText, runs } : { text: decode(bytes) };
  }
  const text3 = standInText(buffer, runs);
  return text3 === void 0 ? { text: decode(bytes) } : { text: text3, runs };
}
function exactSourceFile(file) {
  if (file.standIn === void 0) return file;
  const { standIn, versions: _versions, byteText: _byteText, ...rest } = file;
  return { ...rest, content: standIn.exact() };
}
function utf16Text(bytes) {
  const layout = utf16Layout(bytes.subarray(0, 2 + BINARY_SNIFF_BYTES));
  if (layout === void 0) return void 0;
  const { order, from } = layout;
  const even = bytes.subarray(from, from + (bytes.length - from & ~1));
  const le = Buffer.from(even);
  if (order === "be") le.swap16();
  return le.toString("utf16le");
}
function utf16Layout(start) {
  if (start.length < 2) return void 0;
  let order;
  let from = 2;
  let unmarked;
  if (start[0] === 255 && start[1] === 254) order = start.length >= 4 && start[2] === 0 && start[3] === 0 ? void 0 : "le";
  else if (start[0] === 254 && start[1] === 255) order = "be";
  else {
    const sniff = start.subarray(0, BINARY_SNIFF_BYTES);
    order = utf16Order(sniff);
    unmarked = "ascii";
    if (order === void 0) {
      order = utf16NulOrder(sniff);
      unmarked = "other";
    }
    from = 0;
  }
  if (order === void 0) return void 0;
  const units2 = Buffer.from(start.subarray(from, from + Math.min(BINARY_SNIFF_BYTES, start.length - from & ~1)));
  if (order === "be") units2.swap16();
  const text3 = units2.toString("utf16le");
  if (UTF16_CONTROL.test(text3)) return void 0;
  return unmarked === "other" && NOT_TEXT.test(text3) ? void 0 : { order, from };
}
var NOT_TEXT = /[\p{Cn}\p{Co}\p{Cs}]/u;
var UTF16_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;
function utf16NulOrder(sniff) {
  let odd = 0;
  let even = 0;
  const length = sniff.length & ~1;
  for (let i = 0; i < length; i += 2) {
    if (sniff[i] === 0) even++;
    if (sniff[i + 1] === 0) odd++;
  }
  const nuls = odd + even;
  if (nuls < NUL_MIN) return void 0;
  if (odd * 20 >= nuls * 19) return "le";
  if (even * 20 >= nuls * 19) return "be";
  return void 0;
}
var NUL_MIN = 8;
function utf16Order(sniff) {
  const units2 = sniff.length >> 1;
  if (units2 < 16) return void 0;
  let zeroHigh = 0;
  let zeroLow = 0;
  for (let i = 0; i < units2; i++) {
    const a = sniff[2 * i];
    const b = sniff[2 * i + 1];
    if (b === 0 && a !== 0) zeroHigh++;
    else if (a === 0 && b !== 0) zeroLow++;
  }
  if (zeroHigh * 10 >= units2 * 9) return "le";
  if (zeroLow * 10 >= units2 * 9) return "be";
  return void 0;
}
function decodeText(bytes, block2) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii2(buffer)) return buffer.toString("latin1");
  return block2 !== void 0 && buffer.length > block2 ? decodeInBlocks(buffer, block2) : buffer.toString("utf8");
}
function decodeInBlocks(buffer, block2) {
  let text3 = "";
  for (let at15 = 0; at15 < buffer.length; ) {
    let end = Math.min(buffer.length, at15 + block2);
    while (end > at15 && end < buffer.length && (buffer[end] & 192) === 128) end--;
    if (end === at15) for (end = at15 + 1; end < buffer.length && (buffer[end] & 192) === 128; ) end++;
    const part = buffer.subarray(at15, end);
    text3 += isAscii2(part) ? part.toString("latin1") : part.toString("utf8");
    at15 = end;
  }
  return text3;
}
var DECODE_BLOCK = 16 * 1024;
var decodeBlob = Number(process.versions.node.split(".")[0]) < 24 ? (bytes) => decodeText(bytes, DECODE_BLOCK) : decodeText;

// src/core/secrets/engine.ts
function selectDetectors(detectors, selection) {
  const enabled = new Set(selection.enabled);
  const disabled = new Set(selection.disabled);
  return detectors.filter((d) => (enabled.size === 0 || enabled.has(d.id)) && !disabled.has(d.id));
}
function createSecretScanner(detectors, options = DEFAULT_MATCH_OPTIONS) {
  const catalogs = /* @__PURE__ */ new Map();
  const catalogFor = (selection) => {
    const key = `${selection.enabled.join("\0")}${selection.disabled.join("\0")}`;
    let catalog = catalogs.get(key);
    if (!catalog) {
      if (catalogs.size >= 64) catalogs.clear();
      catalog = compileCatalog(selectDetectors(detectors, selection));
      catalogs.set(key, catalog);
    }
    return catalog;
  };
  return {
    scan: (file, settings2, reveal2) => scanFile(file, settings2, catalogFor(settings2.detectors), options, reveal2),
    // Counted without compiling: a scan that finds nothing to read (an empty folder) never pays
    // for the catalog's regexes and keyword automaton.
    detectorCount: (settings2) => selectDetectors(detectors, settings2.detectors).length
  };
}
var defaultScanner = createSecretScanner(allDetectors);
function scanSecrets(file, settings2, reveal2) {
  return withSeverity(scannerFor(settings2).scan(file, settings2, reveal2), settings2.detectors.severity);
}
var customScanners = /* @__PURE__ */ new Map();
function scannerFor(settings2) {
  const custom = settings2.detectors.custom;
  if (!custom || custom.length === 0) return defaultScanner;
  const key = JSON.stringify(custom);
  let scanner = customScanners.get(key);
  if (!scanner) {
    const ids = new Set(allDetectors.map((d) => d.id));
    const extra = custom.filter((spec) => customDetectorProblems(spec, ids).length === 0).map(customDetector);
    if (customScanners.size >= 16) customScanners.clear();
    scanner = createSecretScanner([...allDetectors, ...extra]);
    customScanners.set(key, scanner);
  }
  return scanner;
}
function withSeverity(findings, severity) {
  if (!severity) return findings;
  return findings.map((f) => f.detector && severity[f.detector] ? { ...f, level: severity[f.detector] } : f);
}
function scanFile(file, settings2, catalog, options, reveal2) {
  if (catalog.detectors.length === 0 || isLockFile(file.path)) return [];
  if (file.standIn !== void 0 && !catalog.standInSafe) return scanFile(exactSourceFile(file), settings2, catalog, options, reveal2);
  let active = catalog.activeByDefault;
  if (catalog.pathAny === void 0 || catalog.pathAny.test(file.path)) {
    for (const i of catalog.pathScoped) {
      if (!catalog.detectors[i].detector.pathPattern.test(file.path)) continue;
      if (active === catalog.activeByDefault) active = active.slice();
      active[i] = 1;
    }
  }
  const content = engineTextOf(file);
  const raw = findMatches(content, catalog, active, options, file.versions);
  if (raw.length === 0) return [];
  const accepted = [];
  let real;
  let index;
  const judged = file.versions?.log?.judged;
  for (let i = 0; i < raw.length; i++) {
    const match2 = raw[i];
    const compiled2 = catalog.detectors[match2.detector];
    let secret2 = match2.secret;
    let verdict = match2.judged;
    if (verdict === void 0) {
      if (index === void 0 && accepted.length > 0 && raw.length - i >= INDEXED_FROM) index = lineIndexOf(file);
      let line = index ? index.lineAround(match2.start, match2.end) : lineAround(content, match2.start, match2.end);
      let onText = true;
      if (file.standIn !== void 0 && (PLACEHOLDER.test(line) || PLACEHOLDER.test(secret2))) {
        index ??= lineIndexOf(file);
        real ??= new RealText(file.standIn, index);
        const [from, to] = index.lineSpan(match2.start, match2.end);
        line = real.slice(from, to);
        secret2 = real.slice(match2.start, match2.end);
        onText = false;
      }
      verdict = judge(compiled2.detector, secret2, file.path, line, file.versions !== void 0);
      if (onText && judged !== void 0 && match2.slot !== void 0) judged[match2.slot] = verdict;
    } else if (judged !== void 0 && match2.slot !== void 0) judged[match2.slot] = verdict;
    if (verdict === false) continue;
    accepted.push({ detector: compiled2.detector, secret: secret2, start: match2.start, end: match2.end, generic: compiled2.generic, order: compiled2.order, line: 0, weak: verdict.weak });
  }
  if (accepted.length === 0) return [];
  const lines = index ?? lineIndexOf(file);
  keepLines(file, lines);
  const text3 = file.standIn === void 0 ? content : real ??= new RealText(file.standIn, lines);
  const kept = resolveOverlaps(accepted);
  for (const c of kept) c.line = lines.lineOf(c.start);
  const { pairs: pairs2, singles } = pairCandidates(kept);
  const placed = [];
  const allowed = [];
  const marked = { line: 0, allowed: false };
  for (const single of singles) {
    const verdict = reportable([single], file, lines, text3, marked);
    if (verdict === REPORT) placed.push(placeOf(single, single.detector.id, lines));
    else if (verdict === ALLOWED) allowed.push(buildSingle(single, file.path, lines));
  }
  for (const pair of pairs2) {
    const verdict = reportable([pair.first, pair.second], file, lines, text3, marked);
    if (verdict === REPORT) placed.push(placeOf(pair, pair.first.detector.pair.id, lines));
    else if (verdict === ALLOWED) allowed.push(buildPair(pair, file.path, lines));
  }
  placed.sort(byPlaced);
  const limit = settings2.limits?.secretsPerFile ?? MAX_SECRETS_PER_FILE;
  const capped = allowed.length === 0 && !maySuppress(settings2) && placed.length > limit;
  const built = [];
  for (let i = 0, n = capped ? limit : placed.length; i < n; i++) {
    const { item } = placed[i];
    built.push("first" in item ? buildPair(item, file.path, lines) : buildSingle(item, file.path, lines));
  }
  nameFindings(built, text3, lines, kept, settings2, file);
  const unsuppressed = built.filter((b) => !suppressed(b, settings2));
  if (reveal2) for (const b of unsuppressed.slice(0, limit)) reveal2({ fingerprint: b.finding.fingerprint, contentId: b.finding.contentId, detector: b.detector, parts: b.parts.map((p) => p.secret) });
  const reported = unsuppressed.map((b) => b.finding);
  if (allowed.length > 0) {
    allowed.sort(byPlace);
    nameFindings(allowed, text3, lines, kept, settings2);
    for (const b of allowed) if (!suppressed(b, settings2)) reported.push(allowNotice(b.finding));
    reported.sort((a, b) => a.line - b.line || a.column - b.column);
  }
  const total = capped ? placed.length : reported.length;
  if (total <= limit) return reported;
  const shown = reported.slice(0, limit);
  shown.push(limitFinding(file.path, capped ? placed[limit].line : reported[limit].line, `${total - limit} more secret findings in this file not reported (limit ${limit} per file)`));
  return shown;
}
function placeOf(item, id, lines) {
  const at15 = "first" in item ? item.first : item;
  return { item, line: at15.line, column: at15.start - lines.lineStart(at15.line) + 1, id };
}
function byPlaced(a, b) {
  return a.line - b.line || a.column - b.column || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
function buildSingle(single, path2, lines) {
  const wording = wordingOf(single);
  return { finding: singleFinding(single, path2, lines, wording), detector: single.detector.id, secret: single.secret, parts: [single], wording };
}
function buildPair(pair, path2, lines) {
  return { finding: pairFinding(pair, path2, lines), detector: pair.first.detector.pair.id, secret: `${pair.first.secret}
${pair.second.secret}`, parts: [pair.first, pair.second] };
}
function lineIndexOf(file) {
  const against = file.versions?.against;
  const starts = against?.log.lines;
  return new LineIndex(engineTextOf(file), starts === void 0 ? void 0 : { starts, segments: against.segments });
}
function engineTextOf(file) {
  return file.byteText ?? file.content;
}
function keepLines(file, lines) {
  const version = file.versions;
  const log = version?.log;
  if (version === void 0 || log === void 0 || !version.kept || log.lines !== void 0) return;
  log.lines = lines.allStarts();
  log.numbers += log.lines.length;
  version.keep(log);
}
var MAX_SECRETS_PER_FILE = 500;
var INDEXED_FROM = 16;
function limitFinding(file, line, message) {
  return { rule: "scan/limit", level: "warning", file, line, column: 1, message, fingerprint: legacyFingerprint("scan/limit", file) };
}
var RealText = class {
  constructor(standIn, lines) {
    this.standIn = standIn;
    this.lines = lines;
  }
  standIn;
  lines;
  from = 0;
  to = -1;
  text = "";
  slice(from, to) {
    if (to <= from) return "";
    if (from < this.from || to > this.to) {
      this.from = this.lines.lineStart(this.lines.lineOf(from));
      this.to = this.lines.lineEnd(this.lines.lineOf(to - 1));
      this.text = this.standIn.slice(this.from, this.to);
    }
    return this.text.slice(from - this.from, to - this.from);
  }
};
function nameFindings(built, content, lines, candidates, settings2, file) {
  const mode = settings2.fingerprint ?? { kind: "keyed", key: EPHEMERAL_KEY };
  const occurrences = /* @__PURE__ */ new Map();
  const contexts = mode.kind === "location" ? /* @__PURE__ */ new Map() : void 0;
  const ends = contexts && built.length > 0 ? runningMaxEnds(candidates) : [];
  const shared2 = contexts && file?.versions !== void 0 ? new LineContexts(file, lines) : void 0;
  for (const b of built) {
    if (mode.kind === "keyed") {
      b.finding.fingerprint = keyedIdOf(b, mode.key);
    } else {
      const line = b.parts[0].line;
      let context = contexts.get(line);
      if (context === void 0) contexts.set(line, context = shared2 ? shared2.context(content, line, candidates, ends) : lineContext(content, lines, line, candidates, ends));
      let byContext = occurrences.get(b.finding.rule);
      if (byContext === void 0) occurrences.set(b.finding.rule, byContext = /* @__PURE__ */ new Map());
      const occurrence = (byContext.get(context) ?? 0) + 1;
      byContext.set(context, occurrence);
      b.finding.fingerprint = locationFingerprint(b.finding.rule, b.finding.file, context, occurrence);
    }
    const contentKey = settings2.contentKey ?? EPHEMERAL_KEY;
    b.finding.contentId = mode.kind === "keyed" && mode.key === contentKey ? b.finding.fingerprint : keyedIdOf(b, contentKey);
    if (b.parts.length > 1) b.finding.partIds = b.parts.map((part) => keyedFingerprint(contentKey, part.detector.id, part.secret));
    if (settings2.legacyFingerprints) b.finding.previousFingerprint = legacyFingerprint(b.detector, b.secret);
    if (settings2.hashSalt) b.finding.saltedHash = saltedSecretHash(settings2.hashSalt.salt, settings2.hashSalt.cost, b.detector, b.secret);
  }
  shared2?.done();
}
var CONTEXT_LIMIT = 4096;
function lineContext(content, lines, line, candidates, ends) {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  return contextOf(content, start, end, overlapping(candidates, ends, start, end));
}
var LineContexts = class {
  constructor(file, lines) {
    this.file = file;
    this.lines = lines;
    const version = file.versions;
    this.earlier = version.against?.log.contexts;
    this.segments = version.against?.segments ?? [];
    const log = version.kept ? version.log : void 0;
    if (log !== void 0) this.noted = log.contexts ??= /* @__PURE__ */ new Map();
  }
  file;
  lines;
  earlier;
  segments;
  noted;
  /** Characters and numbers noted so far. */
  chars = 0;
  numbers = 0;
  context(content, line, candidates, ends) {
    const start = this.lines.lineStart(line);
    const end = this.lines.lineEnd(line);
    const cuts = overlapping(candidates, ends, start, end);
    const taken = this.taken(start, end, cuts);
    const context = taken ?? contextOf(content, start, end, cuts);
    if (this.noted !== void 0 && this.chars + context.length <= MAX_NOTED_CHARS) {
      const relative = [];
      for (const cut of cuts) relative.push(cut.start - start, cut.end - start);
      const kept = { end: end - start, cuts: relative, context: taken ?? detached(context) };
      this.noted.set(start, kept);
      this.chars += context.length;
      this.numbers += relative.length + 2;
      return kept.context;
    }
    return context;
  }
  /** Counts what was noted against the memory the version's log may keep (versions.ts). */
  done() {
    const version = this.file.versions;
    if (this.noted === void 0 || this.numbers === 0) return;
    version.log.numbers += this.numbers + Math.ceil(this.chars / 4);
    version.keep(version.log);
  }
  taken(start, end, cuts) {
    if (this.earlier === void 0) return void 0;
    const { segments } = this;
    let lo = 0;
    let hi = segments.length / 3;
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      if (segments[mid * 3] + segments[mid * 3 + 2] <= start) lo = mid + 1;
      else hi = mid;
    }
    if (lo * 3 >= segments.length) return void 0;
    const runStart = segments[lo * 3];
    const runStartBefore = segments[lo * 3 + 1];
    if (runStart > start || runStart + segments[lo * 3 + 2] < end) return void 0;
    const by = runStart - runStartBefore;
    const kept = this.earlier.get(start - by);
    if (kept === void 0 || kept.end !== end - start || kept.cuts.length !== cuts.length * 2) return void 0;
    for (let i = 0; i < cuts.length; i++) if (kept.cuts[2 * i] !== cuts[i].start - start || kept.cuts[2 * i + 1] !== cuts[i].end - start) return void 0;
    if (this.file.standIn !== void 0 && PLACEHOLDER.test(engineTextOf(this.file).slice(start, end))) return void 0;
    return kept.context;
  }
};
var MAX_NOTED_CHARS = 256 * 1024;
function contextOf(content, start, end, cuts) {
  let text3 = "";
  let at15 = start;
  for (const cut of cuts) {
    if (cut.start > at15) text3 += content.slice(at15, Math.min(cut.start, at15 + CONTEXT_LIMIT));
    text3 += "\0";
    at15 = Math.max(at15, cut.end);
    if (text3.length > CONTEXT_LIMIT) return text3.slice(0, CONTEXT_LIMIT);
  }
  if (at15 < end) text3 += content.slice(at15, Math.min(end, at15 + CONTEXT_LIMIT));
  return text3.replace(/\s+/g, " ").trim().slice(0, CONTEXT_LIMIT);
}
function runningMaxEnds(candidates) {
  const ends = new Array(candidates.length);
  let max = -1;
  for (let i = 0; i < candidates.length; i++) ends[i] = max = Math.max(max, candidates[i].end);
  return ends;
}
function overlapping(candidates, ends, start, end) {
  let lo = 0;
  let hi = candidates.length;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (candidates[mid].start < end) lo = mid + 1;
    else hi = mid;
  }
  let first = lo;
  while (first > 0 && ends[first - 1] > start) first--;
  const result = [];
  for (let i = first; i < lo; i++) if (candidates[i].end > start) result.push(candidates[i]);
  return result;
}
function maySuppress(settings2) {
  return settings2.baseline.size > 0 || (settings2.salted ?? []).some((set3) => set3.hashes.size > 0);
}
function suppressed(b, settings2) {
  if (settings2.baseline.size > 0) {
    if (settings2.baseline.has(b.finding.fingerprint)) return true;
    if (settings2.baseline.has(legacyFingerprint(b.detector, b.secret))) return true;
  }
  for (const set3 of settings2.salted ?? []) {
    if (set3.hashes.size === 0 || set3.rules.size > 0 && !set3.rules.has(b.finding.rule)) continue;
    if (set3.hashes.has(saltedSecretHash(set3.salt, set3.cost, b.detector, b.secret))) return true;
  }
  return false;
}
var ACCEPTED = { weak: void 0 };
function judge(detector, secret2, path2, line, versioned) {
  if (detector.credentialFile) {
    const weak = storedCredentialWeakness(detector, secret2, path2, line);
    return weak === false ? false : weak === true ? ACCEPTED : { weak };
  }
  return isRealSecret(detector, secret2, path2, line, versioned) ? ACCEPTED : false;
}
function isRealSecret(detector, secret2, path2, line, versioned) {
  let byValue = versioned && !detector.skipGenericFilters ? verdicts.get(detector) : void 0;
  const seen = byValue?.get(secret2);
  if (seen !== void 0) {
    for (const v of seen) if (v.path === path2 && v.line === line) return v.real;
  } else {
    if (detector.entropy !== void 0 && shannonEntropy(secret2) < detector.entropy) return false;
    try {
      if (detector.validate && !detector.validate(secret2)) return false;
    } catch {
      return false;
    }
    if (detector.skipGenericFilters) return true;
  }
  let real;
  try {
    real = falsePositiveReason({ detector, secret: secret2, line, path: path2 }) === void 0;
  } catch {
    real = true;
  }
  const size = secret2.length + line.length + path2.length;
  if (!versioned || size > VERDICT_CHARS / 256) return real;
  if (verdictCount >= VERDICT_ENTRIES || verdictChars + size > VERDICT_CHARS) {
    verdicts = /* @__PURE__ */ new WeakMap();
    byValue = void 0;
    verdictCount = verdictChars = 0;
  }
  if (byValue === void 0) verdicts.set(detector, byValue = /* @__PURE__ */ new Map());
  const list = byValue.get(secret2);
  const verdict = { path: path2, line: detached(line), real };
  if (list === void 0) byValue.set(detached(secret2), [verdict]);
  else if (list.length < VERDICTS_PER_VALUE) list.push(verdict);
  else list[verdictCount % VERDICTS_PER_VALUE] = verdict;
  verdictCount++;
  verdictChars += size;
  return real;
}
var verdicts = /* @__PURE__ */ new WeakMap();
var verdictCount = 0;
var verdictChars = 0;
var VERDICT_ENTRIES = 16384;
var VERDICT_CHARS = 4 << 20;
var VERDICTS_PER_VALUE = 8;
var NOT_STORED = /* @__PURE__ */ new Set(["empty value", "templating placeholder", "reference to another value", "environment variable name"]);
function storedCredentialWeakness(detector, secret2, path2, line) {
  try {
    if (detector.validate && !detector.validate(secret2)) return false;
  } catch {
    return false;
  }
  if (/^(?:\$(?:apr1|2[aby]|1|5|6|y)\$|\{SHA\})/.test(secret2)) return "password hash (crackable offline)";
  if (detector.skipGenericFilters) return true;
  let reason;
  try {
    reason = falsePositiveReason({ detector: { ...detector, id: "generic-password" }, secret: secret2, line, path: path2 });
  } catch {
    return true;
  }
  if (reason === void 0) return true;
  return NOT_STORED.has(reason) ? false : reason;
}
var REPORT = 0;
var SKIP = 1;
var ALLOWED = 2;
function reportable(parts, file, lines, text3, marked) {
  if (file.addedLines && !parts.some((p) => file.addedLines.has(p.line))) return SKIP;
  for (const part of parts) {
    const last = lines.lineOf(Math.max(part.start, part.end - 1));
    for (let line = part.line; line <= last; line++) {
      if (line !== marked.line) {
        marked.line = line;
        marked.allowed = lineHasAllowMarker(engineTextOf(file), lines, line, text3);
      }
      if (marked.allowed) return file.addedLines ? ALLOWED : SKIP;
    }
  }
  return REPORT;
}
function byPlace(a, b) {
  return a.finding.line - b.finding.line || a.finding.column - b.finding.column || (a.finding.rule < b.finding.rule ? -1 : a.finding.rule > b.finding.rule ? 1 : 0);
}
var INLINE_ALLOW_RULE = "suppression/inline-allow";
function allowNotice(finding) {
  const what = finding.message.replace(/\.$/, "");
  return {
    ...finding,
    rule: INLINE_ALLOW_RULE,
    level: "notice",
    message: `${what} \u2014 silenced by an inline allow marker on a line this change adds; a reviewer should confirm it is not a real credential`
  };
}
function location(c, lines) {
  const from = lines.position(c.start);
  const to = lines.position(c.end);
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}
function describe(detector) {
  let text3 = descriptions.get(detector);
  if (text3 === void 0) {
    text3 = detector.title.toLowerCase().includes(detector.provider.toLowerCase()) ? detector.title : `${detector.title} (${detector.provider})`;
    descriptions.set(detector, text3);
  }
  return text3;
}
var descriptions = /* @__PURE__ */ new WeakMap();
function singleFinding(c, path2, lines, wording) {
  const { redacted, message, rule } = wording;
  return {
    rule,
    level: c.weak ? "warning" : c.detector.level,
    file: path2,
    ...location(c, lines),
    message,
    fingerprint: "",
    // set by nameFindings
    detector: c.detector.id,
    redacted,
    owasp: SECRET_OWASP
  };
}
var SECRET_OWASP = Object.freeze(["NHI2"]);
function keyedIdOf(b, key) {
  const wording = b.wording;
  if (wording === void 0) return keyedFingerprint(key, b.detector, b.secret);
  if (wording.idKey !== key) {
    wording.id = keyedFingerprint(key, b.detector, b.secret);
    wording.idKey = key;
  }
  return wording.id;
}
function wordingOf(c) {
  let byValue = wordings.get(c.detector);
  const known2 = byValue?.get(c.secret);
  if (known2 !== void 0 && known2.weak === c.weak) return known2;
  const redacted = redact(c.secret, c.detector.redactPrefix);
  const stored = c.detector.credentialFile ? ` (a credential file should not be in the repository${c.weak ? `; the value looks weak: ${c.weak}` : ""})` : "";
  const made = { weak: c.weak, redacted, message: `${describe(c.detector)}: ${redacted}${stored}`, rule: `secret/${c.detector.id}` };
  const size = c.secret.length + made.message.length;
  if (known2 !== void 0 || size > WORDING_CHARS / 256) return made;
  if (wordingCount >= VERDICT_ENTRIES || wordingChars + size > WORDING_CHARS) {
    wordings = /* @__PURE__ */ new WeakMap();
    byValue = void 0;
    wordingCount = wordingChars = 0;
  }
  if (byValue === void 0) wordings.set(c.detector, byValue = /* @__PURE__ */ new Map());
  byValue.set(detached(c.secret), made);
  wordingCount++;
  wordingChars += size;
  return made;
}
var wordings = /* @__PURE__ */ new WeakMap();
var wordingCount = 0;
var wordingChars = 0;
var WORDING_CHARS = 2 << 20;
function pairFinding({ first, second }, path2, lines) {
  const pair = first.detector.pair;
  const redacted = redact(first.secret, first.detector.redactPrefix);
  const secondRedacted = redact(second.secret, second.detector.redactPrefix);
  const level = levelRank(first.detector.level) >= levelRank(second.detector.level) ? first.detector.level : second.detector.level;
  return {
    rule: `secret/${pair.id}`,
    level,
    file: path2,
    ...location(first, lines),
    message: `${pair.title}: ${redacted} with ${second.detector.title} ${secondRedacted} on line ${second.line}`,
    fingerprint: "",
    // set by nameFindings
    detector: pair.id,
    redacted,
    owasp: SECRET_OWASP,
    data: { pairedWith: { detector: second.detector.id, line: second.line, redacted: secondRedacted } }
  };
}

// src/core/scan.ts
import { createHash as createHash3 } from "node:crypto";

// src/core/identities/kustomize.ts
import { posix } from "node:path";

// node_modules/js-yaml/dist/js-yaml.mjs
function getDefaultExportFromCjs(x) {
  return x && x.__esModule && Object.prototype.hasOwnProperty.call(x, "default") ? x["default"] : x;
}
var jsYaml = {};
var loader = {};
var common = {};
var hasRequiredCommon;
function requireCommon() {
  if (hasRequiredCommon) return common;
  hasRequiredCommon = 1;
  function isNothing(subject) {
    return typeof subject === "undefined" || subject === null;
  }
  function isObject2(subject) {
    return typeof subject === "object" && subject !== null;
  }
  function toArray(sequence) {
    if (Array.isArray(sequence)) return sequence;
    else if (isNothing(sequence)) return [];
    return [sequence];
  }
  function extend(target, source) {
    if (source) {
      const sourceKeys = Object.keys(source);
      for (let index = 0, length = sourceKeys.length; index < length; index += 1) {
        const key = sourceKeys[index];
        target[key] = source[key];
      }
    }
    return target;
  }
  function repeat(string, count) {
    let result = "";
    for (let cycle = 0; cycle < count; cycle += 1) {
      result += string;
    }
    return result;
  }
  function isNegativeZero(number) {
    return number === 0 && Number.NEGATIVE_INFINITY === 1 / number;
  }
  common.isNothing = isNothing;
  common.isObject = isObject2;
  common.toArray = toArray;
  common.repeat = repeat;
  common.isNegativeZero = isNegativeZero;
  common.extend = extend;
  return common;
}
var exception;
var hasRequiredException;
function requireException() {
  if (hasRequiredException) return exception;
  hasRequiredException = 1;
  function formatError(exception2, compact2) {
    let where = "";
    const message = exception2.reason || "(unknown reason)";
    if (!exception2.mark) return message;
    if (exception2.mark.name) {
      where += 'in "' + exception2.mark.name + '" ';
    }
    where += "(" + (exception2.mark.line + 1) + ":" + (exception2.mark.column + 1) + ")";
    if (!compact2 && exception2.mark.snippet) {
      where += "\n\n" + exception2.mark.snippet;
    }
    return message + " " + where;
  }
  function YAMLException2(reason, mark) {
    Error.call(this);
    this.name = "YAMLException";
    this.reason = reason;
    this.mark = mark;
    this.message = formatError(this, false);
    if (Error.captureStackTrace) {
      Error.captureStackTrace(this, this.constructor);
    } else {
      this.stack = new Error().stack || "";
    }
  }
  YAMLException2.prototype = Object.create(Error.prototype);
  YAMLException2.prototype.constructor = YAMLException2;
  YAMLException2.prototype.toString = function toString(compact2) {
    return this.name + ": " + formatError(this, compact2);
  };
  exception = YAMLException2;
  return exception;
}
var snippet;
var hasRequiredSnippet;
function requireSnippet() {
  if (hasRequiredSnippet) return snippet;
  hasRequiredSnippet = 1;
  const common2 = requireCommon();
  function getLine(buffer, lineStart, lineEnd2, position, maxLineLength) {
    let head = "";
    let tail = "";
    const maxHalfLength = Math.floor(maxLineLength / 2) - 1;
    if (position - lineStart > maxHalfLength) {
      head = " ... ";
      lineStart = position - maxHalfLength + head.length;
    }
    if (lineEnd2 - position > maxHalfLength) {
      tail = " ...";
      lineEnd2 = position + maxHalfLength - tail.length;
    }
    return {
      str: head + buffer.slice(lineStart, lineEnd2).replace(/\t/g, "\u2192") + tail,
      pos: position - lineStart + head.length
      // relative position
    };
  }
  function padStart(string, max) {
    return common2.repeat(" ", max - string.length) + string;
  }
  function makeSnippet(mark, options) {
    options = Object.create(options || null);
    if (!mark.buffer) return null;
    if (!options.maxLength) options.maxLength = 79;
    if (typeof options.indent !== "number") options.indent = 1;
    if (typeof options.linesBefore !== "number") options.linesBefore = 3;
    if (typeof options.linesAfter !== "number") options.linesAfter = 2;
    const re = /\r?\n|\r|\0/g;
    const lineStarts = [0];
    const lineEnds = [];
    let match2;
    let foundLineNo = -1;
    while (match2 = re.exec(mark.buffer)) {
      lineEnds.push(match2.index);
      lineStarts.push(match2.index + match2[0].length);
      if (mark.position <= match2.index && foundLineNo < 0) {
        foundLineNo = lineStarts.length - 2;
      }
    }
    if (foundLineNo < 0) foundLineNo = lineStarts.length - 1;
    let result = "";
    const lineNoLength = Math.min(mark.line + options.linesAfter, lineEnds.length).toString().length;
    const maxLineLength = options.maxLength - (options.indent + lineNoLength + 3);
    for (let i = 1; i <= options.linesBefore; i++) {
      if (foundLineNo - i < 0) break;
      const line2 = getLine(
        mark.buffer,
        lineStarts[foundLineNo - i],
        lineEnds[foundLineNo - i],
        mark.position - (lineStarts[foundLineNo] - lineStarts[foundLineNo - i]),
        maxLineLength
      );
      result = common2.repeat(" ", options.indent) + padStart((mark.line - i + 1).toString(), lineNoLength) + " | " + line2.str + "\n" + result;
    }
    const line = getLine(mark.buffer, lineStarts[foundLineNo], lineEnds[foundLineNo], mark.position, maxLineLength);
    result += common2.repeat(" ", options.indent) + padStart((mark.line + 1).toString(), lineNoLength) + " | " + line.str + "\n";
    result += common2.repeat("-", options.indent + lineNoLength + 3 + line.pos) + "^\n";
    for (let i = 1; i <= options.linesAfter; i++) {
      if (foundLineNo + i >= lineEnds.length) break;
      const line2 = getLine(
        mark.buffer,
        lineStarts[foundLineNo + i],
        lineEnds[foundLineNo + i],
        mark.position - (lineStarts[foundLineNo] - lineStarts[foundLineNo + i]),
        maxLineLength
      );
      result += common2.repeat(" ", options.indent) + padStart((mark.line + i + 1).toString(), lineNoLength) + " | " + line2.str + "\n";
    }
    return result.replace(/\n$/, "");
  }
  snippet = makeSnippet;
  return snippet;
}
var type;
var hasRequiredType;
function requireType() {
  if (hasRequiredType) return type;
  hasRequiredType = 1;
  const YAMLException2 = requireException();
  const TYPE_CONSTRUCTOR_OPTIONS = [
    "kind",
    "multi",
    "resolve",
    "construct",
    "instanceOf",
    "predicate",
    "represent",
    "representName",
    "defaultStyle",
    "styleAliases"
  ];
  const YAML_NODE_KINDS = [
    "scalar",
    "sequence",
    "mapping"
  ];
  function compileStyleAliases(map2) {
    const result = {};
    if (map2 !== null) {
      Object.keys(map2).forEach(function(style) {
        map2[style].forEach(function(alias) {
          result[String(alias)] = style;
        });
      });
    }
    return result;
  }
  function Type2(tag, options) {
    options = options || {};
    Object.keys(options).forEach(function(name3) {
      if (TYPE_CONSTRUCTOR_OPTIONS.indexOf(name3) === -1) {
        throw new YAMLException2('Unknown option "' + name3 + '" is met in definition of "' + tag + '" YAML type.');
      }
    });
    this.options = options;
    this.tag = tag;
    this.kind = options["kind"] || null;
    this.resolve = options["resolve"] || function() {
      return true;
    };
    this.construct = options["construct"] || function(data) {
      return data;
    };
    this.instanceOf = options["instanceOf"] || null;
    this.predicate = options["predicate"] || null;
    this.represent = options["represent"] || null;
    this.representName = options["representName"] || null;
    this.defaultStyle = options["defaultStyle"] || null;
    this.multi = options["multi"] || false;
    this.styleAliases = compileStyleAliases(options["styleAliases"] || null);
    if (YAML_NODE_KINDS.indexOf(this.kind) === -1) {
      throw new YAMLException2('Unknown kind "' + this.kind + '" is specified for "' + tag + '" YAML type.');
    }
  }
  type = Type2;
  return type;
}
var schema;
var hasRequiredSchema;
function requireSchema() {
  if (hasRequiredSchema) return schema;
  hasRequiredSchema = 1;
  const YAMLException2 = requireException();
  const Type2 = requireType();
  function compileList(schema2, name3) {
    const result = [];
    schema2[name3].forEach(function(currentType) {
      let newIndex = result.length;
      result.forEach(function(previousType, previousIndex) {
        if (previousType.tag === currentType.tag && previousType.kind === currentType.kind && previousType.multi === currentType.multi) {
          newIndex = previousIndex;
        }
      });
      result[newIndex] = currentType;
    });
    return result;
  }
  function compileMap() {
    const result = {
      scalar: {},
      sequence: {},
      mapping: {},
      fallback: {},
      multi: {
        scalar: [],
        sequence: [],
        mapping: [],
        fallback: []
      }
    };
    function collectType(type2) {
      if (type2.multi) {
        result.multi[type2.kind].push(type2);
        result.multi["fallback"].push(type2);
      } else {
        result[type2.kind][type2.tag] = result["fallback"][type2.tag] = type2;
      }
    }
    for (let index = 0, length = arguments.length; index < length; index += 1) {
      arguments[index].forEach(collectType);
    }
    return result;
  }
  function Schema2(definition) {
    return this.extend(definition);
  }
  Schema2.prototype.extend = function extend(definition) {
    let implicit = [];
    let explicit = [];
    if (definition instanceof Type2) {
      explicit.push(definition);
    } else if (Array.isArray(definition)) {
      explicit = explicit.concat(definition);
    } else if (definition && (Array.isArray(definition.implicit) || Array.isArray(definition.explicit))) {
      if (definition.implicit) implicit = implicit.concat(definition.implicit);
      if (definition.explicit) explicit = explicit.concat(definition.explicit);
    } else {
      throw new YAMLException2("Schema.extend argument should be a Type, [ Type ], or a schema definition ({ implicit: [...], explicit: [...] })");
    }
    implicit.forEach(function(type2) {
      if (!(type2 instanceof Type2)) {
        throw new YAMLException2("Specified list of YAML types (or a single Type object) contains a non-Type object.");
      }
      if (type2.loadKind && type2.loadKind !== "scalar") {
        throw new YAMLException2("There is a non-scalar type in the implicit list of a schema. Implicit resolving of such types is not supported.");
      }
      if (type2.multi) {
        throw new YAMLException2("There is a multi type in the implicit list of a schema. Multi tags can only be listed as explicit.");
      }
    });
    explicit.forEach(function(type2) {
      if (!(type2 instanceof Type2)) {
        throw new YAMLException2("Specified list of YAML types (or a single Type object) contains a non-Type object.");
      }
    });
    const result = Object.create(Schema2.prototype);
    result.implicit = (this.implicit || []).concat(implicit);
    result.explicit = (this.explicit || []).concat(explicit);
    result.compiledImplicit = compileList(result, "implicit");
    result.compiledExplicit = compileList(result, "explicit");
    result.compiledTypeMap = compileMap(result.compiledImplicit, result.compiledExplicit);
    return result;
  };
  schema = Schema2;
  return schema;
}
var str;
var hasRequiredStr;
function requireStr() {
  if (hasRequiredStr) return str;
  hasRequiredStr = 1;
  const Type2 = requireType();
  str = new Type2("tag:yaml.org,2002:str", {
    kind: "scalar",
    construct: function(data) {
      return data !== null ? data : "";
    }
  });
  return str;
}
var seq;
var hasRequiredSeq;
function requireSeq() {
  if (hasRequiredSeq) return seq;
  hasRequiredSeq = 1;
  const Type2 = requireType();
  seq = new Type2("tag:yaml.org,2002:seq", {
    kind: "sequence",
    construct: function(data) {
      return data !== null ? data : [];
    }
  });
  return seq;
}
var map;
var hasRequiredMap;
function requireMap() {
  if (hasRequiredMap) return map;
  hasRequiredMap = 1;
  const Type2 = requireType();
  map = new Type2("tag:yaml.org,2002:map", {
    kind: "mapping",
    construct: function(data) {
      return data !== null ? data : {};
    }
  });
  return map;
}
var failsafe;
var hasRequiredFailsafe;
function requireFailsafe() {
  if (hasRequiredFailsafe) return failsafe;
  hasRequiredFailsafe = 1;
  const Schema2 = requireSchema();
  failsafe = new Schema2({
    explicit: [
      requireStr(),
      requireSeq(),
      requireMap()
    ]
  });
  return failsafe;
}
var _null;
var hasRequired_null;
function require_null() {
  if (hasRequired_null) return _null;
  hasRequired_null = 1;
  const Type2 = requireType();
  function resolveYamlNull(data) {
    if (data === null) return true;
    const max = data.length;
    return max === 1 && data === "~" || max === 4 && (data === "null" || data === "Null" || data === "NULL");
  }
  function constructYamlNull() {
    return null;
  }
  function isNull(object) {
    return object === null;
  }
  _null = new Type2("tag:yaml.org,2002:null", {
    kind: "scalar",
    resolve: resolveYamlNull,
    construct: constructYamlNull,
    predicate: isNull,
    represent: {
      canonical: function() {
        return "~";
      },
      lowercase: function() {
        return "null";
      },
      uppercase: function() {
        return "NULL";
      },
      camelcase: function() {
        return "Null";
      },
      empty: function() {
        return "";
      }
    },
    defaultStyle: "lowercase"
  });
  return _null;
}
var bool;
var hasRequiredBool;
function requireBool() {
  if (hasRequiredBool) return bool;
  hasRequiredBool = 1;
  const Type2 = requireType();
  function resolveYamlBoolean(data) {
    if (data === null) return false;
    const max = data.length;
    return max === 4 && (data === "true" || data === "True" || data === "TRUE") || max === 5 && (data === "false" || data === "False" || data === "FALSE");
  }
  function constructYamlBoolean(data) {
    return data === "true" || data === "True" || data === "TRUE";
  }
  function isBoolean(object) {
    return Object.prototype.toString.call(object) === "[object Boolean]";
  }
  bool = new Type2("tag:yaml.org,2002:bool", {
    kind: "scalar",
    resolve: resolveYamlBoolean,
    construct: constructYamlBoolean,
    predicate: isBoolean,
    represent: {
      lowercase: function(object) {
        return object ? "true" : "false";
      },
      uppercase: function(object) {
        return object ? "TRUE" : "FALSE";
      },
      camelcase: function(object) {
        return object ? "True" : "False";
      }
    },
    defaultStyle: "lowercase"
  });
  return bool;
}
var int;
var hasRequiredInt;
function requireInt() {
  if (hasRequiredInt) return int;
  hasRequiredInt = 1;
  const common2 = requireCommon();
  const Type2 = requireType();
  function isHexCode(c) {
    return c >= 48 && c <= 57 || c >= 65 && c <= 70 || c >= 97 && c <= 102;
  }
  function isOctCode(c) {
    return c >= 48 && c <= 55;
  }
  function isDecCode(c) {
    return c >= 48 && c <= 57;
  }
  function resolveYamlInteger(data) {
    if (data === null) return false;
    const max = data.length;
    let index = 0;
    let hasDigits = false;
    if (!max) return false;
    let ch = data[index];
    if (ch === "-" || ch === "+") {
      ch = data[++index];
    }
    if (ch === "0") {
      if (index + 1 === max) return true;
      ch = data[++index];
      if (ch === "b") {
        index++;
        for (; index < max; index++) {
          ch = data[index];
          if (ch !== "0" && ch !== "1") return false;
          hasDigits = true;
        }
        return hasDigits && isFinite(parseYamlInteger(data));
      }
      if (ch === "x") {
        index++;
        for (; index < max; index++) {
          if (!isHexCode(data.charCodeAt(index))) return false;
          hasDigits = true;
        }
        return hasDigits && isFinite(parseYamlInteger(data));
      }
      if (ch === "o") {
        index++;
        for (; index < max; index++) {
          if (!isOctCode(data.charCodeAt(index))) return false;
          hasDigits = true;
        }
        return hasDigits && isFinite(parseYamlInteger(data));
      }
    }
    for (; index < max; index++) {
      if (!isDecCode(data.charCodeAt(index))) {
        return false;
      }
      hasDigits = true;
    }
    if (!hasDigits) return false;
    return isFinite(parseYamlInteger(data));
  }
  function parseYamlInteger(data) {
    let value2 = data;
    let sign = 1;
    let ch = value2[0];
    if (ch === "-" || ch === "+") {
      if (ch === "-") sign = -1;
      value2 = value2.slice(1);
      ch = value2[0];
    }
    if (value2 === "0") return 0;
    if (ch === "0") {
      if (value2[1] === "b") return sign * parseInt(value2.slice(2), 2);
      if (value2[1] === "x") return sign * parseInt(value2.slice(2), 16);
      if (value2[1] === "o") return sign * parseInt(value2.slice(2), 8);
    }
    return sign * parseInt(value2, 10);
  }
  function constructYamlInteger(data) {
    return parseYamlInteger(data);
  }
  function isInteger(object) {
    return Object.prototype.toString.call(object) === "[object Number]" && (object % 1 === 0 && !common2.isNegativeZero(object));
  }
  int = new Type2("tag:yaml.org,2002:int", {
    kind: "scalar",
    resolve: resolveYamlInteger,
    construct: constructYamlInteger,
    predicate: isInteger,
    represent: {
      binary: function(obj) {
        return obj >= 0 ? "0b" + obj.toString(2) : "-0b" + obj.toString(2).slice(1);
      },
      octal: function(obj) {
        return obj >= 0 ? "0o" + obj.toString(8) : "-0o" + obj.toString(8).slice(1);
      },
      decimal: function(obj) {
        return obj.toString(10);
      },
      hexadecimal: function(obj) {
        return obj >= 0 ? "0x" + obj.toString(16).toUpperCase() : "-0x" + obj.toString(16).toUpperCase().slice(1);
      }
    },
    defaultStyle: "decimal",
    styleAliases: {
      binary: [2, "bin"],
      octal: [8, "oct"],
      decimal: [10, "dec"],
      hexadecimal: [16, "hex"]
    }
  });
  return int;
}
var float;
var hasRequiredFloat;
function requireFloat() {
  if (hasRequiredFloat) return float;
  hasRequiredFloat = 1;
  const common2 = requireCommon();
  const Type2 = requireType();
  const YAML_FLOAT_PATTERN = new RegExp(
    // 2.5e4, 2.5 and integers
    "^(?:[-+]?(?:[0-9]+)(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"
  );
  const YAML_FLOAT_SPECIAL_PATTERN = new RegExp(
    "^(?:[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"
  );
  function resolveYamlFloat(data) {
    if (data === null) return false;
    if (!YAML_FLOAT_PATTERN.test(data)) {
      return false;
    }
    if (isFinite(parseFloat(data, 10))) {
      return true;
    }
    return YAML_FLOAT_SPECIAL_PATTERN.test(data);
  }
  function constructYamlFloat(data) {
    let value2 = data.toLowerCase();
    const sign = value2[0] === "-" ? -1 : 1;
    if ("+-".indexOf(value2[0]) >= 0) {
      value2 = value2.slice(1);
    }
    if (value2 === ".inf") {
      return sign === 1 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    } else if (value2 === ".nan") {
      return NaN;
    }
    return sign * parseFloat(value2, 10);
  }
  const SCIENTIFIC_WITHOUT_DOT = /^[-+]?[0-9]+e/;
  function representYamlFloat(object, style) {
    if (isNaN(object)) {
      switch (style) {
        case "lowercase":
          return ".nan";
        case "uppercase":
          return ".NAN";
        case "camelcase":
          return ".NaN";
      }
    } else if (Number.POSITIVE_INFINITY === object) {
      switch (style) {
        case "lowercase":
          return ".inf";
        case "uppercase":
          return ".INF";
        case "camelcase":
          return ".Inf";
      }
    } else if (Number.NEGATIVE_INFINITY === object) {
      switch (style) {
        case "lowercase":
          return "-.inf";
        case "uppercase":
          return "-.INF";
        case "camelcase":
          return "-.Inf";
      }
    } else if (common2.isNegativeZero(object)) {
      return "-0.0";
    }
    const res = object.toString(10);
    return SCIENTIFIC_WITHOUT_DOT.test(res) ? res.replace("e", ".e") : res;
  }
  function isFloat(object) {
    return Object.prototype.toString.call(object) === "[object Number]" && (object % 1 !== 0 || common2.isNegativeZero(object));
  }
  float = new Type2("tag:yaml.org,2002:float", {
    kind: "scalar",
    resolve: resolveYamlFloat,
    construct: constructYamlFloat,
    predicate: isFloat,
    represent: representYamlFloat,
    defaultStyle: "lowercase"
  });
  return float;
}
var json;
var hasRequiredJson;
function requireJson() {
  if (hasRequiredJson) return json;
  hasRequiredJson = 1;
  json = requireFailsafe().extend({
    implicit: [
      require_null(),
      requireBool(),
      requireInt(),
      requireFloat()
    ]
  });
  return json;
}
var core;
var hasRequiredCore;
function requireCore() {
  if (hasRequiredCore) return core;
  hasRequiredCore = 1;
  core = requireJson();
  return core;
}
var timestamp;
var hasRequiredTimestamp;
function requireTimestamp() {
  if (hasRequiredTimestamp) return timestamp;
  hasRequiredTimestamp = 1;
  const Type2 = requireType();
  const YAML_DATE_REGEXP = new RegExp(
    "^([0-9][0-9][0-9][0-9])-([0-9][0-9])-([0-9][0-9])$"
  );
  const YAML_TIMESTAMP_REGEXP = new RegExp(
    "^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:[Tt]|[ \\t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\\.([0-9]*))?(?:[ \\t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?$"
  );
  function resolveYamlTimestamp(data) {
    if (data === null) return false;
    if (YAML_DATE_REGEXP.exec(data) !== null) return true;
    if (YAML_TIMESTAMP_REGEXP.exec(data) !== null) return true;
    return false;
  }
  function constructYamlTimestamp(data) {
    let fraction = 0;
    let delta = null;
    let match2 = YAML_DATE_REGEXP.exec(data);
    if (match2 === null) match2 = YAML_TIMESTAMP_REGEXP.exec(data);
    if (match2 === null) throw new Error("Date resolve error");
    const year = +match2[1];
    const month = +match2[2] - 1;
    const day = +match2[3];
    if (!match2[4]) {
      return new Date(Date.UTC(year, month, day));
    }
    const hour = +match2[4];
    const minute = +match2[5];
    const second = +match2[6];
    if (match2[7]) {
      fraction = match2[7].slice(0, 3);
      while (fraction.length < 3) {
        fraction += "0";
      }
      fraction = +fraction;
    }
    if (match2[9]) {
      const tzHour = +match2[10];
      const tzMinute = +(match2[11] || 0);
      delta = (tzHour * 60 + tzMinute) * 6e4;
      if (match2[9] === "-") delta = -delta;
    }
    const date = new Date(Date.UTC(year, month, day, hour, minute, second, fraction));
    if (delta) date.setTime(date.getTime() - delta);
    return date;
  }
  function representYamlTimestamp(object) {
    return object.toISOString();
  }
  timestamp = new Type2("tag:yaml.org,2002:timestamp", {
    kind: "scalar",
    resolve: resolveYamlTimestamp,
    construct: constructYamlTimestamp,
    instanceOf: Date,
    represent: representYamlTimestamp
  });
  return timestamp;
}
var merge;
var hasRequiredMerge;
function requireMerge() {
  if (hasRequiredMerge) return merge;
  hasRequiredMerge = 1;
  const Type2 = requireType();
  function resolveYamlMerge(data) {
    return data === "<<" || data === null;
  }
  merge = new Type2("tag:yaml.org,2002:merge", {
    kind: "scalar",
    resolve: resolveYamlMerge
  });
  return merge;
}
var binary;
var hasRequiredBinary;
function requireBinary() {
  if (hasRequiredBinary) return binary;
  hasRequiredBinary = 1;
  const Type2 = requireType();
  const BASE64_MAP = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n\r";
  function resolveYamlBinary(data) {
    if (data === null) return false;
    let bitlen = 0;
    const max = data.length;
    const map2 = BASE64_MAP;
    for (let idx = 0; idx < max; idx++) {
      const code2 = map2.indexOf(data.charAt(idx));
      if (code2 > 64) continue;
      if (code2 < 0) return false;
      bitlen += 6;
    }
    return bitlen % 8 === 0;
  }
  function constructYamlBinary(data) {
    const input = data.replace(/[\r\n=]/g, "");
    const max = input.length;
    const map2 = BASE64_MAP;
    let bits = 0;
    const result = [];
    for (let idx = 0; idx < max; idx++) {
      if (idx % 4 === 0 && idx) {
        result.push(bits >> 16 & 255);
        result.push(bits >> 8 & 255);
        result.push(bits & 255);
      }
      bits = bits << 6 | map2.indexOf(input.charAt(idx));
    }
    const tailbits = max % 4 * 6;
    if (tailbits === 0) {
      result.push(bits >> 16 & 255);
      result.push(bits >> 8 & 255);
      result.push(bits & 255);
    } else if (tailbits === 18) {
      result.push(bits >> 10 & 255);
      result.push(bits >> 2 & 255);
    } else if (tailbits === 12) {
      result.push(bits >> 4 & 255);
    }
    return new Uint8Array(result);
  }
  function representYamlBinary(object) {
    let result = "";
    let bits = 0;
    const max = object.length;
    const map2 = BASE64_MAP;
    for (let idx = 0; idx < max; idx++) {
      if (idx % 3 === 0 && idx) {
        result += map2[bits >> 18 & 63];
        result += map2[bits >> 12 & 63];
        result += map2[bits >> 6 & 63];
        result += map2[bits & 63];
      }
      bits = (bits << 8) + object[idx];
    }
    const tail = max % 3;
    if (tail === 0) {
      result += map2[bits >> 18 & 63];
      result += map2[bits >> 12 & 63];
      result += map2[bits >> 6 & 63];
      result += map2[bits & 63];
    } else if (tail === 2) {
      result += map2[bits >> 10 & 63];
      result += map2[bits >> 4 & 63];
      result += map2[bits << 2 & 63];
      result += map2[64];
    } else if (tail === 1) {
      result += map2[bits >> 2 & 63];
      result += map2[bits << 4 & 63];
      result += map2[64];
      result += map2[64];
    }
    return result;
  }
  function isBinary(obj) {
    return Object.prototype.toString.call(obj) === "[object Uint8Array]";
  }
  binary = new Type2("tag:yaml.org,2002:binary", {
    kind: "scalar",
    resolve: resolveYamlBinary,
    construct: constructYamlBinary,
    predicate: isBinary,
    represent: representYamlBinary
  });
  return binary;
}
var omap;
var hasRequiredOmap;
function requireOmap() {
  if (hasRequiredOmap) return omap;
  hasRequiredOmap = 1;
  const Type2 = requireType();
  const _hasOwnProperty = Object.prototype.hasOwnProperty;
  const _toString = Object.prototype.toString;
  function resolveYamlOmap(data) {
    if (data === null) return true;
    const objectKeys = {};
    const object = data;
    for (let index = 0, length = object.length; index < length; index += 1) {
      const pair = object[index];
      let pairHasKey = false;
      if (_toString.call(pair) !== "[object Object]") return false;
      let pairKey;
      for (pairKey in pair) {
        if (_hasOwnProperty.call(pair, pairKey)) {
          if (!pairHasKey) pairHasKey = true;
          else return false;
        }
      }
      if (!pairHasKey) return false;
      if (_hasOwnProperty.call(objectKeys, pairKey)) return false;
      Object.defineProperty(objectKeys, pairKey, { value: true });
    }
    return true;
  }
  function constructYamlOmap(data) {
    return data !== null ? data : [];
  }
  omap = new Type2("tag:yaml.org,2002:omap", {
    kind: "sequence",
    resolve: resolveYamlOmap,
    construct: constructYamlOmap
  });
  return omap;
}
var pairs;
var hasRequiredPairs;
function requirePairs() {
  if (hasRequiredPairs) return pairs;
  hasRequiredPairs = 1;
  const Type2 = requireType();
  const _toString = Object.prototype.toString;
  function resolveYamlPairs(data) {
    if (data === null) return true;
    const object = data;
    const result = new Array(object.length);
    for (let index = 0, length = object.length; index < length; index += 1) {
      const pair = object[index];
      if (_toString.call(pair) !== "[object Object]") return false;
      const keys = Object.keys(pair);
      if (keys.length !== 1) return false;
      result[index] = [keys[0], pair[keys[0]]];
    }
    return true;
  }
  function constructYamlPairs(data) {
    if (data === null) return [];
    const object = data;
    const result = new Array(object.length);
    for (let index = 0, length = object.length; index < length; index += 1) {
      const pair = object[index];
      const keys = Object.keys(pair);
      result[index] = [keys[0], pair[keys[0]]];
    }
    return result;
  }
  pairs = new Type2("tag:yaml.org,2002:pairs", {
    kind: "sequence",
    resolve: resolveYamlPairs,
    construct: constructYamlPairs
  });
  return pairs;
}
var set2;
var hasRequiredSet;
function requireSet() {
  if (hasRequiredSet) return set2;
  hasRequiredSet = 1;
  const Type2 = requireType();
  const _hasOwnProperty = Object.prototype.hasOwnProperty;
  function resolveYamlSet(data) {
    if (data === null) return true;
    const object = data;
    for (const key in object) {
      if (_hasOwnProperty.call(object, key)) {
        if (object[key] !== null) return false;
      }
    }
    return true;
  }
  function constructYamlSet(data) {
    return data !== null ? data : {};
  }
  set2 = new Type2("tag:yaml.org,2002:set", {
    kind: "mapping",
    resolve: resolveYamlSet,
    construct: constructYamlSet
  });
  return set2;
}
var _default;
var hasRequired_default;
function require_default() {
  if (hasRequired_default) return _default;
  hasRequired_default = 1;
  _default = requireCore().extend({
    implicit: [
      requireTimestamp(),
      requireMerge()
    ],
    explicit: [
      requireBinary(),
      requireOmap(),
      requirePairs(),
      requireSet()
    ]
  });
  return _default;
}
var hasRequiredLoader;
function requireLoader() {
  if (hasRequiredLoader) return loader;
  hasRequiredLoader = 1;
  const common2 = requireCommon();
  const YAMLException2 = requireException();
  const makeSnippet = requireSnippet();
  const DEFAULT_SCHEMA2 = require_default();
  const _hasOwnProperty = Object.prototype.hasOwnProperty;
  const CONTEXT_FLOW_IN = 1;
  const CONTEXT_FLOW_OUT = 2;
  const CONTEXT_BLOCK_IN = 3;
  const CONTEXT_BLOCK_OUT = 4;
  const CHOMPING_CLIP = 1;
  const CHOMPING_STRIP = 2;
  const CHOMPING_KEEP = 3;
  const PATTERN_NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
  const PATTERN_NON_ASCII_LINE_BREAKS = /[\x85\u2028\u2029]/;
  const PATTERN_FLOW_INDICATORS = /[,\[\]{}]/;
  const PATTERN_TAG_HANDLE = /^(?:!|!!|![0-9A-Za-z-]+!)$/;
  const PATTERN_TAG_URI = /^(?:!|[^,\[\]{}])(?:%[0-9a-f]{2}|[0-9a-z\-#;/?:@&=+$,_.!~*'()\[\]])*$/i;
  function _class(obj) {
    return Object.prototype.toString.call(obj);
  }
  function isEol(c) {
    return c === 10 || c === 13;
  }
  function isWhiteSpace(c) {
    return c === 9 || c === 32;
  }
  function isWsOrEol(c) {
    return c === 9 || c === 32 || c === 10 || c === 13;
  }
  function isFlowIndicator(c) {
    return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
  }
  function fromHexCode(c) {
    if (c >= 48 && c <= 57) {
      return c - 48;
    }
    const lc = c | 32;
    if (lc >= 97 && lc <= 102) {
      return lc - 97 + 10;
    }
    return -1;
  }
  function escapedHexLen(c) {
    if (c === 120) {
      return 2;
    }
    if (c === 117) {
      return 4;
    }
    if (c === 85) {
      return 8;
    }
    return 0;
  }
  function fromDecimalCode(c) {
    if (c >= 48 && c <= 57) {
      return c - 48;
    }
    return -1;
  }
  function simpleEscapeSequence(c) {
    switch (c) {
      case 48:
        return "\0";
      case 97:
        return "\x07";
      case 98:
        return "\b";
      case 116:
        return "	";
      case 9:
        return "	";
      case 110:
        return "\n";
      case 118:
        return "\v";
      case 102:
        return "\f";
      case 114:
        return "\r";
      case 101:
        return "\x1B";
      case 32:
        return " ";
      case 34:
        return '"';
      case 47:
        return "/";
      case 92:
        return "\\";
      case 78:
        return "\x85";
      case 95:
        return "\xA0";
      case 76:
        return "\u2028";
      case 80:
        return "\u2029";
      default:
        return "";
    }
  }
  function charFromCodepoint(c) {
    if (c <= 65535) {
      return String.fromCharCode(c);
    }
    return String.fromCharCode(
      (c - 65536 >> 10) + 55296,
      (c - 65536 & 1023) + 56320
    );
  }
  function setProperty(object, key, value2) {
    if (key === "__proto__") {
      Object.defineProperty(object, key, {
        configurable: true,
        enumerable: true,
        writable: true,
        value: value2
      });
    } else {
      object[key] = value2;
    }
  }
  const simpleEscapeCheck = new Array(256);
  const simpleEscapeMap = new Array(256);
  for (let i = 0; i < 256; i++) {
    simpleEscapeCheck[i] = simpleEscapeSequence(i) ? 1 : 0;
    simpleEscapeMap[i] = simpleEscapeSequence(i);
  }
  function State(input, options) {
    this.input = input;
    this.filename = options["filename"] || null;
    this.schema = options["schema"] || DEFAULT_SCHEMA2;
    this.onWarning = options["onWarning"] || null;
    this.legacy = options["legacy"] || false;
    this.json = options["json"] || false;
    this.listener = options["listener"] || null;
    this.maxDepth = typeof options["maxDepth"] === "number" ? options["maxDepth"] : 100;
    this.maxTotalMergeKeys = typeof options["maxTotalMergeKeys"] === "number" ? options["maxTotalMergeKeys"] : 1e4;
    this.implicitTypes = this.schema.compiledImplicit;
    this.typeMap = this.schema.compiledTypeMap;
    this.length = input.length;
    this.position = 0;
    this.line = 0;
    this.lineStart = 0;
    this.lineIndent = 0;
    this.depth = 0;
    this.totalMergeKeys = 0;
    this.firstTabInLine = -1;
    this.documents = [];
    this.anchorMapTransactions = [];
  }
  function generateError(state, message) {
    const mark = {
      name: state.filename,
      buffer: state.input.slice(0, -1),
      // omit trailing \0
      position: state.position,
      line: state.line,
      column: state.position - state.lineStart
    };
    mark.snippet = makeSnippet(mark);
    return new YAMLException2(message, mark);
  }
  function throwError(state, message) {
    throw generateError(state, message);
  }
  function throwWarning(state, message) {
    if (state.onWarning) {
      state.onWarning.call(null, generateError(state, message));
    }
  }
  function storeAnchor(state, name3, value2) {
    const transactions = state.anchorMapTransactions;
    if (transactions.length !== 0) {
      const transaction = transactions[transactions.length - 1];
      if (!_hasOwnProperty.call(transaction, name3)) {
        transaction[name3] = {
          existed: _hasOwnProperty.call(state.anchorMap, name3),
          value: state.anchorMap[name3]
        };
      }
    }
    state.anchorMap[name3] = value2;
  }
  function beginAnchorTransaction(state) {
    state.anchorMapTransactions.push(/* @__PURE__ */ Object.create(null));
  }
  function commitAnchorTransaction(state) {
    const transaction = state.anchorMapTransactions.pop();
    const transactions = state.anchorMapTransactions;
    if (transactions.length === 0) return;
    const parent = transactions[transactions.length - 1];
    const names2 = Object.keys(transaction);
    for (let index = 0, length = names2.length; index < length; index += 1) {
      const name3 = names2[index];
      if (!_hasOwnProperty.call(parent, name3)) {
        parent[name3] = transaction[name3];
      }
    }
  }
  function rollbackAnchorTransaction(state) {
    const transaction = state.anchorMapTransactions.pop();
    const names2 = Object.keys(transaction);
    for (let index = names2.length - 1; index >= 0; index -= 1) {
      const entry = transaction[names2[index]];
      if (entry.existed) {
        state.anchorMap[names2[index]] = entry.value;
      } else {
        delete state.anchorMap[names2[index]];
      }
    }
  }
  function snapshotState(state) {
    return {
      position: state.position,
      line: state.line,
      lineStart: state.lineStart,
      lineIndent: state.lineIndent,
      firstTabInLine: state.firstTabInLine,
      tag: state.tag,
      anchor: state.anchor,
      kind: state.kind,
      result: state.result
    };
  }
  function restoreState(state, snapshot) {
    state.position = snapshot.position;
    state.line = snapshot.line;
    state.lineStart = snapshot.lineStart;
    state.lineIndent = snapshot.lineIndent;
    state.firstTabInLine = snapshot.firstTabInLine;
    state.tag = snapshot.tag;
    state.anchor = snapshot.anchor;
    state.kind = snapshot.kind;
    state.result = snapshot.result;
  }
  const directiveHandlers = {
    YAML: function handleYamlDirective(state, name3, args) {
      if (state.version !== null) {
        throwError(state, "duplication of %YAML directive");
      }
      if (args.length !== 1) {
        throwError(state, "YAML directive accepts exactly one argument");
      }
      const match2 = /^([0-9]+)\.([0-9]+)$/.exec(args[0]);
      if (match2 === null) {
        throwError(state, "ill-formed argument of the YAML directive");
      }
      const major = parseInt(match2[1], 10);
      const minor = parseInt(match2[2], 10);
      if (major !== 1) {
        throwError(state, "unacceptable YAML version of the document");
      }
      state.version = args[0];
      state.checkLineBreaks = minor < 2;
      if (minor !== 1 && minor !== 2) {
        throwWarning(state, "unsupported YAML version of the document");
      }
    },
    TAG: function handleTagDirective(state, name3, args) {
      let prefix;
      if (args.length !== 2) {
        throwError(state, "TAG directive accepts exactly two arguments");
      }
      const handle = args[0];
      prefix = args[1];
      if (!PATTERN_TAG_HANDLE.test(handle)) {
        throwError(state, "ill-formed tag handle (first argument) of the TAG directive");
      }
      if (_hasOwnProperty.call(state.tagMap, handle)) {
        throwError(state, 'there is a previously declared suffix for "' + handle + '" tag handle');
      }
      if (!PATTERN_TAG_URI.test(prefix)) {
        throwError(state, "ill-formed tag prefix (second argument) of the TAG directive");
      }
      try {
        prefix = decodeURIComponent(prefix);
      } catch (err) {
        throwError(state, "tag prefix is malformed: " + prefix);
      }
      state.tagMap[handle] = prefix;
    }
  };
  function captureSegment(state, start, end, checkJson) {
    if (start < end) {
      const _result = state.input.slice(start, end);
      if (checkJson) {
        for (let _position = 0, _length = _result.length; _position < _length; _position += 1) {
          const _character = _result.charCodeAt(_position);
          if (!(_character === 9 || _character >= 32 && _character <= 1114111)) {
            throwError(state, "expected valid JSON character");
          }
        }
      } else if (PATTERN_NON_PRINTABLE.test(_result)) {
        throwError(state, "the stream contains non-printable characters");
      }
      state.result += _result;
    }
  }
  function chargeMergeWork(state) {
    state.totalMergeKeys++;
    if (state.maxTotalMergeKeys !== -1 && state.totalMergeKeys > state.maxTotalMergeKeys) {
      throwError(state, "merge keys exceeded maxTotalMergeKeys (" + state.maxTotalMergeKeys + ")");
    }
  }
  function mergeMappings(state, destination, source, overridableKeys) {
    if (!common2.isObject(source)) {
      throwError(state, "cannot merge mappings; the provided source object is unacceptable");
    }
    chargeMergeWork(state);
    const sourceKeys = Object.keys(source);
    for (let index = 0, quantity = sourceKeys.length; index < quantity; index += 1) {
      const key = sourceKeys[index];
      chargeMergeWork(state);
      if (!_hasOwnProperty.call(destination, key)) {
        setProperty(destination, key, source[key]);
        overridableKeys[key] = true;
      }
    }
  }
  function storeMappingPair(state, _result, overridableKeys, keyTag, keyNode, valueNode, startLine, startLineStart, startPos) {
    if (Array.isArray(keyNode)) {
      keyNode = Array.prototype.slice.call(keyNode);
      for (let index = 0, quantity = keyNode.length; index < quantity; index += 1) {
        if (Array.isArray(keyNode[index])) {
          throwError(state, "nested arrays are not supported inside keys");
        }
        if (typeof keyNode === "object" && _class(keyNode[index]) === "[object Object]") {
          keyNode[index] = "[object Object]";
        }
      }
    }
    if (typeof keyNode === "object" && _class(keyNode) === "[object Object]") {
      keyNode = "[object Object]";
    }
    keyNode = String(keyNode);
    if (_result === null) {
      _result = {};
    }
    if (keyTag === "tag:yaml.org,2002:merge") {
      if (Array.isArray(valueNode)) {
        if (valueNode.length > 100) {
          throwError(state, "abnormal merge sequence size");
        }
        for (let index = 0, quantity = valueNode.length; index < quantity; index += 1) {
          mergeMappings(state, _result, valueNode[index], overridableKeys);
        }
      } else {
        mergeMappings(state, _result, valueNode, overridableKeys);
      }
    } else {
      if (!state.json && !_hasOwnProperty.call(overridableKeys, keyNode) && _hasOwnProperty.call(_result, keyNode)) {
        state.line = startLine || state.line;
        state.lineStart = startLineStart || state.lineStart;
        state.position = startPos || state.position;
        throwError(state, "duplicated mapping key");
      }
      setProperty(_result, keyNode, valueNode);
      delete overridableKeys[keyNode];
    }
    return _result;
  }
  function readLineBreak(state) {
    const ch = state.input.charCodeAt(state.position);
    if (ch === 10) {
      state.position++;
    } else if (ch === 13) {
      state.position++;
      if (state.input.charCodeAt(state.position) === 10) {
        state.position++;
      }
    } else {
      throwError(state, "a line break is expected");
    }
    state.line += 1;
    state.lineStart = state.position;
    state.firstTabInLine = -1;
  }
  function skipSeparationSpace(state, allowComments, checkIndent) {
    let lineBreaks2 = 0;
    let ch = state.input.charCodeAt(state.position);
    while (ch !== 0) {
      while (isWhiteSpace(ch)) {
        if (ch === 9 && state.firstTabInLine === -1) {
          state.firstTabInLine = state.position;
        }
        ch = state.input.charCodeAt(++state.position);
      }
      if (allowComments && ch === 35) {
        do {
          ch = state.input.charCodeAt(++state.position);
        } while (ch !== 10 && ch !== 13 && ch !== 0);
      }
      if (isEol(ch)) {
        readLineBreak(state);
        ch = state.input.charCodeAt(state.position);
        lineBreaks2++;
        state.lineIndent = 0;
        while (ch === 32) {
          state.lineIndent++;
          ch = state.input.charCodeAt(++state.position);
        }
      } else {
        break;
      }
    }
    if (checkIndent !== -1 && lineBreaks2 !== 0 && state.lineIndent < checkIndent) {
      throwWarning(state, "deficient indentation");
    }
    return lineBreaks2;
  }
  function testDocumentSeparator(state) {
    let _position = state.position;
    let ch = state.input.charCodeAt(_position);
    if ((ch === 45 || ch === 46) && ch === state.input.charCodeAt(_position + 1) && ch === state.input.charCodeAt(_position + 2)) {
      _position += 3;
      ch = state.input.charCodeAt(_position);
      if (ch === 0 || isWsOrEol(ch)) {
        return true;
      }
    }
    return false;
  }
  function writeFoldedLines(state, count) {
    if (count === 1) {
      state.result += " ";
    } else if (count > 1) {
      state.result += common2.repeat("\n", count - 1);
    }
  }
  function readPlainScalar(state, nodeIndent, withinFlowCollection) {
    let captureStart;
    let captureEnd;
    let hasPendingContent;
    let _line;
    let _lineStart;
    let _lineIndent;
    const _kind = state.kind;
    const _result = state.result;
    let ch = state.input.charCodeAt(state.position);
    if (isWsOrEol(ch) || isFlowIndicator(ch) || ch === 35 || ch === 38 || ch === 42 || ch === 33 || ch === 124 || ch === 62 || ch === 39 || ch === 34 || ch === 37 || ch === 64 || ch === 96) {
      return false;
    }
    if (ch === 63 || ch === 45) {
      const following = state.input.charCodeAt(state.position + 1);
      if (isWsOrEol(following) || withinFlowCollection && isFlowIndicator(following)) {
        return false;
      }
    }
    state.kind = "scalar";
    state.result = "";
    captureStart = captureEnd = state.position;
    hasPendingContent = false;
    while (ch !== 0) {
      if (ch === 58) {
        const following = state.input.charCodeAt(state.position + 1);
        if (isWsOrEol(following) || withinFlowCollection && isFlowIndicator(following)) {
          break;
        }
      } else if (ch === 35) {
        const preceding = state.input.charCodeAt(state.position - 1);
        if (isWsOrEol(preceding)) {
          break;
        }
      } else if (state.position === state.lineStart && testDocumentSeparator(state) || withinFlowCollection && isFlowIndicator(ch)) {
        break;
      } else if (isEol(ch)) {
        _line = state.line;
        _lineStart = state.lineStart;
        _lineIndent = state.lineIndent;
        skipSeparationSpace(state, false, -1);
        if (state.lineIndent >= nodeIndent) {
          hasPendingContent = true;
          ch = state.input.charCodeAt(state.position);
          continue;
        } else {
          state.position = captureEnd;
          state.line = _line;
          state.lineStart = _lineStart;
          state.lineIndent = _lineIndent;
          break;
        }
      }
      if (hasPendingContent) {
        captureSegment(state, captureStart, captureEnd, false);
        writeFoldedLines(state, state.line - _line);
        captureStart = captureEnd = state.position;
        hasPendingContent = false;
      }
      if (!isWhiteSpace(ch)) {
        captureEnd = state.position + 1;
      }
      ch = state.input.charCodeAt(++state.position);
    }
    captureSegment(state, captureStart, captureEnd, false);
    if (state.result) {
      return true;
    }
    state.kind = _kind;
    state.result = _result;
    return false;
  }
  function readSingleQuotedScalar(state, nodeIndent) {
    let captureStart;
    let captureEnd;
    let ch = state.input.charCodeAt(state.position);
    if (ch !== 39) {
      return false;
    }
    state.kind = "scalar";
    state.result = "";
    state.position++;
    captureStart = captureEnd = state.position;
    while ((ch = state.input.charCodeAt(state.position)) !== 0) {
      if (ch === 39) {
        captureSegment(state, captureStart, state.position, true);
        ch = state.input.charCodeAt(++state.position);
        if (ch === 39) {
          captureStart = state.position;
          state.position++;
          captureEnd = state.position;
        } else {
          return true;
        }
      } else if (isEol(ch)) {
        captureSegment(state, captureStart, captureEnd, true);
        writeFoldedLines(state, skipSeparationSpace(state, false, nodeIndent));
        captureStart = captureEnd = state.position;
      } else if (state.position === state.lineStart && testDocumentSeparator(state)) {
        throwError(state, "unexpected end of the document within a single quoted scalar");
      } else {
        state.position++;
        if (!isWhiteSpace(ch)) {
          captureEnd = state.position;
        }
      }
    }
    throwError(state, "unexpected end of the stream within a single quoted scalar");
  }
  function readDoubleQuotedScalar(state, nodeIndent) {
    let captureStart;
    let captureEnd;
    let tmp;
    let ch = state.input.charCodeAt(state.position);
    if (ch !== 34) {
      return false;
    }
    state.kind = "scalar";
    state.result = "";
    state.position++;
    captureStart = captureEnd = state.position;
    while ((ch = state.input.charCodeAt(state.position)) !== 0) {
      if (ch === 34) {
        captureSegment(state, captureStart, state.position, true);
        state.position++;
        return true;
      } else if (ch === 92) {
        captureSegment(state, captureStart, state.position, true);
        ch = state.input.charCodeAt(++state.position);
        if (isEol(ch)) {
          skipSeparationSpace(state, false, nodeIndent);
        } else if (ch < 256 && simpleEscapeCheck[ch]) {
          state.result += simpleEscapeMap[ch];
          state.position++;
        } else if ((tmp = escapedHexLen(ch)) > 0) {
          let hexLength = tmp;
          let hexResult = 0;
          for (; hexLength > 0; hexLength--) {
            ch = state.input.charCodeAt(++state.position);
            if ((tmp = fromHexCode(ch)) >= 0) {
              hexResult = (hexResult << 4) + tmp;
            } else {
              throwError(state, "expected hexadecimal character");
            }
          }
          state.result += charFromCodepoint(hexResult);
          state.position++;
        } else {
          throwError(state, "unknown escape sequence");
        }
        captureStart = captureEnd = state.position;
      } else if (isEol(ch)) {
        captureSegment(state, captureStart, captureEnd, true);
        writeFoldedLines(state, skipSeparationSpace(state, false, nodeIndent));
        captureStart = captureEnd = state.position;
      } else if (state.position === state.lineStart && testDocumentSeparator(state)) {
        throwError(state, "unexpected end of the document within a double quoted scalar");
      } else {
        state.position++;
        if (!isWhiteSpace(ch)) {
          captureEnd = state.position;
        }
      }
    }
    throwError(state, "unexpected end of the stream within a double quoted scalar");
  }
  function readFlowCollection(state, nodeIndent) {
    let readNext = true;
    let _line;
    let _lineStart;
    let _pos;
    const _tag = state.tag;
    let _result;
    const _anchor = state.anchor;
    let terminator;
    let isPair;
    let isExplicitPair;
    let isMapping;
    const overridableKeys = /* @__PURE__ */ Object.create(null);
    let keyNode;
    let keyTag;
    let valueNode;
    let ch = state.input.charCodeAt(state.position);
    if (ch === 91) {
      terminator = 93;
      isMapping = false;
      _result = [];
    } else if (ch === 123) {
      terminator = 125;
      isMapping = true;
      _result = {};
    } else {
      return false;
    }
    if (state.anchor !== null) {
      storeAnchor(state, state.anchor, _result);
    }
    ch = state.input.charCodeAt(++state.position);
    while (ch !== 0) {
      skipSeparationSpace(state, true, nodeIndent);
      ch = state.input.charCodeAt(state.position);
      if (ch === terminator) {
        state.position++;
        state.tag = _tag;
        state.anchor = _anchor;
        state.kind = isMapping ? "mapping" : "sequence";
        state.result = _result;
        return true;
      } else if (!readNext) {
        throwError(state, "missed comma between flow collection entries");
      } else if (ch === 44) {
        throwError(state, "expected the node content, but found ','");
      }
      keyTag = keyNode = valueNode = null;
      isPair = isExplicitPair = false;
      if (ch === 63) {
        const following = state.input.charCodeAt(state.position + 1);
        if (isWsOrEol(following)) {
          isPair = isExplicitPair = true;
          state.position++;
          skipSeparationSpace(state, true, nodeIndent);
        }
      }
      _line = state.line;
      _lineStart = state.lineStart;
      _pos = state.position;
      composeNode(state, nodeIndent, CONTEXT_FLOW_IN, false, true);
      keyTag = state.tag;
      keyNode = state.result;
      skipSeparationSpace(state, true, nodeIndent);
      ch = state.input.charCodeAt(state.position);
      if ((isExplicitPair || state.line === _line) && ch === 58) {
        isPair = true;
        ch = state.input.charCodeAt(++state.position);
        skipSeparationSpace(state, true, nodeIndent);
        composeNode(state, nodeIndent, CONTEXT_FLOW_IN, false, true);
        valueNode = state.result;
      }
      if (isMapping) {
        storeMappingPair(state, _result, overridableKeys, keyTag, keyNode, valueNode, _line, _lineStart, _pos);
      } else if (isPair) {
        _result.push(storeMappingPair(state, null, overridableKeys, keyTag, keyNode, valueNode, _line, _lineStart, _pos));
      } else {
        _result.push(keyNode);
      }
      skipSeparationSpace(state, true, nodeIndent);
      ch = state.input.charCodeAt(state.position);
      if (ch === 44) {
        readNext = true;
        ch = state.input.charCodeAt(++state.position);
      } else {
        readNext = false;
      }
    }
    throwError(state, "unexpected end of the stream within a flow collection");
  }
  function readBlockScalar(state, nodeIndent) {
    let folding;
    let chomping = CHOMPING_CLIP;
    let didReadContent = false;
    let detectedIndent = false;
    let textIndent = nodeIndent;
    let emptyLines = 0;
    let atMoreIndented = false;
    let tmp;
    let ch = state.input.charCodeAt(state.position);
    if (ch === 124) {
      folding = false;
    } else if (ch === 62) {
      folding = true;
    } else {
      return false;
    }
    state.kind = "scalar";
    state.result = "";
    while (ch !== 0) {
      ch = state.input.charCodeAt(++state.position);
      if (ch === 43 || ch === 45) {
        if (CHOMPING_CLIP === chomping) {
          chomping = ch === 43 ? CHOMPING_KEEP : CHOMPING_STRIP;
        } else {
          throwError(state, "repeat of a chomping mode identifier");
        }
      } else if ((tmp = fromDecimalCode(ch)) >= 0) {
        if (tmp === 0) {
          throwError(state, "bad explicit indentation width of a block scalar; it cannot be less than one");
        } else if (!detectedIndent) {
          textIndent = nodeIndent + tmp - 1;
          detectedIndent = true;
        } else {
          throwError(state, "repeat of an indentation width identifier");
        }
      } else {
        break;
      }
    }
    if (isWhiteSpace(ch)) {
      do {
        ch = state.input.charCodeAt(++state.position);
      } while (isWhiteSpace(ch));
      if (ch === 35) {
        do {
          ch = state.input.charCodeAt(++state.position);
        } while (!isEol(ch) && ch !== 0);
      }
    }
    while (ch !== 0) {
      readLineBreak(state);
      state.lineIndent = 0;
      ch = state.input.charCodeAt(state.position);
      while ((!detectedIndent || state.lineIndent < textIndent) && ch === 32) {
        state.lineIndent++;
        ch = state.input.charCodeAt(++state.position);
      }
      if (!detectedIndent && state.lineIndent > textIndent) {
        textIndent = state.lineIndent;
      }
      if (isEol(ch)) {
        emptyLines++;
        continue;
      }
      if (!detectedIndent && textIndent === 0) {
        throwError(state, "missing indentation for block scalar");
      }
      if (state.lineIndent < textIndent) {
        if (chomping === CHOMPING_KEEP) {
          state.result += common2.repeat("\n", didReadContent ? 1 + emptyLines : emptyLines);
        } else if (chomping === CHOMPING_CLIP) {
          if (didReadContent) {
            state.result += "\n";
          }
        }
        break;
      }
      if (folding) {
        if (isWhiteSpace(ch)) {
          atMoreIndented = true;
          state.result += common2.repeat("\n", didReadContent ? 1 + emptyLines : emptyLines);
        } else if (atMoreIndented) {
          atMoreIndented = false;
          state.result += common2.repeat("\n", emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didReadContent) {
            state.result += " ";
          }
        } else {
          state.result += common2.repeat("\n", emptyLines);
        }
      } else {
        state.result += common2.repeat("\n", didReadContent ? 1 + emptyLines : emptyLines);
      }
      didReadContent = true;
      detectedIndent = true;
      emptyLines = 0;
      const captureStart = state.position;
      while (!isEol(ch) && ch !== 0) {
        ch = state.input.charCodeAt(++state.position);
      }
      captureSegment(state, captureStart, state.position, false);
    }
    return true;
  }
  function readBlockSequence(state, nodeIndent) {
    const _tag = state.tag;
    const _anchor = state.anchor;
    const _result = [];
    let detected = false;
    if (state.firstTabInLine !== -1) return false;
    if (state.anchor !== null) {
      storeAnchor(state, state.anchor, _result);
    }
    let ch = state.input.charCodeAt(state.position);
    while (ch !== 0) {
      if (state.firstTabInLine !== -1) {
        state.position = state.firstTabInLine;
        throwError(state, "tab characters must not be used in indentation");
      }
      if (ch !== 45) {
        break;
      }
      const following = state.input.charCodeAt(state.position + 1);
      if (!isWsOrEol(following)) {
        break;
      }
      detected = true;
      state.position++;
      if (skipSeparationSpace(state, true, -1)) {
        if (state.lineIndent <= nodeIndent) {
          _result.push(null);
          ch = state.input.charCodeAt(state.position);
          continue;
        }
      }
      const _line = state.line;
      composeNode(state, nodeIndent, CONTEXT_BLOCK_IN, false, true);
      _result.push(state.result);
      skipSeparationSpace(state, true, -1);
      ch = state.input.charCodeAt(state.position);
      if ((state.line === _line || state.lineIndent > nodeIndent) && ch !== 0) {
        throwError(state, "bad indentation of a sequence entry");
      } else if (state.lineIndent < nodeIndent) {
        break;
      }
    }
    if (detected) {
      state.tag = _tag;
      state.anchor = _anchor;
      state.kind = "sequence";
      state.result = _result;
      return true;
    }
    return false;
  }
  function readBlockMapping(state, nodeIndent, flowIndent) {
    let allowCompact;
    let _keyLine;
    let _keyLineStart;
    let _keyPos;
    const _tag = state.tag;
    const _anchor = state.anchor;
    const _result = {};
    const overridableKeys = /* @__PURE__ */ Object.create(null);
    let keyTag = null;
    let keyNode = null;
    let valueNode = null;
    let atExplicitKey = false;
    let detected = false;
    if (state.firstTabInLine !== -1) return false;
    if (state.anchor !== null) {
      storeAnchor(state, state.anchor, _result);
    }
    let ch = state.input.charCodeAt(state.position);
    while (ch !== 0) {
      if (!atExplicitKey && state.firstTabInLine !== -1) {
        state.position = state.firstTabInLine;
        throwError(state, "tab characters must not be used in indentation");
      }
      const following = state.input.charCodeAt(state.position + 1);
      const _line = state.line;
      if ((ch === 63 || ch === 58) && isWsOrEol(following)) {
        if (ch === 63) {
          if (atExplicitKey) {
            storeMappingPair(state, _result, overridableKeys, keyTag, keyNode, null, _keyLine, _keyLineStart, _keyPos);
            keyTag = keyNode = valueNode = null;
          }
          detected = true;
          atExplicitKey = true;
          allowCompact = true;
        } else if (atExplicitKey) {
          atExplicitKey = false;
          allowCompact = true;
        } else {
          throwError(state, "incomplete explicit mapping pair; a key node is missed; or followed by a non-tabulated empty line");
        }
        state.position += 1;
        ch = following;
      } else {
        _keyLine = state.line;
        _keyLineStart = state.lineStart;
        _keyPos = state.position;
        if (!composeNode(state, flowIndent, CONTEXT_FLOW_OUT, false, true)) {
          break;
        }
        if (state.line === _line) {
          ch = state.input.charCodeAt(state.position);
          while (isWhiteSpace(ch)) {
            ch = state.input.charCodeAt(++state.position);
          }
          if (ch === 58) {
            ch = state.input.charCodeAt(++state.position);
            if (!isWsOrEol(ch)) {
              throwError(state, "a whitespace character is expected after the key-value separator within a block mapping");
            }
            if (atExplicitKey) {
              storeMappingPair(state, _result, overridableKeys, keyTag, keyNode, null, _keyLine, _keyLineStart, _keyPos);
              keyTag = keyNode = valueNode = null;
            }
            detected = true;
            atExplicitKey = false;
            allowCompact = false;
            keyTag = state.tag;
            keyNode = state.result;
          } else if (detected) {
            throwError(state, "can not read an implicit mapping pair; a colon is missed");
          } else {
            state.tag = _tag;
            state.anchor = _anchor;
            return true;
          }
        } else if (detected) {
          throwError(state, "can not read a block mapping entry; a multiline key may not be an implicit key");
        } else {
          state.tag = _tag;
          state.anchor = _anchor;
          return true;
        }
      }
      if (state.line === _line || state.lineIndent > nodeIndent) {
        if (atExplicitKey) {
          _keyLine = state.line;
          _keyLineStart = state.lineStart;
          _keyPos = state.position;
        }
        if (composeNode(state, nodeIndent, CONTEXT_BLOCK_OUT, true, allowCompact)) {
          if (atExplicitKey) {
            keyNode = state.result;
          } else {
            valueNode = state.result;
          }
        }
        if (!atExplicitKey) {
          storeMappingPair(state, _result, overridableKeys, keyTag, keyNode, valueNode, _keyLine, _keyLineStart, _keyPos);
          keyTag = keyNode = valueNode = null;
        }
        skipSeparationSpace(state, true, -1);
        ch = state.input.charCodeAt(state.position);
      }
      if ((state.line === _line || state.lineIndent > nodeIndent) && ch !== 0) {
        throwError(state, "bad indentation of a mapping entry");
      } else if (state.lineIndent < nodeIndent) {
        break;
      }
    }
    if (atExplicitKey) {
      storeMappingPair(state, _result, overridableKeys, keyTag, keyNode, null, _keyLine, _keyLineStart, _keyPos);
    }
    if (detected) {
      state.tag = _tag;
      state.anchor = _anchor;
      state.kind = "mapping";
      state.result = _result;
    }
    return detected;
  }
  function readTagProperty(state) {
    let isVerbatim = false;
    let isNamed = false;
    let tagHandle;
    let tagName;
    let ch = state.input.charCodeAt(state.position);
    if (ch !== 33) return false;
    if (state.tag !== null) {
      throwError(state, "duplication of a tag property");
    }
    ch = state.input.charCodeAt(++state.position);
    if (ch === 60) {
      isVerbatim = true;
      ch = state.input.charCodeAt(++state.position);
    } else if (ch === 33) {
      isNamed = true;
      tagHandle = "!!";
      ch = state.input.charCodeAt(++state.position);
    } else {
      tagHandle = "!";
    }
    let _position = state.position;
    if (isVerbatim) {
      do {
        ch = state.input.charCodeAt(++state.position);
      } while (ch !== 0 && ch !== 62);
      if (state.position < state.length) {
        tagName = state.input.slice(_position, state.position);
        ch = state.input.charCodeAt(++state.position);
      } else {
        throwError(state, "unexpected end of the stream within a verbatim tag");
      }
    } else {
      while (ch !== 0 && !isWsOrEol(ch)) {
        if (ch === 33) {
          if (!isNamed) {
            tagHandle = state.input.slice(_position - 1, state.position + 1);
            if (!PATTERN_TAG_HANDLE.test(tagHandle)) {
              throwError(state, "named tag handle cannot contain such characters");
            }
            isNamed = true;
            _position = state.position + 1;
          } else {
            throwError(state, "tag suffix cannot contain exclamation marks");
          }
        }
        ch = state.input.charCodeAt(++state.position);
      }
      tagName = state.input.slice(_position, state.position);
      if (PATTERN_FLOW_INDICATORS.test(tagName)) {
        throwError(state, "tag suffix cannot contain flow indicator characters");
      }
    }
    if (tagName && !PATTERN_TAG_URI.test(tagName)) {
      throwError(state, "tag name cannot contain such characters: " + tagName);
    }
    try {
      tagName = decodeURIComponent(tagName);
    } catch (err) {
      throwError(state, "tag name is malformed: " + tagName);
    }
    if (isVerbatim) {
      state.tag = tagName;
    } else if (_hasOwnProperty.call(state.tagMap, tagHandle)) {
      state.tag = state.tagMap[tagHandle] + tagName;
    } else if (tagHandle === "!") {
      state.tag = "!" + tagName;
    } else if (tagHandle === "!!") {
      state.tag = "tag:yaml.org,2002:" + tagName;
    } else {
      throwError(state, 'undeclared tag handle "' + tagHandle + '"');
    }
    return true;
  }
  function readAnchorProperty(state) {
    let ch = state.input.charCodeAt(state.position);
    if (ch !== 38) return false;
    if (state.anchor !== null) {
      throwError(state, "duplication of an anchor property");
    }
    ch = state.input.charCodeAt(++state.position);
    const _position = state.position;
    while (ch !== 0 && !isWsOrEol(ch) && !isFlowIndicator(ch)) {
      ch = state.input.charCodeAt(++state.position);
    }
    if (state.position === _position) {
      throwError(state, "name of an anchor node must contain at least one character");
    }
    state.anchor = state.input.slice(_position, state.position);
    return true;
  }
  function readAlias(state) {
    let ch = state.input.charCodeAt(state.position);
    if (ch !== 42) return false;
    ch = state.input.charCodeAt(++state.position);
    const _position = state.position;
    while (ch !== 0 && !isWsOrEol(ch) && !isFlowIndicator(ch)) {
      ch = state.input.charCodeAt(++state.position);
    }
    if (state.position === _position) {
      throwError(state, "name of an alias node must contain at least one character");
    }
    const alias = state.input.slice(_position, state.position);
    if (!_hasOwnProperty.call(state.anchorMap, alias)) {
      throwError(state, 'unidentified alias "' + alias + '"');
    }
    state.result = state.anchorMap[alias];
    skipSeparationSpace(state, true, -1);
    return true;
  }
  function tryReadBlockMappingFromProperty(state, propertyStart, nodeIndent, flowIndent) {
    const fallbackState = snapshotState(state);
    beginAnchorTransaction(state);
    restoreState(state, propertyStart);
    state.tag = null;
    state.anchor = null;
    state.kind = null;
    state.result = null;
    if (readBlockMapping(state, nodeIndent, flowIndent) && state.kind === "mapping") {
      commitAnchorTransaction(state);
      return true;
    }
    rollbackAnchorTransaction(state);
    restoreState(state, fallbackState);
    return false;
  }
  function composeNode(state, parentIndent, nodeContext, allowToSeek, allowCompact) {
    let allowBlockScalars;
    let allowBlockCollections;
    let indentStatus = 1;
    let atNewLine = false;
    let hasContent = false;
    let propertyStart = null;
    let type2;
    let flowIndent;
    let blockIndent;
    if (state.depth >= state.maxDepth) {
      throwError(state, "nesting exceeded maxDepth (" + state.maxDepth + ")");
    }
    state.depth += 1;
    if (state.listener !== null) {
      state.listener("open", state);
    }
    state.tag = null;
    state.anchor = null;
    state.kind = null;
    state.result = null;
    const allowBlockStyles = allowBlockScalars = allowBlockCollections = CONTEXT_BLOCK_OUT === nodeContext || CONTEXT_BLOCK_IN === nodeContext;
    if (allowToSeek) {
      if (skipSeparationSpace(state, true, -1)) {
        atNewLine = true;
        if (state.lineIndent > parentIndent) {
          indentStatus = 1;
        } else if (state.lineIndent === parentIndent) {
          indentStatus = 0;
        } else if (state.lineIndent < parentIndent) {
          indentStatus = -1;
        }
      }
    }
    if (indentStatus === 1) {
      while (true) {
        const ch = state.input.charCodeAt(state.position);
        const propertyState = snapshotState(state);
        if (atNewLine && (ch === 33 && state.tag !== null || ch === 38 && state.anchor !== null)) {
          break;
        }
        if (!readTagProperty(state) && !readAnchorProperty(state)) {
          break;
        }
        if (propertyStart === null) {
          propertyStart = propertyState;
        }
        if (skipSeparationSpace(state, true, -1)) {
          atNewLine = true;
          allowBlockCollections = allowBlockStyles;
          if (state.lineIndent > parentIndent) {
            indentStatus = 1;
          } else if (state.lineIndent === parentIndent) {
            indentStatus = 0;
          } else if (state.lineIndent < parentIndent) {
            indentStatus = -1;
          }
        } else {
          allowBlockCollections = false;
        }
      }
    }
    if (allowBlockCollections) {
      allowBlockCollections = atNewLine || allowCompact;
    }
    if (indentStatus === 1 || CONTEXT_BLOCK_OUT === nodeContext) {
      if (CONTEXT_FLOW_IN === nodeContext || CONTEXT_FLOW_OUT === nodeContext) {
        flowIndent = parentIndent;
      } else {
        flowIndent = parentIndent + 1;
      }
      blockIndent = state.position - state.lineStart;
      if (indentStatus === 1) {
        if (allowBlockCollections && (readBlockSequence(state, blockIndent) || readBlockMapping(state, blockIndent, flowIndent)) || readFlowCollection(state, flowIndent)) {
          hasContent = true;
        } else {
          const ch = state.input.charCodeAt(state.position);
          if (propertyStart !== null && allowBlockStyles && !allowBlockCollections && ch !== 124 && ch !== 62 && tryReadBlockMappingFromProperty(
            state,
            propertyStart,
            propertyStart.position - propertyStart.lineStart,
            flowIndent
          )) {
            hasContent = true;
          } else if (allowBlockScalars && readBlockScalar(state, flowIndent) || readSingleQuotedScalar(state, flowIndent) || readDoubleQuotedScalar(state, flowIndent)) {
            hasContent = true;
          } else if (readAlias(state)) {
            hasContent = true;
            if (state.tag !== null || state.anchor !== null) {
              throwError(state, "alias node should not have any properties");
            }
          } else if (readPlainScalar(state, flowIndent, CONTEXT_FLOW_IN === nodeContext)) {
            hasContent = true;
            if (state.tag === null) {
              state.tag = "?";
            }
          }
          if (state.anchor !== null) {
            storeAnchor(state, state.anchor, state.result);
          }
        }
      } else if (indentStatus === 0) {
        hasContent = allowBlockCollections && readBlockSequence(state, blockIndent);
      }
    }
    if (state.tag === null) {
      if (state.anchor !== null) {
        storeAnchor(state, state.anchor, state.result);
      }
    } else if (state.tag === "?") {
      if (state.result !== null && state.kind !== "scalar") {
        throwError(state, 'unacceptable node kind for !<?> tag; it should be "scalar", not "' + state.kind + '"');
      }
      for (let typeIndex = 0, typeQuantity = state.implicitTypes.length; typeIndex < typeQuantity; typeIndex += 1) {
        type2 = state.implicitTypes[typeIndex];
        if (type2.resolve(state.result)) {
          state.result = type2.construct(state.result);
          state.tag = type2.tag;
          if (state.anchor !== null) {
            storeAnchor(state, state.anchor, state.result);
          }
          break;
        }
      }
    } else if (state.tag !== "!") {
      if (_hasOwnProperty.call(state.typeMap[state.kind || "fallback"], state.tag)) {
        type2 = state.typeMap[state.kind || "fallback"][state.tag];
      } else {
        type2 = null;
        const typeList = state.typeMap.multi[state.kind || "fallback"];
        for (let typeIndex = 0, typeQuantity = typeList.length; typeIndex < typeQuantity; typeIndex += 1) {
          if (state.tag.slice(0, typeList[typeIndex].tag.length) === typeList[typeIndex].tag) {
            type2 = typeList[typeIndex];
            break;
          }
        }
      }
      if (!type2) {
        throwError(state, "unknown tag !<" + state.tag + ">");
      }
      if (state.result !== null && type2.kind !== state.kind) {
        throwError(state, "unacceptable node kind for !<" + state.tag + '> tag; it should be "' + type2.kind + '", not "' + state.kind + '"');
      }
      if (!type2.resolve(state.result, state.tag)) {
        throwError(state, "cannot resolve a node with !<" + state.tag + "> explicit tag");
      } else {
        state.result = type2.construct(state.result, state.tag);
        if (state.anchor !== null) {
          storeAnchor(state, state.anchor, state.result);
        }
      }
    }
    if (state.listener !== null) {
      state.listener("close", state);
    }
    state.depth -= 1;
    return state.tag !== null || state.anchor !== null || hasContent;
  }
  function readDocument(state) {
    const documentStart = state.position;
    let hasDirectives = false;
    let ch;
    state.version = null;
    state.checkLineBreaks = state.legacy;
    state.tagMap = /* @__PURE__ */ Object.create(null);
    state.anchorMap = /* @__PURE__ */ Object.create(null);
    while ((ch = state.input.charCodeAt(state.position)) !== 0) {
      skipSeparationSpace(state, true, -1);
      ch = state.input.charCodeAt(state.position);
      if (state.lineIndent > 0 || ch !== 37) {
        break;
      }
      hasDirectives = true;
      ch = state.input.charCodeAt(++state.position);
      let _position = state.position;
      while (ch !== 0 && !isWsOrEol(ch)) {
        ch = state.input.charCodeAt(++state.position);
      }
      const directiveName = state.input.slice(_position, state.position);
      const directiveArgs = [];
      if (directiveName.length < 1) {
        throwError(state, "directive name must not be less than one character in length");
      }
      while (ch !== 0) {
        while (isWhiteSpace(ch)) {
          ch = state.input.charCodeAt(++state.position);
        }
        if (ch === 35) {
          do {
            ch = state.input.charCodeAt(++state.position);
          } while (ch !== 0 && !isEol(ch));
          break;
        }
        if (isEol(ch)) break;
        _position = state.position;
        while (ch !== 0 && !isWsOrEol(ch)) {
          ch = state.input.charCodeAt(++state.position);
        }
        directiveArgs.push(state.input.slice(_position, state.position));
      }
      if (ch !== 0) readLineBreak(state);
      if (_hasOwnProperty.call(directiveHandlers, directiveName)) {
        directiveHandlers[directiveName](state, directiveName, directiveArgs);
      } else {
        throwWarning(state, 'unknown document directive "' + directiveName + '"');
      }
    }
    skipSeparationSpace(state, true, -1);
    if (state.lineIndent === 0 && state.input.charCodeAt(state.position) === 45 && state.input.charCodeAt(state.position + 1) === 45 && state.input.charCodeAt(state.position + 2) === 45) {
      state.position += 3;
      skipSeparationSpace(state, true, -1);
    } else if (hasDirectives) {
      throwError(state, "directives end mark is expected");
    }
    composeNode(state, state.lineIndent - 1, CONTEXT_BLOCK_OUT, false, true);
    skipSeparationSpace(state, true, -1);
    if (state.checkLineBreaks && PATTERN_NON_ASCII_LINE_BREAKS.test(state.input.slice(documentStart, state.position))) {
      throwWarning(state, "non-ASCII line breaks are interpreted as content");
    }
    state.documents.push(state.result);
    if (state.position === state.lineStart && testDocumentSeparator(state)) {
      if (state.input.charCodeAt(state.position) === 46) {
        state.position += 3;
        skipSeparationSpace(state, true, -1);
      }
      return;
    }
    if (state.position < state.length - 1) {
      throwError(state, "end of the stream or a document separator is expected");
    }
  }
  function loadDocuments(input, options) {
    input = String(input);
    options = options || {};
    if (input.length !== 0) {
      if (input.charCodeAt(input.length - 1) !== 10 && input.charCodeAt(input.length - 1) !== 13) {
        input += "\n";
      }
      if (input.charCodeAt(0) === 65279) {
        input = input.slice(1);
      }
    }
    const state = new State(input, options);
    const nullpos = input.indexOf("\0");
    if (nullpos !== -1) {
      state.position = nullpos;
      throwError(state, "null byte is not allowed in input");
    }
    state.input += "\0";
    while (state.input.charCodeAt(state.position) === 32) {
      state.lineIndent += 1;
      state.position += 1;
    }
    while (state.position < state.length - 1) {
      readDocument(state);
    }
    return state.documents;
  }
  function loadAll2(input, iterator, options) {
    if (iterator !== null && typeof iterator === "object" && typeof options === "undefined") {
      options = iterator;
      iterator = null;
    }
    const documents = loadDocuments(input, options);
    if (typeof iterator !== "function") {
      return documents;
    }
    for (let index = 0, length = documents.length; index < length; index += 1) {
      iterator(documents[index]);
    }
  }
  function load22(input, options) {
    const documents = loadDocuments(input, options);
    if (documents.length === 0) {
      return void 0;
    } else if (documents.length === 1) {
      return documents[0];
    }
    throw new YAMLException2("expected a single document in the stream, but found more");
  }
  loader.loadAll = loadAll2;
  loader.load = load22;
  return loader;
}
var dumper = {};
var hasRequiredDumper;
function requireDumper() {
  if (hasRequiredDumper) return dumper;
  hasRequiredDumper = 1;
  const common2 = requireCommon();
  const YAMLException2 = requireException();
  const DEFAULT_SCHEMA2 = require_default();
  const _toString = Object.prototype.toString;
  const _hasOwnProperty = Object.prototype.hasOwnProperty;
  const CHAR_BOM = 65279;
  const CHAR_TAB = 9;
  const CHAR_LINE_FEED = 10;
  const CHAR_CARRIAGE_RETURN = 13;
  const CHAR_SPACE = 32;
  const CHAR_EXCLAMATION = 33;
  const CHAR_DOUBLE_QUOTE = 34;
  const CHAR_SHARP = 35;
  const CHAR_PERCENT = 37;
  const CHAR_AMPERSAND = 38;
  const CHAR_SINGLE_QUOTE = 39;
  const CHAR_ASTERISK = 42;
  const CHAR_COMMA = 44;
  const CHAR_MINUS = 45;
  const CHAR_COLON = 58;
  const CHAR_EQUALS = 61;
  const CHAR_GREATER_THAN = 62;
  const CHAR_QUESTION = 63;
  const CHAR_COMMERCIAL_AT = 64;
  const CHAR_LEFT_SQUARE_BRACKET = 91;
  const CHAR_RIGHT_SQUARE_BRACKET = 93;
  const CHAR_GRAVE_ACCENT = 96;
  const CHAR_LEFT_CURLY_BRACKET = 123;
  const CHAR_VERTICAL_LINE = 124;
  const CHAR_RIGHT_CURLY_BRACKET = 125;
  const ESCAPE_SEQUENCES = {};
  ESCAPE_SEQUENCES[0] = "\\0";
  ESCAPE_SEQUENCES[7] = "\\a";
  ESCAPE_SEQUENCES[8] = "\\b";
  ESCAPE_SEQUENCES[9] = "\\t";
  ESCAPE_SEQUENCES[10] = "\\n";
  ESCAPE_SEQUENCES[11] = "\\v";
  ESCAPE_SEQUENCES[12] = "\\f";
  ESCAPE_SEQUENCES[13] = "\\r";
  ESCAPE_SEQUENCES[27] = "\\e";
  ESCAPE_SEQUENCES[34] = '\\"';
  ESCAPE_SEQUENCES[92] = "\\\\";
  ESCAPE_SEQUENCES[133] = "\\N";
  ESCAPE_SEQUENCES[160] = "\\_";
  ESCAPE_SEQUENCES[8232] = "\\L";
  ESCAPE_SEQUENCES[8233] = "\\P";
  const DEPRECATED_BOOLEANS_SYNTAX = [
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "on",
    "On",
    "ON",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "off",
    "Off",
    "OFF"
  ];
  const DEPRECATED_BASE60_SYNTAX = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;
  function compileStyleMap(schema2, map2) {
    if (map2 === null) return {};
    const result = {};
    const keys = Object.keys(map2);
    for (let index = 0, length = keys.length; index < length; index += 1) {
      let tag = keys[index];
      let style = String(map2[tag]);
      if (tag.slice(0, 2) === "!!") {
        tag = "tag:yaml.org,2002:" + tag.slice(2);
      }
      const type2 = schema2.compiledTypeMap["fallback"][tag];
      if (type2 && _hasOwnProperty.call(type2.styleAliases, style)) {
        style = type2.styleAliases[style];
      }
      result[tag] = style;
    }
    return result;
  }
  function encodeHex(character) {
    let handle;
    let length;
    const string = character.toString(16).toUpperCase();
    if (character <= 255) {
      handle = "x";
      length = 2;
    } else if (character <= 65535) {
      handle = "u";
      length = 4;
    } else if (character <= 4294967295) {
      handle = "U";
      length = 8;
    } else {
      throw new YAMLException2("code point within a string may not be greater than 0xFFFFFFFF");
    }
    return "\\" + handle + common2.repeat("0", length - string.length) + string;
  }
  const QUOTING_TYPE_SINGLE = 1;
  const QUOTING_TYPE_DOUBLE = 2;
  function State(options) {
    this.schema = options["schema"] || DEFAULT_SCHEMA2;
    this.indent = Math.max(1, options["indent"] || 2);
    this.noArrayIndent = options["noArrayIndent"] || false;
    this.skipInvalid = options["skipInvalid"] || false;
    this.flowLevel = common2.isNothing(options["flowLevel"]) ? -1 : options["flowLevel"];
    this.styleMap = compileStyleMap(this.schema, options["styles"] || null);
    this.sortKeys = options["sortKeys"] || false;
    this.lineWidth = options["lineWidth"] || 80;
    this.noRefs = options["noRefs"] || false;
    this.noCompatMode = options["noCompatMode"] || false;
    this.condenseFlow = options["condenseFlow"] || false;
    this.quotingType = options["quotingType"] === '"' ? QUOTING_TYPE_DOUBLE : QUOTING_TYPE_SINGLE;
    this.forceQuotes = options["forceQuotes"] || false;
    this.replacer = typeof options["replacer"] === "function" ? options["replacer"] : null;
    this.implicitTypes = this.schema.compiledImplicit;
    this.explicitTypes = this.schema.compiledExplicit;
    this.tag = null;
    this.result = "";
    this.duplicates = [];
    this.usedDuplicates = null;
  }
  function indentString(string, spaces) {
    const ind = common2.repeat(" ", spaces);
    let position = 0;
    let result = "";
    const length = string.length;
    while (position < length) {
      let line;
      const next2 = string.indexOf("\n", position);
      if (next2 === -1) {
        line = string.slice(position);
        position = length;
      } else {
        line = string.slice(position, next2 + 1);
        position = next2 + 1;
      }
      if (line.length && line !== "\n") result += ind;
      result += line;
    }
    return result;
  }
  function generateNextLine(state, level) {
    return "\n" + common2.repeat(" ", state.indent * level);
  }
  function testImplicitResolving(state, str2) {
    for (let index = 0, length = state.implicitTypes.length; index < length; index += 1) {
      const type2 = state.implicitTypes[index];
      if (type2.resolve(str2)) {
        return true;
      }
    }
    return false;
  }
  function isWhitespace(c) {
    return c === CHAR_SPACE || c === CHAR_TAB;
  }
  function isPrintable(c) {
    return c >= 32 && c <= 126 || c >= 161 && c <= 55295 && c !== 8232 && c !== 8233 || c >= 57344 && c <= 65533 && c !== CHAR_BOM || c >= 65536 && c <= 1114111;
  }
  function isNsCharOrWhitespace(c) {
    return isPrintable(c) && c !== CHAR_BOM && // - b-char
    c !== CHAR_CARRIAGE_RETURN && c !== CHAR_LINE_FEED;
  }
  function isPlainSafe(c, prev, inblock) {
    const cIsNsCharOrWhitespace = isNsCharOrWhitespace(c);
    const cIsNsChar = cIsNsCharOrWhitespace && !isWhitespace(c);
    return (
      // ns-plain-safe
      (inblock ? cIsNsCharOrWhitespace : cIsNsCharOrWhitespace && // - c-flow-indicator
      c !== CHAR_COMMA && c !== CHAR_LEFT_SQUARE_BRACKET && c !== CHAR_RIGHT_SQUARE_BRACKET && c !== CHAR_LEFT_CURLY_BRACKET && c !== CHAR_RIGHT_CURLY_BRACKET) && // ns-plain-char
      c !== CHAR_SHARP && // false on '#'
      !(prev === CHAR_COLON && !cIsNsChar) || // false on ': '
      isNsCharOrWhitespace(prev) && !isWhitespace(prev) && c === CHAR_SHARP || // change to true on '[^ ]#'
      prev === CHAR_COLON && cIsNsChar
    );
  }
  function isPlainSafeFirst(c) {
    return isPrintable(c) && c !== CHAR_BOM && !isWhitespace(c) && // - s-white
    // - (c-indicator ::=
    // “-” | “?” | “:” | “,” | “[” | “]” | “{” | “}”
    c !== CHAR_MINUS && c !== CHAR_QUESTION && c !== CHAR_COLON && c !== CHAR_COMMA && c !== CHAR_LEFT_SQUARE_BRACKET && c !== CHAR_RIGHT_SQUARE_BRACKET && c !== CHAR_LEFT_CURLY_BRACKET && c !== CHAR_RIGHT_CURLY_BRACKET && // | “#” | “&” | “*” | “!” | “|” | “=” | “>” | “'” | “"”
    c !== CHAR_SHARP && c !== CHAR_AMPERSAND && c !== CHAR_ASTERISK && c !== CHAR_EXCLAMATION && c !== CHAR_VERTICAL_LINE && c !== CHAR_EQUALS && c !== CHAR_GREATER_THAN && c !== CHAR_SINGLE_QUOTE && c !== CHAR_DOUBLE_QUOTE && // | “%” | “@” | “`”)
    c !== CHAR_PERCENT && c !== CHAR_COMMERCIAL_AT && c !== CHAR_GRAVE_ACCENT;
  }
  function isPlainSafeLast(c) {
    return !isWhitespace(c) && c !== CHAR_COLON;
  }
  function codePointAt(string, pos) {
    const first = string.charCodeAt(pos);
    let second;
    if (first >= 55296 && first <= 56319 && pos + 1 < string.length) {
      second = string.charCodeAt(pos + 1);
      if (second >= 56320 && second <= 57343) {
        return (first - 55296) * 1024 + second - 56320 + 65536;
      }
    }
    return first;
  }
  function needIndentIndicator(string) {
    const leadingSpaceRe = /^\n* /;
    return leadingSpaceRe.test(string);
  }
  const STYLE_PLAIN = 1;
  const STYLE_SINGLE = 2;
  const STYLE_LITERAL = 3;
  const STYLE_FOLDED = 4;
  const STYLE_DOUBLE = 5;
  function chooseScalarStyle(string, singleLineOnly, indentPerLevel, lineWidth, testAmbiguousType, quotingType, forceQuotes, inblock) {
    let i;
    let char = 0;
    let prevChar = null;
    let hasLineBreak = false;
    let hasFoldableLine = false;
    const shouldTrackWidth = lineWidth !== -1;
    let previousLineBreak = -1;
    let plain = isPlainSafeFirst(codePointAt(string, 0)) && isPlainSafeLast(codePointAt(string, string.length - 1));
    if (singleLineOnly || forceQuotes) {
      for (i = 0; i < string.length; char >= 65536 ? i += 2 : i++) {
        char = codePointAt(string, i);
        if (!isPrintable(char)) {
          return STYLE_DOUBLE;
        }
        plain = plain && isPlainSafe(char, prevChar, inblock);
        prevChar = char;
      }
    } else {
      for (i = 0; i < string.length; char >= 65536 ? i += 2 : i++) {
        char = codePointAt(string, i);
        if (char === CHAR_LINE_FEED) {
          hasLineBreak = true;
          if (shouldTrackWidth) {
            hasFoldableLine = hasFoldableLine || // Foldable line = too long, and not more-indented.
            i - previousLineBreak - 1 > lineWidth && string[previousLineBreak + 1] !== " ";
            previousLineBreak = i;
          }
        } else if (!isPrintable(char)) {
          return STYLE_DOUBLE;
        }
        plain = plain && isPlainSafe(char, prevChar, inblock);
        prevChar = char;
      }
      hasFoldableLine = hasFoldableLine || shouldTrackWidth && (i - previousLineBreak - 1 > lineWidth && string[previousLineBreak + 1] !== " ");
    }
    if (!hasLineBreak && !hasFoldableLine) {
      if (plain && !forceQuotes && !testAmbiguousType(string)) {
        return STYLE_PLAIN;
      }
      return quotingType === QUOTING_TYPE_DOUBLE ? STYLE_DOUBLE : STYLE_SINGLE;
    }
    if (indentPerLevel > 9 && needIndentIndicator(string)) {
      return STYLE_DOUBLE;
    }
    if (!forceQuotes) {
      return hasFoldableLine ? STYLE_FOLDED : STYLE_LITERAL;
    }
    return quotingType === QUOTING_TYPE_DOUBLE ? STYLE_DOUBLE : STYLE_SINGLE;
  }
  function writeScalar(state, string, level, iskey, inblock) {
    state.dump = (function() {
      if (string.length === 0) {
        return state.quotingType === QUOTING_TYPE_DOUBLE ? '""' : "''";
      }
      if (!state.noCompatMode) {
        if (DEPRECATED_BOOLEANS_SYNTAX.indexOf(string) !== -1 || DEPRECATED_BASE60_SYNTAX.test(string)) {
          return state.quotingType === QUOTING_TYPE_DOUBLE ? '"' + string + '"' : "'" + string + "'";
        }
      }
      const indent = state.indent * Math.max(1, level);
      const lineWidth = state.lineWidth === -1 ? -1 : Math.max(Math.min(state.lineWidth, 40), state.lineWidth - indent);
      const singleLineOnly = iskey || // No block styles in flow mode.
      state.flowLevel > -1 && level >= state.flowLevel;
      function testAmbiguity(string2) {
        return testImplicitResolving(state, string2);
      }
      switch (chooseScalarStyle(
        string,
        singleLineOnly,
        state.indent,
        lineWidth,
        testAmbiguity,
        state.quotingType,
        state.forceQuotes && !iskey,
        inblock
      )) {
        case STYLE_PLAIN:
          return string;
        case STYLE_SINGLE:
          return "'" + string.replace(/'/g, "''") + "'";
        case STYLE_LITERAL:
          return "|" + blockHeader(string, state.indent) + dropEndingNewline(indentString(string, indent));
        case STYLE_FOLDED:
          return ">" + blockHeader(string, state.indent) + dropEndingNewline(indentString(foldString(string, lineWidth), indent));
        case STYLE_DOUBLE:
          return '"' + escapeString(string) + '"';
        default:
          throw new YAMLException2("impossible error: invalid scalar style");
      }
    })();
  }
  function blockHeader(string, indentPerLevel) {
    const indentIndicator = needIndentIndicator(string) ? String(indentPerLevel) : "";
    const clip = string[string.length - 1] === "\n";
    const keep = clip && (string[string.length - 2] === "\n" || string === "\n");
    const chomp = keep ? "+" : clip ? "" : "-";
    return indentIndicator + chomp + "\n";
  }
  function dropEndingNewline(string) {
    return string[string.length - 1] === "\n" ? string.slice(0, -1) : string;
  }
  function foldString(string, width) {
    const lineRe = /(\n+)([^\n]*)/g;
    let result = (function() {
      let nextLF = string.indexOf("\n");
      nextLF = nextLF !== -1 ? nextLF : string.length;
      lineRe.lastIndex = nextLF;
      return foldLine(string.slice(0, nextLF), width);
    })();
    let prevMoreIndented = string[0] === "\n" || string[0] === " ";
    let moreIndented;
    let match2;
    while (match2 = lineRe.exec(string)) {
      const prefix = match2[1];
      const line = match2[2];
      moreIndented = line[0] === " ";
      result += prefix + (!prevMoreIndented && !moreIndented && line !== "" ? "\n" : "") + foldLine(line, width);
      prevMoreIndented = moreIndented;
    }
    return result;
  }
  function foldLine(line, width) {
    if (line === "" || line[0] === " ") return line;
    const breakRe = / [^ ]/g;
    let match2;
    let start = 0;
    let end;
    let curr = 0;
    let next2 = 0;
    let result = "";
    while (match2 = breakRe.exec(line)) {
      next2 = match2.index;
      if (next2 - start > width) {
        end = curr > start ? curr : next2;
        result += "\n" + line.slice(start, end);
        start = end + 1;
      }
      curr = next2;
    }
    result += "\n";
    if (line.length - start > width && curr > start) {
      result += line.slice(start, curr) + "\n" + line.slice(curr + 1);
    } else {
      result += line.slice(start);
    }
    return result.slice(1);
  }
  function escapeString(string) {
    let result = "";
    let char = 0;
    for (let i = 0; i < string.length; char >= 65536 ? i += 2 : i++) {
      char = codePointAt(string, i);
      const escapeSeq = ESCAPE_SEQUENCES[char];
      if (!escapeSeq && isPrintable(char)) {
        result += string[i];
        if (char >= 65536) result += string[i + 1];
      } else {
        result += escapeSeq || encodeHex(char);
      }
    }
    return result;
  }
  function writeFlowSequence(state, level, object) {
    let _result = "";
    const _tag = state.tag;
    for (let index = 0, length = object.length; index < length; index += 1) {
      let value2 = object[index];
      if (state.replacer) {
        value2 = state.replacer.call(object, String(index), value2);
      }
      if (writeNode(state, level, value2, false, false) || typeof value2 === "undefined" && writeNode(state, level, null, false, false)) {
        if (_result !== "") _result += "," + (!state.condenseFlow ? " " : "");
        _result += state.dump;
      }
    }
    state.tag = _tag;
    state.dump = "[" + _result + "]";
  }
  function writeBlockSequence(state, level, object, compact2) {
    let _result = "";
    const _tag = state.tag;
    for (let index = 0, length = object.length; index < length; index += 1) {
      let value2 = object[index];
      if (state.replacer) {
        value2 = state.replacer.call(object, String(index), value2);
      }
      if (writeNode(state, level + 1, value2, true, true, false, true) || typeof value2 === "undefined" && writeNode(state, level + 1, null, true, true, false, true)) {
        if (!compact2 || _result !== "") {
          _result += generateNextLine(state, level);
        }
        if (state.dump && CHAR_LINE_FEED === state.dump.charCodeAt(0)) {
          _result += "-";
        } else {
          _result += "- ";
        }
        _result += state.dump;
      }
    }
    state.tag = _tag;
    state.dump = _result || "[]";
  }
  function writeFlowMapping(state, level, object) {
    let _result = "";
    const _tag = state.tag;
    const objectKeyList = Object.keys(object);
    for (let index = 0, length = objectKeyList.length; index < length; index += 1) {
      let pairBuffer = "";
      if (_result !== "") pairBuffer += ", ";
      if (state.condenseFlow) pairBuffer += '"';
      const objectKey = objectKeyList[index];
      let objectValue = object[objectKey];
      if (state.replacer) {
        objectValue = state.replacer.call(object, objectKey, objectValue);
      }
      if (!writeNode(state, level, objectKey, false, false)) {
        continue;
      }
      if (state.dump.length > 1024) pairBuffer += "? ";
      pairBuffer += state.dump + (state.condenseFlow ? '"' : "") + ":" + (state.condenseFlow ? "" : " ");
      if (!writeNode(state, level, objectValue, false, false)) {
        continue;
      }
      pairBuffer += state.dump;
      _result += pairBuffer;
    }
    state.tag = _tag;
    state.dump = "{" + _result + "}";
  }
  function writeBlockMapping(state, level, object, compact2) {
    let _result = "";
    const _tag = state.tag;
    const objectKeyList = Object.keys(object);
    if (state.sortKeys === true) {
      objectKeyList.sort();
    } else if (typeof state.sortKeys === "function") {
      objectKeyList.sort(state.sortKeys);
    } else if (state.sortKeys) {
      throw new YAMLException2("sortKeys must be a boolean or a function");
    }
    for (let index = 0, length = objectKeyList.length; index < length; index += 1) {
      let pairBuffer = "";
      if (!compact2 || _result !== "") {
        pairBuffer += generateNextLine(state, level);
      }
      const objectKey = objectKeyList[index];
      let objectValue = object[objectKey];
      if (state.replacer) {
        objectValue = state.replacer.call(object, objectKey, objectValue);
      }
      if (!writeNode(state, level + 1, objectKey, true, true, true)) {
        continue;
      }
      const explicitPair = state.tag !== null && state.tag !== "?" || state.dump && state.dump.length > 1024;
      if (explicitPair) {
        if (state.dump && CHAR_LINE_FEED === state.dump.charCodeAt(0)) {
          pairBuffer += "?";
        } else {
          pairBuffer += "? ";
        }
      }
      pairBuffer += state.dump;
      if (explicitPair) {
        pairBuffer += generateNextLine(state, level);
      }
      if (!writeNode(state, level + 1, objectValue, true, explicitPair)) {
        continue;
      }
      if (state.dump && CHAR_LINE_FEED === state.dump.charCodeAt(0)) {
        pairBuffer += ":";
      } else {
        pairBuffer += ": ";
      }
      pairBuffer += state.dump;
      _result += pairBuffer;
    }
    state.tag = _tag;
    state.dump = _result || "{}";
  }
  function detectType(state, object, explicit) {
    const typeList = explicit ? state.explicitTypes : state.implicitTypes;
    for (let index = 0, length = typeList.length; index < length; index += 1) {
      const type2 = typeList[index];
      if ((type2.instanceOf || type2.predicate) && (!type2.instanceOf || typeof object === "object" && object instanceof type2.instanceOf) && (!type2.predicate || type2.predicate(object))) {
        if (explicit) {
          if (type2.multi && type2.representName) {
            state.tag = type2.representName(object);
          } else {
            state.tag = type2.tag;
          }
        } else {
          state.tag = "?";
        }
        if (type2.represent) {
          const style = state.styleMap[type2.tag] || type2.defaultStyle;
          let _result;
          if (_toString.call(type2.represent) === "[object Function]") {
            _result = type2.represent(object, style);
          } else if (_hasOwnProperty.call(type2.represent, style)) {
            _result = type2.represent[style](object, style);
          } else {
            throw new YAMLException2("!<" + type2.tag + '> tag resolver accepts not "' + style + '" style');
          }
          state.dump = _result;
        }
        return true;
      }
    }
    return false;
  }
  function writeNode(state, level, object, block2, compact2, iskey, isblockseq) {
    state.tag = null;
    state.dump = object;
    if (!detectType(state, object, false)) {
      detectType(state, object, true);
    }
    const type2 = _toString.call(state.dump);
    const inblock = block2;
    if (block2) {
      block2 = state.flowLevel < 0 || state.flowLevel > level;
    }
    const objectOrArray = type2 === "[object Object]" || type2 === "[object Array]";
    let duplicateIndex;
    let duplicate;
    if (objectOrArray) {
      duplicateIndex = state.duplicates.indexOf(object);
      duplicate = duplicateIndex !== -1;
    }
    if (state.tag !== null && state.tag !== "?" || duplicate || state.indent !== 2 && level > 0) {
      compact2 = false;
    }
    if (duplicate && state.usedDuplicates[duplicateIndex]) {
      state.dump = "*ref_" + duplicateIndex;
    } else {
      if (objectOrArray && duplicate && !state.usedDuplicates[duplicateIndex]) {
        state.usedDuplicates[duplicateIndex] = true;
      }
      if (type2 === "[object Object]") {
        if (block2 && Object.keys(state.dump).length !== 0) {
          writeBlockMapping(state, level, state.dump, compact2);
          if (duplicate) {
            state.dump = "&ref_" + duplicateIndex + state.dump;
          }
        } else {
          writeFlowMapping(state, level, state.dump);
          if (duplicate) {
            state.dump = "&ref_" + duplicateIndex + " " + state.dump;
          }
        }
      } else if (type2 === "[object Array]") {
        if (block2 && state.dump.length !== 0) {
          if (state.noArrayIndent && !isblockseq && level > 0) {
            writeBlockSequence(state, level - 1, state.dump, compact2);
          } else {
            writeBlockSequence(state, level, state.dump, compact2);
          }
          if (duplicate) {
            state.dump = "&ref_" + duplicateIndex + state.dump;
          }
        } else {
          writeFlowSequence(state, level, state.dump);
          if (duplicate) {
            state.dump = "&ref_" + duplicateIndex + " " + state.dump;
          }
        }
      } else if (type2 === "[object String]") {
        if (state.tag !== "?") {
          writeScalar(state, state.dump, level, iskey, inblock);
        }
      } else if (type2 === "[object Undefined]") {
        return false;
      } else {
        if (state.skipInvalid) return false;
        throw new YAMLException2("unacceptable kind of an object to dump " + type2);
      }
      if (state.tag !== null && state.tag !== "?") {
        let tagStr = encodeURI(
          state.tag[0] === "!" ? state.tag.slice(1) : state.tag
        ).replace(/!/g, "%21");
        if (state.tag[0] === "!") {
          tagStr = "!" + tagStr;
        } else if (tagStr.slice(0, 18) === "tag:yaml.org,2002:") {
          tagStr = "!!" + tagStr.slice(18);
        } else {
          tagStr = "!<" + tagStr + ">";
        }
        state.dump = tagStr + " " + state.dump;
      }
    }
    return true;
  }
  function getDuplicateReferences(object, state) {
    const objects = [];
    const duplicatesIndexes = [];
    inspectNode(object, objects, duplicatesIndexes);
    const length = duplicatesIndexes.length;
    for (let index = 0; index < length; index += 1) {
      state.duplicates.push(objects[duplicatesIndexes[index]]);
    }
    state.usedDuplicates = new Array(length);
  }
  function inspectNode(object, objects, duplicatesIndexes) {
    if (object !== null && typeof object === "object") {
      const index = objects.indexOf(object);
      if (index !== -1) {
        if (duplicatesIndexes.indexOf(index) === -1) {
          duplicatesIndexes.push(index);
        }
      } else {
        objects.push(object);
        if (Array.isArray(object)) {
          for (let i = 0, length = object.length; i < length; i += 1) {
            inspectNode(object[i], objects, duplicatesIndexes);
          }
        } else {
          const objectKeyList = Object.keys(object);
          for (let i = 0, length = objectKeyList.length; i < length; i += 1) {
            inspectNode(object[objectKeyList[i]], objects, duplicatesIndexes);
          }
        }
      }
    }
  }
  function dump2(input, options) {
    options = options || {};
    const state = new State(options);
    if (!state.noRefs) getDuplicateReferences(input, state);
    let value2 = input;
    if (state.replacer) {
      value2 = state.replacer.call({ "": value2 }, "", value2);
    }
    if (writeNode(state, 0, value2, true, true)) return state.dump + "\n";
    return "";
  }
  dumper.dump = dump2;
  return dumper;
}
var hasRequiredJsYaml;
function requireJsYaml() {
  if (hasRequiredJsYaml) return jsYaml;
  hasRequiredJsYaml = 1;
  const loader2 = requireLoader();
  const dumper2 = requireDumper();
  function renamed(from, to) {
    return function() {
      throw new Error("Function yaml." + from + " is removed in js-yaml 4. Use yaml." + to + " instead, which is now safe by default.");
    };
  }
  jsYaml.Type = requireType();
  jsYaml.Schema = requireSchema();
  jsYaml.FAILSAFE_SCHEMA = requireFailsafe();
  jsYaml.JSON_SCHEMA = requireJson();
  jsYaml.CORE_SCHEMA = requireCore();
  jsYaml.DEFAULT_SCHEMA = require_default();
  jsYaml.load = loader2.load;
  jsYaml.loadAll = loader2.loadAll;
  jsYaml.dump = dumper2.dump;
  jsYaml.YAMLException = requireException();
  jsYaml.types = {
    binary: requireBinary(),
    float: requireFloat(),
    map: requireMap(),
    null: require_null(),
    pairs: requirePairs(),
    set: requireSet(),
    timestamp: requireTimestamp(),
    bool: requireBool(),
    int: requireInt(),
    merge: requireMerge(),
    omap: requireOmap(),
    seq: requireSeq(),
    str: requireStr()
  };
  jsYaml.safeLoad = renamed("safeLoad", "load");
  jsYaml.safeLoadAll = renamed("safeLoadAll", "loadAll");
  jsYaml.safeDump = renamed("safeDump", "dump");
  return jsYaml;
}
var jsYamlExports = requireJsYaml();
var yaml = /* @__PURE__ */ getDefaultExportFromCjs(jsYamlExports);
var {
  Type,
  Schema,
  FAILSAFE_SCHEMA,
  JSON_SCHEMA,
  CORE_SCHEMA,
  DEFAULT_SCHEMA,
  load: load2,
  loadAll,
  dump,
  YAMLException,
  types: types2,
  safeLoad,
  safeLoadAll,
  safeDump
} = yaml;

// src/core/identities/yaml/lines.ts
var LineIndex2 = class {
  constructor(text3) {
    this.text = text3;
  }
  text;
  starts;
  /** 1-based line of a 0-based offset. */
  line(offset) {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  /** 1-based column of a 0-based offset. */
  column(offset) {
    return offset - this.lineStarts()[this.line(offset) - 1] + 1;
  }
  lineStarts() {
    if (this.starts) return this.starts;
    const starts = [0];
    for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }
};

// src/core/identities/yaml/load.ts
var DEFAULT_MAX_DEPTH = 256;
var DEFAULT_MAX_ALIAS_NODES = 1e5;
var YamlLimitError = class extends Error {
  constructor(message, position) {
    super(message);
    this.position = position;
  }
  position;
};
function loadYaml(file, content, options = {}) {
  const index = new LineIndex2(content);
  const starts = /* @__PURE__ */ new WeakMap();
  const keys = /* @__PURE__ */ new WeakMap();
  const documents = [];
  const errors = [];
  for (const [from, to] of documentChunks(content)) {
    const chunk = from === 0 && to === content.length ? content : content.slice(from, to);
    const recorder = new PositionRecorder(from, starts, keys, chunk.includes("*") ? options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES : -1);
    try {
      yaml.loadAll(
        chunk,
        (value2) => {
          if (value2 !== void 0 && value2 !== null) documents.push({ value: value2, line: index.line(skipBlank(content, from)) });
        },
        {
          schema: options.schema,
          json: options.allowDuplicateKeys === true,
          maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
          listener: recorder.listener
        }
      );
    } catch (error) {
      errors.push(toExtractError(file, content, index, from, error));
    }
  }
  const lineAt = (position) => index.line(skipBlank(content, position));
  return {
    documents,
    errors,
    lineOf(node, fallback) {
      if (node === null || typeof node !== "object") return fallback;
      const position = starts.get(node);
      return position === void 0 ? fallback : lineAt(position);
    },
    keyLine(node, key, fallback) {
      if (node === null || typeof node !== "object") return fallback;
      const position = keys.get(node)?.get(key);
      if (position !== void 0) return lineAt(position);
      const own2 = starts.get(node);
      return own2 === void 0 ? fallback : lineAt(own2);
    }
  };
}
function documentChunks(content) {
  const chunks = [];
  let from = 0;
  let search = 0;
  for (; ; ) {
    const at15 = content.indexOf("\n---", search);
    if (at15 === -1) break;
    const after = content.charCodeAt(at15 + 4);
    search = at15 + 4;
    if (!(Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13)) continue;
    if (at15 + 1 > from) chunks.push([from, at15 + 1]);
    from = at15 + 1;
  }
  chunks.push([from, content.length]);
  return chunks;
}
function skipBlank(content, position) {
  let i = position;
  for (; ; ) {
    const ch = content.charCodeAt(i);
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13) i++;
    else if (ch === 35) {
      const eol = content.indexOf("\n", i);
      if (eol === -1) return content.length;
      i = eol + 1;
    } else if (ch === 45 && content.startsWith("---", i) && (i === 0 || content.charCodeAt(i - 1) === 10)) i += 3;
    else return i;
  }
}
var PositionRecorder = class {
  constructor(offset, starts, keys, maxAliasNodes) {
    this.offset = offset;
    this.starts = starts;
    this.keys = keys;
    this.maxAliasNodes = maxAliasNodes;
  }
  offset;
  starts;
  keys;
  maxAliasNodes;
  opened = [];
  childKeys = [];
  counts = [];
  anchored = /* @__PURE__ */ new WeakMap();
  aliasNodes = 0;
  listener = (event, state) => {
    if (event === "open") {
      this.opened.push(state.position);
      this.childKeys.push(void 0);
      if (this.maxAliasNodes >= 0) this.counts.push(0);
      return;
    }
    const position = this.offset + (this.opened.pop() ?? 0);
    const own2 = this.childKeys.pop();
    const result = state.result;
    const isAlias = state.kind === null && result !== null && result !== void 0;
    if (this.maxAliasNodes >= 0) this.countNodes(state, isAlias);
    if (isAlias) return;
    if (result !== null && typeof result === "object") {
      if (!this.starts.has(result)) this.starts.set(result, position);
      if (own2) this.keys.set(result, own2);
    } else if (typeof result === "string" && this.childKeys.length > 0) {
      const top = this.childKeys.length - 1;
      let parent = this.childKeys[top];
      if (!parent) this.childKeys[top] = parent = /* @__PURE__ */ new Map();
      if (!parent.has(result)) parent.set(result, position);
    }
  };
  /** Expanded node count: an alias counts as every node its anchor holds. */
  countNodes(state, isAlias) {
    const inner = this.counts.pop() ?? 0;
    const result = state.result;
    let size = inner + 1;
    if (isAlias) {
      size = (typeof result === "object" && result !== null ? this.anchored.get(result) : void 0) ?? 1;
      this.aliasNodes += size;
      if (this.aliasNodes > this.maxAliasNodes) {
        throw new YamlLimitError(`aliases expand to more than ${this.maxAliasNodes} nodes (possible "billion laughs" alias bomb)`, this.offset + state.position);
      }
    } else if (state.anchor !== null && typeof result === "object" && result !== null) {
      this.anchored.set(result, size);
    }
    if (this.counts.length > 0) this.counts[this.counts.length - 1] += size;
  }
};
function toExtractError(file, content, index, from, error) {
  if (error instanceof YamlLimitError) {
    return { file, line: index.line(error.position), column: index.column(error.position), message: `YAML rejected: ${error.message}` };
  }
  if (error instanceof yaml.YAMLException && error.mark) {
    const position = Math.min(from + error.mark.position, content.length);
    return { file, line: index.line(position), column: index.column(position), message: `malformed YAML: ${quoteErrorMessage(error.reason)}` };
  }
  if (error instanceof RangeError) {
    return { file, line: index.line(from), column: 1, message: `YAML rejected: ${error.message}` };
  }
  throw error;
}

// src/core/identities/yaml/values.ts
function asMapping(value2) {
  return value2 !== null && typeof value2 === "object" && !Array.isArray(value2) ? value2 : void 0;
}
function asList(value2) {
  return Array.isArray(value2) ? value2 : [];
}
function asText(value2) {
  if (typeof value2 === "string") return value2;
  if (typeof value2 === "number" || typeof value2 === "boolean") return String(value2);
  return void 0;
}
function dig(value2, path2) {
  let current = value2;
  for (const key of path2) {
    const map2 = asMapping(current);
    if (!map2) return void 0;
    current = map2[key];
  }
  return current;
}

// src/core/identities/helm.ts
var CHART_FILE = /^(?:(.*)\/)?(Chart|values)\.ya?ml$/;
var HelmCharts = class {
  charts = /* @__PURE__ */ new Map();
  /** Whether `add` reads this file (a chart's Chart.yaml or values.yaml). */
  static reads(path2) {
    return CHART_FILE.test(path2);
  }
  add(file) {
    const m = CHART_FILE.exec(file.path);
    if (!m) return;
    const dir = m[1] ?? "";
    const chart = this.charts.get(dir) ?? { values: {} };
    const value2 = asMapping(loadYaml(file.path, file.content).documents[0]?.value) ?? {};
    if (m[2] === "Chart") chart.name = asText(value2.name);
    else chart.values = value2;
    this.charts.set(dir, chart);
  }
  /** Rewrites, in place, ids and names holding template text in files under `<chart>/templates/`. */
  apply(records, references2) {
    const renderer = (file) => {
      const at15 = file.lastIndexOf("/templates/");
      if (at15 === -1 && !file.startsWith("templates/")) return void 0;
      const dir = at15 === -1 ? "" : file.slice(0, at15);
      const chart = this.charts.get(dir);
      const name3 = chart?.name ?? (dir.split("/").pop() || "chart");
      return (text3) => renderHelm(text3, name3, chart?.values ?? {});
    };
    const fixUser = (user) => {
      const render2 = renderer(user.file);
      if (!render2 || !user.id.includes("{{")) return user;
      return { ...user, id: render2(user.id), name: render2(user.name), ...user.namespace !== void 0 ? { namespace: render2(user.namespace) } : {} };
    };
    for (const record3 of records) {
      const render2 = record3.platform === "kubernetes" ? renderer(record3.file) : void 0;
      if (render2 && record3.id.includes("{{")) {
        record3.attributes.helmTemplate = record3.id;
        record3.id = render2(record3.id);
        record3.name = render2(record3.name);
        if (record3.namespace !== void 0) record3.namespace = render2(record3.namespace);
      }
      record3.usedBy = record3.usedBy.map(fixUser);
    }
    for (const ref of references2) {
      if (!ref.usedBy || !ref.target.startsWith("kubernetes:")) continue;
      const render2 = renderer(ref.usedBy.file);
      if (render2 && ref.target.includes("{{")) ref.target = render2(ref.target);
      ref.usedBy = fixUser(ref.usedBy);
    }
  }
};
var ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
function renderHelm(text3, chart, values) {
  const value2 = (path2) => {
    let node = values;
    for (const key of path2.split(".")) node = asMapping(node)?.[key];
    const t = asText(node);
    return t === void 0 || t === "" ? void 0 : t;
  };
  const name3 = value2("nameOverride") ?? chart;
  const fullname = value2("fullnameOverride") ?? name3;
  return text3.replace(ACTION, (_match, body) => {
    if (/^\.Release\.Namespace\b/.test(body)) return value2("namespaceOverride") ?? `helm.${chart}`;
    if (/^\.(Release|Chart)\.Name\b/.test(body)) return chart;
    const include = /^(?:include|template)\s+"([^"]+)"/.exec(body);
    if (include) {
      const helper = include[1].split(".").pop() ?? "";
      if (helper === "fullname") return fullname;
      if (helper === "name" || helper === "chart") return name3;
      if (helper === "serviceAccountName") return value2("serviceAccount.name") ?? (values.serviceAccount && asMapping(values.serviceAccount)?.create === false ? "default" : fullname);
      return helper || "_";
    }
    const ref = /^\.Values\.([\w.]+)(?:\s*\|\s*default\s+"([^"]*)")?/.exec(body);
    if (ref) return value2(ref[1]) ?? ref[2] ?? ref[1].split(".").pop();
    const words = body.match(/[\w-]+/g);
    return words?.at(-1) ?? "_";
  });
}

// src/core/identities/link.ts
var ROLE_RULES_PREFIX = "kubernetes-role:";
function linkLocal(records, references2) {
  const byId = /* @__PURE__ */ new Map();
  for (const record3 of records) byId.set(record3.id, [...byId.get(record3.id) ?? [], record3]);
  const unresolved = [];
  for (const ref of references2) {
    const targets2 = byId.get(ref.target);
    if (!targets2) unresolved.push(ref);
    else for (const record3 of targets2) applyReference(record3, ref);
  }
  return unresolved;
}
function applyReference(record3, ref) {
  if (ref.usedBy) {
    const edge2 = ref.usedBy;
    const seen = record3.usedBy.some((u) => u.id === edge2.id && u.via === edge2.via && u.file === edge2.file && u.line === edge2.line);
    if (!seen) record3.usedBy.push(edge2);
  }
  if (ref.permissions?.length) {
    const permissions = new Set(record3.permissions ?? []);
    for (const p of ref.permissions) permissions.add(p);
    record3.permissions = [...permissions];
  }
  if (ref.rotationEvidence && !record3.rotationEvidence) record3.rotationEvidence = ref.rotationEvidence;
  for (const grant of ref.grants ?? []) {
    const grants = record3.grants ??= [];
    if (!grants.some((g) => g.permission === grant.permission && g.file === grant.file && g.line === grant.line)) grants.push(grant);
  }
}

// src/core/identities/yaml/template-mask.ts
var PLACEHOLDER2 = /__nhi_tpl_(\d+)__/g;
function hasTemplateActions(content) {
  return content.includes("{{");
}
function maskTemplates(content) {
  if (!hasTemplateActions(content)) return { text: content, templated: false, unmask: (v) => v };
  const actions2 = [];
  const out = [];
  let cursor = 0;
  for (let open = content.indexOf("{{", cursor); open !== -1; open = content.indexOf("{{", cursor)) {
    const close = content.indexOf("}}", open + 2);
    const end = close === -1 ? lineEnd(content, open) : close + 2;
    const action = content.slice(open, end);
    out.push(content.slice(cursor, open));
    const breaks = countBreaks(action);
    if (breaks > 0) out.push("\n".repeat(breaks));
    else out.push(`__nhi_tpl_${actions2.length}__`);
    actions2.push(normalise(action));
    cursor = end;
  }
  out.push(content.slice(cursor));
  const text3 = blankActionOnlyLines(out.join(""));
  return {
    text: text3,
    templated: true,
    unmask: (value2) => value2.includes("__nhi_tpl_") ? value2.replace(PLACEHOLDER2, (_, i) => actions2[Number(i)] ?? "{{ }}") : value2
  };
}
function lineEnd(content, from) {
  const eol = content.indexOf("\n", from);
  return eol === -1 ? content.length : eol;
}
function countBreaks(text3) {
  let n = 0;
  for (let i = text3.indexOf("\n"); i !== -1; i = text3.indexOf("\n", i + 1)) n++;
  return n;
}
function normalise(action) {
  let inner = action.slice(2);
  if (inner.endsWith("}}")) inner = inner.slice(0, -2);
  inner = inner.trim();
  if (inner.startsWith("-")) inner = inner.slice(1);
  if (inner.endsWith("-")) inner = inner.slice(0, -1);
  return `{{ ${inner.trim().replace(/\s+/g, " ")} }}`;
}
function blankActionOnlyLines(text3) {
  return text3.split("\n").map((line) => line.includes("__nhi_tpl_") && line.replace(PLACEHOLDER2, "").trim() === "" ? "" : line).join("\n");
}

// src/core/identities/kubernetes.ts
var PLATFORM = "kubernetes";
var POD_SPEC_PATH = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  Rollout: ["spec", "template", "spec"]
};
var WORKLOAD_IDENTITY_ANNOTATIONS = ["eks.amazonaws.com/role-arn", "iam.gke.io/gcp-service-account", "azure.workload.identity/client-id"];
var MANAGED_SECRET_ANNOTATIONS = {
  "cert-manager.io/certificate-name": "cert-manager Certificate"
};
var CLUSTER_SCOPED = /* @__PURE__ */ new Set(["ClusterRole", "ClusterRoleBinding", "Namespace", "PersistentVolume", "StorageClass", "CustomResourceDefinition"]);
var CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"];
var APP_LABELS = ["app.kubernetes.io/name", "app", "k8s-app"];
var NOT_MANIFESTS = [/(^|\/)\.github\/workflows\//, /(^|\/)(docker-)?compose[\w.-]*\.ya?ml$/i, /(^|\/)kustomization\.ya?ml$/i];
var kubernetesExtractor = {
  platform: PLATFORM,
  matches(path2, content) {
    if (!/\.ya?ml$/i.test(path2) || NOT_MANIFESTS.some((re) => re.test(path2))) return false;
    if (content === void 0) return true;
    return content.includes("apiVersion") && content.includes("kind") && !content.includes("AWSTemplateFormatVersion") && !/Type:\s*["']?AWS::/.test(content);
  },
  extract: (file) => extractKubernetes(file)
};
function extractKubernetes(file, options = {}) {
  const masked = maskTemplates(file.content);
  const yaml2 = loadYaml(file.path, masked.text, { allowDuplicateKeys: masked.templated });
  const target = clusterTarget(file.path);
  const ctx = { file: file.path, yaml: yaml2, unmask: masked.unmask, templated: masked.templated, records: [], refs: [], roleRules: /* @__PURE__ */ new Map(), defaultNamespace: options.defaultNamespace ?? "default", suffix: target ? `@${target}` : "" };
  const resources = yaml2.documents.flatMap((doc) => resourcesOf(ctx, doc.value, doc.line));
  for (const r of resources) if (r.kind === "Role" || r.kind === "ClusterRole") ctx.roleRules.set(roleKey(r.kind, r.namespace, r.name), ruleSummaries(r.body));
  for (const r of resources) HANDLERS[r.kind]?.(ctx, r);
  for (const r of resources) if (POD_SPEC_PATH[r.kind]) workloadEdges(ctx, r);
  const references2 = linkLocal(ctx.records, ctx.refs);
  for (const [key, rules] of ctx.roleRules) references2.push({ target: `${ROLE_RULES_PREFIX}${key}`, permissions: rules });
  return { records: ctx.records, errors: yaml2.errors, references: references2 };
}
var TARGET_PARENTS = /* @__PURE__ */ new Set(["overlays", "overlay", "clusters", "cluster", "envs", "env", "environments"]);
var ENVIRONMENT_WORD = /^(prod|production|prd|live|staging|stage|stg|preprod|uat|dev|develop|development|qa|sandbox)$/i;
function clusterTarget(path2) {
  const dirs = path2.split("/").slice(0, -1);
  for (let i = 0; i < dirs.length - 1; i++) if (TARGET_PARENTS.has(dirs[i].toLowerCase())) return dirs[i + 1].toLowerCase();
  for (let i = dirs.length - 1; i >= 0; i--) if (dirs[i].split(/[-_.]/).some((word) => ENVIRONMENT_WORD.test(word))) return dirs[i].toLowerCase();
  return void 0;
}
function resourcesOf(ctx, value2, docLine) {
  const body = asMapping(value2);
  if (!body) return [];
  const kind = text(ctx, body.kind);
  if (!kind) return [];
  if (kind === "List" || kind.endsWith("List")) return asList(body.items).flatMap((item) => resourcesOf(ctx, item, ctx.yaml.lineOf(item, docLine)));
  const metadata = asMapping(body.metadata) ?? {};
  const name3 = text(ctx, metadata.name);
  if (!name3) return [];
  const namespace = CLUSTER_SCOPED.has(kind) ? "" : text(ctx, metadata.namespace) ?? ctx.defaultNamespace;
  return [{ kind, apiVersion: text(ctx, body.apiVersion) ?? "", name: name3, namespace, body, line: ctx.yaml.lineOf(body, docLine) }];
}
var HANDLERS = {
  ServiceAccount: serviceAccount,
  Secret: secret,
  ExternalSecret: externalSecret,
  SealedSecret: sealedSecret,
  RoleBinding: binding,
  ClusterRoleBinding: binding
};
function serviceAccount(ctx, r) {
  const annotations = asMapping(dig(r.body, ["metadata", "annotations"])) ?? {};
  const workloadIdentity = WORKLOAD_IDENTITY_ANNOTATIONS.find((key) => annotations[key] !== void 0);
  const attributes = {};
  if (typeof r.body.automountServiceAccountToken === "boolean") attributes.automountServiceAccountToken = r.body.automountServiceAccountToken;
  if (workloadIdentity) attributes.workloadIdentity = { [workloadIdentity]: text(ctx, annotations[workloadIdentity]) };
  const pullSecrets = names(ctx, r.body.imagePullSecrets);
  if (pullSecrets.length) attributes.imagePullSecrets = pullSecrets;
  const app = appLabel(ctx, asMapping(dig(r.body, ["metadata", "labels"])));
  if (app) attributes.app = app;
  addRecord(ctx, r, "identity", "ServiceAccount", attributes, workloadIdentity ? `workload identity (${workloadIdentity})` : void 0);
}
function secret(ctx, r) {
  const secretType = text(ctx, r.body.type) ?? "Opaque";
  const keys = [...Object.keys(asMapping(r.body.data) ?? {}), ...Object.keys(asMapping(r.body.stringData) ?? {})].map(ctx.unmask).sort();
  if (secretType === "Opaque" && keys.length === 0) return;
  const annotations = asMapping(dig(r.body, ["metadata", "annotations"])) ?? {};
  const attributes = { secretType, keys };
  const managedBy = Object.keys(MANAGED_SECRET_ANNOTATIONS).find((key) => annotations[key] !== void 0);
  const record3 = addRecord(ctx, r, "credential", "Secret", attributes, managedBy ? `managed (${MANAGED_SECRET_ANNOTATIONS[managedBy]} ${text(ctx, annotations[managedBy])})` : void 0);
  const owner = text(ctx, annotations["kubernetes.io/service-account.name"]);
  if (secretType === "kubernetes.io/service-account-token" && owner) {
    attributes.serviceAccount = owner;
    record3.usedBy.push({ id: `${PLATFORM}:ServiceAccount/${r.namespace}/${owner}${ctx.suffix}`, kind: "ServiceAccount", name: owner, namespace: r.namespace, file: ctx.file, line: ctx.yaml.keyLine(annotations, "kubernetes.io/service-account.name", r.line), via: "service-account-token" });
  }
}
function externalSecret(ctx, r) {
  const spec = asMapping(r.body.spec) ?? {};
  const target = text(ctx, dig(spec, ["target", "name"])) ?? r.name;
  const keys = asList(spec.data).map((d) => text(ctx, asMapping(d)?.secretKey)).filter((k) => !!k).sort();
  const store2 = asMapping(spec.secretStoreRef) ?? {};
  const attributes = { secretType: "Opaque", keys, source: "ExternalSecret", externalSecret: r.name, store: text(ctx, store2.name), storeKind: text(ctx, store2.kind) ?? "SecretStore" };
  const refresh = text(ctx, spec.refreshInterval) ?? "1h";
  addRecord(ctx, { ...r, name: target }, "credential", "Secret", attributes, `managed (ExternalSecret ${r.name}, refresh ${refresh})`);
}
function sealedSecret(ctx, r) {
  const spec = asMapping(r.body.spec) ?? {};
  const template = asMapping(spec.template) ?? {};
  const target = text(ctx, dig(template, ["metadata", "name"])) ?? r.name;
  const keys = Object.keys(asMapping(spec.encryptedData) ?? {}).sort();
  addRecord(ctx, { ...r, name: target }, "credential", "Secret", { secretType: text(ctx, template.type) ?? "Opaque", keys, source: "SealedSecret" });
}
function binding(ctx, r) {
  const roleRef = asMapping(r.body.roleRef) ?? {};
  const refKind = text(ctx, roleRef.kind) ?? "ClusterRole";
  const refName = text(ctx, roleRef.name);
  if (!refName) return;
  const scoped = r.kind === "RoleBinding";
  const key = roleKey(refKind, r.namespace, refName);
  const grant = refKind === "ClusterRole" && scoped ? `${key} (namespace ${r.namespace})` : key;
  const permissions = [grant, ...(ctx.roleRules.get(key) ?? []).map((rule) => `${key}: ${rule}`)];
  const refLine = ctx.yaml.keyLine(r.body, "roleRef", r.line);
  const scope = r.kind === "ClusterRoleBinding" ? "cluster-wide" : `in namespace ${r.namespace}`;
  const rules = ctx.roleRules.get(key);
  const ruleGrants = rules ? rules.map((rule) => `k8s-rule:${rule} (${key}) ${scope}`) : [`k8s-roleref:${key} ${scope}`];
  const grants = [`k8s-role:${key} ${scope}`, ...ruleGrants].map((permission) => ({ permission, file: ctx.file, line: refLine }));
  for (const subject of asList(r.body.subjects)) {
    const s = asMapping(subject);
    if (!s || text(ctx, s.kind) !== "ServiceAccount") continue;
    const name3 = text(ctx, s.name);
    if (!name3) continue;
    const namespace = text(ctx, s.namespace) ?? (scoped ? r.namespace : "default");
    const usedBy = edge(ctx, r, ctx.yaml.lineOf(s, r.line), "roleRef");
    ctx.refs.push({ target: `${PLATFORM}:ServiceAccount/${namespace}/${name3}${ctx.suffix}`, usedBy, permissions, grants });
  }
}
function workloadEdges(ctx, r) {
  const podSpec = asMapping(dig(r.body, POD_SPEC_PATH[r.kind]));
  if (!podSpec) return;
  const podLabels = asMapping(dig(r.body, [...POD_SPEC_PATH[r.kind].slice(0, -1), "metadata", "labels"]));
  const app = appLabel(ctx, podLabels) ?? appLabel(ctx, asMapping(dig(r.body, ["metadata", "labels"])));
  const use = (target, line, via) => ctx.refs.push({ target, usedBy: { ...edge(ctx, r, line, via), ...app ? { app } : {} } });
  const secretId = (name3) => `${PLATFORM}:Secret/${r.namespace}/${name3}${ctx.suffix}`;
  const saKey = podSpec.serviceAccountName !== void 0 ? "serviceAccountName" : podSpec.serviceAccount !== void 0 ? "serviceAccount" : void 0;
  const sa = saKey ? text(ctx, podSpec[saKey]) : void 0;
  if (sa) use(`${PLATFORM}:ServiceAccount/${r.namespace}/${sa}${ctx.suffix}`, ctx.yaml.keyLine(podSpec, saKey, r.line), "serviceAccountName");
  else if (podSpec.automountServiceAccountToken === true) use(`${PLATFORM}:ServiceAccount/${r.namespace}/default${ctx.suffix}`, ctx.yaml.keyLine(podSpec, "automountServiceAccountToken", r.line), "automountServiceAccountToken");
  for (const item of asList(podSpec.imagePullSecrets)) {
    const name3 = text(ctx, asMapping(item)?.name);
    if (name3) use(secretId(name3), ctx.yaml.lineOf(item, r.line), "imagePullSecrets");
  }
  for (const volume of asList(podSpec.volumes)) {
    const secretVolume = asMapping(asMapping(volume)?.secret);
    const name3 = text(ctx, secretVolume?.secretName);
    if (name3) use(secretId(name3), ctx.yaml.keyLine(secretVolume, "secretName", r.line), "volume");
    for (const source of asList(dig(volume, ["projected", "sources"]))) {
      const projected = asMapping(asMapping(source)?.secret);
      const projectedName = text(ctx, projected?.name);
      if (projectedName) use(secretId(projectedName), ctx.yaml.keyLine(projected, "name", r.line), "projected");
    }
  }
  for (const listKey of CONTAINER_LISTS) {
    for (const container of asList(podSpec[listKey])) {
      const c = asMapping(container) ?? {};
      for (const env of asList(c.env)) {
        const ref = asMapping(dig(env, ["valueFrom", "secretKeyRef"]));
        const name3 = text(ctx, ref?.name);
        if (name3) use(secretId(name3), ctx.yaml.lineOf(env, r.line), "secretKeyRef");
      }
      for (const from of asList(c.envFrom)) {
        const ref = asMapping(asMapping(from)?.secretRef);
        const name3 = text(ctx, ref?.name);
        if (name3) use(secretId(name3), ctx.yaml.lineOf(from, r.line), "envFrom");
      }
    }
  }
}
function addRecord(ctx, r, kind, type2, attributes, rotationEvidence) {
  const record3 = {
    id: `${PLATFORM}:${type2}/${r.namespace}/${r.name}${ctx.suffix}`,
    kind,
    platform: PLATFORM,
    type: type2,
    name: r.name,
    namespace: r.namespace,
    file: ctx.file,
    line: r.line,
    attributes,
    usedBy: []
  };
  if (rotationEvidence) record3.rotationEvidence = rotationEvidence;
  if (ctx.templated) record3.templated = true;
  if (ctx.suffix) record3.attributes.clusterTarget = ctx.suffix.slice(1);
  ctx.records.push(record3);
  return record3;
}
function edge(ctx, r, line, via) {
  const id = (r.namespace ? `${PLATFORM}:${r.kind}/${r.namespace}/${r.name}` : `${PLATFORM}:${r.kind}/${r.name}`) + ctx.suffix;
  return { id, kind: r.kind, name: r.name, ...r.namespace ? { namespace: r.namespace } : {}, file: ctx.file, line, via };
}
function roleKey(kind, namespace, name3) {
  return kind === "Role" ? `Role/${namespace}/${name3}` : `ClusterRole/${name3}`;
}
function ruleSummaries(role) {
  return asList(role.rules).map((rule) => {
    const r = asMapping(rule) ?? {};
    const verbs = asList(r.verbs).map(String).join(",") || "?";
    const targets2 = [...asList(r.resources), ...asList(r.nonResourceURLs)].map(String).join(",") || "?";
    return `${verbs} ${targets2}`;
  });
}
function appLabel(ctx, labels) {
  if (!labels) return void 0;
  for (const key of APP_LABELS) {
    const value2 = text(ctx, labels[key]);
    if (value2) return value2;
  }
  return void 0;
}
function names(ctx, list) {
  return asList(list).map((item) => text(ctx, asMapping(item)?.name)).filter((n) => !!n);
}
function text(ctx, value2) {
  const t = asText(value2);
  return t === void 0 ? void 0 : ctx.unmask(t);
}

// src/core/identities/kustomize.ts
var KUSTOMIZATION = /(^|\/)kustomization\.ya?ml$/i;
function isKustomization(path2) {
  return KUSTOMIZATION.test(path2);
}
function readKustomization(file) {
  const yaml2 = loadYaml(file.path, file.content);
  const body = asMapping(yaml2.documents[0]?.value);
  if (!body) return { errors: yaml2.errors };
  const dir = posix.dirname(file.path) === "." ? "" : posix.dirname(file.path);
  const resources = [];
  for (const entry of asList(body.resources)) {
    const text3 = asText(entry);
    if (!text3 || /^[a-z][\w+.-]*:\/\//i.test(text3) || text3.includes("?")) continue;
    const resolved = posix.normalize(dir ? `${dir}/${text3}` : text3).replace(/\/$/, "");
    if (resolved === "." || resolved.startsWith("../") || resolved === ".." || dir && !resolved.startsWith(`${dir}/`)) continue;
    resources.push(resolved);
  }
  const namespace = asText(body.namespace);
  return { kustomization: { file: file.path, dir, ...namespace ? { namespace } : {}, resources }, errors: yaml2.errors };
}
function usesDefault(extracted) {
  return extracted.records.some((r) => r.platform === "kubernetes" && r.namespace === "default") || extracted.references.some((ref) => ref.target.startsWith("kubernetes:") && ref.usedBy?.namespace === "default");
}
var KustomizeNamespaces = class {
  helm = new HelmCharts();
  kustomizations = /* @__PURE__ */ new Map();
  /** Manifests with at least one resource in the implicit `default` namespace, by path. */
  candidates = /* @__PURE__ */ new Map();
  /**
   * Whether `add` reads this file's text (a file scanned in a worker thread sends its text back
   * only then): a kustomization, a Helm chart's Chart/values file, a manifest using `default`.
   */
  static keepsFile(path2, extracted) {
    return HelmCharts.reads(path2) || isKustomization(path2) || usesDefault(extracted);
  }
  /** Returns the kustomization's own parse errors (other files' errors come from their extractors). */
  add(file, extracted) {
    this.helm.add(file);
    if (isKustomization(file.path)) {
      const { kustomization, errors } = readKustomization(file);
      if (kustomization) this.kustomizations.set(kustomization.dir, kustomization);
      return errors;
    }
    if (usesDefault(extracted)) this.candidates.set(file.path, file);
    return [];
  }
  /** Namespace each candidate manifest gets from the kustomizations listing it. */
  namespaces() {
    const out = /* @__PURE__ */ new Map();
    const visit = (k, namespace, seen) => {
      for (const resource of k.resources) {
        const nested = this.kustomizations.get(resource);
        if (nested && !seen.has(resource)) visit(nested, nested.namespace ?? namespace, /* @__PURE__ */ new Set([...seen, resource]));
        else if (this.candidates.has(resource) && !out.has(resource)) out.set(resource, namespace);
      }
    };
    const ordered = [...this.kustomizations.values()].sort((a, b) => b.dir.split("/").length - a.dir.split("/").length || (a.dir < b.dir ? -1 : 1));
    for (const k of ordered) if (k.namespace) visit(k, k.namespace, /* @__PURE__ */ new Set([k.dir]));
    return out;
  }
  /** Replaces, in place, the records and references of every re-namespaced manifest. */
  apply(records, references2) {
    this.applyNamespaces(records, references2);
    this.helm.apply(records, references2);
  }
  applyNamespaces(records, references2) {
    const namespaces = this.namespaces();
    if (namespaces.size === 0) return;
    const redone = /* @__PURE__ */ new Map();
    for (const [path2, namespace] of namespaces) {
      const result = extractKubernetes(this.candidates.get(path2), { defaultNamespace: namespace });
      redone.set(path2, { records: result.records, references: result.references ?? [] });
    }
    const fromRedone = (platform, file) => platform === "kubernetes" && redone.has(file);
    const keptRecords = [];
    const placed = /* @__PURE__ */ new Set();
    for (const record3 of records) {
      if (!fromRedone(record3.platform, record3.file)) keptRecords.push(record3);
      else if (!placed.has(record3.file)) {
        placed.add(record3.file);
        append(keptRecords, redone.get(record3.file).records);
      }
    }
    for (const [path2, result] of redone) if (!placed.has(path2)) append(keptRecords, result.records);
    records.splice(0, records.length, ...keptRecords);
    const keptRefs = references2.filter((ref) => !(ref.target.startsWith("kubernetes:") && ref.usedBy && redone.has(ref.usedBy.file)));
    for (const result of redone.values()) append(keptRefs, result.references);
    references2.splice(0, references2.length, ...keptRefs);
  }
};

// src/core/policy/codeowners.ts
var CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
function globsOf(pattern) {
  let p = pattern;
  const anchored = p.startsWith("/");
  if (anchored) p = p.slice(1);
  const directory = p.endsWith("/");
  if (directory) p = p.slice(0, -1);
  if (!anchored && !p.includes("/")) p = `**/${p}`;
  return directory ? [`${p}/**`] : [p, `${p}/**`];
}
function codeownersFor(codeowners, file) {
  if (!codeowners) return void 0;
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (globsOf(rule.pattern).some((glob) => minimatch(file, glob, { dot: true }))) return rule.owners.length > 0 ? rule : void 0;
  }
  return void 0;
}

// src/core/policy/duration.ts
var HOUR = 60 * 60 * 1e3;
var DAY = 24 * HOUR;
var DURATION_UNITS = {
  h: { ms: HOUR, name: "hours" },
  d: { ms: DAY, name: "days" },
  w: { ms: 7 * DAY, name: "weeks" },
  mo: { ms: 30 * DAY, name: "months (30 days)" },
  y: { ms: 365 * DAY, name: "years (365 days)" }
};
function isPast(reviewBy, now) {
  return now.getTime() >= reviewBy.getTime() + DAY;
}
var SIZE_UNITS = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

// src/core/policy/schemas.ts
var SCHEMA_BASE_URL = "https://unpkg.com/nhi-steward/schema";
var OWNERS_SCHEMA_URL = `${SCHEMA_BASE_URL}/nhi-owners.schema.json`;
var CONFIG_SCHEMA_URL = `${SCHEMA_BASE_URL}/nhi-steward.schema.json`;
var OWNER_PATTERN = "^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\\s]+@[^@\\s]+\\.[^@\\s]+)$";
var DURATION_PATTERN = "^[1-9][0-9]{0,5}(h|d|w|mo|y)$";
var SIZE_PATTERN = "^[0-9]+(\\.[0-9]+)?\\s*([KMG]i?B|B)?$";
var stringList = { type: "array", items: { type: "string" } };
var configSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: CONFIG_SCHEMA_URL,
  title: "nhi-steward configuration (.github/nhi-steward.yml)",
  description: "Optional. Every key has a default.",
  type: "object",
  additionalProperties: false,
  properties: {
    "paths-ignore": { description: "Globs (minimatch) over repository paths that are never scanned.", ...stringList },
    "max-file-size": {
      description: "Files above this size are skipped and reported: bytes, or a number with B, KB, MB, GB (binary units). Default 5MB.",
      type: ["integer", "string"],
      minimum: 1,
      pattern: SIZE_PATTERN
    },
    "fail-on": {
      description: "The lowest finding level that fails the check. Default error.",
      type: "string",
      enum: ["error", "warning", "notice", "info", "none"]
    },
    detectors: {
      description: "Switch secret detectors on or off by id, set their levels, add your own.",
      type: "object",
      additionalProperties: false,
      properties: {
        disabled: { description: "Detector ids that never run.", ...stringList },
        enabled: { description: "When non-empty, only these detector ids run.", ...stringList },
        severity: {
          description: "Per-detector finding level, by detector id (built-in or custom).",
          type: "object",
          additionalProperties: { type: "string", enum: ["error", "warning", "notice", "info"] }
        },
        custom: {
          description: "Your own detectors, checked like the built-in ones (linear-time regex, keywords for the prefilter).",
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["id", "regex", "keywords"],
            properties: {
              id: { description: "Stable kebab-case id; findings use the rule secret/<id>.", type: "string", pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$" },
              title: { description: "Shown in findings. Default: the id.", type: "string", minLength: 1 },
              regex: { description: "JavaScript regular expression; the secret is the named group (?<secret>\u2026), else the whole match.", type: "string", minLength: 1 },
              keywords: { description: "Literals (2+ characters), one of which occurs in every match; the prefilter looks for them.", type: "array", minItems: 1, items: { type: "string", minLength: 2 } },
              entropy: { description: "Shannon entropy floor (bits per character) of the secret.", type: "number", minimum: 0, maximum: 8 },
              severity: { description: "Finding level. Default error.", type: "string", enum: ["error", "warning", "notice", "info"] },
              allowlist: {
                description: "Matches to ignore.",
                type: "object",
                additionalProperties: false,
                properties: {
                  regexes: { description: "Secrets matching any of these regexes are ignored.", ...stringList },
                  paths: { description: "Files matching any of these globs are not searched by this detector.", ...stringList }
                }
              }
            }
          }
        }
      }
    },
    issues: {
      description: "Issues opened for credentials without rotation and secrets on the default branch.",
      type: "object",
      additionalProperties: false,
      properties: {
        labels: { description: "Labels put on every issue. Default [nhi-steward].", ...stringList },
        "assignees-from-owner": { description: "Assign the NHI owner (when it is a user). Default true.", type: "boolean" },
        enabled: {
          description: "Open issues (App). Unset: only once the owners file exists on the default branch (a new installation gets one onboarding pull request instead). true: always. false: never.",
          type: "boolean"
        },
        "min-level": { description: "The lowest finding level that gets an issue. Default warning.", type: "string", enum: ["error", "warning", "notice", "info"] }
      }
    },
    dashboard: { description: 'Keep the pinned "NHI inventory" issue (App). Default true; there is none while the repository declares no NHI.', type: "boolean" },
    schedule: {
      description: "Interval between full scans (App): a duration such as 24h or 7d. Default 24h.",
      type: "string",
      pattern: DURATION_PATTERN
    },
    rules: {
      description: "Per rule id (identity/overprivileged, credential/long-lived-key, workflow/secret-exposure, identity/dangling-reference, \u2026): a level that replaces its default, or off. See docs/rules.md.",
      type: "object",
      propertyNames: { pattern: "^[a-z0-9-]+/[A-Za-z0-9_.-]+$" },
      additionalProperties: { type: "string", enum: ["error", "warning", "notice", "info", "off"] }
    },
    baseline: { description: "Path of the baseline file. Default .nhi-steward-baseline.json.", type: "string", minLength: 1 },
    "owners-file": { description: "Path of the owners file. Default .github/nhi-owners.yml.", type: "string", minLength: 1 },
    verify: {
      description: "Live verification of found secrets against their providers (docs/verification.md): on or off (default off), or a mapping with enabled and endpoints (provider key to a base URL replacing the default host, e.g. GitHub Enterprise Server).",
      anyOf: [
        { type: "boolean" },
        { type: "string", enum: ["on", "off"] },
        {
          type: "object",
          additionalProperties: false,
          properties: {
            enabled: { description: "Switch verification on. Default off.", anyOf: [{ type: "boolean" }, { type: "string", enum: ["on", "off"] }] },
            endpoints: { description: "Provider key (github, gitlab, datadog, shopify\u2026) to an https base URL.", type: "object", additionalProperties: { type: "string" } }
          }
        }
      ]
    }
  }
};

// src/core/policy/schema-validators.generated.ts
var ucs2lengthImport = __toESM(require_ucs2length(), 1);
var ucs2lengthModule = { default: typeof ucs2lengthImport.default === "function" ? ucs2lengthImport.default : ucs2lengthImport.default.default };
var func1 = ucs2lengthModule.default;
var pattern0 = new RegExp("^[0-9]+(\\.[0-9]+)?\\s*([KMG]i?B|B)?$", "u");
var pattern1 = new RegExp("^[a-z0-9]+(?:-[a-z0-9]+)*$", "u");
var pattern2 = new RegExp("^[1-9][0-9]{0,5}(h|d|w|mo|y)$", "u");
var pattern3 = new RegExp("^[a-z0-9-]+/[A-Za-z0-9_.-]+$", "u");
var pattern4 = new RegExp("^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\\s]+@[^@\\s]+\\.[^@\\s]+)$", "u");
var pattern5 = new RegExp("^(ephemeral|managed|never|[1-9][0-9]{0,5}(h|d|w|mo|y))$", "u");
var pattern6 = new RegExp("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "u");

// src/core/policy/owners-file.ts
var OWNER_FORM = new RegExp(OWNER_PATTERN);

// src/core/report/escape.ts
var CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
var BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
var MAX_LENGTH = 300;
function plainText(value2) {
  return visible(value2.replace(/\r?\n/g, " "));
}
function hasControlCharacters(value2) {
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value2);
}
function escaped(ch) {
  return ch === "\n" ? "\\n" : ch === "\r" ? "\\r" : ch === "	" ? "\\t" : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
function visible(value2) {
  const cut = value2.length > MAX_LENGTH ? `${value2.slice(0, MAX_LENGTH)}\u2026` : value2;
  return cut.replace(CONTROL, escaped).replace(BIDI, "");
}

// src/core/policy/nhi-rules.ts
var AWS_ADMIN_POLICIES = /(?:^|[/:])(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;
var GCP_BROAD_ROLE = /^roles\/(owner|editor|[\w.]*[aA]dmin)$/;
var GCP_HIGH_SCOPES = /* @__PURE__ */ new Set(["project", "folder", "organization"]);
var AZURE_BROAD_ROLE = /^(Owner|Contributor|User Access Administrator)$/;
function overprivilege(permission) {
  const [kind, rest] = splitOnce(permission, ":");
  switch (kind) {
    case "aws-policy": {
      const m = AWS_ADMIN_POLICIES.exec(rest.trim());
      return m ? `the AWS managed policy ${m[1]} (${m[1] === "IAMFullAccess" ? "can grant itself anything" : "near-full account access"}): attach a customer-managed policy listing only the actions and resources it uses` : void 0;
    }
    case "aws-action": {
      const [action, resources] = splitOnce(rest, " on ");
      const anyResource = resources.split(",").some((r) => r.trim() === "*");
      if (action === "*") return `Action "*" (every AWS action${anyResource ? " on every resource" : ""}): list the actions it calls (IAM Access Analyzer can generate them from CloudTrail)`;
      if (/^[\w-]+:\*$/.test(action) && anyResource) return `Action "${action}" on Resource "*" (every ${action.split(":")[0]} action on every resource): list the actions it calls and scope Resource to the ARNs it uses`;
      return void 0;
    }
    case "gcp-role": {
      const [role, scope] = splitOnce(rest, " on ");
      return GCP_BROAD_ROLE.test(role) && GCP_HIGH_SCOPES.has(scope) ? `${role} on the whole ${scope}: grant a predefined role for the service it uses (e.g. roles/storage.objectViewer) on the resource, not the ${scope}` : void 0;
    }
    case "azure-role": {
      const [role, scope] = splitOnce(rest, " on ");
      const where = azureScope(scope);
      return AZURE_BROAD_ROLE.test(role) && where ? `${role} at ${where} scope: assign a narrower built-in role (e.g. Storage Blob Data Reader) at the resource group or resource it uses` : void 0;
    }
    case "k8s-role": {
      const clusterAdmin = /^ClusterRole\/cluster-admin\b/.test(rest);
      return clusterAdmin ? `cluster-admin ${/cluster-wide/.test(rest) ? "across the cluster" : "in its namespace"}: bind a Role listing only the verbs and resources it uses` : void 0;
    }
    case "k8s-rule": {
      const m = /^(\S+) (\S+) \((.*?)\) (.*)$/.exec(rest);
      if (!m) return void 0;
      const [, verbs, resources, role, scope] = m;
      const wildVerbs = verbs.split(",").includes("*");
      const wildResources = resources.split(",").includes("*");
      return wildVerbs || wildResources ? `${role} allows ${wildVerbs ? "every verb" : verbs} on ${wildResources ? "every resource" : resources} ${scope}: list the verbs and resources it uses` : void 0;
    }
    case "github-token":
      return `GITHUB_TOKEN ${rest.trim()} in a job that reads secrets: set \`permissions:\` to the scopes the job uses (e.g. contents: read)`;
    default:
      return void 0;
  }
}
function azureScope(scope) {
  if (/managementGroups|management_group/i.test(scope)) return "management-group";
  if (/resourceGroups|resource_group|\/providers\//i.test(scope)) return void 0;
  return /subscription/i.test(scope) ? "subscription" : void 0;
}
function splitOnce(text3, separator) {
  const at15 = text3.indexOf(separator);
  return at15 === -1 ? [text3, ""] : [text3.slice(0, at15), text3.slice(at15 + separator.length)];
}
function overprivileged({ record: record3 }) {
  const hits = [];
  for (const grant of record3.grants ?? []) {
    const why = overprivilege(grant.permission);
    if (!why) continue;
    hits.push({
      message: `${record3.id} is granted ${why}`,
      location: { file: grant.file, line: grant.line, column: 1 },
      // Per declaring file: the same grant in a .json and a .yaml copy of one template is two lines to fix.
      key: `${grant.permission}\0${grant.file}`,
      data: { grant: grant.permission }
    });
  }
  return hits;
}
var KEYLESS = {
  google_service_account_key: {
    what: "a Google service-account key (valid until deleted)",
    recipe: "use Workload Identity Federation (GitHub OIDC, AWS, Azure, any OIDC issuer) or attach the service account to the workload (GKE Workload Identity, Cloud Run), then delete the key"
  },
  azuread_application_password: {
    what: "an Entra ID application client secret",
    recipe: "add a federated identity credential (azuread_application_federated_identity_credential) for GitHub, Kubernetes or another OIDC issuer, or use a managed identity, then delete the password"
  },
  azuread_service_principal_password: {
    what: "a service-principal password",
    recipe: "add a federated identity credential to the application, or use a managed identity for workloads on Azure, then delete the password"
  },
  aws_iam_access_key: {
    what: "an IAM user access key",
    recipe: "for workloads on AWS use an IAM role (instance profile, ECS task role, IRSA / EKS Pod Identity, Lambda execution role); from CI use OIDC (role-to-assume); from elsewhere use IAM Roles Anywhere; then delete the user key"
  },
  "AWS::IAM::AccessKey": {
    what: "an IAM user access key",
    recipe: "for workloads on AWS use an IAM role (instance profile, ECS task role, IRSA / EKS Pod Identity, Lambda execution role); from CI use OIDC; from elsewhere use IAM Roles Anywhere; then delete the user key"
  }
};
function longLivedKey({ record: record3 }) {
  const keyless = KEYLESS[record3.type];
  if (!keyless || record3.rotationEvidence) return void 0;
  return { message: `${record3.id} is ${keyless.what}, a long-lived secret where a keyless option exists: ${keyless.recipe}`, data: { type: record3.type } };
}
function secretExposure({ record: record3 }) {
  if (record3.kind !== "credential") return [];
  const exposures2 = record3.attributes.exposures ?? [];
  return exposures2.map((e) => {
    const location2 = { file: e.file, line: e.line, column: 1 };
    if (e.kind === "pull_request_target") {
      return {
        message: `${record3.id} is available to job \`${e.job}\`, which runs on pull_request_target and checks out the pull request's code: anyone who opens a PR can read it. Run untrusted code in a \`pull_request\` workflow without secrets, or do not check out the PR head in this job`,
        owasp: ["NHI3", "NHI2"],
        location: location2,
        key: `${e.file}\0${e.job}\0prt`,
        data: { job: e.job, kind: e.kind }
      };
    }
    return {
      message: `${record3.id} is passed to the third-party action ${e.action}, pinned by a tag its owner can move to other code: pin it to a full commit SHA (uses: owner/action@<40-hex sha> # ${e.action?.split("@")[1] ?? "tag"})`,
      owasp: ["NHI3", "NHI2"],
      location: location2,
      key: `${e.file}\0${e.action}`,
      level: "warning",
      data: { job: e.job, kind: e.kind, action: e.action }
    };
  });
}
var NHI_RULE_OWASP = {
  "identity/overprivileged": ["NHI5"],
  "credential/long-lived-key": ["NHI7", "NHI4"],
  "workflow/secret-exposure": ["NHI3", "NHI2"],
  "identity/dangling-reference": ["NHI1"]
};

// src/core/policy/rules.ts
var POLICY_RULES = [
  { id: "identity/unowned", scope: "identity", owasp: ["NHI1"], level: (s) => s.mode === "pr" ? "error" : "warning", check: unowned },
  { id: "credential/no-rotation", scope: "identity", owasp: ["NHI7"], level: () => "warning", check: noRotation },
  { id: "identity/shared", scope: "identity", owasp: ["NHI9"], level: () => "warning", check: shared },
  { id: "identity/overprivileged", scope: "identity", owasp: NHI_RULE_OWASP["identity/overprivileged"], level: () => "warning", check: overprivileged },
  { id: "credential/long-lived-key", scope: "identity", owasp: NHI_RULE_OWASP["credential/long-lived-key"], level: () => "notice", check: longLivedKey },
  // error for pull_request_target runs of PR code; each hit on a tag-pinned action says warning.
  { id: "workflow/secret-exposure", scope: "identity", owasp: NHI_RULE_OWASP["workflow/secret-exposure"], level: () => "error", check: secretExposure },
  { id: "identity/dangling-reference", scope: "identity", owasp: NHI_RULE_OWASP["identity/dangling-reference"], level: () => "notice" },
  { id: "owners/invalid", scope: "owners", owasp: [], level: () => "error" },
  { id: "owners/stale-entry", scope: "owners", owasp: [], level: () => "notice" },
  { id: "owners/legacy-id", scope: "owners", owasp: [], level: () => "notice" },
  { id: "owners/expired-exception", scope: "owners", owasp: ["NHI7"], level: () => "warning", check: expiredException }
];
function unowned({ record: record3, entry, ownersPath, codeowners }) {
  if (entry) return void 0;
  const suggestion = codeownersFor(codeowners, record3.file);
  const hint = suggestion ? ` (${codeowners.path} gives ${record3.file} to ${suggestion.owners.join(" ")})` : "";
  return {
    message: `${record3.id} has no owner: add an entry to ${ownersPath} with match: "${record3.id}" and an owner (@user, @org/team or an email)${hint}`,
    data: { snippet: ownersSnippet(record3, codeowners), ...suggestion ? { suggestedOwner: suggestion.owners[0] } : {} }
  };
}
function ownersSnippet(record3, codeowners) {
  const suggestion = codeownersFor(codeowners, record3.file);
  const lines = [
    `  # ${plainText(record3.file)}:${record3.line}`,
    // a newline in a file name must not add YAML lines
    `  - match: ${JSON.stringify(record3.id)}`,
    suggestion ? `    owner: ${JSON.stringify(suggestion.owners[0])}   # suggested by ${codeowners.path}:${suggestion.line}: confirm` : `    owner: "@TODO"   # @user, @org/team or an email`
  ];
  if (record3.kind === "credential" && !record3.rotationEvidence) lines.push(`    # rotation: 90d   # how often it is rotated: 30d, 90d, 1y, ephemeral, managed, or never (+ justification, review-by)`);
  return `${lines.join("\n")}
`;
}
function exceptionExpired(entry, now) {
  return entry?.rotation?.kind === "never" && entry.reviewBy !== void 0 && isPast(entry.reviewBy, now);
}
var STATIC_KEY_TYPES = /* @__PURE__ */ new Set([
  "aws_iam_access_key",
  "aws_iam_user_login_profile",
  "aws_iam_service_specific_credential",
  "AWS::IAM::AccessKey",
  "google_service_account_key",
  "azuread_application_password",
  "azuread_service_principal_password",
  "github_repository_deploy_key"
]);
function refusedClaim(record3, entry) {
  const claim2 = entry?.rotation?.kind;
  if (claim2 !== "managed" && claim2 !== "ephemeral") return void 0;
  const staticKey = STATIC_KEY_TYPES.has(record3.type) || record3.type === "Secret" && record3.attributes.secretType === "kubernetes.io/service-account-token";
  if (!staticKey) return void 0;
  return `the owners entry claims rotation: ${claim2}, but ${record3.type} is a static key that nothing rotates or expires (the code shows ${record3.rotationEvidence ?? "no rotation"})`;
}
function noRotation({ record: record3, entry, ownersPath, settings: settings2 }) {
  if (record3.kind !== "credential" || record3.rotationEvidence) return void 0;
  if (entry?.kind === "config") return void 0;
  const refused = refusedClaim(record3, entry);
  if (refused) {
    return {
      message: `${record3.id}: ${refused}: give ${ownersPath}:${entry.line} a period such as 90d and rotate on it, or replace the key with a keyless identity`,
      data: { refusedClaim: entry.rotation.text }
    };
  }
  const expired = exceptionExpired(entry, settings2.now);
  if (entry?.rotation && !expired) return void 0;
  const where = entry ? `its owners entry (${ownersPath}:${entry.line})` : `an owners entry in ${ownersPath}`;
  const why = expired ? `its "never" exception expired on ${isoDay(entry.reviewBy)}` : "it has no rotation policy";
  return {
    message: `${record3.id}: ${why}: rotate it and give ${where} a rotation (30d, 90d, ephemeral, managed), or show rotation in code (Secrets Manager rotation, time_rotating, end_date_relative, OIDC)`
  };
}
function expiredException({ record: record3, entry, ownersPath, settings: settings2 }) {
  if (!entry || !exceptionExpired(entry, settings2.now)) return void 0;
  return {
    message: `The rotation exception for ${record3.id} expired on ${isoDay(entry.reviewBy)}: rotate the credential and set a rotation, or renew the exception with a new review-by date`,
    location: { file: ownersPath, line: entry.reviewByLine ?? entry.line, column: entry.reviewByColumn ?? entry.column },
    data: { reviewBy: isoDay(entry.reviewBy), entryLine: entry.line }
  };
}
var ENVIRONMENT_WORDS = [
  ["production", /^(prod|production|prd|live)$/i],
  ["staging", /^(staging|stage|stg|preprod|uat)$/i],
  ["development", /^(dev|develop|development)$/i],
  ["test", /^(test|testing|qa|sandbox)$/i]
];
function environmentOf(user) {
  const directories = user.file.split("/").slice(0, -1);
  const words = [user.namespace ?? "", ...directories].flatMap((part) => part.split(/[-_.]/));
  for (const word of words) {
    const found = ENVIRONMENT_WORDS.find(([, form]) => form.test(word));
    if (found) return found[0];
  }
  return void 0;
}
function distinct(values) {
  return [...new Set(values.filter((v) => typeof v === "string" && v !== ""))].sort();
}
function shared({ record: record3 }) {
  const spreads = {
    namespaces: distinct(record3.usedBy.map((u) => u.namespace)),
    apps: distinct(record3.usedBy.map((u) => u.app)),
    environments: distinct(record3.usedBy.map(environmentOf))
  };
  const across = Object.entries(spreads).filter(([, values]) => values.length > 1);
  if (across.length === 0) return void 0;
  const detail = across.map(([what, values]) => `${what} ${values.join(", ")}`).join("; ");
  const owasp = spreads.environments.length > 1 ? ["NHI9", "NHI8"] : ["NHI9"];
  return {
    message: `${record3.id} is shared by ${record3.usedBy.length} users across ${detail}: give each workload${spreads.environments.length > 1 ? " and environment" : ""} its own identity with only the permissions it needs`,
    owasp,
    data: { ...spreads, usedBy: record3.usedBy.map((u) => u.id) }
  };
}
function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

// src/core/identities/yaml/cloudformation-schema.ts
var INTRINSICS = {
  Ref: "Ref",
  Condition: "Condition",
  GetAtt: "Fn::GetAtt",
  Sub: "Fn::Sub",
  Join: "Fn::Join",
  If: "Fn::If",
  Select: "Fn::Select",
  Split: "Fn::Split",
  FindInMap: "Fn::FindInMap",
  GetAZs: "Fn::GetAZs",
  ImportValue: "Fn::ImportValue",
  Base64: "Fn::Base64",
  Cidr: "Fn::Cidr",
  Equals: "Fn::Equals",
  And: "Fn::And",
  Or: "Fn::Or",
  Not: "Fn::Not",
  Transform: "Fn::Transform",
  Length: "Fn::Length",
  ToJsonString: "Fn::ToJsonString",
  ForEach: "Fn::ForEach"
};
var KINDS = ["scalar", "sequence", "mapping"];
function construct(key, kind) {
  return (data) => {
    if (key === "Fn::GetAtt" && kind === "scalar" && typeof data === "string") {
      const dot = data.indexOf(".");
      return { [key]: dot === -1 ? [data] : [data.slice(0, dot), data.slice(dot + 1)] };
    }
    return { [key]: data ?? "" };
  };
}
var known = Object.entries(INTRINSICS).flatMap(([tag, key]) => KINDS.map((kind) => new yaml.Type(`!${tag}`, { kind, construct: construct(key, kind) })));
var unknown = KINDS.map(
  (kind) => new yaml.Type("!", {
    kind,
    multi: true,
    construct: (data, tag) => ({ [`Fn::${(tag ?? "!").slice(1)}`]: data ?? "" })
  })
);
var CLOUDFORMATION_SCHEMA = yaml.DEFAULT_SCHEMA.extend([...known, ...unknown]);
var INTRINSIC_TAGS = Object.keys(INTRINSICS);

// src/core/identities/yaml/json-outline.ts
function outlineJson(text3, topLevelKey, maxDepth) {
  const keys = /* @__PURE__ */ new Map();
  let depth = 0;
  let currentTop = "";
  let lastString = "";
  let lastStringStart = -1;
  for (let i = 0; i < text3.length; i++) {
    const ch = text3.charCodeAt(i);
    if (ch === 34) {
      const start = i;
      i++;
      while (i < text3.length) {
        const c = text3.charCodeAt(i);
        if (c === 92) i += 2;
        else if (c === 34) break;
        else i++;
      }
      lastString = depth <= 2 && i - start < 512 ? text3.slice(start + 1, i) : "";
      lastStringStart = start;
    } else if (ch === 58) {
      if (depth === 1) currentTop = lastString;
      else if (depth === 2 && currentTop === topLevelKey && !keys.has(lastString)) keys.set(lastString, lastStringStart);
    } else if (ch === 123 || ch === 91) {
      depth++;
      if (depth > maxDepth) return { keys, error: { position: i, message: `nesting exceeded maxDepth (${maxDepth})` } };
    } else if (ch === 125 || ch === 93) {
      depth--;
      if (depth === 1 && ch === 125) currentTop = currentTop === topLevelKey ? "" : currentTop;
    }
  }
  return { keys };
}
function parseJson(file, text3, index) {
  try {
    return { value: JSON.parse(text3) };
  } catch (error) {
    const position = firstBadPosition(text3, error.message);
    return { error: { file, line: index.line(position), column: index.column(position), message: `malformed JSON: ${describe2(error.message)}` } };
  }
}
function describe2(message) {
  return message.replace(/,\s*(\.\.\.)?".*$/s, "").replace(/\s+in JSON at position \d+.*$/s, "");
}
function firstBadPosition(text3, message) {
  const match2 = /at position (\d+)/.exec(message);
  if (match2) return Math.min(Number(match2[1]), text3.length);
  return bisectValidPrefix(text3);
}
function bisectValidPrefix(text3) {
  const ends = [];
  for (let i2 = text3.indexOf("\n"); i2 !== -1; i2 = text3.indexOf("\n", i2 + 1)) ends.push(i2);
  ends.push(text3.length);
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = lo + hi >> 1;
    if (prefixStillValid(text3.slice(0, ends[mid]))) lo = mid + 1;
    else hi = mid;
  }
  const lineStart = lo === 0 ? 0 : ends[lo - 1] + 1;
  let i = lineStart;
  while (i < text3.length && (text3[i] === " " || text3[i] === "	")) i++;
  return i;
}
function prefixStillValid(prefix) {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = error.message;
    if (/Unexpected end|Unterminated string/i.test(message)) return true;
    const at15 = /at position (\d+)/.exec(message);
    return at15 !== null && Number(at15[1]) >= prefix.trimEnd().length;
  }
}

// src/core/identities/cloudformation.ts
var PLATFORM2 = "cloudformation";
var MAX_WALK_DEPTH = 64;
var cloudformationExtractor = {
  platform: PLATFORM2,
  matches(path2, content) {
    if (!/\.(ya?ml|json|template)$/i.test(path2) || /(^|\/)\.github\/workflows\//.test(path2) || content === void 0) return false;
    return content.includes("AWSTemplateFormatVersion") || content.includes("Resources") && content.includes("AWS::");
  },
  extract: extractCloudFormation
};
function extractCloudFormation(file) {
  const parsed = parseTemplate(file);
  if (!parsed.template) return { records: [], errors: parsed.errors };
  return { records: extractTemplate(parsed.template, 0), errors: parsed.errors };
}
var MAX_NESTING = 4;
function extractTemplate(t, depth) {
  for (const [logicalId, resource] of Object.entries(t.resources)) {
    const type2 = asText(asMapping(resource)?.Type);
    const declare2 = type2 ? DECLARATIONS[type2] : void 0;
    if (declare2) t.records.set(logicalId, declare2(t, logicalId, properties(resource), type2));
  }
  for (const [logicalId, resource] of Object.entries(t.resources)) {
    const type2 = asText(asMapping(resource)?.Type) ?? "";
    if (SAM_IMPLICIT_ROLE[type2]) samImplicitRole(t, logicalId, properties(resource), type2);
  }
  for (const [logicalId, resource] of Object.entries(t.resources)) {
    const type2 = asText(asMapping(resource)?.Type) ?? "";
    (LINKERS[type2] ?? usedByEdges)(t, logicalId, properties(resource), type2);
  }
  const nested = [];
  for (const [logicalId, resource] of Object.entries(t.resources)) {
    const type2 = asText(asMapping(resource)?.Type) ?? "";
    if (depth >= MAX_NESTING || type2 !== "AWS::CloudFormation::StackSet" && type2 !== "AWS::CloudFormation::Stack") continue;
    const props = properties(resource);
    const body = asMapping(asMapping(props.TemplateBody)?.Resources);
    if (body) nested.push(...extractTemplate(t.nested(logicalId, body), depth + 1));
    else if (typeof props.TemplateBody === "string") nested.push(...extractTextBody(t, logicalId, props, props.TemplateBody, depth));
  }
  return [...t.records.values(), ...nested];
}
function extractTextBody(t, logicalId, props, text3, depth) {
  if (!text3.includes("Resources")) return [];
  const inner = parseTemplate({ path: t.file, content: text3 }).template;
  if (!inner) return [];
  const offset = t.propertyLine(logicalId, props, "TemplateBody");
  const shifted2 = {
    ...inner,
    stack: `${t.stack}/${logicalId}`,
    line: (id) => inner.line(id) + offset,
    propertyLine: (id, p, key) => inner.propertyLine(id, p, key) + offset
  };
  shifted2.nested = (id, body) => inner.nested(id, body);
  return extractTemplate(shifted2, depth + 1);
}
function parseTemplate(file) {
  const text3 = file.content;
  if (/^\s*\{/.test(text3.slice(0, 256))) {
    const index = new LineIndex2(text3);
    const outline = outlineJson(text3, "Resources", DEFAULT_MAX_DEPTH);
    if (outline.error) {
      const { position, message } = outline.error;
      return { errors: [{ file: file.path, line: index.line(position), column: index.column(position), message: `malformed JSON: ${message}` }] };
    }
    const json2 = parseJson(file.path, text3, index);
    if (json2.error) return { errors: [json2.error] };
    const resources2 = asMapping(asMapping(json2.value)?.Resources);
    if (!resources2) return { errors: [] };
    const line2 = (id) => {
      const at15 = outline.keys.get(id);
      return at15 === void 0 ? 1 : index.line(at15);
    };
    const nest2 = (parent, id, body) => {
      const at15 = parent.line(id);
      return newTemplate(file.path, body, () => at15, () => at15, nest2, `${parent.stack}/${id}`);
    };
    return { template: newTemplate(file.path, resources2, line2, (id) => line2(id), nest2), errors: [] };
  }
  const yaml2 = loadYaml(file.path, text3, { schema: CLOUDFORMATION_SCHEMA });
  const root = asMapping(yaml2.documents[0]?.value);
  const resources = asMapping(root?.Resources);
  if (!resources) return { errors: yaml2.errors };
  const line = (id) => yaml2.keyLine(resources, id, yaml2.lineOf(resources, 1));
  const nest = (parent, id, body) => {
    const at15 = (child) => yaml2.keyLine(body, child, yaml2.lineOf(body, parent.line(id)));
    return newTemplate(file.path, body, at15, (child, props, key) => yaml2.keyLine(props, key, at15(child)), nest, `${parent.stack}/${id}`);
  };
  return { template: newTemplate(file.path, resources, line, (id, props, key) => yaml2.keyLine(props, key, line(id)), nest), errors: yaml2.errors };
}
function newTemplate(file, resources, line, propertyLine, nest, stack = stackOf(file)) {
  const secretNames2 = /* @__PURE__ */ new Map();
  for (const [id, resource] of Object.entries(resources)) {
    const r = asMapping(resource);
    const name3 = asText(asMapping(r?.Properties)?.Name);
    if (r?.Type === "AWS::SecretsManager::Secret" && name3) secretNames2.set(name3, id);
  }
  const t = { file, stack, resources, records: /* @__PURE__ */ new Map(), secretNames: secretNames2, line, propertyLine, nested: (id, body) => nest(t, id, body) };
  return t;
}
function properties(resource) {
  return asMapping(asMapping(resource)?.Properties) ?? {};
}
var DECLARATIONS = {
  "AWS::IAM::User": (t, id, props, type2) => withGrants(t, id, props, record2(t, id, type2, "identity", compact({ userName: render(props.UserName), path: render(props.Path), groups: asList(props.Groups).map(render), consoleAccess: props.LoginProfile !== void 0 || void 0 }), policyPermissions(props))),
  "AWS::IAM::Role": (t, id, props, type2) => withGrants(t, id, props, record2(t, id, type2, "identity", compact({ roleName: render(props.RoleName), trust: trustSummary(t, props.AssumeRolePolicyDocument), maxSessionDuration: props.MaxSessionDuration }), policyPermissions(props))),
  "AWS::IAM::AccessKey": (t, id, props, type2) => {
    const r = record2(t, id, type2, "credential", compact({ status: render(props.Status) ?? "Active", serial: render(props.Serial) }));
    if (props.Serial !== void 0) r.rotationEvidence = `AWS::IAM::AccessKey Serial ${render(props.Serial)} (bump to rotate)`;
    return r;
  },
  "AWS::SecretsManager::Secret": (t, id, props, type2) => record2(t, id, type2, "credential", compact({ secretName: render(props.Name), generated: props.GenerateSecretString !== void 0 || void 0, literalValue: typeof props.SecretString === "string" || void 0, kmsKey: props.KmsKeyId !== void 0 || void 0 }))
};
function stackOf(file) {
  return file.replace(/\.(ya?ml|json|template)$/i, "");
}
function cloudformationId(stack, type2, logicalId) {
  return `${PLATFORM2}:${type2}/${stack}/${logicalId}`;
}
function legacyCloudformationId(type2, logicalId) {
  return `${PLATFORM2}:${type2}/${logicalId}`;
}
function record2(t, logicalId, type2, kind, attributes, permissions) {
  const r = { id: cloudformationId(t.stack, type2, logicalId), kind, platform: PLATFORM2, type: type2, name: logicalId, namespace: t.stack, file: t.file, line: t.line(logicalId), attributes, usedBy: [], legacyIds: [legacyCloudformationId(type2, logicalId)] };
  if (permissions?.length) r.permissions = permissions;
  return r;
}
function policyPermissions(props) {
  const managed = asList(props.ManagedPolicyArns).map((arn) => render(arn) ?? "?");
  const inline = asList(props.Policies).map((p) => {
    const policy = asMapping(p) ?? {};
    return `inline/${render(policy.PolicyName) ?? "?"}: ${actions(policy.PolicyDocument)}`;
  });
  return [...managed, ...inline];
}
function withGrants(t, id, props, r) {
  const grants = [];
  const managedLine = t.propertyLine(id, props, "ManagedPolicyArns");
  for (const arn of asList(props.ManagedPolicyArns)) grants.push({ permission: `aws-policy:${render(arn) ?? "?"}`, file: t.file, line: managedLine });
  const policiesLine = t.propertyLine(id, props, "Policies");
  for (const p of asList(props.Policies)) {
    for (const permission of actionGrants(asMapping(p)?.PolicyDocument)) grants.push({ permission, file: t.file, line: policiesLine });
  }
  if (grants.length) r.grants = grants;
  return r;
}
function actionGrants(document) {
  const statement = asMapping(document)?.Statement;
  return (Array.isArray(statement) ? statement : statement ? [statement] : []).flatMap((s) => {
    const st = asMapping(s) ?? {};
    if (st.Effect === "Deny") return [];
    const resources = (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map((r) => render(r) ?? "?").join(",");
    return (Array.isArray(st.Action) ? st.Action : [st.Action]).map((a) => `aws-action:${render(a) ?? "?"} on ${resources}`);
  });
}
function actions(document) {
  const statement = asMapping(document)?.Statement;
  const list = (Array.isArray(statement) ? statement : statement ? [statement] : []).flatMap((s) => {
    const st = asMapping(s) ?? {};
    const acts = Array.isArray(st.Action) ? st.Action : [st.Action];
    return acts.map((a) => `${st.Effect === "Deny" ? "!" : ""}${render(a) ?? "?"}`);
  });
  return [...new Set(list)].join(",");
}
function trustSummary(t, document) {
  const statements = asList(asMapping(document)?.Statement);
  const out = /* @__PURE__ */ new Set();
  for (const s of statements) {
    const principal = asMapping(s)?.Principal;
    if (principal === "*") out.add("*");
    for (const [kind, value2] of Object.entries(asMapping(principal) ?? {})) {
      for (const v of Array.isArray(value2) ? value2 : [value2]) out.add(`${kind}:${oidcProviderUrl(t, v) ?? render(v) ?? "?"}`);
    }
  }
  return [...out];
}
function oidcProviderUrl(t, value2) {
  const ref = asText(asMapping(value2)?.Ref);
  const provider = ref ? asMapping(t.resources[ref]) : void 0;
  return provider?.Type === "AWS::IAM::OIDCProvider" ? render(properties(provider).Url) : void 0;
}
var SAM_IMPLICIT_ROLE = {
  "AWS::Serverless::Function": "lambda.amazonaws.com",
  "AWS::Serverless::StateMachine": "states.amazonaws.com"
};
function samImplicitRole(t, logicalId, props, type2) {
  if (props.Role !== void 0) return;
  const roleId = `${logicalId}Role`;
  if (t.resources[roleId] !== void 0 || t.records.has(roleId)) return;
  const policies = Array.isArray(props.Policies) ? props.Policies : props.Policies === void 0 ? [] : [props.Policies];
  const permissions = policies.map((p) => {
    const name3 = asText(p);
    if (name3 !== void 0) return name3.startsWith("arn:") ? name3 : `arn:aws:iam::aws:policy/${name3}`;
    const map2 = asMapping(p) ?? {};
    if (map2.Statement !== void 0) return `inline: ${actions(map2)}`;
    const [template] = Object.keys(map2);
    return template ? `sam/${template}` : render(p) ?? "?";
  });
  const r = {
    id: cloudformationId(t.stack, "AWS::IAM::Role", roleId),
    kind: "identity",
    platform: PLATFORM2,
    type: "AWS::IAM::Role",
    name: roleId,
    namespace: t.stack,
    file: t.file,
    line: t.line(logicalId),
    attributes: { samImplicit: `${type2} ${logicalId}`, trust: [`Service:${SAM_IMPLICIT_ROLE[type2]}`] },
    usedBy: [{ id: cloudformationId(t.stack, type2, logicalId), kind: type2, name: logicalId, file: t.file, line: t.line(logicalId), via: "Role (implicit)" }],
    legacyIds: [legacyCloudformationId("AWS::IAM::Role", roleId)]
  };
  if (permissions.length) {
    r.permissions = permissions;
    const line = t.propertyLine(logicalId, props, "Policies");
    r.grants = policies.flatMap((p) => {
      const map2 = asMapping(p);
      if (map2?.Statement !== void 0) return actionGrants(map2).map((permission) => ({ permission, file: t.file, line }));
      const name3 = asText(p);
      return name3 === void 0 ? [] : [{ permission: `aws-policy:${name3.startsWith("arn:") ? name3 : `arn:aws:iam::aws:policy/${name3}`}`, file: t.file, line }];
    });
  }
  t.records.set(roleId, r);
}
var LINKERS = {
  "AWS::IAM::AccessKey": (t, id, props) => {
    const key = t.records.get(id);
    const user = referencedIds(t, props.UserName)[0];
    if (!key || !user) return;
    key.attributes.user = cloudformationId(t.stack, "AWS::IAM::User", user);
    key.usedBy.push({ id: key.attributes.user, kind: "AWS::IAM::User", name: user, file: t.file, line: t.propertyLine(id, props, "UserName"), via: "UserName" });
  },
  "AWS::SecretsManager::RotationSchedule": (t, id, props) => {
    const target = t.records.get(referencedIds(t, props.SecretId)[0] ?? "");
    if (!target) return;
    const rules = asMapping(props.RotationRules) ?? {};
    const every = rules.AutomaticallyAfterDays !== void 0 ? `every ${render(rules.AutomaticallyAfterDays)} days` : render(rules.ScheduleExpression);
    target.rotationEvidence = `AWS::SecretsManager::RotationSchedule ${id}${every ? ` (${every})` : ""}`;
  },
  "AWS::IAM::Policy": policyAttachment,
  "AWS::IAM::ManagedPolicy": policyAttachment
};
function policyAttachment(t, id, props) {
  const name3 = render(props.PolicyName ?? props.ManagedPolicyName) ?? id;
  const grant = `policy/${name3}: ${actions(props.PolicyDocument)}`;
  const line = t.propertyLine(id, props, "PolicyDocument");
  const managedLine = t.propertyLine(id, props, "ManagedPolicyArns");
  for (const key of ["Users", "Roles"]) {
    for (const target of asList(props[key]).flatMap((v) => referencedIds(t, v))) {
      const r = t.records.get(target);
      if (!r) continue;
      r.permissions = [.../* @__PURE__ */ new Set([...r.permissions ?? [], grant])];
      r.grants = [...r.grants ?? [], ...actionGrants(props.PolicyDocument).map((permission) => ({ permission, file: t.file, line }))];
      for (const arn of asList(props.ManagedPolicyArns)) r.grants.push({ permission: `aws-policy:${render(arn) ?? "?"}`, file: t.file, line: managedLine });
    }
  }
}
function usedByEdges(t, id, props, type2) {
  for (const [key, value2] of Object.entries(props)) {
    for (const target of new Set(referencedIds(t, value2))) {
      const r = t.records.get(target);
      if (!r || target === id) continue;
      const edge2 = { id: cloudformationId(t.stack, type2, id), kind: type2, name: id, file: t.file, line: t.propertyLine(id, props, key), via: key };
      r.usedBy.push(edge2);
    }
  }
}
function referencedIds(t, value2) {
  const out = [];
  const stack = [[value2, 0]];
  let budget = 1e4;
  while (stack.length > 0 && budget-- > 0) {
    const [v, depth] = stack.pop();
    if (depth > MAX_WALK_DEPTH) continue;
    if (typeof v === "string") {
      collectStringRefs(t, v, out);
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    const map2 = asMapping(v);
    if (!map2) continue;
    if (typeof map2.Ref === "string") out.push(map2.Ref);
    const getAtt = map2["Fn::GetAtt"];
    if (Array.isArray(getAtt) && typeof getAtt[0] === "string") out.push(getAtt[0]);
    else if (typeof getAtt === "string") out.push(getAtt.split(".")[0]);
    for (const child of Object.values(map2)) stack.push([child, depth + 1]);
  }
  return out.filter((id) => t.resources[id] !== void 0);
}
function collectStringRefs(t, s, out) {
  if (s.includes("${")) {
    for (const m of s.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) out.push(m[1]);
  }
  if (s.includes("{{resolve:secretsmanager:")) {
    for (const m of s.matchAll(/\{\{resolve:secretsmanager:([^:}]+)/g)) {
      const id = t.secretNames.get(m[1]);
      if (id) out.push(id);
    }
  }
}
function render(value2) {
  if (value2 === void 0 || value2 === null) return void 0;
  const text3 = asText(value2);
  if (text3 !== void 0) return text3;
  const map2 = asMapping(value2);
  if (!map2) return Array.isArray(value2) ? `[${value2.map(render).join(", ")}]` : void 0;
  const [key, arg] = Object.entries(map2)[0] ?? [];
  if (key === "Ref") return `!Ref ${asText(arg) ?? "?"}`;
  if (key === "Fn::GetAtt") return `!GetAtt ${Array.isArray(arg) ? arg.map(render).join(".") : asText(arg)}`;
  if (key === "Fn::Sub") return `!Sub ${asText(Array.isArray(arg) ? arg[0] : arg) ?? "?"}`;
  if (key?.startsWith("Fn::")) return `!${key.slice(4)} ${render(arg) ?? ""}`.trim();
  return JSON.stringify(map2).slice(0, 120);
}
function compact(attributes) {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== void 0 && !(Array.isArray(v) && v.length === 0)));
}

// src/core/identities/compose.ts
import { posix as posix2 } from "node:path";
var PLATFORM3 = "compose";
var CREDENTIAL_NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRETS|TOKEN|API_?KEY|APIKEY|ACCESS_?KEY|PRIVATE_?KEY|CLIENT_SECRET|CREDENTIALS?|AUTH_KEY|DSN)(_|$)/i;
var NOT_A_VALUE_NAME = /_(FILE|PATH|DIR|URL_FILE)$/i;
var NOT_A_SECRET_VALUE = /^(true|false|yes|no|on|off|none|null|\d{1,6})$/i;
var URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/i;
var INTERPOLATED = /(^|[^$])\$(\{|[A-Za-z_])/;
var composeExtractor = {
  platform: PLATFORM3,
  matches: (path2) => /(^|\/)(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(path2),
  extract: extractCompose
};
function extractCompose(file) {
  const yaml2 = loadYaml(file.path, file.content);
  const root = asMapping(yaml2.documents[0]?.value);
  if (!root) return { records: [], errors: yaml2.errors };
  const records = /* @__PURE__ */ new Map();
  const add = (type2, name3, namespace, line, attributes) => {
    const id = namespace ? `${PLATFORM3}:${type2}/${namespace}/${name3}` : `${PLATFORM3}:${type2}/${name3}`;
    let r = records.get(id);
    if (!r) records.set(id, r = { id, kind: "credential", platform: PLATFORM3, type: type2, name: name3, ...namespace ? { namespace } : {}, file: file.path, line, attributes, usedBy: [] });
    return r;
  };
  const topSecrets = asMapping(root.secrets) ?? {};
  for (const [name3, spec] of Object.entries(topSecrets)) add("secret", name3, void 0, yaml2.keyLine(topSecrets, name3, 1), secretSource(asMapping(spec) ?? {}));
  const services = asMapping(root.services) ?? {};
  for (const [service, body] of Object.entries(services)) {
    const s = asMapping(body) ?? {};
    const serviceLine = yaml2.keyLine(services, service, 1);
    const usedBy = (line, via) => ({ id: `${PLATFORM3}:service/${service}`, kind: "service", name: service, file: file.path, line, via, app: service });
    for (const v of literalCredentials(yaml2, s.environment, serviceLine)) {
      add("env", v.name, service, v.line, { literal: true, ...v.url ? { urlWithPassword: true } : {} }).usedBy.push(usedBy(v.line, "environment"));
    }
    const envFiles = Array.isArray(s.env_file) ? s.env_file : s.env_file === void 0 ? [] : [s.env_file];
    for (const entry of envFiles) {
      const path2 = asText(entry) ?? asText(asMapping(entry)?.path);
      if (!path2) continue;
      const line = typeof entry === "string" ? yaml2.keyLine(Array.isArray(s.env_file) ? s.env_file : s, Array.isArray(s.env_file) ? path2 : "env_file", serviceLine) : yaml2.lineOf(entry, serviceLine);
      const resolved = posix2.normalize(posix2.join(posix2.dirname(file.path), path2));
      add("env_file", resolved, void 0, line, { path: path2 }).usedBy.push(usedBy(line, "env_file"));
    }
    for (const entry of asList(s.secrets)) {
      const name3 = asText(entry) ?? asText(asMapping(entry)?.source);
      const r = name3 ? records.get(`${PLATFORM3}:secret/${name3}`) : void 0;
      if (r) r.usedBy.push(usedBy(typeof entry === "string" ? yaml2.keyLine(s.secrets, entry, serviceLine) : yaml2.lineOf(entry, serviceLine), "secrets"));
    }
  }
  return { records: [...records.values()], errors: yaml2.errors };
}
function secretSource(spec) {
  if (spec.external === true || asMapping(spec.external)) return { source: "external", ...asText(spec.name) ? { externalName: asText(spec.name) } : {} };
  if (asText(spec.file)) return { source: "file", path: asText(spec.file) };
  if (asText(spec.environment)) return { source: "environment", variable: asText(spec.environment) };
  if (spec.content !== void 0) return { source: "content", literal: true };
  return { source: "unknown" };
}
function literalCredentials(yaml2, environment, fallback) {
  const entries = [];
  if (Array.isArray(environment)) {
    for (const item of environment) {
      const text3 = asText(item);
      if (!text3) continue;
      const eq = text3.indexOf("=");
      entries.push([eq === -1 ? text3 : text3.slice(0, eq), eq === -1 ? void 0 : text3.slice(eq + 1), yaml2.keyLine(environment, text3, fallback)]);
    }
  } else {
    const map2 = asMapping(environment) ?? {};
    for (const [name3, value2] of Object.entries(map2)) entries.push([name3, asText(value2), yaml2.keyLine(map2, name3, fallback)]);
  }
  return entries.flatMap(([name3, value2, line]) => {
    if (value2 === void 0 || value2.trim() === "" || INTERPOLATED.test(value2)) return [];
    const url = URL_WITH_PASSWORD.test(value2);
    const named = CREDENTIAL_NAME.test(name3) && !NOT_A_VALUE_NAME.test(name3) && !NOT_A_SECRET_VALUE.test(value2.trim());
    return named || url ? [{ name: name3, line, url }] : [];
  });
}

// src/core/identities/hcl/ast.ts
var HclExpression = class {
  constructor(raw) {
    this.raw = raw;
  }
  raw;
};
function isObject(value2) {
  return typeof value2 === "object" && value2 !== null && !Array.isArray(value2) && !(value2 instanceof HclExpression);
}
function attribute(body, name3) {
  return body.attributes.find((a) => a.name === name3);
}
function blocksOf(body, type2) {
  return body.blocks.filter((b) => b.type === type2);
}

// src/core/identities/hcl/json.ts
var LABELS = { resource: 2, data: 2, module: 1, variable: 1, output: 1, provider: 1, locals: 0, terraform: 0 };
function parseTerraformJson(text3) {
  const index = new LineIndex2(text3);
  const parsed = parseJson("", text3, index);
  if (parsed.error) return { body: { attributes: [], blocks: [] }, errors: [{ line: parsed.error.line, column: parsed.error.column, message: parsed.error.message }] };
  if (!isPlainObject(parsed.value)) return { body: { attributes: [], blocks: [] }, errors: [{ line: 1, column: 1, message: "the top level must be an object" }] };
  const keys = keyOffsets(text3);
  const at15 = (path2, fallback) => keys.get(pathKey(path2)) ?? fallback;
  const blocks = [];
  for (const [type2, value2] of Object.entries(parsed.value)) {
    const labels = Object.hasOwn(LABELS, type2) ? LABELS[type2] : void 0;
    if (labels === void 0) continue;
    collect(value2, [type2], labels, [], (path2, labelValues, body) => {
      const offset = at15(lastKeyPath(path2), 0);
      blocks.push(block(type2, labelValues, body, path2, offset, index, at15));
    });
  }
  return { body: { attributes: [], blocks }, errors: [] };
}
function collect(value2, path2, labels, labelValues, emit) {
  if (Array.isArray(value2)) {
    value2.forEach((item, i) => collect(item, [...path2, i], labels, labelValues, emit));
    return;
  }
  if (!isPlainObject(value2)) return;
  if (labels === 0) {
    emit(path2, labelValues, value2);
    return;
  }
  for (const [key, inner] of Object.entries(value2)) {
    if (key === "//") continue;
    collect(inner, [...path2, key], labels - 1, [...labelValues, key], emit);
  }
}
function lastKeyPath(path2) {
  let end = path2.length;
  while (end > 0 && typeof path2[end - 1] === "number") end--;
  return path2.slice(0, end);
}
function block(type2, labels, body, path2, offset, index, at15) {
  const line = index.line(offset);
  const column = index.column(offset);
  return { type: type2, labels, line, column, openLine: line, closed: true, ...bodyOf(body, path2, offset, index, at15) };
}
function bodyOf(body, path2, fallback, index, at15) {
  const attributes = [];
  const blocks = [];
  for (const [name3, value2] of Object.entries(body)) {
    if (name3 === "//") continue;
    const offset = at15([...path2, name3], fallback);
    attributes.push({ name: name3, line: index.line(offset), column: index.column(offset), value: toValue(value2), raw: rawOf(value2) });
    const nested = Array.isArray(value2) ? value2.map((v, i) => [v, i]) : [[value2, -1]];
    for (const [item, i] of nested) {
      if (!isPlainObject(item)) continue;
      const itemPath = i === -1 ? [...path2, name3] : [...path2, name3, i];
      const itemOffset = offset;
      const line = index.line(itemOffset);
      blocks.push({ type: name3, labels: [], line, column: index.column(itemOffset), openLine: line, closed: true, ...bodyOf(item, itemPath, itemOffset, index, at15) });
    }
  }
  return { attributes, blocks };
}
var WHOLE_INTERPOLATION = /^\$\{([^{}]*)\}$/;
function toValue(value2) {
  if (typeof value2 === "string") {
    const whole = WHOLE_INTERPOLATION.exec(value2);
    if (whole) return new HclExpression(whole[1].trim());
    return value2.includes("${") ? new HclExpression(JSON.stringify(value2)) : value2;
  }
  if (Array.isArray(value2)) return value2.map(toValue);
  if (isPlainObject(value2)) return Object.fromEntries(Object.entries(value2).filter(([k]) => k !== "//").map(([k, v]) => [k, toValue(v)]));
  if (typeof value2 === "number" || typeof value2 === "boolean" || value2 === null) return value2;
  return null;
}
function rawOf(value2) {
  if (typeof value2 === "string") {
    const whole = WHOLE_INTERPOLATION.exec(value2);
    return whole ? whole[1].trim() : JSON.stringify(value2);
  }
  if (Array.isArray(value2)) return `[${value2.map(rawOf).join(", ")}]`;
  if (isPlainObject(value2)) return `{${Object.entries(value2).map(([k, v]) => `${JSON.stringify(k)} = ${rawOf(v)}`).join(", ")}}`;
  return JSON.stringify(value2) ?? "null";
}
function isPlainObject(value2) {
  return typeof value2 === "object" && value2 !== null && !Array.isArray(value2);
}
function pathKey(path2) {
  return path2.map(String).join("\0");
}
function keyOffsets(text3) {
  const out = /* @__PURE__ */ new Map();
  const path2 = [];
  const frames = [];
  let pendingKey;
  for (let i = 0; i < text3.length; i++) {
    const ch = text3[i];
    const frame = frames[frames.length - 1];
    if (ch === '"') {
      const start = i;
      i++;
      while (i < text3.length && text3[i] !== '"') i += text3[i] === "\\" ? 2 : 1;
      if (frame && !frame.array && frame.expectKey) pendingKey = { key: JSON.parse(text3.slice(start, i + 1)), offset: start };
    } else if (ch === ":") {
      if (frame && !frame.array && pendingKey) {
        path2[frames.length - 1] = pendingKey.key;
        path2.length = frames.length;
        out.set(pathKey(path2), pendingKey.offset);
        frame.expectKey = false;
        pendingKey = void 0;
      }
    } else if (ch === "{" || ch === "[") {
      if (frame?.array) {
        path2[frames.length - 1] = frame.index;
        path2.length = frames.length;
      }
      frames.push({ array: ch === "[", expectKey: ch === "{", index: 0 });
    } else if (ch === "}" || ch === "]") {
      frames.pop();
      path2.length = frames.length;
    } else if (ch === ",") {
      if (frame?.array) frame.index++;
      else if (frame) frame.expectKey = true;
    }
  }
  return out;
}

// src/core/identities/hcl/lexer.ts
var TWO_CHAR_OPS = new Map(["==", "!=", "<=", ">=", "&&", "||", "=>"].map((op) => [op.charCodeAt(0) * 65536 + op.charCodeAt(1), op]));
var ONE_CHAR_PUNCT = new Map([..."{}[]()=,:.?!<>+-*/%&|"].map((ch) => [ch.charCodeAt(0), ch]));
function isIdentStart(c) {
  return c >= 97 /* Lower */ && c <= 122 /* LowerZ */ || c >= 65 /* Upper */ && c <= 90 /* UpperZ */ || c === 95 /* Underscore */ || c > 127 && isUnicodeLetter(c);
}
function isIdentPart(c) {
  return isIdentStart(c) || c >= 48 /* Zero */ && c <= 57 /* Nine */ || c === 45 /* Minus */;
}
var LETTER = new RegExp("\\p{L}", "u");
function isUnicodeLetter(c) {
  return LETTER.test(String.fromCharCode(c));
}
function isDigit(c) {
  return c >= 48 /* Zero */ && c <= 57 /* Nine */;
}
var PLAIN_STRING_END = /((?:[^"\\\n$%]|[$%](?!\{))*)"/y;
var MAX_TEMPLATE_NESTING = 32;
var SIMPLE_ESCAPES = { n: "\n", r: "\r", t: "	", '"': '"', "\\": "\\" };
var Lexer = class {
  constructor(src) {
    this.src = src;
  }
  src;
  pos = 0;
  line = 1;
  lineStart = 0;
  tokens = [];
  errors = [];
  run() {
    const { src } = this;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === 32 /* Space */ || c === 9 /* Tab */ || c === 13 /* CR */ || c === 65279) this.pos++;
      else if (c === 10 /* LF */) this.newline();
      else if (c === 35 /* Hash */ || c === 47 /* Slash */ && src.charCodeAt(this.pos + 1) === 47 /* Slash */) this.skipLineComment();
      else if (c === 47 /* Slash */ && src.charCodeAt(this.pos + 1) === 42 /* Star */) this.skipBlockComment();
      else if (isIdentStart(c)) this.ident();
      else if (isDigit(c)) this.number();
      else if (c === 34 /* Quote */) this.quoted();
      else if (c === 60 /* Lt */ && src.charCodeAt(this.pos + 1) === 60 /* Lt */ && this.heredocAhead()) this.heredoc();
      else this.punct();
    }
    this.tokens.push(this.token("eof", this.pos, this.pos));
    return { tokens: this.tokens, errors: this.errors };
  }
  token(type2, start, end, value2) {
    return { type: type2, start, end, line: this.line, column: start - this.lineStart + 1, value: value2, templated: false };
  }
  newline() {
    if (this.tokens.length === 0 || this.tokens[this.tokens.length - 1].type !== "newline") this.tokens.push(this.token("newline", this.pos, this.pos + 1));
    this.pos++;
    this.line++;
    this.lineStart = this.pos;
  }
  /** Advances over one character inside a multi-line construct, keeping line numbers right. */
  step() {
    if (this.src.charCodeAt(this.pos) === 10 /* LF */) {
      this.line++;
      this.lineStart = this.pos + 1;
    }
    this.pos++;
  }
  error(line, column, message) {
    this.errors.push({ line, column, message });
  }
  skipLineComment() {
    const nl = this.src.indexOf("\n", this.pos);
    this.pos = nl === -1 ? this.src.length : nl;
  }
  skipBlockComment() {
    const line = this.line;
    const column = this.pos - this.lineStart + 1;
    const close = this.src.indexOf("*/", this.pos + 2);
    const end = close === -1 ? this.src.length : close + 2;
    while (this.pos < end) this.step();
    if (close === -1) this.error(line, column, "unterminated /* comment");
  }
  ident() {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.src.length && isIdentPart(this.src.charCodeAt(this.pos))) this.pos++;
    this.tokens.push(this.token("ident", start, this.pos, this.src.slice(start, this.pos)));
  }
  number() {
    const { src } = this;
    const start = this.pos;
    while (isDigit(src.charCodeAt(this.pos))) this.pos++;
    if (src.charCodeAt(this.pos) === 46 /* Dot */ && isDigit(src.charCodeAt(this.pos + 1))) {
      this.pos++;
      while (isDigit(src.charCodeAt(this.pos))) this.pos++;
    }
    const e = src.charCodeAt(this.pos);
    if (e === 101 /* LowerE */ || e === 69 /* UpperE */) {
      let p = this.pos + 1;
      const sign = src.charCodeAt(p);
      if (sign === 43 /* Plus */ || sign === 45 /* Minus */) p++;
      if (isDigit(src.charCodeAt(p))) {
        while (isDigit(src.charCodeAt(p))) p++;
        this.pos = p;
      }
    }
    this.tokens.push(this.token("number", start, this.pos, src.slice(start, this.pos)));
  }
  punct() {
    const { src } = this;
    const start = this.pos;
    const c = src.charCodeAt(start);
    const c2 = src.charCodeAt(start + 1);
    let text3;
    if (c === 46 /* Dot */ && c2 === 46 /* Dot */ && src.charCodeAt(start + 2) === 46 /* Dot */) text3 = "...";
    else text3 = TWO_CHAR_OPS.get(c * 65536 + c2) ?? ONE_CHAR_PUNCT.get(c);
    if (text3 === void 0) {
      const cp = String.fromCodePoint(src.codePointAt(start) ?? 0);
      this.pos += cp.length;
      this.tokens.push(this.token("invalid", start, this.pos, cp));
      return;
    }
    this.pos += text3.length;
    this.tokens.push(this.token("punct", start, this.pos, text3));
  }
  /**
   * A quoted template: `"…"` with escapes, `${…}` interpolations and `%{…}` directives. A quoted
   * string may not span lines outside an interpolation; an unterminated one ends at the line end.
   */
  quoted() {
    const startLine = this.line;
    const token2 = this.token("string", this.pos, this.pos);
    PLAIN_STRING_END.lastIndex = this.pos + 1;
    const plainEnd = PLAIN_STRING_END.exec(this.src);
    if (plainEnd) {
      token2.value = plainEnd[1];
      token2.templated = false;
      this.pos += plainEnd[0].length + 1;
      token2.end = this.pos;
      this.tokens.push(token2);
      return;
    }
    this.pos++;
    let cooked = "";
    let templated = false;
    const { src } = this;
    for (; ; ) {
      if (this.pos >= src.length || src.charCodeAt(this.pos) === 10 /* LF */) {
        this.error(startLine, token2.column, "unterminated string");
        break;
      }
      const c = src.charCodeAt(this.pos);
      if (c === 34 /* Quote */) {
        this.pos++;
        break;
      }
      if (c === 92 /* Backslash */) {
        cooked += this.escape();
        continue;
      }
      if ((c === 36 /* Dollar */ || c === 37 /* Percent */) && src.charCodeAt(this.pos + 1) === 123 /* LBrace */) {
        templated = true;
        this.pos += 2;
        if (!this.skipInterpolation()) {
          this.error(startLine, token2.column, "unterminated template interpolation in string");
          const nl = src.indexOf("\n", this.pos);
          this.pos = nl === -1 ? src.length : nl;
          break;
        }
        continue;
      }
      if ((c === 36 /* Dollar */ || c === 37 /* Percent */) && src.charCodeAt(this.pos + 1) === c && src.charCodeAt(this.pos + 2) === 123 /* LBrace */) {
        cooked += src[this.pos] + "{";
        this.pos += 3;
        continue;
      }
      cooked += src[this.pos];
      this.pos++;
    }
    token2.end = this.pos;
    token2.templated = templated;
    if (!templated) token2.value = cooked;
    this.tokens.push(token2);
  }
  escape() {
    const { src } = this;
    const next2 = src[this.pos + 1] ?? "";
    const simple = SIMPLE_ESCAPES[next2];
    if (simple !== void 0) {
      this.pos += 2;
      return simple;
    }
    const hexLength = next2 === "u" ? 4 : next2 === "U" ? 8 : 0;
    const hex = src.slice(this.pos + 2, this.pos + 2 + hexLength);
    if (hexLength > 0 && /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength) {
      this.pos += 2 + hexLength;
      const cp = parseInt(hex, 16);
      return cp <= 1114111 ? String.fromCodePoint(cp) : "\uFFFD";
    }
    this.pos += next2 === "\n" || next2 === "" ? 1 : 2;
    return "\\" + (next2 === "\n" ? "" : next2);
  }
  /**
   * Skips the inside of `${ … }` / `%{ … }` up to its closing brace, following nested braces and
   * nested quoted strings. Returns false when the input ends first.
   */
  skipInterpolation(nesting = 0) {
    const { src } = this;
    if (nesting > MAX_TEMPLATE_NESTING) return false;
    let depth = 1;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === 34 /* Quote */) {
        if (!this.skipNestedString(nesting)) return false;
        continue;
      }
      if (c === 123 /* LBrace */) depth++;
      else if (c === 125 /* RBrace */ && --depth === 0) {
        this.pos++;
        return true;
      }
      this.step();
    }
    return false;
  }
  skipNestedString(nesting) {
    const { src } = this;
    this.pos++;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === 10 /* LF */) return false;
      if (c === 92 /* Backslash */) this.pos += 2;
      else if (c === 34 /* Quote */) {
        this.pos++;
        return true;
      } else if ((c === 36 /* Dollar */ || c === 37 /* Percent */) && src.charCodeAt(this.pos + 1) === 123 /* LBrace */) {
        this.pos += 2;
        if (!this.skipInterpolation(nesting + 1)) return false;
      } else this.pos++;
    }
    return false;
  }
  heredocAhead() {
    return /^<<-?[A-Za-z_][\w-]*[ \t]*\r?\n/.test(this.src.slice(this.pos, this.pos + 260));
  }
  /**
   * `<<MARKER` / `<<-MARKER` up to a line holding only the marker (leading blanks allowed, as in
   * HCL). `<<-` strips the common leading whitespace of the body lines.
   */
  heredoc() {
    const { src } = this;
    const token2 = this.token("heredoc", this.pos, this.pos);
    const header = /^<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(src.slice(this.pos, this.pos + 260));
    if (!header) return this.punct();
    const indent = header[1] === "-";
    const marker = header[2];
    while (this.pos < token2.start + header[0].length) this.step();
    const lines = [];
    let closed = false;
    while (this.pos < src.length) {
      const nl = src.indexOf("\n", this.pos);
      const lineEnd2 = nl === -1 ? src.length : nl;
      const text3 = src.slice(this.pos, lineEnd2).replace(/\r$/, "");
      if (text3.trim() === marker) {
        this.pos = lineEnd2;
        closed = true;
        break;
      }
      lines.push(text3);
      this.pos = lineEnd2;
      if (nl !== -1) this.step();
    }
    if (!closed) this.error(token2.line, token2.column, `unterminated heredoc: no closing ${marker} line`);
    token2.end = this.pos;
    const body = dedent(lines, indent).join("\n") + (lines.length > 0 ? "\n" : "");
    token2.templated = /(^|[^$])\$\{|(^|[^%])%\{/.test(body);
    if (!token2.templated) token2.value = body.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
    this.tokens.push(token2);
  }
};
function dedent(lines, indent) {
  if (!indent) return lines;
  let common2 = Infinity;
  for (const l of lines) {
    if (l.trim() === "") continue;
    common2 = Math.min(common2, l.length - l.trimStart().length);
  }
  return common2 === Infinity ? lines : lines.map((l) => l.slice(common2));
}
function tokenize(src) {
  return new Lexer(src).run();
}

// src/core/identities/hcl/parser.ts
var MAX_DEPTH = 64;
var MAX_ERRORS = 20;
var TOP_LEVEL_KEYWORDS = /* @__PURE__ */ new Set(["resource", "data", "module", "variable", "output", "locals", "provider", "terraform", "moved", "import", "check", "removed"]);
var OPENERS = { "{": "}", "[": "]", "(": ")" };
var Parser = class {
  constructor(src, tokens, lexErrors) {
    this.src = src;
    this.tokens = tokens;
    this.errors = lexErrors.slice(0, MAX_ERRORS);
  }
  src;
  tokens;
  i = 0;
  errors;
  parseFile() {
    const body = { attributes: [], blocks: [] };
    let reason;
    do
      reason = this.parseBody(body, 0);
    while (reason === "close" && this.recoverStrayClose());
    this.errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { body, errors: this.errors };
  }
  /** A `}` at the top level has no block to close: report it and read on. */
  recoverStrayClose() {
    const t = this.tokens[this.i];
    this.error(t, "unexpected '}' with no open block");
    this.i++;
    return !this.aborted();
  }
  peek(offset = 0) {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  aborted() {
    return this.errors.length >= MAX_ERRORS;
  }
  error(t, message) {
    if (this.errors.length === MAX_ERRORS - 1) {
      this.errors.push({ line: t.line, column: t.column, message: `too many errors; stopped reading at ${message}` });
    } else if (this.errors.length < MAX_ERRORS) {
      this.errors.push({ line: t.line, column: t.column, message });
    }
  }
  /** Reads attributes and blocks until `}` (left for the caller), the end, or an interruption. */
  parseBody(body, depth) {
    for (; ; ) {
      if (this.aborted()) return "abort";
      const t = this.peek();
      if (t.type === "newline") {
        this.i++;
        continue;
      }
      if (t.type === "eof") return "eof";
      if (t.type === "punct" && t.value === "}") return "close";
      if (t.type !== "ident") {
        this.error(t, `expected an attribute or block, found ${describe3(t)}`);
        this.skipLine();
        continue;
      }
      const next2 = this.peek(1);
      if (next2.type === "punct" && next2.value === "=") {
        body.attributes.push(this.parseAttribute());
        continue;
      }
      if (depth > 0 && t.column === 1 && TOP_LEVEL_KEYWORDS.has(t.value ?? "")) return "interrupt";
      const reason = this.parseBlock(body, depth);
      if (reason !== "close") return reason;
    }
  }
  parseAttribute() {
    const name3 = this.tokens[this.i];
    this.i += 2;
    const start = this.i;
    const end = this.expressionEnd();
    this.i = end;
    const value2 = start < end ? this.value(start, end) : new HclExpression("");
    if (start === end) this.error(name3, `attribute ${quoteSourceText(name3.value ?? "")} has no value`);
    const raw = start < end ? this.src.slice(this.tokens[start].start, this.tokens[end - 1].end) : "";
    return { name: name3.value ?? "", line: name3.line, column: name3.column, value: value2, raw };
  }
  /**
   * The index just past an expression: the first newline (or `}` closing the enclosing block, as
   * in `content { a = 1 }`) outside brackets. Mismatched closers are tolerated.
   */
  expressionEnd() {
    const stack = [];
    let j = this.i;
    for (; ; j++) {
      const t = this.tokens[j];
      if (t.type === "eof") return j;
      if (t.type === "newline" && stack.length === 0) return j;
      if (t.type !== "punct") continue;
      const v = t.value;
      if (OPENERS[v]) {
        if (stack.length >= MAX_DEPTH) {
          this.error(t, "expression nested too deeply");
          return this.lineEnd(j);
        }
        stack.push(OPENERS[v]);
      } else if (v === "}" || v === "]" || v === ")") {
        if (stack.length === 0) {
          if (v === "}") return j;
          continue;
        }
        stack.pop();
      }
    }
  }
  lineEnd(j) {
    while (this.tokens[j].type !== "newline" && this.tokens[j].type !== "eof") j++;
    return j;
  }
  /** `type label… {` body `}`. Returns 'close' when the block was closed normally. */
  parseBlock(parent, depth) {
    const head = this.tokens[this.i++];
    const labels = [];
    for (; ; ) {
      const t = this.peek();
      if (t.type === "string" && !t.templated) labels.push(t.value ?? "");
      else if (t.type === "ident") labels.push(t.value ?? "");
      else break;
      this.i++;
    }
    const open = this.peek();
    if (!(open.type === "punct" && open.value === "{")) {
      this.error(open, `expected '{' after ${quoteSourceText(head.value ?? "")}${labels.map((l) => ` "${quoteSourceText(l)}"`).join("")}, found ${describe3(open)}`);
      this.skipLine();
      return "close";
    }
    if (depth + 1 > MAX_DEPTH) {
      this.error(open, "blocks nested too deeply");
      return "abort";
    }
    this.i++;
    const block2 = { type: head.value ?? "", labels, line: head.line, column: head.column, openLine: open.line, closed: false, attributes: [], blocks: [] };
    parent.blocks.push(block2);
    const reason = this.parseBody(block2, depth + 1);
    if (reason === "close") {
      this.i++;
      block2.closed = true;
      return "close";
    }
    if (reason !== "abort") this.error(open, `unclosed block ${describeBlock(block2)}: no '}' for the '{' on line ${open.line}`);
    return reason === "interrupt" && depth === 0 ? "close" : reason;
  }
  /**
   * Skips to the end of the line, stepping over bracketed groups; stops before a newline, the end
   * or a `}` closing the enclosing block, which the body loop then consumes (so it always advances).
   */
  skipLine() {
    this.i = this.expressionEnd();
  }
  // ---------------------------------------------------------------------------------------------
  // Values: literals, lists and maps of them; everything else stays raw text.
  // ---------------------------------------------------------------------------------------------
  raw(start, end) {
    return new HclExpression(this.src.slice(this.tokens[start].start, this.tokens[end - 1].end));
  }
  value(start, end) {
    while (start < end && this.tokens[start].type === "newline") start++;
    while (end > start && this.tokens[end - 1].type === "newline") end--;
    if (start >= end) return new HclExpression("");
    const first = this.tokens[start];
    if (end - start === 1) return this.single(first);
    if (end - start === 2 && first.value === "-" && this.tokens[start + 1].type === "number") return -Number(this.tokens[start + 1].value);
    const isFor = this.tokens[start + 1].type === "ident" && this.tokens[start + 1].value === "for";
    if (first.type === "punct" && (first.value === "[" || first.value === "{") && !isFor && this.matching(start) === end - 1) {
      return first.value === "[" ? this.list(start + 1, end - 1) : this.object(start + 1, end - 1);
    }
    return this.raw(start, end);
  }
  single(t) {
    if ((t.type === "string" || t.type === "heredoc") && !t.templated) return t.value ?? "";
    if (t.type === "number") return Number(t.value);
    if (t.type === "ident" && t.value === "true") return true;
    if (t.type === "ident" && t.value === "false") return false;
    if (t.type === "ident" && t.value === "null") return null;
    return new HclExpression(this.src.slice(t.start, t.end));
  }
  /** Index of the bracket closing the one at `start`, or -1. */
  matching(start) {
    let depth = 0;
    for (let j = start; j < this.tokens.length; j++) {
      const t = this.tokens[j];
      if (t.type === "eof") return -1;
      if (t.type !== "punct") continue;
      if (OPENERS[t.value]) depth++;
      else if (t.value === "}" || t.value === "]" || t.value === ")") {
        if (--depth === 0) return j;
      }
    }
    return -1;
  }
  /** Splits [start, end) at commas (and, for maps, newlines) outside nested brackets. */
  items(start, end, newlineSeparates) {
    const out = [];
    let depth = 0;
    let itemStart = start;
    for (let j = start; j < end; j++) {
      const t = this.tokens[j];
      if (t.type === "punct") {
        if (OPENERS[t.value]) depth++;
        else if (t.value === "}" || t.value === "]" || t.value === ")") depth--;
      }
      const separates = depth === 0 && (t.type === "punct" && t.value === "," || newlineSeparates && t.type === "newline");
      if (separates) {
        out.push([itemStart, j]);
        itemStart = j + 1;
      }
    }
    out.push([itemStart, end]);
    return out.filter(([s, e]) => this.tokens.slice(s, e).some((t) => t.type !== "newline"));
  }
  list(start, end) {
    return this.items(start, end, false).map(([s, e]) => this.value(s, e));
  }
  object(start, end) {
    const out = /* @__PURE__ */ Object.create(null);
    for (const [s0, e] of this.items(start, end, true)) {
      let s = s0;
      while (this.tokens[s].type === "newline") s++;
      const key = this.tokens[s];
      const sep2 = this.tokens[s + 1];
      if (!(sep2 && sep2.type === "punct" && (sep2.value === "=" || sep2.value === ":"))) return this.raw(start - 1, end + 1);
      const name3 = key.type === "ident" ? key.value : key.type === "string" && !key.templated ? key.value : void 0;
      if (name3 === void 0) return this.raw(start - 1, end + 1);
      out[name3] = this.value(s + 2, e);
    }
    return out;
  }
};
function describe3(t) {
  if (t.type === "eof") return "end of file";
  if (t.type === "newline") return "end of line";
  if (t.type === "string" || t.type === "heredoc") return `a ${t.type}`;
  if (t.type === "invalid") return `invalid character ${JSON.stringify(t.value)}`;
  if (t.type === "punct") return `'${t.value}'`;
  return `'${quoteSourceText(t.value ?? "")}'`;
}
function describeBlock(b) {
  return [quoteSourceText(b.type), ...b.labels.map((l) => `"${quoteSourceText(l)}"`)].join(" ");
}
function parseHcl(src) {
  const { tokens, errors } = tokenize(src);
  return new Parser(src, tokens, errors).parseFile();
}
function parseHclExpression(text3) {
  return parseHcl(`v = ${text3}
`).body.attributes[0]?.value;
}

// src/core/identities/terraform-policy-documents.ts
var DATA_POLICY_REF = /^data\.aws_iam_policy_document\.([A-Za-z_][\w-]*)\.(?:json|minified_json)$/;
var JSONENCODE = /^jsonencode\(([\s\S]*)\)$/;
function readPolicyDocument(value2, data) {
  if (value2 === void 0) return [];
  if (typeof value2 === "string") return fromJsonText(value2);
  if (!(value2 instanceof HclExpression)) return [];
  const raw = value2.raw.trim();
  const ref = DATA_POLICY_REF.exec(raw);
  if (ref) {
    const doc = data("aws_iam_policy_document", ref[1]);
    return doc ? fromPolicyDocumentBlock(doc) : [];
  }
  const encoded = JSONENCODE.exec(raw);
  if (encoded) return fromJsonValue(parseHclExpression(encoded[1]));
  if (raw.startsWith("<<")) return fromJsonText(raw.replace(/^<<-?\w+\s*\n/, "").replace(/\n\s*\w+\s*$/, "").replace(/\$\{[^}]*\}/g, "TEMPLATE"));
  return [];
}
function fromJsonText(text3) {
  try {
    return fromJsonValue(JSON.parse(text3));
  } catch {
    return [];
  }
}
function strings(value2) {
  if (typeof value2 === "string") return [value2];
  if (Array.isArray(value2)) return value2.flatMap(strings);
  if (value2 instanceof HclExpression) return [value2.raw];
  return [];
}
function fromJsonValue(doc) {
  if (!isObject(doc)) return [];
  const statements = doc.Statement;
  const list = Array.isArray(statements) ? statements : statements === void 0 ? [] : [statements];
  return list.filter(isObject).map((s) => ({
    effect: typeof s.Effect === "string" ? s.Effect : "Allow",
    actions: strings(s.Action),
    resources: strings(s.Resource),
    principals: principalsOf(s.Principal)
  }));
}
function principalsOf(principal) {
  if (principal === "*") return ["*"];
  if (!isObject(principal)) return [];
  return Object.entries(principal).flatMap(([kind, ids]) => strings(ids).map((id) => `${kind}:${id}`));
}
function fromPolicyDocumentBlock(doc) {
  const dynamic = blocksOf(doc, "dynamic").filter((d) => d.labels[0] === "statement").flatMap((d) => blocksOf(d, "content"));
  return [...blocksOf(doc, "statement"), ...dynamic].map((s) => {
    const effect = attribute(s, "effect")?.value;
    return {
      effect: typeof effect === "string" ? effect : "Allow",
      actions: strings(attribute(s, "actions")?.value),
      resources: strings(attribute(s, "resources")?.value),
      principals: blocksOf(s, "principals").flatMap((p) => {
        const type2 = attribute(p, "type")?.value;
        return strings(attribute(p, "identifiers")?.value).map((id) => type2 === "*" && id === "*" ? "*" : `${String(type2)}:${id}`);
      })
    };
  });
}
function allowedActions(statements) {
  return statements.filter((s) => s.effect === "Allow").flatMap((s) => s.actions);
}
function actionGrants2(statements) {
  return statements.filter((s) => s.effect === "Allow").flatMap((s) => s.actions.map((a) => `aws-action:${a} on ${s.resources.join(",") || "?"}`));
}
function trustedPrincipals(statements) {
  return statements.filter((s) => s.effect === "Allow").flatMap((s) => s.principals);
}

// src/core/identities/terraform.ts
var AWS_USER = ["aws_iam_user"];
var AZURE_APP = ["azuread_application"];
var DECLARATIONS2 = {
  aws_iam_user: { kind: "identity", facts: ["name", "path", "permissions_boundary", "tags"] },
  aws_iam_role: { kind: "identity", facts: ["name", "path", "max_session_duration", "permissions_boundary"] },
  aws_iam_access_key: { kind: "credential", facts: ["user", "status"], owner: { attributes: ["user"], types: AWS_USER } },
  aws_iam_user_login_profile: { kind: "credential", facts: ["user", "password_reset_required", "password_length"], owner: { attributes: ["user"], types: AWS_USER } },
  aws_iam_service_specific_credential: { kind: "credential", facts: ["service_name", "user_name", "status"], owner: { attributes: ["user_name"], types: AWS_USER } },
  aws_secretsmanager_secret: { kind: "credential", facts: ["name", "name_prefix", "description", "kms_key_id", "recovery_window_in_days"] },
  google_service_account: { kind: "identity", facts: ["account_id", "display_name", "description", "project", "disabled"] },
  google_service_account_key: {
    kind: "credential",
    facts: ["service_account_id", "key_algorithm", "public_key_type"],
    owner: { attributes: ["service_account_id"], types: ["google_service_account"] }
  },
  azuread_application: { kind: "identity", facts: ["display_name", "sign_in_audience"] },
  azuread_service_principal: { kind: "identity", facts: ["client_id", "application_id", "app_role_assignment_required"] },
  azuread_application_password: {
    kind: "credential",
    facts: ["application_id", "application_object_id", "display_name", "end_date", "end_date_relative"],
    owner: { attributes: ["application_id", "application_object_id"], types: AZURE_APP },
    rotation: azurePasswordRotation
  },
  azuread_service_principal_password: {
    kind: "credential",
    facts: ["service_principal_id", "display_name", "end_date", "end_date_relative"],
    owner: { attributes: ["service_principal_id"], types: ["azuread_service_principal"] },
    rotation: azurePasswordRotation
  },
  // Azure rotates a managed identity's credentials itself.
  azurerm_user_assigned_identity: { kind: "identity", facts: ["name", "resource_group_name", "location"], rotation: () => "managed" },
  github_actions_secret: { kind: "credential", facts: ["repository", "secret_name"] },
  github_actions_environment_secret: { kind: "credential", facts: ["repository", "environment", "secret_name"] },
  github_actions_organization_secret: { kind: "credential", facts: ["secret_name", "visibility"] },
  github_repository_deploy_key: { kind: "credential", facts: ["title", "repository", "read_only"] },
  vault_approle_auth_backend_role: {
    kind: "identity",
    facts: ["role_name", "backend", "token_policies", "token_ttl", "token_max_ttl", "secret_id_ttl", "secret_id_num_uses", "token_type"],
    rotation: vaultSecretIdRotation
  }
};
var AWS_PRINCIPALS = ["aws_iam_user", "aws_iam_role"];
var AZURE_PRINCIPALS = ["azurerm_user_assigned_identity", "azuread_service_principal", "azuread_application"];
var LINKS = {
  aws_iam_user_policy_attachment: { targets: ["user"], types: AWS_USER, apply: grantPolicyArn },
  aws_iam_role_policy_attachment: { targets: ["role"], types: ["aws_iam_role"], apply: grantPolicyArn },
  aws_iam_policy_attachment: { targets: ["users", "roles"], types: AWS_PRINCIPALS, apply: grantPolicyArn },
  aws_iam_user_policy: { targets: ["user"], types: AWS_USER, apply: grantInlinePolicy },
  aws_iam_role_policy: { targets: ["role"], types: ["aws_iam_role"], apply: grantInlinePolicy },
  aws_secretsmanager_secret_rotation: { targets: ["secret_id"], types: ["aws_secretsmanager_secret"], apply: secretRotation },
  azurerm_role_assignment: { targets: ["principal_id"], types: AZURE_PRINCIPALS, apply: grantAzureRole },
  google_service_account_iam_member: { targets: ["service_account_id"], types: ["google_service_account"], apply: bindServiceAccountUser },
  google_service_account_iam_binding: { targets: ["service_account_id"], types: ["google_service_account"], apply: bindServiceAccountUser }
};
var GOOGLE_GRANT = /^google_([a-z0-9_]+?)_iam_(member|binding)$/;
var IAM_MODULES = [
  /^terraform-aws-modules\/iam\/aws(\/\/modules\/[\w-]+)?$/,
  /^terraform-google-modules\/service-accounts\/google(\/\/modules\/[\w-]+)?$/,
  /^terraform-google-modules\/github-actions-runners\/google\/\/modules\/gh-oidc$/
];
var terraformExtractor = {
  platform: "terraform",
  matches: (path2) => path2.endsWith(".tf") || path2.endsWith(".tf.json"),
  extract: extractTerraform
};
function extractTerraform(file) {
  const json2 = file.path.endsWith(".tf.json");
  const parsed = json2 ? parseTerraformJson(file.content) : parseHcl(file.content);
  const errors = parsed.errors.map((e) => ({ file: file.path, line: e.line, column: e.column, message: json2 ? `Terraform JSON: ${e.message}` : `HCL: ${e.message}` }));
  const slash = file.path.lastIndexOf("/");
  const ctx = { file: file.path, modulePath: slash === -1 ? "" : file.path.slice(0, slash), resources: /* @__PURE__ */ new Map(), data: /* @__PURE__ */ new Map(), records: /* @__PURE__ */ new Map(), references: [] };
  const blocks = parsed.body.blocks.filter((b) => b.closed);
  for (const b of blocks) {
    if (b.labels.length !== 2) continue;
    if (b.type === "resource") ctx.resources.set(`${b.labels[0]}.${b.labels[1]}`, b);
    else if (b.type === "data") ctx.data.set(`${b.labels[0]}.${b.labels[1]}`, b);
  }
  for (const [key, block2] of ctx.resources) {
    const declaration = own(DECLARATIONS2, block2.labels[0]);
    if (declaration) ctx.records.set(key, declare(block2, declaration, ctx));
  }
  for (const [key, record3] of ctx.records) {
    const owner = DECLARATIONS2[record3.type].owner;
    if (owner) linkOwner(ctx.resources.get(key), record3, owner, ctx);
  }
  for (const block2 of ctx.resources.values()) applyLinks(block2, ctx);
  for (const record3 of ctx.records.values()) summariseRole(record3, ctx);
  const modules = blocks.filter((b) => b.type === "module" && b.labels.length === 1).flatMap((b) => moduleRecord(b, ctx));
  return { records: [...ctx.records.values(), ...modules], errors, references: ctx.references };
}
function own(table, key) {
  return Object.hasOwn(table, key) ? table[key] : void 0;
}
function identityId(type2, name3, ctx) {
  return `terraform:${type2}/${ctx.modulePath ? `${ctx.modulePath}/` : ""}${name3}`;
}
function declare(block2, declaration, ctx) {
  const [type2, name3] = block2.labels;
  const attributes = {};
  for (const fact of declaration.facts) {
    const a = attribute(block2, fact);
    if (a) attributes[fact] = factValue(a.value);
  }
  const record3 = { id: identityId(type2, name3, ctx), kind: declaration.kind, platform: "terraform", type: type2, name: name3, file: ctx.file, line: block2.line, attributes, usedBy: [] };
  if (ctx.modulePath) record3.namespace = ctx.modulePath;
  for (const meta of ["count", "for_each"]) {
    const a = attribute(block2, meta);
    if (a) {
      attributes[meta] = a.raw;
      record3.templated = true;
    }
  }
  addTypeFacts(block2, record3, ctx);
  const rotation = declaration.rotation?.(block2, ctx) ?? timeRotatingEvidence(block2, ctx);
  if (rotation) record3.rotationEvidence = rotation;
  return record3;
}
function factValue(value2) {
  if (value2 instanceof HclExpression) return value2.raw.length > 200 ? `${value2.raw.slice(0, 200)}\u2026` : value2.raw;
  if (Array.isArray(value2)) return value2.map(factValue);
  if (isObject(value2)) return Object.fromEntries(Object.entries(value2).map(([k, v]) => [k, factValue(v)]));
  return value2;
}
function addTypeFacts(block2, record3, ctx) {
  const a = record3.attributes;
  switch (record3.type) {
    case "aws_iam_access_key":
      a.encrypted = attribute(block2, "pgp_key") !== void 0;
      break;
    case "github_actions_secret":
    case "github_actions_environment_secret":
    case "github_actions_organization_secret": {
      a.value = attribute(block2, "encrypted_value") ? "encrypted" : valueSource(attribute(block2, "plaintext_value"));
      if (typeof a.secret_name === "string") a.declares = `github-actions:secret/${a.secret_name}`;
      break;
    }
    case "github_repository_deploy_key":
      record3.permissions = [attribute(block2, "read_only")?.value === false ? "contents:write" : "contents:read"];
      break;
    case "vault_approle_auth_backend_role": {
      const policies = attribute(block2, "token_policies")?.value;
      if (Array.isArray(policies)) record3.permissions = policies.map((p) => typeof p === "string" ? p : factValue(p));
      break;
    }
    case "azuread_service_principal":
      for (const ref of references(attribute(block2, "client_id") ?? attribute(block2, "application_id"), AZURE_APP, ctx)) a.application = ref.id;
      break;
  }
}
function valueSource(a) {
  if (!a) return void 0;
  return typeof a.value === "string" ? "literal" : "reference";
}
var REFERENCE2 = /(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g;
function references(a, types3, ctx) {
  if (!a) return [];
  const out = [];
  for (const m of a.raw.matchAll(REFERENCE2)) {
    if (types3.includes(m[1])) out.push({ type: m[1], name: m[2], id: identityId(m[1], m[2], ctx) });
  }
  return out;
}
function targets(a, types3, ctx, block2) {
  const refs = references(a, types3, ctx);
  if (refs.length > 0) return refs;
  const forEach = block2 && /\beach\.(value|key)\b/.test(a.raw) ? references(attribute(block2, "for_each"), types3, ctx) : [];
  if (forEach.length > 0) return forEach;
  const names2 = (Array.isArray(a.value) ? a.value : [a.value]).filter((v) => typeof v === "string");
  const out = [];
  for (const [key, record3] of ctx.records) {
    if (types3.includes(record3.type) && names2.includes(record3.attributes.name)) out.push({ type: record3.type, name: key.split(".")[1], id: record3.id });
  }
  return out;
}
function linkOwner(block2, record3, owner, ctx) {
  for (const attrName of owner.attributes) {
    const a = attribute(block2, attrName);
    if (!a) continue;
    for (const t of targets(a, owner.types, ctx, block2)) {
      record3.usedBy.push({ id: t.id, kind: t.type, name: t.name, file: ctx.file, line: a.line, via: attrName });
      record3.attributes.identity = t.id;
    }
  }
}
function applyLinks(block2, ctx) {
  const type2 = block2.labels[0];
  const link = own(LINKS, type2) ?? googleGrantLink(type2);
  if (!link) return;
  for (const attrName of link.targets) {
    const a = attribute(block2, attrName);
    if (!a) continue;
    for (const t of targets(a, link.types, ctx, block2)) {
      const target = ctx.records.get(`${t.type}.${t.name}`);
      if (target) link.apply(block2, target, ctx, a);
      else ctx.references.push(...crossFile(t, (stand) => link.apply(block2, stand, ctx, a)));
    }
  }
}
function crossFile(t, apply) {
  const stand = { id: t.id, kind: "identity", platform: "terraform", type: t.type, name: t.name, file: "", line: 0, attributes: {}, usedBy: [] };
  apply(stand);
  const out = [];
  if (stand.permissions || stand.rotationEvidence) {
    const ref = { target: t.id };
    if (stand.permissions) ref.permissions = stand.permissions;
    if (stand.grants) ref.grants = stand.grants;
    if (stand.rotationEvidence) ref.rotationEvidence = stand.rotationEvidence;
    out.push(ref);
  }
  for (const usedBy of stand.usedBy) out.push({ target: t.id, usedBy });
  return out;
}
function googleGrantLink(type2) {
  const m = GOOGLE_GRANT.exec(type2);
  if (!m || m[1] === "service_account") return void 0;
  return { targets: [m[2] === "member" ? "member" : "members"], types: ["google_service_account"], apply: grantGoogleRole };
}
function addPermission(record3, ...permissions) {
  const list = record3.permissions ??= [];
  for (const p of permissions) if (!list.includes(p)) list.push(p);
}
function addGrant(record3, ctx, line, ...permissions) {
  const grants = record3.grants ??= [];
  for (const permission of permissions) if (!grants.some((g) => g.permission === permission && g.line === line)) grants.push({ permission, file: ctx.file, line });
}
function text2(value2) {
  if (value2 === void 0 || value2 === null) return void 0;
  return value2 instanceof HclExpression ? value2.raw : typeof value2 === "string" ? value2 : JSON.stringify(value2);
}
function grantPolicyArn(link, target, ctx) {
  const arn = attribute(link, "policy_arn");
  if (!arn) return;
  const local = references(arn, ["aws_iam_policy"], ctx)[0];
  const policy = local && ctx.resources.get(`aws_iam_policy.${local.name}`);
  const statements = policy ? readPolicyDocument(attribute(policy, "policy")?.value, dataLookup(ctx)) : [];
  const actions2 = allowedActions(statements);
  addPermission(target, ...actions2.length > 0 ? actions2 : [arn.raw.replace(/^"|"$/g, "")]);
  addGrant(target, ctx, arn.line, ...actions2.length > 0 ? actionGrants2(statements) : [`aws-policy:${arn.raw.replace(/^"|"$/g, "")}`]);
}
function grantInlinePolicy(link, target, ctx) {
  const policy = attribute(link, "policy");
  const statements = readPolicyDocument(policy?.value, dataLookup(ctx));
  addPermission(target, ...allowedActions(statements));
  addGrant(target, ctx, policy?.line ?? link.line, ...actionGrants2(statements));
}
function secretRotation(link, target) {
  const rules = blocksOf(link, "rotation_rules")[0];
  const days = rules && attribute(rules, "automatically_after_days")?.value;
  const schedule = rules && text2(attribute(rules, "schedule_expression")?.value);
  const every = typeof days === "number" ? `${days} days` : schedule ?? "schedule not given";
  target.rotationEvidence = `aws_secretsmanager_secret_rotation (${every})`;
  if (typeof days === "number") target.attributes.rotationDays = days;
}
function grantAzureRole(link, target, ctx) {
  const roleAttr = attribute(link, "role_definition_name") ?? attribute(link, "role_definition_id");
  const role = text2(roleAttr?.value) ?? "role";
  const scope = text2(attribute(link, "scope")?.value);
  addPermission(target, scope ? `${role} on ${scope}` : role);
  addGrant(target, ctx, roleAttr?.line ?? link.line, `azure-role:${role} on ${scope ?? "?"}`);
}
function grantGoogleRole(link, target, ctx) {
  const roleAttr = attribute(link, "role");
  const role = text2(roleAttr?.value) ?? "role";
  const scopeType = GOOGLE_GRANT.exec(link.labels[0])?.[1] ?? "resource";
  addPermission(target, `${role} on ${scopeType}`);
  addGrant(target, ctx, roleAttr?.line ?? link.line, `gcp-role:${role} on ${scopeType}`);
}
function bindServiceAccountUser(link, target, ctx) {
  const role = text2(attribute(link, "role")?.value) ?? "role";
  const memberAttr = attribute(link, "member") ?? attribute(link, "members");
  if (!memberAttr) return;
  const members = Array.isArray(memberAttr.value) ? memberAttr.value : [memberAttr.value];
  for (const member of members) {
    if (typeof member !== "string") {
      (target.attributes.boundMembers ??= []).push(text2(member) ?? "");
      continue;
    }
    const m = member;
    const ksa = /\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]/.exec(m);
    const usedBy = ksa ? { id: `kubernetes:ServiceAccount/${ksa[1]}/${ksa[2]}`, kind: "ServiceAccount", name: ksa[2], namespace: ksa[1] } : { id: m, kind: m.startsWith("principalSet://") || m.startsWith("principal://") ? "workload-identity-pool" : "member", name: m };
    target.usedBy.push({ ...usedBy, file: ctx.file, line: memberAttr.line, via: role });
  }
}
function dataLookup(ctx) {
  return (type2, name3) => ctx.data.get(`${type2}.${name3}`);
}
function summariseRole(record3, ctx) {
  if (record3.type !== "aws_iam_role") return;
  const block2 = ctx.resources.get(`aws_iam_role.${record3.name}`);
  if (!block2) return;
  const trust = readPolicyDocument(attribute(block2, "assume_role_policy")?.value, dataLookup(ctx));
  const principals = [...new Set(trustedPrincipals(trust))];
  record3.attributes.assumedBy = principals;
  if (principals.some((p) => p.startsWith("Federated:") && p.includes("token.actions.githubusercontent.com"))) record3.attributes.githubOidc = true;
  const managedAttr = attribute(block2, "managed_policy_arns");
  const managed = managedAttr?.value;
  if (Array.isArray(managed)) {
    addPermission(record3, ...managed.map((m) => text2(m) ?? ""));
    addGrant(record3, ctx, managedAttr.line, ...managed.map((m) => `aws-policy:${text2(m) ?? ""}`));
  }
  for (const inline of blocksOf(block2, "inline_policy")) {
    const statements = readPolicyDocument(attribute(inline, "policy")?.value, dataLookup(ctx));
    addPermission(record3, ...allowedActions(statements));
    addGrant(record3, ctx, attribute(inline, "policy")?.line ?? inline.line, ...actionGrants2(statements));
  }
}
var ROTATION_UNITS = [["rotation_days", "days"], ["rotation_months", "months"], ["rotation_years", "years"], ["rotation_hours", "hours"], ["rotation_minutes", "minutes"]];
function timeRotatingEvidence(block2, ctx) {
  const lifecycle = blocksOf(block2, "lifecycle")[0];
  const carriers = [
    ["keepers", attribute(block2, "keepers")],
    ["rotate_when_changed", attribute(block2, "rotate_when_changed")],
    ["replace_triggered_by", lifecycle && attribute(lifecycle, "replace_triggered_by")]
  ];
  for (const [via, a] of carriers) {
    const ref = references(a, ["time_rotating"], ctx)[0];
    if (!ref) continue;
    const timer = ctx.resources.get(`time_rotating.${ref.name}`);
    const period = ROTATION_UNITS.map(([attr, unit]) => {
      const v = timer && attribute(timer, attr)?.value;
      return v === void 0 ? void 0 : typeof v === "number" ? `${v} ${unit}` : `${attr} ${text2(v)}`;
    }).find((p) => p !== void 0);
    return `${via} time_rotating.${ref.name}${period ? ` (${period})` : ""}`;
  }
  return void 0;
}
function azurePasswordRotation(block2, ctx) {
  const relative = attribute(block2, "end_date_relative");
  if (relative) return `end_date_relative ${text2(relative.value)}`;
  const timer = timeRotatingEvidence(block2, ctx);
  if (timer) return timer;
  const end = attribute(block2, "end_date");
  return end ? `end_date ${text2(end.value)}` : void 0;
}
function vaultSecretIdRotation(block2) {
  const ttl = attribute(block2, "secret_id_ttl")?.value;
  return typeof ttl === "number" && ttl > 0 ? `secret_id_ttl ${ttl}s` : void 0;
}
function moduleRecord(block2, ctx) {
  const source = attribute(block2, "source")?.value;
  if (typeof source !== "string" || !IAM_MODULES.some((re) => re.test(source))) return [];
  const name3 = block2.labels[0];
  const attributes = { source };
  const version = attribute(block2, "version")?.value;
  if (typeof version === "string") attributes.version = version;
  const record3 = { id: identityId("module", name3, ctx), kind: "identity", platform: "terraform", type: "module", name: name3, file: ctx.file, line: block2.line, attributes, usedBy: [], templated: true };
  if (ctx.modulePath) record3.namespace = ctx.modulePath;
  const arns = block2.attributes.flatMap((a) => literalStrings(a.value)).filter((s) => s.startsWith("arn:aws:iam::aws:policy/") || s.startsWith("roles/") || /=>roles\//.test(s));
  if (arns.length > 0) {
    record3.permissions = [...new Set(arns)];
    for (const a of block2.attributes) {
      for (const s of literalStrings(a.value)) {
        if (s.startsWith("arn:aws:iam::aws:policy/")) addGrant(record3, ctx, a.line, `aws-policy:${s}`);
        else if (s.startsWith("roles/")) addGrant(record3, ctx, a.line, `gcp-role:${s} on ${/project/.test(a.name) || a.name === "project_roles" ? "project" : "resource"}`);
      }
    }
  }
  return [record3, ...mintedCredentials(block2, record3, ctx)];
}
var MINTING_FLAGS = [
  { source: /^terraform-aws-modules\/iam\/aws(\/\/modules\/iam-user)?$/, flag: "create_iam_access_key", type: "aws_iam_access_key" },
  { source: /^terraform-aws-modules\/iam\/aws(\/\/modules\/iam-user)?$/, flag: "create_iam_user_login_profile", type: "aws_iam_user_login_profile" },
  { source: /^terraform-google-modules\/service-accounts\/google(\/\/modules\/[\w-]+)?$/, flag: "generate_keys", type: "google_service_account_key" }
];
function flagOn(block2, name3) {
  const a = attribute(block2, name3);
  return a && a.value === true ? a : void 0;
}
function mintedCredentials(block2, module, ctx) {
  const source = module.attributes.source;
  const out = [];
  for (const minting of MINTING_FLAGS) {
    const flag = minting.source.test(source) ? flagOn(block2, minting.flag) : void 0;
    if (!flag) continue;
    const name3 = `module.${module.name}`;
    const record3 = { id: identityId(minting.type, name3, ctx), kind: "credential", platform: "terraform", type: minting.type, name: name3, file: ctx.file, line: flag.line, attributes: { module: module.id, [minting.flag]: true }, usedBy: [{ id: module.id, kind: "module", name: module.name, file: ctx.file, line: flag.line, via: minting.flag }] };
    if (ctx.modulePath) record3.namespace = ctx.modulePath;
    const rotation = timeRotatingEvidence(block2, ctx);
    if (rotation) record3.rotationEvidence = rotation;
    out.push(record3);
  }
  return out;
}
function literalStrings(value2) {
  if (typeof value2 === "string") return [value2];
  if (Array.isArray(value2)) return value2.flatMap(literalStrings);
  if (isObject(value2)) return Object.values(value2).flatMap(literalStrings);
  return [];
}

// src/core/identities/workflows.ts
import { createHash as createHash2 } from "node:crypto";
var PLATFORM4 = "github-actions";
var CLOUD_LOGINS = [
  {
    action: "aws-actions/configure-aws-credentials",
    cloud: "aws",
    label: "AWS",
    staticInputs: ["aws-access-key-id", "aws-secret-access-key"],
    oidcInput: "role-to-assume",
    advice: "grant the job `permissions: id-token: write`, create an IAM role trusting token.actions.githubusercontent.com for this repository, pass it as `role-to-assume`, then delete the access key and its secrets"
  },
  {
    action: "google-github-actions/auth",
    cloud: "gcp",
    label: "Google Cloud",
    staticInputs: ["credentials_json"],
    oidcInput: "workload_identity_provider",
    advice: "grant the job `permissions: id-token: write`, set up Workload Identity Federation for GitHub, pass `workload_identity_provider` (and `service_account`), then delete the service-account key"
  },
  {
    action: "azure/login",
    cloud: "azure",
    label: "Azure",
    staticInputs: ["creds"],
    oidcInput: "client-id",
    advice: "grant the job `permissions: id-token: write`, add a federated credential for this repository to the app registration, pass `client-id`, `tenant-id` and `subscription-id` instead of `creds`, then delete the client secret"
  }
];
var SECRET_REF = /(?<![\w.-])secrets\.([A-Za-z_][A-Za-z0-9_]*)|(?<![\w.-])secrets\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\]/g;
var BUILT_IN = /* @__PURE__ */ new Set(["GITHUB_TOKEN"]);
var workflowsExtractor = {
  platform: PLATFORM4,
  matches: (path2) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path2),
  extract: extractWorkflow
};
function extractWorkflow(file) {
  const yaml2 = loadYaml(file.path, file.content);
  const root = asMapping(yaml2.documents[0]?.value);
  if (!root) return { records: [], errors: yaml2.errors };
  const workflow = file.path.split("/").pop() ?? file.path;
  const workflowPermissions = renderPermissions(root.permissions);
  const jobsMap = asMapping(root.jobs) ?? {};
  const jobs = Object.entries(jobsMap).map(([id, body]) => {
    const line = yaml2.keyLine(jobsMap, id, 1);
    const job = asMapping(body) ?? {};
    return {
      id,
      line,
      body: job,
      permissions: job.permissions !== void 0 ? renderPermissions(job.permissions) : workflowPermissions,
      permissionsLine: job.permissions !== void 0 ? yaml2.keyLine(job, "permissions", line) : root.permissions !== void 0 ? yaml2.keyLine(root, "permissions", 1) : void 0,
      usedBy: (useLine, via) => ({ id: `${PLATFORM4}:job/${workflow}/${id}`, kind: "job", name: id, file: file.path, line: useLine, via })
    };
  });
  jobs.sort((a, b) => a.line - b.line);
  const workflowUse = (line, via) => ({ id: `${PLATFORM4}:workflow/${workflow}`, kind: "workflow", name: workflow, file: file.path, line, via });
  const records = /* @__PURE__ */ new Map();
  const secret2 = (name3, line) => {
    const id = `${PLATFORM4}:secret/${name3}`;
    let r = records.get(id);
    if (!r) records.set(id, r = { id, kind: "credential", platform: PLATFORM4, type: "secret", name: name3, file: file.path, line, attributes: { tokenPermissions: {} }, usedBy: [] });
    return r;
  };
  for (const use of secretUses(file.content)) {
    const job = jobAt(jobs, use.line);
    const r = secret2(use.name, use.line);
    const usedBy = job ? job.usedBy(use.line, use.via) : workflowUse(use.line, use.via);
    r.usedBy.push(usedBy);
    r.attributes.tokenPermissions[usedBy.id] = job ? job.permissions : workflowPermissions;
    const permissions = job ? job.permissions : workflowPermissions;
    const permissionsLine = job ? job.permissionsLine : root.permissions !== void 0 ? yaml2.keyLine(root, "permissions", 1) : void 0;
    if (permissions.includes("write-all") && permissionsLine !== void 0) {
      const grants = r.grants ??= [];
      if (!grants.some((g) => g.file === file.path && g.line === permissionsLine)) grants.push({ permission: `github-token:write-all (${job ? `job ${job.id}` : "workflow"})`, file: file.path, line: permissionsLine });
    }
  }
  const callSecrets = asMapping(asMapping(asMapping(root.on)?.workflow_call)?.secrets) ?? {};
  for (const name3 of Object.keys(callSecrets)) {
    const line = yaml2.keyLine(callSecrets, name3, 1);
    secret2(name3.toUpperCase(), line).usedBy.push(workflowUse(line, "workflow_call"));
  }
  for (const r of records.values()) {
    if (r.usedBy.length > 0 && r.usedBy.every((u) => REFERENCE_INPUTS.has(u.via))) {
      r.kind = "config";
      r.attributes.reference = [...new Set(r.usedBy.map((u) => u.via))];
    }
  }
  const findings = [];
  for (const job of jobs) cloudLogins(file.path, yaml2, job, records, findings);
  for (const job of jobs) exposures(file.path, yaml2, root, job, records);
  const all = [...records.values()];
  return { records: all, errors: yaml2.errors, findings };
}
function secretUses(content) {
  const out = [];
  if (!content.includes("secrets")) return out;
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.includes("secrets") || /^\s*#/.test(line)) continue;
    if (!line.includes("${{") && !/^\s*(-\s+)?if:/.test(line)) continue;
    const via = /^\s*(?:-\s+)?([\w.-]+):/.exec(line)?.[1] ?? "expression";
    for (const m of line.matchAll(SECRET_REF)) {
      const name3 = (m[1] ?? m[2]).toUpperCase();
      if (!BUILT_IN.has(name3)) out.push({ name: name3, line: i + 1, via });
    }
  }
  return out;
}
function jobAt(jobs, line) {
  let found;
  for (const job of jobs) if (job.line <= line) found = job;
  return found;
}
function renderPermissions(value2) {
  if (value2 === void 0 || value2 === null) return ["default"];
  const text3 = asText(value2);
  if (text3 !== void 0) return [text3];
  const map2 = asMapping(value2) ?? {};
  const scopes = Object.entries(map2).map(([scope, level]) => `${scope}: ${asText(level) ?? "?"}`);
  return scopes.length ? scopes : ["none"];
}
function cloudLogins(file, yaml2, job, records, findings) {
  for (const step2 of asList(job.body.steps)) {
    const s = asMapping(step2) ?? {};
    const uses = asText(s.uses)?.split("@")[0].toLowerCase();
    const login = CLOUD_LOGINS.find((l) => l.action === uses);
    if (!login) continue;
    const inputs = asMapping(s.with) ?? {};
    const stepLine = yaml2.lineOf(step2, job.line);
    const staticInputs = login.staticInputs.filter((input) => inputs[input] !== void 0);
    if (staticInputs.length > 0) {
      const line2 = yaml2.keyLine(inputs, staticInputs[0], stepLine);
      const secrets = staticInputs.flatMap((input) => [...(asText(inputs[input]) ?? "").matchAll(SECRET_REF)].map((m) => `${PLATFORM4}:secret/${(m[1] ?? m[2]).toUpperCase()}`));
      findings.push({
        rule: "credential/static-ci-key",
        level: "warning",
        file,
        line: line2,
        column: 1,
        message: `Job \`${job.id}\` gives ${login.action} long-lived ${login.label} keys (${staticInputs.join(", ")}). Use OIDC instead: ${login.advice}.`,
        fingerprint: createHash2("sha256").update(`credential/static-ci-key|${file}|${job.id}|${login.action}`).digest("hex"),
        // The secret half of a key pair names the credential (see pairCredentials in link.ts).
        ...secrets.length ? { identityId: secrets.at(-1) } : {},
        owasp: ["NHI6"],
        data: { job: job.id, action: login.action, inputs: staticInputs, secrets }
      });
      continue;
    }
    const target = asText(inputs[login.oidcInput]);
    if (!target) continue;
    const full = target.replace(/^\$\{\{\s*(.*?)\s*\}\}$/, "$1");
    const name3 = shortOidcName(login.cloud, full);
    const id = `${PLATFORM4}:oidc/${login.cloud}/${name3}`;
    const line = yaml2.keyLine(inputs, login.oidcInput, stepLine);
    let r = records.get(id);
    if (!r) {
      const idTokenWrite = job.permissions.some((p) => p === "id-token: write" || p === "write-all");
      r = { id, kind: "identity", platform: PLATFORM4, type: "oidc", name: name3, namespace: login.cloud, file, line, attributes: { action: login.action, idTokenWrite, ...full !== name3 ? { target: full } : {} }, usedBy: [], permissions: job.permissions, rotationEvidence: "oidc (short-lived token per workflow run)" };
      records.set(id, r);
    }
    r.usedBy.push(job.usedBy(line, login.oidcInput));
  }
}
function shortOidcName(cloud, target) {
  if (cloud === "aws") {
    const arn = /^arn:aws[\w-]*:iam::(\d{12}|\$\{[^}]*\}):role\/(.+)$/.exec(target);
    if (arn) return `${arn[1]}/${arn[2]}`;
  }
  if (cloud === "gcp") {
    const provider = /workloadIdentityPools\/([^/]+)\/providers\/([^/]+)$/.exec(target);
    if (provider) return `${provider[1]}/${provider[2]}`;
  }
  return target;
}
var REFERENCE_INPUTS = /* @__PURE__ */ new Set(["role-to-assume", "role-session-name", "aws-region", "audience", "service_account", "workload_identity_provider", "project_id", "client-id", "tenant-id", "subscription-id"]);
var FIRST_PARTY = /^(actions|github)\//i;
var FULL_SHA = /^[0-9a-f]{40}$/i;
var PR_HEAD = /github\.event\.pull_request\.head\.|github\.head_ref|refs\/pull\/|github\.event\.pull_request\.merge_commit_sha/;
var PR_HEAD_RUN = /\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\/|\bgit\s+checkout\b[^\n]*\$\{\{\s*github\.(event\.pull_request\.head|head_ref)/;
function triggers(root) {
  const on = root.on ?? root[true];
  const text3 = asText(on);
  if (text3 !== void 0) return [text3];
  if (Array.isArray(on)) return on.map((t) => asText(t) ?? "");
  return Object.keys(asMapping(on) ?? {});
}
function secretNames(value2) {
  const texts = [];
  const walk = (v, depth) => {
    if (depth > 8) return;
    const t = asText(v);
    if (t !== void 0) texts.push(t);
    else for (const child of Array.isArray(v) ? v : Object.values(asMapping(v) ?? {})) walk(child, depth + 1);
  };
  walk(value2, 0);
  return texts.flatMap((t) => [...t.matchAll(SECRET_REF)].map((m) => (m[1] ?? m[2]).toUpperCase())).filter((n) => !BUILT_IN.has(n));
}
function exposures(file, yaml2, root, job, records) {
  const add = (name3, exposure) => {
    const r = records.get(`${PLATFORM4}:secret/${name3}`);
    if (!r) return;
    const list = r.attributes.exposures ??= [];
    if (!list.some((e) => e.kind === exposure.kind && e.line === exposure.line && e.file === exposure.file)) list.push(exposure);
  };
  const steps = asList(job.body.steps);
  if (triggers(root).includes("pull_request_target")) {
    let headLine;
    for (const step2 of steps) {
      const s = asMapping(step2) ?? {};
      const stepLine = yaml2.lineOf(step2, job.line);
      const uses = asText(s.uses)?.split("@")[0].toLowerCase();
      const ref = asText(asMapping(s.with)?.ref);
      if (uses === "actions/checkout" && ref && PR_HEAD.test(ref)) headLine ??= yaml2.keyLine(asMapping(s.with), "ref", stepLine);
      const run3 = asText(s.run);
      if (run3 && PR_HEAD_RUN.test(run3)) headLine ??= yaml2.keyLine(s, "run", stepLine);
    }
    if (headLine !== void 0) {
      const jobId = job.usedBy(0, "").id;
      for (const r of records.values()) {
        if (r.type === "secret" && r.usedBy.some((u) => u.id === jobId)) add(r.name, { kind: "pull_request_target", file, line: headLine, job: job.id });
      }
    }
  }
  for (const step2 of steps) {
    const s = asMapping(step2) ?? {};
    const uses = asText(s.uses);
    if (!uses || uses.startsWith("./") || uses.startsWith("docker://")) continue;
    const [action, ref = ""] = uses.split("@");
    if (FIRST_PARTY.test(action) || FULL_SHA.test(ref)) continue;
    const line = yaml2.keyLine(s, "uses", yaml2.lineOf(step2, job.line));
    for (const name3 of new Set(secretNames([s.with, s.env]))) add(name3, { kind: "unpinned-action", file, line, job: job.id, action: uses });
  }
}

// src/core/identities/registry.ts
var extractors = [
  terraformExtractor,
  kubernetesExtractor,
  cloudformationExtractor,
  workflowsExtractor,
  composeExtractor
];

// src/core/parallel/pool.ts
var LARGE_TREE_BYTES = 8 * 1024 * 1024;
var MAX_QUEUED_BYTES = 2 * 1024 * 1024;

// src/core/scan.ts
function admitted(item, settings2) {
  if (!("content" in item)) return item;
  if (isIgnored(item.path, settings2)) return void 0;
  return item;
}
function contributionOf(read, settings2, reveal2) {
  const item = withTextForReaders(read, settings2);
  const extracted = extractIdentities(item);
  const secrets = scanSecrets(item, settings2, reveal2);
  const out = { path: item.path, chars: item.content.length, extracted, secrets };
  if (keepsText(item.path, extracted, settings2)) out.content = item.content;
  return out;
}
function withTextForReaders(file, settings2) {
  if (file.standIn === void 0) return file;
  const read = keepsText(file.path, NOTHING_EXTRACTED, settings2) || extractors.some((extractor) => extractor.matches(file.path, file.content));
  return read ? exactSourceFile(file) : file;
}
var NOTHING_EXTRACTED = { records: [], findings: [], references: [] };
function keepsText(path2, extracted, settings2) {
  return path2 === settings2.ownersPath || CODEOWNERS_PATHS.includes(path2) || KustomizeNamespaces.keepsFile(path2, extracted);
}
function isIgnored(path2, settings2) {
  for (const glob of settings2.pathsIgnore) if (compiledGlob(glob).match(path2)) return true;
  return false;
}
var globCache = /* @__PURE__ */ new Map();
function compiledGlob(glob) {
  let compiled2 = globCache.get(glob);
  if (!compiled2) {
    if (globCache.size >= 1024) globCache.clear();
    compiled2 = new Minimatch(glob, { dot: true });
    globCache.set(glob, compiled2);
  }
  return compiled2;
}
function extractIdentities(file) {
  const records = [];
  const findings = [];
  const references2 = [];
  for (const extractor of extractors) {
    if (!extractor.matches(file.path, file.content)) continue;
    try {
      const result = extractor.extract(file);
      for (const record3 of result.records) {
        if (hasControlCharacters(record3.id)) {
          findings.push(parseErrorFinding({ file: file.path, line: record3.line, column: 1, message: `${extractor.platform}: a name with control characters (${plainText(record3.id)}) is not an identity; skipped` }));
        } else {
          records.push(record3);
        }
      }
      append(findings, result.errors.map(parseErrorFinding));
      if (result.findings) append(findings, result.findings);
      if (result.references) append(references2, result.references);
    } catch (error) {
      findings.push(parseErrorFinding({ file: file.path, line: 1, column: 1, message: `${extractor.platform} extractor failed: ${quoteErrorMessage(String(error?.message ?? error))}` }));
    }
  }
  return { records, findings, references: references2 };
}
function parseErrorFinding(error) {
  return {
    rule: "parse/error",
    level: "warning",
    file: error.file,
    line: error.line,
    column: error.column,
    message: error.message,
    // Keyed by file and problem, not line, so the same broken file keeps one fingerprint.
    fingerprint: createHash3("sha256").update(`parse/error\0${error.file}\0${error.message}`).digest("hex")
  };
}

// src/core/parallel/read-file.ts
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

// src/core/secrets/pieces.ts
var PIECE = 4 * 1024 * 1024;
var BACK2 = 64 * 1024;
var AHEAD = 256 * 1024;
var SNIFF = 8 * 1024;
var MIN_PUSH_ROOM = 64 * 1024;
var PieceScanner = class {
  constructor(path2, settings2, addedLines, reveal2, sizes = { piece: PIECE, back: BACK2, ahead: AHEAD }) {
    this.path = path2;
    this.settings = settings2;
    this.reveal = reveal2;
    this.sizes = sizes;
    if (addedLines) this.added = [...addedLines].sort((a, b) => a - b);
  }
  path;
  settings;
  reveal;
  sizes;
  /**
   * The bytes pushed and not yet dropped, in `store` (grown when a push does not fit, and reused:
   * each byte is copied in once): `buf` is its filled part, and `buf[0]` is the file's byte `base`.
   */
  store = Buffer.alloc(0);
  buf = this.store;
  base = 0;
  /** Start of the next own range, and its position. */
  ownFrom = 0;
  at = { line: 1, units: 0 };
  found = [];
  /** Change modes: the added lines, ascending. */
  added;
  binary = false;
  /** How pushed bytes are read: not known before the file's first 8 KiB (and two) have come, then as they are, or as UTF-16 in this order. */
  layout = "unknown";
  /** The file's first bytes, while its layout is not known. */
  head = [];
  headBytes = 0;
  /** UTF-16: bytes that do not make a whole character yet (an odd byte, the first half of a surrogate pair). */
  carry = Buffer.alloc(0);
  /**
   * Change modes, lines learnt as the bytes stream (a streamed patch): `line` counts as added.
   * Call it before pushing the line's bytes; only for a scanner made with `addedLines`.
   */
  markAdded(line) {
    const added = this.added;
    added.push(line);
    if (added.length > 1 && added[added.length - 2] > line) added.sort((a, b) => a - b);
  }
  /** Bytes that follow those already pushed (copied: the caller may reuse its buffer). */
  push(bytes) {
    if (this.binary) return;
    if (this.layout === "unknown") {
      this.head.push(Buffer.from(bytes));
      this.headBytes += bytes.length;
      if (this.headBytes >= SNIFF + 2) this.decide();
      return;
    }
    this.add(this.layout === "bytes" ? bytes : this.transcode(bytes, false));
  }
  /** Reads the file's first bytes (`head`): binary, UTF-16 text, or bytes taken as they are. */
  decide() {
    const head = Buffer.concat(this.head);
    this.head = [];
    if (head.subarray(0, SNIFF).indexOf(0) === -1) {
      this.layout = "bytes";
      this.add(head);
      return;
    }
    const utf16 = utf16Layout(head.subarray(0, SNIFF + 2));
    if (utf16 === void 0) {
      this.binary = true;
      return;
    }
    this.layout = utf16.order;
    this.add(this.transcode(head.subarray(utf16.from), false));
  }
  /**
   * UTF-16 bytes (after those carried over) as UTF-8; an odd last byte and the first half of a
   * surrogate pair wait for what follows, unless this is the `last` of the file (then a half pair
   * is read as it is, and an odd byte dropped, as `utf16Text` does).
   */
  transcode(bytes, last) {
    const data = Buffer.concat([this.carry, bytes]);
    let whole = data.length & ~1;
    const le = this.layout === "le";
    if (!last && whole >= 2) {
      const unit = le ? data[whole - 2] | data[whole - 1] << 8 : data[whole - 2] << 8 | data[whole - 1];
      if (unit >= 55296 && unit <= 56319) whole -= 2;
    }
    this.carry = last ? Buffer.alloc(0) : Buffer.from(data.subarray(whole));
    const units2 = data.subarray(0, whole);
    if (!le) units2.swap16();
    return Buffer.from(units2.toString("utf16le"), "utf8");
  }
  /** Bytes of the text to scan (UTF-8), copied: the caller may reuse them. */
  add(bytes) {
    const used = this.buf.length;
    if (used + bytes.length > this.store.length) {
      const { piece, back, ahead } = this.sizes;
      const grown = Buffer.allocUnsafeSlow(Math.max(used + bytes.length, piece + back + ahead + 4 + Math.max(bytes.length, MIN_PUSH_ROOM)));
      this.buf.copy(grown, 0, 0, used);
      this.store = grown;
    }
    this.store.set(bytes, used);
    this.buf = this.store.subarray(0, used + bytes.length);
    while (!this.binary && this.end() >= this.ownFrom + this.sizes.piece + this.sizes.ahead + 4) this.scanPiece(false);
  }
  /**
   * The findings, in file order, once every byte was pushed; undefined for a binary file (a NUL
   * byte in its first 8 KiB, as for any file: src/core/source.ts).
   */
  finish() {
    if (this.layout === "unknown") this.decide();
    if (!this.binary && (this.layout === "le" || this.layout === "be")) this.add(this.transcode(Buffer.alloc(0), true));
    while (!this.binary && this.ownFrom < this.end()) this.scanPiece(true);
    if (this.binary) return void 0;
    const limit = this.settings.limits?.secretsPerFile ?? MAX_SECRETS_PER_FILE;
    if (this.found.length <= limit) return this.found;
    const shown = this.found.slice(0, limit);
    shown.push(limitFinding(this.path, this.found[limit].line, `${this.found.length - limit} more secret findings in this file not reported (limit ${limit} per file)`));
    return shown;
  }
  /** The end of the bytes pushed so far. */
  end() {
    return this.base + this.buf.length;
  }
  scanPiece(last) {
    const { buf, base: base2 } = this;
    const end = this.end();
    const ownFrom = this.ownFrom;
    const { piece, back, ahead } = this.sizes;
    const ownTo = last && end - ownFrom <= piece + ahead ? end : this.cut(ownFrom + piece);
    const winFrom = ownFrom === 0 ? 0 : this.windowStart(ownFrom);
    const winTo = ownTo === end ? end : this.charStart(Math.min(end, ownTo + ahead));
    const start = this.before(winFrom, ownFrom, this.at);
    const ownEnd = ownTo === end ? void 0 : this.advance(ownFrom, ownTo, this.at);
    const bytes = buf.subarray(winFrom - base2, winTo - base2);
    const addedLines = this.added && this.windowLines(start.line, bytes);
    for (const f of scanSecrets(textSourceFile(this.path, bytes, addedLines), this.settings, this.reveal)) {
      const placed = shifted(f, start);
      if (compare(placed, this.at) < 0 || ownEnd && compare(placed, ownEnd) >= 0) continue;
      this.found.push(placed);
    }
    this.ownFrom = ownTo;
    if (ownEnd) this.at = ownEnd;
    const keepFrom = this.charStart(Math.max(base2, ownTo - back));
    const kept = buf.length - (keepFrom - base2);
    this.store.copyWithin(0, keepFrom - base2, buf.length);
    this.buf = this.store.subarray(0, kept);
    this.base = keepFrom;
  }
  /** Just after the last line feed in [at − BACK, at), else the character start at or before `at`. */
  cut(at15) {
    const from = Math.max(this.ownFrom + 1, at15 - this.sizes.back) - this.base;
    const nl = this.buf.lastIndexOf(10, at15 - this.base - 1);
    return nl >= from ? this.base + nl + 1 : this.charStart(at15);
  }
  /** Just after the first line feed in [ownFrom − BACK, ownFrom), else a character start near ownFrom − BACK. */
  windowStart(ownFrom) {
    const from = Math.max(this.base, ownFrom - this.sizes.back);
    const nl = this.buf.indexOf(10, from - this.base);
    return nl !== -1 && this.base + nl < ownFrom ? this.base + nl + 1 : this.charStart(from);
  }
  /** The start of the character holding byte `at` (UTF-8: not a continuation byte). */
  charStart(at15) {
    let i = at15;
    while (i > this.base && i < this.end() && (this.buf[i - this.base] & 192) === 128) i--;
    return i;
  }
  /** Position of `from`, given the position of `to` (from ≤ to). */
  before(from, to, at15) {
    if (from === to) return at15;
    const range2 = this.buf.subarray(from - this.base, to - this.base);
    let lines = 0;
    for (let i = range2.indexOf(10); i !== -1; i = range2.indexOf(10, i + 1)) lines++;
    if (lines === 0) return { line: at15.line, units: at15.units - units(range2) };
    return { line: at15.line - lines, units: 0 };
  }
  /** Position of `to`, given the position of `from` (from ≤ to). */
  advance(from, to, at15) {
    const range2 = this.buf.subarray(from - this.base, to - this.base);
    const lastNl = range2.lastIndexOf(10);
    if (lastNl === -1) return { line: at15.line, units: at15.units + units(range2) };
    let lines = 0;
    for (let i = range2.indexOf(10); i !== -1; i = range2.indexOf(10, i + 1)) lines++;
    return { line: at15.line + lines, units: units(range2.subarray(lastNl + 1)) };
  }
  /** The change's added lines inside a window starting at line `first`, numbered from the window's first line. */
  windowLines(first, bytes) {
    let count = 1;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
    const out = /* @__PURE__ */ new Set();
    const added = this.added;
    for (let i = lowerBound(added, first); i < added.length && added[i] < first + count; i++) out.add(added[i] - first + 1);
    return out;
  }
};
function units(bytes) {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b & 192) !== 128) n += b >= 240 ? 2 : 1;
  }
  return n;
}
function shifted(f, start) {
  const out = { ...f, line: start.line + f.line - 1, column: f.line === 1 ? start.units + f.column : f.column };
  if (f.endLine !== void 0) {
    out.endLine = start.line + f.endLine - 1;
    if (f.endColumn !== void 0) out.endColumn = f.endLine === 1 ? start.units + f.endColumn : f.endColumn;
  }
  return out;
}
function compare(f, p) {
  return f.line - p.line || f.column - (p.units + 1);
}
var MAX_STREAMED_BYTES = 100 * 1024 * 1024;
var BATCH_CHARS = 64 * 1024;
var READ_IN_PIECES = ": scanned for secrets in pieces, not parsed for identities";
function piecesRead(skip, secrets) {
  return { ...skip, detail: `${skip.detail}${READ_IN_PIECES}`, secrets };
}

// src/core/parallel/large-file.ts
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
var LARGE_FILE_CHARS = 1024 * 1024;
var LARGE_TEXTS_BUDGET = 4 * 1024 * 1024;
var collect2;
var uncollected = 0;
function afterLargeFile(chars) {
  if (chars < LARGE_FILE_CHARS) return false;
  uncollected += chars;
  return uncollected >= LARGE_TEXTS_BUDGET && collectNow();
}
function beforeLargeRead(bytes) {
  return bytes >= LARGE_TEXTS_BUDGET && uncollected > 0 && collectNow();
}
function collectNow() {
  uncollected = 0;
  if (collect2 === void 0) {
    try {
      setFlagsFromString("--expose-gc");
      collect2 = runInNewContext("gc");
    } catch {
      collect2 = null;
    }
  }
  collect2?.();
  return collect2 !== null;
}

// src/core/parallel/read-file.ts
var OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
var REUSED_BYTES = 1024 * 1024;
var reused;
var reads = 0;
function readSourceFile(path2, abs, maxFileSize, standIn = false) {
  const read = ++reads;
  let fd;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (error) {
    const code2 = errnoCode(error);
    if (code2 === "ELOOP") return skipped(path2, "invalid-path", "replaced by a symbolic link while scanning");
    return skipped(path2, "unreadable", code2 ?? error.message);
  }
  try {
    const limit = maxFileSize + 1;
    let bytes = reused ??= Buffer.allocUnsafeSlow(REUSED_BYTES);
    let got = 0;
    for (; ; ) {
      const room = Math.min(bytes.length, limit) - got;
      if (room <= 0) {
        const info2 = fstatSync(fd);
        if (!info2.isFile()) return skipped(path2, "unreadable", "not a regular file");
        const size = Math.max(info2.size, got);
        if (size > maxFileSize || got >= limit) return skipped(path2, "too-large", `${size} bytes exceeds max-file-size ${maxFileSize}`);
        beforeLargeRead(size);
        const larger = Buffer.allocUnsafe(Math.min(limit, Math.max(info2.size + 1, 2 * got)));
        bytes.copy(larger, 0, 0, got);
        bytes = larger;
        continue;
      }
      const n = readSync(fd, bytes, got, room, null);
      if (n === 0) break;
      got += n;
    }
    const text3 = bytes.subarray(0, got);
    return standIn ? toStandInSourceFile(path2, text3, { maxFileSize }, () => reads === read) : toSourceFile(path2, text3, { maxFileSize });
  } catch (error) {
    return skipped(path2, "unreadable", errnoCode(error) ?? error.message);
  } finally {
    closeSync(fd);
  }
}
function scanFileInPieces(skip, abs, settings2, addedLines, reveal2) {
  if (skip.reason !== "too-large") return skip;
  let fd;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch {
    return skip;
  }
  try {
    const info2 = fstatSync(fd);
    if (!info2.isFile()) return skip;
    beforeLargeRead(info2.size);
    const pieces = new PieceScanner(skip.path, settings2, addedLines, reveal2);
    const bytes = reused ??= Buffer.allocUnsafeSlow(REUSED_BYTES);
    for (let n = readSync(fd, bytes, 0, bytes.length, null); n > 0 && !pieces.binary; n = readSync(fd, bytes, 0, bytes.length, null)) pieces.push(bytes.subarray(0, n));
    const secrets = pieces.finish();
    return secrets ? piecesRead(skip, secrets) : skip;
  } catch {
    return skip;
  } finally {
    closeSync(fd);
  }
}
function skipped(path2, reason, detail) {
  return { path: path2, reason, detail };
}
function errnoCode(error) {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : void 0;
}

// src/core/parallel/v8-setting.ts
import { setFlagsFromString as setFlagsFromString2 } from "node:v8";
var V8Setting = class {
  constructor(flag, userFlags, envVar) {
    this.flag = flag;
    this.userFlags = userFlags;
    this.envVar = envVar;
  }
  flag;
  userFlags;
  envVar;
  #applied = false;
  /** Sets the flag unless the user chose otherwise; returns whether it was set. */
  apply(execArgv, env) {
    if (this.chosenByUser(execArgv, env)) return false;
    this.#applied = this.set();
    return this.#applied;
  }
  /** Whether this thread's `apply` set the flag (a thread tells the workers it starts). */
  get applied() {
    return this.#applied;
  }
  /**
   * Sets the flag again where it was set before (`wanted`: in this thread, or as the thread that
   * started this worker says): on Node 20 and 22 a worker's start-up resets V8's flags, which are
   * the process's, to the command line's (docs/performance.md, "Read-ahead").
   */
  again(wanted = this.#applied) {
    if (wanted) this.set();
  }
  chosenByUser(execArgv, env) {
    if ((env[this.envVar] ?? "").trim().toLowerCase() === "default") return true;
    const given = [...execArgv, ...(env.NODE_OPTIONS ?? "").split(/\s+/)];
    return given.some((arg) => this.userFlags.test(arg.replaceAll("_", "-")));
  }
  set() {
    try {
      setFlagsFromString2(this.flag);
      return true;
    } catch {
      return false;
    }
  }
};

// src/core/parallel/young-generation.ts
var YOUNG_GENERATION_FLAG = /^--(?:max-semi-space-size|min-semi-space-size|semi-space-growth-factor)(?:=|$)/;
var youngGeneration = new V8Setting("--semi-space-growth-factor=1", YOUNG_GENERATION_FLAG, "NHI_STEWARD_YOUNG_GENERATION");
function keepYoungGenerationSmallAgain(wanted = youngGeneration.applied) {
  youngGeneration.again(wanted);
}
var HISTORY_NEW_SPACE_MAX = 32 * 1024 * 1024;

// src/core/parallel/reader.ts
var RING_BYTES = 1024 * 1024;
var MAX_RECORD_BYTES = 256 * 1024;

// src/core/parallel/tree-pool.ts
var TREE_POOL_BYTES = 8 * 1024 * 1024;
function claim(next2, bound2) {
  for (; ; ) {
    const position = Atomics.load(next2, 0);
    if (position >= bound2) return -1;
    if (Atomics.compareExchange(next2, 0, position, position + 1) === position) return position;
  }
}
var NOTHING = Object.freeze({
  extracted: Object.freeze({ records: Object.freeze([]), findings: Object.freeze([]), references: Object.freeze([]) }),
  secrets: Object.freeze([])
});
function nothingFound(path2, chars) {
  return { path: path2, chars, extracted: NOTHING.extracted, secrets: NOTHING.secrets };
}
function scanOne(job, settings2, reveal2) {
  const outcome = scanItem(job, readSourceFile(job.path, job.abs, settings2.maxFileSize, true), settings2, reveal2);
  afterLargeFile(outcome.file?.chars ?? (outcome.skipped?.secrets ? PIECE : 0));
  return outcome;
}
function scanItem(job, read, settings2, reveal2) {
  const item = admitted(read, settings2);
  if (!item) return { index: job.index };
  if (!("content" in item)) return { index: job.index, skipped: item.reason === "too-large" ? scanFileInPieces(item, job.abs, settings2, void 0, reveal2) : item };
  const file = contributionOf(item, settings2, reveal2);
  return { index: job.index, file: reportsNothing(file) ? nothingFound(file.path, file.chars) : file };
}
function reportsNothing(file) {
  return file.content === void 0 && !file.secrets.length && !file.extracted.records.length && !file.extracted.findings.length && !file.extracted.references.length;
}

// src/core/parallel/secrets-worker.ts
var { settings, done, next, reveal, youngGeneration: youngGeneration2 } = workerData;
if (next) keepYoungGenerationSmallAgain(youngGeneration2 === true);
parentPort?.on("message", (request) => {
  if ("kind" in request) return scanClaimed(request);
  let response;
  try {
    const file = request.addedLines ? { path: request.path, content: request.content, addedLines: new Set(request.addedLines) } : { path: request.path, content: request.content };
    if (request.reveal) {
      const secrets = [];
      response = { id: request.id, findings: scanSecrets(file, settings, (s) => secrets.push(s)), secrets };
    } else {
      response = { id: request.id, findings: scanSecrets(file, settings) };
    }
  } catch (error) {
    response = { id: request.id, error: error.message };
  }
  Atomics.add(done, 0, request.cost);
  parentPort?.postMessage(response);
});
var base = -1;
var received = [];
var FLUSH_FILES = 16;
function scanClaimed(request) {
  if (base < 0) base = request.start;
  for (const file of request.files) received.push(file);
  let outcomes = [];
  let empty = [];
  let secrets = [];
  let files = 0;
  const flush = () => {
    const response = reveal ? { outcomes, empty, secrets } : { outcomes, empty };
    parentPort?.postMessage(response);
    outcomes = [];
    empty = [];
    secrets = [];
    files = 0;
  };
  for (let p = claim(next, base + received.length); p >= 0; p = claim(next, base + received.length)) {
    const job = received[p - base];
    try {
      const outcome = scanOne(job, settings, reveal ? (s) => secrets.push(s) : void 0);
      if (outcome.file && reportsNothing(outcome.file)) empty.push(p, outcome.file.chars);
      else outcomes.push(outcome);
    } catch {
      outcomes.push({ index: job.index, retry: p });
    }
    if (++files >= FLUSH_FILES) flush();
  }
  if (files) flush();
}
