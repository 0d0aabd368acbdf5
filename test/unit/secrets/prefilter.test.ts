import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { KeywordAutomaton, WASM_FROM } from '../../../src/core/secrets/prefilter.js';

/**
 * The keyword automaton (prefilter.ts) against the plainest possible reference: every occurrence
 * of every keyword, found with indexOf in the text lower-cased letter by letter (ASCII case only,
 * as the automaton's character classes fold it). Its tables (classes ordered by frequency, the trie
 * built in the transition table) are an implementation detail; what it reports must not be.
 */
const automaton = compileCatalog(allDetectors).automaton;
const keywords = automaton.keywords;

/** [keyword id, end offset] of every occurrence, sorted. */
function reference(text: string, words: readonly string[]): string[] {
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const out: string[] = [];
  words.forEach((word, id) => {
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) out.push(`${id}@${at + word.length}`);
  });
  return out.sort();
}

function reported(a: KeywordAutomaton, hits: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < hits.length; i += 2) for (const id of a.keywordsAt(hits[i])) out.push(`${id}@${hits[i + 1]}`);
  return out.sort();
}

describe('keyword automaton', () => {
  const piece = fc.oneof(
    fc.constantFrom(...keywords),
    fc.constantFrom(...keywords).map((k) => k.toUpperCase()),
    fc.constantFrom(...keywords).map((k) => k.slice(0, -1)),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('\u212a', 'ı', 'İ', 'ſ', '\u0000', '\uffff', '\n', ' ', '_', '.', '-'),
  );

  it('reports every occurrence of every catalog keyword, in any ASCII case, and nothing else (fast-check, JavaScript and WebAssembly loops)', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 300 }), fc.boolean(), (parts, long) => {
        const text = long ? parts.join('').padEnd(WASM_FROM, '#') : parts.join('').slice(0, WASM_FROM - 1);
        expect(reported(automaton, automaton.scan(text))).toEqual(reference(text, keywords));
      }),
      { numRuns: 150 },
    );
  });

  it('does the same for small automata of overlapping keywords and for keywords with characters outside the frequency order', () => {
    for (const words of [['he', 'she', 'his', 'hers'], ['aa', 'aaa', 'ab', 'b'], ['~q', '#x!', '@@', 'q~#'], ['ghp_', 'xoxb-', 'eyj', '://']]) {
      const a = new KeywordAutomaton(words);
      const text = `${words.join(' ')} ${words.map((w) => w.toUpperCase()).join('')} ushers aaab ~q#x!@@@ ghp_eyJ://`.repeat(80);
      expect(reported(a, a.scan(text))).toEqual(reference(text, a.keywords));
      expect(reported(a, a.scanJs(text))).toEqual(reference(text, a.keywords));
    }
  });
});
