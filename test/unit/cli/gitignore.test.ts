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

describe('GitignoreMatcher: git semantics the hand-written subset missed', () => {
  const m = new GitignoreMatcher();
  m.add('', ['file[!0-9].txt', 'trailing\\ ', 'stripped   ', 'a/**/b', 'logs/**', '**/cache', 'data/**/*.csv', '*.secret', '!important.secret', 'file{a,b}.cfg', '@(one|two).cfg', '[^x]y.dat'].join('\n'));
  m.add('pkg', '!*.secret\nlocal/\n');

  it.each([
    ['filea.txt', false, true],
    ['file1.txt', false, false],
    ['trailing ', false, true],
    ['trailing', false, false],
    ['stripped', false, true],
    ['stripped   ', false, false],
    ['a/b', true, true],
    ['a/x/b', true, true],
    ['a/x/y/b', false, true],
    ['x/a/b', false, false],
    ['logs/today.txt', false, true],
    ['logs/deep/today.txt', false, true],
    ['logs', true, false],
    ['cache', true, true],
    ['deep/down/cache', false, true],
    ['data/x.csv', false, true],
    ['data/1/2/x.csv', false, true],
    ['other/data/x.csv', false, false],
    ['x.secret', false, true],
    ['important.secret', false, false],
    ['pkg/x.secret', false, false],
    ['pkg/local', true, true],
    ['pkg/local', false, false],
    // gitignore has no brace expansion nor extglobs: these are literal characters
    ['filea.cfg', false, false],
    ['file{a,b}.cfg', false, true],
    ['one.cfg', false, false],
    ['@(one|two).cfg', false, true],
    ['ay.dat', false, true],
    ['xy.dat', false, false],
  ] as const)('%j (dir=%s) ignored=%s', (path, isDir, expected) => {
    expect(m.ignores(path, isDir)).toBe(expected);
  });
});
