import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { KeywordAutomaton, WASM_FROM } from '../../../src/core/secrets/prefilter.js';
import { CHUNK, HIT_SLOTS, STREAMS, WasmKeywordScanner } from '../../../src/core/secrets/prefilter-wasm.js';

/**
 * The WebAssembly keyword loop (prefilter-wasm.ts) is the JavaScript loop compiled ahead of time:
 * on any text it must report exactly the keyword ends the JavaScript loop reports, across its
 * chunk boundaries and when its hit buffer fills.
 */
const catalog = compileCatalog(allDetectors).automaton;
const keywords = catalog.keywords;

function same(automaton: KeywordAutomaton, text: string): void {
  const js = automaton.scanJs(text);
  expect(automaton.scan(text)).toEqual(js);
}

describe('WebAssembly keyword scan', () => {
  it('is available here, so the comparisons below exercise it', () => {
    const a = new KeywordAutomaton(['ghp_', 'xoxb-']) as unknown as { classOf: Uint16Array; classCount: number; delta: Int32Array };
    expect(WasmKeywordScanner.create(a.classOf, a.classCount, a.delta, 5)).not.toBeNull();
  });

  it('finds what the JavaScript loop finds on text made of keywords, noise and any code units (fast-check)', () => {
    const piece = fc.oneof(
      fc.constantFrom(...keywords),
      fc.constantFrom(...keywords).map((k) => k.toUpperCase()),
      fc.string({ maxLength: 30, unit: 'binary' }),
      fc.string({ maxLength: 30, unit: 'grapheme' }),
      fc.constantFrom('\ud800', '\udfff', '\u0000', '\uffff', '\u212a', 'İ', '\n'),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 400 }), (parts) => {
        const text = parts.join('').padEnd(WASM_FROM, ' ');
        same(catalog, text);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a text of one-byte characters (ASCII, Latin-1, stand-in placeholders) one byte a code unit, with the same results (fast-check)', () => {
    const latin1 = fc.array(fc.integer({ min: 0, max: 0xff }), { maxLength: 30 }).map((codes) => String.fromCharCode(...codes));
    const piece = fc.oneof(fc.constantFrom(...keywords), fc.constantFrom(...keywords).map((k) => k.toUpperCase()), latin1, fc.constantFrom('\x80', '\xa0', 'é', 'ÿ', '\n'));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 400 }), fc.boolean(), (parts, wide) => {
        // The same text with one character past U+00FF at its end is scanned two bytes a code unit.
        const text = parts.join('').padEnd(WASM_FROM, ' ') + (wide ? 'Ω' : '');
        same(catalog, text);
      }),
      { numRuns: 200 },
    );
    // Across chunk and stream borders, one byte a code unit.
    const longest = keywords.reduce((a, b) => (b.length > a.length ? b : a));
    for (const cut of [1, 2, 3]) same(catalog, `${'\xa0'.repeat(CHUNK - cut)}${longest}${'é'.repeat(CHUNK)}ghp_${'x'.repeat(5003)}password`);
  });

  it('carries its state across chunks: keywords straddling every chunk boundary', () => {
    for (const keyword of ['ghp_', 'password', keywords.reduce((a, b) => (b.length > a.length ? b : a))]) {
      for (let cut = 1; cut < keyword.length; cut++) {
        const text = 'x'.repeat(CHUNK - cut) + keyword + 'y'.repeat(CHUNK - keyword.length) + keyword + 'z'.repeat(17);
        same(catalog, text);
        expect(catalog.scan(text).length).toBeGreaterThanOrEqual(4);
      }
    }
  });

  it('splits each chunk into streams without losing or doubling a keyword across their borders', () => {
    const longest = keywords.reduce((a, b) => (b.length > a.length ? b : a));
    for (const length of [STREAMS * (2 * longest.length + 256), 5000, 5003]) {
      const part = Math.floor(length / STREAMS);
      for (let s = 1; s < STREAMS; s++) {
        for (const keyword of ['ghp_', 'password', longest]) {
          for (let cut = -2; cut <= keyword.length + 2; cut++) {
            const text = ('x'.repeat(s * part - cut) + keyword).padEnd(length, 'q');
            same(catalog, text);
            expect(catalog.scan(text).length, `${keyword} cut ${cut} at border ${s}`).toBeGreaterThanOrEqual(2);
          }
        }
      }
    }
  });

  it('collects every hit when one chunk holds more keyword ends than its buffer', () => {
    const text = 'ghp_ token=key '.repeat(HIT_SLOTS * 3); // more than a chunk; each stream overflows its buffer
    const hits = catalog.scan(text);
    expect(hits.length / 2).toBeGreaterThan(HIT_SLOTS * STREAMS * 2);
    same(catalog, text);
  });

  it('matches on small custom automata (few classes) and on overlapping keywords', () => {
    const small = new KeywordAutomaton(['aa', 'aaa', 'ab', 'b']);
    same(small, 'aaab'.repeat(2000) + 'ba'.repeat(700));
    same(new KeywordAutomaton(['he', 'she', 'his', 'hers']), 'ushers '.repeat(500));
  });

  it('runs automata of more than 64 character classes (custom keywords) in WebAssembly too, with the same hits', () => {
    // 100 distinct characters: their classes no longer fit the scaled one-byte table.
    const words = Array.from({ length: 50 }, (_, i) => String.fromCharCode(0x3b1 + i) + String.fromCharCode(0x4e00 + i) + 'k');
    const many = new KeywordAutomaton([...keywords, ...words]);
    const tables = many as unknown as { classOf: Uint16Array; classCount: number; delta: Int32Array };
    expect(tables.classCount).toBeGreaterThan(64);
    expect(WasmKeywordScanner.create(tables.classOf, tables.classCount, tables.delta, 5)).not.toBeNull();
    const text = Array.from({ length: 4000 }, (_, i) => (i % 7 === 0 ? words[i % words.length] : i % 5 === 0 ? keywords[i % keywords.length] : 'x y')).join(' ');
    expect(many.scan(text).length).toBeGreaterThan(1000);
    same(many, text);
  });
});
