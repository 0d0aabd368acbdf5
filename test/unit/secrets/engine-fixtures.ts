import fc from 'fast-check';
import { expect } from 'vitest';
import { findMatches, type RawMatch } from '../../../src/core/secrets/candidates.js';
import type { CompiledCatalog } from '../../../src/core/secrets/compile.js';
import type { Detector } from '../../../src/core/secrets/detector.js';

/** Small detectors defined here so engine tests never depend on the real catalog. */
export function detector(partial: Partial<Detector> & Pick<Detector, 'id' | 'keywords' | 'pattern'>): Detector {
  return {
    title: `${partial.id} token`,
    provider: 'Acme',
    level: 'error',
    samples: { positive: [], negative: [] },
    ...partial,
  };
}

export const acme = detector({
  id: 'acme-token',
  title: 'Acme API token',
  provider: 'Acme',
  keywords: ['acme_'],
  pattern: /(?<![A-Za-z0-9_])(?<secret>acme_[A-Za-z0-9]{24})(?![A-Za-z0-9])/,
  redactPrefix: 'acme_',
});

export const generic = detector({
  id: 'generic-assignment',
  title: 'Secret-named assignment',
  provider: 'generic',
  keywords: ['secret', 'token'],
  pattern: /(?:secret|token)[A-Za-z_]{0,20}[ \t]{0,4}[:=][ \t]{0,4}["']?(?<secret>[A-Za-z0-9_\-]{12,64})/i,
  entropy: 3,
});

export const keyId = detector({
  id: 'zeta-key-id',
  title: 'Zeta key id',
  provider: 'Zeta',
  keywords: ['zkid'],
  pattern: /(?<secret>ZKID[A-Z0-9]{12})/,
  redactPrefix: 'ZKID',
  pair: { with: 'zeta-secret', id: 'zeta-key-pair', title: 'Zeta key id and secret' },
});

export const keySecret = detector({
  id: 'zeta-secret',
  title: 'Zeta secret key',
  provider: 'Zeta',
  level: 'warning',
  keywords: ['zeta_secret'],
  pattern: /zeta_secret\s*=\s*(?<secret>[A-Za-z0-9\/+]{32})/,
});

export const pem = detector({
  id: 'test-private-key',
  title: 'Test private key block',
  provider: 'PEM',
  keywords: ['-----begin test private key-----'],
  pattern: /-----BEGIN TEST PRIVATE KEY-----\n(?<secret>[A-Za-z0-9+\/=\n]{40,}?)\n-----END TEST PRIVATE KEY-----/,
});

/** Random-looking but deterministic token bodies. */
export function body(seed: number, length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let x = (Math.imul(seed + 1, 2654435761) ^ 0x9e3779b9) | 1;
  let out = '';
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}

/** May cross a line end through `\s` (YAML: the key, then the value on the next line). */
export const passwd = detector({
  id: 'test-passwd',
  title: 'Test password',
  provider: 'Test',
  keywords: ['passwd'],
  pattern: /passwd\s{0,8}[:=]\s{0,8}(?<secret>[A-Za-z0-9]{16,32})(?![A-Za-z0-9])/,
  skipGenericFilters: true,
});

/**
 * The raw matches of a catalog with one of its optimisations and of the same catalog without it,
 * over one content (path-scoped detectors switched on by `path`), each sorted: windows are searched
 * detector by detector in the order they first got one, which dropped hits may change, and the
 * engine sorts candidates before using them (overlap.ts).
 */
export function rawMatchesOfBoth(checked: CompiledCatalog, unchecked: CompiledCatalog, content: string, wholeFileBelow: number, path: string): [RawMatch[], RawMatch[]] {
  const active = checked.activeByDefault.slice();
  for (const i of checked.pathScoped) active[i] = checked.detectors[i].detector.pathPattern!.test(path) ? 1 : 0;
  const sorted = (matches: RawMatch[]) => [...matches].sort((a, b) => a.start - b.start || a.end - b.end || a.detector - b.detector);
  return [sorted(findMatches(content, checked, active, { wholeFileBelow })), sorted(findMatches(content, unchecked, active, { wholeFileBelow }))];
}

/**
 * Over `numRuns` contents joined from up to 60 `fragment`s: the catalog with its optimisation finds
 * the raw matches the catalog without it finds, whole-file and windowed (fast-check).
 */
export function expectSameRawMatches(checked: CompiledCatalog, unchecked: CompiledCatalog, fragment: fc.Arbitrary<string>, numRuns: number, path = 'settings.py'): void {
  fc.assert(
    fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
      const content = parts.join('');
      for (const mode of [Number.POSITIVE_INFINITY, 0]) {
        const [a, b] = rawMatchesOfBoth(checked, unchecked, content, mode, path);
        expect(a).toEqual(b);
      }
    }),
    { numRuns },
  );
}
