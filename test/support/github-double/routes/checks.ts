/** Check runs, with the Checks API limits GitHub enforces. */
import { HttpError, notFound, ok, paginate, repoOf, type Ctx, type Handler } from '../http.js';
import { checkRunShape } from '../shapes.js';
import type { Annotation, CheckRunState } from '../state.js';

/**
 * Documented limits: https://docs.github.com/en/rest/checks/runs. GitHub measures output.summary,
 * output.text and an annotation's message in bytes (a non-ASCII summary under 65,535 characters can
 * still be refused); titles are at most 255 characters; columns only on one-line annotations.
 */
export const CHECKS_LIMITS = { annotationsPerRequest: 50, summaryBytes: 65535, textBytes: 65535, messageBytes: 65535, titleChars: 255 } as const;

interface CheckBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  external_id?: string;
  details_url?: string;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: Annotation[] };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const chars = (text: string) => [...text].length;

function enforceLimits(b: CheckBody): void {
  const out = b.output;
  if (out?.annotations && out.annotations.length > CHECKS_LIMITS.annotationsPerRequest) {
    throw new HttpError(422, `Only ${CHECKS_LIMITS.annotationsPerRequest} annotations are allowed per request (got ${out.annotations.length})`);
  }
  if (out?.summary && bytes(out.summary) > CHECKS_LIMITS.summaryBytes) {
    throw new HttpError(422, `output.summary is too long (maximum is ${CHECKS_LIMITS.summaryBytes} bytes, got ${bytes(out.summary)})`);
  }
  if (out?.text && bytes(out.text) > CHECKS_LIMITS.textBytes) {
    throw new HttpError(422, `output.text is too long (maximum is ${CHECKS_LIMITS.textBytes} bytes)`);
  }
  if (out?.title && chars(out.title) > CHECKS_LIMITS.titleChars) throw new HttpError(422, `output.title is too long (maximum is ${CHECKS_LIMITS.titleChars} characters)`);
  for (const [i, a] of (out?.annotations ?? []).entries()) {
    if (bytes(a.message ?? '') > CHECKS_LIMITS.messageBytes) throw new HttpError(422, `annotations[${i}].message is too long (maximum is ${CHECKS_LIMITS.messageBytes} bytes)`);
    if (a.title && chars(a.title) > CHECKS_LIMITS.titleChars) throw new HttpError(422, `annotations[${i}].title is too long (maximum is ${CHECKS_LIMITS.titleChars} characters)`);
    if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
      throw new HttpError(422, `annotations[${i}]: start_column and end_column may only be given when start_line equals end_line`);
    }
  }
  if (b.status === 'completed' && !b.conclusion) throw new HttpError(422, 'conclusion is required when status is completed');
}

function apply(ctx: Ctx, run: CheckRunState, b: CheckBody): void {
  if (b.name !== undefined) run.name = b.name;
  if (b.external_id !== undefined) run.external_id = b.external_id;
  if (b.details_url !== undefined) run.details_url = b.details_url;
  if (b.started_at !== undefined) run.started_at = b.started_at;
  if (b.status !== undefined) run.status = b.status;
  // Providing a conclusion completes the run, as GitHub documents.
  if (b.conclusion !== undefined) {
    run.conclusion = b.conclusion;
    run.status = 'completed';
    run.completed_at = b.completed_at ?? run.completed_at ?? ctx.state.now();
  } else if (b.completed_at !== undefined) run.completed_at = b.completed_at;
  if (b.output) {
    run.output = { title: b.output.title ?? run.output.title, summary: b.output.summary ?? run.output.summary, text: b.output.text ?? run.output.text };
    const anns = b.output.annotations ?? [];
    if (anns.length) {
      run.annotations.push(...anns);
      run.annotationBatches.push(anns.length);
    }
  }
}

export const checkRoutes: Record<string, Handler> = {
  'checks/create': (ctx) => {
    const repo = repoOf(ctx);
    const b = ctx.body as CheckBody;
    enforceLimits(b);
    if (!repo.git.get(b.head_sha!, 'commit')) throw new HttpError(422, 'No commit found for SHA: ' + b.head_sha);
    const run: CheckRunState = {
      id: ctx.state.nextId(),
      name: b.name!,
      head_sha: b.head_sha!,
      status: 'queued',
      conclusion: null,
      external_id: null,
      details_url: null,
      started_at: ctx.state.now(),
      completed_at: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      annotationBatches: [],
    };
    apply(ctx, run, b);
    repo.checkRuns.set(run.id, run);
    return ok(checkRunShape(ctx.baseUrl, ctx.state, repo, run), 201);
  },
  'checks/update': (ctx) => {
    const repo = repoOf(ctx);
    const run = repo.checkRuns.get(Number(ctx.params.check_run_id)) ?? notFound();
    const b = ctx.body as CheckBody;
    enforceLimits(b);
    apply(ctx, run, b);
    return ok(checkRunShape(ctx.baseUrl, ctx.state, repo, run));
  },
  'checks/get': (ctx) => {
    const repo = repoOf(ctx);
    const run = repo.checkRuns.get(Number(ctx.params.check_run_id)) ?? notFound();
    return ok(checkRunShape(ctx.baseUrl, ctx.state, repo, run));
  },
  'checks/list-annotations': (ctx) => {
    const repo = repoOf(ctx);
    const run = repo.checkRuns.get(Number(ctx.params.check_run_id)) ?? notFound();
    return paginate(ctx, run.annotations.map((a) => ({ blob_href: '', start_column: null, end_column: null, title: null, raw_details: null, ...a })));
  },
  'checks/list-for-ref': (ctx) => {
    const repo = repoOf(ctx);
    const sha = repo.git.resolveCommit(ctx.params.ref) ?? notFound();
    const runs = [...repo.checkRuns.values()]
      .filter((r) => r.head_sha === sha && (!ctx.query.check_name || r.name === ctx.query.check_name) && (!ctx.query.status || r.status === ctx.query.status))
      .reverse();
    return paginate(ctx, runs, (page) => ({ total_count: runs.length, check_runs: page.map((r) => checkRunShape(ctx.baseUrl, ctx.state, repo, r)) }));
  },
};
