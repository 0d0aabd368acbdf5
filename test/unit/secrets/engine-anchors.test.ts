import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../../src/core/secrets/candidates.js';
import { compileCatalog, nameAnchorOf, type CompiledCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';

/**
 * Name anchoring (compile.ts `NameAnchor`) is an optimisation, never a change of meaning: running a
 * `generic-*` assignment regex only where a name runs into its keyword must find exactly the raw
 * matches that the plain `g` search over the same windows finds.
 */
const anchoredIds = allDetectors.filter((d) => nameAnchorOf(d.pattern)).map((d) => d.id);
const detectors = allDetectors.filter((d) => d.id.startsWith('generic-'));
const anchored = compileCatalog(detectors);
const plain: CompiledCatalog = { ...anchored, anchored: [], keywordAnchored: anchored.keywordAnchored.map(() => []) };

function both(content: string, wholeFileBelow: number) {
  const active = anchored.activeByDefault.slice();
  for (const i of anchored.pathScoped) active[i] = anchored.detectors[i].detector.pathPattern!.test('gen.env') ? 1 : 0;
  return [findMatches(content, anchored, active, { wholeFileBelow }), findMatches(content, plain, active, { wholeFileBelow })];
}

const names = ['DB_PASSWORD', 'password', 'db.pass', 'passwd', 'MY-API-KEY', 'apiKey', 'x-api-key', 'client_secret', 'clientSecret', 'jwtSecret', 'AUTH_TOKEN', 'authorization', 'gh_pat', 'SENTRY_KEY', 'publishKey', 'monkey', 'secretName', 'tokenizer', 'a'.repeat(38) + '_token', 'b'.repeat(45) + '_secret', 'private_key', 'signing.key', 'encryption.key', 'master-key', 'hmac.key', 'shared-key', 'client.key', 'app.key', 'account.key', 'subscription.key', 'API.KEY'];
const glue = ['=', ' = ', ': ', ':=', ' => ', '"', "'", '": "', "' => '", '(', "', '", ' { get; set; } = ', ': string = ', ' ', '\t', '--', 'ENV '];
const value = fc.stringMatching(/^[A-Za-z0-9+\/=_.!#-]{6,40}$/);
/** A name of 30–50 characters before the keyword straddles the 40-character limit of the name part. */
const longName = fc.tuple(fc.integer({ min: 30, max: 50 }), fc.constantFrom('_token', '.password', '-secret', 'ApiKey', '_KEY', '_pat')).map(([n, word]) => 'n'.repeat(n) + word);
const assignment = fc.tuple(fc.oneof(fc.constantFrom(...names), longName), fc.constantFrom(...glue), fc.constantFrom('', '"', "'"), value).map(([name, g, q, v]) => `${name}${g}${q}${v}${q}`);
const fragment = fc.oneof(
  assignment,
  assignment.map((a) => `\n${a}\n`),
  fc.constantFrom(...names),
  fc.constantFrom(...glue),
  fc.constantFrom('\n', '\r\n', ' ', ';', ',', '"', '`', '${X}', 'bearer ', 'token ', '.', '_', '-', 'ENV ', '  - name: X\n    value: '),
  fc.stringMatching(/^[A-Za-z0-9+\/=_.-]{1,60}$/),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'k'.repeat(n)),
  fc.string({ maxLength: 20 }),
);

describe('name-anchored generic detectors', () => {
  it('are the five name-before-keyword assignments', () => {
    expect(anchoredIds.sort()).toEqual(['generic-api-key', 'generic-key', 'generic-password', 'generic-secret', 'generic-token']);
  });

  it('find what the plain search finds, whole-file and windowed (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 80 }), (parts) => {
        const content = parts.join('');
        for (const mode of [Number.POSITIVE_INFINITY, 0]) {
          const [a, p] = both(content, mode);
          expect(a).toEqual(p);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('find what the plain search finds on every generic sample, also embedded in long lines', () => {
    for (const d of detectors) {
      for (const sample of [...d.samples.positive.map((s) => s.text), ...d.samples.negative.map((s) => (typeof s === 'string' ? s : s.text))]) {
        for (const content of [sample, `${'x=1;'.repeat(900)}${sample}${';y=2'.repeat(900)}`, `${sample}\n${sample.toUpperCase()}`]) {
          for (const mode of [Number.POSITIVE_INFINITY, 0]) {
            const [a, p] = both(content, mode);
            expect(a).toEqual(p);
          }
        }
      }
    }
  });
});
