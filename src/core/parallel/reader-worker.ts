/**
 * The reader thread (docs/performance.md, "Read-ahead"): opens and reads the files the scanning
 * thread posts, in walk order, into a SharedArrayBuffer ring (ring.ts), so the file-system calls of
 * a scan run on the second core while the first decodes and scans. It loads no scanning code. It
 * reads as src/core/parallel/read-file.ts does (O_NOFOLLOW | O_NONBLOCK, read until a read
 * returns 0, never more than max-file-size + 1 bytes); anything else — an error, a file that does
 * not fit its record — becomes a DIRECT record, and the scanning thread reads that file itself
 * with readSourceFile, so skip reasons and details are the same as without this thread.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { keepYoungGenerationSmallAgain } from './young-generation.js';
import { CONSUMED, DIRECT, HEAD, HEADER_BYTES, NEXT, SLEEPING, TAIL, WAKE, WRAP, WRITTEN, nextOffset, type ReaderData, type ReaderRequest } from './ring.js';

// On Node 20 and 22 a worker's start-up resets V8's flags (which are the process's) to the command
// line's: the scanning thread's young generation would grow to 32 MB again (bench corpus, Node 20:
// peak 128-132 -> 150-155 MiB, 50 scavenges instead of ~200). The CLI and the Action, which run
// the tree pool, set it (young-generation.ts); so does this thread, once it is up (and reader.ts
// until then).
keepYoungGenerationSmallAgain((workerData as ReaderData).youngGeneration);

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const { control, data, maxRecordBytes, maxFileSize } = workerData as ReaderData;
const ctrl = new Int32Array(control);
const words = new Int32Array(data);
const bytes = Buffer.from(data);
const size = data.byteLength;
/** Bytes a record may need: header and at most maxRecordBytes, or max-file-size + 1 when smaller. */
const room = Math.min(maxRecordBytes, maxFileSize + 1);
const need = HEADER_BYTES + room;
/**
 * Once the ring is full, the reader waits until this much is free, not just one record's room:
 * otherwise it would wake for each small file the scanning thread releases.
 */
const resume = Math.max(need, size >> 1);
/** Where the next record goes, and how many records this thread has written. */
let at = 0;
let written = 0;

parentPort?.on('message', (request: ReaderRequest) => {
  const end = request.start + request.files.length;
  for (let p = claim(end); p >= 0; p = claim(end)) readInto(p, request.files[p - request.start]);
});

/** The next unclaimed position below `bound` (positions the scanning thread took are skipped), or -1. */
function claim(bound: number): number {
  for (;;) {
    const position = Atomics.load(ctrl, NEXT);
    if (position >= bound) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, position, position + 1) === position) return position;
  }
}

function readInto(position: number, abs: string): void {
  const offset = reserve();
  const start = offset + HEADER_BYTES;
  let length = DIRECT;
  let fd = -1;
  try {
    fd = openSync(abs, OPEN_FLAGS);
    let got = 0;
    for (;;) {
      if (got >= room) break; // fills its record: the scanning thread reads it (size, too-large)
      const n = readSync(fd, bytes, start + got, room - got, null);
      if (n === 0) {
        length = got;
        break;
      }
      got += n;
    }
  } catch {
    length = DIRECT; // the scanning thread's own read reports the error
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  publish(offset, position, length);
}

function publish(offset: number, position: number, length: number): void {
  words[offset >> 2] = position;
  words[(offset >> 2) + 1] = length;
  at = nextOffset(offset, length, size);
  Atomics.store(ctrl, HEAD, at);
  Atomics.store(ctrl, WRITTEN, ++written);
  if (Atomics.load(ctrl, SLEEPING) !== 0) Atomics.notify(ctrl, WRITTEN);
}

/** An offset with `need` free bytes after it, waiting for the scanning thread to release records. */
function reserve(): number {
  for (;;) {
    const consumed = Atomics.load(ctrl, CONSUMED);
    const tail = Atomics.load(ctrl, TAIL);
    const empty = consumed === written;
    if (at > tail || (at === tail && empty)) {
      // Free from here to the end of the ring (and before the tail).
      if (size - at >= need) return at;
      if (tail > 0 || empty) {
        // Too little room before the end: a wrap marker, then go on from offset 0.
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
    // Asks to be woken once `resume` bytes are free, then checks that nothing was released since
    // it looked (the scanning thread reads WAKE after each release).
    Atomics.store(ctrl, WAKE, resume);
    if (Atomics.load(ctrl, CONSUMED) === consumed) Atomics.wait(ctrl, CONSUMED, consumed, 1000);
    Atomics.store(ctrl, WAKE, 0);
  }
}
