import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GARBAGE_THEN_NEW_SPACE, KEPT_SMALL, probeEnv } from '../../support/young-generation.js';
import { findNode24, node24OrSkip } from '../action/node24.js';

/**
 * The App's server keeps V8's young generation small by itself (src/app/early.ts, imported first by
 * src/app/server.ts), so its memory does not depend on the flags it is started with: on Node 24
 * with V8's defaults a 1 GB full scan peaked at 302-324 MB RSS with a 128 MB new space, 223 MB with
 * it (docs/performance.md, "The App's full scan"). A probe loads early.ts, makes short- and
 * mid-lived garbage as a scan does, and reports the new space's size (test/support/young-generation.ts).
 */
const run = promisify(execFile);

describe('App server: young generation', () => {
  let dir: string;
  let probe: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nhi-app-young-'));
    probe = join(dir, 'probe.mjs');
    writeFileSync(probe, `import ${JSON.stringify(pathToFileURL(resolve('src/app/early.ts')).href)};\n${GARBAGE_THEN_NEW_SPACE}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function newSpaceBytes(node: string, extra: NodeJS.ProcessEnv = {}): Promise<number> {
    const { stdout } = await run(node, ['--import', 'tsx', probe], { env: probeEnv(extra), timeout: 60_000 });
    return Number(stdout.trim());
  }

  it('server.ts evaluates early.ts before any other module', () => {
    const imports = readFileSync('src/app/server.ts', 'utf8')
      .split('\n')
      .filter((line) => /^import\b/.test(line));
    expect(imports[0]).toMatch(/^import '\.\/early\.js';/);
  });

  it('stays at most 8 MiB on this Node, and grows as V8 decides with NHI_STEWARD_YOUNG_GENERATION=default', async () => {
    const kept = await newSpaceBytes(process.execPath);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(KEPT_SMALL);
    expect(await newSpaceBytes(process.execPath, { NHI_STEWARD_YOUNG_GENERATION: 'default' })).toBeGreaterThan(KEPT_SMALL);
  }, 60_000);

  it("follows the user's own young-generation flag in NODE_OPTIONS", async () => {
    expect(await newSpaceBytes(process.execPath, { NODE_OPTIONS: '--max-semi-space-size=16' })).toBeGreaterThan(KEPT_SMALL);
  }, 60_000);

  it('stays at most 8 MiB on Node 24 (the container runtime)', async (context) => {
    const kept = await newSpaceBytes(node24OrSkip(await findNode24(), context));
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(KEPT_SMALL);
  }, 60_000);
});
