import type { HistoryProgress } from '../workspace/history.js';
import type { ScannedItem } from '../workspace/scan-dir.js';

/** Redraws at most this often, so a fast scan of many small files costs nothing noticeable. */
const INTERVAL_MS = 200;

export interface Progress {
  onItem: (item: ScannedItem) => void;
  /** Erases the line; call before anything else is written to stderr. */
  done: () => void;
}

/**
 * One status line redrawn in place on stderr, at most every INTERVAL_MS: `tick` is called per
 * item and builds the line only when it is due; `done` erases it.
 */
function statusLine(write: (text: string) => void, now: () => number): { tick: (line: (seconds: number) => string) => void; done: () => void } {
  const started = now();
  let last = started;
  let drawn = false;
  return {
    tick(line) {
      const t = now();
      if (t - last < INTERVAL_MS) return;
      last = t;
      write(`\r\u001b[2K${line((t - started) / 1000)}`);
      drawn = true;
    },
    done() {
      if (drawn) write('\r\u001b[2K');
      drawn = false;
    },
  };
}

const rate = (mb: number, seconds: number): string => (mb / Math.max(seconds, 0.001)).toFixed(1);

/**
 * A one-line progress indicator for long scans (files, MB, rate, elapsed time), redrawn in place
 * on stderr. The CLI creates it only when stderr is a terminal outside CI and --quiet is off.
 * The walk streams, so the total is unknown: it shows a rate instead of an ETA.
 */
export function createProgress(write: (text: string) => void, now: () => number = () => performance.now()): Progress {
  const status = statusLine(write, now);
  let files = 0;
  let skipped = 0;
  let bytes = 0;
  return {
    onItem(item) {
      if ('chars' in item) {
        files++;
        bytes += item.chars;
      } else skipped++;
      status.tick((seconds) => `scanning: ${files} file(s), ${(bytes / 1e6).toFixed(1)} MB, ${skipped} skipped, ${rate(bytes / 1e6, seconds)} MB/s, ${seconds.toFixed(0)}s`);
    },
    done: status.done,
  };
}

/**
 * The same line for `scan --history` (src/workspace/history.ts, `onProgress`): commits walked so
 * far, unique blobs scanned and their MB. A large history scans for minutes; without it the
 * terminal shows nothing until the report.
 */
export function createHistoryProgress(write: (text: string) => void, now: () => number = () => performance.now()): { onProgress: (state: HistoryProgress) => void; done: () => void } {
  const status = statusLine(write, now);
  return {
    onProgress({ commits, blobs, bytes, skipped }) {
      status.tick((seconds) => `scanning history: ${commits} commit(s) walked, ${blobs} unique blob(s), ${(bytes / 1e6).toFixed(1)} MB, ${skipped} skipped, ${rate(bytes / 1e6, seconds)} MB/s, ${seconds.toFixed(0)}s`);
    },
    done: status.done,
  };
}
