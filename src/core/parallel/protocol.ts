import type { Finding } from '../types.js';

/** Main thread → worker: one file to scan. */
export interface WorkerRequest {
  id: number;
  path: string;
  content: string;
  addedLines?: number[];
  /** Added to the shared `done` counter once scanned (see pool.ts). */
  cost: number;
}

/** Worker → main thread: its findings, or why it could not scan (the main thread then does). */
export type WorkerResponse = { id: number; findings: Finding[] } | { id: number; error: string };
