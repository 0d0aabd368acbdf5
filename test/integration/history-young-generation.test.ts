/**
 * A history scan lets V8's young generation grow as V8 decides, up to HISTORY_NEW_SPACE_MAX
 * (src/core/parallel/young-generation.ts, `capYoungGeneration`; docs/history.md, "Young generation
 * in history scans"): Node 24's V8 would grow it to 128 MB, which took the CLI over history mode's
 * 400 MB bound on a dense history. Here V8's answer about its new space is replaced by one past the
 * cap, so that a small real history scan shows the check is made and acts; the real V8 side
 * (a new space that stops growing) is in test/integration/cli-startup.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { youngGenerationKeptSmall, HISTORY_NEW_SPACE_MAX } from '../../src/core/parallel/young-generation.js';
import { defaultSettings } from '../../src/core/types.js';
import { scanHistory } from '../../src/workspace/history.js';
import { HistoryRepo } from '../support/history-repo.js';
import { probeEnv } from '../support/young-generation.js';
import { findNode24, node24OrSkip } from './action/node24.js';

const newSpace = vi.hoisted(() => ({ size: 0, asked: 0 }));
vi.mock('node:v8', async (original) => {
  const v8 = await original<typeof import('node:v8')>();
  return {
    ...v8,
    getHeapSpaceStatistics: () => {
      newSpace.asked++;
      return v8.getHeapSpaceStatistics().map((space) => (space.space_name === 'new_space' ? { ...space, space_size: newSpace.size } : space));
    },
  };
});

describe('history scan: the young generation stops growing at HISTORY_NEW_SPACE_MAX', () => {
  const repo = new HistoryRepo('nhi-history-young-');
  beforeAll(() => {
    // 40 commits of 2 new blobs each: the check runs every 32 blobs read.
    for (let i = 0; i < 40; i++) repo.commit('A', `2024-01-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`, { [`f${i}.txt`]: `file ${i}\n`, [`g${i}.txt`]: `other ${i}\n` });
  });
  afterAll(() => repo.cleanup());

  it("leaves it alone where the user chose V8's default (NHI_STEWARD_YOUNG_GENERATION=default), past the cap too", async () => {
    newSpace.size = 4 * HISTORY_NEW_SPACE_MAX;
    process.env.NHI_STEWARD_YOUNG_GENERATION = 'default';
    try {
      const { history } = await scanHistory(repo.dir, { settings: defaultSettings() });
      expect(history.blobs).toBe(80);
    } finally {
      delete process.env.NHI_STEWARD_YOUNG_GENERATION;
    }
    expect(youngGenerationKeptSmall()).toBe(false);
  });

  it('asks V8 as it goes, and leaves the growth on while the new space is under the cap', async () => {
    newSpace.size = HISTORY_NEW_SPACE_MAX - 1;
    newSpace.asked = 0;
    await scanHistory(repo.dir, { settings: defaultSettings() });
    expect(newSpace.asked).toBeGreaterThanOrEqual(2); // 80 blobs: every 32
    expect(newSpace.asked).toBeLessThanOrEqual(3);
    expect(youngGenerationKeptSmall()).toBe(false);
  });

  it('stops the growth once the new space has reached the cap', async () => {
    newSpace.size = HISTORY_NEW_SPACE_MAX;
    await scanHistory(repo.dir, { settings: defaultSettings() });
    expect(youngGenerationKeptSmall()).toBe(true);
  });
});

/**
 * The check against a real V8, in a child process: a script that makes garbage with as many
 * survivors as a dense history scan's findings (Node 24's V8 then grows the new space to 128 MB,
 * Node 20's to 32 MB), calling the check every 4,096 objects, or not.
 */
describe('capYoungGeneration against V8 (child processes)', () => {
  const run = promisify(execFile);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nhi-young-cap-'));
    mkdirSync(join(dir, 'lib'));
    for (const name of ['v8-setting', 'young-generation']) {
      const source = readFileSync(join(import.meta.dirname, `../../src/core/parallel/${name}.ts`), 'utf8');
      writeFileSync(join(dir, 'lib', `${name}.js`), transformSync(source, { loader: 'ts', format: 'esm' }).code);
    }
    writeFileSync(
      join(dir, 'probe.mjs'),
      `import { getHeapSpaceStatistics } from 'node:v8';
import { capYoungGeneration } from './lib/young-generation.js';
const max = Number(process.argv[3] ?? 0) || undefined;
const check = process.argv[2] === 'capped' ? capYoungGeneration(process.execArgv, process.env, max) : () => undefined;
const window = new Array(65536);
for (let i = 0; i < 4_000_000; i++) {
  window[i % 65536] = { text: 'x'.repeat(64) + i, parts: [i, i + 1, i + 2] };
  if ((i & 4095) === 0) check();
}
console.log(String(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const newSpaceBytes = async (node: string, mode: 'capped' | 'free', max?: number): Promise<number> => Number((await run(node, [join(dir, 'probe.mjs'), mode, ...(max ? [String(max)] : [])], { env: probeEnv(), timeout: 60_000 })).stdout.trim());

  it('on Node 24: V8 alone grows it past the cap; with the check it stops there', async (context) => {
    const node24 = node24OrSkip(await findNode24(), context);
    expect(await newSpaceBytes(node24, 'free')).toBeGreaterThan(HISTORY_NEW_SPACE_MAX);
    const capped = await newSpaceBytes(node24, 'capped');
    expect(capped).toBeGreaterThan(0);
    expect(capped).toBeLessThanOrEqual(HISTORY_NEW_SPACE_MAX);
  }, 120_000);

  it('on this Node, with a cap of 8 MiB (under what V8 reaches alone on every Node): V8 alone grows past it; with the check it stops there', async () => {
    const small = 8 * 1024 * 1024;
    expect(await newSpaceBytes(process.execPath, 'free')).toBeGreaterThan(small);
    const capped = await newSpaceBytes(process.execPath, 'capped', small);
    expect(capped).toBeGreaterThan(0);
    expect(capped).toBeLessThanOrEqual(small);
  }, 120_000);
});
