/**
 * A local GitHub API double over real HTTP. Every request is recorded, checked against GitHub's
 * OpenAPI description, then served from in-memory state. See README.md in this folder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { faultReply, matchesFault, type Fault, type FaultSpec } from './faults.js';
import { HttpError, type Ctx, type Handler, type Reply } from './http.js';
import { openApiRoutes, ResponseValidator, type Violation } from './openapi.js';
import { appRoutes } from './routes/apps.js';
import { checkRoutes } from './routes/checks.js';
import { gitRoutes } from './routes/git-data.js';
import { handleGraphql } from './routes/graphql.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';
import { DOWNLOAD_PREFIX, serveDownload, tarballRoutes } from './routes/tarball.js';
import { DoubleState, type Seed } from './state.js';

export { DoubleState } from './state.js';
export type { Seed, SeedRepo, Permission, IssueState, CheckRunState, RepoState, PushOptions } from './state.js';
export type { FaultSpec, Fault } from './faults.js';
export { SECONDARY_RATE_LIMIT_MESSAGE } from './faults.js';
export type { Violation } from './openapi.js';
export { buildTarball, tarballTopFolder } from './routes/tarball.js';

/** operationId → handler: the whole surface the double serves. */
const HANDLERS: Record<string, Handler> = {
  ...repoRoutes,
  ...gitRoutes,
  ...checkRoutes,
  ...issueRoutes,
  ...pullRoutes,
  ...appRoutes,
  ...tarballRoutes,
};

/** Routes GitHub authenticates with the App's JWT rather than an installation token. */
const JWT_OPERATIONS = new Set([
  'apps/get-authenticated',
  'apps/list-installations',
  'apps/get-installation',
  'apps/create-installation-access-token',
  'apps/get-repo-installation',
  'apps/get-org-installation',
  'apps/get-user-installation',
]);

export interface RequestAuth {
  scheme: 'bearer' | 'token';
  kind: 'jwt' | 'installation' | 'token';
  token: string;
  installationId?: number;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Path without query (and without a GHE `/api/v3` prefix). */
  path: string;
  template?: string;
  operationId?: string;
  query: Record<string, string>;
  /** Lower-cased headers, `authorization` removed. */
  headers: Record<string, string>;
  /** Parsed JSON body (or raw text when not JSON); undefined when empty. */
  body: unknown;
  auth?: RequestAuth;
  status?: number;
}

export interface GitHubDouble {
  url: string;
  port: number;
  state: DoubleState;
  requests: RecordedRequest[];
  violations: Violation[];
  faults: Fault[];
  inject(spec: FaultSpec): Fault;
  /** Throws, listing every violation, when any request broke the OpenAPI contract or the auth rules. */
  assertNoViolations(): void;
  /** Recorded requests for one operation, e.g. `calls('checks/create')`. */
  calls(operationId: string): RecordedRequest[];
  close(): Promise<void>;
}

const JWT_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function parseAuth(req: IncomingMessage, state: DoubleState): RequestAuth | undefined {
  const m = /^(bearer|token)\s+(\S+)$/i.exec(String(req.headers.authorization ?? '').trim());
  if (!m) return undefined;
  const token = m[2];
  const installationId = state.tokens.get(token);
  const kind = JWT_RE.test(token) ? 'jwt' : installationId !== undefined ? 'installation' : 'token';
  return { scheme: m[1].toLowerCase() as 'bearer' | 'token', kind, token, installationId };
}

function sanitizeHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (k === 'authorization' || k === 'cookie' || v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<{ body: unknown; present: boolean; parseError?: string }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { body: undefined, present: false };
  try {
    return { body: JSON.parse(text), present: true };
  } catch {
    const json = /json/.test(String(req.headers['content-type'] ?? ''));
    return { body: text, present: true, parseError: json ? 'Problems parsing JSON' : undefined };
  }
}

/**
 * GitHub's primary rate limit as its headers show it: a budget of 5,000 requests an hour per
 * token that decreases with every request and resets at a fixed time (`x-ratelimit-reset`, epoch
 * seconds), with `x-ratelimit-used`.
 */
class RateBudget {
  private readonly windows = new Map<string, { used: number; reset: number }>();
  headers(token: string | undefined): Record<string, string> {
    const key = token ?? 'anonymous';
    const now = Math.floor(Date.now() / 1000);
    let window = this.windows.get(key);
    if (!window || window.reset <= now) this.windows.set(key, (window = { used: 0, reset: now + 3600 }));
    window.used++;
    const limit = 5000;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-reset': String(window.reset),
      'x-ratelimit-resource': 'core',
    };
  }
}

function send(res: ServerResponse, reply: Reply, requestId: number, rate: Record<string, string>): void {
  const headers: Record<string, string> = {
    'x-github-request-id': `DOUBLE:${requestId}`,
    ...rate,
    ...(reply.headers ?? {}),
  };
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  if (reply.raw instanceof Readable) {
    res.writeHead(reply.status, headers);
    reply.raw.on('error', () => res.destroy());
    reply.raw.pipe(res);
    return;
  }
  if (reply.raw !== undefined) {
    res.writeHead(reply.status, headers);
    res.end(reply.raw);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(reply.body));
}

function errorReply(status: number, message: string, errors?: unknown[]): Reply {
  return { status, body: { message, documentation_url: 'https://docs.github.com/rest', status: String(status), ...(errors ? { errors } : {}) } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startGitHubDouble(opts: { seed?: Seed } = {}): Promise<GitHubDouble> {
  const routes = openApiRoutes();
  const responses = new ResponseValidator(Object.keys(HANDLERS));
  const state = new DoubleState(opts.seed);
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const faults: Fault[] = [];
  const budget = new RateBudget();
  let baseUrl = '';

  const violate = (rec: RecordedRequest, message: string) => {
    violations.push({ method: rec.method, path: rec.path, operationId: rec.operationId, message });
  };

  /** Decides the reply for one recorded request. Order: route → contract → auth → faults → state. */
  async function dispatch(req: IncomingMessage, rec: RecordedRequest, parsed: Awaited<ReturnType<typeof readBody>>): Promise<Reply> {
    const ctx: Ctx = {
      state,
      baseUrl,
      params: {},
      query: rec.query,
      body: parsed.body,
      actor: rec.auth?.kind === 'installation' ? `${state.app.slug}[bot]` : 'github-actions[bot]',
      token: rec.auth?.token,
      installationId: rec.auth?.installationId,
      req,
    };
    if (rec.path.startsWith(DOWNLOAD_PREFIX)) return serveDownload(ctx, rec.path);
    if (parsed.parseError) {
      violate(rec, parsed.parseError);
      return errorReply(400, parsed.parseError);
    }
    const isGraphql = rec.method === 'POST' && rec.path === '/graphql';
    const match = isGraphql ? undefined : routes.match(rec.method, rec.path);
    if (!isGraphql && !match) {
      const other = routes.methodsFor(rec.path);
      violate(rec, other.length ? `wrong method ${rec.method}; this path takes ${other.join(', ')}` : 'no such route in the GitHub OpenAPI description');
      return errorReply(404, 'Not Found');
    }
    if (match) {
      rec.template = match.op.template;
      rec.operationId = match.op.operationId;
      ctx.params = match.pathParams;
      const v = routes.validate(match, rec.query, parsed.body, parsed.present);
      if (!v.ok) {
        violate(rec, v.message!);
        return errorReply(v.status!, v.message!);
      }
    }
    const authProblem = checkAuth(rec);
    if (authProblem) {
      violate(rec, authProblem);
      return errorReply(401, authProblem);
    }
    const fault = faults.find((f) => matchesFault(f, rec.method, rec.path, rec.template));
    if (fault) {
      fault.remaining--;
      fault.hits++;
      if (!fault.after) {
        if (fault.delayMs) await sleep(fault.delayMs);
        const reply = faultReply(fault);
        if (reply) return reply;
      } else {
        // The request is applied; only its answer is late, wrong or lost.
        const applied = await serve(rec, ctx, match, isGraphql);
        if (fault.delayMs) await sleep(fault.delayMs);
        return faultReply(fault) ?? applied;
      }
    }
    return serve(rec, ctx, match, isGraphql);
  }

  async function serve(rec: RecordedRequest, ctx: Ctx, match: ReturnType<typeof routes.match>, isGraphql: boolean): Promise<Reply> {
    if (isGraphql) {
      const g = handleGraphql(ctx);
      if (!g.ok) violate(rec, g.message!);
      return { status: 200, body: g.body };
    }
    const handler = HANDLERS[match!.op.operationId];
    if (!handler) {
      violate(rec, `github-double does not implement ${match!.op.operationId} (${match!.op.method} ${match!.op.template})`);
      return errorReply(501, `github-double does not implement ${match!.op.operationId}`);
    }
    try {
      const reply = await handler(ctx);
      if (reply.body !== undefined && reply.raw === undefined) {
        const checked = responses.check(match!.op.operationId, reply.status, reply.body);
        for (const problem of checked.problems) violate(rec, `github-double answered off-contract: ${problem}`);
        return { ...reply, body: checked.body };
      }
      return reply;
    } catch (e) {
      if (e instanceof HttpError) return errorReply(e.status, e.message, e.errors);
      violate(rec, `github-double crashed: ${(e as Error).stack ?? e}`);
      return errorReply(500, 'github-double internal error');
    }
  }

  function checkAuth(rec: RecordedRequest): string | undefined {
    if (!rec.auth) return 'Requires authentication';
    const wantsJwt = rec.operationId !== undefined && JWT_OPERATIONS.has(rec.operationId);
    if (wantsJwt && rec.auth.kind !== 'jwt') return `${rec.operationId} must be called with the App's JWT`;
    if (!wantsJwt && rec.auth.kind === 'jwt') return `${rec.operationId ?? rec.path} needs an installation token, not the App's JWT`;
    return undefined;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://double.invalid');
      // GHE-style base URLs put the API under /api/v3 (and GraphQL under /api/graphql).
      const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
      const parsed = await readBody(req);
      const rec: RecordedRequest = {
        seq: requests.length + 1,
        method: (req.method ?? 'GET').toUpperCase(),
        path,
        query: Object.fromEntries(url.searchParams),
        headers: sanitizeHeaders(req),
        body: parsed.body,
        auth: parseAuth(req, state),
      };
      requests.push(rec);
      const reply = await dispatch(req, rec, parsed);
      rec.status = reply.status;
      send(res, reply, rec.seq, budget.headers(rec.auth?.token));
    })().catch((e) => {
      violations.push({ method: req.method ?? '?', path: req.url ?? '?', message: `github-double crashed: ${(e as Error).stack ?? e}` });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    state,
    requests,
    violations,
    faults,
    inject(spec: FaultSpec): Fault {
      const fault: Fault = { ...spec, remaining: spec.times ?? 1, hits: 0, skipped: 0 };
      faults.push(fault);
      return fault;
    },
    assertNoViolations() {
      if (violations.length === 0) return;
      const lines = violations.map((v) => `- ${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ''}: ${v.message}`);
      throw new Error(`github-double saw ${violations.length} contract violation(s):\n${lines.join('\n')}`);
    },
    calls(operationId: string) {
      return requests.filter((r) => r.operationId === operationId);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
