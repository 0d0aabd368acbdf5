import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Files whose text is at least this long count towards the next full garbage collection of the
 * thread that scanned them (docs/performance.md, "Memory"): strings this long live in V8's
 * large-object space, which only a full collection frees.
 */
export const LARGE_FILE_CHARS = 1024 * 1024;

/**
 * A full collection runs once the large files scanned since the last one hold this many
 * characters in all, and before a file of this many bytes or more is read while any are left
 * (`beforeLargeRead`). Until 2026-12-07 one ran after every large file; on the bench corpus (8
 * files of 1 Mi characters or more) the two rules took 4-7 % less CPU at the same or a lower peak
 * RSS (docs/performance.md, "Fewer forced collections").
 */
export const LARGE_TEXTS_BUDGET = 4 * 1024 * 1024;

let collect: (() => void) | null | undefined;
/** Characters of the large files scanned since the last collection. */
let uncollected = 0;

/**
 * Frees the large files' texts and read buffers once their scans are over. V8 keeps strings over
 * ~128 KiB in its large-object space, which only a full (mark-compact) collection frees, and a read
 * buffer outside the heap until its wrapper is collected; a scan keeps little alive, so V8 seldom
 * starts a full collection and the large files of a tree piled up (on the bench corpus ~38 MB of
 * old strings and ~32 MB of old buffers at the peak). A full collection once the large files
 * since the last one reach LARGE_TEXTS_BUDGET characters bounds what they leave behind by the
 * budget, whatever the tree, and `beforeLargeRead` keeps them from living beside a file larger
 * than the budget. (A collection between decoding and scanning, to drop the buffer sooner, cost
 * ~0.2 s more CPU on the corpus for no lower peak.) Returns whether it collected.
 */
export function afterLargeFile(chars: number): boolean {
  if (chars < LARGE_FILE_CHARS) return false;
  uncollected += chars;
  return uncollected >= LARGE_TEXTS_BUDGET && collectNow();
}

/**
 * Before a file of `bytes` is read whole or in pieces: one of LARGE_TEXTS_BUDGET bytes or more is
 * never read beside the large texts not collected yet (they are collected first), so the peak is
 * that of the largest file alone, as when every large file was followed by a collection. Returns
 * whether it collected.
 */
export function beforeLargeRead(bytes: number): boolean {
  return bytes >= LARGE_TEXTS_BUDGET && uncollected > 0 && collectNow();
}

function collectNow(): boolean {
  uncollected = 0;
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
  return collect !== null;
}
