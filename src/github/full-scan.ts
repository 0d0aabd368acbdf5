import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { scanSources } from '../core/scan.js';
import type { ScanResult, ScanSettings, SecretSink } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { readTarball } from './tarball.js';

/** Bounds for a tarball: GitHub repositories can be large, a tar bomb larger. */
export const DEFAULT_MAX_TARBALL_BYTES = 2 * 1024 * 1024 * 1024;

/** A download that sends nothing for this long is abandoned (the scan fails, and is retried). */
const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;
const MAX_DOWNLOAD_REDIRECTS = 3;

/**
 * A full scan of one commit: the repository tarball in one request, streamed through gunzip and
 * the tar reader into the scanner. Nothing is written to disk and nothing is cloned.
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
  return scanSources(readTarball(stream, { maxFileSize: settings.maxFileSize, maxTotalBytes }), { settings: { ...settings, mode: 'full' }, revealSecrets });
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
  const body = response.data as WebReadableStream<Uint8Array> | Buffer | ArrayBuffer;
  return body instanceof Buffer || body instanceof ArrayBuffer ? Readable.from([Buffer.from(body as ArrayBuffer)]) : Readable.fromWeb(body as WebReadableStream<Uint8Array>);
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
