import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Files whose text is at least this long are followed by a full garbage collection in the thread
 * that scanned them (docs/performance.md, "Memory"). On the bench corpus (8 such files of 7,481)
 * 4 Mi chars left the no-worker scan at 145-155 MB peak, 1 Mi at 139-148 MB, 512 Ki at 136-138 MB
 * but ~1.2 s more CPU (each forced collection takes 10-25 ms).
 */
export const LARGE_FILE_CHARS = 1024 * 1024;

let collect: (() => void) | null | undefined;

/**
 * Frees a large file's text and read buffer once its scan is over. V8 keeps strings over ~128 KiB
 * in its large-object space, which only a full (mark-compact) collection frees, and a read buffer
 * outside the heap until its wrapper is collected; a scan keeps little alive, so V8 seldom starts
 * a full collection and the large files of a tree piled up (on the bench corpus ~38 MB of old
 * strings and ~32 MB of old buffers at the peak). One full collection after each large file
 * bounds the peak by the largest file instead of the sum of the last few. (A second one between
 * decoding and scanning, to drop the buffer sooner, cost ~0.2 s more CPU on the corpus for no
 * lower peak.)
 */
export function afterLargeFile(chars: number): void {
  if (chars < LARGE_FILE_CHARS) return;
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
