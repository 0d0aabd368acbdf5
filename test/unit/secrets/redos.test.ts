import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Detector } from '../../../src/core/secrets/detector.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { cpuTimed } from '../../support/cpu-time.js';

/**
 * No detector regex may be driven into catastrophic backtracking (docs/architecture.md, "What every mode guarantees"). Each regex runs (with
 * the `g` flag, as the engine compiles it) over long adversarial inputs built from what it accepts:
 * runs of its own alphabet, its keyword repeated, and near-misses of its samples repeated. The time
 * bound is a hang detector, not a benchmark: a linear regex needs milliseconds for 100 KB, a
 * backtracking one needs minutes.
 */

const SIZE = 100_000;
/** Gross-blowup bound for one regex over SIZE characters, in CPU time (test/support/cpu-time.ts); the slowest detector takes ~35 ms. */
const LIMIT_MS = 1_000;

function runAll(d: Detector, input: string): number {
  const re = new RegExp(d.pattern.source, d.pattern.flags + 'g');
  return cpuTimed(() => {
    let count = 0;
    for (const _ of input.matchAll(re)) count++;
    return count;
  }).ms;
}

function repeatTo(unit: string, size: number): string {
  return unit.length === 0 ? '' : unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** A deterministic pseudo-random run over `alphabet` (so a failure reproduces). */
function run(alphabet: string, size: number, seed: number): string {
  let x = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}

function sampleTexts(d: Detector): { secrets: string[]; texts: string[] } {
  const secrets = d.samples.positive.map((p) => p.secret);
  const texts = [...d.samples.positive.map((p) => p.text), ...d.samples.negative.map((n) => (typeof n === 'string' ? n : n.text))];
  return { secrets, texts };
}

/** The adversarial inputs for one detector, by name. */
function adversarialInputs(d: Detector): [string, string][] {
  const { secrets, texts } = sampleTexts(d);
  const alphabet = [...new Set(secrets.join(''))].join('') || 'a';
  const keyword = d.keywords[0] ?? '';
  const secret = secrets[0] ?? '';
  return [
    ['run of accepted characters', run(alphabet, SIZE, 7)],
    ['keyword + run of accepted characters', keyword + ' = ' + run(alphabet, SIZE, 11)],
    ['keyword repeated', repeatTo(keyword, SIZE)],
    ['keyword and a space repeated', repeatTo(`${keyword} `, SIZE)],
    ['secret repeated with no separator', repeatTo(secret, SIZE)],
    ['near-miss (secret minus its last char) repeated', repeatTo(`${keyword}=${secret.slice(0, -1)}`, SIZE)],
    ['near-miss with a bad tail repeated', repeatTo(`${secret.slice(0, Math.max(1, secret.length - 2))}\u0000`, SIZE)],
    ['one line of samples without newlines', repeatTo(texts.join(' ').replace(/\n/g, ' '), SIZE)],
  ];
}

describe('detector regexes stay linear', () => {
  describe.each(allDetectors.map((d) => [d.id, d] as const))('%s', (_id, d) => {
    it('handles 100 KB adversarial inputs without a blowup', () => {
      for (const [name, input] of adversarialInputs(d)) {
        const ms = runAll(d, input);
        expect(ms, `${name}: ${ms.toFixed(0)} ms`).toBeLessThan(LIMIT_MS);
      }
    });
  });

  it('handles generated inputs mixing each detector’s keywords and alphabet (fast-check)', () => {
    for (const d of allDetectors) {
      const { secrets } = sampleTexts(d);
      const alphabet = [...new Set(secrets.join('') + '=:."\' \n_-')];
      const piece = fc.oneof(
        fc.constantFrom(...d.keywords, ...secrets),
        fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 64 }),
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (pieces, times) => {
          const input = pieces.join('').repeat(times).slice(0, 20_000);
          return runAll(d, input) < LIMIT_MS;
        }),
        { numRuns: 15, seed: 2026 },
      );
    }
  });
});
