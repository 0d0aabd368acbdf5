import { describe, expect, it } from 'vitest';
import type { Detector } from '../../../src/core/secrets/detector.js';
import { CHECKSUM_PREFIXES, generateChecksumToken, hasBase62Crc32 } from '../../../src/core/secrets/detectors/checksum.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { generate, prng, tableInfo } from '../../../src/core/secrets/detectors/table.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { shannonEntropy } from '../../../src/core/secrets/entropy.js';
import { hasPlaceholderWord } from '../../../src/core/secrets/false-positives.js';
import { isIdentifierLike } from '../../../src/core/secrets/identifiers.js';
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
      // Draws the engine drops by design (docs/architecture.md, "False positives"), drawn again:
      // one that spells a stand-in word as people write it (`…dummy…`, `…EXAMPLE…`, about 1 in
      // 300,000), one below the row's entropy floor (`4754XW44XWXF`), and one that reads as a
      // camelCase name (`oxyqngyApedlaLKZ`; the rate is bounded by the test below).
      while (hasPlaceholderWord(value) || (d.entropy !== undefined && shannonEntropy(value) < d.entropy) || (d.contextual !== false && isIdentifierLike(value))) value = generate(info.parts, random);
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

  it('a random key whose words open with consonants no English word opens with is not a name (seed 598285719 drew one)', () => {
    expect(isIdentifierLike('mxosOAXVIdeeNlaqpsXpgeOfdYamVpci')).toBe(false); // mx, nl, xp, vp
    // Names keep reading as names, with one or two acronyms written as words (Pkce, Dkim) too.
    for (const name of ['getCloudflareZoneIdentifier', 'StripeWebhookSigningSecretName', 'loadDkimSigningKeyForMailer', 'buildPkceVerifierForDkimSigner']) expect(isIdentifierLike(name), name).toBe(true);
    expect(isIdentifierLike('buildPkceVerifierForDkimSignerWithBcrypt')).toBe(false); // a third: Pkce, Dkim, Bcrypt
  });

  it('random base62 keys rarely read as names (the identifier filter costs < 1 in 2,000 at 16 characters, none from 32)', () => {
    const random = prng(SEED);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const draw = (length: number): string => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const rate = (length: number, n: number): number => {
      let names = 0;
      for (let k = 0; k < n; k++) if (isIdentifierLike(draw(length))) names++;
      return names / n;
    };
    // Measured with 10^6 draws each: 3.0e-4 at 16, 4.9e-5 at 20, 6e-6 at 24, 0 at 32 (5.4e-4 and
    // 1.1e-4 before humps with several digit groups, mostly upper-case letters or 3+ acronyms
    // stopped reading as names).
    // Bounds about 4 standard deviations above the measured rates, so a seed does not decide. At 16
    // characters 400,000 draws (2.8e-4 measured again on 2026-12-06 with 2·10^6 draws: ~114 names
    // expected, fewer than 200 allowed, 8 standard deviations); with 100,000 the bound was ~4 away,
    // and one CI run in the order of 10^4 could fail (one did, on 2026-12-05).
    expect(rate(16, 400_000), `seed ${SEED}`).toBeLessThan(1 / 2_000);
    expect(rate(20, 100_000), `seed ${SEED}`).toBeLessThan(1 / 5_000);
    expect(rate(32, 50_000), `seed ${SEED}`).toBe(0);
  });

  it('a random-looking value of humps is not a name (digits in several places, mostly capitals)', () => {
    for (const value of ['OaCA84TJ9LM5ISK2', 'WulxIW6LLYitreusUYKZ', 'orKEFP69DBUBurRK', 'ew0ETW0KhfocigZH35AK']) expect(isIdentifierLike(value), value).toBe(false);
    for (const value of ['getCloudflareZone', 'Oauth2ClientSecret', 'NextPageTokenValue2', 'getServiceURLForID', 'CLOUDFLARE_API_TOKEN_VARIABLE']) expect(isIdentifierLike(value), value).toBe(true);
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
