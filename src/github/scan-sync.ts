import type { ScanResult, ScanSettings } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { DASHBOARD_FINGERPRINT, dashboardIssue, pinIssue } from './dashboard.js';
import { syncIssues, type SyncReport } from './issue-adapter.js';
import { desiredIssues, wantsIssue, type RepoLinks } from './issue-content.js';

/**
 * After a full or push scan of the default branch: one issue per gap (credential without rotation,
 * embedded secret, orphaned NHI), kept current, closed when fixed; and the pinned dashboard.
 * The dashboard needs the gap issues' numbers, so it is synced in a second, cheap pass.
 */
export async function syncScanIssues(client: GitHubClient, repo: RepoRef, result: ScanResult, links: RepoLinks, settings: Pick<ScanSettings, 'issues'>): Promise<SyncReport> {
  const gaps = desiredIssues(result, links, settings);
  const gapsByIdentity = new Map<string, string[]>();
  for (const finding of result.findings) {
    if (!finding.identityId || !wantsIssue(finding)) continue;
    gapsByIdentity.set(finding.identityId, [...(gapsByIdentity.get(finding.identityId) ?? []), finding.fingerprint]);
  }
  const label = settings.issues.labels[0];
  // Pass 1: the gap issues (the dashboard is out of scope, so it is neither created nor closed).
  const first = await syncIssues(client, repo, gaps, { label, inScope: (issue) => issue.fingerprint !== DASHBOARD_FINGERPRINT });
  // Pass 2: the dashboard alone, now that every gap has an issue number to link.
  // Issues the per-sync cap held back open on later scans; the dashboard says how many wait.
  const waiting = gaps.filter((gap) => !first.numbers.has(gap.fingerprint)).length;
  const dashboard = dashboardIssue({ inventory: result.inventory, gapIssues: first.numbers, gapsByIdentity, sha: links.sha, labels: settings.issues.labels, waiting });
  const second = await syncIssues(client, repo, [dashboard], { label, inScope: (issue) => issue.fingerprint === DASHBOARD_FINGERPRINT });
  const dashboardNumber = second.numbers.get(DASHBOARD_FINGERPRINT);
  if (dashboardNumber !== undefined && second.created.includes(dashboardNumber)) {
    const { data } = await client.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...repo, issue_number: dashboardNumber });
    await pinIssue(client.graphql, data.node_id);
  }
  return {
    created: [...first.created, ...second.created],
    updated: [...first.updated, ...second.updated],
    reopened: [...first.reopened, ...second.reopened],
    closed: [...first.closed, ...second.closed],
    numbers: new Map([...first.numbers, ...second.numbers]),
  };
}
