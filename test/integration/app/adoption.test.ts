/**
 * First contact and steady state, end to end: the real App over HTTP with signed deliveries of
 * real webhook payloads, against the GitHub API double. Onboarding PR instead of an issue storm,
 * config opt-outs, Re-run buttons, commands in PR comments, re-checks when the owners file changes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownersRechecksSettled } from '../../../src/app/index.js';
import { example, openedPullRequest, retarget, type RunningApp, startApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, NEW_SERVICE_ACCOUNT, OWNERS_FILE, RAW_SECRETS, REPO } from './fixtures.js';

/** The payments repository before anyone wrote an owners file. */
const { '.github/nhi-owners.yml': _owners, ...WITHOUT_OWNERS } = BASE_FILES;
const DOCS = 'acme/docs';

let double: GitHubDouble;
let app: RunningApp;

async function start(files: Record<string, string> = WITHOUT_OWNERS): Promise<void> {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [
        { repo: REPO, files, installationId: 1, collaborators: { jdoe: 'write', alice: 'admin', outsider: 'read' } },
        { repo: DOCS, files: { 'README.md': '# docs\n' }, installationId: 1 },
      ],
      orgs: { acme: { members: ['jdoe', 'alice'], teams: { payments: ['alice'] } } },
    },
  });
  app = await startApp(double);
}

afterEach(async () => {
  await app?.close();
  await double?.close();
});

function managedIssues(repo = REPO) {
  return [...double.state.repo(repo).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
}

function botPulls() {
  return double.state.pulls(REPO).filter((p) => p.pull?.head.startsWith('nhi-steward/'));
}

function fileAt(sha: string, path: string): string | undefined {
  const git = double.state.repo(REPO).git;
  const entry = git.flatten((git.get(sha, 'commit') as any).tree).get(path);
  return entry ? ((git.get(entry.sha, 'blob') as any).content as Buffer).toString('utf8') : undefined;
}

function branchSha(branch: string): string {
  return double.state.repo(REPO).git.refs.get(`refs/heads/${branch}`)!;
}

async function install(): Promise<void> {
  const payload = example('installation', 'created');
  payload.installation = { ...payload.installation, id: 1, account: { ...payload.installation.account, login: 'acme', type: 'Organization' } };
  payload.repositories = [{ id: double.state.repo(REPO).id, name: 'payments', full_name: REPO, private: false, node_id: 'R_1' }];
  const scans = completedScans();
  const response = await app.deliver('installation', payload);
  // Probot answers 202 when handling takes longer than GitHub's delivery timeout: wait for both scans.
  expect([200, 202]).toContain(response.status);
  await waitFor(() => completedScans() >= scans + 2, 80_000);
}

function completedScans(): number {
  return app.logs.filter((line) => line.includes('full scan completed')).length;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function openPull(branch: string, files: Record<string, string | null>, user = 'jdoe'): { number: number; payload: any } {
  return openedPullRequest(double, REPO, { branch, files, user });
}

function runsFor(sha: string) {
  return [...double.state.repo(REPO).checkRuns.values()].filter((r) => r.head_sha === sha);
}

function prComment(number: number, login: string, body: string): any {
  const repo = double.state.repo(REPO);
  const id = double.state.nextId();
  repo.comments.set(id, { id, issue: number, body, user: login, created_at: double.state.now(), updated_at: double.state.now() });
  const payload = retarget(example('issue_comment', 'created'), double, REPO);
  const issue = repo.issues.get(number)!;
  payload.issue = { ...payload.issue, number, body: issue.body, labels: [], pull_request: { url: `${double.url}/repos/${REPO}/pulls/${number}` } };
  payload.comment = { ...payload.comment, id, body, user: { ...payload.comment.user, login, type: 'User' } };
  return payload;
}

function assertNoLeak(): void {
  const outgoing = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n') + app.logs.join('\n');
  for (const secret of RAW_SECRETS) expect(outgoing.includes(secret)).toBe(false);
}

describe('first contact: onboarding, not an issue storm', { timeout: 180_000 }, () => {
  beforeEach(() => start({ ...WITHOUT_OWNERS, 'src/config.js': CONFIG_WITH_SECRET }));

  it('opens ONE onboarding PR with the owners file, no gap issue and no dashboard; secrets still get their issue', async () => {
    await install();
    const pulls = botPulls();
    expect(pulls.map((p) => p.pull!.head)).toEqual(['nhi-steward/onboarding']);
    expect(pulls[0].title).toBe('Configure nhi-steward: name an owner for each non-human identity');
    expect(pulls[0].body).toMatch(/found \*\*3 non-human identities\*\*/);
    expect(pulls[0].body).toContain('replace each `@TODO`');
    const owners = fileAt(branchSha('nhi-steward/onboarding'), '.github/nhi-owners.yml');
    expect(owners).toContain('identities:');
    expect(owners).toContain('@TODO');
    expect(owners).toMatch(/kubernetes/);
    expect(owners).toMatch(/terraform/);
    // Only the secret is an issue: no rotation issue, no dashboard, nothing in the repository without NHIs.
    expect(managedIssues().map((i) => i.title)).toEqual(['Embedded secret (github-classic-pat) in src/config.js']);
    expect(managedIssues(DOCS)).toEqual([]);
    expect(double.state.pulls(DOCS)).toEqual([]);

    // Redelivered installation (or a later one): still one onboarding PR.
    await install();
    expect(botPulls()).toHaveLength(1);
    double.assertNoViolations();
    assertNoLeak();
  });

  it('a closed onboarding PR is not opened again; once the owners file is merged, gap issues and the dashboard start', async () => {
    await install();
    const [onboarding] = botPulls();
    double.state.repo(REPO).issues.get(onboarding.number)!.state = 'closed';
    await install();
    expect(botPulls()).toHaveLength(1);

    double.state.push(REPO, { files: { '.github/nhi-owners.yml': OWNERS_FILE } });
    await app.scheduler.tick();
    const titles = managedIssues().map((i) => i.title).sort();
    expect(titles).toEqual(['Credential without a rotation policy: terraform:aws_iam_access_key/infra/ci_bot', 'Embedded secret (github-classic-pat) in src/config.js', 'NHI inventory']);
    double.assertNoViolations();
  });
});

describe('first contact with a CODEOWNERS file', { timeout: 180_000 }, () => {
  it('pre-fills the onboarding owners file from CODEOWNERS, each owner marked as a suggestion', async () => {
    await start({ ...WITHOUT_OWNERS, '.github/CODEOWNERS': '* @acme/fallback\n/infra/ @acme/platform\n' });
    await install();
    const [pull] = botPulls();
    expect(pull.body).toContain('unless CODEOWNERS names one');
    const owners = fileAt(branchSha('nhi-steward/onboarding'), '.github/nhi-owners.yml');
    // The Terraform NHIs live under infra/: CODEOWNERS' last matching rule names @acme/platform.
    expect(owners).toMatch(/owner: "@acme\/platform" {3}# SUGGESTION from /);
    // The Kubernetes NHIs live elsewhere: only the catch-all rule covers them.
    expect(owners).toMatch(/owner: "@acme\/fallback" {3}# SUGGESTION from /);
    double.assertNoViolations();
  });
});

describe('config opt-outs and levels (.github/nhi-steward.yml)', { timeout: 180_000 }, () => {
  it('issues.enabled: true opens gap issues without an owners file; false opens none', async () => {
    await start({ ...WITHOUT_OWNERS, '.github/nhi-steward.yml': 'issues:\n  enabled: true\n' });
    await app.scheduler.tick();
    expect(managedIssues().map((i) => i.title)).toContain('Credential without a rotation policy: terraform:aws_iam_access_key/infra/ci_bot');
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'issues:\n  enabled: false\n', 'src/config.js': CONFIG_WITH_SECRET } });
    const before = managedIssues().length;
    await app.scheduler.tick();
    expect(managedIssues()).toHaveLength(before);
    expect(managedIssues().some((i) => i.title.startsWith('Embedded secret'))).toBe(false);
    double.assertNoViolations();
  });

  it('issues.min-level, dashboard: false and per-rule levels', async () => {
    await start({ ...BASE_FILES, 'src/config.js': CONFIG_WITH_SECRET, '.github/nhi-steward.yml': 'issues:\n  min-level: error\ndashboard: false\n' });
    await app.scheduler.tick();
    // The rotation gap is a warning: below min-level. The secret is an error.
    expect(managedIssues().map((i) => i.title)).toEqual(['Embedded secret (github-classic-pat) in src/config.js']);

    // Per-rule level: no-rotation raised to error gets its issue; dashboard back on.
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'issues:\n  min-level: error\nrules:\n  credential/no-rotation: error\n' } });
    await app.scheduler.tick();
    expect(managedIssues().map((i) => i.title).sort()).toEqual(['Credential without a rotation policy: terraform:aws_iam_access_key/infra/ci_bot', 'Embedded secret (github-classic-pat) in src/config.js', 'NHI inventory']);

    // ...and `off` drops the rule: its issue is closed as fixed; dashboard: false closes the dashboard.
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'rules:\n  credential/no-rotation: off\ndashboard: false\n' } });
    await app.scheduler.tick();
    const open = managedIssues().filter((i) => i.state === 'open').map((i) => i.title);
    expect(open).toEqual(['Embedded secret (github-classic-pat) in src/config.js']);
    double.assertNoViolations();
  });

  it('no dashboard for a repository with nothing to list', async () => {
    await start(BASE_FILES);
    // Issues switched on, so only the empty inventory keeps the dashboard away.
    double.state.push(DOCS, { files: { '.github/nhi-steward.yml': 'issues:\n  enabled: true\n' } });
    await app.scheduler.tick();
    expect(managedIssues(DOCS)).toEqual([]);
    expect(managedIssues().map((i) => i.title)).toContain('NHI inventory');
  });
});

describe('re-runs, PR-comment commands, owners-file changes', { timeout: 180_000 }, () => {
  beforeEach(() => start(BASE_FILES));

  it('check_run.rerequested and check_suite.rerequested (fork: no pull_requests listed) check the PR again', async () => {
    const { number, payload } = openPull('feature/billing', { 'k8s/billing.yaml': NEW_SERVICE_ACCOUNT });
    await app.deliver('pull_request', payload);
    const head = payload.pull_request.head.sha;
    expect(runsFor(head).map((r) => r.conclusion)).toEqual(['failure']);
    const analysed = () => double.calls('pulls/list-files').length;
    const first = analysed();

    const run = retarget(example('check_run', 'rerequested'), double, REPO);
    run.check_run = { ...run.check_run, head_sha: head, pull_requests: [{ number, head: { sha: head }, base: { sha: payload.pull_request.base.sha } }] };
    expect((await app.deliver('check_run', run)).status).toBe(200);
    expect(analysed()).toBe(first + 1);

    const suite = retarget(example('check_suite', 'rerequested'), double, REPO);
    suite.check_suite = { ...suite.check_suite, head_sha: head, pull_requests: [] };
    expect((await app.deliver('check_suite', suite)).status).toBe(200);
    expect(analysed()).toBe(first + 2);
    expect(double.calls('repos/list-pull-requests-associated-with-commit')).toHaveLength(1);
    expect(runsFor(head).every((r) => r.status === 'completed' && r.conclusion === 'failure')).toBe(true);

    // A re-run of a commit that is no longer the PR's head changes nothing.
    double.state.push(REPO, { branch: 'feature/billing', files: { 'README.md': '# v2\n' } });
    await app.deliver('check_suite', suite);
    expect(analysed()).toBe(first + 2);
    double.assertNoViolations();
  });

  it('`/nhi-steward owner @acme/payments` on a PR records the unowned NHIs in one owners PR; merging it re-checks the PR', async () => {
    const { number, payload } = openPull('feature/billing', { 'k8s/billing.yaml': NEW_SERVICE_ACCOUNT });
    await app.deliver('pull_request', payload);
    const head = payload.pull_request.head.sha;
    expect(runsFor(head).at(-1)?.conclusion).toBe('failure');

    // A comment without a command costs no analysis of the PR; a refused command none either.
    const listed = double.calls('pulls/list-files').length;
    await app.deliver('issue_comment', prComment(number, 'jdoe', 'LGTM once the owner is set'));
    // Same permission check as in issues.
    await app.deliver('issue_comment', prComment(number, 'outsider', '/nhi-steward owner @outsider'));
    expect(botPulls()).toEqual([]);
    expect(double.calls('pulls/list-files').length).toBe(listed);

    await app.deliver('issue_comment', prComment(number, 'jdoe', '/nhi-steward owner @acme/payments'));
    const [ownersPull] = botPulls();
    expect(ownersPull.title).toBe('nhi-steward: set the owner of kubernetes:ServiceAccount/payments/billing-worker to @acme/payments');
    const reply = [...double.state.repo(REPO).comments.values()].filter((c) => c.issue === number).at(-1);
    expect(reply?.body).toContain(`#${ownersPull.number}`);
    const edited = fileAt(branchSha(ownersPull.pull!.head), '.github/nhi-owners.yml');
    expect(edited).toContain(OWNERS_FILE.trimEnd().split('\n').slice(0, -1).join('\n'));
    expect(edited).toMatch(/- match: "?kubernetes:ServiceAccount\/payments\/billing-worker"?\n\s+owner: "?@acme\/payments"?/);

    // Nothing to record for rotation: the PR adds no credential.
    await app.deliver('issue_comment', prComment(number, 'jdoe', '/nhi-steward rotation 90d'));
    expect([...double.state.repo(REPO).comments.values()].filter((c) => c.issue === number).at(-1)?.body).toContain('found no credential without a rotation policy');

    // The owners PR is merged and pushed: open PRs are checked again (queued, off the webhook path).
    const checksBefore = double.calls('pulls/list-files').length;
    const mergeSha = double.state.mergePull(REPO, ownersPull.number);
    const push = retarget(example('push'), double, REPO);
    Object.assign(push, { ref: 'refs/heads/main', after: mergeSha, deleted: false, forced: false });
    push.commits = [{ ...push.commits[0], id: mergeSha, added: [], removed: [], modified: ['.github/nhi-owners.yml'] }];
    push.head_commit = push.commits[0];
    await app.deliver('push', push);
    await waitFor(() => app.logs.some((line) => line.includes('owners file changed: open pull requests re-checked')), 80_000);
    await ownersRechecksSettled();
    expect(double.calls('pulls/list-files').length).toBeGreaterThan(checksBefore);
    expect(runsFor(head).length).toBeGreaterThanOrEqual(1);
    expect(app.logs.join('\n')).toContain('owners file changed: open pull requests re-checked');
    double.assertNoViolations();
  });
});
