import { CHECK_TEXT_LIMIT_BYTES, clampBytes, clampTitle } from '../core/report/limits.js';
import { levelRank, meetsThreshold, type FailOn, type Finding, type Level } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { createOnce, NO_BLIND_RETRY } from './idempotent.js';
import { withRepoLock } from './repo-lock.js';

export const CHECK_NAME = 'NHI hygiene';
/** The Checks API accepts at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** The Checks API rejects an output.summary (or text, or annotation message) over this many bytes. */
export const SUMMARY_LIMIT = CHECK_TEXT_LIMIT_BYTES;

export type Conclusion = 'success' | 'failure' | 'neutral';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

export interface CheckOutcome {
  conclusion: Conclusion;
  title: string;
  summary: string;
  annotations: Annotation[];
}

const ANNOTATION_LEVEL: Record<Level, Annotation['annotation_level']> = {
  error: 'failure',
  warning: 'warning',
  notice: 'notice',
  info: 'notice',
};

/** Most severe first, then by file and line, so the annotations GitHub shows first matter most. */
export function toAnnotations(findings: Finding[]): Annotation[] {
  return [...findings]
    .sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.file.localeCompare(b.file) || a.line - b.line)
    .map((finding) => {
      const endLine = Math.max(finding.endLine ?? finding.line, finding.line);
      const annotation: Annotation = {
        path: finding.file,
        start_line: finding.line,
        end_line: endLine,
        annotation_level: ANNOTATION_LEVEL[finding.level],
        title: clampTitle(finding.rule),
        message: clampBytes(finding.message, CHECK_TEXT_LIMIT_BYTES, '…'),
      };
      // Columns are only allowed when the annotation spans a single line.
      if (endLine === finding.line && finding.endColumn && finding.endColumn >= finding.column) {
        annotation.start_column = finding.column;
        annotation.end_column = finding.endColumn;
      }
      return annotation;
    });
}

export function conclusionFor(findings: Finding[], failOn: FailOn): Conclusion {
  return findings.some((f) => meetsThreshold(f.level, failOn)) ? 'failure' : 'success';
}

/** Clamps a summary to the Checks API limit in bytes, saying so when it had to cut. */
export function clampSummary(summary: string): string {
  return clampBytes(summary, SUMMARY_LIMIT, '\n\n_…summary truncated to fit the Checks API limit._');
}

/** The check run's `external_id`: one run per head commit and name, found again on redelivery. */
export function externalIdFor(headSha: string): string {
  return `nhi-steward:${headSha}`;
}

/**
 * A lock shared by every replica of the App (Redis, with REDIS_URL: app/queue.ts): `work` runs
 * while no other replica runs work under the same key. GitHub has no unique check-run create, so
 * two replicas checking one head at once would otherwise each open a run.
 */
export type SharedLock = <T>(key: string, work: () => Promise<T>) => Promise<T>;

interface OpenedRun {
  id: number;
  /** Annotations the run already has (a reused run): GitHub appends annotations, so none are re-sent. */
  annotations: number;
}

/**
 * How long a check may run before its run is shown `in_progress`. Octokit's throttling plugin
 * keeps an installation's writes 1 s apart, as GitHub's guidance on secondary rate limits asks: a
 * run opened in progress at time t cannot be completed before t + 1 s. So a check that concludes
 * within this delay makes one write, its run created (or a reused run updated) already completed;
 * a slower one opens the run in progress at this point, while it goes on, and completes it at the
 * end (at the earliest 1 s later). Against GitHub a PR check's own reads take about one second
 * (~7 round trips, one after another), hence 2 s: with 100 ms per API call the bench's 100-file
 * check took 0.8–0.9 s this way, 2.0 s with a 0.5 s delay and 1.6 s when every run was opened first
 * (docs/performance.md, "The App's PR check").
 */
export const IN_PROGRESS_AFTER_MS = 2_000;

export interface CheckRunOptions {
  lock?: SharedLock;
  /** Default IN_PROGRESS_AFTER_MS; 0 opens the run in progress before the work starts. */
  inProgressAfterMs?: number;
}

/**
 * Runs `work` inside one check run and always concludes it (docs/architecture.md, "Check runs
 * always conclude"). The run for this head and name is reused when one exists (a redelivered or
 * concurrent event, a create whose answer was lost), else created. Work that outlasts
 * `inProgressAfterMs` is shown in progress meanwhile (see IN_PROGRESS_AFTER_MS). The run is
 * completed with the outcome; if `work` throws, or completing with the outcome fails (a limit
 * GitHub enforces, a fault), the run is still completed — as a failure with a short summary — and
 * the error is rethrown for the caller to log.
 */
export async function withCheckRun(client: GitHubClient, repo: RepoRef, headSha: string, work: () => Promise<CheckOutcome>, options: CheckRunOptions = {}): Promise<CheckOutcome> {
  // One check per head at a time in this process, and across replicas with a shared lock: a
  // redelivery or a concurrent event waits, then reuses the run (found by its external id).
  const key = `${repo.owner}/${repo.repo}#check:${headSha}`;
  const shared: SharedLock = options.lock ?? ((_key, inner) => inner());
  return withRepoLock(key, () => shared(key, async () => {
    // The lookup and the work go at once (one round trip less); the run is written only once both
    // are done, or when the work outlasts the delay.
    const existing = findCheckRun(client, repo, headSha);
    existing.catch(() => undefined); // its failure is met where the run is written
    const run = new LazyRun(client, repo, headSha, existing);
    const delay = options.inProgressAfterMs ?? IN_PROGRESS_AFTER_MS;
    if (delay <= 0) await run.open();
    // An open that fails here is not the check's failure: the run is then written when it concludes.
    const timer = delay > 0 ? setTimeout(() => void run.open().catch(() => undefined), delay) : undefined;
    let failure: unknown;
    try {
      const outcome = await work();
      clearTimeout(timer);
      await run.conclude(outcome);
      return outcome;
    } catch (error) {
      clearTimeout(timer);
      failure = error;
    }
    await run.conclude(failureOutcome(failure));
    throw failure;
  }));
}

export function failureOutcome(error: unknown): CheckOutcome {
  return {
    conclusion: 'failure',
    title: 'nhi-steward could not complete the check',
    summary: `The check stopped on an internal error: ${safeMessage(error)}\n\nRe-run the check; if it fails again, report it with this message.`,
    annotations: [],
  };
}

/** Our run for this head and name (by external id), if there is one; the oldest if several. */
async function findCheckRun(client: GitHubClient, repo: RepoRef, headSha: string): Promise<OpenedRun | undefined> {
  const externalId = externalIdFor(headSha);
  const runs = await client.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...repo, ref: headSha, check_name: CHECK_NAME, filter: 'all', per_page: 100 });
  const ours = runs.filter((r) => r.external_id === externalId).sort((a, b) => Number(a.id) - Number(b.id))[0];
  return ours ? { id: Number(ours.id), annotations: ours.output?.annotations_count ?? 0 } : undefined;
}

/**
 * The run of one check, written only when needed: opened in progress (`open`, at most once, a
 * failed open tried again by the next call), and concluded (`conclude`) — in a single write when
 * it was never opened and the outcome fits one request.
 */
class LazyRun {
  private opening: Promise<OpenedRun> | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: RepoRef,
    private readonly headSha: string,
    private readonly existing: Promise<OpenedRun | undefined>,
  ) {}

  open(): Promise<OpenedRun> {
    this.opening ??= this.write('in_progress').catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  async conclude(outcome: CheckOutcome): Promise<void> {
    // A run whose open failed is created (or updated) completed instead, as if never opened.
    const opened = await this.opening?.catch(() => undefined);
    if (!opened && outcome.annotations.length <= ANNOTATIONS_PER_REQUEST) {
      await this.write('completed', outcome);
      return;
    }
    const run = opened ?? (await this.open());
    await completeCheckRun(this.client, this.repo, run.id, run.annotations > 0 ? { ...outcome, annotations: [] } : outcome);
  }

  /** Creates the run, or updates the existing one, with this status (and outcome, once completed). */
  private async write(status: 'in_progress' | 'completed', outcome?: CheckOutcome): Promise<OpenedRun> {
    const { client, repo } = this;
    const existing = await this.existing;
    const fields = outcome ? completedFields(outcome, existing !== undefined && existing.annotations > 0 ? [] : outcome.annotations) : {};
    if (existing) {
      await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...repo, check_run_id: existing.id, status, ...fields });
      return existing;
    }
    return createOnce({
      find: () => findCheckRun(client, repo, this.headSha),
      create: async () => {
        const { data } = await client.request('POST /repos/{owner}/{repo}/check-runs', {
          ...repo,
          name: CHECK_NAME,
          head_sha: this.headSha,
          external_id: externalIdFor(this.headSha),
          status,
          started_at: this.startedAt,
          ...fields,
          ...NO_BLIND_RETRY,
        });
        return { id: data.id as number, annotations: outcome?.annotations.length ?? 0 };
      },
    });
  }
}

/** The fields that complete a run with `outcome`, `annotations` (at most one request's) included. */
function completedFields(outcome: CheckOutcome, annotations: Annotation[]) {
  return {
    conclusion: outcome.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: clampTitle(outcome.title), summary: clampSummary(outcome.summary), annotations },
  };
}

export async function completeCheckRun(client: GitHubClient, repo: RepoRef, checkRunId: number, outcome: CheckOutcome): Promise<void> {
  const summary = clampSummary(outcome.summary);
  const title = clampTitle(outcome.title);
  const batches: Annotation[][] = [];
  for (let i = 0; i < outcome.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(outcome.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  // Every batch but the last goes while the run is still in progress; the last one completes it.
  for (const batch of batches.slice(0, -1)) {
    await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repo,
      check_run_id: checkRunId,
      output: { title, summary, annotations: batch },
    });
  }
  await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...repo, check_run_id: checkRunId, status: 'completed', ...completedFields(outcome, batches.at(-1) ?? []) });
}

/** An error's first line, at most 300 characters (no response body or stack). */
export function safeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 300);
}
