/**
 * A repository's own `.gitattributes` must not hide what a change adds. `binary` or `-diff` makes
 * git print "Binary files differ" for a text file, with no lines: a pull request adding `* -diff`
 * used to pass `scan --diff` (and the Action's PR diff) with a token in it, and the per-commit
 * scan saw nothing either. Real git throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/core/types.js';
import { scanCommitRange } from '../../../src/workspace/commits.js';
import { fakeGithubToken } from '../../support/cli/run-cli.js';
import { runInProcess } from '../../support/cli/run-in-process.js';
import { HistoryRepo } from '../../support/history-repo.js';

const [OLD, HIDDEN, TRANSIENT] = [fakeGithubToken(701), fakeGithubToken(702), fakeGithubToken(703)];

describe('.gitattributes that mark text as binary', () => {
  const repo = new HistoryRepo('nhi-gitattributes-');
  const shas: Record<string, string> = {};
  beforeAll(() => {
    shas.base = repo.commit('Base', '2024-07-01T10:00:00Z', { 'config.js': `export const old = '${OLD}';\n` });
    repo.git('checkout', '-q', '-b', 'pr');
    shas.hide = repo.commit('Mallory', '2024-07-02T10:00:00Z', {
      '.gitattributes': '* -diff\n*.png binary\n',
      'config.js': `export const old = '${OLD}';\nexport const token = '${HIDDEN}';\n`,
      'logo.png': `key = "${TRANSIENT}"\n`, // text under an image's name
    });
    shas.clean = repo.commit('Mallory', '2024-07-03T10:00:00Z', { 'logo.png': 'not an image\n' });
    expect(repo.git('diff', shas.base, shas.hide, '--', 'config.js')).toContain('Binary files');
  });
  afterAll(() => repo.cleanup());

  it('scan --diff judges the lines the change added to them, not the lines they held before', async () => {
    const run = await runInProcess(['scan', repo.dir, '--diff', shas.base, '-f', 'json']);
    expect(run.code).toBe(1);
    const found = (JSON.parse(run.stdout).findings as { file: string; line: number; rule: string }[]).filter((f) => f.rule.startsWith('secret/'));
    expect(found.map((f) => [f.file, f.line])).toEqual([['config.js', 2]]);
    for (const secret of [OLD, HIDDEN, TRANSIENT]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('the per-commit scan names the commit for each, even a token added to an "image" and removed in the next commit', async () => {
    const secrets = await scanCommitRange(repo.dir, { base: shas.base, head: shas.clean }, defaultSettings());
    expect(secrets.findings().map((f) => [f.file, f.line, f.commit?.sha]).sort()).toEqual([
      ['config.js', 2, shas.hide],
      ['logo.png', 1, shas.hide],
    ]);
  });
});

describe('.gitignore rules for files the change commits', () => {
  const repo = new HistoryRepo('nhi-gitignore-tracked-');
  const TOKEN = fakeGithubToken(704);
  let base = '';
  beforeAll(() => {
    base = repo.commit('Base', '2024-08-01T10:00:00Z', { 'README.md': '# app\n' });
    repo.commit('Mallory', '2024-08-02T10:00:00Z', { '.gitignore': 'deploy.env\n' });
    // `git add -A` leaves an ignored file out: add it as `git add -f` does.
    repo.commit('Mallory', '2024-08-03T10:00:00Z', { 'deploy.env': `GITHUB_TOKEN=${TOKEN}\n` });
    repo.git('add', '-f', 'deploy.env');
    repo.git('commit', '-q', '-m', 'force-add');
  });
  afterAll(() => repo.cleanup());

  it('a tracked file that .gitignore matches is scanned by --diff and by a tree scan', async () => {
    expect(repo.git('ls-files')).toContain('deploy.env');
    for (const args of [['--diff', base], []]) {
      const run = await runInProcess(['scan', repo.dir, ...args, '-f', 'json']);
      expect(run.code).toBe(1);
      expect((JSON.parse(run.stdout).findings as { file: string }[]).map((f) => f.file)).toEqual(['deploy.env']);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
    }
  });
});
