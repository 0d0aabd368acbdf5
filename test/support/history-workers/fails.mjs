// A history worker that answers every batch with an error (test/integration/history-worker.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (batch) => parentPort.postMessage({ id: batch.id, error: 'engine failed in the worker' }));
