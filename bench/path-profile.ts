/**
 * Path-profile microbench (docs/history.md, "Path profiles"): the cost per distinct path of
 * `pathProfiles(settings).of(path)`, which history mode calls for every blob's path and every path
 * of the `git log --raw` walk. 100,000 realistic distinct paths: the bench corpus's files
 * (bench/.corpus/files, when installed) and this repository's own history paths, repeated under
 * `services/svcN/` prefixes as in a monorepo, plus crafted paths of every kind the profile tells
 * apart. Each round builds a fresh `pathProfiles` (nothing cached) and profiles every path once;
 * the first round is cold (JIT), the others warm. CPU time of this process. Nothing is asserted.
 *
 *   npx tsx bench/path-profile.ts            # default settings, then with paths-ignore and a custom detector
 *   npx tsx bench/path-profile.ts --paths 20000 --rounds 5
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultSettings, type ScanSettings } from '../src/core/types.js';
import { pathProfiles } from '../src/workspace/path-profile.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Paths of every kind a profile separates (documentation, tests, code, bundles, credential files...). */
export const CRAFTED_PATHS = [
  'README.md', 'docs/guide.mdx', 'CHANGELOG', 'LICENSE.txt', 'src/history.js', 'lib/license.css', 'notes.txt', 'test/fixtures/a.txt', '__tests__/a.js',
  'src/a.test.ts', 'pkg/a_test.go', 'test_a.py', 'examples/app/main.py', 'config.example.yml', '.env.sample', 'templates/x.tmpl', 'src/a.ts',
  'src/a.py', 'dist/app.min.js', 'dist/app.css', 'dist/app.js.map', 'types/index.d.ts', 'types/index.d.mts', 'api.examples.json', 'api.example.json',
  'package-lock.json', 'yarn.lock', 'go.sum', 'a/node_modules/b.js', '.git/config', '.netrc', 'home/_netrc', '.pgpass', '.npmrc', '.yarnrc.yml', '.pypirc',
  'config/master.key', '.git-credentials', '.htpasswd', 'etc/shadow', '.s3cfg', 'wp-config.php', 'robo3t.json', 'logins.json', 'app/settings.py',
  'test/README.md', 'examples/index.d.ts', 'test/app.min.js', 'spec/api.examples.json', 'vendor/lib.js', 'generated/x.txt', 'a.snap',
];

function corpusPaths(): string[] {
  const root = join(HERE, '.corpus', 'files');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1).split('\\').join('/'));
}

function historyPaths(): string[] {
  try {
    // NHI_BENCH_HISTORY_REPO: another repository's paths (an A/B copy of this one has no history).
    const out = execFileSync('git', ['log', '--all', '--name-only', '--format='], { cwd: process.env.NHI_BENCH_HISTORY_REPO ?? HERE, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return [...new Set(out.split('\n').filter(Boolean))];
  } catch {
    return [];
  }
}

/** `count` distinct realistic paths: real ones first, then the same under `services/svcN/`. */
export function realisticPaths(count: number): string[] {
  const base = [...new Set([...CRAFTED_PATHS, ...historyPaths(), ...corpusPaths()])];
  const out = base.slice(0, count);
  for (let n = 0; out.length < count; n++) for (const p of base) if (out.length < count) out.push(`services/svc${n}/${p}`);
  return out;
}

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at > -1 ? Number(process.argv[at + 1]) : fallback;
};

/** CPU microseconds per path of `rounds` fresh `pathProfiles(settings)` over `paths`, and the profile count. */
export function measurePathProfiles(paths: readonly string[], settings: Pick<ScanSettings, 'pathsIgnore' | 'detectors'>, rounds: number): { perPath: number[]; profiles: number } {
  const perPath: number[] = [];
  let profiles = 0;
  for (let r = 0; r < rounds; r++) {
    const cpu = process.cpuUsage();
    const made = pathProfiles(settings);
    const ids = new Set<number>();
    for (const p of paths) ids.add(made.of(p));
    const used = process.cpuUsage(cpu);
    perPath.push((used.user + used.system) / paths.length);
    profiles = ids.size;
  }
  return { perPath, profiles };
}

export function runPathProfileBench(count = arg('--paths', 100_000), rounds = arg('--rounds', 3)): void {
  console.log(`  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: compare within one run)`);
  const started = performance.now();
  const paths = realisticPaths(count);
  console.log(`  ${paths.length} distinct paths (crafted, this repository's history, bench corpus; then under services/svcN/), built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const cases: [string, Pick<ScanSettings, 'pathsIgnore' | 'detectors'>][] = [
    ['default settings', defaultSettings()],
    [
      'paths-ignore (3 globs) + a custom detector with allowlist.paths',
      defaultSettings({
        pathsIgnore: ['vendor/**', '**/*.snap', 'docs/generated/**'],
        detectors: { disabled: [], enabled: [], custom: [{ id: 'acme-key', regex: 'acme_[a-z0-9]{32}', keywords: ['acme_'], allowlist: { paths: ['generated/**'] } }] },
      }),
    ],
  ];
  for (const [label, settings] of cases) {
    const { perPath, profiles } = measurePathProfiles(paths, settings, rounds);
    const total = (perPath[0] * paths.length) / 1e6;
    console.log(`  pathProfiles().of, ${label}: ${perPath.map((u) => u.toFixed(2)).join(' / ')} µs of CPU per path (round 1 cold: ${total.toFixed(2)} s for ${paths.length} paths); ${profiles} distinct profiles`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runPathProfileBench();
