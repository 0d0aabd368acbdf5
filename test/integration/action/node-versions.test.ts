import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, RAW_SECRETS, REPO, pullRequestPayload, schedulePayload } from './fixtures.js';
import { makeRepo, type TestRepo } from './git-repo.js';
import { findNode24, node24OrSkip, type Node24 } from './node24.js';
import { buildBundle, runAction } from './runner.js';

let bundle: ReturnType<typeof buildBundle>;
let node24: Node24;
let double: GitHubDouble;
let ws: TestRepo;

beforeAll(async () => {
  bundle = buildBundle();
  node24 = await findNode24();
}, 60_000);
afterAll(() => bundle?.cleanup());
beforeEach(async () => {
  double = await startGitHubDouble({ seed: { repos: [{ repo: REPO, files: BASE_FILES }] } });
  ws = makeRepo({ base: BASE_FILES, head: { 'src/config.js': CONFIG_WITH_SECRET }, shallow: true });
});
afterEach(async () => {
  await double?.close();
  ws?.cleanup();
});

/** Scenario 1 (a PR adding a secret) under one Node binary. */
async function secretPullRequest(node: string) {
  const run = await runAction({
    node, entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'pull_request', repository: REPO, sha: ws.headSha, ref: 'refs/pull/7/merge',
    payload: pullRequestPayload({ number: 7, headSha: ws.headSha, baseSha: ws.baseSha }),
  });
  expect(run.code).toBe(1);
  expect(run.annotations.map((a) => [a.kind, a.properties.title, a.properties.file, a.properties.line])).toEqual([['error', 'secret/github-classic-pat', 'src/config.js', '3']]);
  expect(run.outputs).toMatchObject({ findings: '1', secrets: '1' });
  expect(run.stderr).toBe('');
  for (const secret of RAW_SECRETS) {
    expect([run.stdout, run.summary, run.sarif].join('\n').includes(secret)).toBe(false);
  }
}

describe('the bundle on the Node versions a runner uses', () => {
  it(`runs on this machine's Node (${process.version})`, async () => {
    await secretPullRequest(process.execPath);
  });

  it('runs on Node 24 (runs.using: node24), when npm has node@24 cached', async (ctx) => {
    await secretPullRequest(node24OrSkip(node24, ctx));
  });

  /**
   * The bundle keeps V8's young generation at its starting size (src/core/parallel/young-generation.ts,
   * docs/performance.md "Memory"). A probe preloaded with NODE_OPTIONS makes garbage at exit, after the
   * Action ran, and records the new space's size: V8's default growth takes it to 32 MB.
   */
  it('keeps the young generation small on Node 24', async (ctx) => {
    const node = node24OrSkip(node24, ctx);
    const { code, newSpace } = await newSpaceAfterRun(node, 'pull_request');
    expect(code).toBe(1); // the secret is found, as in the runs above
    expect(newSpace).toBeGreaterThan(0);
    // Kept small: 4 MiB measured after the Action's run on Node 24 on a quiet machine, 4 MiB + one
    // 256 KiB page once under CI load; V8's default growth reaches 32 MiB (Node 20, 22 and 24 here).
    // Anything up to 8 MiB is kept small.
    expect(newSpace).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  /**
   * With the history input on, the bundle gives V8's optimising compiler a smaller inlining budget
   * (src/core/parallel/inlining.ts). A probe preloaded with NODE_OPTIONS records every flag the
   * Action hands V8 (`v8.setFlagsFromString`, wrapped before the bundle loads). That V8 honours the
   * flag is checked through the CLI's bin in test/integration/cli-startup.test.ts.
   */
  it('gives V8 a smaller inlining budget when the history input is on, and only then', async () => {
    const history = await flagsSetByRun('schedule', { history: 'on', 'sarif-file': '' });
    expect(history).toContain('--max-inlined-bytecode-size-cumulative=100');
    expect(history).not.toContain('--semi-space-growth-factor=1'); // a history scan keeps V8's young generation
    const pullRequest = await flagsSetByRun('pull_request');
    expect(pullRequest).toContain('--semi-space-growth-factor=1');
    expect(pullRequest).not.toContain('--max-inlined-bytecode-size-cumulative=100');
  });

  it('leaves the young generation to V8 when the history input is on (a history scan: faster there)', async () => {
    const { code, newSpace } = await newSpaceAfterRun(process.execPath, 'schedule', { history: 'on', 'sarif-file': '' });
    expect(code).toBe(1); // the token at HEAD is in the history too
    expect(newSpace).toBeGreaterThan(8 * 1024 * 1024);
  });
});

/** Runs the Action with a probe preloaded that records the flags it gives V8; returns them. */
async function flagsSetByRun(event: 'pull_request' | 'schedule', inputs: Record<string, string> = {}): Promise<string[]> {
  const probe = join(bundle.dir, 'flags-probe.mjs');
  const out = join(bundle.dir, `flags-${event}.txt`);
  writeFileSync(out, '');
  writeFileSync(
    probe,
    `import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
const v8 = createRequire(import.meta.url)('node:v8');
const setFlags = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => { appendFileSync(process.env.NHI_PROBE_OUT, flags + '\\n'); return setFlags(flags); };
syncBuiltinESMExports();
`,
  );
  const run = await runAction({
    node: process.execPath, entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event, repository: REPO, sha: ws.headSha,
    ...(event === 'pull_request'
      ? { ref: 'refs/pull/7/merge', payload: pullRequestPayload({ number: 7, headSha: ws.headSha, baseSha: ws.baseSha }) }
      : { ref: 'refs/heads/main', payload: schedulePayload() }),
    inputs,
    extraEnv: { NODE_OPTIONS: `--import ${probe}`, NHI_PROBE_OUT: out },
  });
  expect(run.code).toBe(1); // the secret is found in both
  return readFileSync(out, 'utf8').split('\n').filter(Boolean);
}

/** Runs the Action with the probe above preloaded; returns its exit code and the new space's size at exit. */
async function newSpaceAfterRun(node: string, event: 'pull_request' | 'schedule', inputs: Record<string, string> = {}): Promise<{ code: number | null; newSpace: number }> {
  const probe = join(bundle.dir, 'young-probe.mjs');
  const out = join(bundle.dir, 'young-probe.txt');
  writeFileSync(
    probe,
    `import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
process.on('exit', () => {
  const window = new Array(4096);
  for (let i = 0; i < 400_000; i++) window[i % 4096] = { text: 'x'.repeat(64) + i, parts: [i, i + 1, i + 2] };
  writeFileSync(process.env.NHI_PROBE_OUT, String(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
});
`,
  );
  const run = await runAction({
    node, entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event, repository: REPO, sha: ws.headSha,
    ...(event === 'pull_request'
      ? { ref: 'refs/pull/7/merge', payload: pullRequestPayload({ number: 7, headSha: ws.headSha, baseSha: ws.baseSha }) }
      : { ref: 'refs/heads/main', payload: schedulePayload() }),
    inputs,
    extraEnv: { NODE_OPTIONS: `--import ${probe}`, NHI_PROBE_OUT: out },
  });
  return { code: run.code, newSpace: Number(readFileSync(out, 'utf8')) };
}
