import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineHasAllowMarker, MARKER_SCAN_LIMIT, markerLineText } from '../../../src/core/secrets/allow-markers.js';
import { ByteText } from '../../../src/core/secrets/byte-text.js';
import { LineIndex } from '../../../src/core/secrets/lines.js';
import { hasAllowMarker } from '../../../src/core/secrets/suppression.js';

/** The plain definition: the line (both ends of a long one) cut out and tested on its own. */
function plain(content: string, lines: LineIndex, line: number): boolean {
  return hasAllowMarker(markerLineText(content, lines, line));
}

describe('allow markers: lines without `allow` skip the pattern', () => {
  const piece = fc.constantFrom('a', 'x = 1', '\n', '\r\n', ' ', '//', 'nhi-steward:allow', 'NHI-Steward:ALLOW', 'gitleaks:', 'aLLoW', 'allo', 'gitleaks:allow', 'pragma: allowlist secret', 'PRAGMA: AllowList Secret', 'pragma:', ' allowlist secret', 'nhi-stewar', 'ſ', 'K', 'İ', 'ı', 'ａｌｌｏｗ', '\u212a');

  it('answer as the pattern on the cut-out line (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), (pieces) => {
        const content = pieces.join('');
        const lines = new LineIndex(content);
        for (let line = 1; line <= lines.lineCount; line++) expect(lineHasAllowMarker(content, lines, line)).toBe(plain(content, lines, line));
      }),
      { numRuns: 1000 },
    );
  });

  it('answer the same on a text read from its bytes, never reading past its end (fast-check)', () => {
    const latin1 = piece.filter((p) => [...p].every((c) => c.charCodeAt(0) < 256));
    fc.assert(
      fc.property(fc.array(latin1, { maxLength: 200 }), fc.constantFrom('', 'w', 'W', 'ow', 'low', 'allow', ' gitleaks:allow\n'), (pieces, after) => {
        const content = pieces.join('');
        // The buffer goes on past the text (as a reused one does): what lies there must not count.
        const text = new ByteText(Buffer.from(content + after, 'latin1'), content.length);
        const lines = new LineIndex(content);
        for (let line = 1; line <= lines.lineCount; line++) expect(lineHasAllowMarker(text, lines, line, content)).toBe(plain(content, lines, line));
      }),
      { numRuns: 1000 },
    );
  });

  it('the marker pattern folds only the two ASCII cases of each letter of `allow` (every code unit checked)', () => {
    for (const letter of 'alow') {
      const re = new RegExp(letter, 'i');
      const folded: number[] = [];
      for (let c = 0; c < 0x10000; c++) if (re.test(String.fromCharCode(c))) folded.push(c);
      expect(folded).toEqual([letter.toUpperCase().charCodeAt(0), letter.charCodeAt(0)]);
      expect(folded.every((c) => (c | 32) === letter.charCodeAt(0))).toBe(true);
    }
  });

  it('check a line longer than the scan limit at both ends only, as before', () => {
    const long = `${'x'.repeat(MARKER_SCAN_LIMIT / 2 + 10)}gitleaks:allow${'y'.repeat(MARKER_SCAN_LIMIT / 2 + 10)}`;
    const end = `${'x'.repeat(MARKER_SCAN_LIMIT)} // nhi-steward:allow`;
    const content = ['a // pragma: allowlist secret', 'b allow', long, end, 'last'].join('\n');
    const lines = new LineIndex(content);
    expect(Array.from({ length: lines.lineCount }, (_, i) => lineHasAllowMarker(content, lines, i + 1))).toEqual([true, false, false, true, false]);
    for (let line = 1; line <= lines.lineCount; line++) expect(lineHasAllowMarker(content, lines, line)).toBe(plain(content, lines, line));
  });
});
