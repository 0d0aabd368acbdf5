import { spawnSync } from 'node:child_process';
import { readdirSync, realpathSync, statSync, lstatSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { isIgnored } from '../core/scan.js';
import type { SourceItem } from '../core/scan.js';
import { readSourceFile, scanFileInPieces, skipped } from '../core/parallel/read-file.js';
import type { FileRef } from '../core/parallel/tree-pool.js';
import type { ScanSettings, Skipped } from '../core/types.js';
import { errnoCode } from './errors.js';
import { gitEnv } from './git-objects.js';
import { GitignoreMatcher } from './gitignore.js';

/** Never worth scanning and often huge: skipped without a report, as documented in the README. */
export const DEFAULT_SKIPPED_FOLDERS = ['.git', 'node_modules'];

export interface WalkOptions {
  settings: Pick<ScanSettings, 'maxFileSize' | 'pathsIgnore'>;
  /** Honour .gitignore files and .git/info/exclude (default true). */
  gitignore?: boolean;
  /**
   * walkTree: a file over max-file-size is read in pieces for secrets with these settings, as a
   * tree scan's pool does (src/core/secrets/pieces.ts). None: its `too-large` skip as it is (the
   * change modes read such a file themselves, with its added lines).
   */
  largeFiles?: ScanSettings;
}

/**
 * Yields every file under `root` as a SourceFile, or a Skipped record saying why not: too large,
 * binary, unreadable, not a regular file, a symlink loop, or a link leaving the root. Never throws
 * for a single bad entry. Paths are POSIX and relative to `root`; the order is sorted, so reports
 * are deterministic.
 *
 * Symbolic links: a link whose real path is outside the root is never read and is listed as
 * `invalid-path` (a committed link must not make us report files elsewhere on the machine, nor
 * walk `/proc/self`). A link to a file inside the root is read; a link to a folder is not
 * followed (its files are scanned at their real path), and a link to one of its own parent
 * folders is listed as `symlink-loop`.
 *
 * Reads are synchronous (src/core/parallel/read-file.ts: open, read to the end, close per file): on
 * one core they keep the CPU busy, where an async stat then readFile per file costs several
 * thread-pool round trips each.
 */
export async function* walkTree(root: string, options: WalkOptions): AsyncGenerator<SourceItem> {
  const maxFileSize = options.settings.maxFileSize;
  const large = options.largeFiles;
  for (const entry of walkEntries(root, options)) {
    if (!('abs' in entry)) yield entry;
    else {
      const item = readSourceFile(entry.path, entry.abs, maxFileSize);
      yield large && !('content' in item) ? scanFileInPieces(item, entry.abs, large) : item;
    }
  }
}

/**
 * The same walk without the reads: each file to read (its reported path and the path to open,
 * the real path for a link) or a Skipped record, in walkTree's order. The tree pool
 * (src/core/parallel/tree-pool.ts) hands these out so that worker threads read their own files.
 */
export function* walkEntries(root: string, options: WalkOptions): Generator<FileRef | Skipped> {
  const top = realpathSync(root);
  const ignore = options.gitignore === false ? undefined : new GitignoreMatcher();
  if (ignore) {
    const exclude = readText(join(root, '.git', 'info', 'exclude'));
    if (exclude) ignore.add('', exclude);
  }
  const walk: Walk = { root, top, ignore, options, gitignored: { files: new Set(), folders: [] } };
  yield* walkFolder(walk, '');
  // .gitignore is for files git does not track. A tracked file it matches (added with `git add
  // -f`, or before the rule) is in every commit and every checkout: it is scanned all the same,
  // else a change could hide a file by adding a rule for it (docs/security.md).
  if (walk.gitignored.files.size > 0 || walk.gitignored.folders.length > 0) yield* trackedButIgnored(walk);
}

interface Walk {
  root: string;
  /** Real path of the root: links must resolve inside it. */
  top: string;
  ignore: GitignoreMatcher | undefined;
  options: WalkOptions;
  /** What .gitignore rules left out: files, and folders not walked (their paths with a trailing `/`). */
  gitignored: { files: Set<string>; folders: string[] };
}

/**
 * The files `git ls-files --cached --ignored --exclude-standard` names (tracked, yet matched by an
 * ignore rule) that the walk left out for a .gitignore rule, in git's order; nothing outside a git
 * work tree or without git. One git process, started only when the walk left something out.
 */
function* trackedButIgnored(walk: Walk): Generator<FileRef | Skipped> {
  const listed = spawnSync('git', ['-c', 'core.quotePath=false', 'ls-files', '-z', '--cached', '--ignored', '--exclude-standard'], { cwd: walk.root, env: gitEnv(), maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  if (listed.status !== 0 || !listed.stdout) return;
  const { files, folders } = walk.gitignored;
  for (const path of listed.stdout.toString('utf8').split('\0')) {
    if (!path || !(files.has(path) || folders.some((folder) => path.startsWith(folder)))) continue;
    if (path.split('/').some((part) => DEFAULT_SKIPPED_FOLDERS.includes(part)) || isIgnored(path, walk.options.settings)) continue;
    let info;
    try {
      info = lstatSync(join(walk.root, path));
    } catch {
      continue; // tracked but deleted from the work tree: nothing to read
    }
    if (info.isSymbolicLink()) {
      const item = followLink({ ...walk, ignore: undefined }, path);
      if (item) yield item;
    } else if (info.isFile()) yield { path, abs: join(walk.root, path) };
  }
}

function* walkFolder(walk: Walk, rel: string): Generator<FileRef | Skipped> {
  const abs = rel ? join(walk.root, rel) : walk.root;
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (error) {
    yield skipped(rel || '.', 'unreadable', `cannot list folder: ${errnoCode(error) ?? (error as Error).message}`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // `abs` is normalized: a file's path is a concatenation, not a join per file (a tree of small files spends measurably on join).
  const prefix = abs.endsWith(sep) ? abs : abs + sep;
  if (walk.ignore && entries.some((e) => e.name === '.gitignore')) {
    walk.ignore.add(rel, readText(join(abs, '.gitignore')));
  }
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    const kind = kindOf(entry, prefix);
    if (kind === 'dir') {
      if (DEFAULT_SKIPPED_FOLDERS.includes(entry.name) || excluded(walk, path, true)) continue;
      if (walk.ignore?.ignores(path, true)) {
        walk.gitignored.folders.push(`${path}/`);
        continue;
      }
      yield* walkFolder(walk, path);
    } else if (kind === 'link') {
      const item = followLink(walk, path);
      if (item) yield item;
    } else {
      if (excluded(walk, path, false)) continue;
      if (walk.ignore?.ignores(path, false)) {
        walk.gitignored.files.add(path);
        continue;
      }
      // Reading a FIFO or a device would block or never end.
      yield kind === 'file' ? { path, abs: prefix + entry.name } : skipped(path, 'unreadable', 'not a regular file');
    }
  }
}

type Kind = 'file' | 'dir' | 'link' | 'other';

function kindOf(entry: Dirent, folder: string): Kind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) return 'link';
  if (entry.isFIFO() || entry.isSocket() || entry.isCharacterDevice() || entry.isBlockDevice()) return 'other';
  // Some file systems do not report types in the listing: ask.
  try {
    const info = lstatSync(folder + entry.name);
    return info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'link' : 'other';
  } catch {
    return 'file'; // gone or unreadable: the read below reports why
  }
}

function followLink(walk: Walk, path: string): FileRef | Skipped | undefined {
  const abs = join(walk.root, path);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (error) {
    const code = errnoCode(error);
    if (excluded(walk, path, false, true)) return undefined;
    if (code === 'ELOOP') return skipped(path, 'symlink-loop', 'symbolic link loop (ELOOP)');
    if (code === 'ENOENT') return skipped(path, 'unreadable', 'dangling symbolic link');
    return skipped(path, 'unreadable', code ?? (error as Error).message);
  }
  let isDir = false;
  let other = false;
  try {
    const info = statSync(real);
    isDir = info.isDirectory();
    other = !isDir && !info.isFile();
  } catch {
    // unreadable target: reported below, by its location or by the read
  }
  if (excluded(walk, path, isDir, true)) return undefined;
  if (real !== walk.top && !real.startsWith(walk.top + sep)) {
    return skipped(path, 'invalid-path', 'symbolic link to a path outside the scanned folder is not followed');
  }
  if (isDir) {
    const folder = join(walk.top, path, '..');
    if (folder === real || folder.startsWith(real + sep)) return skipped(path, 'symlink-loop', 'symbolic link to one of its own parent folders');
    return undefined; // its files are scanned at their real path, inside the root
  }
  // The read trusts the listing's kind (no fstat per file): a FIFO or device is not handed to it.
  if (other) return skipped(path, 'unreadable', 'not a regular file');
  return { path, abs: real };
}

/** Left out by `paths-ignore`; .gitignore rules are asked apart (`gitignored`), except for links. */
function excluded(walk: Walk, path: string, isDir: boolean, gitignore = false): boolean {
  return isIgnored(path, walk.options.settings) || (gitignore && (walk.ignore?.ignores(path, isDir) ?? false));
}

/** An ignore file's text ('' when absent, not a regular file, a link, or over 1 MiB). */
function readText(abs: string): string {
  const item = readSourceFile('', abs, 1024 * 1024);
  return 'content' in item ? item.content : '';
}
