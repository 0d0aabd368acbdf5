/**
 * README claim "a check run always concludes": a PR with 2,000 findings whose summary is
 * non-ASCII gets a concluded check run from a double that enforces GitHub's limits in bytes, and
 * a check run whose final update GitHub refuses still concludes (with a short failure summary).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_TEXT_LIMIT_BYTES } from '../../../src/core/report/limits.js';
import { defaultSettings } from '../../../src/core/types.js';
import { withCheckRun } from '../../../src/github/check-run.js';
import { runPullRequestCheck } from '../../../src/github/pull-request-job.js';
import { checksClient } from '../../support/checks-client.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { fakeGitHubToken } from '../../support/tokens.js';

const REPO = 'acme/payments';
let double: GitHubDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

describe('check runs always conclude', () => {
  it('a PR with 2,000 findings and a non-ASCII summary gets a concluded run within the byte limits', { timeout: 120_000 }, async () => {
    double = await startGitHubDouble({ seed: { repos: [{ repo: REPO, files: { 'README.md': '# payments\n' } }] } });
    // 20 files of 100 tokens each, in folders whose names are Cyrillic and CJK (2-3 bytes a character).
    const files: Record<string, string> = {};
    for (let f = 0; f < 20; f++) {
      const lines = Array.from({ length: 100 }, (_, i) => `export const ключ_${i} = '${fakeGitHubToken(f * 100 + i)}';`);
      files[`src/конфигурация-секретов/設定ファイル-${f}.ts`] = lines.join('\n') + '\n';
    }
    const head = double.state.push(REPO, { branch: 'feature/many', files });
    const pull = double.state.openPull(REPO, { head: 'feature/many', title: 'many' });
    const result = await runPullRequestCheck({
      client: checksClient(double),
      repo: { owner: 'acme', repo: 'payments' },
      pull: { number: pull.number, headSha: head, baseSha: pull.pull!.baseSha, author: 'octocat' },
      settings: defaultSettings(),
    });
    expect(result.analysis.result.findings.filter((f) => f.rule.startsWith('secret/')).length).toBeGreaterThanOrEqual(2000);
    const runs = [...double.state.repo(REPO).checkRuns.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0].annotations.length).toBeGreaterThanOrEqual(2000);
    const summary = runs[0].output.summary ?? '';
    // The full report is far over the limit in bytes: it was cut at a row, by bytes.
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(CHECK_TEXT_LIMIT_BYTES);
    expect(Buffer.byteLength(summary)).toBeGreaterThan(CHECK_TEXT_LIMIT_BYTES - 2_000);
    expect(summary).toContain('more row(s) not shown');
    expect(summary).toContain('конфигурация-секретов');
    double.assertNoViolations();
  });

  it('when GitHub refuses the final update, the run still concludes with a short failure summary', async () => {
    double = await startGitHubDouble({ seed: { repos: [{ repo: REPO, files: { 'README.md': '# payments\n' } }] } });
    const head = double.state.repo(REPO).git.refs.get('refs/heads/main')!;
    // An annotation GitHub refuses (columns across lines): a bug of ours must not leave the run in progress.
    const bad = { path: 'README.md', start_line: 1, end_line: 2, start_column: 1, end_column: 3, annotation_level: 'failure' as const, title: 't', message: 'm' };
    await expect(withCheckRun(checksClient(double), { owner: 'acme', repo: 'payments' }, head, async () => ({ conclusion: 'success', title: 'ok', summary: 'fine', annotations: [bad] }))).rejects.toMatchObject({ status: 422 });
    const [run] = [...double.state.repo(REPO).checkRuns.values()];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.output.title).toBe('nhi-steward could not complete the check');
    expect(run.output.summary).toContain('start_column and end_column');
  });
});
