import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { scanSources } from '../core/scan.js';
import type { ScanResult, ScanSettings } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { readTarball } from './tarball.js';

/** Bounds for a tarball: GitHub repositories can be large, a tar bomb larger. */
export const DEFAULT_MAX_TARBALL_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * A full scan of one commit: the repository tarball in one request, streamed through gunzip and
 * the tar reader into the scanner. Nothing is written to disk and nothing is cloned.
 */
export async function scanRepositoryTarball(client: GitHubClient, repo: RepoRef, ref: string, settings: ScanSettings, maxTotalBytes = DEFAULT_MAX_TARBALL_BYTES): Promise<ScanResult> {
  const response = await client.request('GET /repos/{owner}/{repo}/tarball/{ref}', { ...repo, ref, request: { parseSuccessResponseBody: false } });
  const body = response.data as WebReadableStream<Uint8Array> | Buffer | ArrayBuffer;
  const stream = body instanceof Buffer || body instanceof ArrayBuffer ? Readable.from([Buffer.from(body as ArrayBuffer)]) : Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  return scanSources(readTarball(stream, { maxFileSize: settings.maxFileSize, maxTotalBytes }), { settings: { ...settings, mode: 'full' } });
}
