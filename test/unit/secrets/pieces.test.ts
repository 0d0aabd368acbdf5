/**
 * Over-size files are scanned in pieces (src/core/secrets/pieces.ts). With small pieces, any text
 * gives the findings a whole-file scan gives: same rules, lines, columns (UTF-16, across
 * multi-byte characters and lines cut mid-way) and fingerprints, each once; in change modes the
 * same added lines judged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { PieceScanner, scanBytesInPieces, type PieceSizes } from '../../../src/core/secrets/pieces.js';
import { toSourceFile } from '../../../src/core/source.js';
import { defaultSettings, type Finding } from '../../../src/core/types.js';
import { fakeGithubToken } from '../../support/cli/run-cli.js';

const settings = defaultSettings();
const SMALL: PieceSizes = { piece: 2048, back: 512, ahead: 1024 };
const shape = (f: Finding) => [f.rule, f.line, f.column, f.endLine, f.endColumn, f.fingerprint].join(' ');
const whole = (text: string, addedLines?: Set<number>) => scanSecrets({ path: 'dump.sql', content: text, ...(addedLines ? { addedLines } : {}) }, settings).map(shape);
const inPieces = (text: string, addedLines?: Set<number>, sizes = SIZES) => scanBytesInPieces('dump.sql', Buffer.from(text), settings, addedLines, undefined, sizes)!.map(shape);

/** Deterministic letters and digits. */
const rnd = (n: number, seed: number) => {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out += A[s % A.length];
  }
  return out;
};
/** Prefixed tokens, values found by the name before them, and a pair that spans two lines. */
const secretLine = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 3 })).map(([n, kind]) =>
  kind === 0
    ? `token = "${fakeGithubToken(n)}"`
    : kind === 1
      ? `aws_secret_access_key = "${rnd(40, n)}"`
      : kind === 2
        ? `DB_PASSWORD="${rnd(20, n)}"`
        : `AWS_ACCESS_KEY_ID=AKIA${rnd(16, n).toUpperCase().replace(/[^A-Z2-7]/g, 'Q')}\nAWS_SECRET_ACCESS_KEY=${rnd(40, n + 1)}`,
);
const fillerLine = fc.oneof(
  fc.constantFrom('', 'INSERT INTO t VALUES (1, 2, 3);', 'café déjà vu — naïve', '日本語のテキスト', 'emoji 😀😀 here', '\r'),
  fc.string({ minLength: 0, maxLength: 100 }).filter((s) => !s.includes('\0')),
);
/**
 * Lines short enough that the lines a finding can depend on (a pair joins halves up to 5 lines
 * apart) lie within BACK bytes: the pieces then see what the whole file shows around each value.
 */
const text = fc.array(fc.oneof({ weight: 6, arbitrary: fillerLine }, { weight: 2, arbitrary: secretLine }), { minLength: 20, maxLength: 300 }).map((lines) => lines.join('\n'));
const SIZES: PieceSizes = { piece: 4096, back: 2048, ahead: 2048 };

/**
 * Lines far longer than a piece, cut mid-way (no line feed near the cut), each holding at most
 * one value, with short lines between them.
 */
const longLine = fc
  .tuple(fc.integer({ min: 1000, max: 9000 }), fc.constantFrom('a', 'é', '日', '😀'), fc.option(secretLine.filter((l) => !l.includes('\n')), { nil: undefined }))
  .map(([n, ch, secret]) => `${ch.repeat(n / ch.length)}${secret ? ` ${secret} ` : ''}${'x'.repeat(n % 300)}`);
const longLines = fc.array(fc.tuple(longLine, fc.array(fc.constantFrom('', 'a = 1', 'café'), { minLength: 6, maxLength: 10 })), { minLength: 1, maxLength: 12 }).map((parts) => parts.map(([line, rest]) => [line, ...rest].join('\n')).join('\n'));

describe('secrets of an over-size file, scanned in pieces', () => {
  it('are the whole file\'s findings, each once, with the whole file\'s lines and columns', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(inPieces(t)).toEqual(whole(t));
      }),
      { numRuns: 150 },
    );
  });

  it('lines longer than a piece are cut mid-way: columns still count UTF-16 units from the line\'s start', () => {
    fc.assert(
      fc.property(longLines, (t) => {
        expect(inPieces(t, undefined, SMALL)).toEqual(whole(t));
      }),
      { numRuns: 150 },
    );
  });

  it('judge the same added lines as a whole-file scan (change modes)', () => {
    fc.assert(
      fc.property(text, fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 60 }), (t, added) => {
        const lines = new Set(added);
        expect(inPieces(t, lines)).toEqual(whole(t, lines));
      }),
      { numRuns: 100 },
    );
  });

  it('a secret at the very end of a large file, after megabytes of padding, is found at its place', () => {
    const token = fakeGithubToken(77);
    const padding = `${'-- generated padding line\n'.repeat(300_000)}`; // ~7.8 MB
    const found = scanBytesInPieces('big.sql', Buffer.from(`${padding}x = "${token}"\n`), settings);
    expect(found!.map((f) => [f.rule, f.line, f.column])).toEqual([['secret/github-classic-pat', 300_001, 6]]);
    expect(JSON.stringify(found)).not.toContain(token);
  });

  it('a binary file (NUL in its first 8 KiB) gives nothing to report', () => {
    const pieces = new PieceScanner('blob.bin', settings, undefined, undefined, SMALL);
    pieces.push(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`token = "${fakeGithubToken(3)}"\n`.repeat(500))]));
    expect(pieces.finish()).toBeUndefined();
  });

  /**
   * The findings of `bytes` pushed in the chunks `cuts` gives, then the rest (undefined: binary).
   * Each chunk comes in one reused buffer, written over after the push, as the file reader and git's
   * blob reader reuse theirs: the scanner must keep a copy.
   */
  const pushedIn = (bytes: Buffer, cuts: readonly number[], sizes = SIZES): Finding[] => {
    const pieces = new PieceScanner('dump.sql', settings, undefined, undefined, sizes);
    const reused = Buffer.alloc(bytes.length);
    const push = (from: number, to: number): void => {
      const chunk = reused.subarray(0, to - from);
      bytes.copy(chunk, 0, from, to);
      pieces.push(chunk);
      chunk.fill(0x5a); // 'Z'
    };
    let at = 0;
    for (const n of cuts) {
      push(at, Math.min(bytes.length, at + n));
      at = Math.min(bytes.length, at + n);
    }
    push(at, bytes.length);
    return pieces.finish() as Finding[];
  };

  it('bytes pushed in any split give the same findings', () => {
    fc.assert(
      fc.property(text, fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }), (t, cuts) => {
        expect(pushedIn(Buffer.from(t), cuts).map(shape)).toEqual(whole(t));
      }),
      { numRuns: 60 },
    );
  });

  it('a push larger than the room left, after bytes already held, gives the same findings', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 8 * 1024 + 2, max: 20_000 }), (t, first) => {
        // The first push passes the 8 KiB sniffed for the layout (so its bytes are held), and the second,
        // over 128 KiB, does not fit beside what is left of them: the piece store grows.
        const long = Array.from({ length: Math.ceil((128 * 1024) / (t.length + 1)) + 1 }, () => t).join('\n');
        expect(pushedIn(Buffer.from(long), [first]).map(shape)).toEqual(whole(long));
      }),
      { numRuns: 15 },
    );
  });

  const utf16 = (t: string, order: 'le' | 'be', mark: boolean): Buffer => {
    const le = Buffer.from(t, 'utf16le');
    if (order === 'be') le.swap16();
    return mark ? Buffer.concat([Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), le]) : le;
  };

  it('UTF-16 text over the limit, either order, with a mark or without, in any split (odd ones, halves of surrogate pairs): the findings of the same file read whole', () => {
    fc.assert(
      fc.property(text, fc.constantFrom<'le' | 'be'>('le', 'be'), fc.boolean(), fc.array(fc.integer({ min: 1, max: 5001 }), { minLength: 1, maxLength: 20 }), (t, order, mark, cuts) => {
        const bytes = utf16(t, order, mark);
        const file = toSourceFile('dump.sql', bytes, { maxFileSize: bytes.length });
        const found = pushedIn(bytes, cuts);
        if (!('content' in file)) expect(found).toBeUndefined(); // read as binary whole, as binary in pieces
        else expect(found!.map(shape)).toEqual(scanSecrets(file, settings).map(shape));
      }),
      { numRuns: 120 },
    );
  });

  it('a UTF-16 PowerShell transcript of several MB, token near its end: found at its line, as the whole file has it', () => {
    const token = fakeGithubToken(91);
    const text = `${'PS C:\\deploy> Get-Service | Where-Object Status -eq "Running"\r\n'.repeat(60_000)}$env:GITHUB_TOKEN = "${token}"\r\n`;
    for (const bytes of [utf16(text, 'le', true), utf16(text, 'be', false)]) {
      expect(bytes.length).toBeGreaterThan(5 * 1024 * 1024);
      const found = scanBytesInPieces('transcript.txt', bytes, settings, undefined, undefined, { piece: 1 << 20, back: 64 << 10, ahead: 256 << 10 });
      expect(found!.map((f) => [f.rule, f.line, f.column])).toEqual([['secret/github-classic-pat', 60_001, 22]]);
      const read = toSourceFile('transcript.txt', bytes, { maxFileSize: bytes.length });
      expect(found!.map(shape)).toEqual(scanSecrets(read as { path: string; content: string }, settings).map(shape));
      expect(JSON.stringify(found)).not.toContain(token);
    }
  });

  it('UTF-16 cut after the first half of a surrogate pair, or inside a code unit: the same value, lines and columns as the whole file', () => {
    const filler = Array.from({ length: 400 }, (_, i) => `INSERT INTO t VALUES (${i}, 'row ${i}');`).join('\r\n');
    const text = `${filler}\r\nDB_PASSWORD="😀😀Zm8qLx2vR7kTq9"\r\n${filler}\r\ntoken = "${fakeGithubToken(12)}"\r\n`;
    for (const order of ['le', 'be'] as const) {
      const bytes = utf16(text, order, false);
      const read = toSourceFile('dump.sql', bytes, { maxFileSize: bytes.length });
      const expected = scanSecrets(read as { path: string; content: string }, settings).map(shape);
      expect(expected.map((f) => f.split(' ')[0])).toEqual(['secret/generic-password', 'secret/github-classic-pat']);
      const emoji = 2 * text.indexOf('😀'); // its high surrogate's first byte
      expect(emoji).toBeGreaterThan(8 * 1024 + 2); // past the bytes that decide the layout
      // Cut between the halves of the first pair, then one byte into the second pair's high surrogate.
      expect(pushedIn(bytes, [emoji + 2, 3, 1001]).map(shape)).toEqual(expected);
    }
  });

  it('stays binary where a whole file is: NULs in the first 8 KiB that do not read as UTF-16 text', () => {
    const table = Buffer.from(Uint16Array.from({ length: 8192 }, (_, i) => i % 200).buffer); // little numbers: control characters
    expect(pushedIn(table, [3, 4097])).toBeUndefined();
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(20_000, 7)]);
    expect(pushedIn(png, [1])).toBeUndefined();
  });
});
