import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { findMatches, loggedWindows, lowerBound, sameAnchors, seek, type RawMatch, type WindowLog } from '../../../src/core/secrets/candidates.js';
import { compileCatalog } from '../../../src/core/secrets/compile.js';
import type { Detector } from '../../../src/core/secrets/detector.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { ALWAYS_KEPT_FROM, commonPrefix, commonSuffix, FileVersions, MIN_SEGMENT, RETRY_AFTER, SEARCH_FROM, sharedSegments, VERSION_MIN_CHARS, VERSION_TEXT_MAX } from '../../../src/core/secrets/versions.js';
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

/** The runs of a shared start and a shared end, as `scanAgainst` takes them. */
function ends(before: string, after: string, prefix: number, suffix: number): number[] {
  const runs = prefix > 0 ? [0, 0, prefix] : [];
  if (suffix > 0) runs.push(after.length - suffix, before.length - suffix, suffix);
  return runs;
}

/** Runs that `sharedSegments` may return are true: the same text, ascending and disjoint in both. */
function expectTrueRuns(before: string, after: string, runs: readonly number[]): void {
  expect(runs.length % 3).toBe(0);
  let end = 0;
  let endBefore = 0;
  for (let k = 0; k < runs.length; k += 3) {
    const [start, startBefore, length] = runs.slice(k, k + 3);
    expect(length).toBeGreaterThan(0);
    expect(start).toBeGreaterThanOrEqual(end);
    expect(startBefore).toBeGreaterThanOrEqual(endBefore);
    expect(start + length).toBeLessThanOrEqual(after.length);
    expect(startBefore + length).toBeLessThanOrEqual(before.length);
    expect(after.slice(start, start + length) === before.slice(startBefore, startBefore + length)).toBe(true);
    end = start + length;
    endBefore = startBefore + length;
  }
}

/** Lines of code and secrets, so that keyword hits sit everywhere, runs and changes included. */
const sampleText = [...allDetectors.filter((_, i) => i % 17 === 0).flatMap((d) => d.samples.positive.map((p) => p.text.split('\n')[0])), 'const token = getToken(options);', '  return apiKey ?? process.env.API_KEY;', '', 'function x(a, b) { return a + b; }'];

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
          expect(a.scanAgainst(after, a.scan(before), ends(before, after, prefix, suffix))).toEqual(whole);
          // Any shorter shared parts are true too, and must give the same hits.
          const p = prefix === 0 ? 0 : cutPrefix % (prefix + 1);
          const s = suffix === 0 ? 0 : cutSuffix % (suffix + 1);
          expect(a.scanAgainst(after, a.scan(before), ends(before, after, p, s))).toEqual(whole);
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
      expect(automaton.scanAgainst(after, automaton.scan(base), ends(base, after, prefix, suffix))).toEqual(automaton.scan(after));
    }
  });

  it('gives the hits of a whole pass over a text edited in several places, for the runs found and for any part of them', () => {
    // Places spread evenly through the text (fast-check's doubles favour the ends).
    const edits = fc.array(fc.record({ at: fc.nat({ max: 1000 }).map((k) => k / 1000), cut: fc.nat({ max: 300 }), inserted: text(automaton.keywords, 10) }), { minLength: 1, maxLength: 5 });
    const trims = fc.array(fc.record({ drop: fc.boolean(), head: fc.nat(), tail: fc.nat() }), { minLength: 12, maxLength: 12 });
    let runs = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...sampleText), { minLength: 200, maxLength: 400 }), edits, trims, (lines, batch, cuts) => {
        // Long enough for the search between the common start and end (SEARCH_FROM).
        let before = lines.join('\n');
        while (before.length < SEARCH_FROM) before += `\n${before}`;
        const after = batch.reduce((t, { at, cut, inserted }) => {
          const where = Math.floor(at * t.length);
          return t.slice(0, where) + inserted + t.slice(Math.min(t.length, where + cut));
        }, before);
        const found = sharedSegments(before, after);
        expectTrueRuns(before, after, found);
        // Runs between the changes (neither the common start nor the common end).
        for (let k = 0; k < found.length; k += 3) if (found[k] > 0 && found[k] + found[k + 2] < after.length) runs++;
        const whole = automaton.scan(after);
        expect(automaton.scanAgainst(after, automaton.scan(before), found)).toEqual(whole);
        // Parts of the runs (some dropped, the rest cut at either end) are true runs too.
        const parts: number[] = [];
        for (let k = 0; k < found.length; k += 3) {
          const { drop, head, tail } = cuts[(k / 3) % cuts.length];
          if (drop) continue;
          const h = head % found[k + 2];
          const length = found[k + 2] - h - (tail % (found[k + 2] - h));
          if (length > 0) parts.push(found[k] + h, found[k + 1] + h, length);
        }
        expect(automaton.scanAgainst(after, automaton.scan(before), parts)).toEqual(whole);
      }),
      { numRuns: 100 },
    );
    expect(runs).toBeGreaterThan(100); // not vacuous: runs were found between the edits
  });
});

describe('sharedSegments', () => {
  it('finds the runs between the changes of a bundle edited in several places, each a true run', () => {
    const bundle = Array.from({ length: 6000 }, (_, i) => `  const value${i} = compute(${i * 7}, "module ${i % 97}");`).join('\n');
    let edited = bundle;
    // Seven changes: lines replaced, added, removed, one 20 K characters long.
    for (const [at, cut, add] of [[0.1, 40, 'x'], [0.2, 0, '\nconst added = 1;\n'], [0.3, 2000, ''], [0.45, 5, 'y'.repeat(20_000)], [0.6, 1, '\n'], [0.8, 300, 'z'], [0.95, 0, 'w']] as const) {
      const where = Math.floor(at * edited.length);
      edited = edited.slice(0, where) + add + edited.slice(where + cut);
    }
    const runs = sharedSegments(bundle, edited);
    expectTrueRuns(bundle, edited, runs);
    let shared = 0;
    for (let k = 2; k < runs.length; k += 3) shared += runs[k];
    // A common start and end alone would share the text before 10 % and after 95 %.
    expect(commonPrefix(bundle, edited) + commonSuffix(bundle, edited, bundle.length - commonPrefix(bundle, edited))).toBeLessThan(0.2 * edited.length);
    expect(shared).toBeGreaterThan(0.95 * (bundle.length - 2300));
    expect(runs.length / 3).toBeGreaterThanOrEqual(8);
    for (let k = 2; k < runs.length; k += 3) expect(runs[k]).toBeGreaterThanOrEqual(MIN_SEGMENT);
  });

  it('gives a text the same as the last one whole, and a rewritten one no run between its ends', () => {
    const a = 'line of text that repeats\n'.repeat(2000);
    expect(sharedSegments(a, a)).toEqual([0, 0, a.length]);
    const rewritten = (v: number) => Array.from({ length: 1500 }, (_, i) => `line ${(i * 7919 + v * 104729) % 100_003} token\n`).join('');
    const runs = sharedSegments(rewritten(1), rewritten(2));
    expectTrueRuns(rewritten(1), rewritten(2), runs);
    let shared = 0;
    for (let k = 2; k < runs.length; k += 3) shared += runs[k];
    expect(shared).toBeLessThan(0.05 * a.length);
    expect(sharedSegments('', 'abc')).toEqual([]);
    // Under SEARCH_FROM, only the common start and end: an edit in the middle splits nothing.
    const small = 'const value = compute(1, "module");\n'.repeat(Math.floor((SEARCH_FROM - 1) / 37));
    const edited = `X${small.slice(0, 9000)}changed${small.slice(9000)}Y`;
    expect(edited.length).toBeLessThan(SEARCH_FROM);
    expect(sharedSegments(small, edited)).toEqual([]);
    const large = small + small;
    const found = sharedSegments(large, `X${large.slice(0, 9000)}changed${large.slice(9000)}Y`);
    expect(found.length / 3).toBe(2);
    expect(sharedSegments('abc', '')).toEqual([]);
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

describe('FileVersions', () => {
  it('gives every version of a path the hits of a whole pass, and keeps only what fits its bounds', () => {
    // Room for the changelog (~66 K characters) and a few of the seven other paths (~22 K each),
    // not all: the least recently scanned of those are pushed out, the changelog stays.
    const capacity = 160 * 1024;
    const memory = new FileVersions(capacity);
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
      expect(against.mock.calls.filter(([text]) => /^6\d\d\.0\.0 /.test(String(text))).length).toBe(59);
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
    const memory = new FileVersions();
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
      // So is a bundle, even rewritten throughout: keeping a text that long costs no copy.
      against.mockClear();
      const bundle = (v: number) => rewritten(v).repeat(Math.ceil(ALWAYS_KEPT_FROM / rewritten(v).length));
      for (let v = 0; v < 12; v++) expect(memory.version('dist/index.js').hits(automaton, bundle(v))).toEqual(automaton.scan(bundle(v)));
      expect(against.mock.calls.length).toBe(11);
    } finally {
      against.mockRestore();
    }
  });

  it('keeps a bundle of a few Mi characters, but no text over VERSION_TEXT_MAX, nor a small one', () => {
    const memory = new FileVersions();
    const bundle = 'token '.repeat(Math.ceil((2.6 * 1024 * 1024) / 6));
    expect(memory.version('dist/index.js').hits(automaton, bundle)).toEqual(automaton.scan(bundle));
    expect(memory.size).toBe(bundle.length);
    const huge = 'token '.repeat(Math.ceil(VERSION_TEXT_MAX / 6) + 1);
    expect(memory.version('huge.txt').hits(automaton, huge)).toEqual(automaton.scan(huge));
    expect(memory.size).toBe(bundle.length);
    const tiny = 'token secret\n'.repeat(10);
    expect(memory.version('tiny.txt').hits(automaton, tiny)).toEqual(automaton.scan(tiny));
    expect(memory.size).toBe(bundle.length);
  });
});

describe('history blobs scanned with and without the versions memory', () => {
  const samples = ['aws-access-key-id', 'github-classic-pat', 'slack-bot-token', 'stripe-secret-key'].map((id) => allDetectors.find((d) => d.id === id)!.samples.positive[0].text);

  it('report the same findings, with secrets at, across and beside each edit', () => {
    const settings = defaultSettings();
    const memory = new FileVersions();
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

describe('line numbers and fingerprints of history versions (the last version\'s line starts and contexts taken over where the two share text)', () => {
  it.each([
    ['keyed', defaultSettings()],
    ['location (their contexts taken over too)', { ...defaultSettings(), fingerprint: { kind: 'location' as const } }],
  ])('are those of the text alone, whatever lines the edits add or remove before, between and after the secrets (fingerprints %s)', (_, settings) => {
    const memory = new FileVersions();
    const secrets = ['aws-access-key-id', 'github-classic-pat', 'slack-bot-token'].map((id) => allDetectors.find((d) => d.id === id)!.samples.positive[0].text.split('\n')[0]);
    // A bundle past SEARCH_FROM, a secret every 400 lines: several shared runs between the edits.
    let lines = changelog(800).split('\n');
    for (let i = 300, k = 0; i < lines.length; i += 400, k++) lines[i] = secrets[k % secrets.length];
    let lastLines: number[] = [];
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.integer({ min: 0, max: 999_999 }), remove: fc.nat(3), add: fc.array(fc.constantFrom('', 'x', 'line one', 'line two'), { maxLength: 3 }) }), { minLength: 1, maxLength: 4 }), (edits) => {
        for (const { at, remove, add } of edits) {
          const place = Math.floor((at / 1_000_000) * lines.length); // spread evenly (fast-check's doubles favour the ends)
          // An edit never removes a secret's line, so every version keeps its findings (and its line index).
          if (lines.slice(place, place + remove).some((l) => secrets.includes(l))) continue;
          lines = [...lines.slice(0, place), ...add, ...lines.slice(place + remove)];
        }
        const bytes = Buffer.from(lines.join('\n'));
        expect(bytes.length).toBeGreaterThan(SEARCH_FROM);
        const plain = scanBlobBytes('dist/index.js', bytes, settings);
        const remembered = scanBlobBytes('dist/index.js', bytes, settings, undefined, memory);
        expect(remembered).toEqual(plain);
        const found = plain.scanned ? (plain.findings ?? []).map((f) => f.line) : [];
        expect(found.length).toBeGreaterThanOrEqual(Math.floor(lines.length / 400));
        expect(found.map((line) => lines[line - 1])).toEqual(found.map((line) => secrets.find((secret) => lines[line - 1] === secret)));
        lastLines = found;
      }),
      { numRuns: 40 },
    );
    expect(lastLines.length).toBeGreaterThan(3);
  });
});

describe('verdicts taken over from the last version (candidates.ts WindowLog.judged)', () => {
  const secret = 'Zq8vN3xK7pL2mR9t';
  /** A secret's line whose start, `gap` characters before the keyword, opens a template (`${`) or not (`$(`): outside the window, inside the line judged. */
  const version = (open: string, gap: number, tail = '') => {
    const line = `msg = "${open}${'x'.repeat(gap)} db_password = ${secret} }";${tail}`;
    return Buffer.from(`${'header line of the file\n'.repeat(1000)}${line}\n${'footer line of the file\n'.repeat(1000)}`);
  };

  it('a match whose window is taken over but whose line changed within the line judged is judged again; one whose line is the same keeps its verdict', () => {
    const settings = defaultSettings();
    for (const [gap, expected] of [[600, 3], [900, 3], [1000, 3], [1100, 6]]) {
      const memory = new FileVersions();
      const takenBefore = loggedWindows.taken;
      let reported = 0;
      // `${` and `$(` in turn (a change of one character far before the keyword on its line), then
      // a change after the line only, which leaves the line as it was.
      for (const bytes of [version('${', gap), version('$(', gap), version('${', gap), version('${', gap, ' // edited'), version('$(', gap), version('$(', gap, ' // again')]) {
        const plain = scanBlobBytes('src/config.sh', bytes, settings);
        const remembered = scanBlobBytes('src/config.sh', bytes, settings, undefined, memory);
        expect(remembered, `gap ${gap}`).toEqual(plain);
        if (plain.scanned) reported += plain.findings?.length ?? 0;
      }
      // Within the line judged (LINE_RADIUS either side of the value) the template hides the value
      // (a placeholder) and the other opening does not; past it, neither counts.
      expect(reported, `gap ${gap}`).toBe(expected);
      expect(loggedWindows.taken, `gap ${gap}: windows were taken over`).toBeGreaterThan(takenBefore);
    }
  });

  it('a verdict reached on the real text (a value past ASCII, whose stand-ins agree) is never taken over: each version reports its own value', () => {
    const settings = defaultSettings();
    const memory = new FileVersions();
    const values = ['Zöñüßéàçø9Kq', 'Zäñüßéàçø9Kq', 'Zöñüßéàçø9Kq', 'Zëñüßéàçø9Kq'];
    const fingerprints = new Set<string>();
    for (const value of values) {
      const bytes = Buffer.from(`${'header line of the file\n'.repeat(1000)}db_password = "${value}"\n${'footer line of the file\n'.repeat(1000)}`);
      const plain = scanBlobBytes('app/config.env', bytes, settings);
      const remembered = scanBlobBytes('app/config.env', bytes, settings, undefined, memory);
      expect(remembered).toEqual(plain);
      if (plain.scanned) for (const f of plain.findings ?? []) fingerprints.add(f.fingerprint);
    }
    expect(fingerprints.size).toBe(3);
  });
});

/** A detector of one keyword and pattern, for the engine's own edge cases. */
function testDetector(id: string, keyword: string, pattern: RegExp): Detector {
  return { id, title: id, provider: 'Test', level: 'error', keywords: [keyword], pattern, samples: { positive: [], negative: [] } };
}

describe('window logs: the regex runs of a version taken over from the last one (candidates.ts WindowLog)', () => {
  const key = (m: RawMatch) => `${m.detector}@${m.start}-${m.end}:${m.secret}`;
  /** The memory's matches for each version, checked against a plain run; how many windows were taken over. */
  /**
   * Each version scanned with the memory of the last ones and without: the same matches, and the
   * same anchors and windows planned from the same requests (a version scanned first, by a fresh
   * memory, works out every hit itself).
   */
  function compare(versionTexts: readonly string[], scanned = catalog, path = 'dist/index.js'): { taken: number; matches: number; requests: number } {
    const memory = new FileVersions();
    const taken = loggedWindows.taken;
    const requests = loggedWindows.requests;
    let matches = 0;
    for (const text of versionTexts) {
      const version = memory.version(path);
      const remembered = findMatches(text, scanned, scanned.activeByDefault, undefined, version).map(key);
      const plain = findMatches(text, scanned, scanned.activeByDefault).map(key);
      expect(remembered).toEqual(plain);
      const first = new FileVersions().version(path);
      const counted = { ...loggedWindows };
      findMatches(text, scanned, scanned.activeByDefault, undefined, first);
      Object.assign(loggedWindows, counted); // the counts are the remembered scans'
      expect(version.log === undefined).toBe(first.log === undefined);
      if (version.log !== undefined) {
        expect(version.log.requests).toEqual(first.log!.requests);
        expect(version.log.anchorRequests).toEqual(first.log!.anchorRequests);
        expect([...version.log.anchors]).toEqual([...first.log!.anchors]);
        expect(plan(version.log)).toEqual(plan(first.log!));
        // Each detector's log is its own range of the version's list: the ranges add up to it, and
        // a detector's windows are ascending and disjoint.
        expect([...version.log.windows.values()].reduce((sum, entries) => sum + entries.length, 0)).toBe(version.log.windowNumbers);
        for (const entries of version.log.windows.values()) for (let i = 5; i < entries.length; i += 5) expect(entries[i]).toBeGreaterThanOrEqual(entries[i - 4]);
      }
      matches += plain.length;
    }
    return { taken: loggedWindows.taken - taken, matches, requests: loggedWindows.requests - requests };
  }

  /** A window log's windows, [from, to] per detector. */
  function plan(log: WindowLog): [number, number[]][] {
    return [...log.windows].map(([d, entries]) => [d, Array.from(entries).filter((_, i) => i % 5 < 2)] as [number, number[]]).sort((a, b) => a[0] - b[0]);
  }

  // Lines of a bundle: secrets of many providers (keyed rows and shaped tokens), keywords that lead
  // nowhere, and plain code, so that windows of all kinds sit everywhere, edits included.
  const sampleLines = allDetectors.filter((_, i) => i % 23 === 0).flatMap((d) => d.samples.positive.map((p) => p.text.split('\n')[0]));
  const codeLines = ['const token = getToken(options);', 'headers.authorization = `Bearer ${auth}`;', 'if (!secret) throw new Error("no secret");', '  return apiKey ?? process.env.API_KEY;', 'function x(a, b) { return a + b; }', '', '/* password: see docs */'];
  const line = fc.oneof(fc.constantFrom(...sampleLines), fc.constantFrom(...codeLines), fc.string({ maxLength: 40 }));
  const edit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat({ max: 400 }), lines: fc.array(line, { maxLength: 4 }), glue: fc.constantFrom('\n', '', ' ') });
  function apply(text: string, { at, cut, lines, glue }: { at: number; cut: number; lines: string[]; glue: string }): string {
    const where = Math.floor(at * text.length);
    return text.slice(0, where) + lines.join(glue) + text.slice(Math.min(text.length, where + cut));
  }

  it('gives every version the matches of running every window, whatever the edits', () => {
    let taken = 0;
    let matches = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 500, maxLength: 700 }), fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 5 }), (base, edits) => {
        const texts = [base.join('\n')];
        for (const batch of edits) texts.push(batch.reduce(apply, texts[texts.length - 1]));
        const found = compare(texts.filter((t) => t.length >= VERSION_MIN_CHARS));
        taken += found.taken;
        matches += found.matches;
      }),
      // No shrinking: each case scans several versions of a long text twice, and shrinking one took minutes.
      { numRuns: 40, endOnFailure: true },
    );
    // Not vacuous: most windows of the later versions were taken over, with matches among them.
    expect(taken).toBeGreaterThan(1000);
    expect(matches).toBeGreaterThan(1000);
  });

  it('gives every version of a long text the matches of running every window, whatever the edits (runs between the edits taken over)', () => {
    let taken = 0;
    let matches = 0;
    let requests = 0;
    const spread = fc.record({ at: fc.nat({ max: 1000 }).map((k) => k / 1000), cut: fc.nat({ max: 400 }), lines: fc.array(line, { maxLength: 4 }), glue: fc.constantFrom('\n', '', ' ') });
    fc.assert(
      fc.property(fc.array(line, { minLength: 2500, maxLength: 3000 }), fc.array(fc.array(spread, { minLength: 2, maxLength: 5 }), { minLength: 2, maxLength: 3 }), (base, edits) => {
        const texts = [base.join('\n')];
        for (const batch of edits) texts.push(batch.reduce(apply, texts[texts.length - 1]));
        const long = texts.filter((t) => t.length >= SEARCH_FROM);
        const found = compare(long);
        taken += found.taken;
        matches += found.matches;
        requests += found.requests;
      }),
      // No shrinking: each case scans several versions of a long text twice, and shrinking one took minutes.
      { numRuns: 12, endOnFailure: true },
    );
    expect(taken).toBeGreaterThan(1000);
    expect(matches).toBeGreaterThan(1000);
    // Planning too was taken over for the hits well inside the runs between the edits.
    expect(requests).toBeGreaterThan(1000);
  });

  it('takes over the requests of exactly the hits it skips, at either end of each run (a hit at every character)', () => {
    // A one-letter keyword: every character of a run of it is a hit, so whatever the bounds of the
    // hits taken over, one sits on each side of them.
    const scanned = compileCatalog([testDetector('x-run', 'x', /x(?<secret>[a-z]{3}[0-9]{3})/)]);
    const text = `${'xab123 '.repeat(10)}${'x'.repeat(40_000)}\n${'xyz789 x\n'.repeat(9000)}`;
    for (const at of [0.2, 0.5, 0.8]) {
      const where = Math.floor(at * text.length);
      const found = compare([text, `${text.slice(0, where)}xqq000${text.slice(where + 3)}`, text], scanned);
      expect(found.requests).toBeGreaterThan(10_000);
    }
  });

  it('takes over the planning of the hits a bundle\'s versions share, but not of those near the edit', () => {
    const lines = Array.from({ length: 6000 }, (_, i) => (i % 7 === 0 ? sampleLines[i % sampleLines.length] : codeLines[i % codeLines.length]));
    const bundle = lines.join('\n');
    const middle = bundle.indexOf('\n', bundle.length >> 1);
    const edited = `${bundle.slice(0, middle)}\nconst token = "changed";${bundle.slice(middle)}`;
    const { requests: taken } = compare([bundle, edited]);
    // Most requests were taken over (the common start and end of the two versions), but not those
    // of the hits whose planning read the edit's neighbourhood.
    const memory = new FileVersions();
    findMatches(bundle, catalog, catalog.activeByDefault, undefined, memory.version('b.js'));
    const version = memory.version('b.js');
    findMatches(edited, catalog, catalog.activeByDefault, undefined, version);
    const all = version.log!.requests!.length / 4;
    expect(taken).toBeGreaterThan(all * 0.8);
    expect(taken).toBeLessThan(all);
  });

  it('runs again a window whose longer re-run read into the change, even though its slice did not', () => {
    // A match that runs to the end of its window's slice is re-run on up to 64 Ki more characters:
    // the secret below is cut 3,000 characters in, well past the slice but inside that re-run.
    const scanned = compileCatalog([testDetector('long-token', 'longtok', /longtok=(?<secret>[a-z]{8,100000})/)]);
    const filler = 'filler line without keywords\n'.repeat(800);
    const before = `${filler}longtok=${'a'.repeat(5000)}\n${filler}`;
    const cutAt = before.indexOf('longtok=') + 8 + 3000;
    const after = before.slice(0, cutAt) + '-' + before.slice(cutAt + 1);
    const { taken } = compare([before, after], scanned);
    expect(taken).toBe(0);
    const memory = new FileVersions();
    findMatches(before, scanned, scanned.activeByDefault, undefined, memory.version('a.txt'));
    expect(findMatches(after, scanned, scanned.activeByDefault, undefined, memory.version('a.txt')).map((m) => m.secret.length)).toEqual([3000]);
  });

  it('runs again a window whose slice reaches back into the change, however close the window itself starts after it', () => {
    // The regex looks 20 characters behind the start of its match; the window starts at the line,
    // right after the characters that change.
    const scanned = compileCatalog([testDetector('look-behind', 'kw', /^(?<=[^x]{20})(?<secret>[0-9]{12})(?= kw)/m)]);
    const filler = 'filler line without the word\n'.repeat(800);
    const before = `${filler}QQQQQQQQQQQQQQQQQQQQ\n012345678901 kw\n${filler}`;
    const after = before.replace('QQQQQQQQQQQQQQQQQQQQ', 'x'.repeat(21)); // one longer: the window shifts
    expect(findMatches(before, scanned, scanned.activeByDefault)).toHaveLength(1);
    expect(findMatches(after, scanned, scanned.activeByDefault)).toHaveLength(0);
    compare([before, after, before], scanned);
    // A change longer than the context a slice reads: the slice starts inside the change, the window after it.
    const longer = before.replace('QQQQQQQQQQQQQQQQQQQQ', 'Q'.repeat(100));
    expect(findMatches(longer, scanned, scanned.activeByDefault)).toHaveLength(1);
    compare([longer, longer.replace('Q'.repeat(100), 'x'.repeat(101)), longer], scanned);
    // Text added at the very end or the very start: a slice clipped there in one version is not the same slice in the other.
    const tail = `${filler}012345678901 kw`;
    compare([tail, `${tail}\n`, tail, `Q${tail}`, tail], scanned);
  });

  it('runs again a window that grew in the new version (a hit in the change merged into it)', () => {
    const token = (c: string) => `ghp_${c.repeat(36)}`;
    const filler = 'filler line without keywords\n'.repeat(800);
    const before = `${filler}x = ${token('A')}\n${'f'.repeat(100)}\n${filler}`;
    // 102 characters after the first token's line, within the merge gap of its window but past what that window read.
    const at = before.indexOf(token('A')) + 40 + 1 + 101;
    const after = `${before.slice(0, at)}y = ${token('B')}\n${before.slice(at)}`;
    const ghp = catalog.detectors.findIndex((d) => d.detector.id === 'github-classic-pat');
    const plain = findMatches(after, catalog, catalog.activeByDefault).filter((m) => m.detector === ghp);
    expect(plain.map((m) => m.secret)).toEqual([token('A'), token('B')]);
    compare([before, after]);
  });

  it('compares the anchors of name-anchored detectors inside the window, shifted', () => {
    expect(sameAnchors(undefined, undefined, 0, 10, 0)).toBe(true); // not an anchored detector
    expect(sameAnchors([5], undefined, 0, 10, 0)).toBe(false);
    expect(sameAnchors([1, 12, 15, 30], [2, 12, 15, 29], 10, 20, 0)).toBe(true); // only [10, 20) counts
    expect(sameAnchors([12, 15], [12], 10, 20, 0)).toBe(false);
    expect(sameAnchors([12], [12, 15], 10, 20, 0)).toBe(false);
    expect(sameAnchors([112, 115], [12, 15], 110, 120, 100)).toBe(true);
    expect(sameAnchors([112, 115], [12, 16], 110, 120, 100)).toBe(false);
    expect(sameAnchors([], [12], 110, 120, 100)).toBe(false);
    expect(sameAnchors([105, 125], [12], 110, 120, 100)).toBe(false);
    expect(sameAnchors([105, 125], [4, 20, 26], 110, 120, 100)).toBe(true);
  });

  it('finds the anchors of ascending windows from where the last ones were, as a search from scratch would (fast-check)', () => {
    const sorted = fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 60 }).map((list) => list.sort((a, b) => a - b));
    const window = fc.record({ from: fc.integer({ min: 0, max: 420 }), length: fc.integer({ min: 1, max: 40 }), by: fc.integer({ min: -30, max: 30 }) });
    fc.assert(
      fc.property(sorted, sorted, fc.array(window, { maxLength: 30 }), fc.nat(80), (at, before, windows, hint) => {
        expect(seek(at, hint, at[hint % Math.max(1, at.length)] ?? 0)).toBe(lowerBound(at, at[hint % Math.max(1, at.length)] ?? 0));
        const cursor = { at: 0, before: 0 };
        for (const { from, length, by } of windows.sort((a, b) => a.from - b.from)) {
          for (const value of [from, from - by, from + 500, -1]) expect(seek(before, cursor.before, value)).toBe(lowerBound(before, value));
          expect(sameAnchors(at, before, from, from + length, by, cursor)).toBe(sameAnchors(at, before, from, from + length, by));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('takes over the windows of a bundle edited in one place, at the same and at shifted offsets', () => {
    const bundle = Array.from({ length: 3000 }, (_, i) => (i % 50 === 7 ? sampleLines[i % sampleLines.length] : codeLines[i % codeLines.length])).join('\n');
    const middle = bundle.length >> 1;
    const edited = bundle.slice(0, middle) + '\nconst added = "some new code";\n' + bundle.slice(middle);
    // A release that changes a version string in place: the two texts have the same length.
    const bumped = bundle.slice(0, middle) + 'v9.9.9' + bundle.slice(middle + 6);
    for (const next of [edited, bumped]) {
      const before = loggedWindows.run;
      const { taken, matches } = compare([bundle, next, bundle], catalog);
      const run = loggedWindows.run - before;
      expect(matches).toBeGreaterThan(100);
      // The first version runs every window; the next two run only the few around the edit.
      expect(taken).toBeGreaterThan(1.8 * (run - taken / 2) - 50);
      expect(run).toBeLessThan(taken);
    }
  });

  it('takes over the windows between the edits of a bundle edited in several places, each run where it moved', () => {
    const bundle = Array.from({ length: 3000 }, (_, i) => (i % 50 === 7 ? sampleLines[i % sampleLines.length] : codeLines[i % codeLines.length])).join('\n');
    // Five edits through the file (a common start and end alone would leave 80 % of it to run).
    let edited = bundle;
    for (const at of [0.9, 0.7, 0.5, 0.3, 0.1]) {
      const where = edited.indexOf('\n', Math.floor(at * edited.length));
      edited = `${edited.slice(0, where)}\nconst added${at} = "some new code";${edited.slice(where)}`;
    }
    compare([bundle], catalog); // the first version alone: every window runs
    const first = loggedWindows.run;
    compare([bundle], catalog);
    const all = loggedWindows.run - first;
    const before = loggedWindows.run;
    const { taken } = compare([bundle, edited], catalog);
    const run = loggedWindows.run - before - all; // the second version's runs
    // Each edit runs again the few windows around it (merged windows reach up to 4 Ki characters).
    expect(taken).toBeGreaterThan(0.7 * all);
    expect(run).toBeLessThan(0.3 * all);
  });
});
