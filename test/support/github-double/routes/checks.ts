/** Check runs, with the Checks API limits GitHub enforces. */
import { HttpError, notFound, ok, paginate, repoOf, type Ctx, type Handler } from '../http.js';
import { checkRunShape } from '../shapes.js';
import type { Annotation, CheckRunState } from '../state.js';

/** Documented limits: https://docs.github.com/en/rest/checks/runs (output.summary/text, annotations). */
export const CHECKS_LIMITS = { annotationsPerRequest: 50, summaryChars: 65535, textChars: 65535 } as const;

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

function enforceLimits(b: CheckBody): void {
  const out = b.output;
  if (out?.annotations && out.annotations.length > CHECKS_LIMITS.annotationsPerRequest) {
    throw new HttpError(422, `Only ${CHECKS_LIMITS.annotationsPerRequest} annotations are allowed per request (got ${out.annotations.length})`);
  }
  if (out?.summary && out.summary.length > CHECKS_LIMITS.summaryChars) {
    throw new HttpError(422, `output.summary is too long (maximum is ${CHECKS_LIMITS.summaryChars} characters, got ${out.summary.length})`);
  }
  if (out?.text && out.text.length > CHECKS_LIMITS.textChars) {
    throw new HttpError(422, `output.text is too long (maximum is ${CHECKS_LIMITS.textChars} characters)`);
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
