/** The small vocabulary every route handler shares: its context, its reply, and pagination. */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { DoubleState, RepoState } from './state.js';

export interface Ctx {
  state: DoubleState;
  /** The double's base URL, e.g. `http://127.0.0.1:54321`. */
  baseUrl: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  /** Login of the caller (the app's bot for installation tokens). */
  actor: string;
  token?: string;
  installationId?: number;
  req: IncomingMessage;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-JSON payload (raw file contents, tarballs). */
  raw?: Buffer | string | Readable;
  /** Close the connection without answering (an injected lost response). */
  drop?: boolean;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

export const notFound = (): never => {
  throw new HttpError(404, 'Not Found');
};

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

/** The repo named by the path, or 404 as GitHub answers for repos you cannot see. */
export function repoOf(ctx: Ctx): RepoState {
  return ctx.state.findRepo(`${ctx.params.owner}/${ctx.params.repo}`) ?? notFound();
}

/** GitHub pagination: `per_page` (default 30, max 100), `page`, and a Link header. */
export function paginate<T>(ctx: Ctx, items: T[], wrap?: (page: T[]) => unknown, maxPerPage = 100): Reply {
  const perPage = Math.min(maxPerPage, Math.max(1, Number(ctx.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.page ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const url = new URL(ctx.req.url ?? '/', ctx.baseUrl);
  const link = (p: number, rel: string) => {
    url.searchParams.set('page', String(p));
    url.searchParams.set('per_page', String(perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return { status: 200, body: wrap ? wrap(slice) : slice, headers: links.length ? { link: links.join(', ') } : {} };
}
