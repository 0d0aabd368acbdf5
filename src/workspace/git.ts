import { execFile } from 'node:child_process';
import { addedLineNumbers, parseGitDiff, unquoteGitPath } from '../core/diff/unified.js';
import { UsageError } from './errors.js';

/** What a change touched, relative to the scanned folder. */
export interface ChangeSet {
  /** The ref the change is compared with (a commit, or git's empty tree for a first commit). */
  base: string;
  /** Added or modified files → the 1-based lines the change added (and, for --staged, the index content). */
  files: Map<string, ChangedFile>;
  /** Files the change deleted: their base declarations count as removed NHIs. */
  deleted: string[];
  /** Where head content comes from: the working tree (`--diff`) or the index (`--staged`). */
  head: 'worktree' | 'index';
}

export interface ChangedFile {
  /**
   * The 1-based lines the change added; undefined when git saw the change as binary and listed no
   * lines (UTF-16 text, src/core/source.ts `utf16Text`; text that .gitattributes marks `binary` or
   * `-diff`): the scan then compares the file with its base version (scan-dir.ts). A real binary
   * file is skipped.
   */
  addedLines?: Set<number>;
}

/** `git hash-object -t tree /dev/null`: the base of a repository with no commit yet. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function git(dir: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.quotePath=false', ...args], { cwd: dir, encoding: 'buffer', maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.toString('utf8').trim().split('\n')[0] || error.message));
      else resolve(stdout);
    });
  });
}

async function assertRepository(dir: string): Promise<void> {
  await git(dir, ['rev-parse', '--is-inside-work-tree']).catch(() => {
    throw new UsageError(`${dir} is not inside a git work tree (needed by --diff and --staged)`);
  });
}

async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  const out = await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => undefined);
  return out?.toString('utf8').trim() || undefined;
}

const DIFF_ARGS = ['diff', '--no-color', '--no-ext-diff', '--no-renames', '--unified=0', '--relative', '--src-prefix=a/', '--dst-prefix=b/'];

/** `--diff BASE`: tracked files changed between BASE and the working tree. */
export async function changesSince(dir: string, ref: string): Promise<ChangeSet> {
  await assertRepository(dir);
  const base = await resolveCommit(dir, ref);
  if (!base) throw new UsageError(`--diff: unknown git ref "${ref}" (try a branch, tag or commit such as origin/main)`);
  const patch = await git(dir, [...DIFF_ARGS, base, '--']);
  return { base, head: 'worktree', ...parseUnifiedDiff(patch.toString('utf8')) };
}

/** `--staged`: what `git commit` would record, compared with HEAD. */
export async function stagedChanges(dir: string): Promise<ChangeSet> {
  await assertRepository(dir);
  const base = (await resolveCommit(dir, 'HEAD')) ?? EMPTY_TREE;
  const patch = await git(dir, [...DIFF_ARGS, '--cached', base, '--']);
  return { base, head: 'index', ...parseUnifiedDiff(patch.toString('utf8')) };
}

/**
 * A file's bytes at a revision (`rev` = a commit) or in the index (`rev` = ''), by a path relative
 * to `dir`; undefined when it does not exist there.
 */
export async function showFile(dir: string, rev: string, path: string): Promise<Buffer | undefined> {
  return git(dir, ['show', `${rev}:./${path}`]).catch(() => undefined);
}

/**
 * Parses `git diff` output into the lines each file added, with the project's one unified-diff
 * parser (core/diff/unified.ts). Binary changes are kept without a line list (ChangedFile);
 * deleted files (text or binary) are listed apart.
 */
export function parseUnifiedDiff(patch: string): { files: Map<string, ChangedFile>; deleted: string[] } {
  const files = new Map<string, ChangedFile>();
  const deleted: string[] = [];
  for (const file of parseGitDiff(patch)) {
    if (file.status === 'deleted') {
      if (file.oldPath !== undefined) deleted.push(file.oldPath);
    } else if (file.newPath !== undefined) {
      files.set(file.newPath, file.binary ? {} : { addedLines: addedLineNumbers(file.hunks) });
    }
  }
  return { files, deleted };
}

/**
 * Where `dir` sits in its git work tree: the top-level folder and `dir`'s path from it (POSIX,
 * '' at the top, else ending in '/'); undefined outside a work tree. SARIF uses it so a sub-folder
 * scan still reports paths relative to the repository root, as code scanning expects.
 */
export async function workTreeOf(dir: string): Promise<{ top: string; prefix: string } | undefined> {
  const out = await git(dir, ['rev-parse', '--show-toplevel', '--show-prefix']).catch(() => undefined);
  if (!out) return undefined;
  const [top, prefix = ''] = out.toString('utf8').split('\n');
  return top ? { top, prefix } : undefined;
}

/** git's C-quoted path form (`core.quotePath`), decoded; shared with history mode. */
export { unquoteGitPath };
