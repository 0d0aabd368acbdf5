/**
 * JSON shapes of GitHub resources, realistic enough for Octokit and Probot: ids, node_ids and
 * URLs that point at the double itself.
 */
import type { CheckRunState, CommentState, DoubleState, IssueState, RepoState } from './state.js';

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');
}

function numericId(login: string): number {
  let h = 7;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_007;
  return h;
}

export function userShape(base: string, login: string): Record<string, unknown> {
  const bot = login.endsWith('[bot]');
  const id = numericId(login);
  return {
    login,
    id,
    node_id: nodeId(bot ? 'Bot' : 'User', id),
    avatar_url: `${base}/avatars/${login}`,
    url: `${base}/users/${encodeURIComponent(login)}`,
    html_url: `${base}/${login}`,
    type: bot ? 'Bot' : 'User',
    site_admin: false,
  };
}

export function repoShape(base: string, state: DoubleState, r: RepoState): Record<string, unknown> {
  const inst = state.installations.get(r.installationId);
  const api = `${base}/repos/${r.fullName}`;
  return {
    id: r.id,
    node_id: nodeId('Repository', r.id),
    name: r.name,
    full_name: r.fullName,
    private: r.private,
    fork: r.fork,
    visibility: r.private ? 'private' : 'public',
    owner: { ...userShape(base, r.owner), type: inst?.accountType === 'User' ? 'User' : 'Organization' },
    html_url: `${base}/${r.fullName}`,
    url: api,
    default_branch: r.defaultBranch,
    archived: false,
    disabled: false,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  };
}

export function issueShape(base: string, r: RepoState, i: IssueState): Record<string, unknown> {
  const api = `${base}/repos/${r.fullName}/issues/${i.number}`;
  const shape: Record<string, unknown> = {
    id: i.id,
    node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id),
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    locked: false,
    labels: i.labels.map((n) => {
      const l = r.labels.get(n.toLowerCase())!;
      return { id: l.id, node_id: nodeId('Label', l.id), name: l.name, color: l.color, description: l.description, default: false, url: `${base}/repos/${r.fullName}/labels/${encodeURIComponent(l.name)}` };
    }),
    assignee: i.assignees[0] ? userShape(base, i.assignees[0]) : null,
    assignees: i.assignees.map((a) => userShape(base, a)),
    user: userShape(base, i.user),
    comments: [...r.comments.values()].filter((c) => c.issue === i.number).length,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
    author_association: 'NONE',
    url: api,
    repository_url: `${base}/repos/${r.fullName}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${base}/${r.fullName}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
  };
  if (i.pull) {
    shape.pull_request = { url: `${base}/repos/${r.fullName}/pulls/${i.number}`, html_url: shape.html_url, diff_url: `${shape.html_url}.diff`, patch_url: `${shape.html_url}.patch` };
  }
  return shape;
}

/** `full`: the `pull-request` shape (get, create); otherwise `pull-request-simple` (lists, review requests). */
export function pullShape(base: string, state: DoubleState, r: RepoState, i: IssueState, full = true): Record<string, unknown> {
  const p = i.pull!;
  const headSha = r.git.refs.get(`refs/heads/${p.head}`) ?? '';
  const repo = repoShape(base, state, r);
  // A pull request carries some of its issue's fields, not the issue-only ones.
  const { state_reason: _reason, repository_url: _repo, pull_request: _pull, labels_url: _labels, events_url: _events, comments: _comments, ...issue } = issueShape(base, r, i);
  return {
    ...issue,
    id: p.id,
    node_id: nodeId('PullRequest', p.id),
    url: `${base}/repos/${r.fullName}/pulls/${i.number}`,
    issue_url: `${base}/repos/${r.fullName}/issues/${i.number}`,
    draft: p.draft,
    ...(full ? { merged: p.merged, mergeable: p.merged ? null : true } : {}),
    head: { label: `${r.owner}:${p.head}`, ref: p.head, sha: headSha, user: userShape(base, r.owner), repo },
    base: { label: `${r.owner}:${p.base}`, ref: p.base, sha: p.baseSha, user: userShape(base, r.owner), repo },
    requested_reviewers: p.requestedReviewers.map((u) => userShape(base, u)),
    requested_teams: p.requestedTeams.map((slug) => ({ id: 1, node_id: nodeId('Team', slug), slug, name: slug })),
    merge_commit_sha: null,
  };
}

export function commentShape(base: string, r: RepoState, c: CommentState): Record<string, unknown> {
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    body: c.body,
    user: userShape(base, c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
    url: `${base}/repos/${r.fullName}/issues/comments/${c.id}`,
    html_url: `${base}/${r.fullName}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}/repos/${r.fullName}/issues/${c.issue}`,
  };
}

export function checkRunShape(base: string, state: DoubleState, r: RepoState, c: CheckRunState): Record<string, unknown> {
  return {
    id: c.id,
    node_id: nodeId('CheckRun', c.id),
    head_sha: c.head_sha,
    external_id: c.external_id,
    name: c.name,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.started_at,
    completed_at: c.completed_at,
    details_url: c.details_url,
    url: `${base}/repos/${r.fullName}/check-runs/${c.id}`,
    html_url: `${base}/${r.fullName}/runs/${c.id}`,
    output: {
      ...c.output,
      annotations_count: c.annotations.length,
      annotations_url: `${base}/repos/${r.fullName}/check-runs/${c.id}/annotations`,
    },
    check_suite: { id: c.id + 1 },
    app: { id: state.app.id, slug: state.app.slug, name: state.app.name, node_id: nodeId('App', state.app.id) },
    pull_requests: [],
  };
}
