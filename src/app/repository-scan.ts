import type { Logger, Probot, ProbotOctokit } from 'probot';
import { asClient } from '../github/client.js';
import { runRepositoryScan, type ScanJobResult } from '../github/scan-job.js';
import type { ScheduleGate } from './schedule-clock.js';
import type { ScheduledTarget } from './scheduler.js';
import { loadSettings } from './settings.js';
import { appVerdictCache } from './verdict-cache.js';

interface RepositoryPayload {
  name: string;
  owner: { login: string; type?: string };
  html_url: string;
  default_branch?: string;
  archived?: boolean;
}

/**
 * A full scan of one repository at `sha`, with the issue and dashboard sync. Under a `dueOnly`
 * gate the scan is skipped (undefined) while the repository's own `schedule` has not elapsed.
 */
export async function scanRepository(octokit: ProbotOctokit, repository: RepositoryPayload, sha: string, log: Logger, departed: string[] = [], gate?: ScheduleGate): Promise<ScanJobResult | undefined> {
  const repo = { owner: repository.owner.login, repo: repository.name };
  const key = `${repo.owner}/${repo.repo}`;
  const { settings, errors } = await loadSettings(octokit, repo);
  if (gate?.dueOnly && !gate.clock.isDue(key, settings.scheduleMs)) {
    log.debug({ repository: key, scheduleMs: settings.scheduleMs }, 'not due for a scheduled scan');
    return undefined;
  }
  for (const error of errors) log.warn({ repository: `${repo.owner}/${repo.repo}`, line: error.line }, error.message);
  const job = await runRepositoryScan({
    client: asClient(octokit),
    repo,
    sha,
    htmlUrl: repository.html_url,
    settings,
    org: repository.owner.type === 'Organization' ? repository.owner.login : undefined,
    departed,
    verdicts: settings.verify?.enabled ? await appVerdictCache() : undefined,
    log: (line) => log.info({ repository: key }, line),
  });
  gate?.clock.record(key);
  if (job.verification) log.info({ repository: key, ...job.verification }, 'secrets verified');
  log.info({ repository: key, sha, findings: job.result.findings.length, created: job.sync?.created.length, closed: job.sync?.closed.length }, 'full scan completed');
  return job;
}

/**
 * Every repository of every installation (or of one), as scheduler targets. Archived and empty
 * repositories are left out.
 */
export async function scanTargets(app: Probot, installationId?: number, departed: string[] = [], gate?: ScheduleGate): Promise<ScheduledTarget[]> {
  const appOctokit = await app.auth();
  const installations: { id: number }[] = installationId ? [{ id: installationId }] : await appOctokit.paginate('GET /app/installations', { per_page: 100 });
  const targets: ScheduledTarget[] = [];
  for (const installation of installations) {
    const octokit = await app.auth(installation.id);
    const repositories: any[] = await octokit.paginate('GET /installation/repositories', { per_page: 100 });
    for (const repository of repositories) {
      if (repository.archived || !repository.default_branch) continue;
      targets.push({
        key: repository.full_name,
        run: async () => {
          const { data: ref } = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: repository.owner.login, repo: repository.name, ref: `heads/${repository.default_branch}` });
          await scanRepository(octokit, repository, ref.object.sha, app.log, departed, gate);
        },
      });
    }
  }
  return targets;
}
