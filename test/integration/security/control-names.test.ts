/**
 * A file whose name holds control characters used to be an `invalid-path` skip in tree and change
 * scans: a change could add `deploy\u0001.env` with a token and pass, since a skip fails no check.
 * Such files are scanned now, and every report shows their names escaped. Real files, real git.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../../support/cli/run-cli.js';
import { runInProcess } from '../../support/cli/run-in-process.js';
import { HistoryRepo } from '../../support/history-repo.js';

const TOKEN = fakeGithubToken(711);
const NAME = 'deploy\u0001\u001b[1A\u001b[2K\n.env';

describe('file names with control characters', () => {
  const repo = new HistoryRepo('nhi-control-names-');
  let base = '';
  beforeAll(() => {
    base = repo.commit('Base', '2024-09-01T10:00:00Z', { 'README.md': '# app\n' });
    repo.commit('Mallory', '2024-09-02T10:00:00Z', { [NAME]: `GITHUB_TOKEN=${TOKEN}\n` });
  });
  afterAll(() => repo.cleanup());

  it('a tree scan and --diff report the secret, naming the file exactly in JSON', async () => {
    for (const args of [[], ['--diff', base]]) {
      const run = await runInProcess(['scan', repo.dir, ...args, '-f', 'json']);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { findings: { file: string; line: number; rule: string }[]; skipped: unknown[] };
      expect(report.findings.map((f) => [f.file, f.line, f.rule])).toEqual([[NAME, 1, 'secret/github-classic-pat']]);
      expect(report.skipped).toEqual([]);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
    }
  });

  it('the text, Markdown and SARIF reports show the name escaped: no control character reaches them', async () => {
    for (const format of ['text', 'markdown', 'sarif']) {
      const run = await runInProcess(['scan', repo.dir, '-f', format, '--no-color']);
      expect(run.code).toBe(1);
      expect(run.stdout).not.toMatch(/[\u0001\u001b]/);
      expect(run.stdout).not.toContain(TOKEN);
      if (format === 'sarif') expect(run.stdout).toContain('deploy%01%1B%5B1A%1B%5B2K%0A.env');
      else expect(run.stdout).toContain('deploy\\u0001\\u001b[1A\\u001b[2K\\n.env');
    }
  });
});
