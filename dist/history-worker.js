import { createRequire as __nhiCreateRequire } from 'node:module'; const require = __nhiCreateRequire(import.meta.url);

// src/workspace/history-worker.ts
import { parentPort, workerData } from "node:worker_threads";

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
function containsAllow(text, start, end) {
  if (typeof text !== "string") return bytesContainAllow(text.bytes, start, Math.min(end, text.length));
  for (let i = start, last = end - ALLOW.length; i <= last; i++) {
    if ((text.charCodeAt(i) | 32) !== 97) continue;
    if ((text.charCodeAt(i + 1) | 32) === 108 && (text.charCodeAt(i + 2) | 32) === 108 && (text.charCodeAt(i + 3) | 32) === 111 && (text.charCodeAt(i + 4) | 32) === 119) return true;
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
function step(scaled, width, p, state, h, hEnd, next) {
  return [
    ...get(state),
    ...get(p),
    ...width === 2 ? LOAD16_U : LOAD8_U,
    ...load8(CLS_AT),
    ...scaled ? [] : [...i32(2), SHL],
    ADD,
    ...load(DELTA_AT),
    ...tee(next),
    ...i32(0),
    LT_S,
    IF,
    VOID,
    // a keyword ends here
    ...get(h),
    ...get(next),
    ...i32(-1),
    XOR,
    ...tee(next),
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
    ...get(next),
    ...set(state),
    ...get(p),
    ...i32(width),
    ADD,
    ...set(p),
    BR,
    3,
    END_,
    END_,
    ...get(next),
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
    const { p, state, h, hEnd, next } = stream(s);
    return step(scaled, width, p, state, h, hEnd, next);
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
  scan(text, hits) {
    let state = 0;
    const width = typeof text === "string" && WIDER_THAN_A_BYTE.test(text) ? 2 : 1;
    this.width = width;
    for (let base = 0; base < text.length; base += CHUNK) {
      const n = Math.min(CHUNK, text.length - base);
      if (typeof text === "string") this.bytes.write(n === text.length ? text : text.substring(base, base + n), this.textAt, n * width, width === 2 ? "utf16le" : "latin1");
      else text.copyTo(this.bytes, this.textAt, base, base + n);
      state = n >= STREAMS * (2 * this.warmUp + 256) ? this.streams(n, base, state, hits) : this.oneStream(this.textAt, this.textAt + n * width, state, base, 0, hits);
    }
  }
  /** Scans [p, end) of the chunk from `state`, appending keyword ends at or after byte address `from`; returns the final state. */
  oneStream(p, end, state, base, from, out) {
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
  streams(n, base, state, out) {
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
  collect(at15, filled, base, from, out) {
    const { words, textAt, stride } = this;
    const shift = this.width >> 1;
    for (let h = at15; h < filled; h += 8) {
      const address = words[(h >> 2) + 1];
      if (address >= from) out.push(words[h >> 2] / stride, base + (address - textAt >> shift) + 1);
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
  scan(text) {
    this.found.clear();
    this.scanInto(text, this.found);
    return this.found.take();
  }
  /**
   * `scan(text)`'s hits in a view of the buffer this automaton gathers hits in: valid only until
   * its next scan of any kind. For a caller done with them by then (a tree scan's file), this
   * spares a copy, and an allocation outside V8's heap, per file: the corpus's tree scan took
   * ~3 % more CPU with one (docs/history.md, "seventeenth session").
   */
  scanView(text) {
    this.found.clear();
    this.scanInto(text, this.found);
    return this.found.view();
  }
  /** Appends `scan(text)`'s hits to `out`. */
  scanInto(text, out) {
    if (text.length >= WASM_FROM) {
      if (this.wasm === void 0) this.wasm = WasmKeywordScanner.create(this.classOf, this.classCount, this.delta, this.longest, this.classed);
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
  scanAgainst(text, hits, segments) {
    const n = text.length;
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
  found = new HitBuffer();
  /** …and where `scanAgainst` gathers its own. */
  merged = new HitBuffer();
  /** The JavaScript loop (short texts, and where WebAssembly is unavailable). */
  scanJs(text) {
    this.found.clear();
    this.scanJsInto(text, this.found);
    return this.found.take();
  }
  scanJsInto(text, hits) {
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
function stretch(text, from, to) {
  if (typeof text === "string" || to - from < WASM_FROM) return text.substring(from, to);
  return new ByteText(text.bytes.subarray(from, to), to - from);
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
  let text = "";
  let depth = 0;
  for (let i = 0; i < source.length; ) {
    const ch = source[i];
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (depth === 0 && /[^A-Za-z0-9]/.test(next) && next !== "") text += next;
      else if (depth === 0) {
        if (text) runs.push({ text, end: i });
        text = "";
      }
      const tail = next === "x" ? 2 : next === "u" ? 4 : next === "c" ? 1 : next === "k" ? source.indexOf(">", i) - i - 1 : 0;
      i += 2 + Math.max(0, tail);
      continue;
    }
    if (ch === "[") {
      if (depth === 0 && text) runs.push({ text, end: i });
      text = "";
      i += 1;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i += 1;
      continue;
    }
    if (ch === "(" || ch === ")") {
      if (depth === 0 && text) runs.push({ text, end: i });
      text = "";
      depth += ch === "(" ? 1 : -1;
      i += 1;
      continue;
    }
    if (depth === 0) {
      if (ch === "|") return void 0;
      if ("*+?{}^$.".includes(ch)) {
        if (text && !"*+?{".includes(ch)) runs.push({ text, end: i });
        text = "";
      } else text += ch;
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
  const text = size === 65536 ? allCodeUnits : allCodeUnits.slice(0, size);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) table[m.index] = 1;
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
      const next = source[i + 1] ?? "";
      i += 2;
      if (next === "n") atom(1);
      else if (next === "\\" && source[i] === "n") {
        i += 1;
        atom(1);
      } else if (next === "k" && source[i] === "<") {
        const end = source.indexOf(">", i);
        const name3 = source.slice(i + 1, end);
        i = end + 1;
        atom(captured.get(name3) ?? Infinity);
      } else if (/[1-9]/.test(next)) {
        let digits = next;
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
  constructor(text, earlier) {
    this.text = text;
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
    const { text } = this;
    while (this.starts[this.count - 1] <= offset && this.scanned <= text.length) {
      const earlier = this.earlier;
      let next = text.length + 1;
      if (earlier !== void 0) {
        const { segments } = earlier;
        while (this.run < segments.length && segments[this.run] + segments[this.run + 2] <= this.scanned) this.run += 3;
        if (this.run < segments.length) {
          const start = segments[this.run];
          if (start <= this.scanned) {
            this.copyShared(offset, start, segments[this.run + 1], segments[this.run + 2]);
            continue;
          }
          next = start;
        } else this.earlier = void 0;
      }
      const at15 = typeof text === "string" ? text.indexOf("\n", this.scanned) : text.newlineFrom(this.scanned);
      if (at15 === -1 || at15 >= next) {
        this.scanned = at15 === -1 ? text.length + 1 : next;
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
    const lineEnd = line < this.count ? this.starts[line] - 1 : this.text.length;
    return [from, Math.max(offset, Math.min(lineEnd, end + radius))];
  }
};
var LINE_RADIUS = 1024;
function lineAround(text, offset, end, radius = LINE_RADIUS) {
  const lower2 = Math.max(0, offset - radius);
  let from = offset;
  while (from > lower2 && text.charCodeAt(from - 1) !== 10) from--;
  const upper = Math.min(text.length, end + radius);
  let to = offset;
  while (to < upper && text.charCodeAt(to) !== 10) to++;
  return text.slice(from, to);
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
function keyedFingerprint(key, detectorId, secret) {
  const cached = keyedCache.get(key, detectorId, secret);
  if (cached !== void 0) return cached;
  const digest = createHmac("sha256", key).update("nhi-steward/secret/v2\0").update(detectorId).update("\0").update(secret).digest("hex");
  const size = key.length + detectorId.length + secret.length + 2;
  if (size <= KEYED_CACHE_CHARS / 64) keyedCache.set(key, detectorId, secret, digest, size);
  return digest;
}
function detached(text) {
  return text.length < 13 ? text : (" " + text).slice(1);
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
function legacyFingerprint(detectorId, secret) {
  return createHash("sha256").update(detectorId).update("\0").update(secret).digest("hex");
}
var DEFAULT_SCRYPT = { N: 1 << 15, r: 8, p: 1 };
var MAX_N = 1 << 17;
function saltedSecretHash(salt, cost, detectorId, secret) {
  const cached = cache.get(`${salt}\0${cost.N}\0${cost.r}\0${cost.p}\0${detectorId}\0${secret}`);
  if (cached) return cached;
  const hash = scryptSync(`${detectorId}\0${secret}`, salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }).toString("hex");
  if (cache.size >= 4096) cache.clear();
  cache.set(`${salt}\0${cost.N}\0${cost.r}\0${cost.p}\0${detectorId}\0${secret}`, hash);
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
  let lineEnd = -1;
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
        lineEnd = nearEnd = -1;
        s += 3;
        continue;
      }
    }
    const keywords = automaton.keywordsAt(hits[h]);
    for (let k = 0; k < keywords.length; k++) {
      const keyword = keywords[k];
      const hitStart = hitEnd - keywordLengths[keyword];
      const list = keywordDetectors[keyword];
      if (hitStart < lineStart || hitStart > lineEnd) {
        lineStart = hitStart === 0 ? 0 : content.lastIndexOf("\n", hitStart - 1) + 1;
        lineEnd = lineEndFrom(content, hitStart);
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
        else if (reach === "line") end = Math.min(lineEnd, hitEnd + FORWARD);
        else if (reach === "far") end = Math.min(n, hitEnd + FORWARD);
        else {
          if (nearEnd < 0) nearEnd = lineEndFrom(content, lineEndFrom(content, lineEnd + 1) + 1);
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
  const known = reaches.get(catalog);
  if (known !== void 0) return known;
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
            const pairs = against.log.matches;
            const values = against.log.values;
            const verdicts2 = against.log.judged;
            for (let k = before[j + 3]; k < before[j + 4]; k += 2) {
              const matchStart = pairs[k] + by;
              const matchEnd = pairs[k + 1] + by;
              const lineShared = (startsBoth || matchStart - LINE_RADIUS > start) && (endsBoth || matchEnd + LINE_RADIUS <= end);
              const judged = lineShared ? verdicts2[k >> 1] : void 0;
              const secret = values[k >> 1];
              const match2 = { detector: d, secret, start: matchStart, end: matchEnd, slot: matches.length >> 1 };
              if (judged !== void 0) match2.judged = judged;
              out.push(match2);
              matches.push(matchStart, matchEnd);
              log.values.push(secret);
              log.numbers += valueNumbers(secret);
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
  const text = sliceStart === 0 && sliceEnd === n && typeof content === "string" ? content : content.slice(sliceStart, sliceEnd);
  readEnd = sliceEnd;
  if (anchors) {
    runAnchored(content, compiled2, d, from, to, text, sliceStart, sliceEnd, anchors, out);
    return readEnd;
  }
  const regex = regexOf(compiled2);
  regex.lastIndex = from - sliceStart;
  let previousStart = -1;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const matchStart = sliceStart + m.index;
    if (matchStart >= to) break;
    if (m[0].length === 0) {
      regex.lastIndex++;
      continue;
    }
    if (matchStart !== previousStart && record(content, compiled2, d, m, text.length, sliceStart, sliceEnd, out)) previousStart = matchStart;
  }
  return readEnd;
}
var readEnd = 0;
function runAnchored(content, compiled2, d, from, to, text, sliceStart, sliceEnd, anchors, out) {
  const sticky = stickyOf(compiled2);
  let next = from;
  for (let i = lowerBound(anchors, from); i < anchors.length; i++) {
    const at15 = anchors[i];
    if (at15 >= to) break;
    if (at15 < next) continue;
    sticky.lastIndex = at15 - sliceStart;
    const m = sticky.exec(text);
    if (m === null) continue;
    if (m[0].length === 0) {
      next = at15 + 1;
      continue;
    }
    next = at15 + m[0].length;
    record(content, compiled2, d, m, text.length, sliceStart, sliceEnd, out);
  }
}
function record(content, compiled2, d, m, textLength, sliceStart, sliceEnd, out) {
  const n = content.length;
  const matchStart = sliceStart + m.index;
  let match2 = m;
  let base = sliceStart;
  if (m.index + m[0].length === textLength && sliceEnd < n) {
    base = Math.max(0, matchStart - CONTEXT);
    const longerEnd = Math.min(n, matchStart + TRUNCATED_REACH);
    if (longerEnd > readEnd) readEnd = longerEnd;
    const longer = content.slice(base, longerEnd);
    const sticky = stickyOf(compiled2);
    sticky.lastIndex = matchStart - base;
    match2 = sticky.exec(longer);
  }
  if (!match2) return false;
  const raw = toRawMatch(match2, base, d, compiled2.hasSecretGroup);
  if (raw) out.push(raw);
  return true;
}
function toRawMatch(m, base, d, hasSecretGroup) {
  if (!hasSecretGroup) return { detector: d, secret: m[0], start: base + m.index, end: base + m.index + m[0].length };
  const span = m.indices?.groups?.secret;
  const secret = m.groups?.secret;
  if (!span || !secret) return void 0;
  return { detector: d, secret, start: base + span[0], end: base + span[1] };
}

// node_modules/balanced-match/dist/esm/index.js
var range = (a, b, str) => {
  let begs, beg, left, right = void 0, result;
  let ai = str.indexOf(a);
  let bi = str.indexOf(b, ai + 1);
  let i = ai;
  if (ai >= 0 && bi > 0) {
    if (a === b) {
      return [ai, bi];
    }
    begs = [];
    left = str.length;
    while (i >= 0 && !result) {
      if (i === ai) {
        begs.push(i);
        ai = str.indexOf(a, i + 1);
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
        bi = str.indexOf(b, i + 1);
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
function numeric(str) {
  return !isNaN(str) ? parseInt(str, 10) : str.charCodeAt(0);
}
function escapeBraces(str) {
  return str.replace(slashPattern, escSlash).replace(openPattern, escOpen).replace(closePattern, escClose).replace(commaPattern, escComma).replace(periodPattern, escPeriod);
}
function unescapeBraces(str) {
  return str.replace(escSlashPattern, "\\").replace(escOpenPattern, "{").replace(escClosePattern, "}").replace(escCommaPattern, ",").replace(escPeriodPattern, ".");
}
function pushAll(target, items) {
  for (let i = 0; i < items.length; i++) {
    target.push(items[i]);
  }
}
function balancedWithBudget(str, masked, budget) {
  if (budget.remaining < 0) {
    return void 0;
  }
  const r = range("{", "}", masked);
  const unmatched = r !== void 0 && masked.indexOf("{") < r[0];
  budget.remaining -= r && !unmatched ? r[1] + 1 : str.length;
  if (!r || budget.remaining < 0) {
    return void 0;
  }
  return {
    end: r[1],
    pre: str.slice(0, r[0]),
    body: str.slice(r[0] + 1, r[1]),
    post: str.slice(r[1] + 1),
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
function commaSetFollows(str, budget) {
  budget.remaining -= str.length;
  if (budget.remaining < 0) {
    return false;
  }
  let close = false;
  for (let i = str.length - 1; i >= 0; i--) {
    const c = str.charCodeAt(i);
    if (c === 125) {
      close = true;
    } else if (c === 10 || c === 13 || c === 8232 || c === 8233) {
      close = false;
    } else if (c === 44 && close && str.charCodeAt(i + 1) !== 44) {
      return true;
    }
  }
  return false;
}
function parseCommaParts(str, budget) {
  const parts = [];
  let carry = "";
  for (; ; ) {
    const m = balancedWithBudget(str, str, budget);
    if (budget.remaining < 0) {
      return void 0;
    }
    if (!m) {
      const tail = str.split(",");
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
    str = post;
  }
}
function bound(value2, fallback) {
  return value2 === void 0 || isNaN(value2) ? fallback : value2;
}
function expand(str, options = {}) {
  if (!str) {
    return [];
  }
  const max = bound(options.max, EXPANSION_MAX);
  const maxLength = bound(options.maxLength, EXPANSION_MAX_LENGTH);
  const maxDepth = bound(options.maxDepth, EXPANSION_MAX_DEPTH);
  const maxRewrites = bound(options.maxRewrites, EXPANSION_MAX_REWRITES);
  const maxSteps = bound(options.maxSteps, EXPANSION_MAX_STEPS);
  if (str.slice(0, 2) === "{}") {
    str = "\\{\\}" + str.slice(2);
  }
  return expand_(escapeBraces(str), max, maxLength, maxDepth, 0, maxRewrites, { remaining: maxSteps }, true).map(unescapeBraces);
}
function embrace(str) {
  return "{" + str + "}";
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
function expand_(str, max, maxLength, maxDepth, depth, maxRewrites, budget, isTop) {
  budget.remaining -= CALL_STEPS;
  if (depth > maxDepth) {
    return [str];
  }
  let acc = [""];
  let rewrites = 0;
  let dropEmpties = false;
  let firstGroup = true;
  let masked = str;
  for (; ; ) {
    const m = balancedWithBudget(str, masked, budget);
    if (!m) {
      return combine(acc, str, [""], max, maxLength, dropEmpties, budget);
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
      str = m.post;
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
        str = m.pre + "{" + m.body + escClose + m.post;
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
          const next2 = combine(acc, pre + n[0], [""], max, maxLength, dropEmpties && !m.post.length, budget);
          if (budget.remaining < 0) {
            return literal();
          }
          acc = next2;
          if (!m.post.length)
            break;
          str = m.post;
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
    const next = combine(acc, pre, values, max, maxLength, dropEmpties && !m.post.length, budget);
    if (budget.remaining < 0) {
      return literal();
    }
    acc = next;
    if (!m.post.length)
      break;
    str = m.post;
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
  constructor(type, parent, options = {}) {
    this.type = type;
    if (type)
      this.#hasMagic = true;
    this.#parent = parent;
    this.#root = this.#parent ? this.#parent.#root : this;
    this.#options = this.#root === this ? options : this.#root.#options;
    this.#negs = this.#root === this ? [] : this.#root.#negs;
    if (type === "!" && !this.#root.#filledNegs)
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
  static #parseAST(str, ast, pos, opt, extDepth) {
    const maxDepth = opt.maxExtglobRecursion ?? 2;
    let escaping = false;
    let inBrace = false;
    let braceStart = -1;
    let braceNeg = false;
    if (ast.type === null) {
      let i2 = pos;
      let acc2 = "";
      while (i2 < str.length) {
        const c = str.charAt(i2++);
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
        const doRecurse = !opt.noext && isExtglobType(c) && str.charAt(i2) === "(" && extDepth <= maxDepth;
        if (doRecurse) {
          ast.push(acc2);
          acc2 = "";
          const ext2 = new _a(c, ast);
          i2 = _a.#parseAST(str, ext2, i2, opt, extDepth + 1);
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
    while (i < str.length) {
      const c = str.charAt(i++);
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
      const doRecurse = !opt.noext && isExtglobType(c) && str.charAt(i) === "(" && /* c8 ignore start - the maxDepth is sufficient here */
      (extDepth <= maxDepth || ast && ast.#canAdoptType(c));
      if (doRecurse) {
        const depthAdd = ast && ast.#canAdoptType(c) ? 0 : 1;
        part.push(acc);
        acc = "";
        const ext2 = new _a(c, part);
        part.push(ext2);
        i = _a.#parseAST(str, ext2, i, opt, extDepth + depthAdd);
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
    ast.#parts = [str.substring(pos - 1)];
    return i;
  }
  #canAdoptWithSpace(child) {
    return this.#canAdopt(child, adoptionWithSpaceMap);
  }
  #canAdopt(child, map = adoptionMap) {
    if (!child || typeof child !== "object" || child.type !== null || child.#parts.length !== 1 || this.type === null) {
      return false;
    }
    const gc = child.#parts[0];
    if (!gc || typeof gc !== "object" || gc.type === null) {
      return false;
    }
    return this.#canAdoptType(gc.type, map);
  }
  #canAdoptType(c, map = adoptionAnyMap) {
    return !!map.get(this.type)?.includes(c);
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
      let done = false;
      do {
        done = true;
        for (let i = 0; i < this.#parts.length; i++) {
          const c = this.#parts[i];
          if (typeof c === "object") {
            c.#flatten();
            if (this.#canAdopt(c)) {
              done = false;
              this.#adopt(c, i);
            } else if (this.#canAdoptWithSpace(c)) {
              done = false;
              this.#adoptWithSpace(c, i);
            } else if (this.#canUsurp(c)) {
              done = false;
              this.#usurp(c);
            }
          }
        }
      } while (!done && ++iterations < 10);
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
      constructor(type, parent, options = {}) {
        super(type, parent, ext(def, options));
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
    let set2 = this.globParts.map((s, _, __) => {
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
    this.debug(this.pattern, set2);
    this.set = set2.filter((s) => s.indexOf(false) === -1);
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
      parts = parts.reduce((set2, part) => {
        const prev = set2[set2.length - 1];
        if (part === "**" && prev === "**") {
          return set2;
        }
        if (part === "..") {
          if (prev && prev !== ".." && prev !== "." && prev !== "**") {
            set2.pop();
            return set2;
          }
        }
        set2.push(part);
        return set2;
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
          let next = parts[gs + 1];
          const p = parts[gs + 2];
          const p2 = parts[gs + 3];
          if (next !== "..")
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
    const set2 = this.set;
    if (!set2.length) {
      this.regexp = false;
      return this.regexp;
    }
    const options = this.options;
    const twoStar = options.noglobstar ? star2 : options.dot ? twoStarDot : twoStarNoDot;
    const flags = new Set(options.nocase ? ["i"] : []);
    let re = set2.map((pattern) => {
      const pp = pattern.map((p) => {
        if (p instanceof RegExp) {
          for (const f of p.flags.split(""))
            flags.add(f);
        }
        return typeof p === "string" ? regExpEscape2(p) : p === GLOBSTAR ? GLOBSTAR : p._src;
      });
      pp.forEach((p, i) => {
        const next = pp[i + 1];
        const prev = pp[i - 1];
        if (p !== GLOBSTAR || prev === GLOBSTAR) {
          return;
        }
        if (prev === void 0) {
          if (next !== void 0 && next !== GLOBSTAR) {
            pp[i + 1] = "(?:\\/|" + twoStar + "\\/)?" + next;
          } else {
            pp[i] = twoStar;
          }
        } else if (next === void 0) {
          pp[i - 1] = prev + "(?:\\/|\\/" + twoStar + ")?";
        } else if (next !== GLOBSTAR) {
          pp[i - 1] = prev + "(?:\\/|\\/" + twoStar + "\\/)" + next;
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
    const [open, close] = set2.length > 1 ? ["(?:", ")"] : ["", ""];
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
    const set2 = this.set;
    this.debug(this.pattern, "set", set2);
    let filename = ff[ff.length - 1];
    if (!filename) {
      for (let i = ff.length - 2; !filename && i >= 0; i--) {
        filename = ff[i];
      }
    }
    for (const pattern of set2) {
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
    validate: allow.length > 0 ? (secret) => !allow.some((re) => re.test(secret)) : void 0,
    pathPattern: paths.length > 0 ? outsideGlobs(paths) : void 0,
    samples: { positive: [], negative: [] }
  };
}

// src/core/secrets/detectors/shapes.ts
var WORD = "A-Za-z0-9_\\-";
var BASE64 = "A-Za-z0-9+/";
var BASE64_TAIL = "A-Za-z0-9+/=";
function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function ci(word) {
  return [...word].map((ch) => /[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeRegex(ch)).join("");
}
function token(body, edge = WORD, tail = edge) {
  return new RegExp(`(?<![${edge}])(?<secret>${body})(?![${tail}])`);
}
var nearPatterns = /* @__PURE__ */ new WeakSet();
var isNearPattern = (pattern) => nearPatterns.has(pattern);
function near(words, body, opts = {}) {
  const gap = opts.gap ?? 40;
  const edge = opts.edge ?? WORD;
  const tail = opts.tail ?? edge;
  const names = words.map((w) => opts.nameBoundary ? `(?<![A-Za-z])${ci(w)}|(?<=[a-z])${w[0].toUpperCase()}${ci(w.slice(1))}` : ci(w)).join("|");
  const alternatives = opts.wordTail ? `(?:${names})(?=${opts.wordTail})` : names;
  const nextLineValue = `[\\w.-]{0,40}["']?[ \\t]*\\s{1,40}?value:[ \\t]*["']?`;
  const pattern = new RegExp(`(?:${alternatives})(?:[^\\n]{0,${gap}}?|${nextLineValue})(?<![${edge}])(?<secret>${body})(?![${tail}])`);
  nearPatterns.add(pattern);
  return pattern;
}
function lower(words) {
  return words.map((w) => w.toLowerCase());
}
function at(context, secret, path2) {
  if (!context.includes("\xA7")) throw new Error(`sample context has no \xA7 placeholder: ${context}`);
  return path2 === void 0 ? { text: context.replace("\xA7", () => secret), secret } : { text: context.replace("\xA7", () => secret), secret, path: path2 };
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
  let distinct = 0;
  let wide;
  for (let i = 0; i < length; i++) {
    let code2 = value2.charCodeAt(i);
    if (codePoints && code2 >= 55296 && code2 <= 56319 && (code2 = pairAt(value2, i, code2)) > 65535) i++;
    if (code2 < 256) {
      if (counts[code2]++ === 0) seen[distinct++] = code2;
    } else {
      wide ??= /* @__PURE__ */ new Map();
      const count = wide.get(code2);
      if (count === void 0) {
        wide.set(code2, 1);
        seen[distinct++] = code2;
      } else wide.set(code2, count + 1);
    }
    if (distinct === seen.length) return mapEntropy(value2, codePoints);
  }
  let bits = 0;
  for (let i = 0; i < distinct; i++) {
    const code2 = seen[i];
    let count;
    if (code2 < 256) {
      count = counts[code2];
      counts[code2] = 0;
    } else count = wide.get(code2);
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  lastDistinct = distinct;
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
  const core = rest.replace(/[^A-Za-z0-9]/g, "");
  return core.length < 12 || entropy(core) < 3.2;
}
var BOOLEAN_OR_NUMBER = /^(?:true|false|yes|no|on|off|enabled?|disabled?|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|0x[0-9a-f]{1,8})$/i;
var UUID2 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
var PASSWORD_HASH = /^(?:\$2[abxy]?\$\d{2}\$|\$argon2(?:id|i|d)\$|\$[156]\$|\$y\$|\$scrypt\$|\{(?:SSHA|SHA|SMD5|CRYPT|SSHA256|SSHA512)\}|pbkdf2_sha\d+\$|sha\d+\$|md5\$)/;
var SRI = /^sha(?:1|256|384|512)-[A-Za-z0-9+/]{20,}={0,2}$|^sha(?:1|256|384|512):[0-9a-f]{40,128}$/;
var HASH_HEX_LENGTHS = /* @__PURE__ */ new Set([32, 40, 56, 64, 96, 128]);
var HASH_CONTEXT = /hash|sha\d*|md5|digest|checksum|integrity|fingerprint|etag|commit|revision|\brev\b|\bref\b|\bsum\b|crc|blob|version|nonce/i;
var TREE_CONTEXT = /(?<![A-Za-z])(?:tree|Tree|TREE)|(?<=[a-z])Tree/;
var hashContext = (text) => HASH_CONTEXT.test(text) || TREE_CONTEXT.test(text);
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
function insideInterpolation(secret, line) {
  const at15 = line.indexOf(secret);
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
function isFirstOfSeveralArguments(secret, line) {
  const at15 = line.indexOf(secret);
  return at15 > 1 && /\(\s*["'`]$/.test(line.slice(0, at15)) && /^["'`]\s*,/.test(line.slice(at15 + secret.length));
}
function isWordy(value2) {
  if (/\d/.test(value2)) return false;
  const letters = value2.replace(/[^\p{L}]/gu, "").length;
  return letters / value2.length >= 0.8 && letters < 40;
}
function isBareAssignedValue(secret, line) {
  const at15 = line.indexOf(secret);
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
  const text = decoded.toString("utf8");
  return /^[\x20-\x7e]{3,}$/.test(text) && (STAND_IN_VALUE.test(text) || hasPlaceholderWord(text) || isStandIn(text) || WORDS_ONLY.test(text) && text.length < 12);
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
  const { detector, secret, line, path: path2 } = candidate;
  const prefix = detector.redactPrefix;
  return firstReason({
    secret,
    body: prefix && secret.startsWith(prefix) ? secret.slice(prefix.length) : secret,
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
    validate: (secret) => sequentialShare(secret.slice(d.prefix.length)) < 0.3,
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
function isSnowflakeToken(secret) {
  const id = Buffer.from(secret.slice(0, secret.indexOf(".")), "base64url").toString("latin1");
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
    validate: (secret) => !AWS_DOC_EXAMPLES.test(secret),
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
    validate: (secret) => !AWS_DOC_EXAMPLES.test(secret),
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
  const text = decoded.toString("utf8");
  if (!/^[\x20-\x7e\t\r\n]+$/.test(text)) return decoded.length >= 16;
  const trimmed = text.trim();
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
function pemPayload(block) {
  const body = block.replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/g, "").replace(/\\[rn]/g, "\n").replace(/["'][ \t]*\+?[ \t]*,?[ \t]*(?:\r?\n|$)[ \t]*\+?[ \t]*["']?/g, "\n").replace(/^[ \t]*(?:#|\/\/)[ \t]?/gm, "").replace(/[\s"',]/g, "");
  return Buffer.from(body, "base64");
}
function opensshCipher(block) {
  const payload = pemPayload(block);
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
    validate: (block) => opensshCipher(block) === "none",
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
    validate: (block) => !block.includes("OPENSSH") || (opensshCipher(block) ?? "none") !== "none",
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
    validate: (secret) => !/unique phrase|put your|^\s|\s$|\$\{|\{\{/i.test(secret),
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
    validate: (secret) => !/\$\{|\{\{|%\w+%/.test(secret) && !hasPlaceholderWord(secret),
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
function hasBase62Crc32(secret, prefix) {
  const body = secret.slice(prefix.length);
  if (!secret.startsWith(prefix) || body.length !== 36) return false;
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
  validate: (secret) => hasBase62Crc32(secret, prefix),
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
function seedOf(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
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
  const edge = row.edge ?? edges.edge;
  const tail = row.tail ?? edges.tail;
  const contexts = row.samples?.contexts ?? [`${row.provider.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_TOKEN=\xA7`, `  token: "\xA7"`];
  const detector = withSamples(
    {
      id: row.id,
      title: row.title,
      provider: row.provider,
      level: row.level ?? "error",
      keywords: row.keywords ?? (first.kind === "lit" ? [...new Set(first.options.map((o) => o.toLowerCase()))] : []),
      pattern: new RegExp(`(?<![${edge}])(?<secret>${partsSource(row.parts)})(?![${tail}])`),
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
  const { edge, tail } = edgesOf(row.parts);
  const gap = row.gap ?? 40;
  const credential = row.credential ?? true;
  const words = row.words.map(ci).join("|");
  const ownWords = new Set(row.words.map((w) => w.toLowerCase()));
  const credentialWords = row.credentialWords ?? CREDENTIAL_WORDS;
  const CREDENTIAL = `(?:${credentialWords.map(ci).join("|")})`;
  const body = `(?<![${edge}])(?<secret>${partsSource(row.parts)})(?![${tail}])`;
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
      validate: (secret) => !isIdentifierLike(secret) && !ownWords.has(secret.toLowerCase()),
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
  validate: (secret) => !/^[0-9a-f]{40}$/.test(secret.slice(prefix.length)),
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
    validate: (secret) => hasBase62Crc32(secret, "npm_"),
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
  const pairs = [];
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
      pairs.push({ first, second: best });
    }
  }
  return { pairs, singles: candidates.filter((c) => !used.has(c)) };
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
function redact(secret, prefix) {
  const shownPrefix = prefix && secret.startsWith(prefix) && prefix.length < secret.length / 2 ? prefix : "";
  const rest = secret.slice(shownPrefix.length).replace(BLOCK_FOOTER, "");
  const tail = rest.length < MIN_TAIL_LENGTH ? 0 : Math.min(4, Math.floor(rest.length / 4));
  return `${shownPrefix}\u2026${tail > 0 ? rest.slice(-tail) : ""}`;
}
var MIN_TAIL_LENGTH = 12;
var BLOCK_FOOTER = /(?:\\[nr]|[\s=])*-----END [A-Z0-9 ]+-----(?:\\[nr]|\s)*$/;

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
function takeStandInBuffer(replacement) {
  const taken = scratch;
  scratch = replacement !== void 0 && replacement.length <= SCRATCH_MAX_BYTES ? replacement : void 0;
  return taken;
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
    const text = engineText(b, decode, byteTextFrom);
    runs = text.runs;
    byteText = text.byteText;
    return text.text ?? "";
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
function engineText(bytes, decode, byteTextFrom = Number.POSITIVE_INFINITY) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fromBytes = buffer.length >= byteTextFrom;
  if (isAscii2(buffer)) return fromBytes ? { byteText: new ByteText(buffer, buffer.length) } : { text: buffer.toString("latin1") };
  const runs = [];
  if (fromBytes) {
    const byteText = standInByteText(buffer, runs);
    return byteText !== void 0 ? { byteText, runs } : { text: decode(bytes) };
  }
  const text = standInText(buffer, runs);
  return text === void 0 ? { text: decode(bytes) } : { text, runs };
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
  const units = Buffer.from(start.subarray(from, from + Math.min(BINARY_SNIFF_BYTES, start.length - from & ~1)));
  if (order === "be") units.swap16();
  const text = units.toString("utf16le");
  if (UTF16_CONTROL.test(text)) return void 0;
  return unmarked === "other" && NOT_TEXT.test(text) ? void 0 : { order, from };
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
  const units = sniff.length >> 1;
  if (units < 16) return void 0;
  let zeroHigh = 0;
  let zeroLow = 0;
  for (let i = 0; i < units; i++) {
    const a = sniff[2 * i];
    const b = sniff[2 * i + 1];
    if (b === 0 && a !== 0) zeroHigh++;
    else if (a === 0 && b !== 0) zeroLow++;
  }
  if (zeroHigh * 10 >= units * 9) return "le";
  if (zeroLow * 10 >= units * 9) return "be";
  return void 0;
}
function decodeText(bytes, block) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii2(buffer)) return buffer.toString("latin1");
  return block !== void 0 && buffer.length > block ? decodeInBlocks(buffer, block) : buffer.toString("utf8");
}
function decodeInBlocks(buffer, block) {
  let text = "";
  for (let at15 = 0; at15 < buffer.length; ) {
    let end = Math.min(buffer.length, at15 + block);
    while (end > at15 && end < buffer.length && (buffer[end] & 192) === 128) end--;
    if (end === at15) for (end = at15 + 1; end < buffer.length && (buffer[end] & 192) === 128; ) end++;
    const part = buffer.subarray(at15, end);
    text += isAscii2(part) ? part.toString("latin1") : part.toString("utf8");
    at15 = end;
  }
  return text;
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
    let secret = match2.secret;
    let verdict = match2.judged;
    if (verdict === void 0) {
      if (index === void 0 && accepted.length > 0 && raw.length - i >= INDEXED_FROM) index = lineIndexOf(file);
      let line = index ? index.lineAround(match2.start, match2.end) : lineAround(content, match2.start, match2.end);
      let onText = true;
      if (file.standIn !== void 0 && (PLACEHOLDER.test(line) || PLACEHOLDER.test(secret))) {
        index ??= lineIndexOf(file);
        real ??= new RealText(file.standIn, index);
        const [from, to] = index.lineSpan(match2.start, match2.end);
        line = real.slice(from, to);
        secret = real.slice(match2.start, match2.end);
        onText = false;
      }
      verdict = judge(compiled2.detector, secret, file.path, line, file.versions !== void 0);
      if (onText && judged !== void 0 && match2.slot !== void 0) judged[match2.slot] = verdict;
    } else if (judged !== void 0 && match2.slot !== void 0) judged[match2.slot] = verdict;
    if (verdict === false) continue;
    accepted.push({ detector: compiled2.detector, secret, start: match2.start, end: match2.end, generic: compiled2.generic, order: compiled2.order, line: 0, weak: verdict.weak });
  }
  if (accepted.length === 0) return [];
  const lines = index ?? lineIndexOf(file);
  keepLines(file, lines);
  const text = file.standIn === void 0 ? content : real ??= new RealText(file.standIn, lines);
  const kept = resolveOverlaps(accepted);
  for (const c of kept) c.line = lines.lineOf(c.start);
  const { pairs, singles } = pairCandidates(kept);
  const placed = [];
  const allowed = [];
  const marked = { line: 0, allowed: false };
  for (const single of singles) {
    const verdict = reportable([single], file, lines, text, marked);
    if (verdict === REPORT) placed.push(placeOf(single, single.detector.id, lines));
    else if (verdict === ALLOWED) allowed.push(buildSingle(single, file.path, lines));
  }
  for (const pair of pairs) {
    const verdict = reportable([pair.first, pair.second], file, lines, text, marked);
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
  nameFindings(built, text, lines, kept, settings2, file);
  const unsuppressed = built.filter((b) => !suppressed(b, settings2));
  if (reveal2) for (const b of unsuppressed.slice(0, limit)) reveal2({ fingerprint: b.finding.fingerprint, contentId: b.finding.contentId, detector: b.detector, parts: b.parts.map((p) => p.secret) });
  const reported = unsuppressed.map((b) => b.finding);
  if (allowed.length > 0) {
    allowed.sort(byPlace);
    nameFindings(allowed, text, lines, kept, settings2);
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
  const shared = contexts && file?.versions !== void 0 ? new LineContexts(file, lines) : void 0;
  for (const b of built) {
    if (mode.kind === "keyed") {
      b.finding.fingerprint = keyedIdOf(b, mode.key);
    } else {
      const line = b.parts[0].line;
      let context = contexts.get(line);
      if (context === void 0) contexts.set(line, context = shared ? shared.context(content, line, candidates, ends) : lineContext(content, lines, line, candidates, ends));
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
  shared?.done();
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
  let text = "";
  let at15 = start;
  for (const cut of cuts) {
    if (cut.start > at15) text += content.slice(at15, Math.min(cut.start, at15 + CONTEXT_LIMIT));
    text += "\0";
    at15 = Math.max(at15, cut.end);
    if (text.length > CONTEXT_LIMIT) return text.slice(0, CONTEXT_LIMIT);
  }
  if (at15 < end) text += content.slice(at15, Math.min(end, at15 + CONTEXT_LIMIT));
  return text.replace(/\s+/g, " ").trim().slice(0, CONTEXT_LIMIT);
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
  return settings2.baseline.size > 0 || (settings2.salted ?? []).some((set2) => set2.hashes.size > 0);
}
function suppressed(b, settings2) {
  if (settings2.baseline.size > 0) {
    if (settings2.baseline.has(b.finding.fingerprint)) return true;
    if (settings2.baseline.has(legacyFingerprint(b.detector, b.secret))) return true;
  }
  for (const set2 of settings2.salted ?? []) {
    if (set2.hashes.size === 0 || set2.rules.size > 0 && !set2.rules.has(b.finding.rule)) continue;
    if (set2.hashes.has(saltedSecretHash(set2.salt, set2.cost, b.detector, b.secret))) return true;
  }
  return false;
}
var ACCEPTED = { weak: void 0 };
function judge(detector, secret, path2, line, versioned) {
  if (detector.credentialFile) {
    const weak = storedCredentialWeakness(detector, secret, path2, line);
    return weak === false ? false : weak === true ? ACCEPTED : { weak };
  }
  return isRealSecret(detector, secret, path2, line, versioned) ? ACCEPTED : false;
}
function isRealSecret(detector, secret, path2, line, versioned) {
  let byValue = versioned && !detector.skipGenericFilters ? verdicts.get(detector) : void 0;
  const seen = byValue?.get(secret);
  if (seen !== void 0) {
    for (const v of seen) if (v.path === path2 && v.line === line) return v.real;
  } else {
    if (detector.entropy !== void 0 && shannonEntropy(secret) < detector.entropy) return false;
    try {
      if (detector.validate && !detector.validate(secret)) return false;
    } catch {
      return false;
    }
    if (detector.skipGenericFilters) return true;
  }
  let real;
  try {
    real = falsePositiveReason({ detector, secret, line, path: path2 }) === void 0;
  } catch {
    real = true;
  }
  const size = secret.length + line.length + path2.length;
  if (!versioned || size > VERDICT_CHARS / 256) return real;
  if (verdictCount >= VERDICT_ENTRIES || verdictChars + size > VERDICT_CHARS) {
    verdicts = /* @__PURE__ */ new WeakMap();
    byValue = void 0;
    verdictCount = verdictChars = 0;
  }
  if (byValue === void 0) verdicts.set(detector, byValue = /* @__PURE__ */ new Map());
  const list = byValue.get(secret);
  const verdict = { path: path2, line: detached(line), real };
  if (list === void 0) byValue.set(detached(secret), [verdict]);
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
function storedCredentialWeakness(detector, secret, path2, line) {
  try {
    if (detector.validate && !detector.validate(secret)) return false;
  } catch {
    return false;
  }
  if (/^(?:\$(?:apr1|2[aby]|1|5|6|y)\$|\{SHA\})/.test(secret)) return "password hash (crackable offline)";
  if (detector.skipGenericFilters) return true;
  let reason;
  try {
    reason = falsePositiveReason({ detector: { ...detector, id: "generic-password" }, secret, line, path: path2 });
  } catch {
    return true;
  }
  if (reason === void 0) return true;
  return NOT_STORED.has(reason) ? false : reason;
}
var REPORT = 0;
var SKIP = 1;
var ALLOWED = 2;
function reportable(parts, file, lines, text, marked) {
  if (file.addedLines && !parts.some((p) => file.addedLines.has(p.line))) return SKIP;
  for (const part of parts) {
    const last = lines.lineOf(Math.max(part.start, part.end - 1));
    for (let line = part.line; line <= last; line++) {
      if (line !== marked.line) {
        marked.line = line;
        marked.allowed = lineHasAllowMarker(engineTextOf(file), lines, line, text);
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
  let text = descriptions.get(detector);
  if (text === void 0) {
    text = detector.title.toLowerCase().includes(detector.provider.toLowerCase()) ? detector.title : `${detector.title} (${detector.provider})`;
    descriptions.set(detector, text);
  }
  return text;
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
  const known = byValue?.get(c.secret);
  if (known !== void 0 && known.weak === c.weak) return known;
  const redacted = redact(c.secret, c.detector.redactPrefix);
  const stored = c.detector.credentialFile ? ` (a credential file should not be in the repository${c.weak ? `; the value looks weak: ${c.weak}` : ""})` : "";
  const made = { weak: c.weak, redacted, message: `${describe(c.detector)}: ${redacted}${stored}`, rule: `secret/${c.detector.id}` };
  const size = c.secret.length + made.message.length;
  if (known !== void 0 || size > WORDING_CHARS / 256) return made;
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

// src/workspace/history-blob.ts
function scanBlobBytes(path2, bytes, settings2, reveal2, versions2) {
  let scanning = true;
  try {
    return scanSource(toStandInSourceFile(path2, bytes, settings2, () => scanning, decodeBlob, BYTE_TEXT_FROM), path2, settings2, reveal2, versions2);
  } finally {
    scanning = false;
  }
}
function scanSource(source, path2, settings2, reveal2, versions2) {
  if (!("content" in source)) return { scanned: false, skipped: source };
  if (versions2) source.versions = versions2.version(path2);
  const salted = settings2.salted ?? [];
  if (salted.length === 0) {
    const findings2 = scanSecrets(source, settings2, reveal2);
    return findings2.length > 0 ? { scanned: true, findings: findings2 } : { scanned: true };
  }
  const recording = recordingSalted(settings2);
  recording.matched = 0;
  const findings = scanSecrets(source, recording.settings, reveal2);
  const outcome = findings.length > 0 ? { scanned: true, findings } : { scanned: true };
  if (recording.matched > 0) outcome.baselined = baselinedFingerprints(source, settings2, findings);
  return outcome;
}
function baselinedFingerprints(source, settings2, reported) {
  return acceptedFingerprints(scanSecrets(source, { ...settings2, salted: [] }), reported);
}
function acceptedFingerprints(all, reported) {
  const shown = new Set(reported.map((f) => f.fingerprint));
  return [...new Set(all.filter((f) => f.rule.startsWith("secret/") && !shown.has(f.fingerprint)).map((f) => f.fingerprint))];
}
var recordings = /* @__PURE__ */ new WeakMap();
function recordingSalted(settings2) {
  const known = recordings.get(settings2);
  if (known) return known;
  const made = { settings: settings2, matched: 0 };
  made.settings = { ...settings2, salted: (settings2.salted ?? []).map((set2) => ({ ...set2, hashes: new CountingSet(set2.hashes, () => made.matched++) })) };
  recordings.set(settings2, made);
  return made;
}
var CountingSet = class {
  constructor(inner, onMatch) {
    this.inner = inner;
    this.onMatch = onMatch;
  }
  inner;
  onMatch;
  get size() {
    return this.inner.size;
  }
  has(value2) {
    const found = this.inner.has(value2);
    if (found) this.onMatch();
    return found;
  }
  forEach(callback) {
    this.inner.forEach((value2) => callback(value2, value2, this));
  }
  entries() {
    return this.inner.entries();
  }
  keys() {
    return this.inner.keys();
  }
  values() {
    return this.inner.values();
  }
  [Symbol.iterator]() {
    return this.inner[Symbol.iterator]();
  }
};

// src/core/parallel/v8-setting.ts
import { setFlagsFromString } from "node:v8";
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
      setFlagsFromString(this.flag);
      return true;
    } catch {
      return false;
    }
  }
};

// src/core/parallel/inlining.ts
var HISTORY_INLINING_FLAG = "--max-inlined-bytecode-size-cumulative=100";
var INLINING_FLAG = /^--(?:no-)?(?:turbo-inlining|max-inlined-bytecode-size(?:-cumulative|-absolute|-small)?|max-inlining-levels)(?:=|$)/;
var inlining = new V8Setting(HISTORY_INLINING_FLAG, INLINING_FLAG, "NHI_STEWARD_INLINING");
function lessInliningAgain(wanted = inlining.applied) {
  inlining.again(wanted);
}

// src/core/secrets/versions.ts
var KEPT_BYTES_STEP = 64 * 1024;
var VERSION_MIN_CHARS = 16 * 1024;
var VERSION_CAPACITY = 6 * 1024 * 1024;
var VERSION_TEXT_MAX = 3 * 1024 * 1024;
var VERSION_PATHS = 4096;
var RETRY_AFTER = 8;
var ALWAYS_KEPT_FROM = 256 * 1024;
function weight(kept) {
  return (kept.text?.length ?? 0) + 4 * (kept.log?.numbers ?? 0);
}
var FileVersions = class {
  constructor(capacity = VERSION_CAPACITY) {
    this.capacity = capacity;
  }
  capacity;
  kept = /* @__PURE__ */ new Map();
  chars = 0;
  /** What the kept entries weigh now (see `weight`). */
  get size() {
    return this.chars;
  }
  /** The version of `path` scanned now. */
  version(path2) {
    let entry;
    const scan = {
      against: void 0,
      kept: false,
      hits: (automaton, text) => {
        const found = this.hits(automaton, path2, text);
        entry = found.kept;
        scan.against = found.against;
        scan.kept = found.kept !== void 0;
        return found.hits;
      },
      keep: (log) => {
        if (entry === void 0 || entry.text === void 0 || this.kept.get(path2) !== entry) return;
        this.chars -= weight(entry);
        entry.log = log;
        this.chars += weight(entry);
        if (this.chars > this.capacity) this.evict();
      }
    };
    return scan;
  }
  hits(automaton, path2, text) {
    if (text.length < VERSION_MIN_CHARS) return { hits: automaton.scanView(text) };
    const found = this.kept.get(path2);
    const before = found?.automaton === automaton ? found : void 0;
    if (found !== void 0) {
      this.kept.delete(path2);
      this.chars -= weight(found);
    }
    if (before !== void 0 && before.text === void 0 && before.whole < RETRY_AFTER) {
      this.remember(path2, { ...before, whole: before.whole + 1 });
      return { hits: automaton.scanView(text) };
    }
    let hits;
    let against;
    let shared = before?.shared ?? 1;
    if (before?.text !== void 0) {
      const segments = sharedSegments(before.text, text);
      hits = automaton.scanAgainst(text, before.hits, segments);
      let same = 0;
      for (let k = 2; k < segments.length; k += 3) same += segments[k];
      shared = (3 * shared + same / text.length) / 4;
      if (before.log !== void 0) against = { log: before.log, beforeLength: before.text.length, segments };
    } else hits = automaton.scan(text);
    if (shared < 0.5 && before?.text !== void 0 && text.length < ALWAYS_KEPT_FROM) {
      this.remember(path2, { automaton, text: void 0, hits: NO_HITS, shared, whole: 0 });
      return { hits, against };
    }
    if (before?.text instanceof ByteText) this.spare = before.text.bytes;
    if (text.length > VERSION_TEXT_MAX || text.length > this.capacity) return { hits, against };
    const kept = { automaton, text: this.keepable(text), hits, shared, whole: 0 };
    this.remember(path2, kept);
    return { hits, kept, against };
  }
  /** One buffer of a text no longer kept, for the next text read from its bytes to be kept in. */
  spare;
  /**
   * A text read from its bytes (`ByteText`) is a view of bytes that the next blob reuses: it is
   * kept as a copy, in a buffer of its own (the one the last version of a path was kept in, once
   * that is compared), outside V8's heap.
   */
  keepable(text) {
    if (!(text instanceof ByteText)) return text;
    let bytes = this.spare;
    this.spare = void 0;
    if (text.standInBuffer) {
      const taken = takeStandInBuffer(bytes);
      if (taken === text.bytes) return new ByteText(taken, text.length);
      bytes = void 0;
    }
    if (bytes === void 0 || bytes.length < text.length) bytes = Buffer.allocUnsafeSlow(Math.ceil((text.length + 1) / KEPT_BYTES_STEP) * KEPT_BYTES_STEP);
    text.copyTo(bytes, 0, 0, text.length);
    return new ByteText(bytes, text.length);
  }
  remember(path2, kept) {
    this.kept.set(path2, kept);
    this.chars += weight(kept);
    if (this.chars > this.capacity || this.kept.size > VERSION_PATHS) this.evict();
  }
  /** Forgets the least recently scanned paths until the rest fit (a `Map` iterates in insertion order). */
  evict() {
    for (const [oldest, kept] of this.kept) {
      if (this.chars <= this.capacity && this.kept.size <= VERSION_PATHS) return;
      this.kept.delete(oldest);
      this.chars -= weight(kept);
    }
  }
};
var COMPARE_CHUNK = 16 * 1024;
function sameRun(a, i, b, k, max) {
  return agreeing(
    max,
    COMPARE_CHUNK,
    (from, to) => a.substring(i + from, i + to) === b.substring(k + from, k + to),
    (at15) => a.charCodeAt(i + at15) === b.charCodeAt(k + at15)
  );
}
function commonSuffix(a, b, max) {
  const la = a.length;
  const lb = b.length;
  return agreeing(
    max,
    COMPARE_CHUNK,
    (from, to) => a.substring(la - to, la - from) === b.substring(lb - to, lb - from),
    (at15) => a.charCodeAt(la - 1 - at15) === b.charCodeAt(lb - 1 - at15)
  );
}
function agreeing(max, chunk, equal, same) {
  let run3 = 0;
  while (run3 < max) {
    const end = Math.min(max, run3 + chunk);
    if (equal(run3, end)) {
      run3 = end;
      continue;
    }
    if (end - run3 <= 32) {
      while (same(run3)) run3++;
      return run3;
    }
    chunk = end - run3 >> 1;
  }
  return run3;
}
var SEARCH_FROM = 64 * 1024;
var MIN_SEGMENT = 256;
var PROBE = 32;
var PROBE_REACH = [4 * 1024, 32 * 1024];
var MAX_PROBES = 256;
var MAX_MISSES = 24;
var PROBE_STEP = 1024;
var BACK_REACH = 4096;
function sharedSegments(before, text) {
  if (before instanceof ByteText && text instanceof ByteText) return sharedByteSegments(before.bytes.subarray(0, before.length), text.bytes.subarray(0, text.length));
  return searchRuns(before.length, text.length, {
    run: (i, k, max) => sameRun(before, i, text, k, max),
    suffix: (max) => commonSuffix(before, text, max),
    newline: (k) => text.indexOf("\n", k),
    find: (p, start, end, from) => {
      const at15 = before.substring(start, end).indexOf(text.substring(p, p + PROBE), from - start);
      return at15 < 0 ? -1 : start + at15;
    },
    same: (x, y) => before.charCodeAt(x) === text.charCodeAt(y)
  });
}
function searchRuns(m, n, reader) {
  const prefix = reader.run(0, 0, Math.min(m, n));
  if (prefix === m && prefix === n) return [0, 0, n];
  const suffix = reader.suffix(Math.min(m, n) - prefix);
  const out = prefix > 0 ? [0, 0, prefix] : [];
  const beforeEnd = m - suffix;
  const textEnd = n - suffix;
  let i = prefix;
  let k = prefix;
  let last = prefix;
  let probes = 0;
  let misses = 0;
  while (n >= SEARCH_FROM && probes < MAX_PROBES && misses < MAX_MISSES) {
    const line = reader.newline(k) + 1;
    let p = line === 0 || line - k > PROBE_STEP ? k + PROBE_STEP : line;
    if (misses > 8) p += (misses - 8) * PROBE_STEP;
    if (p + MIN_SEGMENT > textEnd || i + MIN_SEGMENT > beforeEnd) break;
    probes++;
    const windowEnd = Math.min(beforeEnd, i + PROBE_REACH[Math.min(PROBE_REACH.length - 1, misses >> 2)]);
    let found = -1;
    let run3 = 0;
    for (let c = reader.find(p, i, windowEnd, i), tries = 0; c >= 0 && tries < 4; c = reader.find(p, i, windowEnd, c + 1), tries++) {
      run3 = reader.run(c, p, Math.min(beforeEnd - c, textEnd - p));
      if (run3 >= MIN_SEGMENT) {
        found = c;
        break;
      }
    }
    if (found < 0) {
      misses++;
      k = p + 1;
      continue;
    }
    misses = 0;
    let back = 0;
    while (back < BACK_REACH && found - back > i && p - back > last && reader.same(found - back - 1, p - back - 1)) back++;
    out.push(p - back, found - back, run3 + back);
    i = found + run3;
    k = last = p + run3;
  }
  if (suffix > 0) out.push(n - suffix, m - suffix, suffix);
  return out;
}
var COMPARE_BYTES = 256 * 1024;
function sameByteRun(a, i, b, k, max) {
  return agreeing(max, COMPARE_BYTES, (from, to) => a.compare(b, k + from, k + to, i + from, i + to) === 0, (at15) => a[i + at15] === b[k + at15]);
}
function commonByteSuffix(a, b, max) {
  const la = a.length;
  const lb = b.length;
  return agreeing(max, COMPARE_BYTES, (from, to) => a.compare(b, lb - to, lb - from, la - to, la - from) === 0, (at15) => a[la - 1 - at15] === b[lb - 1 - at15]);
}
function sharedByteSegments(before, text) {
  return searchRuns(before.length, text.length, {
    run: (i, k, max) => sameByteRun(before, i, text, k, max),
    suffix: (max) => commonByteSuffix(before, text, max),
    newline: (k) => text.indexOf(10, k),
    find: (p, start, end, from) => {
      const at15 = before.subarray(start, end).indexOf(text.subarray(p, p + PROBE), from - start);
      return at15 < 0 ? -1 : start + at15;
    },
    same: (x, y) => before[x] === text[y]
  });
}

// src/workspace/history-worker.ts
var { settings, reveal, lessInlining } = workerData;
lessInliningAgain(lessInlining === true);
var versions = new FileVersions();
parentPort?.on("message", (batch) => {
  let answer;
  try {
    const secrets = [];
    const sink = reveal ? (s) => secrets.push(s) : void 0;
    const results = batch.items.map((item) => {
      const outcome = scanBlobBytes(item.path, Buffer.from(batch.buffer, item.start, item.length), settings, sink, versions);
      return outcome.scanned && !outcome.findings && !outcome.baselined ? null : outcome;
    });
    answer = reveal ? { id: batch.id, results, secrets } : { id: batch.id, results };
  } catch (error) {
    answer = { id: batch.id, error: error.message };
  }
  parentPort?.postMessage({ ...answer, buffer: batch.buffer }, [batch.buffer]);
});
