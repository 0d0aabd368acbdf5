import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linesAddedSince, newLines } from '../../../src/core/diff/new-lines.js';

describe('newLines: what a change added to a file git shows no lines of', () => {
  it('names inserted and edited lines, not kept or moved ones; repeats count one for one', () => {
    expect(newLines('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual(new Set([2, 4]));
    expect(newLines('a\nb\nc', 'c\na\nb')).toEqual(new Set());
    expect(newLines('x\n', 'x\nx\nx\n')).toEqual(new Set([2, 3]));
    expect(newLines('a\r\nb\r\n', 'a\r\nb\r\nc\r\n')).toEqual(new Set([3]));
    expect(newLines('', 'a\nb')).toEqual(new Set([1, 2]));
  });

  it('names no line of a version against itself, and every line of a version against one with none of its lines', () => {
    const lines = fc.array(fc.string({ maxLength: 6 }).filter((l) => !l.includes('\n')), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(lines, fc.array(fc.string({ maxLength: 6 }).map((l) => `#${l.replace(/\n/g, '')}`), { minLength: 1, maxLength: 40 }), (text, other) => {
        const head = text.map((l) => l.replace(/#/g, '')).join('\n');
        expect(newLines(head, head)).toEqual(new Set());
        expect(newLines(head, other.join('\n'))).toEqual(new Set(other.map((_, i) => i + 1)));
      }),
    );
  });

  it('linesAddedSince: against a base that decodes as text (UTF-16 too); every line with no base, or a binary one', () => {
    const settings = { maxFileSize: 1024 };
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\nb\n', 'utf16le')]);
    expect(linesAddedSince(Buffer.from('a\nb\n'), 'a\nb\nc\n', 'x.txt', settings)).toEqual(new Set([3]));
    expect(linesAddedSince(utf16, 'a\nB\n', 'x.ps1', settings)).toEqual(new Set([2]));
    expect(linesAddedSince(undefined, 'a\n', 'x.txt', settings)).toBeUndefined();
    expect(linesAddedSince(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]), 'a\n', 'x.png', settings)).toBeUndefined();
  });
});
