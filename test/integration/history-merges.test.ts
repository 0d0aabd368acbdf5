import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/core/types.js';
import { scanHistory } from '../../src/workspace/history.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { gitEnvFor, HistoryRepo, runGit } from '../support/history-repo.js';

const FROM_BRANCH = fakeGithubToken(201);
const RESOLUTION = fakeGithubToken(202);
const OCTOPUS = fakeGithubToken(203);
const MOVED = fakeGithubToken(204);

/**
 * Merges in history mode (docs/history.md): the attribution walk lists a merge's combined diff,
 * i.e. what differs from every parent. A secret that came from a branch belongs to the branch's
 * commit, not to the merge that brought it over; one a merge created itself (a conflict
 * resolution, a file added in the merge, a blob moved to a path of another profile) belongs to
 * the merge. All in one real repository, with a real conflict and a real octopus merge.
 */
describe('scanHistory: merges', () => {
  const repo = new HistoryRepo('nhi-history-merges-');
  const shas: Record<string, string> = {};
  /** `git merge` as `author` at `date`; `finish` edits the tree of a merge left open (`--no-commit`, or a conflict) before it is committed. */
  const merge = (author: string, date: string, branches: string[], finish?: () => void): string => {
    const env = gitEnvFor(repo.dir, author, date);
    try {
      runGit(repo.dir, ['merge', '-q', '--no-ff', '--no-commit', ...branches], env);
    } catch {
      // A conflict: finish() resolves it.
    }
    finish?.();
    runGit(repo.dir, ['add', '-A'], env);
    runGit(repo.dir, ['commit', '-q', '-m', `merge ${branches.join(' ')}`], env);
    return repo.git('rev-parse', 'HEAD');
  };
  const write = (path: string, content: string) => writeFileSync(join(repo.dir, path), content);

  beforeAll(() => {
    shas.base = repo.commit('Alice', '2024-01-01T00:00:00Z', { 'conf.txt': 'value=0\n', 'README.md': '# merges\n' });
    // A secret committed on a branch, then merged (no fast-forward).
    repo.git('checkout', '-q', '-b', 'feature');
    shas.feature = repo.commit('Bob', '2024-01-02T00:00:00Z', { 'src/feature.ts': `const k = '${FROM_BRANCH}';\n` });
    repo.git('checkout', '-q', 'main');
    shas.mainWork = repo.commit('Alice', '2024-01-03T00:00:00Z', { 'src/main.ts': 'export {};\n' });
    shas.mergeFeature = merge('Carol', '2024-01-04T00:00:00Z', ['feature']);
    // A conflict whose resolution writes a secret neither side had.
    repo.git('checkout', '-q', '-b', 'left');
    repo.commit('Dave', '2024-01-05T00:00:00Z', { 'conf.txt': 'value=1\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('Eve', '2024-01-06T00:00:00Z', { 'conf.txt': 'value=2\n' });
    shas.resolution = merge('Frank', '2024-01-07T00:00:00Z', ['left'], () => write('conf.txt', `token=${RESOLUTION}\n`));
    // An octopus merge of two branches that adds a file of its own.
    repo.git('checkout', '-q', '-b', 'o1');
    repo.commit('Grace', '2024-01-08T00:00:00Z', { 'one.ts': 'export const one = 1;\n' });
    repo.git('checkout', '-q', 'main');
    repo.git('checkout', '-q', '-b', 'o2');
    repo.commit('Heidi', '2024-01-09T00:00:00Z', { 'two.ts': 'export const two = 2;\n' });
    repo.git('checkout', '-q', 'main');
    shas.octopus = merge('Ivan', '2024-01-10T00:00:00Z', ['o1', 'o2'], () => write('evil.ts', `const e = '${OCTOPUS}';\n`));
    // A branch keeps a token under an ignored path; the merge copies the same bytes to a scanned one.
    repo.git('checkout', '-q', '-b', 'fixtures');
    shas.fixture = repo.commit('Judy', '2024-01-11T00:00:00Z', { 'fixtures/token.txt': `token=${MOVED}\n` });
    repo.git('checkout', '-q', 'main');
    shas.moved = merge('Mallory', '2024-01-12T00:00:00Z', ['fixtures'], () => write('src-token.txt', `token=${MOVED}\n`));
  });
  afterAll(() => repo.cleanup());

  it('attributes each secret to the commit that brought it in: the branch commit, or the merge that created it', async () => {
    const { result, history } = await scanHistory(repo.dir, { settings: defaultSettings({ pathsIgnore: ['fixtures/**'] }) });
    expect(history.commits).toBe(12);
    const secrets = result.findings.filter((f) => f.rule.startsWith('secret/'));
    expect(secrets.map((f) => ({ file: f.file, sha: f.commit?.sha, author: f.commit?.author, others: f.otherLocations, presentAtHead: f.presentAtHead }))).toEqual([
      // Listed once, at the branch commit: the merge that brought it over is not another place.
      { file: 'src/feature.ts', sha: shas.feature, author: 'Bob', others: undefined, presentAtHead: true },
      { file: 'conf.txt', sha: shas.resolution, author: 'Frank', others: undefined, presentAtHead: true },
      { file: 'evil.ts', sha: shas.octopus, author: 'Ivan', others: undefined, presentAtHead: true },
      // The blob was first listed under the ignored fixtures/ path: scanned again under the path the merge gave it.
      { file: 'src-token.txt', sha: shas.moved, author: 'Mallory', others: undefined, presentAtHead: true },
    ]);
    expect(runGit(repo.dir, ['rev-list', '--parents', '-n', '1', shas.octopus]).split(' ')).toHaveLength(4);
    for (const secret of [FROM_BRANCH, RESOLUTION, OCTOPUS, MOVED]) expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('without the ignore, the moved token is one finding at the branch commit, the merge listed as another place', async () => {
    const { result } = await scanHistory(repo.dir, { settings: defaultSettings() });
    const moved = result.findings.find((f) => f.commit?.sha === shas.fixture);
    expect(moved?.file).toBe('fixtures/token.txt');
    expect(moved?.otherLocations).toEqual([{ file: 'src-token.txt', line: 1, commit: shas.moved }]);
  });
});
