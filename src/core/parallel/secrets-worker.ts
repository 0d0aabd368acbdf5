/**
 * Worker-thread entry for both pools: the secrets pool (pool.ts) posts files' text to scan for
 * secrets; the tree pool (tree-pool.ts) posts the walk's paths, and the worker reads, decodes and
 * scans (secrets and identities) each file it claims on the shared counter. Settings arrive once,
 * in workerData (structured clone keeps the baseline Set and the Date). Built as its own file next
 * to pool.js (lib/) and as a second esbuild entry point (dist/secrets-worker.js, and
 * lib/bundle/secrets-worker.js beside the CLI bundle) so that
 * `new URL('./secrets-worker.js', import.meta.url)` finds it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanSecrets } from '../secrets/engine.js';
import type { RevealedSecret, ScanSettings } from '../types.js';
import type { FileOutcome, TreeRequest, TreeResponse, WorkerRequest, WorkerResponse } from './protocol.js';
import { claim, reportsNothing, scanOne } from './tree-pool.js';
import { keepYoungGenerationSmallAgain } from './young-generation.js';

const { settings, done, next, reveal, youngGeneration } = workerData as { settings: ScanSettings; done: Int32Array; next?: Int32Array; reveal?: boolean; youngGeneration?: boolean };

// Started by the tree pool (the CLI's and the Action's folder scans, which keep V8's young
// generation small, young-generation.ts): a worker's start-up resets V8's flags, which are the
// process's, so the main thread's young generation would grow to 16-32 MB again; set it again.
if (next) keepYoungGenerationSmallAgain(youngGeneration === true);

parentPort?.on('message', (request: WorkerRequest | TreeRequest) => {
  if ('kind' in request) return scanClaimed(request);
  let response: WorkerResponse;
  try {
    const file = request.addedLines
      ? { path: request.path, content: request.content, addedLines: new Set(request.addedLines) }
      : { path: request.path, content: request.content };
    if (request.reveal) {
      const secrets: RevealedSecret[] = [];
      response = { id: request.id, findings: scanSecrets(file, settings, (s) => secrets.push(s)), secrets };
    } else {
      response = { id: request.id, findings: scanSecrets(file, settings) };
    }
  } catch (error) {
    response = { id: request.id, error: (error as Error).message };
  }
  Atomics.add(done, 0, request.cost);
  parentPort?.postMessage(response);
});

/** Tree pool: the walk's files received so far, by position from `base` on. */
let base = -1;
const received: TreeRequest['files'] = [];
/** Outcomes go back in batches of this many files (progress shows; memory stays bounded). */
const FLUSH_FILES = 16;

/** Adds the files to those received, then scans every position it can claim among them. */
function scanClaimed(request: TreeRequest): void {
  if (base < 0) base = request.start;
  for (const file of request.files) received.push(file);
  let outcomes: FileOutcome[] = [];
  let empty: number[] = [];
  let secrets: RevealedSecret[] = [];
  let files = 0;
  const flush = () => {
    const response: TreeResponse = reveal ? { outcomes, empty, secrets } : { outcomes, empty };
    parentPort?.postMessage(response);
    outcomes = [];
    empty = [];
    secrets = [];
    files = 0;
  };
  for (let p = claim(next!, base + received.length); p >= 0; p = claim(next!, base + received.length)) {
    const job = received[p - base];
    try {
      const outcome = scanOne(job, settings, reveal ? (s) => secrets.push(s) : undefined);
      if (outcome.file && reportsNothing(outcome.file)) empty.push(p, outcome.file.chars);
      else outcomes.push(outcome);
    } catch {
      outcomes.push({ index: job.index, retry: p });
    }
    if (++files >= FLUSH_FILES) flush();
  }
  if (files) flush();
}
