import { meetsThreshold, type ScanResult, type ScanSettings } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { getFileText } from './contents.js';
import { DASHBOARD_FINGERPRINT, dashboardIssue, pinIssue } from './dashboard.js';
import { syncIssues, type SyncReport } from './issue-adapter.js';
import type { ExistingIssue } from './issue-sync.js';
import { desiredIssues, wantsIssue, type RepoLinks } from './issue-content.js';
import { keepsHistoryIssue } from './history-issues.js';

export interface IssueSyncOptions {
  /** Whether the owners file exists at the scanned commit, when the caller already knows. */
  ownersFileExists?: boolean;
  /** Who opens nhi-steward's issues (the App's `<slug>[bot]`, the Action token's login): only their issues are synced. */
  author?: string | readonly string[];
}

/**
 * Which issues a scan may open. `issues.enabled: false`: none. `true`: all. Unset (the default):
 * embedded-secret issues at once, but NHI gap issues and the dashboard only once the owners file
 * exists on the default branch: a new installation onboards with one pull request (onboarding.ts)
 * rather than an issue per gap.
 */
async function issuePlan(client: GitHubClient, repo: RepoRef, sha: string, settings: Pick<ScanSettings, 'issues' | 'ownersPath'>, options: IssueSyncOptions): Promise<'none' | 'secrets' | 'all'> {
  if (settings.issues.enabled === false) return 'none';
  if (settings.issues.enabled === true) return 'all';
  const exists = options.ownersFileExists ?? (await getFileText(client, repo, settings.ownersPath, sha)) !== undefined;
  return exists ? 'all' : 'secrets';
}

/**
 * After a full or push scan of the default branch: one issue per gap (credential without rotation,
 * embedded secret, orphaned NHI), kept current, closed when fixed; and the pinned dashboard.
 * The dashboard needs the gap issues' numbers, so it is synced in a second, cheap pass.
 */
export async function syncScanIssues(
  client: GitHubClient,
  repo: RepoRef,
  result: ScanResult,
  links: RepoLinks,
  settings: Pick<ScanSettings, 'issues' | 'ownersPath' | 'dashboard'> & Partial<Pick<ScanSettings, 'baseline' | 'pathsIgnore'>>,
  options: IssueSyncOptions = {},
): Promise<SyncReport> {
  const plan = await issuePlan(client, repo, links.sha, settings, options);
  if (plan === 'none') return { created: [], updated: [], reopened: [], closed: [], numbers: new Map() };
  const minLevel = settings.issues.minLevel ?? 'warning';
  const eligible = result.findings.filter((f) => meetsThreshold(f.level, minLevel) && (plan === 'all' || f.rule.startsWith('secret/')));
  const gaps = desiredIssues({ ...result, findings: eligible }, links, settings);
  const gapsByIdentity = new Map<string, string[]>();
  for (const finding of eligible) {
    if (!finding.identityId || !wantsIssue(finding)) continue;
    gapsByIdentity.set(finding.identityId, [...(gapsByIdentity.get(finding.identityId) ?? []), finding.fingerprint]);
  }
  const label = settings.issues.labels[0];
  // Pass 1: the gap issues (the dashboard is out of scope, so it is neither created nor closed).
  // Before onboarding only secret issues are managed: gap issues from an earlier owners file stay as they are.
  const inScope = plan === 'all' ? (issue: ExistingIssue) => issue.fingerprint !== DASHBOARD_FINGERPRINT : (issue: ExistingIssue) => issue.fingerprint !== DASHBOARD_FINGERPRINT && issue.title.startsWith('Embedded secret');
  // A secret found only in commits stays open until a person closes it, or it is ignored/baselined (history-issues.ts).
  const first = await syncIssues(client, repo, gaps, { label, inScope: (issue) => inScope(issue) && !keepsHistoryIssue(issue, settings, result.baselined), author: options.author });
  if (plan === 'secrets') return first;
  // Pass 2: the dashboard alone, now that every gap has an issue number to link.
  // No dashboard when it is switched off, before onboarding, or with nothing to list (an open one is closed).
  const wanted = plan === 'all' && settings.dashboard !== false && result.inventory.length > 0;
  // Issues the per-sync cap held back open on later scans; the dashboard says how many wait.
  const waiting = gaps.filter((gap) => !first.numbers.has(gap.fingerprint)).length;
  const dashboard = wanted ? [dashboardIssue({ inventory: result.inventory, gapIssues: first.numbers, gapsByIdentity, sha: links.sha, labels: settings.issues.labels, waiting, skipped: result.skipped })] : [];
  const second = await syncIssues(client, repo, dashboard, { label, inScope: (issue) => issue.fingerprint === DASHBOARD_FINGERPRINT, author: options.author });
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
