import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIgnored } from '../../src/core/scan.js';
import { customDetector } from '../../src/core/secrets/custom.js';
import type { Detector } from '../../src/core/secrets/detector.js';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { falsePositiveReason, isLockFile, PATH_PREDICATES } from '../../src/core/secrets/false-positives.js';
import { defaultSettings, type ScanSettings } from '../../src/core/types.js';
import { pathProfiles } from '../../src/workspace/path-profile.js';
import { DEFAULT_SKIPPED_FOLDERS } from '../../src/workspace/walk.js';

const PROBE_SECRET = 'Qz8vX2mK7pR4tY9wLb3N';
const PROBE_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxN2JmM2QxYSJ9.Xb7dK2qLm9RtV4wYz8Hc1PfGj6SnA3eU0oIuT5rBkMa';

/**
 * Probe candidates for the path-judged false-positive filters (detector id, line): each is
 * rejected at the kind of path it stands for and accepted at an ordinary one. The profile
 * (src/workspace/path-profile.ts) no longer asks them (that cost 50-300 µs per path); these tests
 * use them to check it.
 */
const PATH_PROBES: readonly { detector: string; line: string; secret: string }[] = [
  // Examples, tests and fixtures; documentation (both judge generic `password: "…"` lines).
  { detector: 'generic-password', line: `password: "${PROBE_SECRET}"`, secret: PROBE_SECRET },
  // Code files: an unquoted value is a variable.
  { detector: 'generic-password', line: `password = ${PROBE_SECRET}`, secret: PROBE_SECRET },
  // Minified bundles: a line over 1,000 characters.
  { detector: 'generic-password', line: `${'x'.repeat(1000)};password: "${PROBE_SECRET}"`, secret: PROBE_SECRET },
  // Type declarations' doc comments.
  { detector: 'generic-password', line: ` * password: "${PROBE_SECRET}"`, secret: PROBE_SECRET },
  // SDK example files for JWTs.
  { detector: 'jwt', line: `"token": "${PROBE_JWT}"`, secret: PROBE_JWT },
];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('path profiles (history mode scans a blob once per profile)', () => {
  it('each probe is judged by path alone: accepted at a neutral path, rejected at the kind of path it stands for', () => {
    const at = ['test/fixtures/a.txt', 'src/a.ts', 'dist/app.min.js', 'types/index.d.ts', 'api.examples.json'];
    PATH_PROBES.forEach((probe, i) => {
      const detector = allDetectors.find((d) => d.id === probe.detector)!;
      expect(detector, probe.detector).toBeDefined();
      expect(falsePositiveReason({ detector, secret: probe.secret, line: probe.line, path: 'src/neutral.txt' }), `probe ${i}`).toBeUndefined();
      expect(falsePositiveReason({ detector, secret: probe.secret, line: probe.line, path: at[i] }), `probe ${i} at ${at[i]}`).toBeDefined();
    });
  });

  it('paths that change a scan get distinct profiles; ordinary files share profile 0', () => {
    const profiles = pathProfiles(defaultSettings({ pathsIgnore: ['vendor/**'] }));
    expect(profiles.of('src/a.txt')).toBe(0);
    expect(profiles.of('config/app.yml')).toBe(0);
    const distinct = ['README.md', 'test/a.txt', 'src/a.ts', 'app.min.js', '.pgpass', 'home/.netrc', 'package-lock.json', 'vendor/x.txt'];
    const ids = distinct.map((p) => profiles.of(p));
    for (const id of ids) expect(id).not.toBe(0);
    expect(new Set(ids.slice(0, 6)).size).toBe(6);
    expect(profiles.skipped(profiles.of('vendor/x.txt'))).toBe(true);
    expect(profiles.skipped(profiles.of('a/node_modules/b.txt'))).toBe(true);
    expect(profiles.skipped(profiles.of('.git/config'))).toBe(true);
    expect(profiles.skipped(profiles.of('package-lock.json'))).toBe(true);
    expect(profiles.skipped(profiles.of('src/a.ts'))).toBe(false);
    // A folder only named like a skipped one, or a file of that name, is scanned.
    for (const p of ['x.git/a.txt', 'a/.gitx/b.txt', 'a/node_modules_old/b.txt', 'docs/node_modules']) expect(profiles.skipped(profiles.of(p)), p).toBe(false);
  });

  it('a custom detector allow-listing paths makes its paths a profile of their own', () => {
    const settings = defaultSettings({ detectors: { disabled: [], enabled: [], custom: [{ id: 'acme-key', regex: 'acme_[a-z0-9]{32}', keywords: ['acme_'], allowlist: { paths: ['generated/**'] } }] } });
    const profiles = pathProfiles(settings);
    expect(profiles.of('generated/x.txt')).not.toBe(profiles.of('src/x.txt'));
    expect(pathProfiles(defaultSettings()).of('generated/x.txt')).toBe(0);
  });

  it('the false-positive filters read a path only through PATH_PREDICATES', () => {
    // The profile keys on the predicates: a filter judging `c.path` any other way would be missed.
    const source = readFileSync(join(ROOT, 'src/core/secrets/false-positives.ts'), 'utf8');
    const names = PATH_PREDICATES.map((p) => p.name);
    const reads = [...source.matchAll(/\bc\.path\b/g)];
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      const before = source.slice(Math.max(0, read.index - 40), read.index);
      expect(names.some((n) => before.endsWith(`${n}(`)), `c.path read outside a path predicate: …${before}c.path`).toBe(true);
    }
    for (const name of names) expect(source, name).toMatch(new RegExp(`${name}\\(c\\.path\\)`));
  });

  describe('cross-check against the filters themselves, on real and crafted paths', () => {
    const custom = { id: 'acme-key', regex: 'acme_[a-z0-9]{32}', keywords: ['acme_'], allowlist: { paths: ['generated/**', '**/*.snap'] } };
    const cases: [string, ScanSettings][] = [
      ['default settings', defaultSettings()],
      ['paths-ignore and a custom detector with paths', defaultSettings({ pathsIgnore: ['vendor/**', 'docs/generated/**'], detectors: { disabled: [], enabled: [], custom: [custom] } })],
    ];
    const paths = testPaths();

    it.each(cases)('%s: paths of one profile get equal verdicts on every candidate shape, and the old probe key never separates them', (_, settings) => {
      expect(paths.length).toBeGreaterThan(1500);
      const profiles = pathProfiles(settings);
      const scoped = [...allDetectors, ...(settings.detectors.custom ?? []).map(customDetector)].filter((d) => d.pathPattern);
      // Every path-scoped detector applies to some test path (and not to all of them).
      for (const d of scoped) expect(paths.filter((p) => d.pathPattern!.test(p)).length, d.id).toBeGreaterThan(0);
      for (const d of scoped) expect(paths.every((p) => d.pathPattern!.test(p)), d.id).toBe(false);
      const seen = new Map<number, { path: string; verdicts: string; probes: string; checked: number }>();
      const oldKeys = new Set<string>();
      for (const path of paths) {
        const id = profiles.of(path);
        const old = probeKey(path, settings, scoped);
        oldKeys.add(old);
        const first = seen.get(id);
        // The many-candidate verdicts cost ≈ 1 ms a path: every path of the rarer profiles, the
        // first 100 (crafted and generated ones first) of the crowded ones (ordinary, code, `.d.ts`).
        const checked = (first?.checked ?? 0) < 100;
        const verdicts = !checked ? '' : old === 'skip' ? 'skip' : `${scoped.map((d) => (d.pathPattern!.test(path) ? 1 : 0)).join('')}|${richVerdicts(path)}`;
        if (!first) {
          seen.set(id, { path, verdicts, probes: old, checked: 1 });
          continue;
        }
        // Same profile: the same verdict on every candidate, and the probe-based profile of the
        // previous version (one falsePositiveReason per probe) did not tell them apart either.
        if (checked) {
          expect(verdicts, `${path} vs ${first.path}`).toBe(first.verdicts);
          first.checked++;
        }
        expect(old, `${path} vs ${first.path}`).toBe(first.probes);
        expect(profiles.skipped(id)).toBe(old === 'skip');
      }
      // The key is never coarser than the probes; it may be finer (a few more rescans), not much.
      expect(seen.size).toBeGreaterThanOrEqual(oldKeys.size);
      expect(seen.size).toBeLessThanOrEqual(oldKeys.size * 2);
    });
  });
});

/** The profile key of the previous version: the probes' verdicts, asked of `falsePositiveReason`. */
function probeKey(path: string, settings: ScanSettings, scoped: Detector[]): string {
  const skip = isIgnored(path, settings) || path.split('/').slice(0, -1).some((s) => DEFAULT_SKIPPED_FOLDERS.includes(s)) || isLockFile(path);
  if (skip) return 'skip';
  let key = '';
  for (const d of scoped) key += d.pathPattern!.test(path) ? '1' : '0';
  key += '|';
  for (const p of PATH_PROBES) key += `${falsePositiveReason({ detector: allDetectors.find((d) => d.id === p.detector)!, secret: p.secret, line: p.line, path }) ?? ''}|`;
  return key;
}

const SECRET = 'Qz8vX2mK7pR4tY9wLb3N';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxN2JmM2QxYSJ9.Xb7dK2qLm9RtV4wYz8Hc1PfGj6SnA3eU0oIuT5rBkMa';
/** Line shapes that reach every path-judged filter: quoted, bare (code), doc comment (`.d.ts`), minified. */
const SHAPES = [(s: string) => `password: "${s}"`, (s: string) => `token = ${s}`, (s: string) => ` * password: "${s}"`, (s: string) => `${'x'.repeat(1000)};api_key: "${s}"`];

/**
 * The verdicts of many candidates at `path`: every generic detector, JWTs, and free-form ones (a
 * URL password; the credential files, which the engine judges as `generic-password`), on every
 * line shape.
 */
const richMemo = new Map<string, string>();
function richVerdicts(path: string): string {
  const known = richMemo.get(path);
  if (known !== undefined) return known;
  const judged = allDetectors.filter((d) => d.id.startsWith('generic-') || d.id === 'jwt' || d.id === 'url-password' || d.id === 'netrc-password' || d.id === 'kubernetes-secret-string-data');
  expect(judged.length).toBeGreaterThanOrEqual(19);
  const out: string[] = [];
  for (const d of judged) {
    const detector = d;
    const secret = d.id === 'jwt' ? JWT : SECRET;
    for (const shape of SHAPES) out.push(falsePositiveReason({ detector, secret, line: shape(secret), path }) ?? '');
  }
  const verdicts = out.join('|');
  richMemo.set(path, verdicts);
  return verdicts;
}

/** Crafted tricky paths, this repository's history, the bench corpus (when installed), generated combinations. */
function testPaths(): string[] {
  const crafted = [
    'README.md', 'docs/guide.mdx', 'CHANGELOG', 'LICENSE.txt', 'src/history.js', 'lib/license.css', 'lib/history.css', 'docs/history.md', 'notes.txt', 'test/fixtures/a.txt',
    '__tests__/a.js', 'src/a.test.ts', 'pkg/a_test.go', 'test_a.py', 'examples/app/main.py', 'config.example.yml', '.env.sample', 'templates/x.tmpl', 'src/a.ts', 'src/a.py',
    'dist/app.min.js', 'dist/app.css', 'dist/app.js.map', 'types/index.d.ts', 'types/index.d.mts', 'src/a.d.cts', 'api.examples.json', 'api.example.json', 'package-lock.json',
    'yarn.lock', 'go.sum', 'a/node_modules/b.js', '.git/config', '.netrc', 'home/_netrc', '.pgpass', '.npmrc', '.yarnrc.yml', '.pypirc', 'config/master.key',
    '.git-credentials', '.htpasswd', 'etc/shadow', '.s3cfg', 'wp-config.php', 'test/wp-config.php', 'robo3t.json', 'logins.json', 'app/settings.py', 'test/README.md',
    'examples/index.d.ts', 'test/app.min.js', 'spec/api.examples.json', 'vendor/lib.js', 'generated/x.txt', 'generated/a.ts', 'a.snap', 'docs/generated/x.md', 'README.JS',
    'Tests/A.TXT', 'SAMPLES/x', 'x.TEMPLATE', 'test/.netrc', 'docs/.pgpass', 'CHANGES.d.ts', 'sample-config.json', 'src/spec.ts', 'src/a.spec.ts', 'x/fixtures/y/z.examples.json',
    '.dbeaver/credentials-config.json', 'a/.dbeaver/data-sources.json', 'config/credentials/production.key', 'robomongo.json', 'logins-backup.json', 'etc/gshadow-', '.yarnrc.yml', 'x/.npmrc',
    'docs/über/README.md', 'a b/c.test.js', 'src/weird"name.ts', 'src/日本語/設定.yml', 'tab\there/.netrc', 'C:\\win\\path.js', 'trailing/', '',
  ];
  const repo = (() => {
    try {
      return execFileSync('git', ['log', '--all', '--name-only', '--format='], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  })();
  const corpusRoot = join(ROOT, 'bench', '.corpus', 'files');
  const corpus = existsSync(corpusRoot)
    ? (readdirSync(corpusRoot, { recursive: true, withFileTypes: true }) as Dirent[])
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(corpusRoot.length + 1))
        .filter((_, i) => i % 8 === 0)
    : [];
  const dirs = ['', 'src/', 'test/', 'docs/', 'examples/', 'lib/__mocks__/', 'node_modules/', 'vendor/', 'generated/', 'a/templates/'];
  const names = ['index', 'README', 'license', 'app.test', 'config.example', 'api.examples', 'types.d', 'bundle.min', 'test_x', 'x_test', '.netrc', 'sample-x'];
  const exts = ['', '.ts', '.js', '.mjs', '.css', '.map', '.json', '.md', '.py', '.go', '.txt', '.yml', '.snap', '.rst'];
  const generated = dirs.flatMap((d) => names.flatMap((n) => exts.map((e) => `${d}${n}${e}`)));
  return [...new Set([...crafted, ...generated, ...repo, ...corpus])];
}
