import { levelRank, meetsThreshold, type FailOn, type Finding, type Level } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';

export const CHECK_NAME = 'NHI hygiene';
/** The Checks API accepts at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** The Checks API rejects an output.summary longer than this. */
export const SUMMARY_LIMIT = 65_535;

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
        title: finding.rule,
        message: finding.message,
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

export function clampSummary(summary: string): string {
  if (summary.length <= SUMMARY_LIMIT) return summary;
  const note = '\n\n_…summary truncated to fit the Checks API limit._';
  return summary.slice(0, SUMMARY_LIMIT - note.length) + note;
}

/**
 * Runs `work` inside one check run: created `in_progress`, then completed with a conclusion and
 * annotations in batches of 50. If `work` throws, the run still completes — as a failure that
 * says the check could not finish — and the error is rethrown for the caller to log.
 */
export async function withCheckRun(client: GitHubClient, repo: RepoRef, headSha: string, work: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  const { data: created } = await client.request('POST /repos/{owner}/{repo}/check-runs', {
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
  });
  const checkRunId: number = created.id;
  let outcome: CheckOutcome;
  try {
    outcome = await work();
  } catch (error) {
    await completeCheckRun(client, repo, checkRunId, {
      conclusion: 'failure',
      title: 'nhi-steward could not complete the check',
      summary: `The check stopped on an internal error: ${safeMessage(error)}\n\nRe-run the check; if it fails again, report it with this message.`,
      annotations: [],
    });
    throw error;
  }
  await completeCheckRun(client, repo, checkRunId, outcome);
  return outcome;
}

export async function completeCheckRun(client: GitHubClient, repo: RepoRef, checkRunId: number, outcome: CheckOutcome): Promise<void> {
  const summary = clampSummary(outcome.summary);
  const batches: Annotation[][] = [];
  for (let i = 0; i < outcome.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(outcome.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  // Every batch but the last goes while the run is still in progress; the last one completes it.
  for (const batch of batches.slice(0, -1)) {
    await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repo,
      check_run_id: checkRunId,
      output: { title: outcome.title, summary, annotations: batch },
    });
  }
  await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: outcome.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: outcome.title, summary, annotations: batches.at(-1) ?? [] },
  });
}

function safeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 300);
}
