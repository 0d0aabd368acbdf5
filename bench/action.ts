/**
 * The Action's wall time as a runner pays it: `node dist/index.js` spawned with a runner's
 * environment (schedule event, full scan, SARIF written, issues off), cold start included.
 *
 *   npx tsx bench/action.ts
 *
 * Workspaces: an empty folder (start-up alone), fixtures/demo-repo, and the real-code corpus of
 * bench/corpus.ts when bench/.corpus/files exists (skipped otherwise: run `npm run bench` once to
 * build it). The bundle is built fresh from the sources into a temp folder, as CI's check-dist does.
 * GITHUB_API_URL points at a closed port: a full scan with issues off must not need the network.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNode24 } from '../test/integration/action/node24.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(ROOT, 'bench', '.corpus', 'files');

interface Workspace {
  name: string;
  dir: string;
  runs: number;
  /** A run past this is killed and reported: a hang (say, a backtracking regex) must not stall the bench. */
  timeoutMs: number;
}

interface Timed {
  ms: number;
  code: number | null;
  outputs: Record<string, string>;
}

function outputsOf(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const end = lines.indexOf(m[2], i + 1);
    outputs[m[1]] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

const BENCH_SARIF = '.nhi-steward-bench.sarif';

function runnerEnv(temp: string, workspace: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(key)) env[key] = value;
  const event = join(temp, 'event.json');
  writeFileSync(event, JSON.stringify({ schedule: '17 3 * * 1' }));
  for (const file of ['output', 'summary.md']) writeFileSync(join(temp, file), '');
  return {
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'schedule',
    GITHUB_EVENT_PATH: event,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    GITHUB_REPOSITORY: 'acme/bench',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    INPUT_MODE: 'scan',
    INPUT_TOKEN: 'bench-token',
    INPUT_CONFIG: '.github/nhi-steward.yml',
    'INPUT_FAIL-ON': 'none',
    // The Action accepts only a path inside the workspace (docs/security.md); removed after each run.
    'INPUT_SARIF-FILE': BENCH_SARIF,
    INPUT_ISSUES: 'off',
    INPUT_PATH: '.',
  };
}

function timeOnce(entry: string, workspace: string, timeoutMs: number, node = process.execPath): Promise<Timed> {
  const temp = mkdtempSync(join(tmpdir(), 'nhi-bench-action-'));
  const env = runnerEnv(temp, workspace);
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [entry], { cwd: workspace, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const outputs = outputsOf(readFileSync(join(temp, 'output'), 'utf8'));
      rmSync(temp, { recursive: true, force: true });
      rmSync(join(workspace, BENCH_SARIF), { force: true });
      if (code === null) reject(new Error(`the action did not finish within ${timeoutMs / 1000} s on ${workspace} (killed)`));
      else if (code !== 0) reject(new Error(`the action exited ${code} on ${workspace}: ${stderr.trim().split('\n')[0] ?? ''}`));
      else resolvePromise({ ms, code, outputs });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Prints one line per workspace: median / min wall time over its runs, and the outputs. */
export async function runActionBench(log: (line: string) => void = console.log): Promise<void> {
  const dist = mkdtempSync(join(tmpdir(), 'nhi-bench-dist-'));
  const empty = join(dist, 'empty-workspace');
  mkdirSync(empty);
  try {
    const buildStart = performance.now();
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-action.mjs'), '--outdir', dist], { cwd: ROOT, stdio: 'pipe' });
    const bundleKb = readFileSync(join(dist, 'index.js')).length / 1024;
    log(`action: bundle ${bundleKb.toFixed(0)} KB built in ${(performance.now() - buildStart).toFixed(0)} ms; node ${process.version}; wall time of \`node dist/index.js\`, cold start included`);
    const workspaces: Workspace[] = [
      { name: 'empty workspace (start-up)', dir: empty, runs: 5, timeoutMs: 60_000 },
      { name: 'fixtures/demo-repo', dir: join(ROOT, 'fixtures', 'demo-repo'), runs: 5, timeoutMs: 60_000 },
    ];
    if (existsSync(CORPUS)) workspaces.push({ name: 'real-code corpus (bench/.corpus/files)', dir: CORPUS, runs: 3, timeoutMs: 600_000 }); // 3: with 2, the "median" was the slower run
    else log('  real-code corpus: skipped (bench/.corpus/files is absent; `npm run bench` builds it)');
    // GitHub runs the Action on Node 24 (action.yml `runs.using: node24`): every workspace again on
    // it, when a Node 24 is at hand (test/integration/action/node24.ts, from npm's cache only).
    const node24 = await findNode24();
    const nodes = [{ path: process.execPath, label: '' }, ...('path' in node24 ? [{ path: node24.path, label: ` [Node ${node24.version.slice(1)}]` }] : [])];
    if ('missing' in node24) log(`  Node 24: not measured (${node24.missing})`);
    for (const node of nodes) {
      for (const ws of workspaces) {
        const times: number[] = [];
        let last: Timed | undefined;
        try {
          for (let i = 0; i < ws.runs; i++) {
            last = await timeOnce(join(dist, 'index.js'), ws.dir, ws.timeoutMs, node.path);
            times.push(last.ms);
          }
        } catch (error) {
          log(`  ${ws.name}${node.label}: FAILED — ${(error as Error).message}`);
          continue;
        }
        const o = last!.outputs;
        log(`  ${ws.name}${node.label}: median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms over ${ws.runs} runs — findings ${o.findings}, secrets ${o.secrets}, unowned ${o.unowned}, no-rotation ${o['no-rotation']}`);
      }
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runActionBench().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
