/**
 * Worker-thread entry for the secrets pool: scans the files the main thread posts and answers with
 * their findings. Settings arrive once, in workerData (structured clone keeps the baseline Set and
 * the Date). Built as its own file next to pool.js (lib/) and as a second esbuild entry point
 * (dist/secrets-worker.js) so that `new URL('./secrets-worker.js', import.meta.url)` finds it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanSecrets } from '../secrets/engine.js';
import type { RevealedSecret, ScanSettings } from '../types.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';

const { settings, done } = workerData as { settings: ScanSettings; done: Int32Array };

parentPort?.on('message', (request: WorkerRequest) => {
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
