import aws4 from 'aws4';
import type { RevealedSecret, Verification, VerificationDetail } from '../core/types.js';
import type { AnswerRule, VerifySpec } from './spec.js';
import { UNVERIFIABLE, VERIFY_SPECS } from './specs.js';

/**
 * The one engine that runs the verification specs (specs.ts). Safety rules (docs/verification.md),
 * each tested in test/unit/verify:
 *  - a secret goes only to its own provider's host, over HTTPS; a `verify.endpoints.<provider>`
 *    override is the only way to another host (https, or http to loopback only), and is logged
 *    (host only);
 *  - redirects are never followed (a 3xx is `unknown`);
 *  - only the spec's read-only call is made; one request per unique secret per run (by fingerprint);
 *  - every request has a timeout; at most `concurrency` run at once; requests to one provider are
 *    spaced `minIntervalMs` apart, and after a 429 that provider gets no more requests this run;
 *  - the User-Agent names nhi-steward; answers are read up to 64 KiB; facts never echo the secret.
 */
export interface VerifyResult {
  verification: Verification;
  detail: VerificationDetail;
}

export interface VerdictCache {
  get(fingerprint: string): Promise<VerifyResult | undefined>;
  set(fingerprint: string, result: VerifyResult): Promise<void>;
}

export interface VerifierOptions {
  /** Provider key → base URL (from `verify.endpoints`). */
  endpoints?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  concurrency?: number;
  /** Minimum gap between two requests to one provider. */
  minIntervalMs?: number;
  /** Notes for the user (override hosts); never contains a secret. */
  log?: (line: string) => void;
  /** Verdicts kept across runs (the App: once per fingerprint per day). */
  cache?: VerdictCache;
  userAgent?: string;
  /** The specs to run; tests pass their own. */
  specs?: Readonly<Record<string, VerifySpec>>;
  now?: () => Date;
}

export interface Verifier {
  verify(secret: RevealedSecret): Promise<VerifyResult>;
  /** Requests actually sent this run (cache hits excluded). */
  readonly requests: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MIN_INTERVAL_MS = 250;
const MAX_BODY = 64 * 1024;
const MAX_FACT = 200;

export function createVerifier(options: VerifierOptions = {}): Verifier {
  const specs = options.specs ?? VERIFY_SPECS;
  const endpoints = options.endpoints ?? {};
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const minInterval = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const userAgent = options.userAgent ?? 'nhi-steward (secret verification; https://github.com/nhi-steward/nhi-steward)';
  const now = options.now ?? (() => new Date());
  const limit = semaphore(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const inRun = new Map<string, Promise<VerifyResult>>();
  const nextStart = new Map<string, number>();
  const rateLimited = new Set<string>();
  const logged = new Set<string>();
  let requests = 0;

  const unknown = (reason: string, provider?: string): VerifyResult => ({
    verification: 'unknown',
    detail: { ...(provider ? { provider } : {}), reason, checkedAt: now().toISOString() },
  });

  const waitTurn = async (provider: string) => {
    const at = Date.now();
    const start = Math.max(at, nextStart.get(provider) ?? 0);
    nextStart.set(provider, start + minInterval);
    if (start > at) await new Promise((resolve) => setTimeout(resolve, start - at));
  };

  const check = async (secret: RevealedSecret): Promise<VerifyResult> => {
    const spec = specs[secret.detector];
    if (!spec) return unknown(UNVERIFIABLE[secret.detector] ?? `no verifier for ${secret.detector}`);
    const target = resolveTarget(spec, endpoints[spec.provider]);
    if ('error' in target) return unknown(target.error, spec.provider);
    if (target.override && !logged.has(spec.provider)) {
      logged.add(spec.provider);
      options.log?.(`verify: ${spec.provider} secrets go to the configured endpoint host ${target.url.host}`);
    }
    const cached = await options.cache?.get(secret.fingerprint).catch(() => undefined);
    if (cached) return cached;
    const result = await limit(async () => {
      if (rateLimited.has(spec.provider)) return unknown(`${spec.title} rate-limited this run; not retried`, spec.provider);
      await waitTurn(spec.provider);
      if (rateLimited.has(spec.provider)) return unknown(`${spec.title} rate-limited this run; not retried`, spec.provider);
      requests++;
      return call(spec, target.url, secret.parts);
    });
    if (result.verification !== 'unknown') await options.cache?.set(secret.fingerprint, result).catch(() => undefined);
    return result;
  };

  const call = async (spec: VerifySpec, base: URL, parts: readonly string[]): Promise<VerifyResult> => {
    let request: BuiltRequest;
    try {
      request = buildRequest(spec, base, parts, userAgent);
    } catch (error) {
      return unknown((error as Error).message, spec.provider);
    }
    let response: Response;
    let body: string;
    try {
      response = await fetch(request.url, {
        method: spec.request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await readCapped(response);
    } catch (error) {
      const name = (error as Error)?.name;
      return unknown(name === 'TimeoutError' || name === 'AbortError' ? `${spec.title} did not answer within ${timeoutMs} ms` : `${spec.title} unreachable (${networkReason(error)})`, spec.provider);
    }
    const status = response.status;
    if (status === 429) {
      rateLimited.add(spec.provider);
      return unknown(`${spec.title} rate-limited the check (HTTP 429)`, spec.provider);
    }
    if (status >= 300 && status < 400) return unknown(`${spec.title} answered with a redirect (HTTP ${status}), which is never followed`, spec.provider);
    const parsed = parseJson(body);
    const answer = { status, body, json: parsed };
    if (spec.live.some((rule) => matches(rule, answer))) {
      return { verification: 'live', detail: { provider: spec.provider, facts: extractFacts(spec, response.headers, body, parsed, parts), checkedAt: now().toISOString() } };
    }
    if (spec.revoked.some((rule) => matches(rule, answer))) return { verification: 'revoked', detail: { provider: spec.provider, checkedAt: now().toISOString() } };
    return unknown(status >= 500 ? `${spec.title} server error (HTTP ${status})` : `${spec.title} gave an answer that is neither live nor revoked (HTTP ${status})`, spec.provider);
  };

  return {
    get requests() {
      return requests;
    },
    verify(secret) {
      const key = secret.contentId ?? secret.fingerprint;
      let pending = inRun.get(key);
      if (!pending) {
        pending = check(secret).catch((error) => unknown(`verification failed: ${(error as Error)?.message ?? String(error)}`));
        inRun.set(key, pending);
      }
      return pending;
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Where a spec's request may go. The default base must be https and on the spec's allowlist; an
 * override must be https, or http to a loopback host (the documented escape for tests and local
 * stand-ins), and carry no credentials or query.
 */
export function resolveTarget(spec: VerifySpec, override: string | undefined): { url: URL; override: boolean } | { error: string } {
  if (override !== undefined) {
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      return { error: `verify.endpoints.${spec.provider} is not a URL` };
    }
    if (url.username || url.password || url.search || url.hash) return { error: `verify.endpoints.${spec.provider} must be a plain base URL (no credentials, query or fragment)` };
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return { error: `verify.endpoints.${spec.provider} must use https (http only to a loopback host)` };
    return { url, override: true };
  }
  if (!spec.base) return { error: spec.needsEndpoint ?? `${spec.title} has no default endpoint` };
  const url = new URL(spec.base);
  const allowed = new Set([new URL(spec.base).host, ...(spec.hosts ?? [])]);
  if (url.protocol !== 'https:') return { error: `${spec.title} verifier refused: its endpoint is not https` };
  if (!allowed.has(url.host)) return { error: `${spec.title} verifier refused: ${url.host} is not on its allowlist` };
  return { url, override: false };
}

interface BuiltRequest {
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

const fill = (template: string, parts: readonly string[], encode: (s: string) => string = (s) => s): string =>
  template.replace(/\{(\d)\}/g, (_, i: string) => {
    const part = parts[Number(i)];
    if (part === undefined) throw new Error(`verifier needs credential part ${i}`);
    return encode(part);
  });

export function buildRequest(spec: VerifySpec, base: URL, parts: readonly string[], userAgent: string): BuiltRequest {
  const path = fill(spec.request.path, parts, encodeURIComponent);
  const url = new URL(base.href.replace(/\/+$/, '') + path);
  // The path is data, but the host must not move whatever it holds.
  if (url.host !== base.host || url.protocol !== base.protocol) throw new Error(`${spec.title} verifier refused: the request left ${base.host}`);
  const headers: Record<string, string> = { 'User-Agent': userAgent };
  for (const [name, value] of Object.entries(spec.request.headers ?? {})) headers[name] = fill(value, parts);
  if (spec.request.basic) {
    const [user, password] = spec.request.basic.map((t) => fill(t, parts));
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const body = spec.request.body === undefined ? undefined : fill(spec.request.body, parts);
  if (spec.request.sigv4) {
    const [accessKeyId, secretAccessKey] = parts;
    if (!accessKeyId || !secretAccessKey) throw new Error(`${spec.title} verifier needs a key id and its secret`);
    const signed = aws4.sign(
      { host: url.host, path: url.pathname + url.search, method: spec.request.method, service: spec.request.sigv4.service, region: spec.request.sigv4.region, headers: { ...headers }, body },
      { accessKeyId, secretAccessKey },
    );
    for (const [name, value] of Object.entries(signed.headers ?? {})) if (name.toLowerCase() !== 'host' && name.toLowerCase() !== 'content-length') headers[name] = String(value);
  }
  return { url, headers, body };
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code ?? (error as Error)?.name ?? 'network error';
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function matches(rule: AnswerRule, answer: { status: number; body: string; json: unknown }): boolean {
  if (!rule.status.includes(answer.status)) return false;
  if (rule.field !== undefined) {
    const value = at(answer.json, rule.field);
    if (rule.values ? !rule.values.includes(value as string) : value === undefined || value === null) return false;
  }
  if (rule.body && !rule.body.test(answer.body)) return false;
  return true;
}

/** Facts: short, printable, and never containing any part of the secret. */
function extractFacts(spec: VerifySpec, headers: Headers, body: string, json: unknown, parts: readonly string[]): Record<string, string> | undefined {
  const facts: Record<string, string> = {};
  for (const [label, where] of Object.entries(spec.facts ?? {})) {
    const colon = where.indexOf(':');
    const kind = where.slice(0, colon);
    const key = where.slice(colon + 1);
    let value: unknown;
    if (kind === 'json') value = at(json, key);
    else if (kind === 'header') value = headers.get(key) ?? undefined;
    else if (kind === 'xml') value = new RegExp(`<${key}>([^<]{1,${MAX_FACT}})</${key}>`).exec(body)?.[1];
    const text = factText(value);
    if (text === undefined || parts.some((part) => part.length >= 4 && text.includes(part))) continue;
    facts[label] = text;
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}

function factText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'object' ? undefined : String(value);
  if (text === undefined) return undefined;
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!clean) return undefined;
  return clean.length > MAX_FACT ? `${clean.slice(0, MAX_FACT - 1)}…` : clean;
}

function semaphore(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds `size`.
    if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
