import { isSkipped, toSourceFile } from '../source.js';
import type { ScanSettings } from '../types.js';

/**
 * The 1-based lines of `head` that `base` does not hold, each line of `base` cancelling one equal
 * line of `head`, first come first served: the lines a change added, for a file git shows no lines
 * of. git calls UTF-16 text binary (a NUL byte every other byte), so its diff lists none, and
 * counting every line of the new version as added would blame a change for secrets its file held
 * before. A line moved within the file is not new; a line edited is. Lines end at `\n` only, as
 * the engine numbers them.
 */
export function newLines(base: string, head: string): Set<number> {
  const left = new Map<string, number>();
  for (const line of base.split('\n')) left.set(line, (left.get(line) ?? 0) + 1);
  const added = new Set<number>();
  const lines = head.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const n = left.get(lines[i]) ?? 0;
    if (n > 0) left.set(lines[i], n - 1);
    else added.add(i + 1);
  }
  return added;
}

/**
 * The lines of `head` (a file's new text) to judge as added, given `base`, the file's bytes at the
 * base of the change when it had a version there: `newLines` when those decode as text; undefined
 * (every line counts) when there was no base version or it was binary. For changes git or GitHub
 * show no lines of (src/workspace/scan-dir.ts, src/github/pr-check.ts, src/github/pr-commits.ts).
 */
export function linesAddedSince(base: Uint8Array | undefined, head: string, path: string, settings: Pick<ScanSettings, 'maxFileSize'>): Set<number> | undefined {
  const before = base && toSourceFile(path, base, settings);
  return before && !isSkipped(before) ? newLines(before.content, head) : undefined;
}
