import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { isIgnored } from '../core/scan.js';
import type { SourceItem } from '../core/scan.js';
import { toSourceFile } from '../core/source.js';
import type { ScanSettings, Skipped } from '../core/types.js';
import { errnoCode } from './errors.js';
import { GitignoreMatcher } from './gitignore.js';

/** Never worth scanning and often huge: skipped without a report, as documented in the README. */
export const DEFAULT_SKIPPED_FOLDERS = ['.git', 'node_modules'];

export interface WalkOptions {
  settings: Pick<ScanSettings, 'maxFileSize' | 'pathsIgnore'>;
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
}

/**
 * Yields every file under `root` as a SourceFile, or a Skipped record saying why not: too large,
 * binary, unreadable, not a regular file, or a symlink loop. Never throws for a single bad entry.
 * Paths are POSIX and relative to `root`; the order is sorted, so reports are deterministic.
 * Symlinks are followed; a folder whose real path is already on the current branch is a loop.
 */
export async function* walkTree(root: string, options: WalkOptions): AsyncGenerator<SourceItem> {
  const ignore = options.gitignore === false ? undefined : new GitignoreMatcher();
  yield* walkFolder(root, '', new Set([await realpath(root)]), ignore, options);
}

async function* walkFolder(root: string, rel: string, ancestors: Set<string>, ignore: GitignoreMatcher | undefined, options: WalkOptions): AsyncGenerator<SourceItem> {
  const abs = rel ? join(root, rel) : root;
  let names: string[];
  try {
    names = (await readdir(abs)).sort();
  } catch (error) {
    yield skipped(rel || '.', 'unreadable', `cannot list folder: ${errnoCode(error) ?? (error as Error).message}`);
    return;
  }
  if (ignore && names.includes('.gitignore')) {
    const content = await readFile(join(abs, '.gitignore'), 'utf8').catch(() => '');
    ignore.add(rel, content);
  }
  for (const name of names) {
    const path = rel ? `${rel}/${name}` : name;
    yield* walkEntry(root, path, name, ancestors, ignore, options);
  }
}

async function* walkEntry(root: string, path: string, name: string, ancestors: Set<string>, ignore: GitignoreMatcher | undefined, options: WalkOptions): AsyncGenerator<SourceItem> {
  const abs = join(root, path);
  let info: Stats;
  try {
    info = await stat(abs);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ELOOP') yield skipped(path, 'symlink-loop', 'symbolic link loop (ELOOP)');
    else if (code === 'ENOENT' && (await isSymlink(abs))) yield skipped(path, 'unreadable', 'dangling symbolic link');
    else yield skipped(path, 'unreadable', code ?? (error as Error).message);
    return;
  }
  if (info.isDirectory()) {
    if (DEFAULT_SKIPPED_FOLDERS.includes(name) || isIgnored(path, options.settings) || ignore?.ignores(path, true)) return;
    const real = await realpath(abs).catch(() => abs);
    if (ancestors.has(real)) {
      yield skipped(path, 'symlink-loop', 'symbolic link to one of its own parent folders');
      return;
    }
    yield* walkFolder(root, path, new Set([...ancestors, real]), ignore, options);
    return;
  }
  if (isIgnored(path, options.settings) || ignore?.ignores(path, false)) return;
  if (!info.isFile()) {
    // Reading a FIFO or a device would block or never end.
    yield skipped(path, 'unreadable', 'not a regular file');
    return;
  }
  if (info.size > options.settings.maxFileSize) {
    yield skipped(path, 'too-large', `${info.size} bytes exceeds max-file-size ${options.settings.maxFileSize}`);
    return;
  }
  try {
    yield toSourceFile(path, await readFile(abs), options.settings);
  } catch (error) {
    yield skipped(path, 'unreadable', errnoCode(error) ?? (error as Error).message);
  }
}

async function isSymlink(abs: string): Promise<boolean> {
  return lstat(abs).then((s) => s.isSymbolicLink(), () => false);
}

function skipped(path: string, reason: Skipped['reason'], detail: string): Skipped {
  return { path, reason, detail };
}
