import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings, type RevealedSecret } from '../../src/core/types.js';
import { scanHistory, type HistoryOptions } from '../../src/workspace/history.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { HistoryRepo } from '../support/history-repo.js';

/**
 * History mode's worker thread (src/workspace/history-pool.ts) must not change a single result:
 * the same findings, commits, skipped list (in the same order, capped at 200) and counts as the
 * main thread alone, also when the worker dies or fails and its blobs are read again from git.
 */
describe('scanHistory with a worker thread', () => {
  const repo = new HistoryRepo('nhi-history-worker-');
  const settings = { ...defaultSettings(), fingerprint: { kind: 'keyed' as const, key: 'history-worker-test-key' } };
  beforeAll(() => {
    for (let c = 0; c < 4; c++) {
      const files: Record<string, string | Buffer> = {};
      for (let f = 0; f < 90; f++) {
        const secret = (f * 7 + c) % 23 === 0 ? `\nconst token = '${fakeGithubToken(200 + c * 100 + f)}';\n` : '';
        files[`src/m${f % 9}/file${f}.ts`] = `// version ${c} of ${f}\n${'export const value = 1;\n'.repeat(40 + f)}${secret}`;
        // Binary blobs: more than the 200 listed one by one, interleaved with the text.
        files[`assets/img${f}.bin`] = Buffer.from([0x89, 0x50, 0, c, f, 1, 2, 3]);
      }
      files['README.md'] = `# docs ${c}\npassword: "Qz8vX2mK7pR4tY9wLb3N"\n`;
      if (c === 2) files['settings.yml'] = 'password: "Qz8vX2mK7pR4tY9wLb3N"\n';
      if (c === 3) files['src/ok.ts'] = `const a = '${fakeGithubToken(999)}'; // nhi-steward:allow\n`;
      repo.commit(`Author${c}`, `2024-02-0${c + 1}T10:00:00Z`, files);
    }
  });
  afterAll(() => repo.cleanup());

  const run = async (parallel: HistoryOptions['parallel']) => {
    const revealed: RevealedSecret[] = [];
    const scan = await scanHistory(repo.dir, { settings, parallel, revealSecrets: (s) => revealed.push(s) });
    const { workers, blobsFromWorkers, ...history } = scan.history;
    const result = { ...scan.result, stats: { ...scan.result.stats, durationMs: 0 } };
    const values = revealed.map((s) => JSON.stringify(s)).sort();
    return { result, history, values, workers, blobsFromWorkers };
  };

  it('gives exactly the main thread\'s results, with most blobs scanned by the worker', async () => {
    const alone = await run({ workers: 0 });
    const shared = await run({ workers: 1, startAfterBytes: 0 });
    expect(alone.workers).toBe(0);
    expect(shared.workers).toBe(1);
    expect(shared.blobsFromWorkers).toBeGreaterThan(0);
    expect(alone.result.findings.filter((f) => f.rule.startsWith('secret/')).length).toBeGreaterThan(10);
    expect(alone.result.skipped.some((s) => s.reason === 'limit')).toBe(true);
    expect(shared.result).toEqual(alone.result);
    expect(shared.history).toEqual(alone.history);
    expect(shared.values).toEqual(alone.values);
    expect(shared.values.length).toBeGreaterThan(0);
  });

  it('a worker that dies, one that fails every batch, and one that cannot start change nothing: their blobs are read again and scanned here', async () => {
    const alone = await run({ workers: 0 });
    for (const workerUrl of [new URL('../support/history-workers/exits.mjs', import.meta.url), new URL('../support/history-workers/fails.mjs', import.meta.url), new URL('../support/history-workers/absent.mjs', import.meta.url)]) {
      const broken = await run({ workers: 1, startAfterBytes: 0, workerUrl });
      expect(broken.blobsFromWorkers, workerUrl.pathname).toBe(0);
      expect(broken.result, workerUrl.pathname).toEqual(alone.result);
      expect(broken.history).toEqual(alone.history);
      expect(broken.values).toEqual(alone.values);
    }
  });
});
