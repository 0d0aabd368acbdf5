import type { ScanSettings, SourceFile, Skipped } from './types.js';

const BINARY_SNIFF_BYTES = 8 * 1024;

/**
 * Turns raw bytes into a SourceFile, or says why it was skipped (SPEC §2.1): a NUL byte in the
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
  return lazySourceFile(path, bytes, addedLines);
}

/**
 * A SourceFile whose `content` is decoded on first read. Until then `bytes` holds the raw bytes
 * (non-enumerable, dropped once decoded, so a file is never held twice); `size` is the byte length.
 * `content` is an own enumerable property, so spreads, `toEqual` and JSON see a plain file.
 */
function lazySourceFile(path: string, raw: Uint8Array, addedLines?: ReadonlySet<number>): SourceFile {
  let pending: Uint8Array | undefined = raw;
  let text: string | undefined;
  const file = { path } as SourceFile;
  Object.defineProperty(file, 'content', {
    enumerable: true,
    configurable: true,
    get(): string {
      if (text === undefined) {
        text = Buffer.from(pending!.buffer, pending!.byteOffset, pending!.byteLength).toString('utf8');
        pending = undefined;
      }
      return text;
    },
  });
  Object.defineProperty(file, 'bytes', { enumerable: false, get: () => pending });
  Object.defineProperty(file, 'size', { enumerable: false, value: raw.byteLength });
  if (addedLines) file.addedLines = addedLines;
  return file;
}

export function isSkipped(x: SourceFile | Skipped): x is Skipped {
  return (x as Skipped).reason !== undefined && (x as SourceFile).content === undefined;
}
