import type { Finding, RevealedSecret } from '../types.js';

/** Main thread → worker: one file to scan. */
export interface WorkerRequest {
  id: number;
  path: string;
  content: string;
  addedLines?: number[];
  /** Added to the shared `done` counter once scanned (see pool.ts). */
  cost: number;
  /** Live verification is on: answer with the reported secrets' values too. */
  reveal?: boolean;
}

/** Worker → main thread: its findings, or why it could not scan (the main thread then does). */
export type WorkerResponse = { id: number; findings: Finding[]; secrets?: RevealedSecret[] } | { id: number; error: string };
