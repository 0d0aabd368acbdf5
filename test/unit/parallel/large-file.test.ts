import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeapSpaceStatistics } from 'node:v8';
import { afterLargeFile, beforeLargeRead, LARGE_FILE_CHARS, LARGE_TEXTS_BUDGET } from '../../../src/core/parallel/large-file.js';
import { readSourceFile, scanFileInPieces } from '../../../src/core/parallel/read-file.js';
import { scanFileTree } from '../../../src/core/parallel/tree-pool.js';
import { scanSources } from '../../../src/core/scan.js';
import { defaultSettings, type ScanResult, type ScanSettings, type Skipped } from '../../../src/core/types.js';
import { walkEntries, walkTree } from '../../../src/workspace/walk.js';
import { body } from '../secrets/engine-fixtures.js';

/**
 * Files over LARGE_FILE_CHARS are followed by a full garbage collection in the thread that scans
 * them (src/core/parallel/large-file.ts): the scan's result must not change, in this thread or in
 * a worker, for ASCII and non-ASCII text, with the secret at the very end of the file.
 */
let root: string;
const settings: ScanSettings = { ...defaultSettings(), maxFileSize: 64 * 1024 * 1024 };
const secret = body(42, 40);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nhi-large-file-'));
  const filler = 'const value = compute(input) + 1;\n'.repeat(Math.ceil(LARGE_FILE_CHARS / 34) + 10);
  writeFileSync(join(root, 'ascii.js'), `${filler}aws_secret_access_key = ${secret}\n`);
  writeFileSync(join(root, 'unicode.js'), `// café ☕\n${filler}DB_PASSWORD="${body(43, 18)}"\n`);
  for (let i = 0; i < 20; i++) writeFileSync(join(root, `small-${i}.env`), `api_secret: ${body(100 + i, 32)}\n`);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const comparable = (result: ScanResult) => ({ ...result, stats: { ...result.stats, durationMs: 0 } });

describe('large files', () => {
  it('are scanned to their last line, the same in this thread and in a worker', async () => {
    const expected = await scanSources(walkTree(root, { settings, largeFiles: settings }), { settings, parallel: { workers: 0 } });
    const files = new Set(expected.findings.map((f) => f.file));
    expect(files).toContain('ascii.js');
    expect(files).toContain('unicode.js');
    expect(expected.findings.find((f) => f.file === 'ascii.js')?.line).toBeGreaterThan(LARGE_FILE_CHARS / 40);

    const here = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 0 });
    expect(comparable(here.result)).toEqual(comparable(expected));
    const pooled = await scanFileTree(walkEntries(root, { settings }), { settings, workers: 1, largeTreeBytes: 0, scanHere: false });
    expect(pooled.filesFromWorkers).toBeGreaterThan(0);
    expect(comparable(pooled.result)).toEqual(comparable(expected));
  });
});

describe('the full collection after large files', () => {
  /** Where a large text lives: V8's large-object space, or outside the heap (Node makes a text of ~1 MB or more an external string). */
  const largeTexts = (): number => getHeapSpaceStatistics().find((space) => space.space_name === 'large_object_space')!.space_used_size + process.memoryUsage().external;

  it('runs once the large files since the last one reach the budget, and frees their texts', () => {
    // Whatever earlier tests left counted: one collection starts the count from zero.
    expect(afterLargeFile(LARGE_TEXTS_BUDGET)).toBe(true);
    expect(afterLargeFile(LARGE_FILE_CHARS - 1)).toBe(false); // not a large file: never counted
    const count = Math.ceil(LARGE_TEXTS_BUDGET / LARGE_FILE_CHARS);
    const texts: string[] = [];
    const verdicts: boolean[] = [];
    for (let i = 0; i < count; i++) {
      // A text as a scan makes it: a new string of LARGE_FILE_CHARS characters, unreferenced once scanned.
      texts.push(Buffer.alloc(LARGE_FILE_CHARS, 97 + i).toString('latin1'));
      if (i < count - 1) verdicts.push(afterLargeFile(LARGE_FILE_CHARS));
    }
    expect(verdicts.every((collected) => !collected)).toBe(true);
    const held = largeTexts();
    expect(held).toBeGreaterThanOrEqual(count * LARGE_FILE_CHARS);
    texts.length = 0;
    expect(afterLargeFile(LARGE_FILE_CHARS)).toBe(true);
    expect(largeTexts()).toBeLessThan(held - (count - 1) * LARGE_FILE_CHARS);
  });
});

describe('the collection before a file of LARGE_TEXTS_BUDGET bytes or more is read', () => {
  /** Starts the count from zero, then leaves `chars` of large files uncollected. */
  const leave = (chars: number): void => {
    expect(afterLargeFile(LARGE_TEXTS_BUDGET)).toBe(true);
    expect(afterLargeFile(chars)).toBe(false);
  };
  const budget = LARGE_TEXTS_BUDGET;

  it('runs only when large texts are left and the file is at least the budget', () => {
    leave(budget - LARGE_FILE_CHARS);
    expect(beforeLargeRead(budget - 1)).toBe(false);
    expect(beforeLargeRead(budget)).toBe(true);
    expect(beforeLargeRead(budget)).toBe(false); // nothing left to collect
    // The count starts again: one more large file stays under the budget.
    expect(afterLargeFile(LARGE_FILE_CHARS)).toBe(false);
  });

  it('is asked by the reader of a whole file and by the reader in pieces', () => {
    const big = join(root, 'big.txt');
    writeFileSync(big, 'x = 1\n'.repeat(Math.ceil(budget / 6) + 1));
    leave(budget - LARGE_FILE_CHARS);
    expect('content' in readSourceFile('big.txt', big, 64 * 1024 * 1024)).toBe(true);
    // Collected before the read: the left-over count is gone, so one more large file is under the budget.
    expect(afterLargeFile(LARGE_FILE_CHARS)).toBe(false);

    leave(budget - LARGE_FILE_CHARS);
    const skip = readSourceFile('big.txt', big, 1024 * 1024);
    expect('reason' in skip && skip.reason).toBe('too-large');
    // The whole-file reader only learnt its size (no collection): the reader in pieces collects.
    scanFileInPieces(skip as Skipped, big, { ...defaultSettings(), maxFileSize: 1024 * 1024 });
    expect(afterLargeFile(LARGE_FILE_CHARS)).toBe(false);
  });
});
