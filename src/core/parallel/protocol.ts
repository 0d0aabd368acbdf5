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

/**
 * Tree pool (tree-pool.ts), main thread → worker: the next files of the walk, by path, from walk
 * position `start` on. Every worker receives every file; a thread scans a position only after
 * claiming it on the shared counter, so each file is scanned once.
 */
export interface TreeRequest {
  kind: 'files';
  start: number;
  files: { index: number; path: string; abs: string }[];
}

/**
 * What became of one file: skipped (why), dropped by paths-ignore (nothing), or scanned.
 * `retry`: the worker failed on the file at that walk position; the main thread scans it.
 */
export interface FileOutcome {
  index: number;
  skipped?: Skipped;
  file?: FileContribution;
  retry?: number;
}

/**
 * Worker → main thread: outcomes of the files it claimed (and their secrets' values when
 * revealing). A file that contributes nothing (most files) travels in `empty` as two numbers, its
 * walk position and its decoded length, to keep the answer small and cheap to clone.
 */
export interface TreeResponse {
  outcomes: FileOutcome[];
  empty: number[];
  secrets?: RevealedSecret[];
}
