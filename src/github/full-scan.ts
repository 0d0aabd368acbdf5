import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { scanSources } from '../core/scan.js';
import { toSourceFile } from '../core/source.js';
import { MAX_STREAMED_BYTES, PieceScanner, piecesRead } from '../core/secrets/pieces.js';
import type { ScanResult, ScanSettings, SecretSink, SourceFile, Skipped } from '../core/types.js';
import { safeMessage } from './check-run.js';
import type { GitHubClient, RepoRef } from './client.js';
import { gitTree, responseStream, streamInPieces } from './contents.js';
import { readTarball } from './tarball.js';

/** Bounds for a tarball: GitHub repositories can be large, a tar bomb larger. */
export const DEFAULT_MAX_TARBALL_BYTES = 2 * 1024 * 1024 * 1024;

/** A download that sends nothing for this long is abandoned (the scan fails, and is retried). */
const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;
const MAX_DOWNLOAD_REDIRECTS = 3;

/**
 * A full scan of one commit: the repository tarball in one request, streamed through gunzip and
 * the tar reader into the scanner, then the files the tarball leaves out (`withLeftOut`). Nothing
 * is written to disk and nothing is cloned.
 */
export async function scanRepositoryTarball(
  client: GitHubClient,
  repo: RepoRef,
  ref: string,
  settings: ScanSettings,
  maxTotalBytes = DEFAULT_MAX_TARBALL_BYTES,
  /** Live verification only (`verify: on`): receives the reported secrets' values. */
  revealSecrets?: SecretSink,
): Promise<ScanResult> {
  const stream = await openTarball(client, repo, ref);
  const full: ScanSettings = { ...settings, mode: 'full' };
  // A file over max-file-size is scanned for secrets in pieces as it streams (a skip would let a
  // padded file hide a token from every scheduled scan).
  const pieces = (path: string) => new PieceScanner(path, full, undefined, revealSecrets);
  const sources = withLeftOut(readTarball(stream, { maxFileSize: settings.maxFileSize, maxTotalBytes, pieces, standIns: true }), client, repo, ref, full, revealSecrets);
  return scanSources(sources, { settings: full, revealSecrets });
}

/** Files left out of a tarball that are fetched one by one, at most (each costs an API call). */
export const MAX_LEFT_OUT_FILES = 1000;

/**
 * The tarball's files, then those of the commit's tree that it left out. GitHub builds tarballs
 * with `git archive`, which drops every path the repository's `.gitattributes` marks
 * `export-ignore`: PHP packages routinely leave out `tests/`, `.github/` (the workflows) and
 * `.gitattributes` itself, and any repository could hide a file that way. One recursive tree
 * listing names what the tarball did not hold; each such blob is fetched and scanned like the
 * rest; one over max-file-size is streamed from the raw contents API and read in pieces, as the
 * tarball's own are (up to MAX_STREAMED_BYTES). A truncated listing, or more than
 * MAX_LEFT_OUT_FILES, is reported as a `limit` skip.
 */
async function* withLeftOut(files: AsyncIterable<SourceFile | Skipped>, client: GitHubClient, repo: RepoRef, ref: string, settings: ScanSettings, reveal?: SecretSink): AsyncGenerator<SourceFile | Skipped> {
  const { maxFileSize } = settings;
  const seen = new Set<string>();
  for await (const file of files) {
    seen.add(file.path);
    yield file;
  }
  let listing: Awaited<ReturnType<typeof gitTree>>;
  try {
    listing = await gitTree(client, repo, ref);
  } catch (error) {
    // The tarball's files are scanned: say what could not be checked rather than fail them all.
    yield { path: '.', reason: 'limit', detail: `the repository tree could not be listed (${safeMessage(error)}): files the tarball leaves out (export-ignore in .gitattributes) were not checked` };
    return;
  }
  const { tree, truncated } = listing;
  // Blobs only (not symbolic links, 120000, which the tarball holds as links; not submodules).
  const missing = tree.filter((e) => e.type === 'blob' && e.mode !== '120000' && e.sha !== undefined && !seen.has(e.path));
  if (truncated) yield { path: '.', reason: 'limit', detail: 'the repository tree is too large for GitHub to list whole: files the tarball leaves out (export-ignore in .gitattributes) may not all have been scanned' };
  for (const [i, entry] of missing.entries()) {
    if (i === MAX_LEFT_OUT_FILES) {
      yield { path: entry.path, reason: 'limit', detail: `${missing.length - i} more file(s) left out of the tarball (export-ignore in .gitattributes) were not fetched` };
      break;
    }
    if (entry.size !== undefined && entry.size > maxFileSize) {
      const skip: Skipped = { path: entry.path, reason: 'too-large', detail: `${entry.size} bytes exceeds max-file-size ${maxFileSize}` };
      try {
        const secrets = entry.size <= MAX_STREAMED_BYTES ? await streamInPieces(client, repo, entry.path, ref, settings, reveal) : undefined;
        yield secrets ? piecesRead(skip, secrets) : skip;
      } catch (error) {
        yield { ...skip, detail: `${skip.detail}; left out of the tarball, and its contents could not be streamed: ${safeMessage(error)}` };
      }
      continue;
    }
    try {
      const { data } = await client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { ...repo, file_sha: entry.sha! });
      yield toSourceFile(entry.path, Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8'), { maxFileSize });
    } catch (error) {
      yield { path: entry.path, reason: 'unreadable', detail: `left out of the tarball, and its blob could not be fetched: ${safeMessage(error)}` };
    }
  }
}


/**
 * The tarball as a Node stream that only reads as fast as the scanner consumes. GitHub answers
 * the API call with a 302 to a pre-signed download URL. We take that redirect ourselves and fetch
 * it with node:http(s): fetch's body (undici) reads ahead of its consumer without bound, so for a
 * scanner slower than the network it held the whole compressed archive in memory (measured with
 * bench/app.ts: 13 MB buffered after 3 MB consumed). A TCP socket paused by `pipe` does not.
 * Clients that follow the redirect anyway (or a server that answers 200) still work.
 */
export async function openTarball(client: GitHubClient, repo: RepoRef, ref: string): Promise<Readable> {
  const response = await client.request('GET /repos/{owner}/{repo}/tarball/{ref}', { ...repo, ref, request: { parseSuccessResponseBody: false, redirect: 'manual' } });
  const location = response.headers.location;
  if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
    await (response.data as WebReadableStream<Uint8Array> | undefined)?.cancel?.().catch(() => undefined);
    return download(location, MAX_DOWNLOAD_REDIRECTS);
  }
  return responseStream(response.data);
}

/** GET without our token: the download URL carries its own short-lived one. */
function download(url: string, redirectsLeft: number): Promise<Readable> {
  const get = new URL(url).protocol === 'https:' ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { 'user-agent': 'nhi-steward', accept: 'application/x-gzip, application/octet-stream' } }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirectsLeft > 0) {
        res.resume();
        resolve(download(new URL(res.headers.location, url).toString(), redirectsLeft - 1));
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new Error(`tarball download failed: HTTP ${status} from ${new URL(url).host}`));
        return;
      }
      resolve(res);
    });
    request.setTimeout(DOWNLOAD_IDLE_TIMEOUT_MS, () => request.destroy(new Error(`tarball download sent nothing for ${DOWNLOAD_IDLE_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
  });
}
