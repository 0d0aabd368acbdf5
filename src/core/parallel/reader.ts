import type { Worker } from 'node:worker_threads';
import type { SourceFile, Skipped } from '../types.js';
import { toSourceFile } from '../source.js';
import { newWorker, workerEntryBeside } from './pool.js';
import { errnoCode, readSourceFile, skipped } from './read-file.js';
import { keepYoungGenerationSmallAgain, youngGenerationKeptSmall } from './young-generation.js';
import { CONSUMED, CONTROL_WORDS, DIRECT, HEAD, HEADER_BYTES, NEXT, SLEEPING, TAIL, WAKE, WRAP, WRITTEN, freeBytes, nextOffset, type ReaderData, type ReaderRequest } from './ring.js';

/**
 * Read-ahead on a second core for a scan that has no scanning worker (docs/performance.md,
 * "Read-ahead"). A light reader thread (reader-worker.ts: no engine, a few kilobytes of code)
 * opens and reads the walk's files in order into a SharedArrayBuffer ring while this thread
 * decodes and scans; this thread's share of the file-system calls (open, read, close) goes to
 * the other core.
 *
 * Both threads claim walk positions from one counter (`control[NEXT]`, the tree pool's). For
 * position p, this thread takes the reader's record when it is there, reads the file itself when
 * the reader has not claimed p yet (the reader is behind, not started yet, or could not start),
 * and otherwise waits for the record. A DIRECT record (a file larger than its room in the ring, or
 * any error) is read here with readSourceFile, so every skip reason and detail is that function's.
 * A file the reader is late with (LATE_MS) is read here too, and its record dropped: the reader
 * never holds the scan up, whether it is descheduled, stuck or dead.
 */
export interface ReadAheadOptions {
  maxFileSize: number;
  /** Ring size in bytes (default RING_BYTES). */
  ringBytes?: number;
  /** Largest file read through the ring (default MAX_RECORD_BYTES); larger files are read here. */
  maxRecordBytes?: number;
  /** Reader entry (tests); default reader-worker.js beside this module. */
  workerUrl?: URL;
  /**
   * Tests: this thread reads no file itself but those the reader hands back as DIRECT; it waits
   * for every record, so a test sees each file go through the ring (the reader takes ~0.2 s to
   * start under the test runner).
   */
  patient?: boolean;
}

/**
 * The ring: bounded whatever the tree. Bench corpus, three alternated rounds under load 6
 * (main-thread CPU, peak RSS): 4 MiB with records up to 1 MiB 1.46/1.24/1.08 s, 130-135 MB;
 * 1 MiB with records up to 256 KiB 1.32/1.16/1.03 s, 128-129 MB; 512 KiB / 128 KiB
 * 1.43/1.09/1.21 s; no reader 1.64/1.26/1.16 s, 117-118 MB. A small ring also stays in cache
 * between the reader's write and this thread's decode.
 */
export const RING_BYTES = 1024 * 1024;
/** Files up to this size go through the ring; larger ones (on the bench corpus 90 of 7,481 files, 75 MB) are read by the scanning thread. */
export const MAX_RECORD_BYTES = 256 * 1024;
/**
 * A record the reader claimed and has not delivered after this long is read by the scanning thread
 * too (its record is dropped when it comes): a reader descheduled on a busy machine, or dead,
 * never holds the scan up longer. Reading a small file takes the reader tens of microseconds.
 */
const LATE_MS = 1;

export class ReadAhead {
  readonly #worker: Worker;
  readonly #control: Int32Array;
  readonly #words: Int32Array;
  readonly #bytes: Buffer;
  readonly #size: number;
  readonly #maxFileSize: number;
  readonly #patient: boolean;
  /** The reader has written its first record, so its start-up (which resets V8's flags) is over. */
  #up = false;
  #at = 0;
  #consumed = 0;
  #dead = false;
  #posted = 0;
  /** Files this thread got from the reader's ring, and files it read itself while the reader lived. */
  fromReader = 0;
  readHere = 0;

  private constructor(worker: Worker, control: Int32Array, data: SharedArrayBuffer, maxFileSize: number, patient: boolean) {
    this.#patient = patient;
    this.#worker = worker;
    this.#control = control;
    this.#words = new Int32Array(data);
    this.#bytes = Buffer.from(data);
    this.#size = data.byteLength;
    this.#maxFileSize = maxFileSize;
    const died = () => {
      this.#dead = true;
    };
    worker.on('error', died);
    worker.on('exit', died);
  }

  /**
   * Starts the reader on `next` (the claim counter, control word 0 of a 4-word SharedArrayBuffer
   * shared with the caller), or undefined when no reader entry is found or the thread cannot start.
   * Files are posted from position `from` on.
   */
  static start(control: Int32Array, from: number, options: ReadAheadOptions): ReadAhead | undefined {
    const url = options.workerUrl ?? workerEntryBeside(import.meta.url, 'reader-worker');
    if (!url || control.length < CONTROL_WORDS || !(control.buffer instanceof SharedArrayBuffer)) return undefined;
    const size = (options.ringBytes ?? RING_BYTES) & ~7;
    const maxRecordBytes = Math.min(options.maxRecordBytes ?? MAX_RECORD_BYTES, size / 2 - HEADER_BYTES);
    const data = new SharedArrayBuffer(size);
    const workerData: ReaderData = { control: control.buffer, data, maxRecordBytes, maxFileSize: options.maxFileSize, youngGeneration: youngGenerationKeptSmall() };
    let worker: Worker;
    try {
      // A young generation of 1 MB: the reader allocates next to nothing.
      worker = newWorker(url, { workerData, resourceLimits: { maxYoungGenerationSizeMb: 1 }, stdout: false, stderr: false });
    } catch {
      return undefined;
    }
    worker.unref();
    const reader = new ReadAhead(worker, control, data, options.maxFileSize, options.patient === true);
    reader.#posted = from;
    return reader;
  }

  /** Hands the reader the paths of the files at positions `posted` … `posted + files.length - 1`. */
  post(files: string[]): void {
    if (files.length === 0) return;
    const request: ReaderRequest = { start: this.#posted, files };
    this.#posted += files.length;
    if (!this.#dead) this.#worker.postMessage(request);
  }

  get posted(): number {
    return this.#posted;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /**
   * The file at walk position `position` (positions are asked in increasing order, each once):
   * from the ring, or read here when the reader has not claimed it yet, or has claimed it and not
   * delivered it within LATE_MS (descheduled on a busy machine, or dead): then it is read here as
   * well, and the reader's record, when it comes, is dropped. This thread never waits longer.
   */
  take(position: number, path: string, abs: string): SourceFile | Skipped {
    const control = this.#control;
    if (!this.#up) {
      // Until the reader is up, its start-up may reset V8's flags (Node 20 does), and this
      // thread's young generation would grow meanwhile (to 8 MB with the reader alone setting it
      // again): set it again before each file (a few microseconds) until then.
      this.#up = Atomics.load(control, WRITTEN) > 0;
      keepYoungGenerationSmallAgain();
    }
    for (let waited = false; ; ) {
      const written = Atomics.load(control, WRITTEN);
      if (this.#consumed < written) {
        const at = this.#at;
        const claimed = this.#words[at >> 2];
        const length = this.#words[(at >> 2) + 1];
        if (claimed === WRAP || claimed < position) {
          this.#release(claimed === WRAP ? 0 : nextOffset(at, length, this.#size)); // a wrap, or a file read here already
          continue;
        }
        if (claimed !== position) throw new Error(`read-ahead out of order: record ${claimed}, expected ${position}`);
        this.fromReader++;
        if (length === DIRECT) {
          this.#release(nextOffset(at, length, this.#size));
          return readSourceFile(path, abs, this.#maxFileSize);
        }
        let item: SourceFile | Skipped;
        try {
          item = toSourceFile(path, this.#bytes.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length), { maxFileSize: this.#maxFileSize });
        } catch (error) {
          item = skipped(path, 'unreadable', errnoCode(error) ?? (error as Error).message);
        }
        // The text is a copy: the bytes' room is the reader's again.
        this.#release(nextOffset(at, length, this.#size));
        return item;
      }
      // Nothing delivered: this thread reads the file itself if the reader has not claimed it, or
      // is late with it.
      if (this.#patient) {
        Atomics.wait(control, WRITTEN, written, LATE_MS);
        continue;
      }
      if (waited || Atomics.compareExchange(control, NEXT, position, position + 1) === position) {
        this.readHere++;
        return readSourceFile(path, abs, this.#maxFileSize);
      }
      Atomics.store(control, SLEEPING, 1);
      waited = Atomics.wait(control, WRITTEN, written, LATE_MS) === 'timed-out';
      Atomics.store(control, SLEEPING, 0);
    }
  }

  #release(next: number): void {
    this.#at = next;
    Atomics.store(this.#control, TAIL, next);
    Atomics.store(this.#control, CONSUMED, ++this.#consumed);
    const wake = Atomics.load(this.#control, WAKE);
    if (wake !== 0) {
      const written = Atomics.load(this.#control, WRITTEN);
      // One wake per wait: the first release that frees enough clears WAKE and notifies.
      if (freeBytes(Atomics.load(this.#control, HEAD), next, written === this.#consumed, this.#size) >= wake && Atomics.compareExchange(this.#control, WAKE, wake, 0) === wake) {
        Atomics.notify(this.#control, CONSUMED);
      }
    }
  }

  /** Stops the reader thread. */
  async stop(): Promise<void> {
    this.#dead = true;
    await this.#worker.terminate();
  }
}
