import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { toSourceFile } from '../source.js';
import type { SourceFile, Skipped } from '../types.js';

/** O_NOFOLLOW: a file swapped for a link after it was listed fails to open instead of being followed. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Files up to this size are read into one buffer reused for every file (the text is decoded into
 * a new string, so the buffer is free again at once); larger ones get their own. Without reuse,
 * each read left a buffer outside the JS heap until the next garbage collection.
 */
const REUSED_BYTES = 1024 * 1024;
let reused: Buffer | undefined;

/**
 * One file's text, never following a link, never blocking on a FIFO, never reading past the size
 * limit: open (O_NOFOLLOW | O_NONBLOCK), fstat, read, close, all synchronous. Used by the walker
 * (src/workspace/walk.ts) and by the tree pool's workers (tree-pool.ts), so both read alike.
 * `path` is the name reported; `abs` the file to open.
 */
export function readSourceFile(path: string, abs: string, maxFileSize: number): SourceFile | Skipped {
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ELOOP') return skipped(path, 'invalid-path', 'replaced by a symbolic link while scanning');
    return skipped(path, 'unreadable', code ?? (error as Error).message);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return skipped(path, 'unreadable', 'not a regular file');
    if (info.size > maxFileSize) return skipped(path, 'too-large', `${info.size} bytes exceeds max-file-size ${maxFileSize}`);
    const bytes = info.size <= REUSED_BYTES ? (reused ??= Buffer.allocUnsafeSlow(REUSED_BYTES)) : Buffer.allocUnsafe(info.size);
    let got = 0;
    while (got < info.size) {
      const n = readSync(fd, bytes, got, info.size - got, null);
      if (n === 0) break; // shrank since fstat
      got += n;
    }
    return toSourceFile(path, bytes.subarray(0, got), { maxFileSize });
  } catch (error) {
    return skipped(path, 'unreadable', errnoCode(error) ?? (error as Error).message);
  } finally {
    closeSync(fd);
  }
}

/** A file that was not scanned, and why. */
export function skipped(path: string, reason: Skipped['reason'], detail: string): Skipped {
  return { path, reason, detail };
}

/** `error.code` of a Node system error, when there is one. */
export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
