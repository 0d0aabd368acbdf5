import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSourceFile } from '../../../src/core/parallel/read-file.js';

/**
 * readSourceFile reads to the end of the file without asking its size first while it fits the
 * reused 1 MiB buffer, and asks (fstat) only when the buffer fills: every size around that
 * boundary must come back whole, and the too-large report must name the file's real size.
 */
const MiB = 1024 * 1024;
let dir: string;
const sizes = [0, 1, 1024, MiB - 1, MiB, MiB + 1, 3 * MiB + 7];
/** Text whose every line differs, so a lost or repeated chunk shows. */
const textOf = (size: number) => {
  let out = '';
  for (let i = 0; out.length < size; i++) out += `line ${i}\n`;
  return out.slice(0, size);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nhi-read-file-'));
  for (const size of sizes) writeFileSync(join(dir, `f${size}.txt`), textOf(size));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readSourceFile', () => {
  it('reads files of every size around the reused buffer whole', () => {
    for (const size of sizes) {
      const item = readSourceFile(`f${size}.txt`, join(dir, `f${size}.txt`), 64 * MiB);
      expect('content' in item && item.content === textOf(size), `size ${size}`).toBe(true);
    }
  });

  it('reports a file over the limit with its size, below and above the reused buffer', () => {
    expect(readSourceFile('a', join(dir, 'f1024.txt'), 1000)).toEqual({ path: 'a', reason: 'too-large', detail: '1024 bytes exceeds max-file-size 1000' });
    expect(readSourceFile('b', join(dir, `f${3 * MiB + 7}.txt`), 2 * MiB)).toEqual({ path: 'b', reason: 'too-large', detail: `${3 * MiB + 7} bytes exceeds max-file-size ${2 * MiB}` });
    expect(readSourceFile('c', join(dir, `f${MiB + 1}.txt`), MiB)).toEqual({ path: 'c', reason: 'too-large', detail: `${MiB + 1} bytes exceeds max-file-size ${MiB}` });
    const exact = readSourceFile('d', join(dir, `f${MiB}.txt`), MiB);
    expect('content' in exact && exact.content.length).toBe(MiB);
  });

  it('reports a folder or a missing file as unreadable', () => {
    expect(readSourceFile('x', dir, MiB)).toMatchObject({ reason: 'unreadable', detail: 'EISDIR' });
    expect(readSourceFile('y', join(dir, 'missing'), MiB)).toMatchObject({ reason: 'unreadable', detail: 'ENOENT' });
  });
});
