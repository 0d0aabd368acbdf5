import type { FileContribution } from '../scan.js';
import type { Finding, RevealedSecret, Skipped } from '../types.js';

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

/** Tree pool (tree-pool.ts), main thread → worker: files to read and scan, by path. */
export interface TreeRequest {
  kind: 'files';
  id: number;
  files: { index: number; path: string; abs: string }[];
  /** Live verification is on: answer with the reported secrets' values too. */
  reveal?: boolean;
}

/**
 * What became of one file: skipped (why), dropped by paths-ignore (nothing), or scanned. A worker
 * sends a file that contributes nothing (most files) as its length alone, to keep the answer small.
 */
export interface FileOutcome {
  index: number;
  skipped?: Skipped;
  file?: FileContribution;
  chars?: number;
}

/** Worker → main thread: the batch's outcomes, or why it could not (the main thread then scans it). */
export type TreeResponse = { id: number; outcomes: FileOutcome[]; secrets?: RevealedSecret[] } | { id: number; error: string };
