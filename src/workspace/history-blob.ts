import { BYTE_TEXT_FROM } from '../core/secrets/byte-text.js';
import { scanSecrets } from '../core/secrets/engine.js';
import type { FileVersions } from '../core/secrets/versions.js';
import { decodeBlob, toStandInSourceFile } from '../core/source.js';
import type { Finding, RevealedSecret, ScanSettings, SecretSink, Skipped, SourceFile } from '../core/types.js';

/**
 * One blob of history mode, scanned: the same steps whether the main thread or a worker
 * (history-worker.ts) does it, so the results cannot differ. `scanned: false` is a blob no path
 * can make scannable (binary, too large). `readInPieces`: a blob over max-file-size scanned for
 * secrets in pieces (history.ts), named as a skip all the same.
 */
export type BlobOutcome = { scanned: false; skipped: Skipped } | { scanned: true; findings?: Finding[]; baselined?: string[]; readInPieces?: Skipped };

/**
 * `versions`: the thread's memory of the versions it scanned before (one per scan and thread),
 * so that the engine reads only what changed since the last version of `path` (versions.ts).
 */
export function scanBlobBytes(path: string, bytes: Uint8Array, settings: ScanSettings, reveal?: SecretSink, versions?: FileVersions): BlobOutcome {
  // A stand-in for a non-ASCII text (src/core/stand-in.ts), and a long text read from its bytes
  // (src/core/secrets/byte-text.ts: no string of a whole bundle version): the bytes stay this
  // blob's until the scan below returns, and nothing may read them after.
  let scanning = true;
  try {
    return scanSource(toStandInSourceFile(path, bytes, settings, () => scanning, decodeBlob, BYTE_TEXT_FROM), path, settings, reveal, versions);
  } finally {
    scanning = false;
  }
}

function scanSource(source: SourceFile | Skipped, path: string, settings: ScanSettings, reveal?: SecretSink, versions?: FileVersions): BlobOutcome {
  if (!('content' in source)) return { scanned: false, skipped: source };
  if (versions) source.versions = versions.version(path);
  const salted = settings.salted ?? [];
  if (salted.length === 0) {
    const findings = scanSecrets(source, settings, reveal);
    return findings.length > 0 ? { scanned: true, findings } : { scanned: true };
  }
  const recording = recordingSalted(settings);
  recording.matched = 0;
  const findings = scanSecrets(source, recording.settings, reveal);
  const outcome: BlobOutcome = findings.length > 0 ? { scanned: true, findings } : { scanned: true };
  if (recording.matched > 0) outcome.baselined = baselinedFingerprints(source, settings, findings);
  return outcome;
}

/**
 * Salted baseline and ignore entries (docs/history.md, "Issues for secrets in history"): a salted
 * hash cannot be compared with a published fingerprint without the secret, so the issue of a
 * secret removed from the tree could not close when the secret was baselined. While a blob is
 * scanned (and its secrets are in hand), each salted set counts its matches; a blob where one
 * matched is scanned again without the salted sets, and the published fingerprints that appear
 * only then are the secrets those entries accepted. Only those blobs pay for the second scan.
 */
function baselinedFingerprints(source: SourceFile, settings: ScanSettings, reported: readonly Finding[]): string[] {
  return acceptedFingerprints(scanSecrets(source, { ...settings, salted: [] }), reported);
}

/** The published fingerprints of the secrets a scan without the salted sets found (`all`) that the scan with them did not report. */
export function acceptedFingerprints(all: readonly Finding[], reported: readonly Finding[]): string[] {
  const shown = new Set(reported.map((f) => f.fingerprint));
  return [...new Set(all.filter((f) => f.rule.startsWith('secret/') && !shown.has(f.fingerprint)).map((f) => f.fingerprint))];
}

interface Recording {
  settings: ScanSettings;
  /** Salted matches since the counter was last reset. */
  matched: number;
}

/** The settings with each salted set's `hashes` counting its matches (one wrapper per settings object). */
const recordings = new WeakMap<ScanSettings, Recording>();

function recordingSalted(settings: ScanSettings): Recording {
  const known = recordings.get(settings);
  if (known) return known;
  const made: Recording = { settings, matched: 0 };
  made.settings = { ...settings, salted: (settings.salted ?? []).map((set) => ({ ...set, hashes: new CountingSet(set.hashes, () => made.matched++) })) };
  recordings.set(settings, made);
  return made;
}

/** A read-only set that reports each successful `has`. */
class CountingSet implements ReadonlySet<string> {
  constructor(
    private readonly inner: ReadonlySet<string>,
    private readonly onMatch: () => void,
  ) {}
  get size(): number {
    return this.inner.size;
  }
  has(value: string): boolean {
    const found = this.inner.has(value);
    if (found) this.onMatch();
    return found;
  }
  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void): void {
    this.inner.forEach((value) => callback(value, value, this));
  }
  entries(): SetIterator<[string, string]> {
    return this.inner.entries();
  }
  keys(): SetIterator<string> {
    return this.inner.keys();
  }
  values(): SetIterator<string> {
    return this.inner.values();
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.inner[Symbol.iterator]();
  }
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
