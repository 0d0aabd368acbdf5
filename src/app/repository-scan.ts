import type { Logger, Probot, ProbotOctokit } from 'probot';
import { asClient } from '../github/octokit.js';
import { withRepositoryHistory } from '../github/history-scan.js';
import { withRangeCommits, type CommitAccess } from '../github/pr-commits.js';
import type { ScanResult, SecretSink } from '../core/types.js';
import { runRepositoryScan, type ScanJobResult } from '../github/scan-job.js';
import type { ScheduleGate } from './schedule-clock.js';
import type { ScheduledTarget } from './scheduler.js';
import { loadSettings, loadSuppressions } from './settings.js';
import { appVerdictCache } from './verdict-cache.js';

interface RepositoryPayload {
  name: string;
  full_name?: string;
  owner: { login: string; type?: string };
  html_url: string;
  clone_url?: string;
  default_branch?: string;
  archived?: boolean;
}

/** Where clones come from and where they go (AppOptions: gitBaseUrl, cloneDir, cloneMaxBytes). */
export interface CloneSettings {
  gitBaseUrl?: string;
  cloneDir?: string;
  cloneMaxBytes?: number;
}

/** Extra work for a full scan (docs/history.md): the pushed commits, or the whole history. */
export interface ScanExtras {
  /** A push: every commit from `before` to the scanned sha. */
  pushed?: { access: CommitAccess; before: string; count: number };
  /** The default branch's history and the open pull requests' heads. */
  history?: CommitAccess;
  /** First contact (installation): open the onboarding PR when the repository needs one. */
  onboard?: boolean;
  /** The App's bot login (`<slug>[bot]`): the issue sync acts only on issues it opened. */
  botLogin?: () => Promise<string>;
}

const botLogins = new WeakMap<Probot, Promise<string>>();

/**
 * The App's own login, `<slug>[bot]`, asked once per App (`GET /app` takes the App's JWT). Issues
 * and commands act only on issues this user opened (docs/security.md, "Forged issues").
 */
export function botLoginOf(app: Probot): Promise<string> {
  let login = botLogins.get(app);
  if (!login) {
    login = app.auth().then(async (octokit) => `${(await octokit.request('GET /app')).data?.slug}[bot]`);
    botLogins.set(app, login);
    // A failed look-up is asked again next time.
    void login.catch(() => botLogins.get(app) === login && botLogins.delete(app));
  }
  return login;
}

/** How the App reaches a repository's git data: the clone URL and the installation token. */
export async function commitAccess(octokit: { auth: (options: { type: 'installation' }) => Promise<unknown> }, repository: { full_name?: string; name: string; owner: { login: string }; clone_url?: string; html_url: string }, options: CloneSettings): Promise<CommitAccess | undefined> {
  const fullName = repository.full_name ?? `${repository.owner.login}/${repository.name}`;
  const cloneUrl = options.gitBaseUrl ? `${options.gitBaseUrl.replace(/\/$/, '')}/${fullName}.git` : (repository.clone_url ?? `${repository.html_url}.git`);
  // Asked for only when the clone starts: by then the scan's own API calls have minted the token.
  const token = async () => ((await octokit.auth({ type: 'installation' }).catch(() => undefined)) as { token?: string } | undefined)?.token;
  return { cloneUrl, token, htmlUrl: repository.html_url, maxBytes: options.cloneMaxBytes, tempRoot: options.cloneDir };
}

/**
 * A full scan of one repository at `sha`, with the issue and dashboard sync. Under a `dueOnly`
 * gate the scan is skipped (undefined) while the repository's own `schedule` has not elapsed.
 */
export async function scanRepository(octokit: ProbotOctokit, repository: RepositoryPayload, sha: string, log: Logger, departed: string[] = [], gate?: ScheduleGate, extras: ScanExtras = {}): Promise<(ScanJobResult & { notes: string[] }) | undefined> {
  const repo = { owner: repository.owner.login, repo: repository.name };
  const key = `${repo.owner}/${repo.repo}`;
  const loaded = await loadSettings(octokit, repo);
  if (gate?.dueOnly && !gate.clock.isDue(key, loaded.settings.scheduleMs)) {
    log.debug({ repository: key, scheduleMs: loaded.settings.scheduleMs }, 'not due for a scheduled scan');
    return undefined;
  }
  // The baseline and ignore files on the default branch (docs/security.md).
  await loadSuppressions(asClient(octokit), repo, loaded);
  const { settings, errors } = loaded;
  for (const error of errors) log.warn({ repository: `${repo.owner}/${repo.repo}`, line: error.line }, error.message);
  const notes: string[] = [];
  const extend = async (tree: ScanResult, reveal?: SecretSink): Promise<ScanResult> => {
    let result = tree;
    if (extras.pushed) {
      const scanned = await withRangeCommits(result, extras.pushed.access, { base: extras.pushed.before, head: sha, count: extras.pushed.count }, 'push', settings, reveal);
      notes.push(scanned.note);
      result = scanned.result;
    }
    if (extras.history && repository.default_branch) {
      const scanned = await withRepositoryHistory(result, asClient(octokit), repo, extras.history, repository.default_branch, settings, reveal);
      notes.push(scanned.note);
      result = scanned.result;
    }
    return result;
  };
  const job = await runRepositoryScan({
    client: asClient(octokit),
    repo,
    sha,
    htmlUrl: repository.html_url,
    settings,
    org: repository.owner.type === 'Organization' ? repository.owner.login : undefined,
    departed,
    extend: extras.pushed || extras.history ? extend : undefined,
    verdicts: settings.verify?.enabled ? await appVerdictCache() : undefined,
    log: (line) => log.info({ repository: key }, line),
    ...(extras.botLogin ? { author: await extras.botLogin() } : {}),
    ...(extras.onboard && repository.default_branch ? { onboard: { defaultBranch: repository.default_branch } } : {}),
  });
  for (const note of notes) log.info({ repository: key }, note);
  gate?.clock.record(key);
  if (job.verification) log.info({ repository: key, ...job.verification }, 'secrets verified');
  log.info({ repository: key, sha, findings: job.result.findings.length, created: job.sync?.created.length, closed: job.sync?.closed.length, onboarding: job.onboarding?.number }, 'full scan completed');
  return { ...job, notes };
}

/**
 * Every repository of every installation (or of one), as scheduler targets. Archived and empty
 * repositories are left out.
 */
export async function scanTargets(app: Probot, installationId?: number, departed: string[] = [], gate?: ScheduleGate, first: { history?: CloneSettings; onboard?: boolean } = {}): Promise<ScheduledTarget[]> {
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
          const access = first.history ? await commitAccess(octokit, repository, first.history) : undefined;
          await scanRepository(octokit, repository, ref.object.sha, app.log, departed, gate, { history: access, onboard: first.onboard, botLogin: () => botLoginOf(app) });
        },
      });
    }
  }
  return targets;
}
