import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSourceFile } from '../../../src/core/parallel/read-file.js';
import { ReadAhead } from '../../../src/core/parallel/reader.js';
import { CONTROL_WORDS } from '../../../src/core/parallel/ring.js';
import { defaultReadAhead, scanFileTree } from '../../../src/core/parallel/tree-pool.js';
import { defaultSettings, type ScanResult, type ScanSettings } from '../../../src/core/types.js';
import { walkEntries } from '../../../src/workspace/walk.js';
import { body } from '../secrets/engine-fixtures.js';

/**
 * The read-ahead thread (src/core/parallel/reader.ts, reader-worker.ts) reads the walk's files into
 * a SharedArrayBuffer ring while this thread scans. Whatever the ring's size, whatever the reader
 * does (keeps up, falls behind, never starts, dies, claims files and never delivers them), the
 * scan must give exactly the report of a scan without it: same findings, same skips with the same
 * reasons and details, same order. Rings here are tiny, so records wrap around many times and
 * files larger than a record are read by the scanning thread.
 */
const KiB = 1024;
let root: string;
let outside: string;
const settings: ScanSettings = { ...defaultSettings(), maxFileSize: 48 * KiB };
/** A ring of 64 KiB, records of at most 16 KiB, started after 8 listed files. */
const tiny = { ringBytes: 64 * KiB, maxRecordBytes: 16 * KiB, files: 8 };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nhi-reader-'));
  outside = mkdtempSync(join(tmpdir(), 'nhi-reader-outside-'));
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  // Many tiny files, some with a secret; every size around a record and the size limit.
  for (let i = 0; i < 600; i++) write(`tiny/d${i % 7}/f${String(i).padStart(4, '0')}.js`, i % 50 === 0 ? `const password = "${body(i, 20)}";\n` : `export const v${i} = ${i};\n`);
  for (const size of [0, 1, 16 * KiB - 1, 16 * KiB, 16 * KiB + 1, 48 * KiB, 48 * KiB + 1, 200 * KiB]) {
    write(`sizes/s${size}.env`, `API_SECRET="${body(size, 32)}"\n`.padEnd(size, '#').slice(0, Math.max(size, 0)));
  }
  write('sizes/ends-with-secret.env', `${'# pad\n'.repeat(5000)}api_secret: ${body(99, 32)}\n`.slice(-(47 * KiB)));
  write('non-ascii/strings.js', `// Grüße — ${'é'.repeat(2000)}\nconst password = "${body(5, 20)}";\n`);
  write('assets/logo.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  writeFileSync(join(outside, 'credentials'), `aws_secret_access_key = ${body(7, 40)}\n`);
  symlinkSync(join(outside, 'credentials'), join(root, 'leak-link'));
  symlinkSync('tiny/d0/f0000.js', join(root, 'inside-link.js'));
  symlinkSync('missing-target', join(root, 'dangling'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const comparable = (result: ScanResult) => ({ ...result, stats: { ...result.stats, durationMs: 0 } });
const withoutReader = async () => comparable((await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, readAhead: false })).result);

describe('read-ahead thread', () => {
  it('gives the report of a scan without it, through a ring that wraps many times', async () => {
    const expected = await withoutReader();
    const scan = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, readAhead: { ...tiny, patient: true } });
    expect(scan.filesFromReader).toBe(scan.result.stats.files + scan.result.skipped.filter((s) => s.reason === 'binary' || s.reason === 'too-large').length);
    // Without waiting for it, the reader or this thread reads each file; the report is the same.
    expect(comparable((await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, readAhead: tiny })).result)).toEqual(expected);
    expect(comparable(scan.result)).toEqual(expected);
    // The tree is what it claims to be.
    expect(expected.stats.files).toBeGreaterThan(600);
    const skips = Object.fromEntries(expected.skipped.map((s) => [s.path, `${s.reason}: ${s.detail}`]));
    expect(skips).toMatchObject({
      'assets/logo.bin': expect.stringMatching(/^binary/),
      // Over max-file-size: read in pieces for secrets (src/core/secrets/pieces.ts), not parsed for identities.
      [`sizes/s${48 * KiB + 1}.env`]: `too-large: ${48 * KiB + 1} bytes exceeds max-file-size ${48 * KiB}: scanned for secrets in pieces, not parsed for identities`,
      [`sizes/s${200 * KiB}.env`]: `too-large: ${200 * KiB} bytes exceeds max-file-size ${48 * KiB}: scanned for secrets in pieces, not parsed for identities`,
      'leak-link': expect.stringMatching(/^invalid-path/),
      dangling: 'unreadable: dangling symbolic link',
      pipe: 'unreadable: not a regular file',
    });
    const files = new Set(expected.findings.map((f) => f.file));
    for (const file of ['sizes/ends-with-secret.env', `sizes/s${16 * KiB + 1}.env`, `sizes/s${48 * KiB}.env`, `sizes/s${48 * KiB + 1}.env`, `sizes/s${200 * KiB}.env`, 'non-ascii/strings.js', 'tiny/d0/f0000.js']) expect(files).toContain(file);
    expect(JSON.stringify(scan.result)).not.toContain(body(7, 40));
  });

  it('reads a file larger than the ring in the scanning thread, whole', async () => {
    const big = { ...settings, maxFileSize: 1024 * KiB };
    const expected = comparable((await scanFileTree(walkEntries(root, { settings: big }), { settings: big, workers: 0, readAhead: false })).result);
    const scan = await scanFileTree(walkEntries(root, { settings: big }), { settings: big, workers: 0, readAhead: { ringBytes: 32 * KiB, files: 8, patient: true } });
    expect(comparable(scan.result)).toEqual(expected);
    expect(scan.filesFromReader).toBeGreaterThan(600);
    expect(expected.findings.some((f) => f.file === `sizes/s${200 * KiB}.env`)).toBe(true);
  });

  it('takes files in walk order whether the reader or this thread read them', () => {
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const reader = ReadAhead.start(control, 0, { maxFileSize: settings.maxFileSize, ringBytes: 64 * KiB, maxRecordBytes: 16 * KiB })!;
    expect(reader).toBeDefined();
    const paths = Array.from({ length: 300 }, (_, i) => `tiny/d${i % 7}/f${String(i).padStart(4, '0')}.js`);
    const listed = paths.map((p) => ({ path: p, abs: join(root, p) }));
    reader.post(listed.slice(0, 150).map((f) => f.abs));
    const got = listed.map((f, i) => {
      if (i === 150) reader.post(listed.slice(150).map((g) => g.abs));
      return reader.take(i, f.path, f.abs);
    });
    expect(got).toEqual(listed.map((f) => readSourceFile(f.path, f.abs, settings.maxFileSize)));
    return reader.stop();
  });

  it('reports a file swapped for a link, a FIFO and a missing file as readSourceFile does', async () => {
    const dir = mkdtempSync(join(outside, 'swap-'));
    const paths = ['swapped', 'fifo', 'missing', 'plain'];
    writeFileSync(join(dir, 'swapped'), 'listed as a file');
    unlinkSync(join(dir, 'swapped'));
    symlinkSync(join(outside, 'credentials'), join(dir, 'swapped'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    writeFileSync(join(dir, 'plain'), 'token = 1\n');
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const reader = ReadAhead.start(control, 0, { maxFileSize: settings.maxFileSize, patient: true })!;
    reader.post(paths.map((p) => join(dir, p)));
    const got = paths.map((p, i) => reader.take(i, p, join(dir, p)));
    await reader.stop();
    expect(got).toEqual(paths.map((p) => readSourceFile(p, join(dir, p), settings.maxFileSize)));
    expect(got[0]).toEqual({ path: 'swapped', reason: 'invalid-path', detail: 'replaced by a symbolic link while scanning' });
    expect(reader.fromReader).toBe(4);
  });

  it('scans everything here when the reader cannot start, dies, or claims files and never delivers them', async () => {
    const expected = await withoutReader();
    const missing = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, readAhead: { ...tiny, workerUrl: new URL('file:///nonexistent/reader-worker.js') } });
    expect(missing.filesFromReader).toBe(0);
    expect(comparable(missing.result)).toEqual(expected);

    const throwing = join(outside, 'throwing-reader.mjs');
    writeFileSync(throwing, "throw new Error('reader failed to load');\n");
    const failed = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, readAhead: { ...tiny, workerUrl: new URL(`file://${throwing}`) } });
    expect(failed.filesFromReader).toBe(0);
    expect(comparable(failed.result)).toEqual(expected);

    // Claims every position it is given on the shared counter, then hangs or exits without a record.
    for (const end of ['', 'process.exit(3);']) {
      const claimer = join(outside, `claiming-reader-${end ? 'exit' : 'hang'}.mjs`);
      writeFileSync(
        claimer,
        `import { parentPort, workerData } from 'node:worker_threads';\nconst next = new Int32Array(workerData.control);\nparentPort.on('message', (m) => { Atomics.store(next, 0, m.start + m.files.length); ${end} });\n`,
      );
      const claimed = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0, readAhead: { ...tiny, workerUrl: new URL(`file://${claimer}`) } });
      expect(claimed.filesFromReader).toBe(0);
      expect(comparable(claimed.result)).toEqual(expected);
    }
  });

  it('is off by default (it did not pay by wall time; docs/performance.md, "Read-ahead")', async () => {
    expect(defaultReadAhead()).toBe(false);
    const scan = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0 });
    expect(scan.filesFromReader).toBe(0);
  });

  it('is not started for a tree with fewer files than its threshold', async () => {
    const few = await scanFileTree(walkEntries(join(root, 'sizes'), { settings }), { settings, workers: 0, readAhead: true });
    expect(few.filesFromReader).toBe(0);
  });
});
