import { describe, expect, it } from 'vitest';
import { createParallelSecretScanner, defaultWorkerCount } from '../../../src/core/parallel/pool.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { defaultSettings, type SourceFile } from '../../../src/core/types.js';
import { body } from './engine-fixtures.js';

/** Files with secrets the real catalog finds (a GitHub-style generic assignment and a PEM block). */
function files(count: number): SourceFile[] {
  return Array.from({ length: count }, (_, i) => ({
    path: `svc-${String(i).padStart(3, '0')}/config.env`,
    content: `# service ${i}\nDB_PASSWORD="${body(i, 18)}"\n${'const x = 1;\n'.repeat(200)}api_secret: ${body(i + 1000, 32)}\n`,
    ...(i % 5 === 0 ? { addedLines: new Set([2]) } : {}),
  }));
}

describe('parallel secrets scanning', () => {
  const settings = defaultSettings();
  const input = files(120);
  const expected = input.flatMap((f) => scanSecrets(f, settings)).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));

  it('gives the same findings, sorted, with workers as in-thread', async () => {
    const pool = createParallelSecretScanner(settings, { largeTreeBytes: 0, workers: 1 });
    for (const f of input) pool.add(f);
    const found = await pool.finish();
    expect(pool.workersStarted).toBe(1);
    expect(pool.filesFromWorkers).toBeGreaterThan(0);
    expect(found).toEqual(expected);
  });

  it('starts no pool on 1 or 2 cores, cores - 1 workers from 3 cores', () => {
    expect([1, 2, 3, 4, 8].map((cores) => defaultWorkerCount(cores))).toEqual([0, 0, 2, 3, 7]);
  });

  it('stays in-thread for small trees', async () => {
    const pool = createParallelSecretScanner(settings);
    for (const f of input.slice(0, 3)) pool.add(f);
    expect(await pool.finish()).toEqual(expected.filter((f) => ['svc-000/config.env', 'svc-001/config.env', 'svc-002/config.env'].includes(f.file)));
    expect(pool.workersStarted).toBe(0);
  });

  it('falls back to in-thread scanning when the worker file is missing or broken', async () => {
    const missing = createParallelSecretScanner(settings, { largeTreeBytes: 0, workers: 1, workerUrl: new URL('file:///nonexistent/secrets-worker.js') });
    for (const f of input) missing.add(f);
    expect(await missing.finish()).toEqual(expected);
    expect(missing.filesFromWorkers).toBe(0);
  });
});
