import { mergeHistory } from '../core/commits.js';
import type { ScanResult, ScanSettings, SecretSink } from '../core/types.js';
import { gitOutput } from '../workspace/git-objects.js';
import { withClone } from '../workspace/git-clone.js';
import { gitOutputNote, scanHistory, type HistoryStats } from '../workspace/history.js';
import type { GitHubClient, RepoRef } from './client.js';
import { tokenOf, type CommitAccess } from './pr-commits.js';

export interface RepositoryHistory {
  result: ScanResult;
  history?: HistoryStats;
  /** One line for logs and replies. */
  note: string;
}

/** Open pull requests whose heads are scanned with the default branch; more are left out (and said). */
const MAX_PULL_HEADS = 100;

/**
 * The App's history scan (docs/history.md): the default branch and the heads of open pull
 * requests are cloned over git's smart HTTP protocol into a temporary folder (bounded, removed
 * after), every unique blob is scanned once, and the findings join the tree scan's: a secret the
 * tree still holds gains its introducing commit, one removed since is added. A clone that fails
 * leaves the tree result and says why.
 */
export async function withRepositoryHistory(
  tree: ScanResult,
  client: GitHubClient,
  repo: RepoRef,
  access: CommitAccess,
  defaultBranch: string,
  settings: ScanSettings,
  /** Live verification only (`verify: on`): receives the reported secrets' values. */
  revealSecrets?: SecretSink,
): Promise<RepositoryHistory> {
  try {
    const pulls = await client.request('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'open', per_page: MAX_PULL_HEADS });
    const heads = (pulls.data as { number: number; head: { sha: string } }[]).filter((p) => /^[0-9a-f]{40,64}$/.test(p.head.sha));
    const branch = defaultBranch.replace(/^refs\/heads\//, '');
    const refspecs = [`+refs/heads/${branch}:refs/heads/${branch}`, ...heads.map((p) => `+${p.head.sha}:refs/pull/${p.number}/head`)];
    return await withClone({ url: access.cloneUrl, token: await tokenOf(access), refspecs, maxBytes: access.maxBytes, tempRoot: access.tempRoot }, async (dir) => {
      await gitOutput(dir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
      const { result, history } = await scanHistory(dir, { settings, revealSecrets });
      const more = heads.length >= MAX_PULL_HEADS ? ` (only the first ${MAX_PULL_HEADS} open pull requests)` : '';
      const fallback = gitOutputNote(history);
      return {
        result: mergeHistory(tree, result),
        history,
        note: `history: ${history.commits} commit(s) (\`${branch}\` and ${heads.length} open pull request head(s)${more}), ${history.blobs} unique blob(s) scanned; ${result.findings.length} secret(s) found in history${fallback ? ` (${fallback})` : ''}`,
      };
    });
  } catch (error) {
    return { result: tree, note: `history could not be scanned: ${(error as Error).message}` };
  }
}
