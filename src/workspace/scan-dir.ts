import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { linesAddedSince } from '../core/diff/new-lines.js';
import { blamedIds, diffInventories } from '../core/policy/diff.js';
import { extractIdentities, scanSources, type SourceItem } from '../core/scan.js';
import { toSourceFile } from '../core/source.js';
import type { IdentityRecord, ScanResult, ScanSettings, SecretSink, Skipped, SourceFile } from '../core/types.js';
import { UsageError } from './errors.js';
import { changesSince, showFile, stagedChanges, type ChangeSet } from './git.js';
import { walkEntries, walkTree } from './walk.js';
import { scanFileTree } from '../core/parallel/tree-pool.js';
import { afterLargeFile } from '../core/parallel/large-file.js';
import { scanFileInPieces } from '../core/parallel/read-file.js';
import { piecesRead, scanBytesInPieces } from '../core/secrets/pieces.js';
import { append } from '../core/append.js';

export interface ScanDirOptions {
  settings: ScanSettings;
  /** `--diff BASE`: judge only what changed since BASE. */
  diff?: string;
  /** `--staged`: judge the index against HEAD (pre-commit). */
  staged?: boolean;
  gitignore?: boolean;
  /** Called for every file read (or skipped) as the scan goes, not always in walk order: the CLI's progress line. */
  onItem?: (item: ScannedItem) => void;
  /** Worker threads reading and scanning files beside this thread; default by core count (src/core/parallel/tree-pool.ts). */
  workers?: number;
  /** The read-ahead thread of a scan without workers (src/core/parallel/reader.ts); false: none, true: on. Default off (defaultReadAhead). */
  readAhead?: boolean;
  /** Tests: bytes read before workers start (default TREE_POOL_BYTES). */
  largeTreeBytes?: number;
  /** Live verification only (`--verify`): receives the reported secrets' values. */
  revealSecrets?: SecretSink;
}

/** A file read (with its decoded length) or skipped. */
export type ScannedItem = Skipped | { path: string; chars: number };

export interface DirScan {
  result: ScanResult;
  /** Change modes: NHIs added or changed, the only ones blamed. */
  changedIdentities?: ReadonlySet<string>;
}

/**
 * Scans a folder. In a change mode (`--diff`, `--staged`) the whole tree is still read, so the
 * inventory, cross-file references and owners-file checks see everything, but secrets are judged
 * only on added lines of changed files, and identity rules only on NHIs the change added or
 * changed (base vs head declarations of the changed files).
 */
export async function scanDirectory(dir: string, options: ScanDirOptions): Promise<DirScan> {
  await assertFolder(dir);
  const changes = options.diff !== undefined ? await changesSince(dir, options.diff) : options.staged ? await stagedChanges(dir) : undefined;
  const settings: ScanSettings = changes ? { ...options.settings, mode: 'pr' } : options.settings;
  const revealSecrets = options.revealSecrets;
  if (!changes) {
    // Full scans hand paths to the tree pool, whose workers read their own files.
    const entries = walkEntries(dir, { settings, gitignore: options.gitignore });
    return { result: (await scanFileTree(entries, { settings, revealSecrets, onItem: options.onItem, workers: options.workers, largeTreeBytes: options.largeTreeBytes, readAhead: options.readAhead })).result };
  }
  const tree = walkTree(dir, { settings, gitignore: options.gitignore });
  const walked = options.onItem ? observed(tree, options.onItem) : tree;

  // The tree streams through the scan; only the changed files are kept, for the blame at the end.
  const changed: SourceItem[] = [];
  let changedIdentities: Set<string> | undefined;
  const resolveChangedIdentities = async () => (changedIdentities = await blame(dir, changes, changed, settings));
  const result = await scanSources(keepingChanged(withChanges(dir, walked, changes, settings, revealSecrets), changes, changed), { settings, resolveChangedIdentities, revealSecrets });
  return { result, changedIdentities: changedIdentities ?? (await resolveChangedIdentities()) };
}

/**
 * Passes every item on, and keeps the changed files' in `kept` (walk order). Once the scan is done
 * with a large file, a full collection frees its text, as in the tree pool (large-file.ts; corpus
 * `--diff`: 112 MB peak against 134 MB without).
 */
async function* keepingChanged(items: AsyncIterable<SourceItem>, changes: ChangeSet, kept: SourceItem[]): AsyncGenerator<SourceItem> {
  for await (const item of items) {
    if (changes.files.has(item.path)) kept.push(item);
    yield item;
    if ('content' in item) afterLargeFile(item.content.length);
  }
}

async function* observed(items: AsyncIterable<SourceItem>, onItem: (item: ScannedItem) => void): AsyncGenerator<SourceItem> {
  for await (const item of items) {
    onItem('content' in item ? { path: item.path, chars: item.content.length } : item);
    yield item;
  }
}

async function assertFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder`);
}

/** Marks every file with the lines the change added (none for untouched files). */
async function* withChanges(dir: string, items: AsyncIterable<SourceItem>, changes: ChangeSet, settings: ScanSettings, reveal?: SecretSink): AsyncGenerator<SourceItem> {
  const seen = new Set<string>();
  for await (const item of items) {
    seen.add(item.path);
    const change = changes.files.get(item.path);
    if (!('content' in item)) {
      // Untouched unreadable files are not this change's business; a changed over-size file is
      // read in pieces, its added lines judged (every line when git showed it as binary).
      if (!change) continue;
      if (item.reason !== 'too-large') yield item;
      else yield changes.head === 'index' ? await fromIndex(dir, item.path, changes, settings, reveal) : scanFileInPieces(item, join(dir, item.path), settings, change.addedLines, reveal);
      continue;
    }
    if (!change) yield { ...item, addedLines: new Set() };
    else if (changes.head === 'index') yield await fromIndex(dir, item.path, changes, settings, reveal);
    else yield { ...item, addedLines: change.addedLines ?? (await binaryChangeLines(dir, changes.base, item, settings)) };
  }
  // Staged files deleted from the working tree (or git-ignored there) are still being committed.
  if (changes.head !== 'index') return;
  for (const path of changes.files.keys()) if (!seen.has(path)) yield await fromIndex(dir, path, changes, settings, reveal);
}

async function fromIndex(dir: string, path: string, changes: ChangeSet, settings: ScanSettings, reveal?: SecretSink): Promise<SourceItem> {
  const bytes = await showFile(dir, '', path);
  if (!bytes) return { path, reason: 'unreadable', detail: 'not in the git index' };
  const source = toSourceFile(path, bytes, settings, changes.files.get(path)?.addedLines);
  if (!('content' in source) && source.reason === 'too-large') {
    const secrets = scanBytesInPieces(path, bytes, settings, changes.files.get(path)?.addedLines, reveal);
    return secrets ? piecesRead(source, secrets) : source;
  }
  return 'content' in source && source.addedLines === undefined ? { ...source, addedLines: await binaryChangeLines(dir, changes.base, source, settings) } : source;
}

/**
 * The lines a change git calls binary added to a file that decodes as text (UTF-16, or text the
 * repository's .gitattributes marks `binary` or `-diff`): those its version at `base` does not
 * hold (`linesAddedSince`); every line when it had none there, or was binary.
 */
async function binaryChangeLines(dir: string, base: string, head: SourceFile, settings: ScanSettings): Promise<Set<number> | undefined> {
  return linesAddedSince(await showFile(dir, base, head.path), head.content, head.path, settings);
}

/** NHIs the change added or changed: declarations of changed files at base vs at head. */
async function blame(dir: string, changes: ChangeSet, head: readonly SourceItem[], settings: ScanSettings): Promise<Set<string>> {
  const baseRecords: IdentityRecord[] = [];
  const headRecords: IdentityRecord[] = [];
  for (const path of [...changes.files.keys(), ...changes.deleted]) {
    const bytes = await showFile(dir, changes.base, path);
    if (!bytes) continue;
    const source = toSourceFile(path, bytes, settings);
    if ('content' in source) append(baseRecords, extractIdentities(source).records);
  }
  for (const item of head) {
    if ('content' in item && changes.files.has(item.path)) append(headRecords, extractIdentities(item).records);
  }
  return blamedIds(diffInventories(baseRecords, headRecords));
}

