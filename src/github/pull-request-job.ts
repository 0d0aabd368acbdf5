import type { Finding, IdentityRecord, InventoryEntry, ScanSettings } from '../core/types.js';
import { withCheckRun, type CheckOutcome } from './check-run.js';
import type { GitHubClient, RepoRef } from './client.js';
import { analysePullRequest, pullRequestOutcome, type PullAnalysis, type PullRequestRef } from './pr-check.js';
import { requestOwnerReviews, reviewRequestFor } from './review-requests.js';

export interface PullRequestJob {
  client: GitHubClient;
  repo: RepoRef;
  pull: PullRequestRef;
  settings: ScanSettings;
  /** Config problems found while loading settings; they fail the check with their location. */
  configErrors?: Finding[];
  /** Fork PRs are checked read-only: no review requests. */
  readOnly?: boolean;
}

export interface PullRequestJobResult {
  outcome: CheckOutcome;
  analysis: PullAnalysis;
  reviewRequested: boolean;
}

/** The whole PR check: one "NHI hygiene" check run, owner review requests for changed NHIs. */
export async function runPullRequestCheck(job: PullRequestJob): Promise<PullRequestJobResult> {
  let analysis: PullAnalysis | undefined;
  const outcome = await withCheckRun(job.client, job.repo, job.pull.headSha, async () => {
    analysis = await analysePullRequest(job.client, job.repo, job.pull, job.settings);
    if (job.configErrors?.length) analysis.result.findings.unshift(...job.configErrors);
    return pullRequestOutcome(analysis, job.settings);
  });
  let reviewRequested = false;
  if (!job.readOnly && analysis && (analysis.changed.length > 0 || analysis.regranted.length > 0 || analysis.reassigned.length > 0)) {
    const request = reviewRequestFor(analysis.changed, analysis.result.inventory, job.pull.author, job.repo.owner, analysis.regranted, analysis.owners);
    // NHIs an owners-file edit reassigns: their owners at the base review it.
    const extra = reviewRequestFor(
      analysis.reassigned.map((r) => ({ id: r.id }) as IdentityRecord),
      analysis.reassigned.map((r) => ({ id: r.id, owner: r.before.owner }) as InventoryEntry),
      job.pull.author,
      job.repo.owner,
    );
    const merged = { reviewers: [...new Set([...request.reviewers, ...extra.reviewers])].sort(), team_reviewers: [...new Set([...request.team_reviewers, ...extra.team_reviewers])].sort() };
    reviewRequested = await requestOwnerReviews(job.client, job.repo, job.pull.number, merged);
  }
  return { outcome, analysis: analysis!, reviewRequested };
}
