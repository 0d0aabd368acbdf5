import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { lessInliningApplied } from '../core/parallel/inlining.js';
import { newWorker, workerEntryBeside } from '../core/parallel/pool.js';
import { EPHEMERAL_KEY } from '../core/secrets/fingerprint.js';
import { FileVersions } from '../core/secrets/versions.js';
import type { ScanSettings, SecretSink } from '../core/types.js';
import { BlobReader } from './git-objects.js';
import { scanBlobBytes, type BlobOutcome, type HistoryBatch, type HistoryBatchAnswer } from './history-blob.js';

/**
 * History mode's second core (docs/history.md, "Speed"): the main thread reads and parses git's
 * output and packs the blobs into batches (one ArrayBuffer each, transferred, never copied as
 * strings); worker threads (history-worker.ts) decode and scan them. When every worker already
 * has enough queued, the main thread scans the next blob itself, so no core waits and the queue
 * stays bounded. Outcomes are handed on strictly in the order the blobs were added, so results
 * (and which skipped blobs get listed) are the same as with no worker at all. A worker that dies
 * or fails: its unanswered blobs are read again from git and scanned in this thread.
 */
export interface HistoryPoolOptions {
  /** Worker threads; default one per core beyond the first two (defaultHistoryWorkers), at most 3. 0: scan in this thread only. */
  workers?: number;
  /** Unique blob bytes added before the workers start (small histories never pay for a thread). */
  startAfterBytes?: number;
  /** Worker entry; default history-worker.js (or .ts under the dev runners) beside this module. */
  workerUrl?: URL;
}

/** What became of one blob: the engine's outcome, or git could not read it. */
export type PoolOutcome = BlobOutcome | { scanned: false; unreadable: string };

/**
 * Starting a worker costs about 0.6 s of CPU (a second isolate loads the code and compiles the
 * detector catalog; bench/history.ts --workers 1, docs/history.md): a history smaller than this is
 * scanned in this thread alone, so a PR's commits or a test never start one.
 */
export const HISTORY_WORKER_START_BYTES = 4 * 1024 * 1024;
/** A batch is posted once it holds this many bytes (or at once when its worker is idle). */
const BATCH_BYTES = 1024 * 1024;
const BATCH_ITEMS = 512;
/** Batches queued on one worker before the main thread scans blobs itself. */
const MAX_IN_FLIGHT = 3;

const CLEAN: BlobOutcome = { scanned: true };
/** Scanned by `prepare`: a line with no secret. */
const WARM_UP = new TextEncoder().encode('prepare\n');

/**
 * Measured (docs/history.md, "Speed"): git itself is busy on a second core (inflating objects:
 * 1.5 s of git CPU beside 1.8 s of Node CPU on the 93 MB synthetic history), so on 2 cores a
 * worker only adds its start-up and copies (+0.6-0.9 s of CPU) and was slower in wall time too.
 * Workers start when there is a core beyond those two.
 */
export function defaultHistoryWorkers(cores = availableParallelism()): number {
  return Math.max(0, Math.min(3, cores - 2));
}

interface Item<T> {
  seq: number;
  tag: T;
  size: number;
}

interface Slot<T> {
  worker: Worker;
  inFlight: Map<number, { items: Item<T>[]; settle: () => void }>;
  dead: boolean;
}

interface OpenBatch<T> {
  /** Blobs are copied straight into it; it travels to the worker and back (transferred, never copied). */
  buffer: Uint8Array<ArrayBuffer>;
  used: number;
  items: Item<T>[];
  placed: { path: string; start: number; length: number }[];
}

/**
 * Compiles the detector catalog now, while git answers the scan's first questions, if this thread
 * will scan blobs (it would otherwise be compiled on the first blob, with git idle). With workers,
 * they compile their own.
 */
export function prepareHistoryScan(settings: ScanSettings, options: HistoryPoolOptions = {}): void {
  if ((options.workers ?? defaultHistoryWorkers()) === 0) scanBlobBytes('prepare.txt', WARM_UP, settings);
}

export class HistoryBlobPool<T extends { oid: string; path: string }> {
  private readonly settings: ScanSettings;
  private readonly wanted: number;
  private readonly startAfter: number;
  private slots: Slot<T>[] | undefined;
  private open: OpenBatch<T> | undefined;
  /** Batch buffers the workers handed back, reused: no allocation (and no page faults) per batch. */
  private readonly spare: ArrayBuffer[] = [];
  private nextSeq = 0;
  private applied = 0;
  private readonly ready = new Map<number, { tag: T; size: number; outcome: PoolOutcome }>();
  private readonly waiting = new Set<Promise<void>>();
  /** The versions this thread scanned, for the next version of each path (versions.ts). */
  private readonly versions = new FileVersions();
  private nextBatch = 0;
  private seen = 0;
  /** Blobs whose outcome came from a worker (for the bench and the tests). */
  blobsFromWorkers = 0;
  workersStarted = 0;

  constructor(
    private readonly dir: string,
    given: ScanSettings,
    private readonly onOutcome: (tag: T, size: number, outcome: PoolOutcome) => void,
    private readonly reveal: SecretSink | undefined,
    private readonly options: HistoryPoolOptions = {},
  ) {
    // Workers have their own per-process default key: hand them this thread's, so fingerprints agree.
    this.settings = { ...given, fingerprint: given.fingerprint ?? { kind: 'keyed', key: EPHEMERAL_KEY }, contentKey: given.contentKey ?? EPHEMERAL_KEY };
    this.wanted = options.workers ?? defaultHistoryWorkers();
    this.startAfter = options.startAfterBytes ?? HISTORY_WORKER_START_BYTES;
  }

  /**
   * A place in the order outcomes are handed on, taken when a blob is requested from git (so the
   * order is the listing's, whatever the timing).
   */
  reserve(): number {
    return this.nextSeq++;
  }

  /** One blob's bytes (valid only during the call: they are copied if a worker scans them). */
  add(seq: number, tag: T, bytes: Uint8Array): void {
    const item: Item<T> = { seq, tag, size: bytes.length };
    this.seen += bytes.length;
    if (this.slots === undefined && this.wanted > 0 && this.seen >= this.startAfter) this.slots = this.startWorkers();
    if (!this.slots?.some((s) => !s.dead)) return this.scanHere(item, bytes);
    if (this.open && this.open.used + bytes.length > this.open.buffer.length && !this.post()) return this.scanHere(item, bytes);
    if (!this.open) {
      // Every worker saturated and nothing to fill: this thread scans (and so keeps the queue bounded).
      if (!this.freeSlot()) return this.scanHere(item, bytes);
      this.open = { buffer: new Uint8Array(this.bufferFor(bytes.length)), used: 0, items: [], placed: [] };
    }
    const open = this.open;
    open.buffer.set(bytes, open.used);
    open.items.push(item);
    open.placed.push({ path: tag.path, start: open.used, length: bytes.length });
    open.used += bytes.length;
    const idle = this.slots.some((s) => !s.dead && s.inFlight.size === 0);
    if (open.used >= BATCH_BYTES || open.items.length >= BATCH_ITEMS || idle) this.post();
  }

  /** A blob with a known outcome (git could not read it, it is too large): handed on in order with the others. */
  settle(seq: number, tag: T, outcome: PoolOutcome): void {
    this.place({ seq, tag, size: 0 }, outcome);
  }

  /** Stops the workers at once (after an error; `finish` is the normal end). */
  async close(): Promise<void> {
    await Promise.all((this.slots ?? []).map((s) => s.worker.terminate()));
  }

  /** Waits for every outcome, then stops the workers. */
  async finish(): Promise<void> {
    if (this.open) this.post(true);
    while (this.waiting.size > 0) await Promise.all([...this.waiting]);
    await Promise.all((this.slots ?? []).map((s) => s.worker.terminate()));
    if (this.applied !== this.nextSeq) throw new Error(`history scan lost ${this.nextSeq - this.applied} blob outcome(s)`);
  }

  private scanHere(item: Item<T>, bytes: Uint8Array): void {
    this.place(item, scanBlobBytes(item.tag.path, bytes, this.settings, this.reveal, this.versions));
  }

  /** Outcomes are applied in `add` order, whoever scanned them. */
  private place(item: Item<T>, outcome: PoolOutcome): void {
    if (item.seq !== this.applied) {
      this.ready.set(item.seq, { tag: item.tag, size: item.size, outcome });
      return;
    }
    this.applied++;
    this.onOutcome(item.tag, item.size, outcome);
    for (let next = this.ready.get(this.applied); next; next = this.ready.get(this.applied)) {
      this.ready.delete(this.applied);
      this.applied++;
      this.onOutcome(next.tag, next.size, next.outcome);
    }
  }

  /** A batch buffer: a spare one, or a new one (a blob larger than a batch gets its own). */
  private bufferFor(size: number): ArrayBuffer {
    if (size > BATCH_BYTES) return new ArrayBuffer(size);
    return this.spare.pop() ?? new ArrayBuffer(BATCH_BYTES);
  }

  private freeSlot(force = false): Slot<T> | undefined {
    let best: Slot<T> | undefined;
    for (const s of this.slots ?? []) {
      if (s.dead || (!force && s.inFlight.size >= MAX_IN_FLIGHT)) continue;
      if (!best || s.inFlight.size < best.inFlight.size) best = s;
    }
    return best;
  }

  /** Posts the open batch to the least busy worker; false when all are saturated (or gone). */
  private post(force = false): boolean {
    const open = this.open;
    if (!open) return true;
    const slot = this.freeSlot(force);
    if (!slot) {
      if (force) this.recover(open.items); // every worker died: read and scan here
      if (force) this.open = undefined;
      return false;
    }
    this.open = undefined;
    const id = this.nextBatch++;
    const buffer = open.buffer.buffer;
    const batch: HistoryBatch = { id, buffer, items: open.placed };
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.waiting.add(done);
    void done.then(() => this.waiting.delete(done));
    slot.inFlight.set(id, { items: open.items, settle });
    slot.worker.postMessage(batch, [buffer]);
    return true;
  }

  private startWorkers(): Slot<T>[] {
    const url = this.options.workerUrl ?? defaultHistoryWorkerUrl();
    if (!url) return [];
    const slots: Slot<T>[] = [];
    for (let i = 0; i < this.wanted; i++) {
      const slot = this.startWorker(url);
      if (slot) slots.push(slot);
    }
    this.workersStarted = slots.length;
    return slots;
  }

  private startWorker(url: URL): Slot<T> | undefined {
    let worker: Worker;
    const workerData = { settings: this.settings, reveal: this.reveal !== undefined, lessInlining: lessInliningApplied() };
    try {
      worker = newWorker(url, { workerData });
    } catch {
      return undefined;
    }
    const slot: Slot<T> = { worker, inFlight: new Map(), dead: false };
    const lose = () => {
      if (slot.dead) return;
      slot.dead = true;
      for (const [id, batch] of slot.inFlight) {
        slot.inFlight.delete(id);
        this.recover(batch.items);
        batch.settle();
      }
    };
    worker.on('message', (answer: HistoryBatchAnswer) => {
      const batch = slot.inFlight.get(answer.id);
      if (!batch) return;
      slot.inFlight.delete(answer.id);
      if (answer.buffer && answer.buffer.byteLength === BATCH_BYTES && this.spare.length < MAX_IN_FLIGHT * this.wanted + 1) this.spare.push(answer.buffer);
      if ('error' in answer) {
        this.recover(batch.items);
      } else {
        if (this.reveal) for (const secret of answer.secrets ?? []) this.reveal(secret);
        this.blobsFromWorkers += batch.items.length;
        batch.items.forEach((item, i) => this.place(item, answer.results[i] ?? CLEAN));
      }
      batch.settle();
      if (this.open) this.post();
    });
    worker.on('error', lose);
    worker.on('exit', lose);
    return slot;
  }

  /** A worker's blobs that never came back: read again from git and scanned in this thread. */
  private recover(items: Item<T>[]): void {
    if (items.length === 0) return;
    const reader = new BlobReader<Item<T>>(this.dir, (blob) => {
      if (blob.ok) this.scanHere(blob.tag, blob.bytes);
      else this.place(blob.tag, { scanned: false, unreadable: blob.reason });
    });
    const done = (async () => {
      try {
        for (const item of items) await reader.request(item.tag.oid, item);
      } finally {
        await reader.finish();
      }
    })();
    const settled = done.catch((error: unknown) => {
      // git itself failed: the blobs are named unreadable, never silently dropped.
      const reason = `could not read the object again after a worker thread failed: ${(error as Error).message}`;
      for (const item of items) if (item.seq >= this.applied && !this.ready.has(item.seq)) this.place(item, { scanned: false, unreadable: reason });
    });
    this.waiting.add(settled);
    void settled.then(() => this.waiting.delete(settled));
  }
}

/** history-worker.js beside this module (lib/, or dist/ of the bundle), else the .ts source. */
export function defaultHistoryWorkerUrl(): URL | undefined {
  return workerEntryBeside(import.meta.url, 'history-worker');
}
