import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { companionFollows } from '../../../src/core/secrets/candidates.js';
import { compileCatalog, type CompiledCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { expectSameRawMatches, rawMatchesOfBoth } from './engine-fixtures.js';

/**
 * Companion words (compile.ts `Companion`) are an optimisation, never a change of meaning: a keyed
 * row's match opens with the provider's word and holds a credential word at most `within`
 * characters after it, so dropping the hits without one must leave exactly the raw matches that
 * the search around every hit finds.
 */
const keyed = allDetectors.filter((d) => d.companions);
const checked = compileCatalog(keyed);
const unchecked: CompiledCatalog = { ...checked, detectors: checked.detectors.map((c) => ({ ...c, companion: undefined })) };

const both = (content: string, wholeFileBelow: number, path = 'settings.py') => rawMatchesOfBoth(checked, unchecked, content, wholeFileBelow, path);

const positives = keyed.flatMap((d) => d.samples.positive.map((s) => s.text));
const words = [...new Set(keyed.flatMap((d) => d.keywords))];
const credentials = [...new Set(keyed.flatMap((d) => d.companions!.words))];
/** Per keyed row: its first provider word, first credential word, and its first sample's value. */
const gapped = keyed.map((d) => [d.keywords[0], d.companions!.words[0], d.samples.positive[0].secret] as const);
const fragment = fc.oneof(
  fc.constantFrom(...positives),
  fc.constantFrom(...words),
  fc.constantFrom(...words).map((w) => w.toUpperCase()),
  fc.constantFrom(...credentials),
  fc.constantFrom(...credentials).map((w) => w.toUpperCase()),
  fc.constantFrom('\n', ' ', '"', "'", '_', '-', '.', '=', ': ', '\t', '- name: ', '  value: ', 'é', '\u{1F600}', '\0', 'https://github.com/expressjs/express/pull/'),
  // A row's provider word, a gap around the 40 characters its credential word may start within,
  // the credential word and a value of the row's own shape (from its first sample): a match
  // exactly when the gap is 40 or less.
  { arbitrary: fc.tuple(fc.constantFrom(...gapped), fc.integer({ min: 36, max: 44 }), fc.constantFrom(' ', '_', '\n')).map(([[w, c, v], n, pad]) => `${w}${pad.repeat(n)}${c}=${v}\n`), weight: 4 },
  fc.stringMatching(/^[0-9a-f]{40}$/),
  fc.stringMatching(/^[A-Za-z0-9]{20,40}$/),
  fc.integer({ min: 1, max: 60 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'k'.repeat(n)),
  fc.string({ maxLength: 20 }),
);

describe('companion words', () => {
  it('are set for keyed rows with credential words, and are keywords of the pass', () => {
    const github = checked.byId.get('github-oauth-client-secret')!;
    expect(github.companion).toBeDefined();
    const ids = checked.automaton.keywords.flatMap((k, id) => (github.companion!.words[id] === 1 ? [k] : []));
    expect(ids.sort()).toEqual(['app_secret', 'client-secret', 'client_secret', 'clientsecret', 'oauth_secret']);
    expect(github.companion!.within).toBe(40);
    expect(checked.byId.get('circleci-token')!.companion).toBeDefined();
    // No credential word required (`credential: false`), or one too common in code to look for.
    expect(checked.byId.get('drone-ci-token')).toBeUndefined();
    expect(allDetectors.find((d) => d.id === 'drone-ci-token')!.companions).toBeUndefined();
    expect(allDetectors.find((d) => d.id === 'snowflake-jwt')!.companions).toBeUndefined();
    expect(keyed.length).toBeGreaterThan(300);
  });

  it('follow a keyword hit only when a word starts within reach after it', () => {
    const github = checked.byId.get('github-oauth-client-secret')!.companion!;
    const follows = (text: string) => {
      const hits = checked.automaton.scan(text);
      const at = text.toLowerCase().indexOf('github') + 'github'.length;
      for (let h = 0; h < hits.length; h += 2) if (hits[h + 1] === at) return companionFollows(hits, h, at, github, checked);
      throw new Error('no hit');
    };
    expect(follows('GITHUB_CLIENT_SECRET=0123')).toBe(true);
    expect(follows(`github${' '.repeat(40)}client_secret`)).toBe(true);
    expect(follows(`github${' '.repeat(41)}client_secret`)).toBe(false); // starts 41 characters after
    expect(follows('client_secret = github')).toBe(false); // before the provider's word
    expect(follows('see https://github.com/expressjs/express/pull/42 for the token')).toBe(false);
    expect(follows('github.ClientSecret')).toBe(true);
  });

  it('agree where fast-check once found them apart: a credential word lines after the provider\'s word', () => {
    // Seed -629805502 (CI, 2026-12-06): windows reached two lines past the hit, so the first
    // `bitmex` found its `key=` 36 lines down only when the second one's window (dropped by the
    // companion check) merged with it. Windows of such rows now reach far enough (compile.ts `far`).
    const content = `bitmex${'\n'.repeat(36)}key=Cm-Q9TwUH-NVUCOwDPUAEsr1xC5SBIdfeEqvSm589NSvbY0e\nbitmex${' '.repeat(41)}key=fIuGVYjfVXLAx2riE3eMN2cC\n`;
    for (const mode of [Number.POSITIVE_INFINITY, 0]) {
      const [a, b] = both(content, mode);
      expect(a).toEqual(b);
      expect(a.map((m) => m.secret)).toEqual(['Cm-Q9TwUH-NVUCOwDPUAEsr1xC5SBIdfeEqvSm589NSvbY0e']);
    }
  });

  it('find what the search around every hit finds, whole-file and windowed (fast-check)', () => {
    expectSameRawMatches(checked, unchecked, fragment, 300);
  });

  it('find every positive sample, alone, after a changelog of links, and inside a long minified line', () => {
    const links = 'https://github.com/expressjs/express/pull/1 by @coveralls travis\n'.repeat(40);
    for (const d of keyed) {
      for (const sample of d.samples.positive) {
        for (const content of [sample.text, `${links}${sample.text}\n${links}`, `${'x=1;'.repeat(900)}${sample.text}${';y=2'.repeat(900)}`]) {
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
