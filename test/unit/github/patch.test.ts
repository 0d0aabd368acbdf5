import { describe, expect, it } from 'vitest';
import { readPatch } from '../../../src/github/patch.js';

describe('readPatch', () => {
  it('maps added lines to their head line numbers across hunks', () => {
    const patch = ['@@ -1,3 +1,4 @@', ' a', '-b', '+B', '+C', ' d', '@@ -10,2 +11,3 @@', ' x', '+y', ' z', '\\ No newline at end of file'].join('\n');
    const view = readPatch(patch);
    expect([...view.addedLines]).toEqual([2, 3, 12]);
    const lines = view.sparseContent.split('\n');
    expect(lines[0]).toBe('a');
    expect(lines[1]).toBe('B');
    expect(lines[2]).toBe('C');
    expect(lines[3]).toBe('d');
    expect(lines[4]).toBe('');
    expect(lines[10]).toBe('x');
    expect(lines[11]).toBe('y');
    expect(lines[12]).toBe('z');
  });

  it('reads a new file', () => {
    const view = readPatch('@@ -0,0 +1,2 @@\n+one\n+two');
    expect([...view.addedLines]).toEqual([1, 2]);
    expect(view.sparseContent).toBe('one\ntwo');
  });

  it('yields nothing for a pure deletion', () => {
    const view = readPatch('@@ -1,2 +0,0 @@\n-one\n-two');
    expect(view.addedLines.size).toBe(0);
  });
});
