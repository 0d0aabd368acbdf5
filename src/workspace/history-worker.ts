/**
 * Worker-thread entry for history mode (history-pool.ts): receives batches of blobs as one
 * transferred ArrayBuffer each (never strings), decodes and scans each blob with the same engine
 * as the main thread, and answers per blob: skipped (binary), scanned with findings, or scanned
 * clean. Settings arrive once, in workerData. Built as its own file next to history.js (lib/) and
 * as an esbuild entry point (dist/history-worker.js, scripts/build-action.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanBlobBytes, type HistoryBatch, type HistoryBatchAnswer } from './history-blob.js';
import { lessInliningAgain } from '../core/parallel/inlining.js';
import { FileVersions } from '../core/secrets/versions.js';
import type { RevealedSecret, ScanSettings } from '../core/types.js';

const { settings, reveal, lessInlining } = workerData as { settings: ScanSettings; reveal: boolean; lessInlining?: boolean };
// This thread's start-up reset V8's flags (Node 20 and 22): the history scan's inlining budget
// (src/core/parallel/inlining.ts) is set again, for every thread of the process.
lessInliningAgain(lessInlining === true);
/** This thread's earlier versions of each path (the worker lives for one scan). */
const versions = new FileVersions();

parentPort?.on('message', (batch: HistoryBatch) => {
  let answer: HistoryBatchAnswer;
  try {
    const secrets: RevealedSecret[] = [];
    const sink = reveal ? (s: RevealedSecret) => secrets.push(s) : undefined;
    const results = batch.items.map((item) => {
      const outcome = scanBlobBytes(item.path, Buffer.from(batch.buffer, item.start, item.length), settings, sink, versions);
      return outcome.scanned && !outcome.findings && !outcome.baselined ? null : outcome;
    });
    answer = reveal ? { id: batch.id, results, secrets } : { id: batch.id, results };
  } catch (error) {
    answer = { id: batch.id, error: (error as Error).message };
  }
  // The buffer goes back (transferred) for the next batch.
  parentPort?.postMessage({ ...answer, buffer: batch.buffer }, [batch.buffer]);
});
