// A history worker that dies on its first batch (test/integration/history-worker.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => process.exit(3));
