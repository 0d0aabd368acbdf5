import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMatches } from '../../../src/core/secrets/candidates.js';
import { compileCatalog, startsAtLineStart, type CompiledCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { detector } from './engine-fixtures.js';

/**
 * Line anchoring (compile.ts `startsAtLineStart`) is an optimisation, never a change of meaning: a
 * `^…` pattern under the `m` flag tried (sticky) only at line starts must find exactly the raw
 * matches the plain `g` search over the same windows finds.
 */
const lineIds = allDetectors.filter((d) => startsAtLineStart(d.pattern)).map((d) => d.id);
const own = [
  detector({ id: 'line-key', keywords: ['key'], pattern: /^[ \t]*key[ \t]*=[ \t]*(?<secret>[a-z0-9]{8,})$/m }),
  detector({ id: 'line-empty', keywords: ['key'], pattern: /^(?=[ \t]*key)/m }),
  detector({ id: 'line-group-alt', keywords: ['key'], pattern: /^(?:key|pass)=(?<secret>\w{6,})/m }),
];
const detectors = [...allDetectors.filter((d) => lineIds.includes(d.id)), ...own];
const anchored = compileCatalog(detectors);
const plain: CompiledCatalog = { ...anchored, detectors: anchored.detectors.map((c) => ({ ...c, lineAnchored: false })) };

function both(content: string, path: string, wholeFileBelow: number) {
  const active = anchored.activeByDefault.slice();
  for (const i of anchored.pathScoped) active[i] = anchored.detectors[i].detector.pathPattern!.test(path) ? 1 : 0;
  return [findMatches(content, anchored, active, { wholeFileBelow }), findMatches(content, plain, active, { wholeFileBelow })];
}

const value = fc.stringMatching(/^[A-Za-z0-9+\/=_.-]{4,40}$/);
const fragment = fc.oneof(
  fc.constantFrom('\n', '\r\n', '\r', '\u2028', '\u2029', ' ', '  ', '\t', '=', ': ', ':', '"', "'", '#', '---\n', '$'),
  fc.constantFrom('key', 'pass=', 'kind: Secret', "kind: 'Secret'", 'data:', 'stringData:', 'apiVersion: v1', '  password: ', '  token: ', 'username', 'password', 'repository', '[pypi]', 'secret_key', 'access_token', 'https://', ':5432:', '*:', ':$apr1$', ':$6$', 'user:'),
  value,
  value.map((v) => `  entry: ${v}\n`),
  value.map((v) => `key = ${v}\n`),
  fc.stringMatching(/^[a-z0-9]{6,20}$/).map((v) => `\nkey = ${v}\n`),
  fc.stringMatching(/^[a-z0-9]{6,20}$/).map((v) => `\rpass=${v}`),
  fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((v) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  password: ${v}\nstringData:\n  token: ${v}\n`),
  fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((v) => `[pypi]\nusername = me\npassword = ${v}\n`),
  fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((v) => `db.example.com:5432:app:admin:${v}\n`),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'k'.repeat(n)),
  fc.string({ maxLength: 12 }),
);

describe('line-anchored detectors', () => {
  it('are the catalog patterns that open with ^ under the m flag', () => {
    expect([...lineIds].sort()).toEqual(['git-credentials-password', 'htpasswd-hash', 'kubernetes-secret-data', 'kubernetes-secret-string-data', 'pgpass-password', 'pypirc-password', 'rails-master-key', 's3cfg-secret-key', 'shadow-password-hash']);
    expect(anchored.detectors.filter((c) => c.lineAnchored).map((c) => c.detector.id)).toEqual([...lineIds, 'line-key', 'line-empty', 'line-group-alt']);
  });

  it('are only patterns whose every match starts at ^', () => {
    expect(startsAtLineStart(/^a|b/m)).toBe(false);
    expect(startsAtLineStart(/^a/)).toBe(false);
    expect(startsAtLineStart(/^a/mu)).toBe(false);
    expect(startsAtLineStart(/a^/m)).toBe(false);
    expect(startsAtLineStart(/^(?:a|b)[|]\|c/m)).toBe(true);
    expect(startsAtLineStart(/^[\]|]x/m)).toBe(true);
  });

  it('find what the plain search finds, whole-file and windowed, for every path kind (fast-check)', () => {
    let found = 0;
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 80 }), fc.constantFrom('k8s/secret.yaml', '.pypirc', '.pgpass', 'config/master.key', '.git-credentials', '.htpasswd', 'etc/shadow', '.s3cfg', 'a.txt'), (parts, path) => {
        const content = parts.join('');
        for (const mode of [Number.POSITIVE_INFINITY, 0]) {
          const [a, p] = both(content, path, mode);
          expect(a).toEqual(p);
          found += a.length;
        }
      }),
      { numRuns: 600 },
    );
    expect(found).toBeGreaterThan(100); // the runs did meet matches, not only empty searches
  });

  it('find what the plain search finds on every sample of these detectors, also after long lines', () => {
    for (const d of detectors) {
      for (const sample of [...d.samples.positive.map((s) => s.text), ...d.samples.negative.map((s) => (typeof s === 'string' ? s : s.text))]) {
        for (const content of [sample, `${'x'.repeat(5000)}\n${sample}\n${'y'.repeat(5000)}`, `kind: Secret\n${'#\n'.repeat(300)}${sample}`]) {
          for (const path of ['k8s/secret.yaml', '.pypirc', '.pgpass', 'config/master.key', '.git-credentials', '.htpasswd', 'etc/shadow', '.s3cfg']) {
            for (const mode of [Number.POSITIVE_INFINITY, 0]) {
              const [a, p] = both(content, path, mode);
              expect(a).toEqual(p);
            }
          }
        }
      }
    }
  });
});
