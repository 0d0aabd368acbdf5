import type { ApplicationFunction, Context, Probot } from 'probot';
import { applyOwnersEdit } from '../core/policy/owners-edit.js';
import { asClient } from '../github/client.js';
import { handleCommandComment } from '../github/command-handler.js';
import type { CommitAccess } from '../github/pr-commits.js';
import { runPullRequestCheck } from '../github/pull-request-job.js';
import type { ScanQueue } from './queue.js';
import { scanTargets, scanRepository } from './repository-scan.js';
import { listScanRequests } from './scan-requests.js';
import { ScheduleClock, writeThrough, type ScheduleGate } from './schedule-clock.js';
import { Scheduler } from './scheduler.js';
import { loadSettings } from './settings.js';
import { appVerdictCache, configureVerdictCache } from './verdict-cache.js';

export interface AppOptions {
  /**
   * How often the in-process scheduler wakes up to scan the repositories that are due, each by its
   * own `schedule` (default 1 h; NHI_SCHEDULE_MS overrides). With REDIS_URL: the queue's round,
   * which also scans only what is due.
   */
  intervalMs?: number;
  /** The time, for the schedule clocks and the queue's job buckets (tests move it). */
  now?: () => number;
  /** Honour each repository's `schedule` (default true); tests that drive rounds turn it off. */
  respectSchedule?: boolean;
  jitterMs?: number;
  concurrency?: number;
  /** Start the timer (tests drive `scheduler.tick()` themselves). */
  autoStart?: boolean;
  /** Receives the scheduler so tests and operators can drive it. */
  onScheduler?: (scheduler: Scheduler) => void;
  /** Set (the entry passes REDIS_URL): scheduled full scans become BullMQ jobs shared by every replica. */
  redisUrl?: string;
  /** Scan job tries and first backoff (BullMQ `attempts` / exponential `backoff`). */
  attempts?: number;
  backoffMs?: number;
  /** Receives the queue when `redisUrl` is set. */
  onQueue?: (queue: ScanQueue) => void;
  /**
   * Where git clones come from: `<gitBaseUrl>/<owner>/<repo>.git` (NHI_GIT_BASE_URL, e.g. a git
   * mirror). Default: the repository's `clone_url` from GitHub.
   */
  gitBaseUrl?: string;
  /** Parent folder of temporary clones (NHI_CLONE_DIR; default the OS temp folder). */
  cloneDir?: string;
  /** Disk cap of one temporary clone in bytes (NHI_CLONE_MAX_BYTES; default 2 GiB). */
  cloneMaxBytes?: number;
}

const PULL_REQUEST_EVENTS = ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'] as const;

/** The Probot entry: it only wires events to the logic in src/github. */
export function createApp(options: AppOptions = {}): ApplicationFunction {
  return async (app: Probot) => {
    configureVerdictCache(options.redisUrl);
    // Every full scan records itself here; scheduled rounds only scan what is due.
    // With REDIS_URL, the scans that run outside the queue are recorded in its shared clock too.
    const live: { queue?: ScanQueue } = {};
    const clock = writeThrough(new ScheduleClock(options.now), () => live.queue?.clock, (key, error) => app.log.error({ repository: key, err: error }, 'could not record a full scan in Redis'));
    const recorded: ScheduleGate = { clock, dueOnly: false };
    app.on([...PULL_REQUEST_EVENTS], (context) => onPullRequest(context, options));
    // Push scans go through the queue once it is connected.
    app.on('push', (context) => onPush(context, live.queue, recorded));
    // The App's own login, asked once: commands act only on issues it opened.
    let bot: Promise<string> | undefined;
    const botLogin = () =>
      (bot ??= app.auth().then(async (octokit) => `${(await octokit.request('GET /app')).data?.slug}[bot]`)).catch((error: unknown) => {
        bot = undefined;
        throw error;
      });
    app.on('issue_comment.created', (context) => onIssueComment(context, recorded, botLogin));
    app.on('organization.member_removed', (context) => onMemberRemoved(app, context, recorded));
    app.on(['installation.created', 'installation_repositories.added'], (context) => onInstalled(app, context, recorded));

    const scheduler = new Scheduler({
      intervalMs: options.intervalMs ?? 60 * 60 * 1000,
      jitterMs: options.jitterMs ?? 60_000,
      concurrency: options.concurrency ?? 2,
      listTargets: () => scanTargets(app, undefined, [], { clock, dueOnly: options.respectSchedule !== false }),
      onError: (key, error) => app.log.error({ repository: key, err: error }, 'scheduled scan failed'),
    });
    options.onScheduler?.(scheduler);
    const { redisUrl } = options;
    if (!redisUrl) {
      if (options.autoStart !== false) scheduler.start();
      return;
    }
    // Scheduled rounds and push scans go through the queue; `/nhi-steward rescan` stays in-process
    // (it replies with the result). BullMQ is imported only on this path.
    const { ScanQueue } = await import('./queue.js');
    const queue = await ScanQueue.connect({
      redisUrl,
      // Hourly like the in-process scheduler: each scheduled job scans only if its repository is due.
      intervalMs: options.intervalMs ?? 60 * 60 * 1000,
      jitterMs: options.jitterMs ?? 60_000,
      concurrency: options.concurrency ?? 2,
      attempts: options.attempts,
      backoffMs: options.backoffMs,
      respectSchedule: options.respectSchedule,
      now: options.now,
      listRequests: () => listScanRequests(app, (key, error) => app.log.error({ repository: key, err: error }, 'could not list repository for a scheduled scan')),
      runScan: async (request, gate) => {
        await scanRepository(await app.auth(request.installationId), request.repository, request.sha, app.log, [], gate);
      },
      onError: (key, error) => app.log.error({ repository: key, err: error }, 'queued scan failed'),
    });
    live.queue = queue;
    if (options.autoStart !== false) await queue.start();
    options.onQueue?.(queue);
  };
}

/** How the App reaches a repository's git data: the clone URL and the installation token. */
export async function commitAccess(octokit: { auth: (options: { type: 'installation' }) => Promise<unknown> }, repository: { full_name: string; clone_url?: string; html_url: string }, options: AppOptions): Promise<CommitAccess | undefined> {
  const cloneUrl = options.gitBaseUrl ? `${options.gitBaseUrl.replace(/\/$/, '')}/${repository.full_name}.git` : repository.clone_url;
  if (!cloneUrl) return undefined;
  const auth = (await octokit.auth({ type: 'installation' }).catch(() => undefined)) as { token?: string } | undefined;
  return { cloneUrl, token: auth?.token, htmlUrl: repository.html_url, maxBytes: options.cloneMaxBytes, tempRoot: options.cloneDir };
}

async function onPullRequest(context: Context<'pull_request'>, options: AppOptions): Promise<void> {
  const { pull_request: pr, repository } = context.payload;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const { settings, errors } = await loadSettings(context.octokit, repo);
  const fromFork = pr.head.repo?.full_name !== pr.base.repo.full_name;
  const result = await runPullRequestCheck({
    client: asClient(context.octokit),
    repo,
    pull: { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, author: pr.user?.login },
    settings,
    configErrors: errors,
    readOnly: fromFork,
    verdicts: settings.verify?.enabled ? await appVerdictCache() : undefined,
    log: (line) => context.log.info({ pull: pr.number }, line),
    commits: await commitsFor(context, pr.commits, options),
  });
  context.log.info({ pull: pr.number, conclusion: result.outcome.conclusion, findings: result.analysis?.result.findings.length }, 'NHI hygiene check completed');
}

async function commitsFor(context: Context<'pull_request'>, count: number | undefined, options: AppOptions): Promise<(CommitAccess & { count: number }) | undefined> {
  if (!count || count <= 1) return undefined;
  const access = await commitAccess(context.octokit as never, context.payload.repository, options);
  return access ? { ...access, count } : undefined;
}

async function onPush(context: Context<'push'>, queue: ScanQueue | undefined, gate: ScheduleGate): Promise<void> {
  const { payload } = context;
  const defaultRef = `refs/heads/${payload.repository.default_branch}`;
  if (payload.ref !== defaultRef || payload.deleted || /^0+$/.test(payload.after)) return;
  if (queue && payload.installation) {
    // One job per pushed commit: a redelivery, or the same push reaching two replicas, is kept once.
    await queue.enqueuePush({ installationId: payload.installation.id, repository: payload.repository as any, sha: payload.after });
    return;
  }
  await scanRepository(context.octokit, payload.repository as any, payload.after, context.log, [], gate);
}

async function onIssueComment(context: Context<'issue_comment.created'>, gate: ScheduleGate, botLogin: () => Promise<string>): Promise<void> {
  const { issue, comment, repository } = context.payload;
  if (issue.pull_request) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const { settings } = await loadSettings(context.octokit, repo);
  await handleCommandComment({
    client: asClient(context.octokit),
    repo,
    defaultBranch: repository.default_branch,
    ownersPath: settings.ownersPath,
    botLogin,
    label: settings.issues.labels[0],
    issue: { number: issue.number, body: issue.body ?? null, labels: issue.labels?.map((l) => (typeof l === 'string' ? l : l.name ?? '')) ?? [] },
    comment: { id: comment.id, body: comment.body, author: comment.user?.login ?? '', authorType: comment.user?.type },
    applyEdit: (content, edit) => applyOwnersEdit(content, edit),
    rescan: async () => {
      const { data: branch } = await context.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: `heads/${repository.default_branch}` });
      // Not gated: a person asked, so the scan always runs.
      const { result, sync } = (await scanRepository(context.octokit, repository, branch.object.sha, context.log, [], gate))!;
      return `${result.findings.length} findings; issues opened ${sync?.created.length ?? 0}, updated ${(sync?.updated.length ?? 0) + (sync?.reopened.length ?? 0)}, closed ${sync?.closed.length ?? 0}.`;
    },
  });
}

async function onMemberRemoved(app: Probot, context: Context<'organization.member_removed'>, gate: ScheduleGate): Promise<void> {
  const login = context.payload.membership.user?.login;
  if (!login) return;
  for (const target of await scanTargets(app, context.payload.installation?.id, [login], gate)) await target.run();
}

async function onInstalled(app: Probot, context: Context<'installation.created' | 'installation_repositories.added'>, gate: ScheduleGate): Promise<void> {
  for (const target of await scanTargets(app, context.payload.installation.id, [], gate)) await target.run();
}

export default createApp({
  intervalMs: Number(process.env.NHI_SCHEDULE_MS) || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  gitBaseUrl: process.env.NHI_GIT_BASE_URL || undefined,
  cloneDir: process.env.NHI_CLONE_DIR || undefined,
  cloneMaxBytes: Number(process.env.NHI_CLONE_MAX_BYTES) || undefined,
});
