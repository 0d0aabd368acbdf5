/**
 * Path-profile microbench (docs/history.md, "Path profiles"): the cost per distinct path of
 * `pathProfiles(settings).of(path)`, which history mode calls for every blob's path and every path
 * of the `git log --raw` walk. 100,000 realistic distinct paths: the bench corpus's files
 * (bench/.corpus/files, when installed) and this repository's own history paths, repeated under
 * `services/svcN/` prefixes as in a monorepo, plus crafted paths of every kind the profile tells
 * apart. Each round builds a fresh `pathProfiles` (nothing cached) and profiles every path once;
 * the first round is cold (JIT), the others warm. CPU time of this process. Nothing is asserted.
 *
 * End to end: a history of the same 100,000 paths (built with `git fast-import` under
 * bench/.work/paths, git-ignored: 10 commits of 10,000 new small files each, then one commit
 * changing 1,000 of them), scanned by `scanHistory` in a child process (cold, as the CLI runs).
 *
 *   npm run bench -- --only paths
 *   npx tsx bench/path-profile.ts            # default settings, then with paths-ignore and a custom detector
 *   npx tsx bench/path-profile.ts --paths 20000 --rounds 5 --no-history
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultSettings, type ScanSettings } from '../src/core/types.js';
import { scanHistory } from '../src/workspace/history.js';
import { pathProfiles } from '../src/workspace/path-profile.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORK = join(HERE, '.work', 'paths');

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

/** 10 commits of `paths.length / 10` new files each (a few distinct lines per file), then one commit changing 1,000. */
export async function buildManyPathsHistory(dir: string, paths: readonly string[]): Promise<void> {
  const stamp = join(dir, '.done');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === String(paths.length)) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', dir]);
  const importer = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolveDone, reject) => importer.on('close', (code) => (code === 0 ? resolveDone() : reject(new Error(`git fast-import exited ${code}`)))));
  const write = async (text: string) => {
    if (!importer.stdin.write(text)) await new Promise((r) => importer.stdin.once('drain', r));
  };
  const body = (i: number, version: number) => `// file ${i}, version ${version}\nexport const value${i} = ${i * 7 + version};\nconst name = "record-${i}";\n`;
  const per = Math.ceil(paths.length / 10);
  // Each commit continues the branch fast-import is building (no `from` needed).
  const commit = async (c: number, files: [string, string][]) => {
    await write(`commit refs/heads/main\ncommitter Bench <bench@example.invalid> ${1_600_000_000 + c * 3600} +0000\ndata ${`commit ${c}`.length}\ncommit ${c}\n`);
    for (const [path, data] of files) await write(`M 100644 inline ${path}\ndata ${Buffer.byteLength(data)}\n${data}\n`);
    await write('\n');
  };
  for (let c = 0; c < 10; c++) await commit(c, paths.slice(c * per, (c + 1) * per).map((p, k) => [p, body(c * per + k, 0)]));
  await commit(10, paths.slice(0, 1000).map((p, k) => [p, body(k, 1)]));
  importer.stdin.end();
  await done;
  writeFileSync(stamp, String(paths.length));
}

/** scanHistory over the many-paths history, in this process: wall, CPU, findings. */
async function measureHistory(dir: string): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { result, history } = await scanHistory(dir, { settings: defaultSettings() });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(`  scanHistory: ${history.commits} commits, ${history.blobs} unique blobs (${(history.blobBytes / 1024 / 1024).toFixed(1)} MB), ${result.findings.length} finding(s): ${seconds.toFixed(2)} s wall, Node CPU ${((used.user + used.system) / 1e6).toFixed(2)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

export async function runPathsBench(): Promise<void> {
  runPathProfileBench();
  if (process.argv.includes('--no-history')) return;
  const paths = realisticPaths(arg('--paths', 100_000));
  const dir = join(WORK, `many-paths-${paths.length}.git`);
  const started = performance.now();
  await buildManyPathsHistory(dir, paths);
  console.log(`  history of ${paths.length} distinct paths ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`);
  // A child process: cold, as the CLI runs, and not warmed by the microbench above.
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--measure-history', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) throw new Error(`measuring ${dir} failed (exit ${child.status})`);
}

const measureAt = process.argv.indexOf('--measure-history');
if (measureAt > -1) await measureHistory(process.argv[measureAt + 1]);
else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runPathsBench();
