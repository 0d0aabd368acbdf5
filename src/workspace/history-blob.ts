import { scanSecrets } from '../core/secrets/engine.js';
import { toSourceFile } from '../core/source.js';
import type { Finding, RevealedSecret, ScanSettings, SecretSink, Skipped } from '../core/types.js';

/**
 * One blob of history mode, scanned: the same steps whether the main thread or a worker
 * (history-worker.ts) does it, so the results cannot differ. `scanned: false` is a blob no path
 * can make scannable (binary, too large).
 */
export type BlobOutcome = { scanned: false; skipped: Skipped } | { scanned: true; findings?: Finding[] };

export function scanBlobBytes(path: string, bytes: Uint8Array, settings: ScanSettings, reveal?: SecretSink): BlobOutcome {
  const source = toSourceFile(path, bytes, settings);
  if (!('content' in source)) return { scanned: false, skipped: source };
  const findings = scanSecrets(source, settings, reveal);
  return findings.length > 0 ? { scanned: true, findings } : { scanned: true };
}

/** Main thread → worker: blobs packed in one transferred buffer. */
export interface HistoryBatch {
  id: number;
  buffer: ArrayBuffer;
  items: { path: string; start: number; length: number }[];
}

/**
 * Worker → main thread: one outcome per item, in order (`null`: scanned, nothing found — most
 * blobs, kept small on the wire), or why the batch failed (then the main thread scans it).
 */
export type HistoryBatchAnswer = ({ id: number; results: (BlobOutcome | null)[]; secrets?: RevealedSecret[] } | { id: number; error: string }) & {
  /** The batch's buffer, handed back for reuse. */
  buffer?: ArrayBuffer;
};
