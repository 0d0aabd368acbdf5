/**
 * A PR from a fork is checked read-only: the check runs, but nobody is asked to review. The same
 * change from a branch of the repository does ask the owner (the control), so the test fails when
 * the fork test is dropped (kills the `readOnly: false` mutation in src/app/index.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write', alice: 'admin', outsider: 'read' } }],
      orgs: { acme: { members: ['jdoe', 'alice'], teams: { payments: ['alice'] } } },
    },
  });
  app = await startApp(double);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
});

/** The ServiceAccount gets a cloud role and cluster-admin: its owner (@acme/payments) must review. */
const CHANGED = BASE_FILES['k8s/api.yaml'].replace('  namespace: payments\n---', '  namespace: payments\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/payments-api\n---');
const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
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

function pull(branch: string, user: string, fromFork: boolean) {
  const head = double.state.push(REPO, { branch, files: { 'k8s/api.yaml': CHANGED, 'k8s/rbac.yaml': BINDING }, author: user });
  const issue = double.state.openPull(REPO, { head: branch, title: `Change ${branch}`, user });
  const payload = retarget(example('pull_request', 'opened'), double, REPO);
  const fork = { ...payload.repository, id: 999, full_name: `${user}/payments`, name: 'payments', owner: { ...payload.repository.owner, login: user, type: 'User' }, fork: true };
  payload.number = issue.number;
  payload.pull_request = {
    ...payload.pull_request,
    number: issue.number,
    user: { ...payload.pull_request.user, login: user },
    head: { ...payload.pull_request.head, sha: head, ref: branch, repo: fromFork ? fork : payload.repository },
    base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, ref: 'main', repo: payload.repository },
  };
  return { number: issue.number, payload };
}

describe('fork PRs are read-only', () => {
  it('the same change asks @acme/payments from a branch, and nobody from a fork', async () => {
    const inside = pull('feature/api-admin', 'jdoe', false);
    await app.deliver('pull_request', inside.payload);
    expect(double.state.repo(REPO).issues.get(inside.number)!.pull!.requestedTeams).toEqual(['payments']);

    const fork = pull('fork/api-admin', 'outsider', true);
    const before = double.calls('pulls/request-reviewers').length;
    await app.deliver('pull_request', fork.payload);
    const runs = [...double.state.repo(REPO).checkRuns.values()];
    expect(runs.map((r) => [r.status, r.conclusion === null])).toEqual([
      ['completed', false],
      ['completed', false],
    ]);
    expect(double.state.repo(REPO).issues.get(fork.number)!.pull!.requestedTeams ?? []).toEqual([]);
    expect(double.calls('pulls/request-reviewers')).toHaveLength(before);
    double.assertNoViolations();
  });
});
