import { execFile } from 'node:child_process';
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
  addedLines: Set<number>;
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
 * Parses `git diff --unified=0` output into the lines each file added. Hunk headers say
 * `@@ -a,b +c,d @@`: the new side's lines c … c+d-1 are added (d defaults to 1; d = 0 adds none).
 */
export function parseUnifiedDiff(patch: string): { files: Map<string, ChangedFile>; deleted: string[] } {
  const files = new Map<string, ChangedFile>();
  const deleted: string[] = [];
  let current: ChangedFile | undefined;
  let oldPath: string | undefined;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      // Until a `+++` line names it, use the header (binary diffs have no `+++`).
      const path = headerPath(line.slice('diff --git '.length));
      current = { addedLines: new Set() };
      oldPath = undefined;
      if (path !== undefined) files.set(path, current);
    } else if (line.startsWith('--- ') && current) {
      oldPath = line === '--- /dev/null' ? undefined : stripPrefix(unquote(line.slice(4)), 'a/');
    } else if (line.startsWith('+++ ') && current) {
      for (const [key, value] of files) if (value === current) files.delete(key);
      if (line === '+++ /dev/null') {
        if (oldPath !== undefined) deleted.push(oldPath);
        current = undefined;
      } else {
        files.set(stripPrefix(unquote(line.slice(4)), 'b/'), current);
      }
    } else if (line.startsWith('@@ ') && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let n = start; n < start + count; n++) current.addedLines.add(n);
    } else if (line.startsWith('deleted file mode') && current) {
      // A deleted binary file has no ---/+++ lines: recover its path from the map.
      for (const [key, value] of files) {
        if (value === current) {
          files.delete(key);
          deleted.push(key);
        }
      }
      current = undefined;
    }
  }
  return { files, deleted };
}

/** `a/P b/P` (no renames, so both sides are the same path), possibly quoted. */
function headerPath(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*")/.exec(rest);
    return m ? stripPrefix(unquote(m[1]), 'a/') : undefined;
  }
  const half = (rest.length - 1) / 2;
  if (!Number.isInteger(half) || rest[half] !== ' ') return undefined;
  return stripPrefix(rest.slice(0, half), 'a/');
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', a: '\u0007', b: '\b', f: '\f', r: '\r', v: '\v' };

/** git C-quotes paths with unusual characters: "a/tab\there" and octal UTF-8 bytes "\303\251". */
function unquote(path: string): string {
  const trimmed = path.replace(/\t$/, '');
  if (!trimmed.startsWith('"') || !trimmed.endsWith('"')) return trimmed;
  const bytes: number[] = [];
  const body = trimmed.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(C_ESCAPES[next] ?? next, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
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
export { unquote as unquoteGitPath };
