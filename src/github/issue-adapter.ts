import type { GitHubClient, RepoRef } from './client.js';
import { ISSUE_BODY_LIMIT_BYTES, clampBytes, clampTitle } from '../core/report/limits.js';
import { createComment, createOnce, NO_BLIND_RETRY } from './idempotent.js';
import { fingerprintOf, planIssueSync, type DesiredIssue, type ExistingIssue, type IssueOp, type SyncOptions } from './issue-sync.js';
import { withRepoLock } from './repo-lock.js';

export const ISSUE_LABEL = 'nhi-steward';

export interface SyncReport {
  created: number[];
  updated: number[];
  reopened: number[];
  closed: number[];
  /** fingerprint → issue number, for every desired issue after the sync. */
  numbers: Map<string, number>;
}

/**
 * Lists the issues nhi-steward owns in a repository, found by their hidden marker — not only by
 * the label: a person removing the label must not make the bot open a duplicate. An issue counts
 * only when nhi-steward itself opened it (docs/security.md, "Forged issues"): its author is
 * `author`, the App's bot user (`<slug>[bot]`) or the Action token's identity. Anyone can open an
 * issue with a marker, and a triager can label it; neither may steer the sync into updating,
 * closing or adopting it. Without `author` (library callers that do not know their identity), an
 * issue counts when it carries the marker and a Bot author: a person cannot adopt an issue into the
 * sync by pasting a marker.
 */
export async function listManagedIssues(client: GitHubClient, repo: RepoRef, label = ISSUE_LABEL, author?: string | readonly string[]): Promise<ExistingIssue[]> {
  void label; // the label is what issues are opened with; who opened them is what counts
  const authors = author === undefined ? undefined : new Set((typeof author === 'string' ? [author] : author).map((a) => a.toLowerCase()));
  const issues = await client.paginate('GET /repos/{owner}/{repo}/issues', { ...repo, state: 'all', per_page: 100 });
  const managed: ExistingIssue[] = [];
  for (const issue of issues) {
    if (issue.pull_request) continue;
    const fingerprint = fingerprintOf(issue.body);
    if (!fingerprint) continue;
    if (!isOpenedBy(issue, authors)) continue;
    managed.push({ number: issue.number, title: issue.title, body: issue.body ?? '', state: issue.state === 'closed' ? 'closed' : 'open', stateReason: issue.state_reason, fingerprint });
  }
  return managed;
}

/** Did `authors` open the issue (as GitHub reports its author)? Unknown authors: any Bot account. */
export function isOpenedBy(issue: { user?: { login?: string; type?: string } | null }, authors: ReadonlySet<string> | undefined): boolean {
  const login = issue.user?.login?.toLowerCase();
  if (!login) return false;
  return authors ? authors.has(login) : issue.user?.type === 'Bot';
}

/**
 * Reconciles the repository's issues with the desired set. Serialised per repository in this
 * process, and always re-reads the current issues first, so redelivered or concurrent webhooks,
 * and a rerun after a partial failure, never open a second issue for one fingerprint.
 */
export async function syncIssues(client: GitHubClient, repo: RepoRef, desired: DesiredIssue[], options: SyncOptions & { label?: string; author?: string | readonly string[] } = {}): Promise<SyncReport> {
  return withRepoLock(`${repo.owner}/${repo.repo}#issues`, async () => {
    const existing = await listManagedIssues(client, repo, options.label, options.author);
    const ops = planIssueSync(desired, existing, options);
    const report: SyncReport = { created: [], updated: [], reopened: [], closed: [], numbers: new Map() };
    for (const issue of existing) report.numbers.set(issue.fingerprint, issue.number);
    for (const op of ops) await applyOp(client, repo, op, report, options.author);
    return report;
  });
}

async function applyOp(client: GitHubClient, repo: RepoRef, op: IssueOp, report: SyncReport, author: string | readonly string[] | undefined): Promise<void> {
  switch (op.kind) {
    case 'create': {
      const number = await createIssue(client, repo, op.issue, author);
      report.created.push(number);
      report.numbers.set(op.issue.fingerprint, number);
      return;
    }
    case 'update': {
      const text = fitted({ fingerprint: op.fingerprint, title: op.title, body: op.body, labels: [], assignees: [] });
      await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...repo,
        issue_number: op.number,
        title: text.title,
        body: text.body,
        ...(op.reopen ? { state: 'open' } : {}),
      });
      (op.reopen ? report.reopened : report.updated).push(op.number);
      report.numbers.set(op.fingerprint, op.number);
      return;
    }
    case 'close': {
      await createComment(client, repo, op.number, op.comment);
      await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { ...repo, issue_number: op.number, state: 'closed', state_reason: op.reason });
      report.closed.push(op.number);
      return;
    }
  }
}

/** Issue text within GitHub's limits (the marker leads the body, so clamping keeps it). */
function fitted(issue: DesiredIssue): { title: string; body: string } {
  return { title: clampTitle(issue.title), body: clampBytes(issue.body, ISSUE_BODY_LIMIT_BYTES, '\n\n_…truncated to fit the GitHub issue size limit._') };
}

/**
 * Creates the issue once: a create whose answer is lost may still have opened it, so on such a
 * fault the issues are re-read and the one carrying this fingerprint's marker is taken.
 */
async function createIssue(client: GitHubClient, repo: RepoRef, issue: DesiredIssue, author: string | readonly string[] | undefined): Promise<number> {
  const params = { ...repo, ...fitted(issue), labels: issue.labels, ...NO_BLIND_RETRY };
  const find = async () => (await listManagedIssues(client, repo, issue.labels[0] ?? ISSUE_LABEL, author)).filter((i) => i.fingerprint === issue.fingerprint).sort((a, b) => a.number - b.number)[0]?.number;
  const create = (extra: Record<string, unknown>) => createOnce({ find, create: async () => (await client.request('POST /repos/{owner}/{repo}/issues', { ...params, ...extra })).data.number as number });
  if (issue.assignees.length > 0) {
    try {
      return await create({ assignees: issue.assignees });
    } catch (error) {
      // An owner who cannot be assigned (a team, an outside email) must not block the issue.
      if ((error as { status?: number }).status !== 422) throw error;
    }
  }
  return create({});
}
