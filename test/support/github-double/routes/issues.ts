/** Issues, comments, labels and reactions. */
import { HttpError, notFound, ok, paginate, repoOf, type Ctx, type Handler } from '../http.js';
import { commentShape, issueShape, userShape } from '../shapes.js';
import type { IssueState, RepoState } from '../state.js';

/** GitHub's limits on issue and comment text: body ≤ 65,536 bytes, title ≤ 256 characters. */
export const ISSUE_LIMITS = { bodyBytes: 65536, titleChars: 256 } as const;

function enforceIssueLimits(b: { title?: unknown; body?: unknown }): void {
  if (typeof b.body === 'string' && Buffer.byteLength(b.body, 'utf8') > ISSUE_LIMITS.bodyBytes) {
    throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', field: 'body', code: 'custom', message: `body is too long (maximum is ${ISSUE_LIMITS.bodyBytes} characters)` }]);
  }
  if (b.title !== undefined && [...String(b.title)].length > ISSUE_LIMITS.titleChars) {
    throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', field: 'title', code: 'custom', message: `title is too long (maximum is ${ISSUE_LIMITS.titleChars} characters)` }]);
  }
}

function issueOf(ctx: Ctx, repo: RepoState): IssueState {
  return repo.issues.get(Number(ctx.params.issue_number)) ?? notFound();
}

function labelNames(labels: unknown[] | undefined): string[] {
  return (labels ?? []).map((l) => (typeof l === 'string' ? l : String((l as { name?: string }).name ?? '')));
}

function listIssues(ctx: Ctx) {
  const repo = repoOf(ctx);
  const { state = 'open', labels, creator, assignee, direction = 'desc', sort = 'created' } = ctx.query;
  const wanted = labels ? labels.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean) : [];
  const items = [...repo.issues.values()].filter(
    (i) =>
      (state === 'all' || i.state === state) &&
      wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)) &&
      (!creator || i.user === creator) &&
      (!assignee || assignee === '*' ? true : assignee === 'none' ? i.assignees.length === 0 : i.assignees.includes(assignee)),
  );
  const key = sort === 'updated' ? 'updated_at' : 'created_at';
  items.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.number - b.number) * (direction === 'asc' ? 1 : -1));
  return paginate(ctx, items.map((i) => issueShape(ctx.baseUrl, repo, i)));
}

function updateIssue(ctx: Ctx) {
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo);
  const b = ctx.body as { title?: string; body?: string | null; state?: 'open' | 'closed'; state_reason?: IssueState['state_reason']; labels?: unknown[]; assignees?: string[] };
  enforceIssueLimits(b);
  if (b.title !== undefined) issue.title = String(b.title);
  if (b.body !== undefined) issue.body = b.body;
  if (b.labels !== undefined) ctx.state.setLabels(repo, issue, labelNames(b.labels));
  if (b.assignees !== undefined) issue.assignees = b.assignees;
  if (b.state !== undefined && b.state !== issue.state) {
    issue.state = b.state;
    issue.closed_at = b.state === 'closed' ? ctx.state.now() : null;
    issue.state_reason = b.state === 'closed' ? (b.state_reason ?? 'completed') : 'reopened';
  } else if (b.state_reason !== undefined) {
    issue.state_reason = b.state_reason;
  }
  issue.updated_at = ctx.state.now();
  return ok(issueShape(ctx.baseUrl, repo, issue));
}

function react(ctx: Ctx, subject: 'issue' | 'comment', target: number) {
  const repo = repoOf(ctx);
  const content = String(ctx.body.content);
  const existing = repo.reactions.find((r) => r.subject === subject && r.target === target && r.content === content && r.user === ctx.actor);
  // GitHub answers 200 with the existing reaction when the same user reacts twice.
  const reaction = existing ?? { id: ctx.state.nextId(), subject, target, content, user: ctx.actor };
  if (!existing) repo.reactions.push(reaction);
  return ok({ id: reaction.id, node_id: `REA_${reaction.id}`, content, user: userShape(ctx.baseUrl, ctx.actor), created_at: ctx.state.now() }, existing ? 200 : 201);
}

export const issueRoutes: Record<string, Handler> = {
  'issues/create': (ctx) => {
    const repo = repoOf(ctx);
    const b = ctx.body as { title: string | number; body?: string; labels?: unknown[]; assignees?: string[]; assignee?: string | null };
    enforceIssueLimits(b);
    const assignees = b.assignees ?? (b.assignee ? [b.assignee] : []);
    // GitHub answers 422 for an assignee who cannot be assigned here (not a collaborator).
    const invalid = assignees.filter((login) => !repo.collaborators.has(login));
    if (invalid.length > 0) throw new HttpError(422, 'Validation Failed', invalid.map((value) => ({ value, resource: 'Issue', field: 'assignees', code: 'invalid' })));
    const issue = ctx.state.createIssue(repo, { title: String(b.title), body: b.body ?? null, user: ctx.actor, labels: labelNames(b.labels), assignees });
    return ok(issueShape(ctx.baseUrl, repo, issue), 201);
  },
  'issues/get': (ctx) => {
    const repo = repoOf(ctx);
    return ok(issueShape(ctx.baseUrl, repo, issueOf(ctx, repo)));
  },
  'issues/update': updateIssue,
  'issues/list-for-repo': listIssues,
  'issues/create-comment': (ctx) => {
    const repo = repoOf(ctx);
    const issue = issueOf(ctx, repo);
    enforceIssueLimits({ body: ctx.body.body });
    const at = ctx.state.now();
    const c = { id: ctx.state.nextId(), issue: issue.number, body: String(ctx.body.body), user: ctx.actor, created_at: at, updated_at: at };
    repo.comments.set(c.id, c);
    return ok(commentShape(ctx.baseUrl, repo, c), 201);
  },
  'issues/list-comments': (ctx) => {
    const repo = repoOf(ctx);
    const issue = issueOf(ctx, repo);
    const comments = [...repo.comments.values()].filter((c) => c.issue === issue.number);
    return paginate(ctx, comments.map((c) => commentShape(ctx.baseUrl, repo, c)));
  },
  'issues/get-comment': (ctx) => {
    const repo = repoOf(ctx);
    const c = repo.comments.get(Number(ctx.params.comment_id)) ?? notFound();
    return ok(commentShape(ctx.baseUrl, repo, c));
  },
  'issues/update-comment': (ctx) => {
    const repo = repoOf(ctx);
    const c = repo.comments.get(Number(ctx.params.comment_id)) ?? notFound();
    enforceIssueLimits({ body: ctx.body.body });
    c.body = String(ctx.body.body);
    c.updated_at = ctx.state.now();
    return ok(commentShape(ctx.baseUrl, repo, c));
  },
  'issues/add-labels': (ctx) => {
    const repo = repoOf(ctx);
    const issue = issueOf(ctx, repo);
    const body = ctx.body as unknown;
    const added = Array.isArray(body) ? labelNames(body) : labelNames((body as { labels?: unknown[] }).labels);
    ctx.state.setLabels(repo, issue, [...issue.labels, ...added]);
    return ok(issueShape(ctx.baseUrl, repo, issue).labels);
  },
  'issues/list-labels-for-repo': (ctx) => paginate(ctx, [...repoOf(ctx).labels.values()]),
  'issues/get-label': (ctx) => ok(repoOf(ctx).labels.get(ctx.params.name.toLowerCase()) ?? notFound()),
  'issues/create-label': (ctx) => {
    const repo = repoOf(ctx);
    const { name, color, description } = ctx.body as { name: string; color?: string; description?: string };
    if (repo.labels.has(name.toLowerCase())) throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    return ok(ctx.state.ensureLabel(repo, name, color ?? 'ededed', description ?? null), 201);
  },
  'reactions/create-for-issue': (ctx) => {
    const repo = repoOf(ctx);
    return react(ctx, 'issue', issueOf(ctx, repo).number);
  },
  'reactions/create-for-issue-comment': (ctx) => {
    const repo = repoOf(ctx);
    const c = repo.comments.get(Number(ctx.params.comment_id)) ?? notFound();
    return react(ctx, 'comment', c.id);
  },
};
