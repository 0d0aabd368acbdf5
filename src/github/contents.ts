import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { GitHubClient, RepoRef } from './client.js';
import { PieceScanner } from '../core/secrets/pieces.js';
import type { Finding, ScanSettings, SecretSink } from '../core/types.js';

/**
 * The body of a request made with `parseSuccessResponseBody: false` as a Node stream: a web
 * stream when fetch streamed it, or bytes (or text) when a client buffered it anyway.
 */
export function responseStream(body: unknown): Readable {
  if (typeof body === 'string' || body instanceof Buffer || body instanceof ArrayBuffer) return Readable.from([Buffer.from(body as ArrayBuffer)]);
  return Readable.fromWeb(body as WebReadableStream<Uint8Array>);
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: number }).status === 404;
}

/**
 * The secrets of `path` at `ref`, streamed from GitHub's raw contents and read in pieces
 * (src/core/secrets/pieces.ts; every line judged), for a file over max-file-size; undefined when
 * it is absent or binary (the download stops once its first piece shows NUL bytes).
 */
export async function streamInPieces(client: GitHubClient, repo: RepoRef, path: string, ref: string, settings: ScanSettings, reveal?: SecretSink): Promise<Finding[] | undefined> {
  let response;
  try {
    response = await client.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path, ref, mediaType: { format: 'raw' }, request: { parseSuccessResponseBody: false } });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const pieces = new PieceScanner(path, settings, undefined, reveal);
  for await (const chunk of responseStream(response.data)) {
    pieces.push(chunk as Buffer);
    if (pieces.binary) break; // ends the download
  }
  return pieces.finish();
}

/**
 * A file's text at a ref, or undefined when it does not exist there (or, with `maxBytes`, when it
 * is larger). `ref` undefined: the default branch.
 */
export async function getFileText(client: GitHubClient, repo: RepoRef, path: string, ref?: string, limits: { maxBytes?: number } = {}): Promise<string | undefined> {
  const bytes = await getFileBytes(client, repo, path, ref, limits);
  return bytes === undefined || typeof bytes === 'number' ? undefined : bytes.toString('utf8');
}

/**
 * A file's bytes at a ref; undefined when it does not exist there. With `maxBytes`, a larger file
 * is not downloaded: its size (a number) comes back instead. GitHub's contents answer carries the
 * size, and inlines the content only up to 1 MB; a larger file is fetched as a blob only if it fits.
 */
export async function getFileBytes(client: GitHubClient, repo: RepoRef, path: string, ref?: string, limits: { maxBytes?: number } = {}): Promise<Buffer | number | undefined> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path, ...(ref ? { ref } : {}) });
    if (Array.isArray(data) || data.type !== 'file') return undefined;
    if (limits.maxBytes !== undefined && typeof data.size === 'number' && data.size > limits.maxBytes) return data.size;
    if (typeof data.content === 'string' && data.encoding === 'base64' && (data.content.length > 0 || data.size === 0)) {
      return Buffer.from(data.content, 'base64');
    }
    // Files over 1 MB come back without content: fetch the blob instead.
    const { data: blob } = await client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { ...repo, file_sha: data.sha });
    return Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The recursive git tree at `ref`: every entry's path, kind, mode and blob id and size (GitHub may truncate it). */
export async function gitTree(client: GitHubClient, repo: RepoRef, ref: string): Promise<GitTree> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { ...repo, tree_sha: ref, recursive: '1' });
  return { tree: data.tree as GitTree['tree'], truncated: data.truncated };
}

export interface GitTree {
  tree: { path: string; type: string; mode?: string; sha?: string; size?: number }[];
  truncated: boolean;
}
