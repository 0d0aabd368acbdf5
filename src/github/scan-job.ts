import type { ScanResult, ScanSettings } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { scanRepositoryTarball } from './full-scan.js';
import type { SyncReport } from './issue-adapter.js';
import { formerMembers, orphanedFindings, userOwners } from './offboarding.js';
import { syncScanIssues } from './scan-sync.js';
import { append } from '../core/append.js';

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
}

export interface ScanJobResult {
  result: ScanResult;
  sync?: SyncReport;
}

/** A full scan of one commit, offboarding checks, then the issue and dashboard sync. */
export async function runRepositoryScan(job: ScanJob): Promise<ScanJobResult> {
  const result = await scanRepositoryTarball(job.client, job.repo, job.sha, job.settings);
  if (job.org) {
    const gone = await formerMembers(job.client, job.org, userOwners(result.inventory), job.departed);
    const orphans = orphanedFindings(result, gone);
    append(result.findings, orphans);
    for (const finding of orphans) result.inventory.find((e) => e.id === finding.identityId)?.findings.push(finding.rule);
  }
  if (job.issues === false) return { result };
  const sync = await syncScanIssues(job.client, job.repo, result, { htmlUrl: job.htmlUrl, sha: job.sha }, job.settings);
  return { result, sync };
}
