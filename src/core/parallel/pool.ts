import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { scanSecrets } from '../secrets/engine.js';
import { exactSourceFile } from '../source.js';
import { EPHEMERAL_KEY } from '../secrets/fingerprint.js';
import type { Finding, ScanSettings, SecretSink, SourceFile } from '../types.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';

/**
 * Secrets scanning over all cores. The main thread scans in-thread until the tree proves large
 * (LARGE_TREE_BYTES), then starts `cores - 1` workers and keeps scanning itself whenever every
 * worker already has enough queued: both cores stay busy, and small scans (a PR, a test) never pay
 * for starting a thread. If the worker file cannot be found or a worker dies, its files are
 * scanned in-thread, so results never depend on whether threads were available.
 */
export interface ParallelOptions {
  /**
   * Worker threads to start for a large tree; default `availableParallelism() - 1` on 3 or more
   * cores, none on 1 or 2 (see DEFAULT_WORKERS). 0 disables.
   */
  workers?: number;
  /** Bytes seen before workers start. */
  largeTreeBytes?: number;
  /** Worker entry; default secrets-worker.js (or .ts under the tsx/vitest dev runners) beside this module. */
  workerUrl?: URL;
  /** Live verification only: receives each reported secret's value(s), from this thread or a worker. */
  reveal?: SecretSink;
}

export const LARGE_TREE_BYTES = 8 * 1024 * 1024;

/**
 * Measured (docs/performance.md): on 2 cores the main thread is busy reading, decoding and
 * extracting identities, so one worker only adds the cost of copying every file to it; the same
 * 146 MB scan used ~20 % more CPU time and twice the memory with a worker than without. A pool pays
 * once there is a spare core beyond those two.
 */
export function defaultWorkerCount(cores = availableParallelism()): number {
  return cores > 2 ? cores - 1 : 0;
}
/** Bytes queued on one worker before the main thread scans the next file itself. */
const MAX_QUEUED_BYTES = 2 * 1024 * 1024;
/** Work is counted in units of 256 chars (plus one per file) so an Int32 counter never overflows. */
const COST_UNIT = 256;
const costOf = (file: SourceFile) => Math.ceil(file.content.length / COST_UNIT) + 1;
/**
 * Work still queued on a worker. The worker adds to `done` itself, so this is right even when the
 * main thread never yields (a synchronous loop over pre-read files delivers no messages).
 */
const queued = (slot: Slot) => slot.posted - Atomics.load(slot.done, 0);

export interface ParallelSecretScanner {
  add(file: SourceFile): void;
  /** All findings, sorted by file, line, column and rule; stops the workers. */
  finish(): Promise<Finding[]>;
  /** How many workers were started (0 when the tree stayed small or threads were unavailable). */
  readonly workersStarted: number;
  /** Files whose findings came back from a worker (the rest were scanned in-thread). */
  readonly filesFromWorkers: number;
}

interface Slot {
  worker: Worker;
  /** Work posted, and (shared with the worker, so it is current even while this thread is busy) done, in COST_UNIT chars. */
  posted: number;
  done: Int32Array;
  pending: Map<number, { file: SourceFile; resolve: (findings: Finding[]) => void }>;
  dead: boolean;
}

export function createParallelSecretScanner(given: ScanSettings, options: ParallelOptions = {}): ParallelSecretScanner {
  // Workers have their own per-process default key: hand them this thread's, so fingerprints agree.
  const settings: ScanSettings = { ...given, fingerprint: given.fingerprint ?? { kind: 'keyed', key: EPHEMERAL_KEY }, contentKey: given.contentKey ?? EPHEMERAL_KEY };
  const wanted = options.workers ?? defaultWorkerCount();
  const largeTreeBytes = options.largeTreeBytes ?? LARGE_TREE_BYTES;
  const results: Finding[][] = [];
  const waiting: Promise<void>[] = [];
  let slots: Slot[] | undefined;
  let seenBytes = 0;
  let nextId = 0;
  let workersStarted = 0;
  let filesFromWorkers = 0;

  const reveal = options.reveal;
  const scanHere = (file: SourceFile) => results.push(scanSecrets(file, settings, reveal));

  const start = (): Slot[] => {
    const url = wanted > 0 ? (options.workerUrl ?? defaultWorkerUrl()) : undefined;
    if (!url) return [];
    const started: Slot[] = [];
    for (let i = 0; i < wanted; i++) {
      const slot = startWorker(url, settings, () => filesFromWorkers++, reveal);
      if (slot) started.push(slot);
    }
    workersStarted = started.length;
    return started;
  };

  return {
    get workersStarted() {
      return workersStarted;
    },
    get filesFromWorkers() {
      return filesFromWorkers;
    },
    add(added) {
      seenBytes += added.content.length;
      if (!slots && seenBytes >= largeTreeBytes) slots = start();
      const slot = slots?.filter((s) => !s.dead && queued(s) < MAX_QUEUED_BYTES / COST_UNIT).sort((a, b) => queued(a) - queued(b))[0];
      if (!slot) return scanHere(added);
      // A stand-in's real text (SourceFile.standIn) is read now, before its bytes may be reused:
      // a worker, or this thread after a worker died, scans the file later.
      const file = exactSourceFile(added);
      const id = nextId++;
      const cost = costOf(file);
      const request: WorkerRequest = { id, path: file.path, content: file.content, cost };
      if (file.addedLines) request.addedLines = [...file.addedLines];
      if (reveal) request.reveal = true;
      slot.posted += cost;
      if (slot.pending.size === 0) slot.worker.ref(); // keep the process alive while work is queued
      waiting.push(
        new Promise<void>((resolve) => {
          slot.pending.set(id, {
            file,
            resolve: (findings) => {
              if (slot.pending.size === 0) slot.worker.unref();
              results.push(findings);
              resolve();
            },
          });
        }),
      );
      slot.worker.postMessage(request);
    },
    async finish() {
      await Promise.all(waiting);
      await Promise.all((slots ?? []).map((s) => s.worker.terminate()));
      return results.flat().sort(compareFindings);
    },
  };
}

function startWorker(url: URL, settings: ScanSettings, onWorkerResult: () => void, reveal?: SecretSink): Slot | undefined {
  let worker: Worker;
  const done = new Int32Array(new SharedArrayBuffer(4));
  try {
    worker = newWorker(url, { workerData: { settings, done } });
  } catch {
    return undefined;
  }
  const slot: Slot = { worker, posted: 0, done, pending: new Map(), dead: false };
  const rescueAll = () => {
    slot.dead = true;
    for (const [id, job] of slot.pending) {
      slot.pending.delete(id);
      job.resolve(scanSecrets(job.file, settings, reveal));
    }
  };
  worker.on('message', (response: WorkerResponse) => {
    const job = slot.pending.get(response.id);
    if (!job) return;
    slot.pending.delete(response.id);
    if ('findings' in response) {
      onWorkerResult();
      if (reveal) for (const secret of response.secrets ?? []) reveal(secret);
    }
    job.resolve('findings' in response ? response.findings : scanSecrets(job.file, settings, reveal));
  });
  worker.on('error', rescueAll);
  worker.on('exit', rescueAll);
  worker.unref();
  return slot;
}

/**
 * Under the dev runners (tsx, vitest) the entry is TypeScript. `--import tsx` in a worker's
 * execArgv does not reach the worker's own entry on Node 20, so a tiny script registers tsx's ESM
 * hooks first and then imports the entry. Throws (→ no workers) when tsx is not installed.
 */
export function typescriptBootstrap(entry: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

/** A worker thread on `url`: the built `.js` entry as is, a `.ts` one through `typescriptBootstrap`. Throws when it cannot start. */
export function newWorker(url: URL, options: WorkerOptions): Worker {
  return url.pathname.endsWith('.ts') ? new Worker(typescriptBootstrap(url), { ...options, eval: true }) : new Worker(url, options);
}

/**
 * The worker entry `name` beside the module at `moduleUrl` (lib/, or dist/ and lib/bundle/ of
 * the bundles): `name.js`, else the `.ts` source under the dev runners; undefined when neither exists.
 */
export function workerEntryBeside(moduleUrl: string | undefined, name: string): URL | undefined {
  if (!moduleUrl) return undefined;
  for (const file of [`./${name}.js`, `./${name}.ts`]) {
    const url = new URL(file, moduleUrl);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/** secrets-worker.js beside this module (lib/, or dist/ of the bundle), else the .ts source. */
export function defaultWorkerUrl(): URL | undefined {
  let here: string;
  try {
    here = import.meta.url;
  } catch {
    return undefined;
  }
  return workerEntryBeside(here, 'secrets-worker');
}

function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
