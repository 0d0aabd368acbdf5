/**
 * Texts read from their bytes (src/core/secrets/byte-text.ts): history mode's long versions. Each
 * test compares a `ByteText` with the string it stands for: its reads, the runs two versions
 * share (versions.ts), and what the secrets engine reports, version after version.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { BYTE_TEXT_FROM, ByteText } from '../../../src/core/secrets/byte-text.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { FileVersions, SEARCH_FROM, sharedByteSegments, sharedSegments } from '../../../src/core/secrets/versions.js';
import { decodeBlob, toStandInSourceFile } from '../../../src/core/source.js';
import { defaultSettings, type Finding, type ScanSettings, type SourceFile } from '../../../src/core/types.js';
import { scanBlobBytes } from '../../../src/workspace/history-blob.js';

/** `text` as a ByteText over a buffer longer than it, whose bytes past the end are line feeds (a read past `length` would show). */
function byteText(text: string): ByteText {
  const bytes = Buffer.alloc(text.length + 64, 10);
  bytes.write(text, 0, 'latin1');
  return new ByteText(bytes, text.length);
}

describe('ByteText', () => {
  it('reads as the string it stands for: charCodeAt, slice, substring, indexOf and lastIndexOf of a line feed, length', () => {
    // Lines short and long (past the 256 characters `indexOf` loops over before asking Node), Latin-1 placeholders too.
    const line = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('x'.repeat(300), 'token = "a1b2c3d4e5f6"', '\x80\xa0é'));
    const offset = fc.integer({ min: -5, max: 2000 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(fc.tuple(offset, offset), { minLength: 1, maxLength: 8 }), (lines, places) => {
        const text = Buffer.from(lines.join('\n'), 'latin1').toString('latin1'); // one byte a character
        const t = byteText(text);
        expect(t.length).toBe(text.length);
        expect(t.toString()).toBe(text);
        for (const [a, b] of places) {
          expect(t.charCodeAt(a)).toEqual(text.charCodeAt(a));
          if (a >= 0 && b >= 0) {
            expect(t.slice(a, b)).toBe(text.slice(a, b));
            expect(t.substring(a, b)).toBe(text.substring(a, b));
            expect(t.slice(a)).toBe(text.slice(a));
          }
          expect(t.indexOf('\n', a)).toBe(text.indexOf('\n', a));
          expect(t.lastIndexOf('\n', a)).toBe(text.lastIndexOf('\n', a));
        }
        expect(t.indexOf('\n')).toBe(text.indexOf('\n'));
        expect(t.lastIndexOf('\n')).toBe(text.lastIndexOf('\n'));
        const copy = Buffer.alloc(text.length + 8);
        expect(t.copyTo(copy, 3, 2, text.length + 50)).toBe(Math.max(0, text.length - 2));
        expect(copy.toString('latin1', 3, 3 + Math.max(0, text.length - 2))).toBe(text.slice(2));
      }),
      { numRuns: 500 },
    );
  });
});

describe('sharedByteSegments', () => {
  it('finds the same runs on the bytes as sharedSegments on the strings, for versions edited in several places', () => {
    const lines = fc.array(fc.constantFrom('const token = getToken(options);', '  return apiKey ?? process.env.API_KEY;', '', 'function x(a, b) { return a + b; }', '  "version": "4.2.0",', 'é\xa0\x80 licence'), { minLength: 100, maxLength: 300 });
    const edits = fc.array(fc.record({ at: fc.nat({ max: 1000 }).map((k) => k / 1000), cut: fc.nat({ max: 3000 }), inserted: fc.string({ maxLength: 200 }) }), { minLength: 0, maxLength: 6 });
    let runs = 0;
    fc.assert(
      fc.property(lines, edits, (parts, batch) => {
        let before = parts.join('\n');
        while (before.length < SEARCH_FROM) before += `\n${before}`;
        const after = batch.reduce((t, { at, cut, inserted }) => {
          const where = Math.floor(at * t.length);
          return t.slice(0, where) + Buffer.from(inserted, 'latin1').toString('latin1') + t.slice(Math.min(t.length, where + cut));
        }, before);
        const strings = sharedSegments(before, after);
        runs += strings.length / 3;
        expect(sharedByteSegments(Buffer.from(before, 'latin1'), Buffer.from(after, 'latin1'))).toEqual(strings);
        // And through sharedSegments itself, given two ByteTexts (the kept version and this one).
        expect(sharedSegments(byteText(before), byteText(after))).toEqual(strings);
      }),
      { numRuns: 60 },
    );
    expect(runs).toBeGreaterThan(100); // not vacuous
  });
});

/**
 * A file of `text`'s UTF-8 bytes as history mode makes it, read from its bytes when `fromBytes`
 * (whatever its length), and then with a `content` that throws: the engine must not make its whole
 * text. `fresh` guards its bytes.
 */
function historyFile(path: string, text: string, fromBytes: boolean, fresh: () => boolean = () => true, into?: Buffer): SourceFile {
  // `into`: the bytes written into a buffer that the next file reuses, as git's output is.
  const bytes = into === undefined ? Buffer.from(text, 'utf8') : into.subarray(0, into.write(text, 0, 'utf8'));
  const file = toStandInSourceFile(path, bytes, { maxFileSize: 1 << 26 }, fresh, decodeBlob, fromBytes ? 0 : Number.POSITIVE_INFINITY);
  if (!('content' in file)) throw new Error('skipped');
  if (fromBytes && fresh === alwaysFresh) {
    Object.defineProperty(file, 'content', {
      get: () => {
        throw new Error('the whole text of a file read from its bytes was asked for');
      },
    });
  }
  return file;
}
const alwaysFresh = () => true;

const settings = defaultSettings();
const location = defaultSettings({ fingerprint: { kind: 'location' } });

/** Every detector's samples, positive and negative, one after another: a file of ~1,600 secrets and ~2,000 near misses. */
const catalogText = allDetectors.flatMap((d) => [...d.samples.positive.map((p) => p.text), ...d.samples.negative.map((n) => (typeof n === 'string' ? n : n.text))]).join('\n');

/**
 * A new stretch far longer than a keyword's reach (a bundled module added): the keyword pass scans
 * it on its own, from the version's bytes (prefilter.ts, `stretch`), with tokens at its start, middle and end.
 */
const LONG_INSERT = `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 ${'const part = require("./module"); // token\n'.repeat(40)}password = "Zr4Lq9Xm2Vk7Tn8Wp1Bs3H"\n${'let x = secretKey(value);\n'.repeat(40)}xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx`;

describe('the secrets engine on a text read from its bytes', () => {
  it('reports what it reports on the string: every catalog sample, with a non-ASCII licence line, both fingerprint kinds', () => {
    for (const text of [catalogText, `// licence: © 2026 Ünïcode Ltd\n${catalogText}`]) {
      for (const s of [settings, location]) {
        const whole = scanSecrets(historyFile('dist/index.js', text, false), s);
        // Any read of the file's whole text would throw (historyFile).
        const fromBytes = historyFile('dist/index.js', text, true, alwaysFresh);
        expect(fromBytes.byteText).toBeDefined();
        expect(scanSecrets(fromBytes, s)).toEqual(whole);
        expect(whole.length).toBeGreaterThan(500);
      }
    }
  });

  it('reports the same, version after version, through the memory of earlier versions (kept as bytes), as a whole scan of each version', () => {
    const edits = fc.array(fc.record({ at: fc.nat({ max: 1000 }).map((k) => k / 1000), cut: fc.nat({ max: 2000 }), inserted: fc.constantFrom('', '\n', 'x', 'GITHUB_TOKEN=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\n', '// é changed\n', 'const apiKey = "Zr4Lq9Xm2Vk7Tn8Wp1Bs3H";\n', LONG_INSERT) }), { minLength: 1, maxLength: 4 });
    // One byte a character: kept as a copy of the blob's bytes; or not: the stand-in's buffer is kept.
    const ascii = catalogText.slice(0, 120_000).replace(/[^\x00-\x7f]/g, '?');
    const reused = Buffer.alloc(1 << 20);
    fc.assert(
      fc.property(fc.array(edits, { minLength: 2, maxLength: 4 }), fc.boolean(), fc.boolean(), (steps, locationKind, nonAscii) => {
        const s: ScanSettings = locationKind ? location : settings;
        const strings = new FileVersions();
        const bytes = new FileVersions();
        let text = nonAscii ? `// licence: © 2026\n${ascii}` : ascii;
        for (const batch of steps) {
          text = batch.reduce((t, { at, cut, inserted }) => {
            const where = Math.floor(at * t.length);
            return t.slice(0, where) + inserted + t.slice(Math.min(t.length, where + cut));
          }, text);
          const whole = scanSecrets(historyFile('dist/index.js', text, false), s);
          const asString = historyFile('dist/index.js', text, false);
          asString.versions = strings.version('dist/index.js');
          const fromBytes = historyFile('dist/index.js', text, true, alwaysFresh, reused);
          fromBytes.versions = bytes.version('dist/index.js');
          expect(scanSecrets(asString, s)).toEqual(whole);
          expect(scanSecrets(fromBytes, s)).toEqual(whole);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('history mode reads a blob of BYTE_TEXT_FROM or more from its bytes, and its whole text only while the blob is scanned', () => {
    let text = '';
    for (let i = 0; text.length < BYTE_TEXT_FROM; i++) text += `const value${i} = compute(${i}, "module"); // token: ${i % 7 === 0 ? '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' : 'none'}\n`;
    text = text.slice(0, BYTE_TEXT_FROM); // exactly the threshold
    const versions = new FileVersions();
    // The engine reads it through a ByteText (its windows are slices of one), not as one string.
    const slices = vi.spyOn(ByteText.prototype, 'slice');
    const outcome = scanBlobBytes('dist/index.js', Buffer.from(text), settings, undefined, versions);
    expect(slices).toHaveBeenCalled();
    slices.mockRestore();
    const whole = scanSecrets(historyFile('dist/index.js', text, false), settings);
    expect(outcome).toEqual({ scanned: true, findings: whole });
    // One byte short of the threshold: a string, and no ByteText read.
    const shorter = vi.spyOn(ByteText.prototype, 'slice');
    scanBlobBytes('dist/small.js', Buffer.from(text.slice(0, BYTE_TEXT_FROM - 1)), settings, undefined, new FileVersions());
    expect(shorter).not.toHaveBeenCalled();
    shorter.mockRestore();
    expect(whole.length).toBeGreaterThan(0);
    // A file made from the bytes while they are this blob's reads its whole text; once not, it throws.
    let fresh = true;
    const file = historyFile('dist/index.js', text, true, () => fresh);
    expect(file.content).toBe(text);
    const later = historyFile('dist/index.js', text, true, () => fresh);
    fresh = false;
    expect(() => later.content).toThrow(/reused/);
  });
});

// Findings are plain data: compared with toEqual above.
export type { Finding };
