import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { example, openedPullRequest, retarget, type RunningApp, startApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { fakeGitHubToken } from '../../support/tokens.js';
import { BASE_FILES, CONFIG_WITH_SECRET, NEW_SERVICE_ACCOUNT, OWNERS_FILE, RAW_SECRETS, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write', alice: 'admin', outsider: 'read' } }],
      orgs: { acme: { members: ['jdoe', 'alice', 'octocat'], teams: { payments: ['alice'] } } },
    },
  });
  app = await startApp(double);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
});

/** Everything the app sent out and logged: no raw fixture secret may appear in any of it. */
function assertNoLeak(): void {
  const outgoing = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
  const logged = app.logs.join('\n');
  for (const secret of RAW_SECRETS) {
    expect(outgoing.includes(secret), 'a raw secret was sent to GitHub').toBe(false);
    expect(logged.includes(secret), 'a raw secret was logged').toBe(false);
  }
}

function openPull(branch: string, files: Record<string, string | null>, user = 'jdoe'): { number: number; payload: any } {
  return openedPullRequest(double, REPO, { branch, files, user });
}

function checkRuns() {
  return [...double.state.repo(REPO).checkRuns.values()];
}

function managedIssues() {
  return [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
}

/** A person posts a comment on an issue: it exists in GitHub's state, then the webhook arrives. */
function commentPayload(issue: { number: number; body: string | null }, login: string, body: string): any {
  const repo = double.state.repo(REPO);
  const id = double.state.nextId();
  repo.comments.set(id, { id, issue: issue.number, body, user: login, created_at: double.state.now(), updated_at: double.state.now() });
  const payload = retarget(example('issue_comment', 'created'), double, REPO);
  payload.issue = { ...payload.issue, number: issue.number, body: issue.body, labels: [{ name: 'nhi-steward' }] };
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, id, body, user: { ...payload.comment.user, login, type: 'User' } };
  return payload;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function scheduledScan(): Promise<void> {
  await app.scheduler.tick();
}

describe('the App over real HTTP', () => {
  it('1. fails a PR that adds a secret and an unowned ServiceAccount, with exact annotations', async () => {
    const { payload } = openPull('feature/billing', { 'k8s/billing.yaml': NEW_SERVICE_ACCOUNT, 'src/config.js': CONFIG_WITH_SECRET });
    const response = await app.deliver('pull_request', payload);
    expect(response.status).toBe(200);
    const [run] = checkRuns();
    expect(checkRuns()).toHaveLength(1);
    expect(run).toMatchObject({ name: 'NHI hygiene', status: 'completed', conclusion: 'failure' });
    expect(run.annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title])).toEqual([
      ['k8s/billing.yaml', 1, 'failure', 'identity/unowned'],
      ['src/config.js', 3, 'failure', 'secret/github-classic-pat'],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(run.output.summary).toContain('billing-worker');
    expect(run.output.summary).toContain('kubernetes:ServiceAccount/payments/billing-worker');
    // Only the files of the PR were fetched: the file list, the owners file and the IaC file at head.
    expect(double.calls('repos/download-tarball-archive')).toHaveLength(0);
    double.assertNoViolations();
    assertNoLeak();
  });

  // 1d: a CODEOWNERS on the default branch only is read by the check (the PR does not carry it).
  it.each([
    ['1c. the snippet for an unowned NHI suggests the CODEOWNERS owner of its file (CODEOWNERS in the PR)', true],
    ["1d. the same, from the repository's CODEOWNERS when the PR does not touch it", false],
  ])('%s', async (_name, inPull) => {
    const codeowners = { '.github/CODEOWNERS': '*  @acme/platform\nk8s/  @acme/sre\n' };
    if (!inPull) double.state.push(REPO, { files: codeowners });
    const { payload } = openPull(`feature/billing-codeowners-${inPull}`, { 'k8s/billing.yaml': NEW_SERVICE_ACCOUNT, ...(inPull ? codeowners : {}) });
    await app.deliver('pull_request', payload);
    const run = checkRuns().at(-1)!;
    const annotation = run.annotations.find((a) => a.title === 'identity/unowned')!;
    expect(annotation.message).toContain('(.github/CODEOWNERS gives k8s/billing.yaml to @acme/sre)');
    expect(run.output.summary).toContain('owner: "@acme/sre"   # suggested by .github/CODEOWNERS:2: confirm');
    double.assertNoViolations();
  });

  it('2. passes a PR that adds the NHI together with its owners entry', async () => {
    const owners = `${OWNERS_FILE}  - match: "kubernetes:ServiceAccount/payments/billing-worker"\n    owner: "@acme/payments"\n`;
    const { payload } = openPull('feature/billing-owned', { 'k8s/billing.yaml': NEW_SERVICE_ACCOUNT, '.github/nhi-owners.yml': owners });
    await app.deliver('pull_request', payload);
    const [run] = checkRuns();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.annotations.filter((a) => a.annotation_level === 'failure')).toEqual([]);
    double.assertNoViolations();
  });

  it('2a. reads the file list while the settings load, and downloads while the owners file loads; the verdict is unchanged', async () => {
    const owners = `${OWNERS_FILE}  - match: "kubernetes:ServiceAccount/payments/billing-worker"\n    owner: "@acme/payments"\n`;
    const { payload } = openPull('feature/billing-owned-slow', { 'k8s/billing.yaml': NEW_SERVICE_ACCOUNT, '.github/nhi-owners.yml': owners });
    // Slow answers for the configuration and for the owners file at the PR's head.
    double.inject({ method: 'GET', path: /\/contents\/\.github(%2F|\/)nhi-steward\.yml$/i, delayMs: 400, times: Infinity });
    double.inject({ method: 'GET', path: /\/contents\/\.github(%2F|\/)nhi-owners\.yml$/i, delayMs: 600, times: Infinity });
    const pending = (test: (r: (typeof double.requests)[number]) => boolean) => double.requests.some((r) => r.status === undefined && test(r));
    let listedWhileConfiguring = false;
    let downloadedWhileOwners = false;
    const sampler = setInterval(() => {
      const configuring = pending((r) => /nhi-steward\.yml$/i.test(decodeURIComponent(r.path)));
      if (configuring && double.calls('pulls/list-files').length > 0) listedWhileConfiguring = true;
      const ownersLoading = pending((r) => /nhi-owners\.yml$/i.test(decodeURIComponent(r.path)) && r.query.ref === payload.pull_request.head.sha);
      if (ownersLoading && double.requests.some((r) => decodeURIComponent(r.path).endsWith('k8s/billing.yaml') && r.query.ref === payload.pull_request.head.sha)) downloadedWhileOwners = true;
    }, 5);
    try {
      await app.deliver('pull_request', payload);
    } finally {
      clearInterval(sampler);
    }
    expect(listedWhileConfiguring).toBe(true);
    expect(downloadedWhileOwners).toBe(true);
    const run = checkRuns().at(-1)!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.annotations.filter((a) => a.annotation_level === 'failure')).toEqual([]);
    double.assertNoViolations();
  });

  it('2b. asks the owner to review a PR that changes an existing NHI', async () => {
    const changed = BASE_FILES['k8s/api.yaml'].replace('  namespace: payments\n---', '  namespace: payments\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/payments-api\n---');
    const binding = `apiVersion: rbac.authorization.k8s.io/v1
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
    const { number, payload } = openPull('feature/api-admin', { 'k8s/api.yaml': changed, 'k8s/rbac.yaml': binding });
    await app.deliver('pull_request', payload);
    const pull = double.state.repo(REPO).issues.get(number)!.pull!;
    expect(pull.requestedTeams).toEqual(['payments']);
    expect(pull.requestedReviewers).toEqual([]);
    double.assertNoViolations();
  });

  it('2d. checks a PR from a fork read-only, and on ready_for_review', async () => {
    const changed = BASE_FILES['k8s/api.yaml'].replace('  namespace: payments\n---', '  namespace: payments\n  labels:\n    tier: gold\n---');
    const { number, payload } = openPull('fork/api', { 'k8s/api.yaml': changed, 'src/config.js': CONFIG_WITH_SECRET }, 'outsider');
    const fork = { ...payload.repository, id: 999, full_name: 'outsider/payments', name: 'payments', owner: { ...payload.repository.owner, login: 'outsider', type: 'User' }, fork: true };
    payload.pull_request.head = { ...payload.pull_request.head, repo: fork, label: 'outsider:fork/api' };
    const ready = structuredClone(payload);
    ready.action = 'ready_for_review';
    expect(ready.pull_request.number).toBe(number);
    await app.deliver('pull_request', ready);
    const runs = checkRuns();
    expect(runs.map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']]);
    expect(runs[0].annotations.map((a) => a.title)).toContain('secret/github-classic-pat');
    // Read-only: the owner of the changed ServiceAccount is not asked to review a fork's PR.
    expect(double.state.repo(REPO).issues.get(number)!.pull!.requestedTeams).toEqual([]);
    expect(double.calls('pulls/request-reviewers')).toHaveLength(0);
    double.assertNoViolations();
  });

  it('1b. sends annotations in batches of 50', async () => {
    const tokens = Array.from({ length: 61 }, (_, i) => fakeGitHubToken(i));
    const file = tokens.map((t, i) => `export const token${i} = '${t}';`).join('\n') + '\n';
    const { payload } = openPull('feature/many', { 'src/tokens.ts': file });
    await app.deliver('pull_request', payload);
    const [run] = checkRuns();
    expect(run.annotations).toHaveLength(61);
    expect(run.annotationBatches).toEqual([50, 11]);
    expect(run.annotations.map((a) => a.start_line)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    for (const token of tokens) expect(sent.includes(token)).toBe(false);
    double.assertNoViolations();
  });

  it('2c. reports an invalid config on the check run, with its line, instead of throwing', async () => {
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'fail-on: error\npaths-ignroe:\n  - vendor/**\n' } });
    const { payload } = openPull('feature/config', { 'src/config.js': CONFIG_WITH_SECRET });
    await app.deliver('pull_request', payload);
    const [run] = checkRuns();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const config = run.annotations.filter((a) => a.path === '.github/nhi-steward.yml');
    expect(config).toHaveLength(1);
    expect(config[0]).toMatchObject({ start_line: 2, annotation_level: 'failure', title: 'config/invalid' });
    expect(config[0].message).toContain('paths-ignore');
    double.assertNoViolations();
  });

  it('2e. takes organisation-wide defaults from the .github repository', async () => {
    double.state.addRepo({ repo: 'acme/.github', files: { '.github/nhi-steward.yml': 'fail-on: warning\n' }, installationId: 1 });
    // The new access key has an owner but no rotation: a warning, and the long-lived-key notice.
    const { payload } = openPull('feature/warn-only', { 'infra/extra.tf': 'resource "aws_iam_access_key" "extra" {\n  user = aws_iam_user.ci_bot.name\n}\n' });
    const owners = OWNERS_FILE + '  - match: "terraform:aws_iam_access_key/infra/extra"\n    owner: "@jdoe"\n';
    double.state.push(REPO, { branch: 'feature/warn-only', files: { '.github/nhi-owners.yml': owners } });
    payload.pull_request.head.sha = double.state.repo(REPO).git.refs.get('refs/heads/feature/warn-only');
    await app.deliver('pull_request', payload);
    const [run] = checkRuns();
    expect(run.annotations.map((a) => [a.title, a.annotation_level]).sort()).toEqual([['credential/long-lived-key', 'notice'], ['credential/no-rotation', 'warning']]);
    // With the organisation's fail-on: warning, a warning fails the check.
    expect(run.conclusion).toBe('failure');
    double.assertNoViolations();
  });

  it('3. a scheduled scan opens rotation issues and the pinned dashboard', async () => {
    await scheduledScan();
    const issues = managedIssues();
    const rotation = issues.filter((i) => i.title.startsWith('Credential without a rotation policy'));
    expect(rotation.map((i) => i.title)).toEqual(['Credential without a rotation policy: terraform:aws_iam_access_key/infra/ci_bot']);
    expect(rotation[0].body).toContain('<!-- nhi-steward:fp=');
    expect(rotation[0].body).toContain('infra/iam.tf');
    // assignees-from-owner: the credential's owner is a user, so the issue is theirs.
    expect(rotation[0].assignees).toEqual(['jdoe']);
    expect(rotation[0].body).toContain('@jdoe');
    const dashboard = issues.filter((i) => i.title === 'NHI inventory');
    expect(dashboard).toHaveLength(1);
    expect(dashboard[0].pinned).toBe(true);
    expect(dashboard[0].body).toContain('```mermaid');
    expect(dashboard[0].body).toContain('kubernetes:ServiceAccount/payments/payments-api');
    expect(dashboard[0].body).toContain(`#${rotation[0].number}`);
    // A second scan changes nothing.
    const before = double.requests.length;
    await scheduledScan();
    const writes = double.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes).toEqual([]);
    double.assertNoViolations();
  });

  it('3b. honours each repository\'s own schedule between rounds', async () => {
    await app.close();
    app = await startApp(double, { respectSchedule: true });
    await scheduledScan();
    expect(double.calls('repos/download-tarball-archive')).toHaveLength(1);
    // A round an hour later: the default 24 h schedule has not elapsed, so nothing is downloaded.
    await scheduledScan();
    expect(double.calls('repos/download-tarball-archive')).toHaveLength(1);
    double.assertNoViolations();
  });

  it('4. `/nhi-steward rotation 90d` opens an owners-file PR; merging it and pushing closes the issue', async () => {
    await scheduledScan();
    const [issue] = managedIssues().filter((i) => i.title.startsWith('Credential without'));
    await app.deliver('issue_comment', commentPayload(issue, 'jdoe', '/nhi-steward rotation 90d'));

    const pulls = double.state.pulls(REPO).filter((p) => p.pull?.head.startsWith('nhi-steward/'));
    expect(pulls).toHaveLength(1);
    const reply = [...double.state.repo(REPO).comments.values()].filter((c) => c.issue === issue.number).at(-1);
    expect(reply?.body).toContain(`#${pulls[0].number}`);
    expect(double.state.repo(REPO).reactions.map((r) => r.content)).toContain('+1');

    const mergeSha = double.state.mergePull(REPO, pulls[0].number);
    const git = double.state.repo(REPO).git;
    const entry = git.flatten((git.get(mergeSha, 'commit') as any).tree).get('.github/nhi-owners.yml');
    const owners = entry ? (git.get(entry.sha, 'blob') as any).content as Buffer : undefined;
    expect(owners?.toString()).toContain(OWNERS_FILE.trimEnd().split('\n').slice(0, -1).join('\n'));
    expect(owners?.toString()).toMatch(/- match: "?terraform:aws_iam_access_key\/infra\/ci_bot"?\n\s+owner: "?@jdoe"?\n\s+rotation: 90d/);

    const push = retarget(example('push'), double, REPO);
    Object.assign(push, { ref: 'refs/heads/main', after: mergeSha, deleted: false, forced: false });
    await app.deliver('push', push);
    const after = double.state.repo(REPO).issues.get(issue.number)!;
    expect(after).toMatchObject({ state: 'closed', state_reason: 'completed' });
    double.assertNoViolations();
  });

  it('5. a redelivered webhook and two concurrent deliveries leave one issue each', async () => {
    const push = retarget(example('push'), double, REPO);
    const sha = double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET } });
    Object.assign(push, { ref: 'refs/heads/main', after: sha, deleted: false });
    await app.deliver('push', push, 'delivery-1');
    await app.deliver('push', push, 'delivery-1');
    await Promise.all([app.deliver('push', push, 'delivery-2'), app.deliver('push', push, 'delivery-3')]);
    const titles = managedIssues().map((i) => i.title).sort();
    expect(titles).toEqual([...new Set(titles)]);
    expect(titles.filter((t) => t.startsWith('Embedded secret'))).toHaveLength(1);
    double.assertNoViolations();
    assertNoLeak();
  });

  it('6. under injected 500s and rate limits the check completes and no issue is duplicated', { timeout: 90_000 }, async () => {
    const faults = [
      double.inject({ method: 'POST', path: '/repos/{owner}/{repo}/check-runs', status: 500, times: 1 }),
      double.inject({ method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}/files', status: 403, retryAfter: 1, times: 1 }),
      double.inject({ method: 'POST', path: '/repos/{owner}/{repo}/issues', status: 429, retryAfter: 1, times: 1 }),
      double.inject({ method: 'PATCH', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}', status: 502, times: 1 }),
    ];
    const { payload } = openPull('feature/flaky', { 'src/config.js': CONFIG_WITH_SECRET });
    const response = await app.deliver('pull_request', payload);
    // Retries can outlast the webhook's response window (Probot answers 202 and carries on).
    expect([200, 202]).toContain(response.status);
    await waitFor(() => checkRuns().every((r) => r.status === 'completed') && checkRuns().length > 0, 30_000);
    expect(checkRuns().map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']]);
    // A quick check creates its run completed, in one write; the redelivered event updates that
    // run (the PATCH that gets the 502) instead of opening a second one.
    expect([200, 202]).toContain((await app.deliver('pull_request', payload)).status);
    await waitFor(() => double.calls('checks/update').some((r) => r.status === 200), 30_000);
    expect(checkRuns().map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']]);
    await scheduledScan();
    await scheduledScan();
    const titles = managedIssues().map((i) => i.title);
    expect(titles.length).toBeGreaterThan(0);
    expect(titles).toEqual([...new Set(titles)]);
    // Every fault was served: the retries above were exercised, not skipped.
    expect(faults.map((f) => [f.method, f.path, f.hits])).toEqual(faults.map((f) => [f.method, f.path, 1]));
    double.assertNoViolations();
  });

  it('6b. a check never stays in progress after an internal error', async () => {
    double.inject({ method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}/files', status: 403, times: 5 });
    const { payload } = openPull('feature/forbidden', { 'src/config.js': CONFIG_WITH_SECRET });
    await app.deliver('pull_request', payload);
    await waitFor(() => checkRuns().length > 0 && checkRuns().every((r) => r.status === 'completed'), 30_000);
    const [run] = checkRuns();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.output.title).toBe('nhi-steward could not complete the check');
    double.assertNoViolations();
    assertNoLeak();
  });

  it('7. refuses a command from a user without write access, with a reaction and a reply', async () => {
    await scheduledScan();
    const [issue] = managedIssues().filter((i) => i.title.startsWith('Credential without'));
    await app.deliver('issue_comment', commentPayload(issue, 'outsider', '/nhi-steward owner @outsider'));
    expect(double.state.pulls(REPO).filter((p) => p.pull?.head.startsWith('nhi-steward/'))).toEqual([]);
    expect(double.state.repo(REPO).reactions.map((r) => r.content)).toEqual(['-1']);
    const reply = [...double.state.repo(REPO).comments.values()].at(-1);
    expect(reply?.body).toContain('need write access');
    double.assertNoViolations();
  });

  it('8. organization.member_removed opens owners/orphaned issues for what the member owned', async () => {
    double.state.removeOrgMember('acme', 'jdoe');
    const payload = retarget(example('organization', 'member_added'), double, REPO);
    payload.action = 'member_removed';
    payload.membership = { ...payload.membership, user: { ...payload.membership.user, login: 'jdoe' } };
    payload.organization = { ...payload.organization, login: 'acme' };
    delete payload.repository;
    await app.deliver('organization', payload);
    const orphaned = managedIssues().filter((i) => i.title.startsWith('Orphaned NHI'));
    expect(orphaned.map((i) => i.title).sort()).toEqual(['Orphaned NHI: terraform:aws_iam_access_key/infra/ci_bot', 'Orphaned NHI: terraform:aws_iam_user/infra/ci_bot']);
    expect(orphaned[0].body).toContain('@jdoe');
    double.assertNoViolations();
  });
});
