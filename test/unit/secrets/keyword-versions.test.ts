import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { LARGE_FILE_CHARS } from '../../../src/core/parallel/large-file.js';
import { compileCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { commonPrefix, commonSuffix, KeywordVersions, RETRY_AFTER, VERSION_MIN_CHARS } from '../../../src/core/secrets/keyword-versions.js';
import { KeywordAutomaton, WASM_FROM } from '../../../src/core/secrets/prefilter.js';
import { defaultSettings } from '../../../src/core/types.js';
import { scanBlobBytes } from '../../../src/workspace/history-blob.js';

/**
 * History mode's keyword pass over consecutive versions of a file (keyword-versions.ts and
 * `KeywordAutomaton.scanAgainst`): it must report exactly the hits of a whole pass, whatever the
 * edit between the versions, and stay within its bounds.
 */
const catalog = compileCatalog(allDetectors);
const automaton = catalog.automaton;
const small = new KeywordAutomaton(['token', 'secret', 'api_key', 'ab', 'b']);

function naivePrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function naiveSuffix(a: string, b: string, max: number): number {
  let i = 0;
  while (i < max && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

/** Text made of keywords, their near-misses and filler, so that hits sit everywhere, edit boundaries included. */
function pieces(words: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...words),
    fc.constantFrom(...words).map((k) => k.toUpperCase()),
    fc.constantFrom(...words).map((k) => k.slice(1)),
    fc.string({ maxLength: 8 }),
    fc.constantFrom(' ', '\n', '=', '_', 'é', '\u212a'),
  );
}

const text = (words: readonly string[], maxLength: number) => fc.array(pieces(words), { maxLength }).map((p) => p.join(''));

/** An earlier version, and the edit that makes the later one: a range replaced by new text. */
function versions(words: readonly string[], maxPieces: number) {
  return fc
    .record({ before: text(words, maxPieces), inserted: text(words, 12), from: fc.nat(), length: fc.nat({ max: 200 }), cutPrefix: fc.nat(), cutSuffix: fc.nat() })
    .map(({ before, inserted, from, length, cutPrefix, cutSuffix }) => {
      const at = before.length === 0 ? 0 : from % (before.length + 1);
      const after = before.slice(0, at) + inserted + before.slice(Math.min(before.length, at + length));
      return { before, after, cutPrefix, cutSuffix };
    });
}

describe('scanAgainst', () => {
  for (const [name, a, maxPieces] of [
    ['the catalog automaton, texts across the WebAssembly threshold', automaton, 700],
    ['a five-keyword automaton, short texts (JavaScript loop)', small, 60],
  ] as const) {
    it(`gives the hits of a whole pass, for any shared prefix and suffix it is told (${name})`, () => {
      fc.assert(
        fc.property(versions(name.startsWith('the') ? automaton.keywords : small.keywords, maxPieces), ({ before, after, cutPrefix, cutSuffix }) => {
          const prefix = commonPrefix(before, after);
          const suffix = commonSuffix(before, after, Math.min(before.length, after.length) - prefix);
          const whole = a.scan(after);
          expect(a.scanAgainst(after, before, a.scan(before), prefix, suffix)).toEqual(whole);
          // Any shorter shared parts are true too, and must give the same hits.
          const p = prefix === 0 ? 0 : cutPrefix % (prefix + 1);
          const s = suffix === 0 ? 0 : cutSuffix % (suffix + 1);
          expect(a.scanAgainst(after, before, a.scan(before), p, s)).toEqual(whole);
        }),
        { numRuns: name.startsWith('the') ? 150 : 600 },
      );
    });
  }

  it('reads around a change at the WebAssembly threshold and at either end of the text', () => {
    const base = 'x'.repeat(WASM_FROM - 3) + 'token=abc api_key secret ' + 'y'.repeat(WASM_FROM) + ' secret';
    const edits = [
      (t: string) => 'secret ' + t, // at the start
      (t: string) => t + 'token', // at the end
      (t: string) => t.slice(0, WASM_FROM - 1) + 'ok' + t.slice(WASM_FROM + 1), // inside `token`
      (t: string) => t.slice(0, WASM_FROM + 6) + t.slice(WASM_FROM + 9), // `api_key` cut short
      (t: string) => t.replace('secret', 'secre'),
      (t: string) => t,
    ];
    for (const edit of edits) {
      const after = edit(base);
      const prefix = commonPrefix(base, after);
      const suffix = commonSuffix(base, after, Math.min(base.length, after.length) - prefix);
      expect(automaton.scanAgainst(after, base, automaton.scan(base), prefix, suffix)).toEqual(automaton.scan(after));
    }
  });
});

describe('commonPrefix and commonSuffix', () => {
  it('agree with a loop over code units, on texts longer than the compare chunk', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.nat({ max: 70_000 }), fc.nat({ max: 70_000 }), fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (unit, at, cut, x, y) => {
        const a = (unit || 'a').repeat(Math.ceil(70_000 / Math.max(1, unit.length)));
        const i = at % (a.length + 1);
        const b = a.slice(0, i) + x + a.slice(Math.min(a.length, i + (cut % 5)));
        const c = a.slice(0, i) + y + a.slice(i);
        for (const [p, q] of [
          [a, b],
          [b, c],
          [a, c],
          [a, a],
        ]) {
          const prefix = commonPrefix(p, q);
          expect(prefix).toBe(naivePrefix(p, q));
          const max = Math.min(p.length, q.length) - prefix;
          expect(commonSuffix(p, q, max)).toBe(naiveSuffix(p, q, max));
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** A changelog that grows at the top, version by version, as a project's History.md does. */
function changelog(releases: number): string {
  const lines: string[] = [];
  for (let r = releases; r > 0; r--) lines.push(`${r}.0.0 / 2026-01-${String((r % 28) + 1).padStart(2, '0')}`, '==================', '', `  * fix token refresh in request ${r}`, `  * deps: secret-store@${r}.1.0`, '');
  return lines.join('\n');
}

describe('KeywordVersions', () => {
  it('gives every version of a path the hits of a whole pass, and keeps only what fits its bounds', () => {
    // Room for the changelog (~66 K characters) and a few of the seven other paths (~22 K each),
    // not all: the least recently scanned of those are pushed out, the changelog stays.
    const capacity = 160 * 1024;
    const memory = new KeywordVersions(capacity);
    const against = vi.spyOn(automaton, 'scanAgainst');
    try {
      for (let r = 600; r < 660; r++) {
        const growing = changelog(r);
        expect(growing.length).toBeGreaterThanOrEqual(VERSION_MIN_CHARS);
        expect(memory.version('History.md').hits(automaton, growing)).toEqual(automaton.scan(growing));
        const other = `// module ${r}\n` + 'const apiKey = process.env.API_KEY;\n'.repeat(600 + r);
        expect(memory.version(`src/m${r % 7}.js`).hits(automaton, other)).toEqual(automaton.scan(other));
        expect(memory.size).toBeLessThanOrEqual(capacity);
      }
      // Every changelog version after the first was compared with the one before.
      expect(against.mock.calls.filter(([text]) => /^6\d\d\.0\.0 /.test(text)).length).toBe(59);
      expect(memory.size).toBeGreaterThan(capacity / 2);
      // The path scanned last is kept (the least recently scanned went first): its next version is compared.
      against.mockClear();
      const last = `// module 659\n` + 'const apiKey = process.env.API_KEY;\n'.repeat(1259) + 'token\n';
      expect(memory.version(`src/m${659 % 7}.js`).hits(automaton, last)).toEqual(automaton.scan(last));
      expect(against).toHaveBeenCalledTimes(1);
    } finally {
      against.mockRestore();
    }
  });

  it('compares only where the versions share most of their text, and looks again after a while', () => {
    const memory = new KeywordVersions();
    const against = vi.spyOn(automaton, 'scanAgainst');
    try {
      // A file rewritten throughout at each version: after a few versions it is scanned whole.
      const rewritten = (v: number) => Array.from({ length: 1500 }, (_, i) => `line ${(i * 7919 + v * 104729) % 100_003} token\n`).join('');
      for (let v = 0; v < 6; v++) expect(memory.version('gen.txt').hits(automaton, rewritten(v))).toEqual(automaton.scan(rewritten(v)));
      const compared = against.mock.calls.length;
      expect(compared).toBeGreaterThan(0);
      expect(compared).toBeLessThan(5);
      for (let v = 6; v < 6 + RETRY_AFTER - 1; v++) memory.version('gen.txt').hits(automaton, rewritten(v));
      expect(against.mock.calls.length).toBe(compared);
      // …until RETRY_AFTER versions have passed: one is kept again, and the next is compared.
      for (let v = 6 + RETRY_AFTER - 1; v < 6 + RETRY_AFTER + 2; v++) expect(memory.version('gen.txt').hits(automaton, rewritten(v))).toEqual(automaton.scan(rewritten(v)));
      expect(against.mock.calls.length).toBeGreaterThan(compared);
      // A growing changelog is compared version after version.
      against.mockClear();
      for (let r = 600; r < 620; r++) memory.version('History.md').hits(automaton, changelog(r));
      expect(against.mock.calls.length).toBe(19);
    } finally {
      against.mockRestore();
    }
  });

  it('keeps no text of a large file, nor of a small one', () => {
    const memory = new KeywordVersions();
    const large = 'token '.repeat(Math.ceil(LARGE_FILE_CHARS / 6));
    expect(memory.version('big.txt').hits(automaton, large)).toEqual(automaton.scan(large));
    expect(memory.size).toBe(0);
    const tiny = 'token secret\n'.repeat(10);
    expect(memory.version('tiny.txt').hits(automaton, tiny)).toEqual(automaton.scan(tiny));
    expect(memory.size).toBe(0);
  });
});

describe('history blobs scanned with and without the versions memory', () => {
  const samples = ['aws-access-key-id', 'github-classic-pat', 'slack-bot-token', 'stripe-secret-key'].map((id) => allDetectors.find((d) => d.id === id)!.samples.positive[0].text);

  it('report the same findings, with secrets at, across and beside each edit', () => {
    const settings = defaultSettings();
    const memory = new KeywordVersions();
    const against = vi.spyOn(KeywordAutomaton.prototype, 'scanAgainst'); // the engine's own automaton
    let found = 0;
    let log = changelog(700);
    try {
      for (let v = 0; v < 24; v++) {
        const sample = samples[v % samples.length];
        const cut = (v * 5) % sample.length;
        if (v % 3 === 0) log = `${sample}\n${log}`; // added at the top
        else if (v % 3 === 1) log = log.slice(0, 9000) + sample.slice(0, cut) + '\n' + log.slice(9000); // a secret's first part
        else log = log.slice(0, 9000) + sample.slice(cut) + log.slice(9000); // its rest joins it, across the earlier edit
        const bytes = Buffer.from(log);
        const plain = scanBlobBytes('History.md', bytes, settings);
        const remembered = scanBlobBytes('History.md', bytes, settings, undefined, memory);
        expect(remembered).toEqual(plain);
        if (plain.scanned) found += plain.findings?.length ?? 0;
      }
      expect(found).toBeGreaterThan(24);
      // Every version after the first went through the compare (and none through the plain scans).
      expect(against).toHaveBeenCalledTimes(23);
    } finally {
      against.mockRestore();
    }
  });
});
