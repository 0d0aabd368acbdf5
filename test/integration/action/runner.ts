/**
 * Runs the bundled Action as a GitHub runner does: `node dist/index.js` in a child process, with
 * the runner's environment (GITHUB_*, INPUT_* for every input of action.yml with its default, the
 * output and summary files), and reads back what the runner would: the exit code, the workflow
 * commands on stdout, the outputs file and the job summary.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import yaml from 'js-yaml';

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Builds the bundle with the real build script into a fresh folder outside the repository, so no
 * node_modules is above it (as on a runner) and the checkout's committed dist/ is left alone.
 */
export function buildBundle(): { dir: string; entry: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-action-dist-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-action.mjs'), '--outdir', dir], { cwd: ROOT, stdio: 'pipe' });
  return { dir, entry: join(dir, 'index.js'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Each input of action.yml → its default; the runner sets INPUT_* for all of them. */
function actionDefaults(): Record<string, string> {
  const action = yaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  return Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, String(spec.default ?? '')]));
}

/** @actions/core reads `INPUT_<name upper-cased, spaces → _>`; hyphens stay. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface RunOptions {
  entry: string;
  workspace: string;
  apiUrl: string;
  event: string;
  payload: unknown;
  repository: string;
  sha: string;
  ref: string;
  inputs?: Record<string, string>;
  /** Another Node binary (e.g. Node 24); default the one running the tests. */
  node?: string;
  token?: string;
  /** Variables the runner leaves unset (e.g. GITHUB_STEP_SUMMARY on a local runner). */
  unset?: string[];
  /** More variables for the child (e.g. NODE_OPTIONS for a probe). */
  extraEnv?: Record<string, string>;
}

export interface Annotation {
  kind: 'error' | 'warning' | 'notice';
  properties: Record<string, string>;
  message: string;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** `::error file=…,line=…::message` and friends, unescaped. */
  annotations: Annotation[];
  /** `::error::message` without properties (core.setFailed). */
  failures: string[];
  /** The SARIF file the run wrote (read before RUNNER_TEMP is removed), or ''. */
  sarif: string;
  env: Record<string, string>;
}

/** The test token: plain (not an App installation token), as GITHUB_TOKEN is. */
export const RUNNER_TOKEN = 'ghs_actionsRunnerTokenForTests0000000000';

/** The parent's environment, minus everything a runner would set itself (the tests may run in CI). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GITHUB_|INPUT_|RUNNER_|ACTIONS_|GIT_)/.test(key) || /proxy$/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const temp = mkdtempSync(join(tmpdir(), 'nhi-action-runner-'));
  try {
    const files = { event: join(temp, 'event.json'), output: join(temp, 'output'), summary: join(temp, 'summary.md'), home: join(temp, 'home'), runnerTemp: join(temp, 'tmp') };
    mkdirSync(files.home);
    mkdirSync(files.runnerTemp);
    writeFileSync(files.event, JSON.stringify(options.payload));
    writeFileSync(files.output, '');
    writeFileSync(files.summary, '');
    // The runner expands `${{ runner.temp }}` in input defaults (the default sarif-file lives there).
    const defaults = Object.fromEntries(Object.entries(actionDefaults()).map(([name, value]) => [name, value.replaceAll('${{ runner.temp }}', files.runnerTemp)]));
    const inputs = { ...defaults, token: options.token ?? RUNNER_TOKEN, ...options.inputs };
    const [owner] = options.repository.split('/');
    const env: Record<string, string> = {
      ...baseEnv(),
      HOME: files.home,
      NO_PROXY: '127.0.0.1,localhost',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_REPOSITORY: options.repository,
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_SHA: options.sha,
      GITHUB_REF: options.ref,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: options.apiUrl,
      GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW: 'nhi',
      GITHUB_JOB: 'scan',
      GITHUB_ACTION: 'nhi-steward',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_NUMBER: '1',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: files.runnerTemp,
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value])),
      ...options.extraEnv,
    };
    for (const name of options.unset ?? []) delete env[name];
    const { code, stdout, stderr } = await spawnNode(options.node ?? process.execPath, options.entry, options.workspace, env);
    const commands = parseCommands(stdout);
    const outputs = parseOutputs(readFileSync(files.output, 'utf8'));
    const sarifFile = outputs['sarif-file'];
    return {
      code,
      stdout,
      stderr,
      outputs,
      sarif: sarifFile && existsSync(sarifFile) ? readFileSync(sarifFile, 'utf8') : '',
      summary: readFileSync(files.summary, 'utf8'),
      annotations: commands.filter((c) => Object.keys(c.properties).length > 0),
      failures: commands.filter((c) => c.kind === 'error' && Object.keys(c.properties).length === 0).map((c) => c.message),
      env,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Asynchronous on purpose: the GitHub double answers from this same process. */
function spawnNode(node: string, entry: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [entry], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** GITHUB_OUTPUT: `name<<ghadelimiter_UUID\nvalue\nghadelimiter_UUID\n`, as @actions/core writes it. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const end = lines.indexOf(m[2], i + 1);
    if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing delimiter for ${m[1]}`);
    outputs[m[1]] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

/** Workflow commands `::kind key=value,key=value::message` for error, warning and notice. */
export function parseCommands(stdout: string): Annotation[] {
  const commands: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
    }
    commands.push({ kind: m[1] as Annotation['kind'], properties, message: unescape(m[3]) });
  }
  return commands;
}
