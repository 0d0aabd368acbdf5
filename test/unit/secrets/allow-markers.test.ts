import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllowMarkers, MARKER_SCAN_LIMIT, markerLineText } from '../../../src/core/secrets/allow-markers.js';
import { LineIndex } from '../../../src/core/secrets/lines.js';
import { hasAllowMarker } from '../../../src/core/secrets/suppression.js';

/** The plain definition: the line (both ends of a long one) tested on its own. */
function plain(content: string, lines: LineIndex, line: number): boolean {
  return hasAllowMarker(markerLineText(content, lines, line));
}

describe('allow markers of a file: listed once, looked up per line', () => {
  const piece = fc.constantFrom('a', 'x = 1', '\n', '\r\n', ' ', '//', 'nhi-steward:allow', 'NHI-Steward:Allow', 'gitleaks:', 'allow', 'gitleaks:allow', 'pragma: allowlist secret', 'pragma:', ' allowlist secret', 'nhi-stewar');

  it('answer as the line-by-line test, before and after the file is indexed, in any order (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 300 }), fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (pieces, asks) => {
        const content = pieces.join('');
        const lines = new LineIndex(content);
        const count = lines.lineCount;
        const markers = new AllowMarkers(content, lines);
        for (const n of asks) {
          const line = 1 + (n % count);
          expect(markers.onLine(line)).toBe(plain(content, lines, line));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('check a line longer than the scan limit at both ends only, as before', () => {
    const long = `${'x'.repeat(MARKER_SCAN_LIMIT / 2 + 10)}gitleaks:allow${'y'.repeat(MARKER_SCAN_LIMIT / 2 + 10)}`;
    const end = `${'x'.repeat(MARKER_SCAN_LIMIT)} // nhi-steward:allow`;
    const content = [...Array.from({ length: 100 }, (_, i) => (i % 7 === 0 ? `k${i} // pragma: allowlist secret` : `k${i}`)), long, end, 'last'].join('\n');
    const lines = new LineIndex(content);
    const markers = new AllowMarkers(content, lines);
    const expected = Array.from({ length: lines.lineCount }, (_, i) => plain(content, lines, i + 1));
    expect(expected[100]).toBe(false); // the marker in the middle of the long line is not seen
    expect(expected[101]).toBe(true);
    for (let round = 0; round < 2; round++) for (let line = 1; line <= lines.lineCount; line++) expect(markers.onLine(line)).toBe(expected[line - 1]);
  });
});
