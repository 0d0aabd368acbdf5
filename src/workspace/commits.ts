import { CommitSecrets } from '../core/commits.js';
import type { CommitRef, ScanSettings, SecretSink } from '../core/types.js';
import { readPatch } from '../github/patch.js';
import { UsageError } from './errors.js';
import { unquoteGitPath } from './git.js';
import { gitLines, gitOutput } from './git-objects.js';

/**
 * Each commit of `base..head`, oldest first, from `git log -p`: every changed text file's hunks
 * (added lines and their context, at their real line numbers, via the shared patch reader) go
 * through the secrets engine with only that commit's added lines judged. Streamed: one file's
 * hunks are held at a time, and a file's patch over max-file-size is skipped. Paths are relative to
 * `dir` (`--relative`), and only files under it count, as in a folder scan.
 */
export async function scanCommitRange(dir: string, range: { base: string; head: string }, settings: ScanSettings, revealSecrets?: SecretSink): Promise<CommitSecrets> {
  for (const sha of [range.base, range.head]) if (!/^[0-9a-f]{7,64}$/i.test(sha)) throw new UsageError(`not a commit id: "${sha}"`);
  const secrets = new CommitSecrets(settings, revealSecrets);
  const args = ['log', '--reverse', '-p', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '--relative', '--format=%x01%H %aI %an', `${range.base}..${range.head}`, '--'];
  let commit: CommitRef | undefined;
  let path: string | undefined;
  let hunks: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (commit && path !== undefined && hunks.length > 0 && bytes <= settings.maxFileSize) {
      const view = readPatch(hunks.join('\n'));
      if (view.addedLines.size > 0) secrets.addFile(commit, { path, content: view.sparseContent, addedLines: view.addedLines });
    }
    path = undefined;
    hunks = [];
    bytes = 0;
  };
  let failure: string | undefined;
  for await (const line of gitLines(dir, args, (message) => (failure = message))) {
    if (line.startsWith('\u0001')) {
      flush();
      const [sha, date] = line.slice(1).split(' ', 2);
      commit = { sha, date, author: line.slice(1 + sha.length + date.length + 2) };
      secrets.startCommit();
    } else if (line.startsWith('diff --git ')) {
      flush();
    } else if (hunks.length === 0 && line.startsWith('+++ ')) {
      path = line === '+++ /dev/null' ? undefined : stripPrefix(unquoteGitPath(line.slice(4)), 'b/');
    } else if (path !== undefined && (hunks.length > 0 || line.startsWith('@@ '))) {
      bytes += line.length + 1;
      if (bytes <= settings.maxFileSize) hunks.push(line);
    }
  }
  flush();
  if (failure) throw new UsageError(`git log ${range.base.slice(0, 12)}..${range.head.slice(0, 12)} failed: ${failure}`);
  return secrets;
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/**
 * Makes `base..head` walkable in a clone: both commits present and joined by history (a merge
 * base). A shallow clone is deepened from `origin` step by step, starting from `commitsHint` (the
 * PR's or push's commit count), so a full clone is never made shallow and a huge history is not
 * fetched for a small change. False when the range still cannot be walked. `env` carries the
 * clone's credentials (git-clone.ts) when origin needs them.
 */
export async function ensureRange(dir: string, base: string, head: string, commitsHint: number, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const ok = (args: string[]) => gitOutput(dir, args, env).then(() => true, () => false);
  const joined = () => ok(['merge-base', base, head]);
  if ((await ok(['cat-file', '-e', `${head}^{commit}`])) && (await ok(['cat-file', '-e', `${base}^{commit}`])) && (await joined())) return true;
  const shallow = (await gitOutput(dir, ['rev-parse', '--is-shallow-repository'], env).catch(() => 'false')).trim() === 'true';
  if (!shallow) {
    await ok(['fetch', '--no-tags', '--quiet', 'origin', head, base]);
    return joined();
  }
  for (let depth = Math.max(1, commitsHint) + 1; depth <= 1 << 16; depth *= 8) {
    await ok(['fetch', '--no-tags', '--quiet', `--depth=${depth}`, 'origin', head, base]);
    if (await joined()) return true;
  }
  return false;
}
