import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { defaultSettings } from '../../../src/core/types.js';
import { acme, body, generic, keyId, keySecret, passwd, pem } from './engine-fixtures.js';

/**
 * The prefilter is an optimisation, never a change of meaning: searching only in windows around
 * keyword hits must find exactly what searching the whole file finds, for detectors whose match
 * contains (or sits on the line of) its keyword.
 */
const detectors = [acme, generic, keyId, keySecret, pem, passwd];
const windowed = createSecretScanner(detectors, { wholeFileBelow: 0 });
const whole = createSecretScanner(detectors, { wholeFileBelow: Number.POSITIVE_INFINITY });
const settings = defaultSettings();

const fragment = fc.oneof(
  fc.constantFrom('\n', '\r\n', ' ', '"', "'", '=', ': ', 'acme_', 'ACME_', 'token', 'secret', 'SECRET_KEY', 'zkid', 'zeta_secret = ', '-----BEGIN TEST PRIVATE KEY-----\n', '\n-----END TEST PRIVATE KEY-----', 'passwd:\n  ', 'PASSWD = '),
  fc.integer({ min: 0, max: 10_000 }).map((n) => `acme_${body(n)}`),
  fc.integer({ min: 0, max: 10_000 }).map((n) => `api_token = "${body(n, 20)}"`),
  fc.integer({ min: 0, max: 10_000 }).map((n) => `ZKID${body(n, 12).toUpperCase()}\nzeta_secret = ${body(n + 1, 32)}`),
  fc.integer({ min: 0, max: 10_000 }).map((n) => `-----BEGIN TEST PRIVATE KEY-----\n${body(n, 64)}\n${body(n + 1, 30)}\n-----END TEST PRIVATE KEY-----`),
  fc.integer({ min: 0, max: 10_000 }).map((n) => `passwd:\n    ${body(n, 20)}\n`),
  fc.string({ maxLength: 30 }),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'x'.repeat(n)),
);

describe('windowed search agrees with whole-file search', () => {
  it('on generated files mixing tokens, keywords, noise, CRLF and long lines', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
        const file = { path: 'gen.txt', content: parts.join('') };
        expect(windowed.scan(file, settings)).toEqual(whole.scan(file, settings));
      }),
      { numRuns: 500 },
    );
  });

  it('on a long minified line with hits far apart', () => {
    const parts: string[] = [];
    for (let i = 0; i < 200; i++) parts.push('x'.repeat(5000 + i), `;acme_${body(i)};`, `secret="${body(i + 500, 20)}"`);
    const file = { path: 'bundle.min.js', content: parts.join('') };
    const found = windowed.scan(file, settings);
    expect(found).toEqual(whole.scan(file, settings));
    expect(found.filter((f) => f.rule === 'secret/acme-token')).toHaveLength(200);
  });
});
