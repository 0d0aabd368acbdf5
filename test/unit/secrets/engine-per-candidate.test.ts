import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { codePointEntropy, entropyDistinct, shannonEntropy } from '../../../src/core/secrets/entropy.js';
import { sequentialShare } from '../../../src/core/secrets/false-positives.js';
import { detached, keyedFingerprint, locationFingerprint } from '../../../src/core/secrets/fingerprint.js';
import { LineIndex } from '../../../src/core/secrets/lines.js';
import { defaultSettings } from '../../../src/core/types.js';
import { acme, body, detector } from './engine-fixtures.js';

/** The straightforward definitions the engine's faster versions must equal, bit for bit. */
function referenceEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) counts.set(value.charCodeAt(i), (counts.get(value.charCodeAt(i)) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / value.length) * Math.log2(count / value.length);
  return bits;
}

/** Over code points, as the string iterator yields them, per code unit of length. */
function referenceCodePointEntropy(value: string): { bits: number; distinct: number } {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / value.length) * Math.log2(count / value.length);
  return { bits, distinct: counts.size };
}

function referenceSequentialShare(value: string): number {
  if (value.length < 4) return 0;
  const covered = new Uint8Array(value.length);
  for (const step of [0, 1, -1]) {
    let start = 0;
    for (let i = 1; i <= value.length; i++) {
      if (i < value.length && value.charCodeAt(i) - value.charCodeAt(i - 1) === step) continue;
      if (i - start >= 4) covered.fill(1, start, i);
      start = i;
    }
  }
  return covered.reduce((a, b) => a + b, 0) / value.length;
}

/** Strings with long runs (repeats, ascending and descending codes) and wide code units. */
const runny = fc
  .array(
    fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 0x2ff }), fc.integer({ min: 1, max: 9 }), fc.constantFrom(0, 1, -1)).map(([from, n, step]) =>
        Array.from({ length: n }, (_, i) => String.fromCharCode(Math.max(0, from + i * step))).join(''),
      ),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('secrets engine: per-candidate checks equal their plain definitions', () => {
  it('shannonEntropy (typed counts) equals the Map version bit for bit, wide code units included (fast-check)', () => {
    fc.assert(fc.property(fc.oneof(runny, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 })), (value) => {
      expect(Object.is(shannonEntropy(value), referenceEntropy(value))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('shannonEntropy of a value with more distinct code units than its scratch table holds', () => {
    const wide = Array.from({ length: 1500 }, (_, i) => String.fromCharCode(0x100 + i)).join('') + 'abcabc';
    expect(shannonEntropy(wide)).toBe(referenceEntropy(wide));
    expect(shannonEntropy('aab')).toBe(referenceEntropy('aab')); // the table is clean again afterwards
  });

  it('codePointEntropy (the same counting routine, surrogate pairs joined) equals the iterator version bit for bit (fast-check)', () => {
    const surrogates = fc.array(fc.constantFrom('a', 'b', '\u{1F600}', '\u{1F601}', '\ud800', '\udc00', 'é', '字'), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(runny, surrogates, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 })), (value) => {
      const bits = codePointEntropy(value);
      const distinct = entropyDistinct();
      const reference = referenceCodePointEntropy(value);
      expect(Object.is(bits, reference.bits)).toBe(true);
      expect(distinct).toBe(reference.distinct);
      expect(Object.is(shannonEntropy(value), referenceEntropy(value))).toBe(true); // the two modes share scratch tables
    }), { numRuns: 2000 });
    const many = Array.from({ length: 1500 }, (_, i) => String.fromCodePoint(0x1f000 + i)).join('') + 'ab';
    expect(codePointEntropy(many)).toBe(referenceCodePointEntropy(many).bits);
    expect(entropyDistinct()).toBe(1502);
    expect(codePointEntropy('aab')).toBe(referenceCodePointEntropy('aab').bits);
  });

  it('sequentialShare (one pass, shared marks) equals the three-pass version (fast-check)', () => {
    fc.assert(fc.property(runny, (value) => {
      expect(sequentialShare(value)).toBe(referenceSequentialShare(value));
    }), { numRuns: 2000 });
    for (const value of ['aaaabcde', 'edcbaaaa', '12344321', 'abcdcbaabcd', 'a'.repeat(5000)]) expect(sequentialShare(value)).toBe(referenceSequentialShare(value));
  });

  it('keyedFingerprint is the HMAC of its input however often it is asked and after its cache is cleared', () => {
    const hmac = (key: string, id: string, secret: string) => createHmac('sha256', key).update(`nhi-steward/secret/v2\0${id}\0${secret}`).digest('hex');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9000; i += 1) {
        const secret = `s${i}`;
        const key = i % 2 === 0 ? 'k1' : 'k2';
        expect(keyedFingerprint(key, 'det', secret)).toBe(hmac(key, 'det', secret));
      }
    }
    const block = 'x'.repeat(64 * 1024); // too long to cache: still right
    expect(keyedFingerprint('k1', 'det', block)).toBe(hmac('k1', 'det', block));
    expect(keyedFingerprint('k1', 'det', block)).toBe(hmac('k1', 'det', block));
  });

  it('locationFingerprint is the hash of its input however often it is asked and after its cache is cleared', () => {
    const sha = (rule: string, file: string, context: string, occurrence: number) => createHash('sha256').update(`nhi-steward/location/v1\0${rule}\0${file}\0${context}\0${occurrence}`).digest('hex');
    const seen = new Set<string>();
    const inputs = new Set<string>();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9000; i += 1) {
        // Files, rules, contexts and occurrences that share every prefix but one part.
        const [rule, file, context, occurrence] = [`secret/r${i % 3}`, `src/f${i % 5}.ts`, `const x = "\0"; // ${i % 700}`, 1 + (i % 90)];
        const digest = locationFingerprint(rule, file, context, occurrence);
        expect(digest).toBe(sha(rule, file, context, occurrence));
        seen.add(digest);
        inputs.add(`${rule} ${file} ${context} ${occurrence}`);
      }
    }
    expect(seen.size).toBe(inputs.size); // one digest per input (6,300 of them: more than the cache holds)
    const long = 'y'.repeat(64 * 1024); // too long to cache: still right
    expect(locationFingerprint('secret/r', 'a.ts', long, 1)).toBe(sha('secret/r', 'a.ts', long, 1));
    expect(locationFingerprint('secret/r', 'a.ts', long, 1)).toBe(sha('secret/r', 'a.ts', long, 1));
  });
});

describe('secrets engine: the lazy line index', () => {
  it('answers like a full index of every line start, whatever order the lookups come in (fast-check)', () => {
    const text = fc.array(fc.constantFrom('a', 'bc', '\n', '\r\n', '\n\n', 'k'.repeat(30)), { maxLength: 50 }).map((p) => p.join(''));
    const lookup = fc.tuple(fc.constantFrom('lineOf', 'position', 'lineStart', 'lineEnd', 'lineCount'), fc.nat());
    fc.assert(
      fc.property(text, fc.array(lookup, { maxLength: 12 }), (t, lookups) => {
        const starts = [0];
        for (let i = 0; i < t.length; i++) if (t[i] === '\n') starts.push(i + 1);
        const lineOf = (offset: number) => starts.filter((s) => s <= offset).length;
        const index = new LineIndex(t);
        for (const [kind, n] of lookups) {
          const offset = n % (t.length + 1);
          const line = 1 + (n % (starts.length + 2));
          if (kind === 'lineOf') expect(index.lineOf(offset)).toBe(lineOf(offset));
          if (kind === 'position') expect(index.position(offset)).toEqual({ line: lineOf(offset), column: offset - starts[lineOf(offset) - 1] + 1 });
          if (kind === 'lineStart') expect(index.lineStart(line)).toBe(starts[Math.min(line, starts.length) - 1]);
          if (kind === 'lineEnd') expect(index.lineEnd(line)).toBe(line < starts.length ? starts[line] - 1 : t.length);
          if (kind === 'lineCount') expect(index.lineCount).toBe(starts.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('secrets engine: location fingerprints', () => {
  const scanner = createSecretScanner([acme]);
  const location = defaultSettings({ fingerprint: { kind: 'location' } });

  it('hash the line with every secret on it cut out, whitespace collapsed, numbered per rule and context', () => {
    const [a, b, c, d] = [1, 2, 3, 4].map((seed) => `acme_${body(seed)}`);
    const content = ['const unrelated = 1;', `x("${a}", "${b}");`, `  \t const   t = "${c}" ;`, `const t =   "${d}" ;  `, ''].join('\n');
    const findings = scanner.scan({ path: 'src/keys.ts', content }, location);
    expect(findings.map((f) => f.line)).toEqual([2, 2, 3, 4]);
    const rule = 'secret/acme-token';
    expect(findings.map((f) => f.fingerprint)).toEqual([
      locationFingerprint(rule, 'src/keys.ts', 'x("\0", "\0");', 1),
      locationFingerprint(rule, 'src/keys.ts', 'x("\0", "\0");', 2),
      locationFingerprint(rule, 'src/keys.ts', 'const t = "\0" ;', 1),
      locationFingerprint(rule, 'src/keys.ts', 'const t = "\0" ;', 2),
    ]);
  });

  it('are the same for a file of many findings scanned twice (memoised contexts and hashes)', () => {
    const content = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `k${i % 7} = "acme_${body(i)}" // "acme_${body(i + 1000)}"` : `line ${i}`)).join('\n');
    const first = scanner.scan({ path: 'src/many.ts', content }, location);
    const second = scanner.scan({ path: 'src/many.ts', content }, location);
    expect(first).toHaveLength(200);
    expect(second).toEqual(first);
    for (const f of first) {
      const line = content.split('\n')[f.line - 1];
      const context = line.replace(/acme_[A-Za-z0-9]{24}/g, '\0').replace(/\s+/g, ' ').trim();
      const before = first.filter((g) => g.line < f.line || (g.line === f.line && g.column < f.column));
      const occurrence = 1 + before.filter((g) => content.split('\n')[g.line - 1].replace(/acme_[A-Za-z0-9]{24}/g, '\0').replace(/\s+/g, ' ').trim() === context).length;
      expect(f.fingerprint).toBe(locationFingerprint('secret/acme-token', 'src/many.ts', context, occurrence));
    }
  });
});

describe('secrets engine: false-positive verdicts are remembered per detector, not per id', () => {
  // Same id, same value, same line and path; only the documented prefix differs, and with it the
  // part the repeated-characters filter looks at (`aaaaaaaaaaaa` once `tok_` is taken off).
  const plain = detector({ id: 'custom-tok', keywords: ['tok_'], pattern: /(?<secret>tok_[a-z]{12})/ });
  const prefixed = detector({ id: 'custom-tok', keywords: ['tok_'], pattern: /(?<secret>tok_[a-z]{12})/, redactPrefix: 'tok_' });
  const file = { path: 'config/app.ini', content: 'value = tok_aaaaaaaaaaaa\n' };
  const settings = defaultSettings();

  it('a verdict for one detector is not reused for another of the same id', () => {
    expect(createSecretScanner([plain]).scan(file, settings)).toHaveLength(1);
    expect(createSecretScanner([prefixed]).scan(file, settings)).toHaveLength(0);
    expect(createSecretScanner([plain]).scan(file, settings)).toHaveLength(1);
  });
});

describe('secrets engine: a remembered value skips its entropy floor and validation, not its verdicts', () => {
  const settings = defaultSettings();
  const lines = (value: string) => Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `// example: tok_${value}` : `value${i} = tok_${value}`)).join('\n');
  const strict = detector({ id: 'custom-tok', keywords: ['tok_'], pattern: /(?<secret>tok_[a-z0-9]{12})/, entropy: 3.2 });
  const loose = detector({ id: 'custom-tok', keywords: ['tok_'], pattern: /(?<secret>tok_[a-z0-9]{12})/, validate: (s) => !s.endsWith('0') });

  it('gives each line the verdict of a scan with an empty memo, for values that pass and fail each check', () => {
    for (const value of ['a8f3k2m9q7w1', 'aaaaaaaaaab0', 'abcabcabcabc', 'z9y8x7w6v5u0']) {
      const content = lines(value);
      // A fresh scanner per detector copy: no memo entry from another scan can answer for these.
      const fresh = (d: typeof strict) => createSecretScanner([{ ...d }]).scan({ path: 'src/a.ts', content }, settings).map((f) => [f.line, f.rule]);
      for (const d of [strict, loose]) {
        const scanner = createSecretScanner([d]);
        const first = scanner.scan({ path: 'src/a.ts', content }, settings).map((f) => [f.line, f.rule]);
        const again = scanner.scan({ path: 'src/a.ts', content }, settings).map((f) => [f.line, f.rule]);
        const elsewhere = scanner.scan({ path: 'test/b.ts', content }, settings).map((f) => [f.line, f.rule]);
        expect(first).toEqual(fresh(d));
        expect(again).toEqual(first);
        expect(elsewhere).toEqual(createSecretScanner([{ ...d }]).scan({ path: 'test/b.ts', content }, settings).map((f) => [f.line, f.rule]));
      }
    }
  });
});

describe('secrets engine: remembered verdicts do not keep files alive', () => {
  it('detached copies equal their input', () => {
    for (const text of ['', 'short', 'x'.repeat(13), 'é'.repeat(40), '\u{1F600}'.repeat(20)]) expect(detached(text)).toBe(text);
  });

  it('scanning 96 files of 1 MiB, each with its own token, leaves no file in memory once they are dropped', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const scanner = createSecretScanner([acme]);
    const settings = defaultSettings();
    const filler = `${'const unrelated = 1;\n'.repeat(52_000)}`;
    gc();
    const before = process.memoryUsage().heapUsed;
    let found = 0;
    for (let i = 0; i < 96; i++) {
      // A fresh 1 MiB string per file (the filler joined with per-file text is flattened by the scan).
      const content = `// file ${i}\n${filler}const t = "acme_${body(i + 1000)}";\n${filler}`.split('\n').join('\n');
      found += scanner.scan({ path: `src/f${i}.ts`, content }, settings).length;
    }
    gc();
    const retainedMB = (process.memoryUsage().heapUsed - before) / 1048576;
    expect(found).toBe(96); // every verdict went through the memo
    // With the memo holding slices of each file, ~200 MB (96 files of ~2 MiB) stayed reachable.
    expect(retainedMB).toBeLessThan(16);
  });
});
