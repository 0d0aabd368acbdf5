import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, GAPS_FILES, MANY_TOKENS, RAW_SECRETS, REPO, pullRequestPayload, schedulePayload } from './fixtures.js';
import { hasCommit, makeRepo, mirrorWithShallowOrigin, type Files, type TestRepo } from './git-repo.js';
import { buildBundle, runAction, type ActionRun } from './runner.js';

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

interface PullRef {
  number: number;
  headSha: string;
  baseSha: string;
}

function runPull(ws: TestRepo, inputs: Record<string, string> = {}, pull: PullRef = { number: 7, headSha: ws.headSha, baseSha: ws.baseSha }): Promise<ActionRun> {
  return runAction({
    entry: bundle.entry,
    workspace: ws.workspace,
    apiUrl: double.url,
    event: 'pull_request',
    payload: pullRequestPayload(pull),
    repository: REPO,
    sha: pull.headSha,
    ref: `refs/pull/${pull.number}/merge`,
    inputs,
  });
}

function runSchedule(ws: TestRepo, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'schedule', payload: schedulePayload(), repository: REPO, sha: ws.headSha, ref: 'refs/heads/main', inputs });
}

/** Nothing the action wrote or sent may hold a raw fixture secret. */
function assertNoLeak(run: ActionRun, ws?: TestRepo): void {
  const written = [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs), ws ? run.sarif : ''].join('\n');
  const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
  for (const secret of RAW_SECRETS) {
    expect(written.includes(secret), 'a raw secret in the action output').toBe(false);
    expect(sent.includes(secret), 'a raw secret sent to GitHub').toBe(false);
  }
}

/** A user error is one `::error::` line and nothing that looks like a stack trace. */
function assertCleanFailure(run: ActionRun): void {
  expect(run.code).toBe(1);
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at .+[(:]\d+/m);
  expect(run.stderr).toBe('');
}

const SECRET_PR: Files = { 'src/config.js': CONFIG_WITH_SECRET };
/** The annotation the secret on line 3 of src/config.js gets (columns 17–57 hold the token). */
const SECRET_ANNOTATION = {
  kind: 'error',
  properties: { title: 'secret/github-classic-pat', file: 'src/config.js', line: '3', endLine: '3', col: '17', endColumn: '57' },
  message: 'GitHub personal access token (classic): ghp_…hEf4',
};
const IN_RUNNER_TEMP = expect.stringMatching(/nhi-action-runner-[^/]+\/tmp\/nhi-steward\.sarif$/);
const FAILED_ONE = 'nhi-steward found 1 finding at or above fail-on "error". See the job summary.';

describe('the bundled Action as a child process', () => {
  it('1. fails a PR that adds a secret: annotation on the file and line, outputs, redacted summary, SARIF', async () => {
    const ws = repo({ base: BASE_FILES, head: SECRET_PR });
    const run = await runPull(ws);
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([SECRET_ANNOTATION]);
    expect(run.failures).toEqual([FAILED_ONE]);
    // The default SARIF file is under RUNNER_TEMP, not in the workspace (where a later step could commit or scan it).
    expect(run.outputs).toEqual({ findings: '1', secrets: '1', unowned: '0', 'no-rotation': '0', 'sarif-file': IN_RUNNER_TEMP });
    expect(existsSync(join(ws.workspace, 'nhi-steward.sarif'))).toBe(false);
    expect(run.summary).toContain('## NHI hygiene');
    expect(run.summary).toContain(`[\`src/config.js:3\`](https://github.com/${REPO}/blob/${ws.headSha}/src/config.js#L3)`);
    expect(run.summary).toContain('`ghp_…hEf4`');
    const sarif = JSON.parse(run.sarif);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((r: any) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine])).toEqual([['secret/github-classic-pat', 'src/config.js', 3]]);
    // The full clone had the base: git answered everything, the API was not needed.
    expect(double.requests).toEqual([]);
    assertNoLeak(run, ws);
  });

  it('1e. without GITHUB_STEP_SUMMARY (local runner, older GHES) the report goes to the log with a notice, not an internal error', async () => {
    const ws = repo({ base: BASE_FILES, head: SECRET_PR });
    const run = await runAction({
      entry: bundle.entry,
      workspace: ws.workspace,
      apiUrl: double.url,
      event: 'pull_request',
      payload: pullRequestPayload({ number: 7, headSha: ws.headSha, baseSha: ws.baseSha }),
      repository: REPO,
      sha: ws.headSha,
      ref: 'refs/pull/7/merge',
      unset: ['GITHUB_STEP_SUMMARY'],
    });
    expect(run.failures).toEqual([FAILED_ONE]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::notice::GITHUB_STEP_SUMMARY is not set');
    expect(run.stdout).toContain('## NHI hygiene');
    expect(run.summary).toBe('');
    assertNoLeak(run, ws);
  });

  it('2. passes a clean PR, even on a base that already holds a secret (only added lines are judged)', async () => {
    const base = { ...BASE_FILES, 'scripts/deploy.sh': GAPS_FILES['scripts/deploy.sh'] };
    const ws = repo({ base, head: { 'README.md': '# ledger\n\nDouble-entry bookkeeping.\n', 'src/format.js': 'export const cents = (n) => (n / 100).toFixed(2);\n' } });
    const run = await runPull(ws, { 'sarif-file': '' });
    expect(run.code).toBe(0);
    expect(run.annotations).toEqual([]);
    expect(run.failures).toEqual([]);
    expect(run.outputs).toEqual({ findings: '0', secrets: '0', unowned: '0', 'no-rotation': '0', 'sarif-file': '' });
    expect(existsSync(join(ws.workspace, 'nhi-steward.sarif'))).toBe(false);
    expect(run.summary).toContain('## NHI hygiene');
    // Only what the PR adds or changes: the base's ServiceAccount is not listed again.
    expect(run.summary).not.toContain('ledger-api');
    assertNoLeak(run, ws);
  });

  it('3. a scheduled scan with issues: on opens the rotation, secret and dashboard issues; a second run writes nothing', async () => {
    const ws = repo({ base: GAPS_FILES });
    const first = await runSchedule(ws, { issues: 'on' });
    expect(first.code).toBe(1); // the embedded secret is an error; fail-on defaults to error
    expect(first.outputs).toEqual({ findings: '5', secrets: '1', unowned: '2', 'no-rotation': '1', 'sarif-file': IN_RUNNER_TEMP });
    expect(first.annotations.map((a) => [a.kind, a.properties.title, a.properties.file, a.properties.line])).toEqual([
      ['error', 'secret/github-classic-pat', 'scripts/deploy.sh', '2'],
      ['warning', 'identity/unowned', 'infra/iam.tf', '1'],
      // One annotation per identity and line: both rules of the access key share one.
      ['warning', 'credential/long-lived-key, credential/no-rotation, identity/unowned', 'infra/iam.tf', '5'],
    ]);
    expect(first.stdout).toContain('Issues: 3 opened, 0 updated, 0 reopened, 0 closed.');
    const issues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull);
    expect(issues.map((i) => [i.title, i.labels, i.state])).toEqual([
      ['Credential without a rotation policy: terraform:aws_iam_access_key/infra/ci_bot', ['nhi-steward'], 'open'],
      ['Embedded secret (github-classic-pat) in scripts/deploy.sh', ['nhi-steward'], 'open'],
      ['NHI inventory', ['nhi-steward'], 'open'],
    ]);
    expect(issues[1].body).toContain('ghp_…xM5j');
    // The Action answers no issue comment, so its issues name the owners-file entry to add, not a command.
    expect(issues.map((i) => i.body ?? '').join('\n')).not.toContain('/nhi-steward');
    expect(issues[0].body).toContain('edit `.github/nhi-owners.yml`');
    expect(issues[0].body).toContain('- match: "terraform:aws_iam_access_key/infra/ci_bot"');
    // The dashboard is linked to the gap issues and pinned, through GITHUB_TOKEN (a plain token).
    expect(issues[2].body).toContain(`#${issues[0].number}`);
    expect(double.calls('issues/create').every((r) => r.auth?.kind === 'token')).toBe(true);
    expect(double.requests.filter((r) => r.path === '/graphql')).toHaveLength(1);

    const mark = double.requests.length;
    const second = await runSchedule(ws, { issues: 'on' });
    const writes = double.requests.slice(mark).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.template ?? r.path}`);
    expect(writes).toEqual([]);
    expect(second.stdout).toContain('Issues: 0 opened, 0 updated, 0 reopened, 0 closed.');
    // The first run's SARIF file in the workspace is not scanned as repository content.
    expect(second.summary).toBe(first.summary);
    expect({ ...second.outputs, 'sarif-file': 'runner temp' }).toEqual({ ...first.outputs, 'sarif-file': 'runner temp' });
    assertNoLeak(first, ws);
    assertNoLeak(second, ws);
  });

  it('4. a bad fail-on value stops with a clear error naming the input and the allowed values', async () => {
    const ws = repo({ base: BASE_FILES, head: SECRET_PR });
    const run = await runPull(ws, { 'fail-on': 'critical' });
    assertCleanFailure(run);
    expect(run.failures).toEqual(['Input "fail-on" must be one of error, warning, notice, info, none; got "critical". Fix it in the workflow\'s "with:" block.']);
    expect(run.annotations).toEqual([]);
    expect(run.outputs).toEqual({});
    expect(double.requests).toEqual([]);
  });

  it('5. a shallow clone of the head fetches the base from origin', async () => {
    const ws = repo({ base: BASE_FILES, head: SECRET_PR, shallow: true });
    expect(hasCommit(ws.workspace, ws.baseSha)).toBe(false);
    const run = await runPull(ws);
    expect(hasCommit(ws.workspace, ws.baseSha)).toBe(true);
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([SECRET_ANNOTATION]);
    expect(run.outputs).toMatchObject({ findings: '1', secrets: '1' });
    expect(double.requests).toEqual([]);
    assertNoLeak(run, ws);
  });

  it("5b. when origin lacks the base, it falls back to the API's PR files", async () => {
    // The PR as GitHub holds it; the workspace is a shallow clone of its head (same commit ids)
    // from an origin that only has the head commit, so the base cannot be fetched.
    const headSha = double.state.push(REPO, { branch: 'feature', files: SECRET_PR });
    const pull = double.state.openPull(REPO, { head: 'feature', title: 'Add config' });
    const ws = mirrorWithShallowOrigin(double.state.repo(REPO).git.objects, 'feature', headSha);
    repos.push(ws);
    expect(ws.baseSha).toBe(pull.pull!.baseSha);
    const run = await runPull(ws, {}, { number: pull.number, headSha, baseSha: ws.baseSha });
    expect(run.stdout).toContain(`Base commit ${ws.baseSha.slice(0, 12)} is not in the checkout and could not be fetched: using the API's PR files.`);
    expect(hasCommit(ws.workspace, ws.baseSha)).toBe(false);
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([SECRET_ANNOTATION]);
    expect(run.outputs).toEqual({ findings: '1', secrets: '1', unowned: '0', 'no-rotation': '0', 'sarif-file': IN_RUNNER_TEMP });
    expect(double.calls('pulls/list-files')).toHaveLength(1);
    // The settings files are read at the base commit through the API too (absent here: 404).
    const settingsReads = double.calls('repos/get-content').filter((r) => /nhi-steward\.yml|baseline|ignore/.test(decodeURIComponent(r.path)));
    expect(settingsReads.length).toBeGreaterThan(0);
    expect(settingsReads.every((r) => r.query.ref === ws.baseSha)).toBe(true);
    expect(double.requests.every((r) => r.auth?.kind === 'token' && (r.status === 200 || (r.status === 404 && r.operationId === 'repos/get-content')))).toBe(true);
    assertNoLeak(run, ws);
  });

  it('1b. judges only the PR on GitHub\'s merge commit, even when the base moved on after the PR opened', async () => {
    // A secret lands on main after the PR was opened; the merge ref contains it, the PR does not.
    const ws = repo({ base: BASE_FILES, head: SECRET_PR, mergeAfter: { pullNumber: 7, files: { 'scripts/deploy.sh': GAPS_FILES['scripts/deploy.sh'] } } });
    expect(hasCommit(ws.workspace, ws.baseSha)).toBe(false);
    const run = await runAction({
      entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'pull_request', repository: REPO, sha: ws.mergeSha!, ref: 'refs/pull/7/merge',
      payload: pullRequestPayload({ number: 7, headSha: ws.headSha, baseSha: ws.baseSha }),
    });
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([SECRET_ANNOTATION]);
    expect(hasCommit(ws.workspace, ws.baseTip!)).toBe(true);
    expect(double.requests).toEqual([]);
    assertNoLeak(run, ws);
  });

  it("1c. pull_request_target (the base is checked out, not the PR's code) reads the PR from the API", async () => {
    const headSha = double.state.push(REPO, { branch: 'feature', files: SECRET_PR });
    const pull = double.state.openPull(REPO, { head: 'feature', title: 'Add config' });
    const ws = repo({ base: BASE_FILES, head: SECRET_PR, checkoutBase: true });
    const run = await runAction({
      entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'pull_request_target', repository: REPO, sha: ws.baseSha, ref: 'refs/heads/main',
      payload: pullRequestPayload({ number: pull.number, headSha, baseSha: pull.pull!.baseSha }),
    });
    expect(run.stdout).toContain(`The checkout (${ws.baseSha.slice(0, 12)}) is neither the PR head ${headSha.slice(0, 12)} nor its merge commit: using the API's PR files.`);
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([SECRET_ANNOTATION]);
    expect(double.calls('pulls/list-files')).toHaveLength(1);
    assertNoLeak(run, ws);
  });

  it('2b. with `path` set to a subfolder, annotations, summary links and SARIF name files from the repository root', async () => {
    const prefix = (files: Files) => Object.fromEntries(Object.entries(files).map(([p, c]) => [`services/ledger/${p}`, c]));
    const ws = repo({ base: { 'README.md': '# monorepo\n', ...prefix(BASE_FILES) }, head: prefix(SECRET_PR) });
    const run = await runPull(ws, { path: 'services/ledger', 'sarif-file': 'reports/nhi.sarif' });
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([{ ...SECRET_ANNOTATION, properties: { ...SECRET_ANNOTATION.properties, file: 'services/ledger/src/config.js' } }]);
    expect(run.summary).toContain(`/blob/${ws.headSha}/services/ledger/src/config.js#L3`);
    const sarifPath = join(ws.workspace, 'reports/nhi.sarif');
    expect(run.outputs['sarif-file']).toBe(sarifPath);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    expect(sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['services/ledger/src/config.js']);
    assertNoLeak(run, ws);
  });

  it('1d. more errors than a step shows: ten annotations, the most important first; every finding in the summary', async () => {
    const tokens = MANY_TOKENS.map((t, i) => `export const token${i} = '${t}';`).join('\n') + '\n';
    const ws = repo({ base: BASE_FILES, head: { 'src/tokens.js': tokens, 'k8s/worker.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ledger-worker\n  namespace: ledger\n' } });
    const run = await runPull(ws);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ findings: '13', secrets: '12', unowned: '1' });
    const errors = run.annotations.filter((a) => a.kind === 'error');
    expect(errors.map((a) => [a.properties.title, a.properties.file, a.properties.line])).toEqual(
      // Secrets outrank identity findings at the same level; then file and line order.
      Array.from({ length: 10 }, (_, i) => ['secret/github-classic-pat', 'src/tokens.js', String(i + 1)]),
    );
    for (let line = 1; line <= 12; line++) expect(run.summary).toContain(`src/tokens.js:${line}\``);
    expect(run.summary).toContain('kubernetes:ServiceAccount/ledger/ledger-worker');
    assertNoLeak(run, ws);
  });

  it('4b. a bad config file stops with an error naming the file and line', async () => {
    const ws = repo({ base: { ...BASE_FILES, '.github/nhi-steward.yml': 'fail-on: error\nowners: [unclosed\n' }, head: SECRET_PR });
    const run = await runPull(ws);
    assertCleanFailure(run);
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatch(/^invalid config .*nhi-steward\.yml\n {2}\.github\/nhi-steward\.yml:\d+:\d+: /);
    expect(run.outputs).toEqual({});
  });

  it('4c. issues: on with an empty token stops with an error saying which token to pass', async () => {
    const ws = repo({ base: BASE_FILES });
    const run = await runSchedule(ws, { issues: 'on', token: '' });
    assertCleanFailure(run);
    expect(run.failures).toEqual(['Input "token" is empty: pass `token: ${{ github.token }}` (the default) or a token with issues: write.']);
    expect(double.requests).toEqual([]);
  });
});
