import { describe, expect, it } from 'vitest';
import type { WindowLog } from '../../../src/core/secrets/candidates.js';
import { LineContexts, type Cut } from '../../../src/core/secrets/engine.js';
import { LineIndex, type TextSlices } from '../../../src/core/secrets/lines.js';
import type { VersionScan } from '../../../src/core/secrets/versions.js';
import type { SourceFile } from '../../../src/core/types.js';

/**
 * The location contexts a history version takes over from the last version of its file
 * (engine.ts `LineContexts`): only for a line whose text and cuts are the last version's. Each case
 * below is one where taking over would give a wrong context; the context must be the line's own.
 */
interface Version {
  file: SourceFile;
  log: WindowLog;
  lines: LineIndex;
}

/** A version of `text` (its stand-in, when `real` is its real text), against `last` with the runs `segments`. */
function version(text: string, last?: { version: Version; segments: number[] }, real?: string): Version {
  const log = { numbers: 0 } as WindowLog;
  const versions = {
    kept: true,
    log,
    against: last === undefined ? undefined : { log: last.version.log, beforeLength: last.version.file.content.length, segments: last.segments },
    hits: () => [],
    keep: () => undefined,
  } as unknown as VersionScan;
  const file: SourceFile = { path: 'dist/index.js', content: text, versions };
  if (real !== undefined) file.standIn = { exact: () => real, slice: (from, to) => real.slice(from, to) };
  return { file, log, lines: new LineIndex(text) };
}

/** The context of `line` of `v`, cut at the values given (each found in that line). */
function contextOf(v: Version, line: number, values: string[], content: TextSlices = v.file.content): string {
  const start = v.lines.lineStart(line);
  const text = v.file.content;
  const cuts: Cut[] = values.map((value) => {
    const at = text.indexOf(value, start);
    return { start: at, end: at + value.length };
  });
  const ends: number[] = [];
  let max = -1;
  for (const c of cuts) ends.push((max = Math.max(max, c.end)));
  return new LineContexts(v.file, v.lines).context(content, line, cuts, ends);
}

describe('LineContexts (location contexts taken over from the last version)', () => {
  const rest = 'key = "S3CR3Tvalue9" and   more\nomega\n';

  it('takes over the context of a line the two versions share, cut at the same places (the same string)', () => {
    const first = version(`alpha\n${rest}`);
    const taken = contextOf(first, 2, ['S3CR3Tvalue9']);
    expect(taken).toBe('key = "\u0000" and more');
    const next = version(`a changed first line\n${rest}`, { version: first, segments: [21, 6, rest.length] });
    const again = contextOf(next, 2, ['S3CR3Tvalue9']);
    expect(again).toBe(taken);
    expect(next.log.contexts?.size).toBe(1);
  });

  it('builds the context again where the cuts differ (in number or in place)', () => {
    const first = version(`alpha\n${rest}`);
    contextOf(first, 2, ['S3CR3Tvalue9']);
    const next = version(`a changed first line\n${rest}`, { version: first, segments: [21, 6, rest.length] });
    expect(contextOf(next, 2, ['S3CR3Tvalue9', 'more'])).toBe('key = "\u0000" and \u0000');
    const moved = version(`a changed first line\n${rest}`, { version: first, segments: [21, 6, rest.length] });
    expect(contextOf(moved, 2, ['more'])).toBe('key = "S3CR3Tvalue9" and \u0000');
    // Fewer cuts than the last version noted (`next` noted two).
    const fewer = version(`a changed first line\n${rest}`, { version: next, segments: [0, 0, rest.length + 21] });
    expect(contextOf(fewer, 2, ['S3CR3Tvalue9'])).toBe('key = "\u0000" and more');
  });

  it('builds the context again where the shared run ends inside the line', () => {
    const first = version(`alpha\nkey = "S3CR3Tvalue9" tailA\n`);
    contextOf(first, 2, ['S3CR3Tvalue9']);
    // Same length, same cuts, at a line start the last version noted: only the run tells the lines apart.
    const next = version(`alpha\nkey = "S3CR3Tvalue9" tailB\n`, { version: first, segments: [0, 0, 30] });
    expect(contextOf(next, 2, ['S3CR3Tvalue9'])).toBe('key = "\u0000" tailB');
  });

  it('builds the context again for a last line the last version continued', () => {
    const first = version('alpha\nkey = "S3CR3Tvalue9" tail more');
    contextOf(first, 2, ['S3CR3Tvalue9']);
    const text = 'alpha\nkey = "S3CR3Tvalue9" tail';
    const next = version(text, { version: first, segments: [0, 0, text.length] });
    expect(contextOf(next, 2, ['S3CR3Tvalue9'])).toBe('key = "\u0000" tail');
  });

  it('builds the context again from the real text of a stand-in line with a placeholder (stand-ins agree where real texts do not)', () => {
    const standIn = 'alpha\nkey = "S3CR3Tvalue9" \u0080\n';
    const firstReal = 'alpha\nkey = "S3CR3Tvalue9" é\n';
    const first = version(standIn, undefined, firstReal);
    expect(contextOf(first, 2, ['S3CR3Tvalue9'], firstReal)).toBe('key = "\u0000" é');
    const nextReal = 'alpha\nkey = "S3CR3Tvalue9" ü\n';
    const next = version(standIn, { version: first, segments: [0, 0, standIn.length] }, nextReal);
    expect(contextOf(next, 2, ['S3CR3Tvalue9'], nextReal)).toBe('key = "\u0000" ü');
  });
});
