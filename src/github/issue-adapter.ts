import type { GitHubClient, RepoRef } from './client.js';
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

/** Lists the issues nhi-steward owns in a repository: the label plus the hidden marker. */
export async function listManagedIssues(client: GitHubClient, repo: RepoRef, label = ISSUE_LABEL): Promise<ExistingIssue[]> {
  const issues = await client.paginate<any>('GET /repos/{owner}/{repo}/issues', { ...repo, labels: label, state: 'all', per_page: 100 });
  const managed: ExistingIssue[] = [];
  for (const issue of issues) {
    if (issue.pull_request) continue;
    const fingerprint = fingerprintOf(issue.body);
    if (!fingerprint) continue;
    managed.push({ number: issue.number, title: issue.title, body: issue.body ?? '', state: issue.state, stateReason: issue.state_reason, fingerprint });
  }
  return managed;
}

/**
 * Reconciles the repository's issues with the desired set. Serialised per repository in this
 * process, and always re-reads the current issues first, so redelivered or concurrent webhooks,
 * and a rerun after a partial failure, never open a second issue for one fingerprint.
 */
export async function syncIssues(client: GitHubClient, repo: RepoRef, desired: DesiredIssue[], options: SyncOptions & { label?: string } = {}): Promise<SyncReport> {
  return withRepoLock(`${repo.owner}/${repo.repo}#issues`, async () => {
    const existing = await listManagedIssues(client, repo, options.label);
    const ops = planIssueSync(desired, existing, options);
    const report: SyncReport = { created: [], updated: [], reopened: [], closed: [], numbers: new Map() };
    for (const issue of existing) report.numbers.set(issue.fingerprint, issue.number);
    for (const op of ops) await applyOp(client, repo, op, report);
    return report;
  });
}

async function applyOp(client: GitHubClient, repo: RepoRef, op: IssueOp, report: SyncReport): Promise<void> {
  switch (op.kind) {
    case 'create': {
      const number = await createIssue(client, repo, op.issue);
      report.created.push(number);
      report.numbers.set(op.issue.fingerprint, number);
      return;
    }
    case 'update': {
      await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...repo,
        issue_number: op.number,
        title: op.title,
        body: op.body,
        ...(op.reopen ? { state: 'open' } : {}),
      });
      (op.reopen ? report.reopened : report.updated).push(op.number);
      report.numbers.set(op.fingerprint, op.number);
      return;
    }
    case 'close': {
      await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: op.number, body: op.comment });
      await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { ...repo, issue_number: op.number, state: 'closed', state_reason: op.reason });
      report.closed.push(op.number);
      return;
    }
  }
}

async function createIssue(client: GitHubClient, repo: RepoRef, issue: DesiredIssue): Promise<number> {
  const params = { ...repo, title: issue.title, body: issue.body, labels: issue.labels };
  if (issue.assignees.length > 0) {
    try {
      const { data } = await client.request('POST /repos/{owner}/{repo}/issues', { ...params, assignees: issue.assignees });
      return data.number;
    } catch (error) {
      // An owner who cannot be assigned (a team, an outside email) must not block the issue.
      if ((error as { status?: number }).status !== 422) throw error;
    }
  }
  const { data } = await client.request('POST /repos/{owner}/{repo}/issues', params);
  return data.number;
}
