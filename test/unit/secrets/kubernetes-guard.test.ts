import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';

/**
 * The Kubernetes Secret patterns (src/core/secrets/detectors/credential-files.ts) open with a
 * look-ahead for the line's `key: value` shape before their long look-behinds, for speed only:
 * the same pattern without it must match the same text at the same places.
 */
const GUARD = String.raw`(?=[ \t]+["']?[A-Za-z0-9_.-]{1,253}["']?:[ \t]+["']?[^\s"'#|>{}]{4,20002}["']?[ \t]*\r?$)`;
const kubernetes = allDetectors.filter((d) => d.id.startsWith('kubernetes-secret'));

const matchesOf = (pattern: RegExp, text: string) =>
  [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].map((m) => `${m.index}:${m[0].length}:${m.groups?.secret}`);

const line = fc.oneof(
  fc.constantFrom('kind: Secret', "kind: 'Secret'", 'kind: ConfigMap', 'data:', 'stringData:', '---', '', '# note', 'metadata:', '  name: app', 'apiVersion: v1', 'type: Opaque'),
  fc.tuple(
    fc.constantFrom('', ' ', '  ', '\t', '    '),
    fc.constantFrom('password', 'api-token', '"quoted-key"', 'DB_PASSWORD', 'username', 'tls.crt', 'nested'),
    fc.constantFrom(':', ': ', ':  ', ': |'),
    fc.constantFrom('', 'Wm04cUx4MnZSN2tU', '"Lq9Xm2Vk7Tn4Wp8Bs1Hd"', "'UTdtWjJ4TDlrUjR2'", 'cGFzc3dvcmQ=', 'a,b', '{{ .Values.x }}', 'x y', 'Lq9Xm2Vk7Tn4Wp8Bs1Hd\r', 'abc'),
  ).map(([indent, key, colon, value]) => `${indent}${key}${colon}${value}`),
);

describe('Kubernetes Secret patterns: the key: value look-ahead changes no match', () => {
  it('has the guard at the start of both patterns', () => {
    expect(kubernetes.map((d) => d.id).sort()).toEqual(['kubernetes-secret-data', 'kubernetes-secret-string-data']);
    for (const d of kubernetes) expect(d.pattern.source.startsWith(`^${GUARD}`)).toBe(true);
  });

  it('matches what the pattern without it matches, on samples and generated manifests', () => {
    for (const d of kubernetes) {
      const without = new RegExp(`^${d.pattern.source.slice(1 + GUARD.length)}`, d.pattern.flags);
      for (const sample of [...d.samples.positive, ...d.samples.negative]) {
        const text = typeof sample === 'string' ? sample : sample.text;
        expect(matchesOf(d.pattern, text)).toEqual(matchesOf(without, text));
      }
      fc.assert(
        fc.property(fc.array(line, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
          const text = lines.join(eol);
          expect(matchesOf(d.pattern, text)).toEqual(matchesOf(without, text));
        }),
        { numRuns: 3000 },
      );
    }
  });

  it('still finds the secret of a generated manifest (the property above is not vacuous)', () => {
    const d = kubernetes.find((k) => k.id === 'kubernetes-secret-data')!;
    expect(matchesOf(d.pattern, 'apiVersion: v1\nkind: Secret\ndata:\n  password: Wm04cUx4MnZSN2tU\n')).toEqual(['34:28:Wm04cUx4MnZSN2tU']);
  });
});
