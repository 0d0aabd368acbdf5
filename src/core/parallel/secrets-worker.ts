/**
 * Worker-thread entry for both pools: the secrets pool (pool.ts) posts files' text to scan for
 * secrets; the tree pool (tree-pool.ts) posts batches of paths, which the worker reads, decodes
 * and scans (secrets and identities) itself. Settings arrive once, in workerData (structured clone
 * keeps the baseline Set and the Date). Built as its own file next to pool.js (lib/) and as a
 * second esbuild entry point (dist/secrets-worker.js) so that
 * `new URL('./secrets-worker.js', import.meta.url)` finds it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanSecrets } from '../secrets/engine.js';
import type { RevealedSecret, ScanSettings } from '../types.js';
import type { FileOutcome, TreeRequest, TreeResponse, WorkerRequest, WorkerResponse } from './protocol.js';
import { scanOne } from './tree-pool.js';

const { settings, done } = workerData as { settings: ScanSettings; done: Int32Array };

parentPort?.on('message', (request: WorkerRequest | TreeRequest) => {
  if ('kind' in request) return parentPort?.postMessage(scanBatch(request));
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

function scanBatch(request: TreeRequest): TreeResponse {
  let response: TreeResponse;
  try {
    const secrets: RevealedSecret[] = [];
    const outcomes = request.files.map((job) => compact(scanOne(job, settings, request.reveal ? (s) => secrets.push(s) : undefined)));
    response = request.reveal ? { id: request.id, outcomes, secrets } : { id: request.id, outcomes };
  } catch (error) {
    response = { id: request.id, error: (error as Error).message };
  }
  Atomics.add(done, 0, 1);
  return response;
}

/** A file with nothing to report travels as its length (the main thread knows its path). */
function compact(outcome: FileOutcome): FileOutcome {
  const file = outcome.file;
  if (!file || file.content !== undefined || file.secrets.length || file.extracted.records.length || file.extracted.findings.length || file.extracted.references.length) return outcome;
  return { index: outcome.index, chars: file.chars };
}
