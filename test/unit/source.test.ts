import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBlob, decodeInBlocks, decodeText, DECODE_BLOCK, toSourceFile } from '../../src/core/source.js';

/** docs/architecture.md, "Scanning input": binary = a NUL byte in the first 8 KiB; files over max-file-size are skipped; nothing silently. */
describe('toSourceFile', () => {
  const settings = { maxFileSize: 5 * 1024 * 1024 };

  it('skips a file with a NUL byte in its first 8 KiB as binary', () => {
    const bytes = Buffer.alloc(8 * 1024, 'a');
    bytes[8 * 1024 - 1] = 0;
    expect(toSourceFile('img.bin', bytes, settings)).toEqual({ path: 'img.bin', reason: 'binary', detail: 'NUL byte in the first 8 KiB' });
  });

  it('scans a text file whose first NUL byte comes after 8 KiB', () => {
    const bytes = Buffer.concat([Buffer.alloc(8 * 1024, 'a'), Buffer.from([0]), Buffer.from('\nTOKEN=x\n')]);
    const file = toSourceFile('log.txt', bytes, settings);
    expect(file).toMatchObject({ path: 'log.txt' });
    expect('content' in file && file.content.endsWith('\nTOKEN=x\n')).toBe(true);
  });

  it('skips a file over max-file-size, saying by how much, and keeps one at the limit', () => {
    expect(toSourceFile('big.txt', Buffer.alloc(101, 'a'), { maxFileSize: 100 })).toEqual({ path: 'big.txt', reason: 'too-large', detail: '101 bytes exceeds max-file-size 100' });
    expect(toSourceFile('ok.txt', Buffer.alloc(100, 'a'), { maxFileSize: 100 })).toEqual({ path: 'ok.txt', content: 'a'.repeat(100) });
  });

  it('decodes invalid UTF-8 with replacement characters instead of skipping, and keeps addedLines', () => {
    const file = toSourceFile('a.txt', Buffer.from([0x61, 0xff, 0x62]), settings, new Set([1]));
    expect(file).toEqual({ path: 'a.txt', content: 'a\ufffdb', addedLines: new Set([1]) });
  });

  it('decodes ASCII through the Latin-1 fast path and anything else as UTF-8, the same string either way', () => {
    const ascii = Buffer.from('key = "AKIA' + 'x'.repeat(200) + '"\n');
    expect(decodeText(ascii)).toBe(new TextDecoder().decode(ascii));
    // 0xC3 0xA9 is é in UTF-8 but Ã© in Latin-1: the non-ASCII file must take the UTF-8 path.
    const utf8 = Buffer.from('caf\u00e9 = "s3cr3t"\n', 'utf8');
    expect(decodeText(utf8)).toBe('caf\u00e9 = "s3cr3t"\n');
    // A view into a larger buffer decodes only its own bytes.
    const big = Buffer.from('xxxhello\u00e9yyy', 'utf8');
    expect(decodeText(big.subarray(3, 8))).toBe('hello');
    expect(decodeText(big.subarray(3, 10))).toBe('hello\u00e9');
  });

  it('decodes history blobs in blocks (Node before 24) into the very string V8 gives, whatever the cuts', () => {
    const bytes = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }).map((t) => Buffer.from(t)),
      fc.string({ unit: 'binary', maxLength: 200 }).map((t) => Buffer.from(`\ufeff${t}`)),
      fc.tuple(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ maxLength: 60 })).map(([a, b, c]) => Buffer.from(a + b + c)),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), // mostly invalid UTF-8
      // Lead bytes, continuation bytes, surrogates and bytes that never occur, packed close.
      fc.array(fc.constantFrom(0x41, 0x80, 0xbf, 0xc0, 0xc2, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f, 0x98, 0xff), { maxLength: 60 }).map((b) => Buffer.from(b)),
    );
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 40 }), (b, block) => {
        expect(decodeInBlocks(b, block)).toBe(b.toString('utf8'));
        expect(decodeText(b, block)).toBe(b.toString('utf8'));
      }),
      { numRuns: 5000 },
    );
    // A bundle: non-ASCII in its licence line, then long ASCII runs.
    const bundle = Buffer.from(`/*! © — */\n${'const token = getToken(options);\n'.repeat(5000)}é`);
    expect(bundle.length).toBeGreaterThan(4 * DECODE_BLOCK);
    expect(decodeBlob(bundle)).toBe(bundle.toString('utf8'));
    expect(decodeText(bundle, DECODE_BLOCK)).toBe(bundle.toString('utf8'));
  });
});
