import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { admitted, compareFindings, contributionOf, createScanTotals, type FileContribution, type ScanOptions } from '../scan.js';
import { EPHEMERAL_KEY } from '../secrets/fingerprint.js';
import type { Finding, ScanResult, ScanSettings, SecretSink, Skipped } from '../types.js';
import { append } from '../append.js';
import { defaultWorkerUrl, newWorker } from './pool.js';
import type { FileOutcome, TreeRequest, TreeResponse } from './protocol.js';
import { readSourceFile, scanFileInPieces } from './read-file.js';
import { PIECE } from '../secrets/pieces.js';
import { afterLargeFile } from './large-file.js';
import { ReadAhead } from './reader.js';
import { CONTROL_WORDS } from './ring.js';
import type { SourceFile } from '../types.js';
import { youngGenerationKeptSmall } from './young-generation.js';

/**
 * A folder scan over all cores, where each thread reads its own files (docs/performance.md,
 * "Worker threads"). The main thread walks the tree and posts every listed path to every worker,
 * 16 at a time; all threads then claim walk positions from one shared counter (`claim`), so each
 * file is read, decoded and scanned (secrets and identities) by exactly one thread, and a worker
 * answers with what each file contributes, never its text unless a whole-tree step needs it.
 * The main thread scans only while more than LEFT_FOR_WORKERS listed files are unclaimed, so a
 * worker never waits on the walk; when the walk ends every thread claims what is left, so no
 * thread sits idle behind another's queue.
 *
 * Results are the single-thread path's exactly: outcomes are kept by walk position and fed to the
 * whole-tree steps in walk order once all are in. Workers start only once the tree proves large
 * (TREE_POOL_FILES listed ahead before the first read, or TREE_POOL_BYTES read here: small trees
 * never pay for a thread); files a worker claimed and never answered for (it could not start, or
 * died) are scanned here.
 */

/** A file the walker listed: the path reported, and the path to open (a link's real path). */
export interface FileRef {
  path: string;
  abs: string;
}

export interface TreeScanOptions extends Pick<ScanOptions, 'owners' | 'codeowners' | 'revealSecrets'> {
  settings: ScanSettings;
  /** Worker threads for a large tree; default defaultTreeWorkerCount(). 0: all in this thread. */
  workers?: number;
  /** Bytes this thread reads before workers start. */
  largeTreeBytes?: number;
  /** Files listed ahead of the first read that start workers at once. */
  largeTreeFiles?: number;
  /** Tests: false leaves every file to the workers while one lives (default true: this thread scans its share). */
  scanHere?: boolean;
  /** Worker entry (tests); default secrets-worker.js beside pool.js. */
  workerUrl?: URL;
  /**
   * Read-ahead thread (reader.ts) when no scanning worker runs: false turns it off, an object sets
   * its ring (tests), true turns it on. Default defaultReadAhead() (off); started once the walk lists READ_AHEAD_FILES files.
   */
  readAhead?: boolean | { ringBytes?: number; maxRecordBytes?: number; workerUrl?: URL; files?: number; patient?: boolean };
  /** Called for each file read or skipped, in no particular order (progress display). */
  onItem?: (item: Skipped | { path: string; chars: number }) => void;
}

export interface TreeScan {
  result: ScanResult;
  workersStarted: number;
  /** Files a worker read and scanned (the rest were read here). */
  filesFromWorkers: number;
  /** Files whose bytes came from the read-ahead thread (0 when it did not run). */
  filesFromReader: number;
}

/**
 * Measured on 2 cores (docs/performance.md, "Worker threads"): a worker beside the main thread
 * gained at best ~1.1x by wall on the bench corpus, for ~1 s more CPU and ~55 MB more peak RSS
 * (over the 150 MB target), and nothing on a tree of small files; so no worker up to 2 cores,
 * `cores - 1` from 3 cores.
 */
export function defaultTreeWorkerCount(cores = availableParallelism()): number {
  return cores <= 2 ? 0 : cores - 1;
}

/**
 * Whether a scan without workers starts the read-ahead thread by default: no, by measurement
 * (docs/performance.md, "Read-ahead"). On a quiet machine (load ~1, 17:39-17:40 UTC) the bench
 * corpus took 1.15-1.55 s with it against 1.09-1.49 s without (main thread 1.00-1.32 against
 * 1.01-1.37 s), and `npm run bench -- --only e2e` 1.16 against 1.11 s; the 20,000 small files
 * 0.53-0.61 against 0.54-0.66 s. It costs a second V8 isolate (idle: ~9 MiB on Node 20, ~13 on
 * Node 22, ~17 on Node 24) and its ring: corpus peak 128-136 against 117-122 MiB on Node 20, 158
 * against 142 on Node 24 (over the 150 MB target). `NHI_STEWARD_READ_AHEAD=1` turns it on (CLI).
 */
export function defaultReadAhead(): boolean {
  return false;
}

/** Files posted to the workers at a time. */
const CHUNK_FILES = 16;
/**
 * Files the walk has listed that this thread leaves unclaimed, for the workers: this thread scans
 * a file only when more than this many are waiting, so a worker never runs dry while the walk
 * goes on; once the walk ends, every thread claims what is left.
 */
const LEFT_FOR_WORKERS = 64;
/**
 * A worker's young generation (V8 defaults to tens of MB): a scan allocates short-lived strings at
 * a high rate, and a small nursery cut the worker's share of peak RSS by ~20 MB at no measurable
 * CPU cost (docs/performance.md).
 */
const YOUNG_GENERATION_MB = 4;
/**
 * Workers start once this thread has read TREE_POOL_BYTES: a smaller tree is done, or nearly,
 * before a worker would be ready (~0.25 s to load the pipeline and compile the detector catalog).
 * Measured (docs/performance.md): a trigger at 512 listed files started a worker for secretlint's
 * 2.4 MB subset (1,438 files), 0.92 s of CPU and 112 MB instead of ~0.7 s and ~93 MB, no faster;
 * on a tree of 1 KiB files the main thread's per-file work stays the bottleneck, so a worker
 * started early gains nothing there either.
 */
export const TREE_POOL_BYTES = 8 * 1024 * 1024;
/**
 * Before reading anything, the walk lists up to TREE_POOL_FILES files (listings only, no reads);
 * a tree that has that many starts its workers at once, so a worker loads and compiles while this
 * thread compiles its own catalog and scans the first files, instead of after TREE_POOL_BYTES
 * (docs/performance.md, "Worker threads"). Secretlint's 1,438-file subset stays below it.
 */
export const TREE_POOL_FILES = 2000;
/**
 * With no scanning worker, a read-ahead thread (reader.ts) starts once the walk has listed this
 * many files; the scanning thread keeps READ_AHEAD_FILES listed files ahead of the one it scans so
 * the reader has paths to read, and posts them POST_FILES at a time.
 */
export const READ_AHEAD_FILES = 256;
const POST_FILES = 32;

interface Job {
  index: number;
  path: string;
  abs: string;
}

interface Slot {
  worker: Worker;
  dead: boolean;
}

/**
 * Claims the next unclaimed walk position below `bound` on the shared counter (every thread
 * claims from it, so each file is scanned by exactly one), or -1 when none is left.
 */
export function claim(next: Int32Array, bound: number): number {
  for (;;) {
    const position = Atomics.load(next, 0);
    if (position >= bound) return -1;
    if (Atomics.compareExchange(next, 0, position, position + 1) === position) return position;
  }
}

export async function scanFileTree(entries: Iterable<FileRef | Skipped>, options: TreeScanOptions): Promise<TreeScan> {
  const given = options.settings;
  // Workers have their own per-process default key: hand them this thread's, so fingerprints agree.
  const settings: ScanSettings = { ...given, fingerprint: given.fingerprint ?? { kind: 'keyed', key: EPHEMERAL_KEY }, contentKey: given.contentKey ?? EPHEMERAL_KEY };
  const wanted = options.workers ?? defaultTreeWorkerCount();
  const largeTreeBytes = options.largeTreeBytes ?? TREE_POOL_BYTES;
  const largeTreeFiles = options.largeTreeFiles ?? TREE_POOL_FILES;
  const reveal = options.revealSecrets;
  const onItem = options.onItem;
  const shares = options.scanHere ?? true;
  const outcomes: (FileOutcome | undefined)[] = [];
  /** The walk's files, by position; `next` is the first position no thread has claimed. */
  const jobs: Job[] = [];
  // Word 0 is the claim counter; the rest is the read-ahead ring's control block (ring.ts).
  const next = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  /** Positions posted to the workers. */
  let published = 0;
  /** Files whose outcome is in (from any thread). */
  let finished = 0;
  let slots: Slot[] | undefined;
  let readHere = 0;
  /** Entries the walk has listed so far (the next one's walk position). */
  let index = 0;
  let filesFromWorkers = 0;
  let wake: (() => void) | undefined;
  const readAheadOption = options.readAhead ?? defaultReadAhead();
  const readAhead = wanted === 0 && readAheadOption !== false ? (typeof readAheadOption === 'object' ? readAheadOption : {}) : undefined;
  const readAheadFiles = readAhead?.files ?? READ_AHEAD_FILES;
  let reader: ReadAhead | undefined;
  let readerTried = false;
  /** With a reader: the first position not yet scanned here. */
  let scanned = 0;

  const record = (outcome: FileOutcome) => {
    outcomes[outcome.index] = outcome;
    if (onItem) {
      if (outcome.skipped) onItem(outcome.skipped);
      else if (outcome.file) onItem({ path: outcome.file.path, chars: outcome.file.chars });
    }
  };
  const scanHere = (job: Job) => {
    const outcome = scanOne(job, settings, reveal);
    readHere += outcome.file?.chars ?? 0;
    record(outcome);
    finished++;
  };
  /** Scans positions here while more than `leave` listed files are unclaimed. */
  const scanClaimed = (bound: number, leave: number) => {
    while (bound - Atomics.load(next, 0) > leave) {
      const position = claim(next, bound);
      if (position < 0) break;
      scanHere(jobs[position]);
    }
  };
  const live = () => slots?.some((s) => !s.dead) ?? false;
  const settle = () => {
    if (wake && (finished === jobs.length || !live())) wake();
  };
  const onResponse = (response: TreeResponse) => {
    if (reveal) for (const secret of response.secrets ?? []) reveal(secret);
    const empty = response.empty;
    for (let i = 0; i < empty.length; i += 2) {
      const job = jobs[empty[i]];
      record({ index: job.index, file: nothingFound(job.path, empty[i + 1]) });
    }
    filesFromWorkers += empty.length / 2;
    finished += empty.length / 2;
    for (const outcome of response.outcomes) {
      if (outcome.retry !== undefined) {
        finished++; // scanned here once the workers are done (an error then surfaces in this thread)
        continue;
      }
      if (outcome.file) filesFromWorkers++;
      record(outcome);
      finished++;
    }
    settle();
  };
  const start = () => {
    const url = wanted > 0 ? (options.workerUrl ?? defaultWorkerUrl()) : undefined;
    const started: Slot[] = [];
    for (let i = 0; url && i < wanted; i++) {
      const slot = startWorker(url, { settings, next, reveal: reveal !== undefined }, onResponse, settle);
      if (slot) started.push(slot);
    }
    slots = started;
    published = Atomics.load(next, 0); // what is listed beyond the files scanned here is posted next
  };
  /** Scans positions `scanned` … `bound - 1` here, their bytes from the reader's ring (or read here). */
  const scanRead = (bound: number) => {
    while (scanned < bound) {
      if (scanned >= reader!.posted) postToReader(true);
      const job = jobs[scanned];
      const outcome = scanItem(job, reader!.take(scanned++, job.path, job.abs), settings, reveal);
      afterLargeFile(outcome.file?.chars ?? 0);
      record(outcome);
      finished++;
    }
  };
  const postToReader = (all: boolean) => {
    if (reader && jobs.length - reader.posted >= (all ? 1 : POST_FILES)) reader.post(jobs.slice(reader.posted).map((j) => j.abs));
  };
  const publish = () => {
    if (published === jobs.length) return;
    const request: TreeRequest = { kind: 'files', start: published, files: jobs.slice(published) };
    for (const slot of slots ?? []) if (!slot.dead) slot.worker.postMessage(request);
    published = jobs.length;
  };

  try {
    // Lists ahead: a tree with many files starts its workers before the first read.
    const walk = entries[Symbol.iterator]();
    const ahead: (FileRef | Skipped)[] = [];
    if (wanted > 0) {
      let files = 0;
      while (files < largeTreeFiles) {
        const entry = walk.next();
        if (entry.done) break;
        ahead.push(entry.value);
        if ('abs' in entry.value) files++;
      }
      if (files >= largeTreeFiles) start();
    }

    let sinceYield = 0;
    // Without entries listed ahead (no workers wanted, or a small tree), the walk itself: a generator
    // around it costs ~1 us per file (17 ms of a 20,000-file scan's CPU profile).
    for (const entry of ahead.length > 0 ? chain(ahead, walk) : { [Symbol.iterator]: () => walk }) {
      if (!('abs' in entry)) {
        record({ index: index++, skipped: entry });
        continue;
      }
      jobs.push({ index: index++, path: entry.path, abs: entry.abs });
      if (!slots && wanted > 0 && readHere >= largeTreeBytes) start();
      if (readAhead && !readerTried && jobs.length >= readAheadFiles) {
        readerTried = true;
        scanned = Atomics.load(next, 0);
        reader = ReadAhead.start(next, scanned, { maxFileSize: settings.maxFileSize, ...readAhead });
      }
      if (reader) {
        postToReader(false);
        if (jobs.length - scanned > readAheadFiles) scanRead(jobs.length - readAheadFiles);
      } else if (readAhead && !readerTried) {
        // Lists the first files ahead: a tree of this many starts the reader before any read here.
      } else if (live()) {
        if (jobs.length - published >= CHUNK_FILES) publish();
        if (shares) scanClaimed(published, LEFT_FOR_WORKERS);
        // Lets worker answers in, so a progress display moves; a scan without one need not yield.
        if (onItem && ++sinceYield >= CHUNK_FILES) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } else {
        scanClaimed(jobs.length, 0);
      }
    }
    // The walk is over: every thread claims what is left, then this one waits for the workers'
    // answers. Files a dead worker claimed but never answered for are scanned here.
    if (reader) {
      postToReader(true);
      scanRead(jobs.length);
    }
    if (live()) publish();
    if (shares || !live()) scanClaimed(jobs.length, 0);
    if (finished < jobs.length && live()) await new Promise<void>((resolve) => ((wake = resolve), settle()));
    for (const job of jobs) if (!outcomes[job.index]) scanHere(job);
  } finally {
    await Promise.all([...(slots ?? []).map((s) => s.worker.terminate()), reader?.stop()]);
  }

  // The whole-tree steps, in walk order, as the single-thread pipeline runs them.
  const totals = createScanTotals({ ...options, settings: given });
  const secrets: Finding[] = [];
  for (const outcome of outcomes) {
    if (outcome?.skipped) {
      totals.skip(outcome.skipped);
      if (outcome.skipped.secrets) append(secrets, outcome.skipped.secrets);
    }
    else if (outcome?.file) {
      const { file } = outcome;
      totals.file({ path: file.path, content: file.content ?? '' }, file.extracted, file.chars);
      append(secrets, file.secrets);
    }
  }
  return { result: totals.finish(secrets.sort(compareFindings)), workersStarted: slots?.length ?? 0, filesFromWorkers, filesFromReader: reader?.fromReader ?? 0 };
}

function* chain<T>(first: T[], rest: Iterator<T>): Generator<T> {
  yield* first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

/** Shared by every file with nothing to report (the whole-tree steps only read them). */
const NOTHING: Pick<FileContribution, 'extracted' | 'secrets'> = Object.freeze({
  extracted: Object.freeze({ records: Object.freeze([]) as never[], findings: Object.freeze([]) as never[], references: Object.freeze([]) as never[] }),
  secrets: Object.freeze([]) as never[],
});

function nothingFound(path: string, chars: number): FileContribution {
  return { path, chars, extracted: NOTHING.extracted, secrets: NOTHING.secrets };
}

/** Reads and scans one file: what the worker does for each file of a batch. */
export function scanOne(job: Job, settings: ScanSettings, reveal?: SecretSink): FileOutcome {
  const outcome = scanItem(job, readSourceFile(job.path, job.abs, settings.maxFileSize, true), settings, reveal);
  // Frees its read buffer and its text (unless a whole-tree step keeps it), or a file's pieces.
  afterLargeFile(outcome.file?.chars ?? (outcome.skipped?.secrets ? PIECE : 0));
  return outcome;
}

/**
 * Scans one file already read (or the reason it was skipped). The caller runs afterLargeFile once
 * this returns: a parameter stays alive as long as its function runs, so a collection started in
 * here would keep the file's text (measured: +40 MB peak on the bench corpus).
 */
function scanItem(job: Job, read: SourceFile | Skipped, settings: ScanSettings, reveal?: SecretSink): FileOutcome {
  const item = admitted(read, settings);
  if (!item) return { index: job.index };
  if (!('content' in item)) return { index: job.index, skipped: item.reason === 'too-large' ? scanFileInPieces(item, job.abs, settings, undefined, reveal) : item };
  const file = contributionOf(item, settings, reveal);
  // Kept until the whole-tree steps: most files contribute nothing, and their own empty arrays
  // (four per file) would survive every scavenge until then.
  return { index: job.index, file: reportsNothing(file) ? nothingFound(file.path, file.chars) : file };
}

/** A file whose contribution is its length alone: no text kept, no finding, record or reference. */
export function reportsNothing(file: FileContribution): boolean {
  return file.content === undefined && !file.secrets.length && !file.extracted.records.length && !file.extracted.findings.length && !file.extracted.references.length;
}

function startWorker(url: URL, data: { settings: ScanSettings; next: Int32Array; reveal: boolean }, onResponse: (response: TreeResponse) => void, onExit: () => void): Slot | undefined {
  let worker: Worker;
  try {
    // `done` is the secrets pool's counter (pool.ts); this pool counts claims on `next`.
    const workerData = { ...data, done: new Int32Array(new SharedArrayBuffer(4)), youngGeneration: youngGenerationKeptSmall() };
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    worker = newWorker(url, { workerData, resourceLimits });
  } catch {
    return undefined;
  }
  const slot: Slot = { worker, dead: false };
  const died = () => {
    slot.dead = true;
    onExit();
  };
  worker.on('message', onResponse);
  worker.on('error', died);
  worker.on('exit', died);
  return slot;
}
