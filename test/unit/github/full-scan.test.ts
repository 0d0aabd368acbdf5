/**
 * The tarball download of a full scan: it follows GitHub's 302 itself and reads no faster than the
 * scanner consumes (fetch's body read ahead without bound and held the whole archive).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../../src/github/client.js';
import { openTarball } from '../../../src/github/full-scan.js';

const MB = 1024 * 1024;
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Serves `total` bytes at /download, generated only when the socket asks; counts what it produced. */
async function serve(total: number, status = 200): Promise<{ url: string; produced: () => number; requests: string[] }> {
  let produced = 0;
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? 'none'}`);
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/download' }).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/x-gzip' });
    if (status !== 200) return void res.end('{"message":"Not Found"}');
    const body = new Readable({
      highWaterMark: 64 * 1024,
      read() {
        if (produced >= total) return void this.push(null);
        const chunk = Buffer.alloc(64 * 1024, produced % 251);
        produced += chunk.length;
        this.push(chunk);
      },
    });
    body.pipe(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, produced: () => produced, requests };
}

function redirectingClient(location: string, calls: unknown[] = []): GitHubClient {
  return {
    request: async (route, params) => {
      calls.push({ route, params });
      return { status: 302, headers: { location }, data: undefined } as any;
    },
    paginate: async () => [],
  };
}

describe('openTarball', () => {
  it('follows the redirect itself, without the token, asking for no redirect-following', async () => {
    const { url, requests } = await serve(1 * MB);
    const calls: any[] = [];
    const stream = await openTarball(redirectingClient(`${url}/redirect`, calls), { owner: 'acme', repo: 'api' }, 'abc');
    let bytes = 0;
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    expect(bytes).toBe(1 * MB);
    expect(calls).toEqual([{ route: 'GET /repos/{owner}/{repo}/tarball/{ref}', params: { owner: 'acme', repo: 'api', ref: 'abc', request: { parseSuccessResponseBody: false, redirect: 'manual' } } }]);
    expect(requests).toEqual(['GET /redirect auth=none', 'GET /download auth=none']);
  });

  it('reads only as fast as it is consumed (the archive is never held whole)', async () => {
    const { url, produced } = await serve(200 * MB);
    const stream = await openTarball(redirectingClient(`${url}/download`), { owner: 'acme', repo: 'api' }, 'abc');
    let consumed = 0;
    for await (const chunk of stream) {
      consumed += (chunk as Buffer).length;
      if (consumed >= 2 * MB) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Socket buffers on both ends hold a few MB at most; without backpressure this runs to 200 MB.
    expect(produced() - consumed).toBeLessThan(16 * MB);
  });

  it('names the status when the download fails', async () => {
    const { url } = await serve(0, 404);
    await expect(openTarball(redirectingClient(`${url}/download`), { owner: 'acme', repo: 'api' }, 'abc')).rejects.toThrow(/^tarball download failed: HTTP 404 from 127\.0\.0\.1:\d+$/);
  });

  it('takes a body the client already followed to', async () => {
    const client: GitHubClient = { request: async () => ({ status: 200, headers: {}, data: Buffer.from('gzip bytes') }) as any, paginate: async () => [] };
    const stream = await openTarball(client, { owner: 'acme', repo: 'api' }, 'abc');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('gzip bytes');
  });
});
