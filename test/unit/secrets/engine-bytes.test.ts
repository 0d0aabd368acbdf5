import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMatches, findMatchesInBytes } from '../../../src/core/secrets/candidates.js';
import { compileCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { KeywordAutomaton } from '../../../src/core/secrets/prefilter.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { toSourceFile } from '../../../src/core/source.js';
import { defaultSettings } from '../../../src/core/types.js';

/**
 * The keyword pass over raw bytes (decode only files with a hit) is an optimisation, never a change
 * of meaning: for any bytes, valid UTF-8 or not, it finds exactly the raw matches that the pass over
 * the decoded text finds.
 */
const catalog = compileCatalog(allDetectors);
const active = catalog.activeByDefault.slice();
const decode = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

const keywords = [...catalog.automaton.keywords];
const piece = fc.oneof(
  fc.constantFrom(...keywords),
  fc.constantFrom(...keywords).map((k) => k.toUpperCase()),
  fc.constantFrom('ghp_', 'AKIA', 'password = "', 'token: ', 'sk_live_', '\n', ' ', '"', 'é', 'ß', 'İ', 'K', 'ſ', '😀', '\uFEFF', '\u212A'),
  fc.stringMatching(/^[A-Za-z0-9+\/=_.-]{1,48}$/),
  fc.string({ maxLength: 12, unit: 'binary' }),
);
/** Text pieces as UTF-8, with stray invalid bytes (lone continuation bytes, truncated sequences) between them. */
const bytesOf = fc.array(fc.oneof(piece.map((p) => Buffer.from(p, 'utf8')), fc.constantFrom(Buffer.from([0x80]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xff, 0x41]), Buffer.from([0xf0, 0x9f]))), { maxLength: 60 }).map((parts) => new Uint8Array(Buffer.concat(parts)));

describe('keyword pass on bytes', () => {
  it('the full catalog has ASCII-only keywords (else the engine falls back to decoding every file)', () => {
    expect(catalog.automaton.asciiOnly).toBe(true);
    expect(new KeywordAutomaton(['pass', 'clé']).asciiOnly).toBe(false);
  });

  it('scanBytes reports the same hits as scan on ASCII text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...keywords), fc.stringMatching(/^[ -~\n]{0,30}$/)), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(catalog.automaton.scanBytes(Buffer.from(text, 'latin1'))).toEqual(catalog.automaton.scan(text));
      }),
      { numRuns: 300 },
    );
  });

  it.each([2 * 1024, 0])('finds the same raw matches as the pass over the decoded text (wholeFileBelow %i)', (wholeFileBelow) => {
    fc.assert(
      fc.property(bytesOf, (bytes) => {
        const text = decode(bytes);
        expect(findMatchesInBytes(bytes, () => text, catalog, active, { wholeFileBelow })).toEqual(findMatches(text, catalog, active, { wholeFileBelow }));
      }),
      { numRuns: 400 },
    );
  });

  it('decodes only files with a keyword hit', () => {
    let decoded = 0;
    const none = new Uint8Array(Buffer.from('nothing to see here\n'.repeat(50)));
    expect(findMatchesInBytes(none, () => (decoded++, decode(none)), catalog, active)).toEqual([]);
    expect(decoded).toBe(0);
  });

  it('a file from toSourceFile gives the same findings as the same text given decoded, non-ASCII included', () => {
    const settings = defaultSettings();
    const text = `// café ✓\nconst token = "ghp_${'A1b2C3d4E5'.repeat(3)}abcdef";\nAWS_ACCESS_KEY_ID=AKIA${'Q'.repeat(4)}7EXAMPLE2X3Y\n`;
    const file = toSourceFile('src/app.ts', Buffer.from(text, 'utf8'), settings);
    if (!('content' in file)) throw new Error('not a source file');
    const viaBytes = scanSecrets(file, settings);
    expect(viaBytes).toEqual(scanSecrets({ path: 'src/app.ts', content: text }, settings));
    expect(viaBytes.length).toBeGreaterThan(0);
    expect(file.content).toBe(text);
    expect({ ...file }).toEqual({ path: 'src/app.ts', content: text });
  });
});
