import { createRequire as __nhiCreateRequire } from 'node:module'; const require = __nhiCreateRequire(import.meta.url);

// src/core/parallel/reader-worker.ts
import { closeSync, constants, openSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

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

// src/core/parallel/young-generation.ts
var YOUNG_GENERATION_FLAG = /^--(?:max-semi-space-size|min-semi-space-size|semi-space-growth-factor)(?:=|$)/;
var youngGeneration = new V8Setting("--semi-space-growth-factor=1", YOUNG_GENERATION_FLAG, "NHI_STEWARD_YOUNG_GENERATION");
function keepYoungGenerationSmallAgain(wanted = youngGeneration.applied) {
  youngGeneration.again(wanted);
}
var HISTORY_NEW_SPACE_MAX = 32 * 1024 * 1024;

// src/core/parallel/ring.ts
var NEXT = 0;
var WRITTEN = 1;
var CONSUMED = 2;
var TAIL = 3;
var HEAD = 4;
var WAKE = 5;
var SLEEPING = 6;
var HEADER_BYTES = 8;
var DIRECT = -1;
var WRAP = -1;
function nextOffset(offset, length, size2) {
  const end = offset + HEADER_BYTES + Math.max(length, 0) + 7 & ~7;
  return end >= size2 ? 0 : end;
}

// src/core/parallel/reader-worker.ts
keepYoungGenerationSmallAgain(workerData.youngGeneration);
var OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
var { control, data, maxRecordBytes, maxFileSize } = workerData;
var ctrl = new Int32Array(control);
var words = new Int32Array(data);
var bytes = Buffer.from(data);
var size = data.byteLength;
var room = Math.min(maxRecordBytes, maxFileSize + 1);
var need = HEADER_BYTES + room;
var resume = Math.max(need, size >> 1);
var at = 0;
var written = 0;
parentPort?.on("message", (request) => {
  const end = request.start + request.files.length;
  for (let p = claim(end); p >= 0; p = claim(end)) readInto(p, request.files[p - request.start]);
});
function claim(bound) {
  for (; ; ) {
    const position = Atomics.load(ctrl, NEXT);
    if (position >= bound) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, position, position + 1) === position) return position;
  }
}
function readInto(position, abs) {
  const offset = reserve();
  const start = offset + HEADER_BYTES;
  let length = DIRECT;
  let fd = -1;
  try {
    fd = openSync(abs, OPEN_FLAGS);
    let got = 0;
    for (; ; ) {
      if (got >= room) break;
      const n = readSync(fd, bytes, start + got, room - got, null);
      if (n === 0) {
        length = got;
        break;
      }
      got += n;
    }
  } catch {
    length = DIRECT;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  publish(offset, position, length);
}
function publish(offset, position, length) {
  words[offset >> 2] = position;
  words[(offset >> 2) + 1] = length;
  at = nextOffset(offset, length, size);
  Atomics.store(ctrl, HEAD, at);
  Atomics.store(ctrl, WRITTEN, ++written);
  if (Atomics.load(ctrl, SLEEPING) !== 0) Atomics.notify(ctrl, WRITTEN);
}
function reserve() {
  for (; ; ) {
    const consumed = Atomics.load(ctrl, CONSUMED);
    const tail = Atomics.load(ctrl, TAIL);
    const empty = consumed === written;
    if (at > tail || at === tail && empty) {
      if (size - at >= need) return at;
      if (tail > 0 || empty) {
        words[at >> 2] = WRAP;
        words[(at >> 2) + 1] = 0;
        at = 0;
        Atomics.store(ctrl, HEAD, at);
        Atomics.store(ctrl, WRITTEN, ++written);
        if (Atomics.load(ctrl, SLEEPING) !== 0) Atomics.notify(ctrl, WRITTEN);
        continue;
      }
    } else if (at < tail && tail - at >= need) {
      return at;
    }
    Atomics.store(ctrl, WAKE, resume);
    if (Atomics.load(ctrl, CONSUMED) === consumed) Atomics.wait(ctrl, CONSUMED, consumed, 1e3);
    Atomics.store(ctrl, WAKE, 0);
  }
}
