import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UsageError } from '../workspace/errors.js';

const exec = promisify(execFile);

export interface PullShas {
  headSha: string;
  baseSha: string;
}

/** Either a base commit present in the checkout to diff the working tree against, or why not. */
export type DiffBase = { base: string } | { reason: string };

async function git(dir: string, args: string[]): Promise<string | undefined> {
  return exec('git', args, { cwd: dir }).then(
    (r) => r.stdout.trim(),
    () => undefined,
  );
}

/**
 * What to diff the checked-out tree against, so that exactly the PR's changes are judged.
 * - HEAD is the PR head (checkout with `ref: head.sha`): the PR's base.
 * - HEAD is GitHub's merge commit (actions/checkout's default `refs/pull/N/merge`, parents
 *   base-tip and head): its first parent. The payload's base sha can be older than the tip the
 *   merge was made on, and diffing against it would blame the PR for what landed on the base since.
 * - Anything else (pull_request_target checks out the base; a stale or unrelated checkout): the
 *   workspace does not hold the PR's code, so the caller must use the API's PR files.
 * A base missing from a shallow checkout is fetched from origin by sha.
 */
export async function diffBase(dir: string, pull: PullShas): Promise<DiffBase> {
  const head = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (!head) return { reason: 'The workspace is not a git checkout' };
  let base: string;
  if (head === pull.headSha) base = pull.baseSha;
  else {
    const parents = await parentsOf(dir, head);
    if (parents.length !== 2 || parents[1] !== pull.headSha) {
      return { reason: `The checkout (${head.slice(0, 12)}) is neither the PR head ${pull.headSha.slice(0, 12)} nor its merge commit` };
    }
    base = parents[0];
  }
  if (await ensureCommit(dir, base)) return { base };
  return { reason: `Base commit ${base.slice(0, 12)} is not in the checkout and could not be fetched` };
}

/** Parents as recorded in the commit object: present even when a shallow clone grafted them away. */
async function parentsOf(dir: string, sha: string): Promise<string[]> {
  const raw = (await git(dir, ['cat-file', 'commit', sha])) ?? '';
  const header = raw.split('\n\n')[0];
  return header
    .split('\n')
    .filter((line) => line.startsWith('parent '))
    .map((line) => line.slice('parent '.length));
}

async function ensureCommit(dir: string, sha: string): Promise<boolean> {
  const has = async () => (await git(dir, ['cat-file', '-e', `${sha}^{commit}`])) !== undefined;
  if (await has()) return true;
  // Keep a full clone full: --depth on a complete repository would make it shallow.
  const shallow = (await git(dir, ['rev-parse', '--is-shallow-repository'])) === 'true';
  await git(dir, ['fetch', '--no-tags', '--quiet', ...(shallow ? ['--depth=1'] : []), 'origin', sha]);
  return has();
}

/**
 * Reads repository files as they are in commit `rev` (paths relative to `dir`), for the settings a
 * pull request must not change: its config, baseline and ignore files come from the base commit
 * (docs/security.md). A file that is a symbolic link there is refused, not followed.
 */
export function commitReader(dir: string, rev: string): (path: string) => Promise<string | undefined> {
  return async (path) => {
    const entry = await git(dir, ['ls-tree', rev, '--', `./${path}`]);
    if (!entry) return undefined;
    if (entry.startsWith('120000 ')) throw new UsageError(`refusing ${path} in the base commit: it is a symbolic link`);
    if (!/^100(?:644|755) blob /.test(entry)) return undefined;
    const text = await exec('git', ['show', `${rev}:./${path}`], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).then(
      (r) => r.stdout,
      () => undefined,
    );
    return text;
  };
}
