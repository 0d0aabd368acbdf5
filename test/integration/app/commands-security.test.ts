/**
 * Attacks on `/nhi-steward` commands (docs/security.md), each through the real App over HTTP and the
 * GitHub double: forged issues, hidden commands, floods of one command, secrets pasted into a
 * command, a broken owners file, and a second command on the same issue.
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

const ownersPulls = () => double.state.pulls(REPO).filter((p) => p.pull?.head.startsWith('nhi-steward/'));
const repliesOn = (n: number) => [...double.state.repo(REPO).comments.values()].filter((c) => c.issue === n).map((c) => c.body);
const ownersAt = (sha: string): string => {
  const git = double.state.repo(REPO).git;
  const entry = git.flatten((git.get(sha, 'commit') as any).tree).get('.github/nhi-owners.yml');
  return entry ? ((git.get(entry.sha, 'blob') as any).content as Buffer).toString() : '';
};

async function rotationIssue() {
  await app.scheduler.tick();
  const issue = [...double.state.repo(REPO).issues.values()].find((i) => !i.pull && i.title.startsWith('Credential without'));
  expect(issue).toBeDefined();
  return issue!;
}

describe('issue commands under attack', () => {
  it('a forged issue (opened by a read-only user, with a catch-all id marker) is not acted on', async () => {
    const repo = double.state.repo(REPO);
    double.state.ensureLabel(repo, 'nhi-steward');
    const forged = double.state.createIssue(repo, { title: 'Credential without a rotation policy: x', body: '<!-- nhi-steward:fp=abc --><!-- nhi-steward:id=** -->\nplease fix', user: 'outsider', labels: ['nhi-steward'] });
    await app.deliver('issue_comment', comment(forged, 'alice', '/nhi-steward owner @acme/payments'));
    expect(ownersPulls()).toEqual([]);
    expect(repliesOn(forged.number).at(-1)).toContain('only on issues nhi-steward itself opened');
    double.assertNoViolations();
  });

  it('an id marker with glob characters is refused even on an issue the App opened', async () => {
    const repo = double.state.repo(REPO);
    double.state.ensureLabel(repo, 'nhi-steward');
    for (const id of ['**', 'terraform:aws_iam_*/infra/x', 'kubernetes:ServiceAccount/a b', 'x/../y', 'a`b`']) {
      const issue = double.state.createIssue(repo, { title: 't', body: `<!-- nhi-steward:fp=abc -->\n<!-- nhi-steward:id=${id} -->`, user: 'nhi-steward[bot]', labels: ['nhi-steward'] });
      await app.deliver('issue_comment', comment(issue, 'alice', '/nhi-steward owner @acme/payments'));
      expect(repliesOn(issue.number).at(-1), id).toContain('not about one identity');
    }
    expect(ownersPulls()).toEqual([]);
  });

  it('commands hidden in an HTML comment, <details>, fenced or indented code do not run', async () => {
    const issue = await rotationIssue();
    const hidden = [
      '<!-- /nhi-steward owner @acme/payments -->',
      '<details><summary>x</summary>\n\n/nhi-steward owner @acme/payments\n</details>',
      '~~~\n/nhi-steward owner @acme/payments\n~~~',
      'Looks fine:\n\n    /nhi-steward owner @acme/payments',
      '<!--\n/nhi-steward owner @acme/payments',
    ];
    for (const body of hidden) await app.deliver('issue_comment', comment(issue, 'alice', body));
    expect(ownersPulls()).toEqual([]);
    expect(double.state.repo(REPO).reactions).toEqual([]);
  });

  it('25 rescan lines in one comment run one rescan', async () => {
    const issue = await rotationIssue();
    const before = double.calls('repos/download-tarball-archive').length;
    await app.deliver('issue_comment', comment(issue, 'jdoe', Array.from({ length: 25 }, () => '/nhi-steward rescan').join('\n')));
    expect(double.calls('repos/download-tarball-archive').length - before).toBe(1);
    expect(repliesOn(issue.number).at(-1)).toContain('24 repeated commands ignored');
  });

  it('a secret pasted into a command is refused, redacted in the reply and never committed', async () => {
    const issue = await rotationIssue();
    const token = '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';
    await app.deliver('issue_comment', comment(issue, 'alice', `/nhi-steward exempt "rotated by hand, token ${token}" until 2030-01-01`));
    expect(ownersPulls()).toEqual([]);
    const reply = repliesOn(issue.number).at(-1)!;
    expect(reply).toContain('looks like a secret');
    expect(reply).toContain('ghp_…hEf4');
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    expect(sent.includes(token)).toBe(false);
  });

  it('an invalid owners file on the default branch: the reply says why', async () => {
    const issue = await rotationIssue();
    double.state.push(REPO, { files: { '.github/nhi-owners.yml': 'identities: [unclosed\n' } });
    await app.deliver('issue_comment', comment(issue, 'alice', '/nhi-steward rotation 90d'));
    expect(ownersPulls()).toEqual([]);
    expect(repliesOn(issue.number).at(-1)).toMatch(/could not edit `\.github\/nhi-owners\.yml`.*not valid YAML/);
  });

  it('a second command on the same issue builds on the first one\'s PR, and updates its title and body', async () => {
    const issue = await rotationIssue();
    await app.deliver('issue_comment', comment(issue, 'alice', '/nhi-steward rotation 90d'));
    await app.deliver('issue_comment', comment(issue, 'alice', '/nhi-steward owner @acme/payments'));
    const pulls = ownersPulls();
    expect(pulls).toHaveLength(1);
    const branch = double.state.repo(REPO).git.refs.get(`refs/heads/${pulls[0].pull!.head}`)!;
    const owners = ownersAt(branch);
    expect(owners).toMatch(/owner: "?@acme\/payments"?/);
    expect(owners).toMatch(/rotation: 90d/);
    expect(pulls[0].title).toBe(`nhi-steward: owners-file changes for #${issue.number}`);
    expect(pulls[0].body).toContain('set the rotation of');
    expect(pulls[0].body).toContain('set the owner of');
    double.assertNoViolations();
  });
});
