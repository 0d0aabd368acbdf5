import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { admitted, compareFindings, contributionOf, createScanTotals, type FileContribution, type ScanOptions } from '../scan.js';
import { EPHEMERAL_KEY } from '../secrets/fingerprint.js';
import type { Finding, ScanResult, ScanSettings, SecretSink, Skipped } from '../types.js';
import { append } from '../append.js';
import { defaultWorkerUrl, typescriptBootstrap } from './pool.js';
import type { FileOutcome, TreeRequest, TreeResponse } from './protocol.js';
import { readSourceFile } from './read-file.js';

/**
 * A folder scan over all cores, where each thread reads its own files (docs/performance.md,
 * "Worker threads"). The main thread walks the tree and hands out batches of paths; a worker
 * opens, reads, decodes and scans the files of a batch (secrets and identities) and answers with
 * what each file contributes, never its text unless a whole-tree step needs it. The main thread
 * keeps at most QUEUED_BATCHES batches queued per worker and scans a batch itself when every
 * worker is that busy, so every core stays at work and the queue stays bounded.
 *
 * Results are the single-thread path's exactly: outcomes are kept by walk position and fed to the
 * whole-tree steps in walk order once all are in. Workers start only once the tree proves large
 * (TREE_POOL_FILES listed ahead before the first read, or TREE_POOL_BYTES read here: small trees
 * never pay for a thread); a worker that cannot start or dies has its batches scanned here.
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
  /** Worker entry (tests); default secrets-worker.js beside pool.js. */
  workerUrl?: URL;
  /** Files per batch handed to a worker. */
  batchFiles?: number;
  /** Called for each file read or skipped, in no particular order (progress display). */
  onItem?: (item: Skipped | { path: string; chars: number }) => void;
}

export interface TreeScan {
  result: ScanResult;
  workersStarted: number;
  /** Files a worker read and scanned (the rest were read here). */
  filesFromWorkers: number;
}

/**
 * Measured on 2 cores (docs/performance.md): one worker beside the main thread, which walks and
 * scans too; `cores - 1` from 3 cores. 1 core: none.
 */
export function defaultTreeWorkerCount(cores = availableParallelism()): number {
  return Math.max(0, cores - 1);
}

const BATCH_FILES = 16;
/** Batches queued on one worker before the main thread scans the next batch itself. */
const QUEUED_BATCHES = 3;
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

interface Job {
  index: number;
  path: string;
  abs: string;
}

interface Slot {
  worker: Worker;
  posted: number;
  /** Batches done, written by the worker: current even while this thread never yields. */
  done: Int32Array;
  pending: Map<number, Job[]>;
  onDone: Map<number, (response: TreeResponse) => void>;
  dead: boolean;
}

export async function scanFileTree(entries: Iterable<FileRef | Skipped>, options: TreeScanOptions): Promise<TreeScan> {
  const given = options.settings;
  // Workers have their own per-process default key: hand them this thread's, so fingerprints agree.
  const settings: ScanSettings = { ...given, fingerprint: given.fingerprint ?? { kind: 'keyed', key: EPHEMERAL_KEY }, contentKey: given.contentKey ?? EPHEMERAL_KEY };
  const wanted = options.workers ?? defaultTreeWorkerCount();
  const largeTreeBytes = options.largeTreeBytes ?? TREE_POOL_BYTES;
  const largeTreeFiles = options.largeTreeFiles ?? TREE_POOL_FILES;
  const batchFiles = options.batchFiles ?? BATCH_FILES;
  const reveal = options.revealSecrets;
  const onItem = options.onItem;
  const outcomes: (FileOutcome | undefined)[] = [];
  const waiting: Promise<void>[] = [];
  let slots: Slot[] | undefined;
  let readHere = 0;
  /** Entries the walk has listed so far (the next one's walk position). */
  let index = 0;
  let nextId = 0;
  let filesFromWorkers = 0;

  const record = (outcome: FileOutcome) => {
    outcomes[outcome.index] = outcome;
    if (onItem) {
      if (outcome.skipped) onItem(outcome.skipped);
      else if (outcome.file) onItem({ path: outcome.file.path, chars: outcome.file.chars });
    }
  };
  const scanHere = (jobs: Job[]) => {
    for (const job of jobs) {
      const outcome = scanOne(job, settings, reveal);
      readHere += outcome.file?.chars ?? 0;
      record(outcome);
    }
  };
  const start = (): Slot[] => {
    const url = wanted > 0 ? (options.workerUrl ?? defaultWorkerUrl()) : undefined;
    const started: Slot[] = [];
    for (let i = 0; url && i < wanted; i++) {
      const slot = startWorker(url, settings, (jobs) => scanHere(jobs));
      if (slot) started.push(slot);
    }
    return started;
  };
  /** A worker with room in its queue (the least busy), if any. */
  const free = (): Slot | undefined => {
    if (!slots && readHere >= largeTreeBytes) slots = start();
    let slot: Slot | undefined;
    for (const s of slots ?? []) if (!s.dead && queued(s) < QUEUED_BATCHES && (!slot || queued(s) < queued(slot))) slot = s;
    return slot;
  };
  const post = (target: Slot, jobs: Job[]) => {
    const id = nextId++;
    const request: TreeRequest = { kind: 'files', id, files: jobs };
    if (reveal) request.reveal = true;
    if (target.pending.size === 0) target.worker.ref(); // keep the process alive while work is queued
    target.posted++;
    target.pending.set(id, jobs);
    const paths = new Map(jobs.map((job) => [job.index, job.path]));
    waiting.push(
      new Promise<void>((resolve) => {
        target.onDone.set(id, (response) => {
          if ('outcomes' in response) {
            if (reveal) for (const secret of response.secrets ?? []) reveal(secret);
            for (const outcome of response.outcomes) {
              if (outcome.chars !== undefined) outcome.file = nothingFound(paths.get(outcome.index)!, outcome.chars);
              if (outcome.file) filesFromWorkers++;
              record(outcome);
            }
          } else scanHere(jobs);
          if (target.pending.size === 0) target.worker.unref();
          resolve();
        });
      }),
    );
    target.worker.postMessage(request);
  };
  /**
   * Hands out the listed files: a full batch goes to a worker with room; while none has room,
   * this thread scans the oldest listed file itself, one at a time, so it comes back to feed the
   * workers before their queues run dry (a batch with a 12 MB file would keep it away ~100 ms).
   */
  const drain = (listed: Job[], whole: number) => {
    while (listed.length >= whole && listed.length > 0) {
      const slot = free();
      if (slot) post(slot, listed.splice(0, batchFiles));
      else scanHere(listed.splice(0, 1));
    }
  };

  // Lists ahead: a tree with many files starts its workers before the first read.
  const walk = entries[Symbol.iterator]();
  const ahead: (FileRef | Skipped)[] = [];
  if (wanted > 0) {
    let files = 0;
    while (files < largeTreeFiles) {
      const next = walk.next();
      if (next.done) break;
      ahead.push(next.value);
      if ('abs' in next.value) files++;
    }
    if (files >= largeTreeFiles) slots = start();
  }

  const listed: Job[] = [];
  let sinceYield = 0;
  for (const entry of chain(ahead, walk)) {
    if (!('abs' in entry)) {
      record({ index: index++, skipped: entry });
      continue;
    }
    listed.push({ index: index++, path: entry.path, abs: entry.abs });
    drain(listed, batchFiles);
    // Lets worker answers in, so a progress display moves; a scan without one need not yield.
    if (onItem && slots?.length && ++sinceYield >= batchFiles) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  drain(listed, 1);
  await Promise.all(waiting);
  await Promise.all((slots ?? []).map((s) => s.worker.terminate()));

  // The whole-tree steps, in walk order, as the single-thread pipeline runs them.
  const totals = createScanTotals({ ...options, settings: given });
  const secrets: Finding[] = [];
  for (const outcome of outcomes) {
    if (outcome?.skipped) totals.skip(outcome.skipped);
    else if (outcome?.file) {
      const { file } = outcome;
      totals.file({ path: file.path, content: file.content ?? '' }, file.extracted, file.chars);
      append(secrets, file.secrets);
    }
  }
  return { result: totals.finish(secrets.sort(compareFindings)), workersStarted: slots?.length ?? 0, filesFromWorkers };
}

function* chain<T>(first: T[], rest: Iterator<T>): Generator<T> {
  yield* first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

function nothingFound(path: string, chars: number): FileContribution {
  return { path, chars, extracted: { records: [], findings: [], references: [] }, secrets: [] };
}

/** Reads and scans one file: what the worker does for each file of a batch. */
export function scanOne(job: Job, settings: ScanSettings, reveal?: SecretSink): FileOutcome {
  const item = admitted(readSourceFile(job.path, job.abs, settings.maxFileSize), settings);
  if (!item) return { index: job.index };
  if (!('content' in item)) return { index: job.index, skipped: item };
  return { index: job.index, file: contributionOf(item, settings, reveal) };
}

const queued = (slot: Slot) => slot.posted - Atomics.load(slot.done, 0);

function startWorker(url: URL, settings: ScanSettings, rescue: (jobs: Job[]) => void): Slot | undefined {
  let worker: Worker;
  const done = new Int32Array(new SharedArrayBuffer(4));
  try {
    const workerData = { settings, done };
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    worker = url.pathname.endsWith('.ts') ? new Worker(typescriptBootstrap(url), { eval: true, workerData, resourceLimits }) : new Worker(url, { workerData, resourceLimits });
  } catch {
    return undefined;
  }
  const onDone = new Map<number, (response: TreeResponse) => void>();
  const slot: Slot = { worker, posted: 0, done, pending: new Map(), onDone, dead: false };
  const rescueAll = () => {
    slot.dead = true;
    for (const [id, jobs] of slot.pending) {
      slot.pending.delete(id);
      const finish = onDone.get(id);
      onDone.delete(id);
      rescue(jobs);
      finish?.({ id, outcomes: [] });
    }
  };
  worker.on('message', (response: TreeResponse) => {
    const finish = onDone.get(response.id);
    if (!finish) return;
    slot.pending.delete(response.id);
    onDone.delete(response.id);
    finish(response);
  });
  worker.on('error', rescueAll);
  worker.on('exit', rescueAll);
  worker.unref();
  return slot;
}

