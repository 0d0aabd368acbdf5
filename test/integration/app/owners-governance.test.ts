/**
 * An owners-file edit in a pull request is governed (docs/security.md): a PR that adds a catch-all
 * entry covering its own new NHI must say, in the check, which existing NHIs it hands to a new
 * owner, and ask their current owners to review.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openedPullRequest, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, NEW_SERVICE_ACCOUNT, OWNERS_FILE, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write', alice: 'admin', mallory: 'write' } }],
      orgs: { acme: { members: ['jdoe', 'alice', 'mallory'], teams: { payments: ['alice'], intruders: ['mallory'] } } },
    },
  });
  app = await startApp(double);
});
afterEach(async () => {
  await app?.close();
  await double?.close();
});

function openPull(branch: string, files: Record<string, string>, user: string): { number: number; payload: any } {
  return openedPullRequest(double, REPO, { branch, files, user });
}

describe('owners-file changes in a pull request', () => {
  it('a catch-all entry is listed in the check with every existing NHI it reassigns, and their owners are asked to review', async () => {
    const owners = `${OWNERS_FILE}  - match: "**"\n    owner: "@acme/intruders"\n`;
    const { number, payload } = openPull('feature/worker', { 'k8s/worker.yaml': NEW_SERVICE_ACCOUNT, '.github/nhi-owners.yml': owners }, 'mallory');
    expect((await app.deliver('pull_request', payload)).status).toBe(200);
    const run = [...double.state.repo(REPO).checkRuns.values()].at(-1)!;
    const text = JSON.stringify(run);
    expect(text).toContain('owners/reassigned');
    expect(text).toContain('kubernetes:ServiceAccount/payments/payments-api');
    expect(text).toContain('terraform:aws_iam_access_key/infra/ci_bot');
    // Its own new NHI is not "reassigned": the PR adds it.
    expect(text).not.toMatch(/billing-worker: owner/);
    const pull = double.state.repo(REPO).issues.get(number)!.pull!;
    expect(pull.requestedTeams).toEqual(['payments']);
    expect(pull.requestedReviewers).toEqual(['jdoe']);
    double.assertNoViolations();
  });

  it('an entry for only its own new NHI reassigns nothing', async () => {
    const owners = `${OWNERS_FILE}  - match: "kubernetes:ServiceAccount/payments/billing-worker"\n    owner: "@acme/intruders"\n`;
    const { number, payload } = openPull('feature/worker2', { 'k8s/worker.yaml': NEW_SERVICE_ACCOUNT, '.github/nhi-owners.yml': owners }, 'mallory');
    await app.deliver('pull_request', payload);
    const run = [...double.state.repo(REPO).checkRuns.values()].at(-1)!;
    expect(JSON.stringify(run)).not.toContain('owners/reassigned');
    const pull = double.state.repo(REPO).issues.get(number)!.pull!;
    expect(pull.requestedTeams ?? []).toEqual([]);
    double.assertNoViolations();
  });
});
