/**
 * The Action under GitHub's own local runner, `@github/local-action` (`local-action run <path>
 * <entrypoint> <dotenv>`): it stubs @actions/core and @actions/github, imports our logic entry
 * (src/action/run.ts) from source and calls its exported run(). Scan mode on a real git repository
 * with a planted fake token, once as on a runner (job-summary file, GITHUB_SHA) and once as on a
 * workstation (neither).
 *
 * local-action finds the stubbed packages with `npm ls` in its working directory, so the child runs
 * in the repository root; GITHUB_WORKSPACE points at the temp repository, which is what is scanned.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classicToken, REPO } from './fixtures.js';
import { git } from './git-repo.js';
import { parseCommands } from './runner.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const LOCAL_ACTION = join(ROOT, 'node_modules/@github/local-action/bin/local-action.js');
const GUARD = join(import.meta.dirname, 'loopback-guard.mjs');

/** Built at run time: a GitHub classic token with a valid CRC32 checksum (fake). */
const TOKEN = classicToken(4242);
const CONFIG = `export const config = {\n  region: 'eu-west-1',\n  githubToken: '${TOKEN}',\n};\n`;

interface LocalRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  sarif: string;
  connections: string[];
}

let temp: string;
let workspace: string;
let sha: string;
let api: Server;
let apiUrl: string;
const apiRequests: string[] = [];

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'nhi-local-action-'));
  workspace = join(temp, 'workspace');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  git(temp, ['init', '-q', '-b', 'main', workspace]);
  writeFileSync(join(workspace, 'README.md'), '# ledger\n');
  writeFileSync(join(workspace, 'src/config.js'), CONFIG);
  git(workspace, ['add', '-A']);
  git(workspace, ['commit', '-q', '-m', 'config']);
  sha = git(workspace, ['rev-parse', 'HEAD']);
  // GITHUB_API_URL: a loopback server that records any request (scan mode with issues off makes none).
  api = createServer((req, res) => {
    apiRequests.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => api.close(done));
  rmSync(temp, { recursive: true, force: true });
});

/** The parent's environment minus what a runner sets (the tests may run in CI) and any proxy. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GITHUB_|INPUT_|RUNNER_|ACTIONS_|GIT_|NODE_OPTIONS$)/.test(key) || /proxy$/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** `workstation`: no job-summary file and no GITHUB_SHA, as when run by hand outside a runner. */
async function runLocalAction(name: string, workstation: boolean): Promise<LocalRun> {
  const withSummary = !workstation;
  const dir = join(temp, name);
  const runnerTemp = join(dir, 'tmp');
  mkdirSync(runnerTemp, { recursive: true });
  const summaryFile = join(dir, 'summary.md');
  const connectLog = join(dir, 'connections.log');
  writeFileSync(connectLog, '');
  // local-action loads this file with override: the Action's inputs and the runner's variables.
  const dotenv = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REPOSITORY: REPO,
    ...(workstation ? {} : { GITHUB_SHA: sha }),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    RUNNER_TEMP: runnerTemp,
    INPUT_MODE: 'scan',
    INPUT_ISSUES: 'off',
    INPUT_TOKEN: 'ghs_localActionRunnerTokenForTests000000',
    ...(withSummary ? { GITHUB_STEP_SUMMARY: summaryFile } : {}),
  };
  if (withSummary) writeFileSync(summaryFile, '');
  const dotenvFile = join(dir, '.env');
  writeFileSync(dotenvFile, Object.entries(dotenv).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const env = {
    ...baseEnv(),
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    NO_PROXY: '127.0.0.1,localhost',
    // local-action starts itself with `npm exec tsx`: the local tsx, never the registry.
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    NODE_OPTIONS: `--import ${GUARD}`,
    NHI_CONNECT_LOG: connectLog,
  };
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [LOCAL_ACTION, 'run', ROOT, 'src/action/run.ts', dotenvFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', fail);
    child.on('close', (exit) => done({ code: exit, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
  const sarifFile = join(runnerTemp, 'nhi-steward.sarif');
  return {
    code,
    stdout,
    stderr,
    summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '',
    sarif: existsSync(sarifFile) ? readFileSync(sarifFile, 'utf8') : '',
    connections: readFileSync(connectLog, 'utf8').split('\n').filter(Boolean),
  };
}

function expectFindingsReported(run: LocalRun): void {
  // local-action's process ends normally: run() resolved, nothing thrown.
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.stdout).toContain('Running Action');
  const commands = parseCommands(run.stdout);
  // The token is an error annotation on its file and line, with the redacted value.
  const annotations = commands.filter((c) => c.properties.file !== undefined);
  expect(annotations).toEqual([
    {
      kind: 'error',
      properties: { title: 'secret/github-classic-pat', file: 'src/config.js', line: '3', endLine: '3', col: '17', endColumn: '57' },
      message: `GitHub personal access token (classic): ghp_…${TOKEN.slice(-4)}`,
    },
  ]);
  // Failing on findings is the expected outcome; an internal error is not.
  const failures = commands.filter((c) => c.kind === 'error' && Object.keys(c.properties).length === 0).map((c) => c.message);
  expect(failures).toEqual(['nhi-steward found 1 finding at or above fail-on "error". See the job summary.']);
  expect(run.stdout + run.stderr).not.toMatch(/internal error|does not export a run\(\) function|Something went wrong/i);
  expect(run.stdout).toMatch(/│\s*\d+\s*│\s*'secrets'\s*│\s*'1'\s*│/);
  // The SARIF file was written, with the finding and without the secret.
  expect(run.sarif).toContain('secret/github-classic-pat');
  // The whole secret never appears anywhere the run wrote.
  for (const text of [run.stdout, run.stderr, run.summary, run.sarif]) expect(text).not.toContain(TOKEN);
  // No request to the API, and no connection anywhere but loopback.
  expect(apiRequests).toEqual([]);
  // The guard was in the processes (local-action's launcher and the tsx process running the Action).
  expect(run.connections.filter((c) => c.startsWith('loaded ')).length).toBeGreaterThanOrEqual(2);
  expect(run.connections.filter((c) => c.startsWith('connect ') && !/^connect (127\.\d+\.\d+\.\d+|::1|localhost):/.test(c))).toEqual([]);
}

describe('the Action under @github/local-action', () => {
  it('with a job-summary file: annotations on stdout, the report in the summary file', { timeout: 120_000 }, async () => {
    const run = await runLocalAction('with-summary', false);
    expectFindingsReported(run);
    expect(run.summary).toContain('## NHI hygiene');
    expect(run.summary).toContain(`[\`src/config.js:3\`](https://github.com/${REPO}/blob/${sha}/src/config.js#L3)`);
    expect(run.summary).toContain(`\`ghp_…${TOKEN.slice(-4)}\``);
    expect(run.stdout).not.toContain('GITHUB_STEP_SUMMARY is not set');
  });

  it('without a job-summary file or GITHUB_SHA: annotations on stdout, a notice, and the report in the log', { timeout: 120_000 }, async () => {
    const run = await runLocalAction('without-summary', true);
    expectFindingsReported(run);
    expect(run.summary).toBe('');
    expect(parseCommands(run.stdout).filter((c) => c.kind === 'notice').map((c) => c.message)).toEqual([
      expect.stringContaining('GITHUB_STEP_SUMMARY is not set'),
    ]);
    expect(run.stdout).toContain('## NHI hygiene');
    expect(run.stdout).toContain(`\`ghp_…${TOKEN.slice(-4)}\``);
    // No commit to link to: the place is plain text, not a link to blob/undefined.
    expect(run.stdout).toContain('`src/config.js:3`');
    expect(run.stdout).not.toContain('/blob/');
  });
});
