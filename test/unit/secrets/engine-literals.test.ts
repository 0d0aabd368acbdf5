import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../../src/core/secrets/candidates.js';
import { compileCatalog, leadingLiteral, requiredLiterals, type CompiledCatalog } from '../../../src/core/secrets/compile.js';
import type { Detector } from '../../../src/core/secrets/detector.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';

/**
 * Required and leading literals (compile.ts `requiredLiterals`, `leadingLiteral`) are optimisations,
 * never a change of meaning: skipping windows without a required literal, and trying a regex only
 * where its leading literal occurs, must find exactly the raw matches of the plain `g` search.
 */
const fast = compileCatalog(allDetectors);
const plain: CompiledCatalog = { ...fast, detectors: fast.detectors.map((d) => ({ ...d, required: [], lead: undefined })) };

function both(catalog: CompiledCatalog, reference: CompiledCatalog, content: string, wholeFileBelow: number, path = 'src/app.ts') {
  const active = catalog.activeByDefault.slice();
  for (const i of catalog.pathScoped) active[i] = catalog.detectors[i].detector.pathPattern!.test(path) ? 1 : 0;
  return [findMatches(content, catalog, active, { wholeFileBelow }), findMatches(content, reference, active, { wholeFileBelow })];
}

const samplesOf = (d: Detector) => [...d.samples.positive.map((s) => ({ text: s.text, path: s.path })), ...d.samples.negative.map((s) => (typeof s === 'string' ? { text: s, path: undefined } : s))];

describe('requiredLiterals', () => {
  it('reads the plain runs of the top-level sequence', () => {
    expect(requiredLiterals(/\bname["']?[ \t]*[:=]x?value/i)).toEqual(['name', 'value']);
    expect(requiredLiterals(/abc?d+e{0,2}f{2}/)).toEqual(['ab', 'd', 'f']);
    expect(requiredLiterals(/a:\/\/b\.c/)).toEqual(['a://b.c']);
  });

  it('looks into groups that must occur, never into optional groups, classes or lookarounds', () => {
    expect(requiredLiterals(/x(?<secret>re_[0-9]{8}_)y/)).toEqual(['x', 're_', '_', 'y']);
    expect(requiredLiterals(/(?:opt)?(?=look)(?<!behind)[lit]+(?:a|b)z/)).toEqual(['z']);
    expect(requiredLiterals(/(?:abc)*d/)).toEqual(['d']);
  });

  it('gives nothing for a top-level alternation and skips escapes that are not punctuation', () => {
    expect(requiredLiterals(/abc|def/)).toEqual([]);
    expect(requiredLiterals(/(?<q>["']?)a\cJb\x41c\u0042d\p{L}e\k<q>f\1g/u)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(requiredLiterals(new RegExp('ab', 'v'))).toEqual([]);
  });

  it('only names literals that every match of every positive sample holds', () => {
    for (const d of allDetectors) {
      const literals = requiredLiterals(d.pattern);
      const fold = (s: string) => (d.pattern.flags.includes('i') ? s.toLowerCase() : s);
      const lead = leadingLiteral(d.pattern);
      for (const sample of d.samples.positive) {
        for (const m of sample.text.matchAll(new RegExp(d.pattern.source, d.pattern.flags.replace(/[gy]/g, '') + 'g'))) {
          for (const literal of literals) expect(fold(m[0]), `${d.id}: ${literal}`).toContain(fold(literal));
          if (lead) expect(fold(m[0]).startsWith(fold(lead)), `${d.id}: starts with ${lead}`).toBe(true);
        }
      }
    }
  });
});

describe('leadingLiteral', () => {
  it('skips leading assertions and enters leading groups', () => {
    expect(leadingLiteral(/\bname["']?=/i)).toBe('name');
    expect(leadingLiteral(/(?<![A-Za-z0-9_-])(?<secret>re_[0-9A-Za-z]{8})/)).toBe('re_');
    expect(leadingLiteral(/^(?=x)(?:ghp_)+[a-z]/m)).toBe('ghp_');
    expect(leadingLiteral(/abc?d/)).toBe('ab');
    expect(leadingLiteral(/ab+c/)).toBe('ab');
  });

  it('gives none when a match may start elsewhere', () => {
    expect(leadingLiteral(/ab|cd/)).toBeUndefined();
    expect(leadingLiteral(/(?:ab)?cd/)).toBeUndefined();
    expect(leadingLiteral(/(?:ab|cd)ef/)).toBeUndefined();
    expect(leadingLiteral(/[ab]cd/)).toBeUndefined();
    expect(leadingLiteral(/a?bc/)).toBeUndefined();
    expect(leadingLiteral(/\dabc/)).toBeUndefined();
  });
});

describe('literal-guided search', () => {
  it('finds what the plain search finds on every sample of the catalog, alone and inside long lines', () => {
    for (const d of allDetectors) {
      for (const { text, path } of samplesOf(d)) {
        for (const content of [text, `${'x=1;'.repeat(900)}${text}${';y=2'.repeat(900)}`, `${text}\n${text.toUpperCase()}\n${text.toLowerCase()}`]) {
          for (const mode of [Number.POSITIVE_INFINITY, 0]) {
            const [a, p] = both(fast, plain, content, mode, path);
            expect(a, d.id).toEqual(p);
          }
        }
      }
    }
  });

  it('finds what the plain search finds on text mixing leads, literals and keywords in any case (fast-check)', () => {
    const pieces = [...new Set(fast.detectors.flatMap((d) => [...requiredLiterals(d.detector.pattern), ...d.detector.keywords]))].filter((p) => p.length > 0);
    const values = allDetectors.flatMap((d) => d.samples.positive.map((s) => s.text)).slice(0, 400);
    const fragment = fc.oneof(
      fc.constantFrom(...pieces),
      fc.constantFrom(...pieces).map((p) => p.toUpperCase()),
      fc.constantFrom(...values),
      fc.constantFrom('\n', ' ', '=', ': ', '"', "'", '@', '://', 'name', 'value', 'NAME="', 'Value: '),
      fc.stringMatching(/^[A-Za-z0-9+\/=_.-]{1,60}$/),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
        const content = parts.join('');
        for (const mode of [Number.POSITIVE_INFINITY, 0]) {
          const [a, p] = both(fast, plain, content, mode);
          expect(a).toEqual(p);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps case folding exact for custom detectors (i and u flags)', () => {
    const detector = (id: string, pattern: RegExp): Detector => ({ id, title: id, provider: 'Test', level: 'error', keywords: ['kw'], pattern, samples: { positive: [], negative: [] } });
    const catalog = compileCatalog([detector('folded', /\bſecret_(?<secret>[a-z0-9]{8})/iu), detector('plain', /\bkey_(?<secret>[a-z0-9]{8})/i)]);
    const reference: CompiledCatalog = { ...catalog, detectors: catalog.detectors.map((d) => ({ ...d, required: [], lead: undefined })) };
    const content = 'kw SECRET_abcdef12 kw secret_abcdef13 KEY_abcdef14 kw ſecret_abcdef15 kw Key_abcdef16';
    for (const mode of [Number.POSITIVE_INFINITY, 0]) {
      const [a, p] = both(catalog, reference, content, mode);
      expect(a).toEqual(p);
      expect(a.map((m) => m.secret).sort()).toEqual(['abcdef12', 'abcdef13', 'abcdef14', 'abcdef15', 'abcdef16']);
    }
  });
});
