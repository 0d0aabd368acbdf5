import type { ScanResult, ScanSettings, SecretSink } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { scanRepositoryTarball } from './full-scan.js';
import type { SyncReport } from './issue-adapter.js';
import { formerMembers, orphanedFindings, userOwners } from './offboarding.js';
import { openOnboardingPullRequest, type Onboarding } from './onboarding.js';
import { syncScanIssues } from './scan-sync.js';
import { append } from '../core/append.js';
import { runVerification, SecretVault, type VerdictCache, type VerifySummary } from '../verify/index.js';

export interface ScanJob {
  client: GitHubClient;
  repo: RepoRef;
  /** Commit to scan: the head of the default branch for scheduled and push scans. */
  sha: string;
  htmlUrl: string;
  settings: ScanSettings;
  /** Set when the repository belongs to an organisation: owners are checked for membership. */
  org?: string;
  /** Logins known to have just left (from `organization.member_removed`). */
  departed?: string[];
  /** Sync issues and the dashboard (off for a dry run). */
  issues?: boolean;
  /**
   * Adds to the tree's result before verification and the sync: pushed commits, or the whole
   * history (docs/history.md). `reveal` is the verification sink, when verification is on.
   */
  extend?: (result: ScanResult, reveal?: SecretSink) => Promise<ScanResult>;
  /** First contact (installation): open the onboarding PR when the repository needs one. */
  onboard?: { defaultBranch: string };
  /** With `verify: on` in the config: verdicts kept across scans (the App: one check per secret per day). */
  verdicts?: VerdictCache;
  /** Verification notes (endpoint overrides, by host only); never a secret. */
  log?: (line: string) => void;
  /** The App's bot login: only issues it opened are synced (docs/security.md). */
  author?: string;
}

export interface ScanJobResult {
  result: ScanResult;
  /** Set when the repository's config switched live verification on. */
  verification?: VerifySummary;
  sync?: SyncReport;
  onboarding?: Onboarding;
}

/** A full scan of one commit, offboarding checks, then the issue and dashboard sync. */
export async function runRepositoryScan(job: ScanJob): Promise<ScanJobResult> {
  const vault = job.settings.verify?.enabled ? new SecretVault() : undefined;
  let result = await scanRepositoryTarball(job.client, job.repo, job.sha, job.settings, undefined, vault?.sink);
  if (job.extend) result = await job.extend(result, vault?.sink);
  const verification = vault ? await runVerification(result.findings, vault, { settings: job.settings.verify, cache: job.verdicts, log: job.log }) : undefined;
  if (job.org) {
    const gone = await formerMembers(job.client, job.org, userOwners(result.inventory), job.departed);
    const orphans = orphanedFindings(result, gone);
    append(result.findings, orphans);
    for (const finding of orphans) result.inventory.find((e) => e.id === finding.identityId)?.findings.push(finding.rule);
  }
  if (job.issues === false) return { result, verification };
  const onboarding = job.onboard ? await openOnboardingPullRequest(job.client, job.repo, job.onboard.defaultBranch, job.sha, result, job.settings) : undefined;
  const sync = await syncScanIssues(job.client, job.repo, result, { htmlUrl: job.htmlUrl, sha: job.sha }, job.settings, { author: job.author });
  return { result, sync, verification, ...(onboarding ? { onboarding } : {}) };
}
