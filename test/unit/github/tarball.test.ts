import { describe, expect, test } from 'vitest';
import { Readable } from 'node:stream';
import { gzipSync, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { checkEntryPath, readTarball, TarballError, TarballLimitError } from '../../../src/github/tarball.js';
import { isSkipped } from '../../../src/core/source.js';
import type { Skipped, SourceFile } from '../../../src/core/types.js';

type Entry = { name: string; body?: string | Buffer; type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo'; linkname?: string };

/** Builds a real gzip'd tarball in memory, like GitHub's (`owner-repo-sha/` top folder). */
async function tarball(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type && e.type !== 'file') pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else pack.entry({ name: e.name }, e.body ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

async function readAll(buf: Buffer | Readable, limits = {}): Promise<Array<SourceFile | Skipped>> {
  const out: Array<SourceFile | Skipped> = [];
  for await (const r of readTarball(buf instanceof Readable ? buf : Readable.from([buf]), limits)) out.push(r);
  return out;
}

const TOP = 'acme-api-0123abc';

describe('readTarball', () => {
  test('strips the top folder and yields text files; directories are structure, not records', async () => {
    const buf = await tarball([
      { name: `${TOP}/`, type: 'directory' },
      { name: `${TOP}/k8s/`, type: 'directory' },
      { name: `${TOP}/k8s/sa.yaml`, body: 'kind: ServiceAccount\n' },
      { name: `${TOP}/README.md`, body: '# hi\n' },
    ]);
    expect(await readAll(buf)).toEqual([
      { path: 'k8s/sa.yaml', content: 'kind: ServiceAccount\n' },
      { path: 'README.md', content: '# hi\n' },
    ]);
  });

  test('reads the tarball the github-double serves, pax global header included', async () => {
    const { startGitHubDouble } = await import('../../support/github-double/index.js');
    const double = await startGitHubDouble({ seed: { repos: [{ repo: 'acme/api', files: { 'a/b.txt': 'b\n', 'c.env': 'X=1\n' } }] } });
    try {
      const res = await fetch(`${double.url}/repos/acme/api/tarball/main`, { headers: { authorization: 'token t' } });
      expect(res.status).toBe(200);
      const files = await readAll(Buffer.from(await res.arrayBuffer()));
      expect(files).toEqual([{ path: 'a/b.txt', content: 'b\n' }, { path: 'c.env', content: 'X=1\n' }]);
      double.assertNoViolations();
    } finally {
      await double.close();
    }
  });

  test('streams a big generated tarball served by the double (setTarball), straight from the response body', async () => {
    const { startGitHubDouble } = await import('../../support/github-double/index.js');
    const double = await startGitHubDouble({ seed: { repos: [{ repo: 'acme/big' }] } });
    const count = 5000;
    const line = 'const value = "not a secret at all, just filler text";\n';
    double.state.setTarball('acme/big', (sha) => {
      const pack = tar.pack();
      const gz = createGzip();
      void (async () => {
        for (let i = 0; i < count; i++) pack.entry({ name: `acme-big-${sha.slice(0, 7)}/src/m${i}.ts` }, line.repeat(40));
        pack.finalize();
      })();
      return pack.pipe(gz);
    });
    try {
      const res = await fetch(`${double.url}/repos/acme/big/tarball/main`, { headers: { authorization: 'token t' } });
      const started = Date.now();
      let files = 0;
      let bytes = 0;
      for await (const r of readTarball(Readable.fromWeb(res.body as any))) {
        files++;
        if (!isSkipped(r)) bytes += r.content.length;
      }
      expect(files).toBe(count);
      expect(bytes).toBe(count * line.length * 40);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await double.close();
    }
  });

  test('binary and too-large files are Skipped with reasons, and the rest goes on', async () => {
    const buf = await tarball([
      { name: `${TOP}/logo.png`, body: Buffer.from([0x89, 0x50, 0x00, 0x01]) },
      { name: `${TOP}/big.txt`, body: 'x'.repeat(2000) },
      { name: `${TOP}/ok.txt`, body: 'fine' },
    ]);
    const out = await readAll(buf, { maxFileSize: 1000 });
    expect(out).toEqual([
      { path: 'logo.png', reason: 'binary', detail: expect.any(String) },
      { path: 'big.txt', reason: 'too-large', detail: '2000 bytes exceeds max-file-size 1000' },
      { path: 'ok.txt', content: 'fine' },
    ]);
  });

  test.each([
    ['dot-dot traversal', `${TOP}/../../etc/passwd`, 'path escapes the archive root'],
    ['absolute path', '/etc/passwd', 'absolute path'],
    ['entry outside the top folder', 'other-top/x.txt', `entry outside the top folder ${TOP}/`],
    ['traversal inside the top folder', `${TOP}/a/../../../x`, 'path escapes the archive root'],
  ])('%s is skipped as invalid-path and never read', async (_label, name, detail) => {
    const buf = await tarball([{ name: `${TOP}/first.txt`, body: '1' }, { name, body: 'evil' }, { name: `${TOP}/last.txt`, body: '2' }]);
    const out = await readAll(buf);
    expect(out).toEqual([{ path: 'first.txt', content: '1' }, { path: name, reason: 'invalid-path', detail }, { path: 'last.txt', content: '2' }]);
  });

  test('symlinks, hardlinks and fifos are reported as invalid-path, not followed', async () => {
    const buf = await tarball([
      { name: `${TOP}/link`, type: 'symlink', linkname: '/etc/shadow' },
      { name: `${TOP}/hard`, type: 'link', linkname: `${TOP}/real` },
      { name: `${TOP}/pipe`, type: 'fifo' },
      { name: `${TOP}/real`, body: 'r' },
    ]);
    expect(await readAll(buf)).toEqual([
      { path: 'link', reason: 'invalid-path', detail: 'symlink entries are not followed' },
      { path: 'hard', reason: 'invalid-path', detail: 'link entries are not followed' },
      { path: 'pipe', reason: 'invalid-path', detail: 'fifo entries are not followed' },
      { path: 'real', content: 'r' },
    ]);
  });

  test('a gzip bomb stops with a clear TarballLimitError, quickly and without buffering it', async () => {
    // 200 MiB of zeros in one entry compresses to ~200 KiB; streamed, never built in memory.
    const size = 200 * 1024 * 1024;
    const pack = tar.pack();
    const entry = pack.entry({ name: `${TOP}/zeros.bin`, size });
    const chunk = Buffer.alloc(1024 * 1024);
    void (async () => {
      for (let i = 0; i < size / chunk.length; i++) if (!entry.write(chunk)) await new Promise<void>((r) => entry.once('drain', () => r()));
      entry.end(undefined);
      pack.finalize();
    })();
    const gz = createGzip({ level: 1 });
    // The reader destroys its input when it gives up; the producer side must not crash on that.
    pack.on('error', () => {});
    entry.on('error', () => {});
    pack.pipe(gz);
    const started = Date.now();
    const heapBefore = process.memoryUsage().heapUsed;
    await expect(readAll(gz, { maxTotalBytes: 20 * 1024 * 1024, maxFileSize: 1024 })).rejects.toThrow(TarballLimitError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);
  });

  test('many tiny entries hit the entry limit', async () => {
    const buf = await tarball(Array.from({ length: 50 }, (_, i) => ({ name: `${TOP}/f${i}.txt`, body: 'x' })));
    await expect(readAll(buf, { maxEntries: 10 })).rejects.toThrow(/more than 10 entries/);
  });

  test('the error message names the limit', async () => {
    const buf = await tarball([{ name: `${TOP}/a.txt`, body: 'a'.repeat(100_000) }]);
    await expect(readAll(buf, { maxTotalBytes: 10_000 })).rejects.toThrow('tarball exceeds the limit of 10000 uncompressed bytes (possible tar bomb); scan stopped');
  });

  test('a corrupt or non-gzip stream is a TarballError, not a hang', async () => {
    await expect(readAll(Buffer.from('this is not gzip at all'))).rejects.toThrow(TarballError);
    const good = await tarball([{ name: `${TOP}/a.txt`, body: 'a'.repeat(5000) }]);
    await expect(readAll(good.subarray(0, good.length - 30))).rejects.toThrow(/tarball could not be read/);
  });

  test('breaking out early stops reading the source', async () => {
    const buf = await tarball(Array.from({ length: 20 }, (_, i) => ({ name: `${TOP}/f${i}.txt`, body: `${i}` })));
    const src = Readable.from([buf]);
    const seen: string[] = [];
    for await (const r of readTarball(src)) {
      seen.push(r.path);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
    expect(src.destroyed).toBe(true);
  });

  test('isSkipped tells records apart', async () => {
    const out = await readAll(await tarball([{ name: `${TOP}/a`, body: 'a' }, { name: '/abs', body: 'b' }]));
    expect(out.map((r) => isSkipped(r))).toEqual([false, true]);
  });
});

describe('checkEntryPath', () => {
  test.each([
    [`${TOP}/a/b.txt`, { ok: true, path: 'a/b.txt' }],
    [`./${TOP}/./a.txt`, { ok: true, path: 'a.txt' }],
    [`${TOP}/`, { ok: false, detail: 'entry is the top folder itself' }],
    ['C:\\windows\\x', { ok: false, detail: 'absolute path' }],
    [`${TOP}/a\\..\\..\\x`, { ok: false, detail: 'path escapes the archive root' }],
    [`${TOP}/a\0b`, { ok: false, detail: 'NUL byte in entry name' }],
    // Read into memory, never written: a name with control characters is scanned (and escaped where shown).
    [`${TOP}/deploy\u0001\n.env`, { ok: true, path: 'deploy\u0001\n.env' }],
  ])('%j → %j', (name, expected) => {
    expect(checkEntryPath(name, TOP)).toEqual(expected);
  });

  test('a gzip\'d tar cut off before its end-of-archive marker is an error, not a complete repository', async () => {
    const pack = tar.pack();
    pack.entry({ name: `${TOP}/a.txt` }, 'first file\n');
    pack.entry({ name: `${TOP}/b.txt` }, 'second file\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const whole = Buffer.concat(chunks);
    // Cut after the first entry (header + one data block): a valid gzip of a tar missing the rest.
    const cut = gzipSync(whole.subarray(0, 1024));
    await expect(readAll(cut)).rejects.toThrow(/end-of-archive marker/);
    // The same archive whole reads fine.
    expect((await readAll(gzipSync(whole))).map((r) => r.path)).toEqual(['a.txt', 'b.txt']);
  });
});
