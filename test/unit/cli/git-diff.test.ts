import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../../src/workspace/git.js';

const lines = (set: Set<number> | undefined) => [...(set ?? [])].sort((a, b) => a - b);

describe('parseUnifiedDiff (git diff --unified=0)', () => {
  it('collects added lines per file from hunk headers', () => {
    const patch = [
      'diff --git a/src/app.ts b/src/app.ts',
      'index 1111111..2222222 100644',
      '--- a/src/app.ts',
      '+++ b/src/app.ts',
      '@@ -3 +3 @@ export const a = 1;',
      '-old',
      '+new',
      '@@ -10,0 +11,3 @@',
      '+x',
      '+y',
      '+z',
      '@@ -20,2 +23,0 @@',
      '-gone',
      '-gone',
      'diff --git a/new file.env b/new file.env',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new file.env',
      '@@ -0,0 +1,2 @@',
      '+A=1',
      '+B=2',
    ].join('\n');
    const { files, deleted } = parseUnifiedDiff(patch);
    expect(lines(files.get('src/app.ts')?.addedLines)).toEqual([3, 11, 12, 13]);
    expect(lines(files.get('new file.env')?.addedLines)).toEqual([1, 2]);
    expect(deleted).toEqual([]);
  });

  it('records deletions (text and binary) and keeps binary changes with no added lines', () => {
    const patch = [
      'diff --git a/old.txt b/old.txt',
      'deleted file mode 100644',
      '--- a/old.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      'diff --git a/logo.png b/logo.png',
      'index 3333333..4444444 100644',
      'Binary files a/logo.png and b/logo.png differ',
      'diff --git a/gone.bin b/gone.bin',
      'deleted file mode 100644',
      'Binary files a/gone.bin and /dev/null differ',
    ].join('\n');
    const { files, deleted } = parseUnifiedDiff(patch);
    expect(deleted).toEqual(['old.txt', 'gone.bin']);
    expect([...files.keys()]).toEqual(['logo.png']);
    expect(lines(files.get('logo.png')?.addedLines)).toEqual([]);
  });

  it('unquotes C-quoted paths', () => {
    const patch = ['diff --git "a/tab\\there.txt" "b/tab\\there.txt"', '--- "a/tab\\there.txt"', '+++ "b/tab\\there.txt"', '@@ -0,0 +1 @@', '+x', 'diff --git "a/caf\\303\\251 \\"q\\".md" "b/caf\\303\\251 \\"q\\".md"', '--- /dev/null', '+++ "b/caf\\303\\251 \\"q\\".md"', '@@ -0,0 +1 @@', '+y'].join('\n');
    const { files } = parseUnifiedDiff(patch);
    expect([...files.keys()]).toEqual(['tab\there.txt', 'café "q".md']);
  });
});
