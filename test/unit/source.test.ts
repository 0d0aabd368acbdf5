import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBlob, decodeInBlocks, decodeText, DECODE_BLOCK, toSourceFile, utf16Text } from '../../src/core/source.js';
import { scanSecrets } from '../../src/core/secrets/engine.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { defaultSettings, type SourceFile } from '../../src/core/types.js';

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

describe('UTF-16 text (a NUL byte every other byte: PowerShell Out-File, regedit exports)', () => {
  const settings = { maxFileSize: 5 * 1024 * 1024 };
  const script = '$env:AWS_SECRET_ACCESS_KEY = "example"\r\n\t# café, naïve — ok\r\nWrite-Host "done"\r\n';
  const le = (text: string) => Buffer.from(text, 'utf16le');
  const be = (text: string) => Buffer.from(text, 'utf16le').swap16();
  const BOM_LE = Buffer.from([0xff, 0xfe]);
  const BOM_BE = Buffer.from([0xfe, 0xff]);

  it('is decoded in either byte order, with or without a byte-order mark (dropped), instead of skipped as binary', () => {
    for (const bytes of [Buffer.concat([BOM_LE, le(script)]), Buffer.concat([BOM_BE, be(script)]), le(script), be(script)]) {
      expect(toSourceFile('setup.ps1', bytes, settings, new Set([2]))).toEqual({ path: 'setup.ps1', content: script, addedLines: new Set([2]) });
    }
    // With a mark, any text; without one, text of any script whose NULs (the high bytes of its
    // ASCII characters) all fall on one side of each pair.
    const cjk = '鍵 = "値"\n'.repeat(20);
    expect(utf16Text(Buffer.concat([BOM_LE, le(cjk)]))).toBe(cjk);
    expect(utf16Text(le(cjk))).toBe(cjk);
    expect(utf16Text(be(cjk))).toBe(cjk);
    // Half a code unit at the end is dropped, not decoded as garbage.
    expect(utf16Text(Buffer.concat([BOM_LE, le(script), Buffer.from([0x41])]))).toBe(script);
  });

  it('without a mark, text of a non-Latin script is read in its order, a token in it found where it is', () => {
    // A Japanese PowerShell transcript and a Russian .reg export, no byte-order mark: mostly
    // characters past ASCII, whose NUL bytes are only those of the ASCII ones.
    const token = fakeGithubToken(301);
    const japanese = `${'# 設定ファイルを読み込み、資格情報を確認します。\r\n'.repeat(40)}$env:GITHUB_TOKEN = "${token}"\r\n# 完了\r\n`;
    const russian = `${'; Параметры подключения к серверу, не изменять вручную\r\n'.repeat(30)}"Token"="${token}"\r\n`;
    for (const [text, line] of [[japanese, 41], [russian, 31]] as const) {
      for (const bytes of [le(text), be(text)]) {
        const file = toSourceFile('settings.ps1', bytes, settings);
        expect(file).toEqual({ path: 'settings.ps1', content: text });
        const found = scanSecrets(file as SourceFile, defaultSettings());
        expect(found.map((f) => [f.rule, f.line])).toEqual([['secret/github-classic-pat', line]]);
      }
    }
    // Character U+4E00 (一) puts a NUL on the other side of its pair: one in twenty is allowed.
    const mixed = '一'.repeat(3) + 'テスト 1\n'.repeat(60);
    expect(utf16Text(le(mixed))).toBe(mixed);
  });

  it('without a mark and not mostly ASCII: stays binary when the NULs fall on both sides, are too few, or the text reads as unassigned or private-use characters or half surrogate pairs', () => {
    const binary = { path: 'x', reason: 'binary', detail: 'NUL byte in the first 8 KiB' };
    const japanese = '設定ファイルを読み込みます。\n'.repeat(30);
    // NULs on both sides: the same text, one pair of every 16 shifted by a byte.
    const shifted = Buffer.concat([le(japanese.slice(0, 100)), Buffer.from([0]), le(japanese.slice(100))]);
    expect(toSourceFile('x', shifted, settings)).toEqual(binary);
    // Text in either order, but with as many NULs on each side (一 is 00 4E, a space 20 00): which order is meant is a guess, so not a text.
    expect(toSourceFile('x', le('一 '.repeat(300)), settings)).toEqual(binary);
    // Seven NULs only.
    expect(toSourceFile('x', le(`${'設定ファイル'.repeat(200)}${'\n'.repeat(7)}`), settings)).toEqual(binary);
    // NULs on one side, but the rest reads as private-use characters (U+E000…), or as unpaired halves of surrogate pairs.
    const privateUse = Buffer.from(Uint16Array.from({ length: 600 }, (_, i) => (i % 10 === 0 ? 0x20 : 0xe000 + i)).buffer);
    expect(toSourceFile('x', privateUse, settings)).toEqual(binary);
    const halves = Buffer.from(Uint16Array.from({ length: 600 }, (_, i) => (i % 10 === 0 ? 0x0a : 0xd801 + (i % 6))).buffer);
    expect(toSourceFile('x', halves, settings)).toEqual(binary);
    // The same text is text (what each case above breaks).
    expect(toSourceFile('x', le(japanese), settings)).toEqual({ path: 'x', content: japanese });
  });

  it('stays binary: UTF-32, NULs or control characters in the text, tables of 16-bit numbers, random bytes', () => {
    const binary = { path: 'x', reason: 'binary', detail: 'NUL byte in the first 8 KiB' };
    const utf32 = Buffer.alloc(script.length * 4);
    for (let i = 0; i < script.length; i++) utf32.writeUInt32LE(script.charCodeAt(i), 4 * i);
    expect(toSourceFile('x', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32]), settings)).toEqual(binary);
    expect(toSourceFile('x', utf32, settings)).toEqual(binary);
    expect(toSourceFile('x', Buffer.concat([BOM_LE, le(`abc\u0000def${script}`)]), settings)).toEqual(binary);
    expect(toSourceFile('x', le(`${script}\u001b[2J${script}`), settings)).toEqual(binary);
    const table = Buffer.from(Uint16Array.from({ length: 512 }, (_, i) => i % 200).buffer); // little numbers, high bytes zero
    expect(toSourceFile('x', table, settings)).toEqual(binary);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 1)]);
    expect(toSourceFile('x', png, settings)).toEqual(binary);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 4096 }), (bytes) => {
        const withNul = Buffer.concat([Buffer.from([0x41, 0]), bytes]);
        const file = toSourceFile('x', withNul, settings);
        // Whatever random bytes decode to, a text holds no control character but tab and line ends.
        if ('content' in file) expect(file.content.slice(0, 4096)).not.toMatch(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/);
        else expect(file).toEqual(binary);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any text of printable characters, tabs and line ends, in both orders, with a mark', () => {
    const char = fc.oneof(fc.constantFrom('\t', '\n', '\r', ' '), fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), fc.integer({ min: 0xa0, max: 0xd7ff }).map((c) => String.fromCharCode(c)));
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 300 }).map((cs) => cs.join('')), (text) => {
        expect(utf16Text(Buffer.concat([BOM_LE, le(text)]))).toBe(text);
        expect(utf16Text(Buffer.concat([BOM_BE, be(text)]))).toBe(text);
      }),
    );
  });
});
