/**
 * Accepting a secret finding from the App's own issue (docs/security.md, "Accepting a finding from
 * an issue"): the issue shows the `.nhi-stewardignore` lines the App honours, and
 * `/nhi-steward ignore "<reason>" until DATE` opens a pull request adding them. Once merged, the next
 * scan closes the issue. Through the real App over HTTP and the GitHub double.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, GITHUB_TOKEN, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: { ...BASE_FILES, 'src/config.js': CONFIG_WITH_SECRET }, installationId: 1, collaborators: { jdoe: 'write', outsider: 'read' } }],
      orgs: { acme: { members: ['jdoe'] } },
    },
  });
  app = await startApp(double);
});
afterEach(async () => {
  await app?.close();
  await double?.close();
});

function comment(issue: { number: number; body: string | null }, login: string, body: string): any {
  const repo = double.state.repo(REPO);
  const id = double.state.nextId();
  repo.comments.set(id, { id, issue: issue.number, body, user: login, created_at: double.state.now(), updated_at: double.state.now() });
  const payload = retarget(example('issue_comment', 'created'), double, REPO);
  payload.issue = { ...payload.issue, number: issue.number, body: issue.body, labels: [{ name: 'nhi-steward' }] };
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, id, body, user: { ...payload.comment.user, login, type: 'User' } };
  return payload;
}

const secretIssue = () => [...double.state.repo(REPO).issues.values()].find((i) => !i.pull && i.title.startsWith('Embedded secret'));
const fileAt = (sha: string, path: string): string | undefined => {
  const git = double.state.repo(REPO).git;
  const entry = git.flatten((git.get(sha, 'commit') as any).tree).get(path);
  return entry ? ((git.get(entry.sha, 'blob') as any).content as Buffer).toString() : undefined;
};

describe('accepting a secret finding from its issue', () => {
  it('the issue shows the ignore line; `/nhi-steward ignore` opens a PR adding it; once merged the issue closes', { timeout: 90_000 }, async () => {
    await app.scheduler.tick();
    const issue = secretIssue()!;
    expect(issue.state).toBe('open');
    const lines = [...(issue.body ?? '').matchAll(/^([0-9a-f]{64}) secret\/github-classic-pat # REASON$/gm)];
    expect(lines).toHaveLength(1);
    const fingerprint = lines[0][1];
    expect(issue.body).toContain('/nhi-steward ignore');
    expect(issue.body).not.toContain(GITHUB_TOKEN);

    // A read-only user cannot accept it.
    await app.deliver('issue_comment', comment(issue, 'outsider', '/nhi-steward ignore "not a real token"'));
    expect(double.state.pulls(REPO)).toEqual([]);

    await app.deliver('issue_comment', comment(issue, 'jdoe', '/nhi-steward ignore "test fixture, revoked" until 2099-01-31'));
    const pulls = double.state.pulls(REPO).filter((p) => p.pull?.head === `nhi-steward/issue-${issue.number}`);
    expect(pulls).toHaveLength(1);
    const branchSha = double.state.repo(REPO).git.refs.get(`refs/heads/nhi-steward/issue-${issue.number}`)!;
    const ignore = fileAt(branchSha, '.nhi-stewardignore')!;
    expect(ignore).toBe(`${fingerprint} secret/github-classic-pat expires=2099-01-31 # test fixture, revoked (accepted by @jdoe in #${issue.number})\n`);
    const replies = [...double.state.repo(REPO).comments.values()].filter((c) => c.issue === issue.number && c.user === 'nhi-steward[bot]').map((c) => c.body);
    expect(replies.some((r) => r.includes(`#${pulls[0].number}`))).toBe(true);

    // Merged: the next full scan no longer reports the secret, and closes the issue.
    double.state.mergePull(REPO, pulls[0].number);
    await app.scheduler.tick();
    expect(double.state.repo(REPO).issues.get(issue.number)!.state).toBe('closed');
    double.assertNoViolations();
  });

  it('refuses `ignore` on an issue that is not about secrets, and a malformed one', { timeout: 60_000 }, async () => {
    await app.scheduler.tick();
    const rotation = [...double.state.repo(REPO).issues.values()].find((i) => !i.pull && i.title.startsWith('Credential without'))!;
    await app.deliver('issue_comment', comment(rotation, 'jdoe', '/nhi-steward ignore "fine"'));
    await app.deliver('issue_comment', comment(secretIssue()!, 'jdoe', '/nhi-steward ignore "a # in the reason"'));
    expect(double.state.pulls(REPO)).toEqual([]);
    const replies = [...double.state.repo(REPO).comments.values()].map((c) => c.body);
    expect(replies.some((r) => r.includes('lists none'))).toBe(true);
    expect(replies.some((r) => r.includes('without `#`'))).toBe(true);
    double.assertNoViolations();
  });
});
