import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { toSourceFile, toStandInSourceFile } from '../source.js';
import { PieceScanner, piecesRead } from '../secrets/pieces.js';
import { beforeLargeRead } from './large-file.js';
import type { ScanSettings, SecretSink, SourceFile, Skipped } from '../types.js';

/** O_NOFOLLOW: a file swapped for a link after it was listed fails to open instead of being followed. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Files up to this size are read into one buffer reused for every file (the text is decoded into
 * a new string, so the buffer is free again at once); larger ones get their own. Without reuse,
 * each read left a buffer outside the JS heap until the next garbage collection.
 */
const REUSED_BYTES = 1024 * 1024;
let reused: Buffer | undefined;
/** Reads so far: a stand-in's real text is decoded only before the next read (`standIn`). */
let reads = 0;

/**
 * One file's text, never following a link, never blocking on a FIFO, never reading past the size
 * limit: open (O_NOFOLLOW | O_NONBLOCK), read until end of file, close, all synchronous. Used by
 * the walker (src/workspace/walk.ts) and by the tree pool's workers (tree-pool.ts), so both read
 * alike. `path` is the name reported; `abs` the file to open.
 *
 * A file that fits the reused buffer costs no `fstat`: on this project's machines a system call
 * costs microseconds, and on a tree of 1 KiB files open, fstat, read and close were a third of the
 * scan's CPU time (docs/performance.md, "Reading the tree"). Only a file that fills the buffer is
 * asked its size (and kind), to size its own buffer or to report it too large.
 *
 * With `standIn`, a text that is not pure ASCII comes as a stand-in (src/core/stand-in.ts): for a
 * caller that scans the file before it reads the next, since the real text is decoded from the
 * same (reused) buffer when asked for.
 */
export function readSourceFile(path: string, abs: string, maxFileSize: number, standIn = false): SourceFile | Skipped {
  const read = ++reads;
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ELOOP') return skipped(path, 'invalid-path', 'replaced by a symbolic link while scanning');
    return skipped(path, 'unreadable', code ?? (error as Error).message);
  }
  try {
    /** Having read this many bytes proves the file too large. */
    const limit = maxFileSize + 1;
    let bytes = (reused ??= Buffer.allocUnsafeSlow(REUSED_BYTES));
    let got = 0;
    for (;;) {
      const room = Math.min(bytes.length, limit) - got;
      if (room <= 0) {
        // The buffer is full: ask the file's kind and size.
        const info = fstatSync(fd);
        if (!info.isFile()) return skipped(path, 'unreadable', 'not a regular file');
        const size = Math.max(info.size, got);
        if (size > maxFileSize || got >= limit) return skipped(path, 'too-large', `${size} bytes exceeds max-file-size ${maxFileSize}`);
        beforeLargeRead(size);
        // One byte over its size, so the read that finds the end of the file has room.
        const larger = Buffer.allocUnsafe(Math.min(limit, Math.max(info.size + 1, 2 * got)));
        bytes.copy(larger, 0, 0, got);
        bytes = larger;
        continue;
      }
      const n = readSync(fd, bytes, got, room, null);
      if (n === 0) break;
      got += n;
    }
    const text = bytes.subarray(0, got);
    return standIn ? toStandInSourceFile(path, text, { maxFileSize }, () => reads === read) : toSourceFile(path, text, { maxFileSize });
  } catch (error) {
    return skipped(path, 'unreadable', errnoCode(error) ?? (error as Error).message);
  } finally {
    closeSync(fd);
  }
}

/**
 * A `too-large` skip of readSourceFile, for a file a scan reads in pieces instead
 * (src/core/secrets/pieces.ts): the same skip, carrying the secrets found, or as it was when the
 * file is binary or cannot be read again (it changed into a link, or went away).
 */
export function scanFileInPieces(skip: Skipped, abs: string, settings: ScanSettings, addedLines?: ReadonlySet<number>, reveal?: SecretSink): Skipped {
  if (skip.reason !== 'too-large') return skip;
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch {
    return skip;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return skip;
    beforeLargeRead(info.size);
    const pieces = new PieceScanner(skip.path, settings, addedLines, reveal);
    const bytes = (reused ??= Buffer.allocUnsafeSlow(REUSED_BYTES));
    // A binary file is known from its first piece: the rest is not read.
    for (let n = readSync(fd, bytes, 0, bytes.length, null); n > 0 && !pieces.binary; n = readSync(fd, bytes, 0, bytes.length, null)) pieces.push(bytes.subarray(0, n));
    const secrets = pieces.finish();
    return secrets ? piecesRead(skip, secrets) : skip;
  } catch {
    return skip;
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
