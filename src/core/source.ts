import { isAscii } from 'node:buffer';
import type { ScanSettings, SourceFile, Skipped } from './types.js';

const BINARY_SNIFF_BYTES = 8 * 1024;

/**
 * Turns raw bytes into a SourceFile, or says why it was skipped (docs/architecture.md, "Scanning input"): a NUL byte in the
 * first 8 KiB means binary; files over `maxFileSize` are too large. Invalid UTF-8 is decoded with
 * replacement characters rather than rejected, so the rest of the file is still scanned.
 */
export function toSourceFile(
  path: string,
  bytes: Uint8Array,
  settings: Pick<ScanSettings, 'maxFileSize'>,
  addedLines?: ReadonlySet<number>,
): SourceFile | Skipped {
  if (bytes.length > settings.maxFileSize) {
    return { path, reason: 'too-large', detail: `${bytes.length} bytes exceeds max-file-size ${settings.maxFileSize}` };
  }
  const sniff = bytes.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.indexOf(0) !== -1) {
    return { path, reason: 'binary', detail: 'NUL byte in the first 8 KiB' };
  }
  return addedLines ? { path, content: decodeText(bytes), addedLines } : { path, content: decodeText(bytes) };
}

/**
 * UTF-8 bytes to a string. Most source files are pure ASCII, where UTF-8 and Latin-1 agree byte for
 * byte: `isAscii` (SIMD) proves it and the Latin-1 copy is 2-3x cheaper than UTF-8 decoding, which
 * validates every byte (docs/performance.md, "Decoding"). Anything else is decoded as UTF-8, invalid
 * sequences becoming U+FFFD.
 */
export function decodeText(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
}

export function isSkipped(x: SourceFile | Skipped): x is Skipped {
  return (x as Skipped).reason !== undefined && (x as SourceFile).content === undefined;
}
