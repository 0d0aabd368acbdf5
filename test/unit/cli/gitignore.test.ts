import { describe, expect, it } from 'vitest';
import { GitignoreMatcher } from '../../../src/workspace/gitignore.js';

describe('GitignoreMatcher', () => {
  const m = new GitignoreMatcher();
  m.add('', ['# comment', '', '*.log', 'dist/', '/build', 'docs/*.tmp', '!keep.log', '\\#notes'].join('\n'));
  m.add('services/api', 'local.env\n/cache/\n');

  it.each([
    ['app.log', false, true],
    ['deep/nested/app.log', false, true],
    ['keep.log', false, false],
    ['dist', true, true],
    ['dist', false, false],
    ['src/dist', true, true],
    ['build', true, true],
    ['src/build', true, false],
    ['docs/a.tmp', false, true],
    ['docs/x/a.tmp', false, false],
    ['#notes', false, true],
    ['services/api/local.env', false, true],
    ['services/api/sub/local.env', false, true],
    ['services/web/local.env', false, false],
    ['services/api/cache', true, true],
    ['services/api/sub/cache', true, false],
    ['.env', false, false],
  ] as const)('%s (dir=%s) ignored=%s', (path, isDir, expected) => {
    expect(m.ignores(path, isDir)).toBe(expected);
  });
});
