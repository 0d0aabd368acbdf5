import { CHECK_TEXT_LIMIT_BYTES, truncateToBytes } from '../core/report/limits.js';
import { code } from '../core/report/escape.js';
import type { Finding, IdentityRecord, InventoryEntry, ScanSettings } from '../core/types.js';
import { withCheckRun, type CheckOutcome, type SharedLock } from './check-run.js';
import type { GitHubClient, RepoRef } from './client.js';
import { analysePullRequest, MAX_PULL_FILES, pullRequestOutcome, type PullAnalysis, type PullReads, type PullRequestRef } from './pr-check.js';
import { joinRangeCommits, readRangeCommits, withApiCommits, type CommitAccess } from './pr-commits.js';
import { requestOwnerReviews, reviewRequestFor } from './review-requests.js';
import { runVerification, SecretVault, type VerdictCache } from '../verify/index.js';

/** The summary is capped at 65,535 bytes (core/report/limits.ts): the note goes first so it always survives. */
function withNote(summary: string, note: string): string {
  return truncateToBytes(`> ${note}\n\n${summary}`, CHECK_TEXT_LIMIT_BYTES);
}

export interface PullRequestJob {
  client: GitHubClient;
  repo: RepoRef;
  pull: PullRequestRef;
  settings: ScanSettings;
  /** Config problems found while loading settings; they fail the check with their location. */
  configErrors?: Finding[];
  /** Fork PRs are checked read-only: no review requests. */
  readOnly?: boolean;
  /** With `verify: on` in the config: verdicts kept across checks (the App: one check per secret per day). */
  verdicts?: VerdictCache;
  /** Verification notes (endpoint overrides, by host only); never a secret. */
  log?: (line: string) => void;
  /** Read the PR's commits over git and check each one (docs/history.md); `count` from the payload. */
  commits?: CommitAccess & { count: number };
  /** Several App replicas: one check per head across all of them (docs/architecture.md, "Check runs always conclude"). */
  checkLock?: SharedLock;
  /** The file list and git tree, already being read (`startPullReads`), else read by the check. */
  reads?: PullReads;
}

export interface PullRequestJobResult {
  outcome: CheckOutcome;
  analysis: PullAnalysis;
  reviewRequested: boolean;
  /** Review requests GitHub refused or that failed (reported, never thrown: the check is done). */
  reviewProblems: string[];
}

/**
 * Whether a PR check reads the PR's commits: when there are several (a secret could be added and
 * removed in between; one commit is its own net diff), or when GitHub's file list leaves files out
 * (past MAX_PULL_FILES: the commits show the rest).
 */
export function readsCommits(count: number | undefined, changedFiles: number | undefined): boolean {
  return (count ?? 0) > 1 || (!!count && (changedFiles ?? 0) > MAX_PULL_FILES);
}

/** The whole PR check: one "NHI hygiene" check run, owner review requests for changed NHIs. */
export async function runPullRequestCheck(job: PullRequestJob): Promise<PullRequestJobResult> {
  let analysis: PullAnalysis | undefined;
  const outcome = await withCheckRun(job.client, job.repo, job.pull.headSha, async () => {
    const vault = job.settings.verify?.enabled ? new SecretVault() : undefined;
    // One commit is its own net diff; more, and a secret could be added and removed in between.
    // The commits are cloned and scanned while the PR is read through the API: neither waits on
    // the other (docs/performance.md, "The App's PR check").
    const commits = job.commits && readsCommits(job.commits.count, job.pull.changedFiles) ? readRangeCommits(job.commits, { base: job.pull.baseSha, head: job.pull.headSha, count: job.commits.count }, 'pull request', job.settings, vault?.sink) : undefined;
    analysis = await analysePullRequest(job.client, job.repo, job.pull, job.settings, vault?.sink, job.reads);
    let note = '';
    /** Where the commits were read from, if they were. */
    let commitsFrom: 'git' | 'the API' | undefined;
    if (job.commits && commits) {
      let scanned = joinRangeCommits(analysis.result, await commits);
      if (scanned.commits > 0) commitsFrom = 'git';
      else {
        // git could not read them: the API can, one call per commit.
        const gitNote = scanned.note;
        scanned = await withApiCommits(analysis.result, job.client, job.repo, { ...job.pull, count: job.commits.count }, job.commits.htmlUrl, job.settings, vault?.sink).catch((error: unknown) => ({ ...scanned, note: `${gitNote} The API could not list them either (${(error as Error).message}).` }));
      }
      if (!commitsFrom && scanned.commits > 0) commitsFrom = 'the API';
      analysis.result = scanned.result;
      note = scanned.note;
    }
    if (analysis.unlistedFiles) {
      // Named up front: the verdict on NHIs does not cover them.
      const listed = job.pull.changedFiles! - analysis.unlistedFiles;
      const how =
        commitsFrom === 'git'
          ? "were checked for secrets from git only (each commit's added lines; a secret still in a file at the head is reported where it is there), not for NHI declarations or owners"
          : commitsFrom === 'the API'
            ? "were checked for secrets only in the files each commit's own list shows (3,000 at most), not for NHI declarations or owners"
            : 'were not checked';
      const cutNote = `GitHub lists only ${listed} of this pull request's ${job.pull.changedFiles} changed files: the other ${analysis.unlistedFiles} ${how}.`;
      note = note ? `${cutNote} ${note}` : cutNote;
    }
    const large = analysis.downloads.tooLarge;
    if (large.length > 0) {
      // Named up front so nobody reads the verdict as covering them (docs/security.md, "Large pull requests").
      const listed = large.slice(0, 10).map((path) => code(path)).join(', ');
      const skippedNote = `${large.length} file${large.length === 1 ? '' : 's'} over max-file-size (${job.settings.maxFileSize} bytes) ${large.length === 1 ? 'was' : 'were'} not scanned (binary, over 100 MB, or unreadable): ${listed}${large.length > 10 ? `, and ${large.length - 10} more (listed under Skipped files)` : ''}.`;
      note = note ? `${skippedNote} ${note}` : skippedNote;
    }
    if (vault) await runVerification(analysis.result.findings, vault, { settings: job.settings.verify, cache: job.verdicts, log: job.log });
    if (job.configErrors?.length) analysis.result.findings.unshift(...job.configErrors);
    const outcome = pullRequestOutcome(analysis, job.settings);
    return note ? { ...outcome, summary: withNote(outcome.summary, note) } : outcome;
  }, { lock: job.checkLock });
  let reviewRequested = false;
  const reviewProblems: string[] = [];
  if (!job.readOnly && analysis && (analysis.changed.length > 0 || analysis.regranted.length > 0 || analysis.reassigned.length > 0)) {
    const request = reviewRequestFor(analysis.changed, analysis.result.inventory, job.pull.author, job.repo.owner, analysis.regranted, analysis.owners, analysis.regrantedFiles);
    // NHIs an owners-file edit reassigns: their owners at the base review it.
    const extra = reviewRequestFor(
      analysis.reassigned.map((r) => ({ id: r.id }) as IdentityRecord),
      analysis.reassigned.map((r) => ({ id: r.id, owner: r.before.owner }) as InventoryEntry),
      job.pull.author,
      job.repo.owner,
    );
    const merged = { reviewers: [...new Set([...request.reviewers, ...extra.reviewers])].sort(), team_reviewers: [...new Set([...request.team_reviewers, ...extra.team_reviewers])].sort() };
    try {
      const reviews = await requestOwnerReviews(job.client, job.repo, job.pull.number, merged);
      reviewRequested = reviews.requested.length > 0;
      reviewProblems.push(...reviews.refused.map((r) => `review request to ${r.reviewer} refused: ${r.reason}`));
    } catch (error) {
      reviewProblems.push(`review requests failed: ${((error as Error).message ?? String(error)).split('\n')[0].slice(0, 200)}`);
    }
  }
  return { outcome, analysis: analysis!, reviewRequested, reviewProblems };
}
