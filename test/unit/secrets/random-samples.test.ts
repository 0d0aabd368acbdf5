import { describe, expect, it } from 'vitest';
import type { Detector } from '../../../src/core/secrets/detector.js';
import { CHECKSUM_PREFIXES, generateChecksumToken, hasBase62Crc32 } from '../../../src/core/secrets/detectors/checksum.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { generate, prng, tableInfo } from '../../../src/core/secrets/detectors/table.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { hasPlaceholderWord } from '../../../src/core/secrets/false-positives.js';
import { secretFingerprint } from '../../../src/core/secrets/redact.js';
import { defaultSettings } from '../../../src/core/types.js';

/**
 * Fresh true positives on every run, drawn from each table detector's declared format (and from
 * the checksum generator for GitHub/npm tokens), so the fixed samples cannot be overfitted. The
 * seed changes per run; set NHI_SAMPLE_SEED to replay one, and a failure names it.
 */
const SEED = Number(process.env.NHI_SAMPLE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PER_DETECTOR = 8;

function found(d: Detector, text: string, secret: string): boolean {
  const settings = defaultSettings({ detectors: { enabled: [d.id], disabled: [] } });
  const fingerprint = secretFingerprint(d.id, secret);
  return scanSecrets({ path: 'app/config.env', content: text }, settings).some((f) => f.fingerprint === fingerprint);
}

describe(`random true positives (seed ${SEED}; replay with NHI_SAMPLE_SEED=${SEED})`, () => {
  const tabled = allDetectors.filter((d) => tableInfo(d) !== undefined);

  it('covers every table-built detector', () => {
    expect(tabled.length).toBeGreaterThan(300);
  });

  it.each(tabled.map((d, i) => [d.id, d, i] as const))('%s finds values drawn from its format', (_id, d, i) => {
    const info = tableInfo(d)!;
    const random = prng(SEED + i * 7919);
    const missed: string[] = [];
    for (let k = 0; k < PER_DETECTOR; k++) {
      let value = generate(info.parts, random);
      // A draw that spells a stand-in word as people write it (`…dummy…`, `…EXAMPLE…`) is a
      // placeholder by design (docs/detectors.md); about 1 draw in 300,000 does. Draw again.
      while (hasPlaceholderWord(value)) value = generate(info.parts, random);
      const context = info.contexts[k % info.contexts.length];
      if (!found(d, context.replace('§', () => value), value)) missed.push(`${value.slice(0, 6)}… in ${JSON.stringify(context)}`);
    }
    expect(missed.join("; "), `seed ${SEED}`).toBe("");
  });

  it('a stand-in word in noisy mixed case inside a random token does not hide it (seed 1652258855 drew one)', () => {
    const d = allDetectors.find((x) => x.id === 'serphouse-api-key')!;
    const chance = 'GlVI6M1R01gHy791veElp29lOR0D8hgRBXhd8cqsUiieaDuMMY2H7DM6BVop';
    expect(found(d, `serphouse_token: "${chance}"`, chance)).toBe(true);
    const standIn = 'GlVI6M1R01gHy791veElp29lOR0D8hgRBXhd8cqsUiiea-dummy-7DM6BVop';
    expect(found(d, `serphouse_token: "${standIn}"`, standIn)).toBe(false);
    expect(hasPlaceholderWord('ieaDuMMY2H')).toBe(false);
    for (const word of ['dummy', 'DUMMY', 'Dummy', 'changeMe', 'YOUR_KEY', '<Enter YOUR token>', '...', 'xxxxx']) expect(hasPlaceholderWord(word), word).toBe(true);
  });

  it.each(CHECKSUM_PREFIXES.map((p) => [p] as const))('generateChecksumToken(%s) makes tokens the catalog accepts', (prefix) => {
    const random = prng(SEED);
    const detector = allDetectors.find((d) => d.redactPrefix === prefix && d.validate)!;
    expect(detector, prefix).toBeDefined();
    for (let k = 0; k < 20; k++) {
      const token = generateChecksumToken(prefix, random);
      expect(hasBase62Crc32(token, prefix)).toBe(true);
      expect(found(detector, `TOKEN=${token}`, token), `seed ${SEED}`).toBe(true);
      // One changed character breaks the checksum.
      const broken = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
      expect(found(detector, `TOKEN=${broken}`, broken)).toBe(false);
    }
  });
});
