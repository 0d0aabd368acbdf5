import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCatalog, leadFits, leadOf, trailFits, trailOf, type CompiledCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { expectSameRawMatches, rawMatchesOfBoth } from './engine-fixtures.js';

/**
 * Lead and trail checks (compile.ts `Lead`, `Trail`) are an optimisation, never a change of
 * meaning: dropping the keyword hits where no match can start (or no match can hold its keyword)
 * must leave exactly the raw matches that the search over every hit's window finds.
 */
const led = allDetectors.filter((d) => leadOf(d.pattern, d.keywords) || trailOf(d.pattern, d.keywords));
const checked = compileCatalog(led);
const unchecked: CompiledCatalog = { ...checked, detectors: checked.detectors.map((c) => ({ ...c, lead: undefined, trail: undefined })) };

const both = (content: string, wholeFileBelow: number, path = 'settings.py') => rawMatchesOfBoth(checked, unchecked, content, wholeFileBelow, path);

const positives = led.flatMap((d) => d.samples.positive.map((s) => s.text));
const keywords = [...new Set(led.flatMap((d) => d.keywords))];
const fragment = fc.oneof(
  fc.constantFrom(...positives),
  fc.constantFrom(...keywords),
  fc.constantFrom(...keywords).map((k) => k.toUpperCase()),
  fc.constantFrom('\n', ' ', '"', '_', '-', '.', '=', 'é', '\u{1F600}', 'EAA', 're_', 'x', '://', ':', '@', '/', 'https://', 'git+https://', 'redis://', 'ſ', 'K', '{\n  default = "', '"', '\t'),
  fc.constantFrom('variable "db_password" {\n  default = "', 'variable  \t"api_token"{', 'variable x', 'SECRET_KEY =', 'SECRET_KEY\t= ', '_authToken=', 'eyJhbGciOiJIUzI1NiJ9.', 'eyJhbGciOiJIUzI1NiJ9'),
  fc.tuple(fc.constantFrom('https', 'ftp', 'myapp+ws', 'x'), fc.stringMatching(/^[A-Za-z0-9._%-]{0,12}$/), fc.stringMatching(/^[A-Za-z0-9._%!$-]{0,12}$/), fc.constantFrom('@', '@host', '/', '')).map(([s, u, p, h]) => `${s}://${u}:${p}${h}`),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,120}$/),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'k'.repeat(n)),
  fc.string({ maxLength: 20 }),
);

describe('lead and trail checks', () => {
  it('apply to provider tokens whose literal starts with every keyword', () => {
    const ids = led.map((d) => d.id);
    expect(ids).toContain('facebook-access-token');
    expect(ids).toContain('resend-api-key');
    expect(ids.length).toBeGreaterThan(50);
    expect(ids).toContain('generic-terraform-variable-default'); // `\bvariable[ \t]+"`, with the i flag
    // Not to Unicode patterns, nor when a keyword is not a prefix of the literal.
    expect(leadOf(/EAA[0-9A-Za-z]{90,400}/u, ['eaa'])).toBeUndefined();
    expect(leadOf(/MT[AEIMQUYcgk][0-9A-Za-z_-]{21,23}/, ['mty'])).toBeUndefined();
    expect(leadOf(/(?<![A-Za-z0-9_-])(?<secret>re_[0-9A-Za-z]{8}_[0-9A-Za-z]{24})/, ['re_', 'resend'])).toBeUndefined();
  });

  it('reject only what cannot start a match', () => {
    const lead = leadOf(/(?<![A-Za-z0-9_\-])(?<secret>re_[0-9A-Za-z]{8}_[0-9A-Za-z]{24})/, ['re_'])!;
    expect(leadFits('x re_abcdefgh_', 2, lead)).toBe(true);
    expect(leadFits('re_abcdefgh_', 0, lead)).toBe(true);
    expect(leadFits('re_abcdefgh', 0, lead)).toBe(false); // the text ends before the `_` after the run (its stop)
    expect(leadFits('re_abcdefghi-', 0, lead)).toBe(false); // the run ends at `-`, not at its stop
    expect(leadFits('re_abcdefg', 0, lead)).toBe(false); // too short for the literal and 8 run characters
    expect(leadFits('RE_abcdefgh', 0, lead)).toBe(false); // case-sensitive literal
    expect(leadFits('are_abcdefgh', 1, lead)).toBe(false); // the lookbehind
    expect(leadFits('re_abc_efgh', 0, lead)).toBe(false);
    expect(leadFits('re_abcéefgh', 0, lead)).toBe(true); // beyond ASCII: left to the regex
    const word = leadOf(/\bvariable[ \t]+"x"/i, ['variable'])!;
    expect(leadFits('VARIABLE "x"', 0, word)).toBe(true);
    expect(leadFits('a = Variable\t"x"', 4, word)).toBe(true);
    expect(leadFits('variables "x"', 0, word)).toBe(false);
    expect(leadFits('myvariable "x"', 2, word)).toBe(false); // `\b`
    expect(leadFits('é variable "x"', 2, word)).toBe(true);
    expect(leadFits('varİable "x"', 0, word)).toBe(false); // no ASCII letter matches a non-ASCII one without `u`
  });

  it('stop: the first character after the run must be the one the pattern puts there', () => {
    const word = leadOf(/\bvariable[ \t]+"x"/i, ['variable'])!;
    expect(word.stop).toBe('"'.charCodeAt(0));
    expect(leadFits('variable \t "db"', 0, word)).toBe(true);
    expect(leadFits('variable x', 0, word)).toBe(false); // a JavaScript comment's "variable x"
    expect(leadFits('variable ', 0, word)).toBe(false); // the text ends first
    expect(leadFits(`variable${' '.repeat(200)}x`, 0, word)).toBe(true); // a run longer than checked: left to the regex
    expect(leadFits('variable é', 0, word)).toBe(true); // beyond ASCII: left to the regex
    const jwt = leadOf(/(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{8,2000}\.ey[A-Za-z0-9_-]{8,2000})/, ['eyj'])!;
    expect(String.fromCharCode(jwt.stop!)).toBe('.');
    expect(leadFits('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0', 0, jwt)).toBe(true);
    expect(leadFits('eyJhbGciOiJIUzI1NiJ9"', 0, jwt)).toBe(false); // base64 of JSON, no second part
    // No stop when the character is optional or repeated, is a run character, or the run is lazy.
    expect(leadOf(/\bvariable[ \t]+"?x/, ['variable'])!.stop).toBeUndefined();
    expect(leadOf(/\bvariable[ \t"]+"x/, ['variable'])!.stop).toBeUndefined();
    expect(leadOf(/\bvariable[ \t]+?"x/, ['variable'])!.stop).toBeUndefined();
    expect(leadOf(/\bvariable[ \t]+(?:"x)/, ['variable'])!.stop).toBeUndefined();
    const stopped = led.filter((d) => leadOf(d.pattern, d.keywords)?.stop !== undefined).map((d) => d.id);
    expect(stopped).toContain('generic-terraform-variable-default');
    expect(stopped).toContain('jwt');
  });

  it('trail: a URL keyword counts only when its user name ends at a colon', () => {
    const urls = allDetectors.filter((d) => trailOf(d.pattern, d.keywords)).map((d) => d.id);
    expect(urls.sort()).toEqual(['basic-auth-url', 'git-credentials-password', 'url-password']);
    const trail = { ...trailOf(/https?:\/\/[^\s:@\/]{0,200}:(?<secret>[^\s@\/]{3,200})@/i, ['://'])!, keyword: 0 };
    expect(trail.word).toBe('://');
    expect(trailFits('https://user:pw@h', 8, trail)).toBe(true);
    expect(trailFits('https://:pw@h', 8, trail)).toBe(true);
    expect(trailFits('https://example.com/path', 8, trail)).toBe(false);
    expect(trailFits('https://example.com', 8, trail)).toBe(false); // no stop character before the end
    expect(trailFits(`https://${'u'.repeat(200)}:pw@h`, 8, trail)).toBe(true);
    expect(trailFits(`https://${'u'.repeat(201)}:pw@h`, 8, trail)).toBe(false); // run longer than 200
    expect(trailFits('https://usér:pw@h', 8, trail)).toBe(true); // beyond ASCII: left to the regex
    // Not when the keyword sits in a group or an alternative, nor when the run may hold the stop.
    expect(trailOf(/(?:a|https?:\/\/)[^\s:@]{0,200}:x/, ['://'])).toBeUndefined();
    expect(trailOf(/a|https?:\/\/[^\s:@]{0,200}:x/, ['://'])).toBeUndefined();
    expect(trailOf(/https?:\/\/[^\s@]{0,200}:x/, ['://'])).toBeUndefined();
    expect(trailOf(/https?:\/\/[^\s:@]{0,200}:?x/, ['://'])).toBeUndefined();
  });

  it('find what the unchecked search finds, whole-file and windowed (fast-check)', () => {
    expectSameRawMatches(checked, unchecked, fragment, 400);
  });

  it('find every positive sample, alone and inside a long minified line', () => {
    for (const d of led) {
      for (const sample of d.samples.positive) {
        for (const content of [sample.text, `${'x=1;'.repeat(900)}${sample.text}${';y=2'.repeat(900)}`]) {
          for (const mode of [Number.POSITIVE_INFINITY, 0]) {
            const [a, b] = both(content, mode, sample.path);
            expect(a, d.id).toEqual(b);
            expect(a.some((m) => m.secret === sample.secret), `${d.id}: ${sample.secret}`).toBe(true);
          }
        }
      }
    }
  });
});
