/**
 * Correct inputs in the App's PR check: owners entries given by `path:` decide review requests
 * for NHIs the PR re-grants; an owner GitHub refuses as reviewer (departed) is reported, not
 * thrown; the owners file itself is scanned for secrets, as the CLI and the Action do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openedPullRequest, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { fakeGithubToken } from '../../support/cli/run-cli.js';
import { BASE_FILES, GITHUB_TOKEN, OWNERS_FILE, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write', alice: 'admin' } }],
      orgs: { acme: { members: ['jdoe', 'alice'], teams: { payments: ['alice'] } } },
    },
  });
  app = await startApp(double);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
});

function openPull(branch: string, files: Record<string, string | Buffer | null>, user = 'jdoe') {
  return openedPullRequest(double, REPO, { branch, files, user });
}

/** A RoleBinding in a new file that grants the existing payments-api ServiceAccount cluster-admin. */
const REGRANT = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: payments-api-admin
  namespace: payments
subjects:
  - kind: ServiceAccount
    name: payments-api
    namespace: payments
roleRef:
  kind: ClusterRole
  name: cluster-admin
  apiGroup: rbac.authorization.k8s.io
`;

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const checkRuns = () => [...double.state.repo(REPO).checkRuns.values()];

describe('PR check inputs', () => {
  it('a `path:` owners entry decides who reviews a re-granted NHI declared outside the PR', { timeout: 60_000 }, async () => {
    // Last match wins: the path entry (declared in k8s/api.yaml) overrides the team.
    double.state.push(REPO, { files: { '.github/nhi-owners.yml': `${OWNERS_FILE}  - path: "k8s/api.yaml"\n    owner: "@alice"\n` } });
    const { number, payload } = openPull('feature/regrant', { 'k8s/rbac.yaml': REGRANT });
    await app.deliver('pull_request', payload);
    const pull = double.state.repo(REPO).issues.get(number)!.pull!;
    expect(pull.requestedReviewers).toEqual(['alice']);
    expect(pull.requestedTeams).toEqual([]);
    double.assertNoViolations();
  });

  it('an owner GitHub refuses as reviewer (departed) is reported; the others are still asked; nothing throws', { timeout: 60_000 }, async () => {
    const owners = `${OWNERS_FILE}  - path: "k8s/api.yaml"\n    owner: "@bob"\n  - match: "kubernetes:ServiceAccount/payments/other"\n    owner: "@acme/payments"\n`;
    double.state.push(REPO, {
      files: {
        '.github/nhi-owners.yml': owners,
        'k8s/other.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: other\n  namespace: payments\n',
      },
    });
    const both = `${REGRANT}---\n${REGRANT.replace('payments-api-admin', 'other-admin').replace('name: payments-api\n', 'name: other\n')}`;
    const { number, payload } = openPull('feature/departed', { 'k8s/rbac.yaml': both });
    const response = await app.deliver('pull_request', payload);
    // Probot answers 202 when the handler outlasts its response window (writes are paced).
    expect([200, 202]).toContain(response.status);
    const pull = double.state.repo(REPO).issues.get(number)!.pull!;
    await waitFor(() => app.logs.some((l) => l.includes('review request to bob refused')));
    expect(checkRuns().map((r) => r.status)).toEqual(['completed']);
    // Nothing was thrown: no error was logged (pino level 50).
    expect(app.logs.filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
    expect(pull.requestedTeams).toEqual(['payments']);
    expect(pull.requestedReviewers).toEqual([]);
    expect(app.logs.join('\n')).toContain('review request to bob refused');
    // The refused request is GitHub's answer (a 422), not a contract violation of ours.
    expect(double.violations).toEqual([]);
  });

  it('a secret pasted into the owners file fails the check, as in the CLI and the Action', { timeout: 60_000 }, async () => {
    const owners = OWNERS_FILE.replace('# The API\'s identity.', `# The API's identity. token: ${GITHUB_TOKEN}`);
    const { payload } = openPull('feature/owners-secret', { '.github/nhi-owners.yml': owners });
    await app.deliver('pull_request', payload);
    const [run] = checkRuns();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations.filter((a) => a.path === '.github/nhi-owners.yml').map((a) => a.title)).toContain('secret/github-classic-pat');
    expect(JSON.stringify(double.requests.map((r) => r.body ?? ''))).not.toContain(GITHUB_TOKEN);
    double.assertNoViolations();
  });

  it('UTF-16 files (no patch: binary to git): only the lines the PR added are judged, against the base version', { timeout: 60_000 }, async () => {
    const [OLD, ADDED, FRESH] = [fakeGithubToken(401), fakeGithubToken(402), fakeGithubToken(403)];
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const script = `# deploy\r\n$old = "token ${OLD}"\r\nWrite-Host ok\r\n`;
    double.state.push(REPO, { files: { 'scripts/deploy.ps1': utf16(script) } });
    const { payload } = openPull('feature/utf16', { 'scripts/deploy.ps1': utf16(`${script}$new = "token ${ADDED}"\r\n`), 'scripts/new.ps1': utf16(`# new\r\n$t = "token ${FRESH}"\r\n`) });
    await app.deliver('pull_request', payload);
    const run = checkRuns().at(-1)!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations.filter((a) => a.title?.startsWith('secret/')).map((a) => [a.path, a.start_line])).toEqual([
      ['scripts/deploy.ps1', 4],
      ['scripts/new.ps1', 2],
    ]);
    for (const token of [OLD, ADDED, FRESH]) expect(JSON.stringify(double.requests.map((r) => r.body ?? ''))).not.toContain(token);
    double.assertNoViolations();
  });
  it('a token the PR silences with an inline marker passes the check as a notice for the reviewer', { timeout: 60_000 }, async () => {
    const [SILENCED, PLAIN] = [fakeGithubToken(405), fakeGithubToken(406)];
    const { payload } = openPull('feature/allow-marker', { 'test/fixtures.js': `export const token = '${SILENCED}'; // gitleaks:allow\n` });
    await app.deliver('pull_request', payload);
    const run = checkRuns().at(-1)!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title])).toEqual([['test/fixtures.js', 1, 'notice', 'suppression/inline-allow']]);
    expect(run.output.summary).toContain('### Secrets silenced by markers this change adds (1)');
    expect(run.output.summary).toContain('`test/fixtures.js:1`');
    // Without the marker the same token fails the check: the notice is the marker's doing.
    const second = openPull('feature/no-marker', { 'test/other.js': `export const token = '${PLAIN}';\n` });
    await app.deliver('pull_request', second.payload);
    expect(checkRuns().at(-1)!).toMatchObject({ status: 'completed', conclusion: 'failure' });
    for (const token of [SILENCED, PLAIN]) expect(JSON.stringify(double.requests.map((r) => r.body ?? ''))).not.toContain(token);
    double.assertNoViolations();
  });

  it('a file whose name holds control characters is scanned, and its name is shown escaped', { timeout: 60_000 }, async () => {
    const TOKEN = fakeGithubToken(404);
    const name = 'deploy\u0001\u001b[2K.env';
    const { payload } = openPull('feature/control-name', { [name]: `GITHUB_TOKEN=${TOKEN}\n` });
    await app.deliver('pull_request', payload);
    const run = checkRuns().at(-1)!;
    // Before, the file was an invalid-path skip and the check passed.
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations.filter((a) => a.title?.startsWith('secret/')).map((a) => [a.path, a.start_line])).toEqual([[name, 1]]);
    expect(run.output.summary).toContain('deploy\\u0001\\u001b[2K.env');
    expect(run.output.summary).not.toMatch(/[\u0001\u001b]/);
    expect(JSON.stringify(double.requests.map((r) => r.body ?? ''))).not.toContain(TOKEN);
    double.assertNoViolations();
  });
});
