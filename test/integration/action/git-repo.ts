/**
 * Real git repositories for the Action tests, the way a runner sees them: a bare `origin` in one
 * temp folder, and a workspace (full or `--depth 1` clone of the PR head) in another, so that
 * `git fetch origin <sha>` from the workspace goes through git's real transport.
 */
import { execFileSync } from 'node:child_process';
import type { GitObject } from '../../support/github-double/git.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Files = Record<string, string | null>;

export interface TestRepo {
  /** GITHUB_WORKSPACE: a clone with the head branch checked out. */
  workspace: string;
  /** The bare repository the workspace's `origin` points at. */
  origin: string;
  baseSha: string;
  headSha: string;
  /** With `mergeAfter`: the base branch's new tip, and GitHub's merge commit (checked out). */
  baseTip?: string;
  mergeSha?: string;
  cleanup(): void;
}

export interface RepoOptions {
  /** The default branch's files (the PR base). */
  base: Files;
  /** Changes on the head branch (`null` deletes). No head branch when absent. */
  head?: Files;
  /** `git clone --depth 1` of the head, as actions/checkout does by default: the base is not there. */
  shallow?: boolean;
  /**
   * The base branch moves on after the PR opened (these files land on it), and the workspace is
   * GitHub's merge commit `refs/pull/<n>/merge` fetched with --depth 1, as actions/checkout does
   * for pull_request events by default.
   */
  mergeAfter?: { files: Files; pullNumber: number };
  /** Check out the base branch instead of the head (pull_request_target). */
  checkoutBase?: boolean;
}

/** Git with a fixed identity and clock, and nothing from the caller's git environment. */
export function git(cwd: string, args: string[]): string {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z' };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function writeFiles(root: string, files: Files): void {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    if (content === null) rmSync(abs, { force: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
}

function commitAll(dir: string, message: string): string {
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}

export function makeRepo(options: RepoOptions): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'nhi-action-repo-'));
  const origin = join(root, 'origin.git');
  const author = join(root, 'author');
  const workspace = join(root, 'workspace');
  git(root, ['init', '-q', '--bare', '-b', 'main', origin]);
  git(root, ['init', '-q', '-b', 'main', author]);
  writeFiles(author, options.base);
  const baseSha = commitAll(author, 'base');
  git(author, ['push', '-q', origin, 'main']);
  let headSha = baseSha;
  let branch = 'main';
  if (options.head) {
    branch = 'feature';
    git(author, ['checkout', '-q', '-b', branch]);
    writeFiles(author, options.head);
    headSha = commitAll(author, 'head');
    git(author, ['push', '-q', origin, branch]);
  }
  if (options.mergeAfter) {
    const { baseTip, mergeSha } = mergeRef(author, origin, headSha, options.mergeAfter);
    git(root, ['init', '-q', workspace]);
    git(workspace, ['remote', 'add', 'origin', `file://${origin}`]);
    git(workspace, ['fetch', '-q', '--no-tags', '--depth=1', 'origin', `+refs/pull/${options.mergeAfter.pullNumber}/merge:refs/remotes/pull/${options.mergeAfter.pullNumber}/merge`]);
    git(workspace, ['checkout', '-q', '--detach', `refs/remotes/pull/${options.mergeAfter.pullNumber}/merge`]);
    return { workspace, origin, baseSha, headSha, baseTip, mergeSha, cleanup: () => rmSync(root, { recursive: true, force: true }) };
  }
  // file:// makes git honour --depth (a plain local path would hard-link the whole history).
  const depth = options.shallow ? ['--depth', '1'] : [];
  git(root, ['clone', '-q', ...depth, '--branch', options.checkoutBase ? 'main' : branch, `file://${origin}`, workspace]);
  return { workspace, origin, baseSha, headSha, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Main moves on, then GitHub's test merge of the head into main's tip is published as refs/pull/N/merge. */
function mergeRef(author: string, origin: string, headSha: string, after: { files: Files; pullNumber: number }): { baseTip: string; mergeSha: string } {
  git(author, ['checkout', '-q', 'main']);
  writeFiles(author, after.files);
  const baseTip = commitAll(author, 'base moves on');
  git(author, ['push', '-q', origin, 'main']);
  git(author, ['merge', '-q', '--no-ff', '-m', `Merge ${headSha} into ${baseTip}`, headSha]);
  const mergeSha = git(author, ['rev-parse', 'HEAD']);
  git(author, ['push', '-q', origin, `HEAD:refs/pull/${after.pullNumber}/merge`]);
  return { baseTip, mergeSha };
}

/** True when `sha` is a commit object in the repository at `dir`. */
export function hasCommit(dir: string, sha: string): boolean {
  try {
    git(dir, ['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** Git's own encoding of an object's body; hashing it gives the double's sha back. */
function encode(object: GitObject): { type: string; body: Buffer } {
  if (object.type === 'blob') return { type: 'blob', body: object.content };
  if (object.type === 'tree') {
    return { type: 'tree', body: Buffer.concat(object.entries.map((e) => Buffer.concat([Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]))) };
  }
  const stamp = (p: { name: string; email: string; date: string }) => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;
  const lines = [`tree ${object.tree}`, ...object.parents.map((p) => `parent ${p}`), `author ${stamp(object.author)}`, `committer ${stamp(object.committer)}`, '', object.message];
  return { type: 'commit', body: Buffer.from(lines.join('\n')) };
}

/**
 * The repository exactly as the GitHub double holds it (same object ids), with an `origin` that
 * holds only `branch`'s tip (a shallow bare clone): its parents — the PR base — cannot be fetched
 * from there. The workspace is a --depth 1 clone of that tip.
 */
export function mirrorWithShallowOrigin(objects: Map<string, GitObject>, branch: string, tip: string): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'nhi-action-mirror-'));
  const mirror = join(root, 'mirror');
  const origin = join(root, 'origin.git');
  const workspace = join(root, 'workspace');
  git(root, ['init', '-q', '--bare', mirror]);
  for (const object of objects.values()) {
    const { type, body } = encode(object);
    const sha = execFileSync('git', ['hash-object', '-w', '-t', type, '--stdin'], { cwd: mirror, input: body, encoding: 'utf8' }).trim();
    if (sha !== object.sha) throw new Error(`mirror: ${type} ${object.sha} re-hashed to ${sha}`);
  }
  git(mirror, ['update-ref', `refs/heads/${branch}`, tip]);
  git(root, ['clone', '-q', '--bare', '--depth', '1', '--branch', branch, `file://${mirror}`, origin]);
  git(root, ['clone', '-q', '--depth', '1', '--branch', branch, `file://${origin}`, workspace]);
  const baseSha = git(mirror, ['rev-parse', `${tip}^`]);
  return { workspace, origin, baseSha, headSha: tip, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
