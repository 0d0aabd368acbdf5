import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCatalog } from '../../../src/core/secrets/compile.js';
import { customDetector } from '../../../src/core/secrets/custom.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { defaultSettings } from '../../../src/core/types.js';

/**
 * Path-scoped detectors (`.npmrc`, `.netrc`, `wp-config.php`…): the catalog tests their patterns
 * against a file's path only when one regex joining them all matches it (compile.ts `pathAny`).
 * That regex must match exactly the paths one of them matches.
 */
const catalog = compileCatalog(allDetectors);
const patterns = catalog.pathScoped.map((i) => catalog.detectors[i].detector.pathPattern!);
const anyOf = (path: string) => patterns.some((p) => p.test(path));

const samplePaths = allDetectors.flatMap((d) => d.samples.positive.flatMap((s) => (s.path ? [s.path] : [])));
const segment = fc.oneof(
  fc.constantFrom('.npmrc', '.yarnrc.yml', '.netrc', '_netrc', '.pypirc', 'pgpass', '.pgpass.conf', 'master.key', 'credentials', 'config', '.git-credentials', '.htpasswd', 'shadow', 'gshadow-', '.s3cfg', 'wp-config.php', 'robo3t.json', '.dbeaver', 'data-sources.json', 'logins-backup.json', 'app.py', 'x.py.txt', 'src', 'lib', 'index.js', 'package.json'),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/),
);

describe('path-scoped detectors', () => {
  it('are switched on by one joined regex exactly where one of their patterns matches', () => {
    expect(catalog.pathAny).toBeDefined();
    expect(patterns.length).toBeGreaterThan(10);
    for (const path of [...samplePaths, 'src/index.js', 'a/b/.npmrc', '.npmrc.bak', 'config/master.key', 'config/credentials/production.key', 'x/wp-config.php']) {
      expect(catalog.pathAny!.test(path), path).toBe(anyOf(path));
    }
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (parts) => {
        const path = parts.join('/');
        expect(catalog.pathAny!.test(path)).toBe(anyOf(path));
      }),
      { numRuns: 2000 },
    );
  });

  it('still find their secrets, and a custom detector scoped by its allowlist paths is honoured', () => {
    const settings = defaultSettings();
    const npmrc = scanSecrets({ path: 'app/.npmrc', content: '//registry.npmjs.org/:_authToken=npm_Tz8qLw2vR4Kp9mXb7Yc3Nd6Fh1Jg0Sa5Ue2W\n' }, settings);
    expect(npmrc.length).toBeGreaterThan(0);
    const custom = customDetector({ id: 'acme-key', regex: 'ACME-[0-9A-Z]{24}', keywords: ['acme-'], allowlist: { paths: ['fixtures/**'] } });
    const mixed = compileCatalog([...allDetectors.filter((d) => d.pathPattern), custom]);
    // Its pattern (paths outside the globs) joins the others: the joined regex matches what any one does.
    for (const path of ['fixtures/a.txt', 'src/a.txt', 'app/.npmrc', 'fixtures/.npmrc']) {
      expect(mixed.pathAny?.test(path) ?? true, path).toBe(mixed.pathScoped.some((i) => mixed.detectors[i].detector.pathPattern!.test(path)));
    }
  });
});
