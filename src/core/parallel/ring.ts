/**
 * Layout of the read-ahead ring shared by the reader thread (reader-worker.ts) and the thread that
 * scans (reader.ts). Imports nothing: the reader's bundle stays a few kilobytes.
 *
 * `control` (Int32Array over its own SharedArrayBuffer):
 * - NEXT: the first walk position no thread has claimed (the tree pool's claim counter, shared);
 * - WRITTEN: records the reader has written (it notifies on this word);
 * - CONSUMED: records the scanning thread has released (it notifies on this word);
 * - TAIL: byte offset in the ring where the oldest unreleased record starts (set before CONSUMED);
 * - HEAD: byte offset where the reader writes its next record (set before WRITTEN);
 * - WAKE: free bytes the reader waits for (0: it is not waiting): the scanning thread notifies it
 *   only once that much is free, not on every record it releases (a futex wake per small file
 *   cost ~0.1 s of the scanning thread on the bench corpus);
 * - SLEEPING: 1 while the scanning thread waits for a record (the reader notifies only then).
 *
 * `data` (the ring): records one after another, each at an 8-byte boundary: two Int32 words, the
 * walk position and the length of the bytes that follow (DIRECT: the reader did not read the file
 * whole, the scanning thread reads it itself; WRAP at position: the next record is at offset 0),
 * then the file's bytes. An offset that reaches the end of the ring is 0 again.
 */
export const NEXT = 0;
export const WRITTEN = 1;
export const CONSUMED = 2;
export const TAIL = 3;
export const HEAD = 4;
export const WAKE = 5;
export const SLEEPING = 6;
export const CONTROL_WORDS = 8;

export const HEADER_BYTES = 8;
/** Length word: the file was not read whole into the ring (too large for it, or an error): read it directly. */
export const DIRECT = -1;
/** Position word of a wrap marker. */
export const WRAP = -1;

/** The offset of the record after one of `length` bytes at `offset`, in a ring of `size` bytes. */
export function nextOffset(offset: number, length: number, size: number): number {
  const end = (offset + HEADER_BYTES + Math.max(length, 0) + 7) & ~7;
  return end >= size ? 0 : end;
}

/** Free bytes of the ring, wherever they are, given the reader's HEAD and the scanning thread's TAIL. */
export function freeBytes(head: number, tail: number, empty: boolean, size: number): number {
  if (empty) return size;
  return head >= tail ? size - head + tail : tail - head;
}

/** What the reader thread receives once (workerData). */
export interface ReaderData {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  /** Bytes one file may take in the ring; a file that fills them is read by the scanning thread. */
  maxRecordBytes: number;
  /** The scan's max-file-size: the reader never reads more than this plus one byte of a file. */
  maxFileSize: number;
  /** Whether the scanning thread keeps V8's young generation small (young-generation.ts): the reader sets it again once up. */
  youngGeneration: boolean;
}

/** Scanning thread → reader: the files of the walk from position `start` on (paths to open). */
export interface ReaderRequest {
  start: number;
  files: string[];
}
