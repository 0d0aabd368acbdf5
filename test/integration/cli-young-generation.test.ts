import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { youngGenerationChosenByUser } from '../../src/core/parallel/young-generation.js';

/**
 * bin/nhi-steward.js keeps V8's young generation at its starting size unless the user chose
 * otherwise (src/core/parallel/young-generation.ts; docs/performance.md, "Young generation"). A probe
 * preloaded with NODE_OPTIONS makes garbage at exit, after the scan, and records the new space's
 * size: kept small it stays at ≤ 4 MB, V8's default growth takes it to 16-32 MB.
 */
const PROBE = `import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
process.on('exit', () => {
  const window = new Array(4096);
  for (let i = 0; i < 400_000; i++) window[i % 4096] = { text: 'x'.repeat(64) + i, parts: [i, i + 1, i + 2] };
  writeFileSync(process.env.NHI_PROBE_OUT, String(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
});
`;
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'nhi-steward.js');
const MB = 1024 * 1024;

describe('bin/nhi-steward.js: the young generation', () => {
  let tmp: string;
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, '..', '..', 'lib', 'core', 'parallel', 'young-generation.js'))) throw new Error('lib/ is not built: run npm run build (npm ci does it)');
    tmp = mkdtempSync(join(tmpdir(), 'nhi-young-'));
    writeFileSync(join(tmp, 'probe.mjs'), PROBE);
    writeFileSync(join(tmp, 'app.ts'), 'export const answer = 42;\n');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function newSpaceAfterScan(name: string, env: Record<string, string>): Promise<number> {
    const out = join(tmp, `${name}.txt`);
    const nodeOptions = `--import ${join(tmp, 'probe.mjs')} ${env.NODE_OPTIONS ?? ''}`.trim();
    const childEnv = { ...process.env, NHI_STEWARD_YOUNG_GENERATION: '', ...env, NHI_PROBE_OUT: out, NODE_OPTIONS: nodeOptions };
    await promisify(execFile)(process.execPath, [BIN, 'scan', tmp, '--format', 'json', '--fail-on', 'none'], { env: childEnv });
    return Number(readFileSync(out, 'utf8'));
  }

  it('is kept at its starting size by default', async () => {
    const bytes = await newSpaceAfterScan('default', {});
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(4 * MB);
  });

  it('grows as V8 decides with NHI_STEWARD_YOUNG_GENERATION=default', async () => {
    expect(await newSpaceAfterScan('opt-out', { NHI_STEWARD_YOUNG_GENERATION: 'default' })).toBeGreaterThan(4 * MB);
  });

  it("follows the user's own young-generation flag in NODE_OPTIONS", async () => {
    expect(await newSpaceAfterScan('user-flag', { NODE_OPTIONS: '--max-semi-space-size=16' })).toBeGreaterThan(4 * MB);
  });

  it('recognises young-generation flags on the command line and in NODE_OPTIONS, with - or _', () => {
    expect(youngGenerationChosenByUser([], {})).toBe(false);
    expect(youngGenerationChosenByUser(['--max-old-space-size=300'], { NODE_OPTIONS: '--enable-source-maps' })).toBe(false);
    expect(youngGenerationChosenByUser(['--max-semi-space-size=8'], {})).toBe(true);
    expect(youngGenerationChosenByUser([], { NODE_OPTIONS: '--import x.mjs --min_semi_space_size=4' })).toBe(true);
    expect(youngGenerationChosenByUser([], { NODE_OPTIONS: '--semi-space-growth-factor' })).toBe(true);
    expect(youngGenerationChosenByUser([], { NHI_STEWARD_YOUNG_GENERATION: ' Default ' })).toBe(true);
    expect(youngGenerationChosenByUser([], { NHI_STEWARD_YOUNG_GENERATION: 'small' })).toBe(false);
    expect(youngGenerationChosenByUser(['--semi-space-size-x=1'], {})).toBe(false);
  });
});
