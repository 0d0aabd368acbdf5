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

  it('bytes pushed in any split give the same findings', () => {
    fc.assert(
      fc.property(text, fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }), (t, cuts) => {
        const bytes = Buffer.from(t);
        const pieces = new PieceScanner('dump.sql', settings, undefined, undefined, SIZES);
        let at = 0;
        for (const n of cuts) {
          pieces.push(bytes.subarray(at, at + n));
          at += n;
        }
        pieces.push(bytes.subarray(at));
        expect(pieces.finish()!.map(shape)).toEqual(whole(t));
      }),
      { numRuns: 60 },
    );
  });
});
