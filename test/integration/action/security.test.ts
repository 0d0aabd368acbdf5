import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { legacyFingerprint } from '../../../src/core/secrets/fingerprint.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, GAPS_FILES, PR_TOKEN, REPO, pullRequestPayload, schedulePayload } from './fixtures.js';
import { makeRepo, type Files, type TestRepo } from './git-repo.js';
import { buildBundle, runAction, type ActionRun } from './runner.js';

/**
 * Attacks on the Action from docs/security.md, each run against the bundled Action as a child
 * process on a real git checkout: a pull request must not be able to relax its own check, and the
 * workflow's path inputs must not reach outside the workspace.
 */
let bundle: ReturnType<typeof buildBundle>;
let double: GitHubDouble;
const repos: TestRepo[] = [];

beforeAll(() => {
  bundle = buildBundle();
});
afterAll(() => bundle?.cleanup());
beforeEach(async () => {
  double = await startGitHubDouble({ seed: { repos: [{ repo: REPO, files: BASE_FILES }] } });
});
afterEach(async () => {
  double.assertNoViolations();
  await double?.close();
  for (const made of repos.splice(0)) made.cleanup();
});

function repo(options: Parameters<typeof makeRepo>[0]): TestRepo {
  const made = makeRepo(options);
  repos.push(made);
  return made;
}

function runPull(ws: TestRepo, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const pull = { number: 7, headSha: ws.headSha, baseSha: ws.baseSha };
  return runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'pull_request', payload: pullRequestPayload(pull), repository: REPO, sha: pull.headSha, ref: `refs/pull/${pull.number}/merge`, inputs });
}

const SECRET_PR: Files = { 'src/config.js': CONFIG_WITH_SECRET };

describe('a pull request cannot switch off the Action\'s check', () => {
  it.each([
    ['fail-on: none', { '.github/nhi-steward.yml': 'fail-on: none\n' }],
    ['paths-ignore everything', { '.github/nhi-steward.yml': 'paths-ignore: ["**"]\n' }],
    ['disable the detector', { '.github/nhi-steward.yml': 'detectors:\n  disabled: [github-classic-pat]\n' }],
    ['point the baseline at its own file', { '.github/nhi-steward.yml': 'baseline: accepted.json\n', 'accepted.json': JSON.stringify({ version: 1, fingerprints: [{ fingerprint: legacyFingerprint('github-classic-pat', PR_TOKEN), rule: 'x', file: 'x' }] }) }],
    ['add a baseline entry', { '.nhi-steward-baseline.json': JSON.stringify({ version: 1, fingerprints: [{ fingerprint: legacyFingerprint('github-classic-pat', PR_TOKEN), rule: 'x', file: 'x' }] }) }],
    ['add a .gitleaksignore entry', { '.gitleaksignore': 'src/config.js:github-pat:3\n' }],
  ])('%s in the PR: the settings come from the base commit and the secret still fails the run', async (_name, files) => {
    const ws = repo({ base: BASE_FILES, head: { ...SECRET_PR, ...files } });
    const run = await runPull(ws);
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => [a.properties.title, a.properties.file, a.properties.line])).toContainEqual(['secret/github-classic-pat', 'src/config.js', '3']);
  });

  it('the same settings on the base branch do apply (so the tests above test the source, not the settings)', async () => {
    const ws = repo({ base: { ...BASE_FILES, '.gitleaksignore': 'src/config.js:github-pat:3\n' }, head: SECRET_PR });
    const run = await runPull(ws);
    expect(run.code).toBe(0);
    expect(run.annotations).toEqual([]);
  });
});

describe('path inputs stay inside the workspace', () => {
  it.each([
    ['path', '/'],
    ['path', '../..'],
    ['config', '/etc/passwd'],
    ['config', '../../etc/passwd'],
    ['sarif-file', '/tmp/nhi-steward-attack.sarif'],
    ['sarif-file', 'C:\\\\Windows\\\\x.sarif'],
    ['config', 'a\nb'],
  ])('%s: %j stops with an error naming the input', async (name, value) => {
    const ws = repo({ base: BASE_FILES, head: SECRET_PR });
    const run = await runPull(ws, { [name]: value });
    expect(run.code).toBe(1);
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatch(new RegExp(`^Input "${name}" must`));
    expect(run.stderr).toBe('');
  });

  it('a config file that is not YAML config (here an .env of secrets) is reported without quoting its values', async () => {
    const env = 'DB_PASSWORD=Summer2024!Acme\nSTRIPE=sk_live_51Hq8ZtR2mXv7KpW4nYc9BdF3hJs6GaE\n';
    const ws = repo({ base: { ...BASE_FILES, 'deploy/.env': env }, head: SECRET_PR });
    const run = await runPull(ws, { config: 'deploy/.env' });
    expect(run.code).toBe(1);
    const all = [run.stdout, run.stderr, run.summary, ...run.failures].join('\n');
    expect(all).not.toContain('Summer2024');
    expect(all).not.toContain('sk_live_51Hq8ZtR2mXv7KpW4nYc9BdF3hJs6GaE');
  });

  it('scan mode still reads its settings from the workspace (the default branch checkout)', async () => {
    const ws = repo({ base: { ...BASE_FILES, 'src/config.js': CONFIG_WITH_SECRET, '.gitleaksignore': 'src/config.js:github-pat:3\n' } });
    const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'workflow_dispatch', payload: {}, repository: REPO, sha: ws.headSha, ref: 'refs/heads/main' });
    expect(run.annotations).toEqual([]);
    expect(run.outputs.secrets).toBe('0');
  });
});

describe('forged issues and the Action\'s issue sync', () => {
  it('an outsider issue with the label and a marker is never updated, closed or adopted; the workflow token opens its own', async () => {
    const state = double.state.repo(REPO);
    double.state.ensureLabel(state, 'nhi-steward');
    const stray = double.state.createIssue(state, { title: 'Embedded secret (github-classic-pat) in gone.js', body: `<!-- nhi-steward:fp=${'f'.repeat(64)} -->\nplanted`, user: 'outsider', labels: ['nhi-steward'] });
    const fakeDashboard = double.state.createIssue(state, { title: 'NHI inventory', body: '<!-- nhi-steward:fp=dashboard -->\nplanted', user: 'outsider', labels: ['nhi-steward'] });
    const ws = repo({ base: GAPS_FILES });
    const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'schedule', payload: schedulePayload(), repository: REPO, sha: ws.headSha, ref: 'refs/heads/main', inputs: { issues: 'on' } });
    expect(run.code).toBe(1);
    for (const forged of [stray, fakeDashboard]) {
      const now = state.issues.get(forged.number)!;
      expect(now.state).toBe('open');
      expect(now.body).toContain('planted');
    }
    const touched = double.requests.filter((r) => r.method !== 'GET' && [stray, fakeDashboard].some((i) => r.path.endsWith(`/issues/${i.number}`) || r.path.includes(`/issues/${i.number}/`)));
    expect(touched).toEqual([]);
    const own = [...state.issues.values()].filter((i) => !i.pull && i.user === 'github-actions[bot]');
    expect(own.map((i) => i.title)).toContain('NHI inventory');
  });
});
