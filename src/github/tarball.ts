/**
 * Streams a repository tarball, as `GET /repos/{owner}/{repo}/tarball/{ref}` returns it (gzip'd
 * tar, one `owner-repo-sha/` top folder), into SourceFile records without touching the disk
 * (docs/architecture.md, "The GitHub App": a full scan streams the tarball from one request and never clones).
 *
 * The archive is untrusted input. Entries that would escape the root (`..`, absolute paths), links
 * and device files are reported as `invalid-path` and never read; files over `maxFileSize` are
 * reported as `too-large`, drained without buffering or, with `pieces`, scanned for secrets as
 * they stream; and the whole stream stops with a
 * TarballLimitError once the uncompressed bytes pass `maxTotalBytes` (a tar/gzip bomb). An archive
 * without its end-of-archive marker is an error, never a complete repository.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { toSourceFile, toStandInSourceFile } from '../core/source.js';
import { piecesRead, type PieceScanner } from '../core/secrets/pieces.js';
import { DEFAULT_MAX_FILE_SIZE, type Skipped, type SourceFile } from '../core/types.js';

export interface TarballLimits {
  /** Per-file bytes; larger files are skipped as `too-large` (docs/architecture.md, "Scanning input", default 5 MiB). */
  maxFileSize: number;
  /** Total uncompressed bytes of the archive (headers included) before we give up. */
  maxTotalBytes: number;
  /** Entries of any kind before we give up (many tiny entries are a bomb too). */
  maxEntries: number;
  /**
   * Reads a file over `maxFileSize` in pieces, as it streams, instead of draining it
   * (src/core/secrets/pieces.ts): its skip then carries the secrets found. None: drained.
   */
  pieces?: (path: string) => PieceScanner;
  /**
   * Texts that are not pure ASCII come as stand-ins (src/core/stand-in.ts, `SourceFile.standIn`),
   * for a consumer that hands them to `scanSources`, which gives extractors the real text.
   */
  standIns?: boolean;
}

export const DEFAULT_TARBALL_LIMITS: TarballLimits = {
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 500_000,
};

/** The archive broke a limit or is corrupt; scanning stops, with what is known so far reported. */
export class TarballError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TarballError';
  }
}

export class TarballLimitError extends TarballError {
  override name = 'TarballLimitError';
}

/** Entry types that carry no file content of their own; we report them, never follow them. */
const LINK_OR_SPECIAL = new Set(['symlink', 'link', 'character-device', 'block-device', 'fifo']);
/** Entry types we pass over silently: they describe structure, not files. */
const STRUCTURAL = new Set(['directory', 'pax-header', 'pax-global-header', 'gnu-long-path', 'gnu-long-link-path']);

/**
 * Bytes gunzip hands on at a time. zlib's default (16 KiB) costs one thread-pool round trip and
 * one stream step per 16 KiB: on the bench's 1 GB tarball (151 MB gzip'd) decompressing alone took
 * 4.3-4.6 s of CPU at 16 KiB against 1.3-1.4 s at 256 KiB to 4 MiB, and the App's whole full scan
 * 11.6-12.0 s against 4.9-5.5 s at 1 MiB, for ~15 MB more peak RSS (docs/performance.md, "The
 * App's full scan").
 */
export const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** Two 512-byte zero blocks end every tar archive. */
const END_OF_ARCHIVE = 1024;

/** Counts decompressed bytes and fails the stream the moment the total passes the limit. */
class ByteBudget extends Transform {
  total = 0;
  /** Length of the run of zero bytes the stream ends with so far (the end-of-archive marker is 1,024). */
  trailingZeros = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.total += chunk.length;
    let last = chunk.length - 1;
    while (last >= 0 && chunk[last] === 0) last--;
    this.trailingZeros = last < 0 ? this.trailingZeros + chunk.length : chunk.length - 1 - last;
    if (this.total > this.limit) {
      cb(new TarballLimitError(`tarball exceeds the limit of ${this.limit} uncompressed bytes (possible tar bomb); scan stopped`));
      return;
    }
    cb(null, chunk);
  }
}

export type PathCheck = { ok: true; path: string } | { ok: false; detail: string };

/**
 * Strips the single top folder and rejects anything that could land outside the root. `top` is
 * the folder of the first entry; GitHub tarballs have exactly one.
 */
export function checkEntryPath(name: string, top: string): PathCheck {
  if (name.includes('\0')) return { ok: false, detail: 'NUL byte in entry name' };
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\')) return { ok: false, detail: 'absolute path' };
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..' || p.includes('\\'))) return { ok: false, detail: 'path escapes the archive root' };
  if (parts[0] !== top) return { ok: false, detail: `entry outside the top folder ${top}/` };
  const path = parts.slice(1).join('/');
  if (path === '') return { ok: false, detail: 'entry is the top folder itself' };
  return { ok: true, path };
}

function topFolderOf(name: string): string {
  return name.split('/').filter((p) => p !== '' && p !== '.')[0] ?? '';
}

/** Reads an entry fully, or drains it; the size was checked beforehand from the header. */
async function collect(entry: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of entry) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function drain(entry: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of entry) {
    // discard: the bytes still count against the total budget upstream
  }
}

/**
 * Yields every regular file of the tarball as a SourceFile (text) or Skipped (binary, too large,
 * invalid path). Throws TarballError on a corrupt archive and TarballLimitError on a bomb.
 * Breaking out of the loop early stops the download.
 */
export async function* readTarball(stream: Readable, limits: Partial<TarballLimits> = {}): AsyncGenerator<SourceFile | Skipped> {
  const lim = { ...DEFAULT_TARBALL_LIMITS, ...limits };
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  const budget = new ByteBudget(lim.maxTotalBytes);
  const extract = tar.extract();
  // Forward any upstream failure to the extractor, so the loop below throws it.
  const fail = (e: Error) => extract.destroy(e instanceof TarballError ? e : new TarballError(`tarball could not be read: ${e.message}`, { cause: e }));
  stream.on('error', fail);
  gunzip.on('error', fail);
  budget.on('error', fail);
  stream.pipe(gunzip).pipe(budget).pipe(extract);

  let top: string | undefined;
  let entries = 0;
  try {
    for await (const entry of extract) {
      const { name, type, size = 0 } = entry.header;
      if (++entries > lim.maxEntries) throw new TarballLimitError(`tarball has more than ${lim.maxEntries} entries; scan stopped`);
      top ??= topFolderOf(name);
      const kind = type ?? 'file';
      if (STRUCTURAL.has(kind)) {
        await drain(entry);
        continue;
      }
      const checked = checkEntryPath(name, top);
      if (!checked.ok || LINK_OR_SPECIAL.has(kind) || (kind !== 'file' && kind !== 'contiguous-file')) {
        await drain(entry);
        const shown = checked.ok ? checked.path : name;
        const detail = checked.ok ? `${kind} entries are not followed` : checked.detail;
        yield { path: shown, reason: 'invalid-path', detail };
        continue;
      }
      if (size > lim.maxFileSize) {
        const skip: Skipped = { path: checked.path, reason: 'too-large', detail: `${size} bytes exceeds max-file-size ${lim.maxFileSize}` };
        const pieces = lim.pieces?.(checked.path);
        if (!pieces) await drain(entry);
        else for await (const chunk of entry as AsyncIterable<Buffer>) pieces.push(chunk);
        const secrets = pieces?.finish();
        yield secrets ? piecesRead(skip, secrets) : skip;
        continue;
      }
      const bytes = await collect(entry);
      // A stand-in keeps the entry's bytes, its own, for the real text.
      yield lim.standIns ? toStandInSourceFile(checked.path, bytes, { maxFileSize: lim.maxFileSize }, () => true) : toSourceFile(checked.path, bytes, { maxFileSize: lim.maxFileSize });
    }
    // A tar ends with two zero blocks. Without them the archive was cut short (a truncated
    // download, a broken proxy): reading it as the whole repository would close the issues of the
    // files that are missing.
    if (budget.total % 512 !== 0 || budget.trailingZeros < END_OF_ARCHIVE) {
      throw new TarballError('tarball ended without its end-of-archive marker (truncated); scan stopped');
    }
  } catch (e) {
    if (e instanceof TarballError) throw e;
    throw new TarballError(`tarball could not be read: ${(e as Error).message}`, { cause: e });
  } finally {
    // An early `break` (or an error) must stop the download and free the decompressor.
    stream.unpipe?.(gunzip);
    for (const s of [extract, budget, gunzip]) s.destroy();
    if (!stream.destroyed) stream.destroy();
  }
}
