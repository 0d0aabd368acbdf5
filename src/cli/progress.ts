import type { ScannedItem } from '../workspace/scan-dir.js';

/** Redraws at most this often, so a fast scan of many small files costs nothing noticeable. */
const INTERVAL_MS = 200;

export interface Progress {
  onItem: (item: ScannedItem) => void;
  /** Erases the line; call before anything else is written to stderr. */
  done: () => void;
}

/**
 * A one-line progress indicator for long scans (files, MB, rate, elapsed time), redrawn in place
 * on stderr. The CLI creates it only when stderr is a terminal outside CI and --quiet is off.
 * The walk streams, so the total is unknown: it shows a rate instead of an ETA.
 */
export function createProgress(write: (text: string) => void, now: () => number = () => performance.now()): Progress {
  const started = now();
  let files = 0;
  let skipped = 0;
  let bytes = 0;
  let last = started;
  let drawn = false;
  return {
    onItem(item) {
      if ('chars' in item) {
        files++;
        bytes += item.chars;
      } else skipped++;
      const t = now();
      if (t - last < INTERVAL_MS) return;
      last = t;
      const seconds = (t - started) / 1000;
      const mb = bytes / 1e6;
      const line = `scanning: ${files} file(s), ${mb.toFixed(1)} MB, ${skipped} skipped, ${(mb / Math.max(seconds, 0.001)).toFixed(1)} MB/s, ${seconds.toFixed(0)}s`;
      write(`\r\u001b[2K${line}`);
      drawn = true;
    },
    done() {
      if (drawn) write('\r\u001b[2K');
      drawn = false;
    },
  };
}
