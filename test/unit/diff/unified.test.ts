/**
 * The one unified-diff parser (src/core/diff/unified.ts): regressions, then a property test against
 * real `git diff` output on random edits (fast-check): applying the parsed hunks to the old text must
 * give the new text exactly, for every file, at any context size — so no line, count or file is lost.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addedLineNumbers, parseGitDiff, readPatch, type FileDiff } from '../../../src/core/diff/unified.js';
import { parseUnifiedDiff } from '../../../src/workspace/git.js';

const sorted = (set: Set<number> | undefined) => [...(set ?? [])].sort((a, b) => a - b);

describe('unified diff: regressions', () => {
  it('an added line starting with "++ " and a removed line starting with "-- " are content, not file headers', () => {
    const patch = [
      'diff --git a/notes.md b/notes.md',
      'index 1111111..2222222 100644',
      '--- a/notes.md',
      '+++ b/notes.md',
      '@@ -2 +2,2 @@',
      '--- old rule',
      '+++ counter',
      '+token = ghp_x',
      'diff --git a/other.env b/other.env',
      '--- a/other.env',
      '+++ b/other.env',
      '@@ -0,0 +1 @@',
      '+B=2',
    ].join('\n');
    const { files, deleted } = parseUnifiedDiff(patch);
    expect([...files.keys()]).toEqual(['notes.md', 'other.env']);
    expect(sorted(files.get('notes.md')?.addedLines)).toEqual([2, 3]);
    expect(sorted(files.get('other.env')?.addedLines)).toEqual([1]);
    expect(deleted).toEqual([]);
    const [notes] = parseGitDiff(patch);
    expect(notes.hunks[0].lines.map((l) => [l.kind, l.text])).toEqual([
      ['del', '-- old rule'],
      ['add', '++ counter'],
      ['add', 'token = ghp_x'],
    ]);
  });

  it("reads GitHub's headerless patch with the same parser", () => {
    const view = readPatch(['@@ -1,2 +1,3 @@', ' a', '+++ b', '+c', '-d'].join('\n'));
    expect(sorted(view.addedLines)).toEqual([2, 3]);
    expect(view.sparseContent).toBe('a\n++ b\nc');
  });

  it('reads renames, copies, mode changes and git log -p commit headers between files', () => {
    const text = [
      '\u0001abc123 2026-01-01T00:00:00Z Ann',
      '',
      'diff --git a/old name.txt b/new name.txt',
      'similarity index 90%',
      'rename from old name.txt',
      'rename to new name.txt',
      '--- a/old name.txt',
      '+++ b/new name.txt',
      '@@ -1 +1 @@',
      '-x',
      '+y',
      '\u0001def456 2026-01-02T00:00:00Z Bob',
      '',
      'diff --git a/run.sh b/run.sh',
      'old mode 100644',
      'new mode 100755',
    ].join('\n');
    const files = parseGitDiff(text);
    expect(files.map((f) => [f.status, f.oldPath, f.newPath, f.hunks.length])).toEqual([
      ['renamed', 'old name.txt', 'new name.txt', 1],
      ['modified', 'run.sh', 'run.sh', 0],
    ]);
  });

  it("keeps a binary change's blob ids from its index line (all zeros for a side that does not exist)", () => {
    const zero = '0'.repeat(40);
    const text = [
      'diff --git a/setup.ps1 b/setup.ps1',
      `index ${'a'.repeat(40)}..${'b'.repeat(40)} 100644`,
      'Binary files a/setup.ps1 and b/setup.ps1 differ',
      'diff --git a/new.ps1 b/new.ps1',
      'new file mode 100644',
      `index ${zero}..${'c'.repeat(40)}`,
      'Binary files /dev/null and b/new.ps1 differ',
    ].join('\n');
    expect(parseGitDiff(text).map((f) => [f.newPath, f.binary, f.blobs])).toEqual([
      ['setup.ps1', true, { old: 'a'.repeat(40), new: 'b'.repeat(40) }],
      ['new.ps1', true, { old: zero, new: 'c'.repeat(40) }],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: real git diff on random edits.

let repo: string;
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'nhi-diff-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  git('config', 'commit.gpgsign', 'false');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

/** Lines chosen to look like diff syntax, plus ordinary and non-ASCII text. */
const lineArb = fc.oneof(
  fc.constantFrom('++ counter', '+++ b/x', '--- a/x', '-- rule', '-', '+', '', ' ', '@@ -1 +1 @@', 'diff --git a/x b/x', '\\ No newline', 'rename from y', 'Binary files a b differ', 'ключ = значение', '設定 = 1', 'token = ghp_abc'),
  fc.string({ minLength: 0, maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, '')),
);
const contentArb = fc.array(lineArb, { maxLength: 25 });
const nameArb = fc.constantFrom('a.txt', 'dir/b c.txt', 'café.md', 'tab\there.txt', 'z/"q".env', 'новый.yaml');

interface Case {
  files: { name: string; before: string[] | null; after: string[] | null; eol: boolean }[];
  context: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  files: fc.uniqueArray(
    fc.record({ name: nameArb, before: fc.option(contentArb, { freq: 5 }), after: fc.option(contentArb, { freq: 5 }), eol: fc.boolean() }),
    { selector: (f) => f.name, minLength: 1, maxLength: 4 },
  ),
  context: fc.integer({ min: 0, max: 3 }),
});

function text(lines: string[], eol: boolean): string {
  return lines.length === 0 ? '' : lines.join('\n') + (eol ? '\n' : '');
}

/** Applies the parsed hunks to the old lines. */
function apply(oldLines: string[], file: FileDiff): string[] {
  const out: string[] = [];
  let next = 1;
  for (const hunk of file.hunks) {
    const start = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    while (next < start) out.push(oldLines[next++ - 1]);
    for (const line of hunk.lines) {
      if (line.kind === 'add') out.push(line.text);
      else {
        expect(line.text).toBe(oldLines[line.oldLine! - 1]);
        if (line.kind === 'context') out.push(line.text);
        next = line.oldLine! + 1;
      }
    }
  }
  while (next <= oldLines.length) out.push(oldLines[next++ - 1]);
  return out;
}

function splitText(value: string): string[] {
  if (value === '') return [];
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

describe('unified diff: property against real git diff', () => {
  it('rebuilds every file git diff reports, and the added lines are the new lines git shows as added', { timeout: 120_000 }, () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'core.quotePath=true', ...args], { cwd: repo, stdio: 'pipe', maxBuffer: 1 << 26 });
    fc.assert(
      fc.property(caseArb, (c) => {
        git('rm', '-rqf', '--ignore-unmatch', '.');
        for (const f of c.files) {
          if (f.before === null) continue;
          mkdirSync(dirname(join(repo, f.name)), { recursive: true });
          writeFileSync(join(repo, f.name), text(f.before, f.eol));
        }
        git('add', '-A');
        git('commit', '-q', '--allow-empty', '-m', 'base');
        for (const f of c.files) {
          const path = join(repo, f.name);
          if (f.after === null) rmSync(path, { force: true });
          else {
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, text(f.after, !f.eol));
          }
        }
        git('add', '-A');
        const diff = git('diff', '--cached', '--no-renames', '--no-color', `--unified=${c.context}`, 'HEAD', '--').toString('utf8');
        const parsed = parseGitDiff(diff);
        const reported = new Set(parsed.map((p) => p.newPath ?? p.oldPath));
        for (const f of c.files) {
          const before = f.before === null ? [] : splitText(text(f.before, f.eol));
          const after = f.after === null ? [] : splitText(text(f.after, !f.eol));
          const changed = (f.before === null) !== (f.after === null) || text(f.before ?? [], f.eol) !== text(f.after ?? [], !f.eol);
          expect(reported.has(f.name), `${f.name} reported`).toBe(changed);
          if (!changed) continue;
          const file = parsed.find((p) => (p.newPath ?? p.oldPath) === f.name)!;
          expect(file.status).toBe(f.after === null ? 'deleted' : f.before === null ? 'added' : 'modified');
          if (file.binary) continue;
          expect(apply(before, file)).toEqual(after);
          for (const n of addedLineNumbers(file.hunks)) expect(n).toBeLessThanOrEqual(after.length);
          // The workspace view agrees with the parser's.
          const view = parseUnifiedDiff(diff);
          if (f.after !== null) expect(sorted(view.files.get(f.name)?.addedLines)).toEqual(sorted(addedLineNumbers(file.hunks)));
          else expect(view.deleted).toContain(f.name);
        }
      }),
      { numRuns: 60 },
    );
  });
});
