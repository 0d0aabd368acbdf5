import { mergeCommitSecrets } from '../core/commits.js';
import type { ScanResult, ScanSettings, SecretSink } from '../core/types.js';
import { ensureRange, scanCommitRange } from '../workspace/commits.js';
import { withClone } from '../workspace/git-clone.js';

/**
 * Where the App reads a repository's commits: git's smart HTTP endpoint with the installation
 * token (docs/history.md). Reading commits through git costs no REST API calls, so a clean PR
 * makes exactly the calls it made before.
 */
export interface CommitAccess {
  cloneUrl: string;
  token?: string;
  /** `https://github.com/owner/repo`, for commit permalinks. */
  htmlUrl: string;
  /** Disk cap of the temporary clone. */
  maxBytes?: number;
  tempRoot?: string;
}

export interface CommitRangeScan {
  result: ScanResult;
  /** Commits scanned one by one (0 when they could not be read). */
  commits: number;
  /** A line for the summary: how the commits were checked, or why they could not be. */
  note: string;
}

/**
 * Scans each commit of `base..head` (its added lines) and joins the secrets with the net result:
 * a secret added and removed within the range is reported, naming the commit. A range that
 * cannot be read leaves the net result as it was and says so in `note`.
 */
export async function withRangeCommits(
  net: ScanResult,
  access: CommitAccess,
  range: { base: string; head: string; count: number },
  scope: 'pull request' | 'push',
  settings: ScanSettings,
  /** Live verification only (`verify: on`): receives the reported secrets' values. */
  revealSecrets?: SecretSink,
): Promise<CommitRangeScan> {
  try {
    return await withClone({ url: access.cloneUrl, token: access.token, refspecs: [range.head, range.base], depth: range.count + 1, maxBytes: access.maxBytes, tempRoot: access.tempRoot }, async (dir, env) => {
      if (!(await ensureRange(dir, range.base, range.head, range.count, env))) {
        return { result: net, commits: 0, note: `The ${scope}'s commits could not be read from git (no common history between ${range.base.slice(0, 7)} and ${range.head.slice(0, 7)}): only the net change was checked.` };
      }
      const secrets = await scanCommitRange(dir, { base: range.base, head: range.head }, settings, revealSecrets);
      const result = mergeCommitSecrets(net, secrets.findings(), { scope, commitUrl: (sha) => `${access.htmlUrl}/commit/${sha}` });
      return { result, commits: secrets.commits, note: `Each of the ${secrets.commits} commit(s) in this ${scope} was checked for secrets, not only the net change.` };
    });
  } catch (error) {
    return { result: net, commits: 0, note: `The ${scope}'s commits could not be read from git (${(error as Error).message}): only the net change was checked.` };
  }
}
