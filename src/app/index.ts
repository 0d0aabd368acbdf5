import type { ApplicationFunction, Context, Logger, Probot, ProbotOctokit } from 'probot';
import type { ScanSettings } from '../core/types.js';
import { analysePullRequest } from '../github/pr-check.js';
import type { RepoRef } from '../github/client.js';
import type { SharedLock } from '../github/check-run.js';
import { applyOwnersEdit } from '../core/policy/owners-edit.js';
import { asClient } from '../github/octokit.js';
import { handleCommandComment, type PullGaps } from '../github/command-handler.js';
import type { CommitAccess } from '../github/pr-commits.js';
import { readsCommits, runPullRequestCheck } from '../github/pull-request-job.js';
import { startPullReads } from '../github/pr-check.js';
import type { ScanQueue } from './queue.js';
import { botLoginOf, commitAccess, scanTargets, scanRepository } from './repository-scan.js';
import { listScanRequests } from './scan-requests.js';
import { ScheduleClock, writeThrough, type ScheduleGate } from './schedule-clock.js';
import { Scheduler } from './scheduler.js';
import { loadSettings } from './settings.js';
import { appVerdictCache, configureVerdictCache } from './verdict-cache.js';

export interface AppOptions {
  /** Set by createApp: with REDIS_URL, a lock shared by the replicas (one PR check per head). */
  checkLock?: SharedLock;
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
export function createApp(appOptions: AppOptions = {}): ApplicationFunction {
  return async (app: Probot) => {
    const live: { queue?: ScanQueue } = {};
    // Several replicas (REDIS_URL): one PR check per head across all of them, by a Redis lock.
    const options: AppOptions = { ...appOptions, checkLock: (key, work) => (live.queue ? live.queue.withLock(key, work) : work()) };
    configureVerdictCache(options.redisUrl);
    // Every full scan records itself here; scheduled rounds only scan what is due.
    // With REDIS_URL, the scans that run outside the queue are recorded in its shared clock too.
    const clock = writeThrough(new ScheduleClock(options.now), () => live.queue?.clock, (key, error) => app.log.error({ repository: key, err: error }, 'could not record a full scan in Redis'));
    const recorded: ScheduleGate = { clock, dueOnly: false };
    app.on([...PULL_REQUEST_EVENTS], (context) => onPullRequest(context, options));
    // Push scans go through the queue once it is connected.
    // The App's own login, asked once: the issue sync and commands act only on issues it opened.
    const botLogin = () => botLoginOf(app);
    app.on('push', (context) => onPush(context, live.queue, recorded, options, botLogin));
    app.on('issue_comment.created', (context) => onIssueComment(context, recorded, options, botLogin));
    // The Re-run buttons of the check (one run, or the whole suite).
    app.on('check_run.rerequested', (context) => onRerequested(context, context.payload.check_run.head_sha, context.payload.check_run.pull_requests, options));
    app.on('check_suite.rerequested', (context) => onRerequested(context, context.payload.check_suite.head_sha, context.payload.check_suite.pull_requests, options));
    app.on('organization.member_removed', (context) => onMemberRemoved(app, context, recorded));
    app.on(['installation.created', 'installation_repositories.added'], (context) => onInstalled(app, context, recorded, options));

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
        const octokit = await app.auth(request.installationId);
        const access = request.before ? await commitAccess(octokit as never, request.repository, options) : undefined;
        const pushed = request.before && access ? { access, before: request.before, count: Math.max(1, request.commits ?? 1) } : undefined;
        await scanRepository(octokit, request.repository, request.sha, app.log, [], gate, { pushed, botLogin });
      },
      onError: (key, error) => app.log.error({ repository: key, err: error }, 'queued scan failed'),
    });
    live.queue = queue;
    if (options.autoStart !== false) await queue.start();
    options.onQueue?.(queue);
  };
}

interface RepositoryPayload {
  name: string;
  full_name: string;
  owner: { login: string } | null;
  clone_url?: string;
  html_url: string;
}

interface PullPayload {
  number: number;
  commits?: number;
  changed_files?: number;
  user?: { login: string } | null;
  head: { sha: string; repo?: { full_name: string } | null };
  base: { sha: string; repo: { full_name: string } };
}

/** What checking a pull request needs, whichever event asked for it. */
interface PullCheckContext {
  octokit: ProbotOctokit;
  log: Logger;
  repository: RepositoryPayload;
  options: AppOptions;
}

function repoOf(repository: RepositoryPayload): RepoRef {
  return { owner: repository.owner?.login ?? repository.full_name.split('/')[0], repo: repository.name };
}

async function onPullRequest(context: Context<'pull_request'>, options: AppOptions): Promise<void> {
  await checkPull({ octokit: context.octokit, log: context.log, repository: context.payload.repository, options }, context.payload.pull_request);
}

async function checkPull(ctx: PullCheckContext, pr: PullPayload): Promise<void> {
  const { octokit, log } = ctx;
  const repo = repoOf(ctx.repository);
  const pull = { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, author: pr.user?.login, changedFiles: pr.changed_files };
  // The file list and git tree need no settings: they are read while the settings load.
  const reads = startPullReads(asClient(octokit), repo, pull);
  // The baseline and ignore files come from the default branch, never from the PR's head.
  const { settings, errors } = await loadSettings(octokit, repo, { suppressions: true });
  const fromFork = pr.head.repo?.full_name !== pr.base.repo.full_name;
  const result = await runPullRequestCheck({
    client: asClient(octokit),
    repo,
    pull,
    reads,
    settings,
    configErrors: errors,
    readOnly: fromFork,
    verdicts: settings.verify?.enabled ? await appVerdictCache() : undefined,
    log: (line) => log.info({ pull: pr.number }, line),
    commits: await commitsFor(ctx, pr.commits, pr.changed_files),
    checkLock: ctx.options.checkLock,
  });
  log.info({ pull: pr.number, conclusion: result.outcome.conclusion, findings: result.analysis?.result.findings.length, downloads: result.analysis?.downloads }, 'NHI hygiene check completed');
  for (const problem of result.reviewProblems) log.warn({ pull: pr.number }, problem);
}

/**
 * Re-run: the open pull requests whose head is `headSha` are checked again. The payload lists
 * them, except for PRs from forks, which are looked up by commit.
 */
async function onRerequested(context: Context<'check_run.rerequested' | 'check_suite.rerequested'>, headSha: string, listed: Array<{ number: number }>, options: AppOptions): Promise<void> {
  const { repository } = context.payload;
  const repo = repoOf(repository);
  const client = asClient(context.octokit);
  let numbers = listed.map((p) => p.number);
  if (numbers.length === 0) {
    const associated = await client.paginate('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { ...repo, commit_sha: headSha, per_page: 100 });
    numbers = associated.filter((p) => p.state === 'open').map((p) => p.number);
  }
  for (const number of [...new Set(numbers)]) {
    const { data: pr } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: number });
    // A re-run of an old commit's check: the PR has moved on, and its head has (or will get) its own check.
    if (pr.state !== 'open' || pr.head.sha !== headSha) continue;
    await checkPull({ octokit: context.octokit, log: context.log, repository, options }, pr);
  }
}

/** At most this many open PRs are re-checked when the owners file changes (most recently updated first). */
export const MAX_OWNERS_RECHECKS = 20;
const rechecks = new Map<string, Promise<void>>();

/**
 * The owners file changed on the default branch: the verdict of open PRs may have changed with
 * it (an NHI now has an owner), so they are checked again: bounded, and one repository's
 * re-checks queued behind each other, off the webhook's response path.
 */
function recheckOpenPulls(ctx: PullCheckContext): Promise<void> {
  const { octokit, log } = ctx;
  const repo = repoOf(ctx.repository);
  const key = `${repo.owner}/${repo.repo}`;
  const run = async () => {
    const client = asClient(octokit);
    const { data: pulls } = await client.request('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'open', sort: 'updated', direction: 'desc', per_page: MAX_OWNERS_RECHECKS });
    for (const pr of pulls as PullPayload[]) await checkPull(ctx, pr);
    log.info({ repository: key, pulls: pulls.length }, 'owners file changed: open pull requests re-checked');
  };
  const next = (rechecks.get(key) ?? Promise.resolve()).then(run).catch((error) => log.error({ repository: key, err: error }, 'could not re-check open pull requests'));
  rechecks.set(key, next);
  void next.finally(() => rechecks.get(key) === next && rechecks.delete(key));
  return next;
}

/** Waits for the queued owners-file re-checks (tests, graceful shutdown). */
export function ownersRechecksSettled(): Promise<void> {
  return Promise.all([...rechecks.values()]).then(() => undefined);
}

/** How the PR check reads the PR's commits from git, when it reads them (`readsCommits`). */
async function commitsFor(ctx: PullCheckContext, count: number | undefined, changedFiles: number | undefined): Promise<(CommitAccess & { count: number }) | undefined> {
  if (!count || !readsCommits(count, changedFiles)) return undefined;
  const access = await commitAccess(ctx.octokit as never, { ...ctx.repository, owner: { login: repoOf(ctx.repository).owner } }, ctx.options);
  return access ? { ...access, count } : undefined;
}

async function onPush(context: Context<'push'>, queue: ScanQueue | undefined, gate: ScheduleGate, options: AppOptions, botLogin: () => Promise<string>): Promise<void> {
  const { payload } = context;
  const defaultRef = `refs/heads/${payload.repository.default_branch}`;
  if (payload.ref !== defaultRef || payload.deleted || /^0+$/.test(payload.after)) return;
  // Every pushed commit, not only the tree at `after`: a secret added and removed in the push counts.
  const before = /^[0-9a-f]{40,64}$/.test(payload.before) && !/^0+$/.test(payload.before) ? payload.before : undefined;
  const repo = repoOf(payload.repository);
  const { settings } = await loadSettings(context.octokit, repo);
  const touched = payload.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]);
  if (touched.includes(settings.ownersPath)) void recheckOpenPulls({ octokit: context.octokit, log: context.log, repository: payload.repository, options });
  if (queue && payload.installation) {
    // One job per pushed commit: a redelivery, or the same push reaching two replicas, is kept once.
    await queue.enqueuePush({ installationId: payload.installation.id, repository: payload.repository as any, sha: payload.after, before, commits: payload.commits?.length });
    return;
  }
  const access = before ? await commitAccess(context.octokit as never, payload.repository as any, options) : undefined;
  const pushed = before && access ? { access, before, count: Math.max(1, payload.commits?.length ?? 1) } : undefined;
  await scanRepository(context.octokit, payload.repository as any, payload.after, context.log, [], gate, { pushed, botLogin });
}

async function onIssueComment(context: Context<'issue_comment.created'>, gate: ScheduleGate, options: AppOptions, botLogin: () => Promise<string>): Promise<void> {
  const { issue, comment, repository } = context.payload;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const { settings } = await loadSettings(context.octokit, repo);
  // On a pull request, commands apply to the NHIs its check found without owner or rotation.
  let gaps: Promise<PullGaps> | undefined;
  const pull = issue.pull_request ? () => (gaps ??= pullGaps(context.octokit, repo, issue.number, settings)) : undefined;
  await handleCommandComment({
    ...(pull ? { pull } : {}),
    client: asClient(context.octokit),
    repo,
    defaultBranch: repository.default_branch,
    ownersPath: settings.ownersPath,
    botLogin,
    label: settings.issues.labels[0],
    issue: { number: issue.number, body: issue.body ?? null, labels: issue.labels?.map((l) => (typeof l === 'string' ? l : l.name ?? '')) ?? [] },
    comment: { id: comment.id, body: comment.body, author: comment.user?.login ?? '', authorType: comment.user?.type },
    applyEdit: (content, edit) => applyOwnersEdit(content, edit),
    rescan: async ({ history }) => {
      const { data: branch } = await context.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: `heads/${repository.default_branch}` });
      const access = history ? await commitAccess(context.octokit as never, repository, options) : undefined;
      // Not gated: a person asked, so the scan always runs.
      const { result, sync, notes } = (await scanRepository(context.octokit, repository, branch.object.sha, context.log, [], gate, { history: access, botLogin }))!;
      const extra = notes.length > 0 ? ` ${notes.join('; ')}.` : '';
      return `${result.findings.length} findings; issues opened ${sync?.created.length ?? 0}, updated ${(sync?.updated.length ?? 0) + (sync?.reopened.length ?? 0)}, closed ${sync?.closed.length ?? 0}.${extra}`;
    },
  });
}

/** The NHIs a pull request's check blames: unowned ones and credentials without rotation. */
async function pullGaps(octokit: ProbotOctokit, repo: RepoRef, number: number, settings: ScanSettings): Promise<PullGaps> {
  const client = asClient(octokit);
  const { data: pr } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: number });
  const analysis = await analysePullRequest(client, repo, { number, headSha: pr.head.sha, baseSha: pr.base.sha, author: pr.user?.login }, { ...settings, mode: 'pr' });
  const byRule = (rule: string) => analysis.result.findings.filter((f) => f.rule === rule && f.identityId).map((f) => ({ identityId: f.identityId!, file: f.file }));
  return { unowned: byRule('identity/unowned'), noRotation: byRule('credential/no-rotation') };
}

async function onMemberRemoved(app: Probot, context: Context<'organization.member_removed'>, gate: ScheduleGate): Promise<void> {
  const login = context.payload.membership.user?.login;
  if (!login) return;
  for (const target of await scanTargets(app, context.payload.installation?.id, [login], gate)) await target.run();
}

async function onInstalled(app: Probot, context: Context<'installation.created' | 'installation_repositories.added'>, gate: ScheduleGate, options: AppOptions): Promise<void> {
  // First contact: one onboarding PR per repository that needs one, no issue storm (onboarding.ts);
  // the first scan of a repository also reads its history (docs/history.md).
  for (const target of await scanTargets(app, context.payload.installation.id, [], gate, { history: options, onboard: true })) await target.run();
}

export default createApp({
  intervalMs: Number(process.env.NHI_SCHEDULE_MS) || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  gitBaseUrl: process.env.NHI_GIT_BASE_URL || undefined,
  cloneDir: process.env.NHI_CLONE_DIR || undefined,
  cloneMaxBytes: Number(process.env.NHI_CLONE_MAX_BYTES) || undefined,
});
