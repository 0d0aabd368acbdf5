/**
 * `npm run bench -- --only e2e`: the CLI end to end, process to process, as a user runs it.
 *
 * - `nhi-steward scan` (built `bin/nhi-steward.js`, JSON report to a file) over the whole corpus
 *   folder: MB/s of folder bytes, CPU time, peak RSS (the kernel's, via `/usr/bin/time`).
 * - The physical limit on this machine: a child `node` process that walks the same folder and
 *   reads and decodes every file (readdir, readFileSync, the product's decodeText), nothing else; the ratio.
 * - The engine in one process: the same tree scan twice, the second warm, as the App's server runs
 *   (`WARM_TREE`).
 * - secretlint (recommended preset), ESLint with eslint-plugin-no-secrets, and nhi-steward on the
 *   same subset folder, all as child processes in the same run: the throughput ratios, by wall and
 *   by CPU time, and each tool's finding count.
 * - git-secrets (Debian's package: bench/git-secrets.ts) over the whole corpus folder, when it can
 *   be had: a grep for AWS patterns, the speed of a far smaller job, as a real tool runs it.
 * - Many small files: 20,000 files of 1 KiB, files per second.
 * - One fixture file of 20,000 GitHub tokens, nhi-steward and secretlint.
 * The machine may be shared: CPU time is reported beside wall time, and every ratio compares
 * figures of the same run. Nothing here is asserted.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultReadAhead, defaultTreeWorkerCount } from '../src/core/parallel/tree-pool.js';
import { findNode24 } from '../test/integration/action/node24.js';
import { fakeGithubToken } from '../test/support/cli/run-cli.js';
import { ensureGitSecrets, scanTreeWithGitSecrets } from './git-secrets.js';
import { ensureCorpus, ensureNoSecrets, ensureSecretlint, FILES_DIR, HERE, listFiles, NO_SECRETS_ESLINT_BIN, NO_SECRETS_ESLINT_VERSION, NO_SECRETS_PLUGIN, NO_SECRETS_VERSION, SECRETLINT_BIN, SECRETLINT_SUBSET, SECRETLINT_VERSION } from './corpus.js';

const MB = 1024 * 1024;
const ROOT = join(HERE, '..');
const WORK = join(HERE, '.work', 'e2e');
const BIN = join(ROOT, 'bin', 'nhi-steward.js');
const fmt = (n: number, digits = 1) => n.toFixed(digits);

export interface Run {
  wallS: number;
  cpuS: number;
  maxRssMB: number;
  status: number | null;
  stderr: string;
}

/** Runs a command under GNU time: wall, user + sys CPU and peak RSS of the process tree's largest process. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Run {
  const stats = join(WORK, 'time.txt');
  mkdirSync(WORK, { recursive: true });
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-o', stats, '-f', '%U %S %M', command, ...args], { encoding: 'utf8', env, cwd, maxBuffer: 256 * MB });
  const wallS = (performance.now() - started) / 1000;
  const [user, sys, rssKB] = readFileSync(stats, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wallS, cpuS: user + sys, maxRssMB: rssKB / 1024, status: result.status, stderr: result.stderr };
}

function folderBytes(dir: string): { files: number; bytes: number } {
  const files = listFiles(dir);
  return { files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

/** `npm run build` (tsc and the CLI bundle), so the child processes run the code of this checkout. */
export function ensureBuilt(): void {
  const stamp = join(ROOT, 'lib', 'cli', 'main.js');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(stamp)) throw new Error(`npm run build failed: ${result.stdout.slice(-500)}`);
}

/**
 * Preloaded into the CLI (Linux): at exit, the main thread's own CPU time (utime + stime of
 * /proc/self/task/PID/stat, in clock ticks of 1/100 s) goes to a file. The main thread is the
 * scan's critical path; the rest of the process's CPU is the worker's and V8's helper threads'.
 */
const MAIN_THREAD_CPU = `
import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  try {
    const stat = readFileSync('/proc/self/task/' + process.pid + '/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    writeFileSync(process.env.NHI_BENCH_MAIN_CPU, String((Number(fields[11]) + Number(fields[12])) / 100));
  } catch {}
});
`;

/**
 * Our CLI over `dir`, every file scanned (max-file-size 64 MiB), JSON report to a file. `workers`
 * sets NHI_STEWARD_WORKERS (undefined: the default for this machine's cores); `node` the Node
 * binary (default this one; Node 24 for the Action's runtime). `mainCpuS`: the
 * main thread's CPU time (Linux only; NaN elsewhere).
 */
function scanWithCli(dir: string, label: string, workers?: number, node = process.execPath, readAhead?: 0 | 1): Run & { findings: number; mainCpuS: number } {
  const config = join(WORK, 'bench-config.yml');
  writeFileSync(config, 'max-file-size: 67108864\n');
  const output = join(WORK, `${label}.json`);
  const preload = join(WORK, 'main-thread-cpu.mjs');
  writeFileSync(preload, MAIN_THREAD_CPU);
  const mainCpuFile = join(WORK, `${label}.main-cpu`);
  rmSync(mainCpuFile, { force: true });
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(preload).href}`.trim();
  const env = { ...process.env, NHI_STEWARD_WORKERS: workers === undefined ? '' : String(workers), NHI_STEWARD_READ_AHEAD: readAhead === undefined ? '' : String(readAhead), NHI_BENCH_MAIN_CPU: mainCpuFile, NODE_OPTIONS: nodeOptions };
  const run = timed(node, [BIN, 'scan', dir, '--config', config, '--format', 'json', '--output', output, '--fail-on', 'none'], env);
  if (run.status !== 0) throw new Error(`nhi-steward scan ${dir} exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  const report = JSON.parse(readFileSync(output, 'utf8')) as { findings: unknown[] };
  const mainCpuS = existsSync(mainCpuFile) ? Number(readFileSync(mainCpuFile, 'utf8')) : Number.NaN;
  return { ...run, findings: report.findings.length, mainCpuS };
}

/**
 * The read-and-decode limit: walk, read every file and decode it with the product's own decoder
 * (`decodeText` of src/core/source.ts, built in lib/: Latin-1 copy for pure-ASCII files, UTF-8
 * otherwise), nothing else. Run as an ES module (`--input-type=module`), the folder as argument.
 */
const READ_AND_DECODE = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const { decodeText } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'lib', 'core', 'source.js')).href)});
let chars = 0;
const walk = (dir) => { for (const e of readdirSync(dir, { withFileTypes: true })) { const p = join(dir, e.name); if (e.isDirectory()) walk(p); else if (e.isFile()) chars += decodeText(readFileSync(p)).length; } };
walk(process.argv[1]);
`;

/**
 * The engine warm: `scanDirectory` (what the CLI's scan calls; every file whole) twice over the same
 * folder in one process, both timed, Node's start-up and the report left out. A fresh process, as
 * every CLI run is, spends the difference compiling and optimising the engine; the App's
 * long-lived server scans warm (docs/performance.md, "A fresh process"). The same folder twice:
 * the fingerprint memos it fills matter only where there are many findings (the corpus has one).
 */
const WARM_TREE = `
const { scanDirectory } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'lib', 'workspace', 'scan-dir.js')).href)});
const { defaultSettings } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'lib', 'core', 'types.js')).href)});
const settings = defaultSettings({ maxFileSize: 64 * 1024 * 1024 });
const seconds = [];
for (let run = 0; run < 2; run++) {
  const started = performance.now();
  await scanDirectory(process.argv[1], { settings });
  seconds.push((performance.now() - started) / 1000);
}
console.log(JSON.stringify(seconds));
`;

/**
 * ESLint with eslint-plugin-no-secrets over `dir` (bench/corpus.ts, ensureNoSecrets), as a child
 * process: JavaScript files only (all the subset holds but its package.json and Markdown files),
 * every message of its rule counted, and the files it could not parse (fatal messages) apart.
 * ESLint lints only files under its working folder, so it runs from `dir`'s parent.
 */
function runNoSecrets(dir: string): { run: Run; files: number; findings: number; unparsed: number } {
  ensureNoSecrets();
  const config = join(dirname(dir), 'no-secrets.config.mjs');
  writeFileSync(config, [
    `import plugin from ${JSON.stringify(pathToFileURL(NO_SECRETS_PLUGIN).href)};`,
    `export default [{ files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, plugins: { 'no-secrets': plugin.default ?? plugin }, rules: { 'no-secrets/no-secrets': 'error' } }];`,
    '',
  ].join('\n'));
  const output = join(WORK, 'no-secrets.json');
  rmSync(output, { force: true });
  const run = timed(process.execPath, [NO_SECRETS_ESLINT_BIN, '-c', config, '--no-inline-config', '--format', 'json', '--output-file', output, basename(dir)], process.env, dirname(dir));
  // ESLint exits 1 when its rule reports something, 2 when it could not run.
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint (no-secrets) exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  const results = JSON.parse(readFileSync(output, 'utf8')) as { messages: { fatal?: boolean; ruleId: string | null }[] }[];
  let findings = 0;
  let unparsed = 0;
  for (const result of results) {
    if (result.messages.some((m) => m.fatal)) unparsed++;
    findings += result.messages.filter((m) => m.ruleId === 'no-secrets/no-secrets').length;
  }
  return { run, files: results.length, findings, unparsed };
}

export async function runE2eBench(): Promise<void> {
  ensureCorpus();
  ensureBuilt();
  console.log(`  ${availableParallelism()} cores; load average ${loadavg().map((l) => fmt(l, 2)).join(' ')} (shared machine: compare CPU time and same-run ratios)`);

  // 1. The whole corpus folder, and the read-and-decode limit; the CLI with its default pool
  // (src/core/parallel/tree-pool.ts: none up to 2 cores, cores - 1 workers beyond) and with the
  // other choice (one worker where the default has none, none where it has some), alternated,
  // best wall of each (the machine may be shared).
  const corpus = folderBytes(FILES_DIR);
  // The limit gets the same treatment as our runs: best of 2, interleaved with them, so neither
  // side is measured alone on a cold page cache.
  const limits: Run[] = [];
  type CliRun = ReturnType<typeof scanWithCli>;
  const byDefault = defaultTreeWorkerCount();
  const other = byDefault === 0 ? 1 : 0;
  const pooled: CliRun[] = [];
  const single: CliRun[] = [];
  // GitHub runs the Action on Node 24 (action.yml `runs.using: node24`): the default again on it,
  // when a Node 24 is at hand (test/integration/action/node24.ts, from npm's cache only).
  const node24 = await findNode24();
  const on24: CliRun[] = [];
  // With no worker, the read-ahead thread (src/core/parallel/reader.ts) runs by default only if
  // defaultReadAhead() says so (it does not, by measurement): the other choice runs beside it.
  const readAheadHere = byDefault === 0 && defaultReadAhead();
  const flipped: CliRun[] = [];
  for (let round = 0; round < 2; round++) {
    limits.push(timed(process.execPath, ['--input-type=module', '-e', READ_AND_DECODE, FILES_DIR]));
    pooled.push(scanWithCli(FILES_DIR, 'corpus'));
    if (byDefault === 0) flipped.push(scanWithCli(FILES_DIR, 'corpus-read-ahead', undefined, process.execPath, readAheadHere ? 0 : 1));
    single.push(scanWithCli(FILES_DIR, 'corpus-other', other));
    if ('path' in node24) on24.push(scanWithCli(FILES_DIR, 'corpus-node24', undefined, node24.path));
  }
  const bestOf = (runs: CliRun[]) => runs.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  const ours = bestOf(pooled);
  const alone = bestOf(single);
  const limit = limits.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  const oursMBs = corpus.bytes / MB / ours.wallS;
  const limitMBs = corpus.bytes / MB / limit.wallS;
  const cpus = (runs: Run[]) => runs.map((r) => fmt(r.cpuS, 2)).join(', ');
  const rss = (runs: Run[]) => runs.map((r) => fmt(r.maxRssMB, 0)).join(', ');
  const mainCpus = (runs: CliRun[]) => runs.map((r) => fmt(r.mainCpuS, 2)).join(', ');
  console.log(`  corpus folder: ${corpus.files} files, ${fmt(corpus.bytes / MB)} MB`);
  console.log(`  read + decode limit (child node, readdir + readFileSync + decodeText; best of 2): ${fmt(limit.wallS, 2)} s wall, ${fmt(limit.cpuS, 2)} s CPU → ${fmt(limitMBs)} MB/s`);
  console.log(`  nhi-steward scan (CLI, JSON, ${byDefault} worker(s) by default on ${availableParallelism()} cores): ${fmt(ours.wallS, 2)} s wall (best of ${pooled.length}), CPU ${cpus(pooled)} s (main thread ${mainCpus(pooled)} s), peak RSS ${rss(pooled)} MB → ${fmt(oursMBs)} MB/s of folder bytes; ${ours.findings} findings`);
  if (flipped.length > 0) {
    const best = bestOf(flipped);
    console.log(`  same, read-ahead thread ${readAheadHere ? 'off' : 'on'} (NHI_STEWARD_READ_AHEAD=${readAheadHere ? 0 : 1}; default here: ${readAheadHere ? 'on' : 'off'}): ${fmt(best.wallS, 2)} s wall (best of ${flipped.length}), CPU ${cpus(flipped)} s (main thread ${mainCpus(flipped)} s), peak RSS ${rss(flipped)} MB → ${fmt(corpus.bytes / MB / best.wallS)} MB/s; ${best.findings} findings; wall of that / default ${fmt(best.wallS / ours.wallS, 2)}`);
  }
  console.log(`  same, NHI_STEWARD_WORKERS=${other}: ${fmt(alone.wallS, 2)} s wall (best of ${single.length}), CPU ${cpus(single)} s (main thread ${mainCpus(single)} s), peak RSS ${rss(single)} MB → ${fmt(corpus.bytes / MB / alone.wallS)} MB/s; ${alone.findings} findings; wall of that / default ${fmt(alone.wallS / ours.wallS, 2)}`);
  if ('path' in node24) {
    const best24 = bestOf(on24);
    console.log(`  same default on Node ${node24.version.slice(1)}: ${fmt(best24.wallS, 2)} s wall (best of ${on24.length}), CPU ${cpus(on24)} s (main thread ${mainCpus(on24)} s), peak RSS ${rss(on24)} MB → ${fmt(corpus.bytes / MB / best24.wallS)} MB/s; ${best24.findings} findings`);
  } else console.log(`  Node 24: not measured (${node24.missing})`);
  console.log(`  ratio to the read + decode limit: ${fmt(oursMBs / limitMBs, 2)} by wall, ${fmt(limit.cpuS / ours.cpuS, 2)} by CPU (target: within 2×)`);
  const warm = spawnSync(process.execPath, ['--input-type=module', '-e', WARM_TREE, FILES_DIR], { encoding: 'utf8' });
  if (warm.status === 0) {
    const [first, second] = JSON.parse(warm.stdout.trim().split('\n').pop()!) as number[];
    console.log(`  the engine in one process (scanDirectory, default workers, start-up and report left out): first scan ${fmt(first, 2)} s, the same scan again ${fmt(second, 2)} s → ${fmt(limit.wallS / second, 2)} of the limit's speed warm (the App's server runs warm; the CLI and the Action start a process per run, as the ratio above does)`);
  } else console.log(`  the engine in one process: not measured (exit ${warm.status}: ${warm.stderr.slice(0, 200)})`);
  console.log(`  targets: ≥ 150 MB/s of folder bytes, peak RSS ≤ 150 MB`);

  // 2. secretlint and nhi-steward on the same subset folder, process to process.
  ensureSecretlint();
  const subsetDir = join(WORK, 'subset');
  rmSync(subsetDir, { recursive: true, force: true });
  for (const dir of SECRETLINT_SUBSET) cpSync(join(FILES_DIR, dir), join(subsetDir, dir), { recursive: true });
  const subset = folderBytes(subsetDir);
  const rc = join(WORK, 'secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const ignore = join(WORK, 'secretlintignore');
  writeFileSync(ignore, '');
  const theirOutput = join(WORK, 'secretlint.json');
  const theirs = timed(SECRETLINT_BIN, ['--secretlintrc', rc, '--secretlintignore', ignore, '--format', 'json', '--output', theirOutput, `${subsetDir}/**/*`]);
  if (theirs.status !== 0 && theirs.status !== 1) throw new Error(`secretlint exited ${theirs.status}: ${theirs.stderr.slice(0, 500)}`);
  const theirFindings = (JSON.parse(readFileSync(theirOutput, 'utf8')) as { messages: unknown[] }[]).reduce((n, r) => n + r.messages.length, 0);
  const oursSubset = scanWithCli(subsetDir, 'subset');
  const speed = (run: Run) => subset.bytes / MB / run.wallS;
  console.log(`  same subset (${SECRETLINT_SUBSET.join(', ')}): ${subset.files} files, ${fmt(subset.bytes / MB, 2)} MB, every tool as a child process`);
  console.log(`    secretlint@${SECRETLINT_VERSION}: ${fmt(theirs.wallS, 2)} s wall, ${fmt(theirs.cpuS, 2)} s CPU, peak RSS ${fmt(theirs.maxRssMB, 0)} MB → ${fmt(speed(theirs), 2)} MB/s; ${theirFindings} findings`);
  console.log(`    nhi-steward: ${fmt(oursSubset.wallS, 2)} s wall, ${fmt(oursSubset.cpuS, 2)} s CPU, peak RSS ${fmt(oursSubset.maxRssMB, 0)} MB → ${fmt(speed(oursSubset), 2)} MB/s; ${oursSubset.findings} findings`);
  console.log(`    ratio on the subset (start-up included for both): ${fmt(theirs.wallS / oursSubset.wallS, 0)}× by wall, ${fmt(theirs.cpuS / oursSubset.cpuS, 0)}× by CPU`);
  console.log(`    ratio, nhi-steward on the whole corpus / secretlint on the subset: ${fmt(oursMBs / speed(theirs), 0)}× by wall, ${fmt(corpus.bytes / ours.cpuS / (subset.bytes / theirs.cpuS), 0)}× by CPU (target ≥ 200×)`);
  const lint = runNoSecrets(subsetDir);
  console.log(`    eslint-plugin-no-secrets@${NO_SECRETS_VERSION} (ESLint ${NO_SECRETS_ESLINT_VERSION}; lints the ${lint.files} JavaScript files): ${fmt(lint.run.wallS, 2)} s wall, ${fmt(lint.run.cpuS, 2)} s CPU, peak RSS ${fmt(lint.run.maxRssMB, 0)} MB → ${fmt(speed(lint.run), 2)} MB/s; ${lint.findings} findings${lint.unparsed > 0 ? `, ${lint.unparsed} file(s) it could not parse` : ''}`);
  console.log(`    ratio to it on the subset (start-up included for both): ${fmt(lint.run.wallS / oursSubset.wallS, 0)}× by wall, ${fmt(lint.run.cpuS / oursSubset.cpuS, 0)}× by CPU; nhi-steward on the whole corpus / it on the subset: ${fmt(oursMBs / speed(lint.run), 0)}× by wall`);

  // 3. git-secrets (Debian's package; bench/git-secrets.ts) on the whole corpus folder, best of 2.
  const gitSecrets = ensureGitSecrets();
  if ('missing' in gitSecrets) console.log(`  git-secrets: not measured (${gitSecrets.missing})`);
  else {
    const runs = [scanTreeWithGitSecrets(gitSecrets, FILES_DIR), scanTreeWithGitSecrets(gitSecrets, FILES_DIR)];
    const best = runs.reduce((a, b) => (b.run.wallS < a.run.wallS ? b : a));
    console.log(`  git-secrets ${gitSecrets.version} (--register-aws: 3 AWS patterns; \`git secrets --scan --no-index\`, git grep on ${availableParallelism()} threads) on the whole corpus folder: ${fmt(best.run.wallS, 2)} s wall (best of 2), CPU ${runs.map((r) => fmt(r.run.cpuS, 2)).join(', ')} s, peak RSS ${fmt(best.run.maxRssMB, 0)} MB → ${fmt(corpus.bytes / MB / best.run.wallS)} MB/s; ${best.matches} matching lines`);
    console.log(`    nhi-steward (${ours.findings} findings) / git-secrets: ${fmt(best.run.wallS / ours.wallS, 2)}× by wall, ${fmt(best.run.cpuS / ours.cpuS, 2)}× by CPU (above 1: nhi-steward faster)`);
  }

  // 4. Many small files.
  const small = join(WORK, 'small');
  const count = 20_000;
  if (!existsSync(join(small, 'ready'))) {
    rmSync(small, { recursive: true, force: true });
    for (let i = 0; i < count; i++) {
      const dir = join(small, `d${Math.floor(i / 200)}`);
      if (i % 200 === 0) mkdirSync(dir, { recursive: true });
      const line = `export const value${i} = ${JSON.stringify('x'.repeat(40))}; // module ${i}\n`;
      writeFileSync(join(dir, `f${i}.ts`), line.repeat(Math.ceil(1024 / line.length)).slice(0, 1024));
    }
    writeFileSync(join(small, 'ready'), '');
  }
  // Best of 2 each, interleaved (the tree may have left the page cache since it was written).
  const smallLimits: Run[] = [];
  const smallRuns: ReturnType<typeof scanWithCli>[] = [];
  for (let round = 0; round < 2; round++) {
    smallLimits.push(timed(process.execPath, ['--input-type=module', '-e', READ_AND_DECODE, small]));
    smallRuns.push(scanWithCli(small, 'small'));
  }
  const smallLimit = smallLimits.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  const smallRun = smallRuns.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  console.log(`  ${count} files of 1 KiB: ${fmt(smallRun.wallS, 2)} s wall, ${fmt(smallRun.cpuS, 2)} s CPU (main thread ${fmt(smallRun.mainCpuS, 2)} s) → ${fmt(count / smallRun.wallS, 0)} files/s, best of 2 (${fmt(count / smallRun.cpuS, 0)} per CPU second; target ≥ 20,000)`);
  console.log(`    read + decode limit on the same files: ${fmt(smallLimit.wallS, 2)} s wall, ${fmt(smallLimit.cpuS, 2)} s CPU → ${fmt(count / smallLimit.wallS, 0)} files/s; ratio ${fmt(smallLimit.wallS / smallRun.wallS, 2)} by wall, ${fmt(smallLimit.cpuS / smallRun.cpuS, 2)} by CPU`);

  // 5. A fixture of many tokens: one file of 20,000 well-formed GitHub tokens (1.35 MB), as test
  // data or a dump holds them. nhi-steward reports the per-file limit's 500 and counts the rest
  // (docs/security.md, "Floods and limits"); secretlint reports each. Best of 2 each.
  const fixture = join(WORK, 'fixture');
  const fixtureFile = join(fixture, 'tokens.ts');
  if (!existsSync(fixtureFile)) {
    mkdirSync(fixture, { recursive: true });
    const lines = Array.from({ length: 20_000 }, (_, i) => `  { id: ${i}, token: '${fakeGithubToken(i + 1)}' },`);
    writeFileSync(fixtureFile, `export const tokens = [\n${lines.join('\n')}\n];\n`);
  }
  const fixtureRuns = [scanWithCli(fixture, 'fixture'), scanWithCli(fixture, 'fixture')];
  const fixtureRun = fixtureRuns.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  const theirFixtureOutput = join(WORK, 'secretlint-fixture.json');
  const theirFixtureRuns = [0, 1].map(() => timed(SECRETLINT_BIN, ['--secretlintrc', rc, '--secretlintignore', ignore, '--format', 'json', '--output', theirFixtureOutput, fixtureFile]));
  const theirFixture = theirFixtureRuns.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  const theirFixtureFindings = existsSync(theirFixtureOutput) ? (JSON.parse(readFileSync(theirFixtureOutput, 'utf8')) as { messages: unknown[] }[]).reduce((n, r) => n + r.messages.length, 0) : Number.NaN;
  console.log(`  one file of 20,000 GitHub tokens (1.35 MB): nhi-steward ${fmt(fixtureRun.wallS, 2)} s wall, ${fmt(fixtureRun.cpuS, 2)} s CPU, peak RSS ${fmt(fixtureRun.maxRssMB, 0)} MB, ${fixtureRun.findings} findings (the per-file limit's 500 and the count of the rest); secretlint ${fmt(theirFixture.wallS, 2)} s wall, ${fmt(theirFixture.cpuS, 2)} s CPU, peak RSS ${fmt(theirFixture.maxRssMB, 0)} MB, ${theirFixtureFindings} findings (best of 2 each)`);

  // 6. Start-up: `--version` and a scan of an empty folder, against bare node.
  const empty = join(WORK, 'empty');
  mkdirSync(empty, { recursive: true });
  const best = (make: () => Run) => {
    const runs = Array.from({ length: 5 }, make);
    return { wall: Math.min(...runs.map((r) => r.wallS)), cpu: Math.min(...runs.map((r) => r.cpuS)) };
  };
  const bare = best(() => timed(process.execPath, ['-e', '0']));
  const emptyScan = best(() => timed(process.execPath, [BIN, 'scan', empty, '--format', 'json', '--output', join(WORK, 'empty.json')]));
  const ms = (s: number) => fmt(s * 1000, 0);
  console.log(`  start-up (best of 5): bare node ${ms(bare.wall)} ms wall, ${ms(bare.cpu)} ms CPU; scan of an empty folder ${ms(emptyScan.wall)} ms wall, ${ms(emptyScan.cpu)} ms CPU (+${ms(emptyScan.cpu - bare.cpu)} ms CPU)`);
}
