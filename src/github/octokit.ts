/**
 * The adapter that turns an Octokit into the port (client.ts), and the one place where GitHub's
 * transient faults are handled (docs/architecture.md, "Retries and idempotency"):
 *
 * - `@octokit/plugin-retry` retries 5xx answers and network faults, `@octokit/plugin-throttling`
 *   waits out primary and secondary rate limits. Probot bundles both: the App configures them
 *   (app/octokit.ts), it does not stack a second layer. The Action adds them to `getOctokit`.
 * - What they lack: a per-request timeout, applied to every HTTP request including each page of
 *   `paginate` and each retry (a hung page would hang the PR check forever), and the rule that a
 *   create which may have been applied is never blindly retried (see idempotent.ts).
 */
import type { GitHubClient } from './client.js';

export interface ReliabilityOptions {
  /** Per HTTP request: headers and (for JSON answers) the whole body. */
  timeoutMs: number;
  /** Retries of a 5xx answer or a timeout (plugin-retry), and of a rate limit (plugin-throttling). */
  retries: number;
  /** plugin-retry waits (n+1)² × this; plugin-throttling waits retry-after × this / 1000 s. */
  retryBaseMs: number;
  /** Give up rather than wait longer than this for a rate limit to reset. */
  maxRateLimitWaitSeconds: number;
}

export const DEFAULT_RELIABILITY: ReliabilityOptions = { timeoutMs: 30_000, retries: 3, retryBaseMs: 1_000, maxRateLimitWaitSeconds: 15 * 60 };

/** Defaults, with NHI_STEWARD_HTTP_TIMEOUT_MS / NHI_STEWARD_RETRY_BASE_MS overrides (tests, slow GHES). */
export function reliabilityFromEnv(env: Record<string, string | undefined> = process.env): ReliabilityOptions {
  const num = (value: string | undefined, fallback: number) => (value && Number.isFinite(Number(value)) && Number(value) > 0 ? Number(value) : fallback);
  return {
    ...DEFAULT_RELIABILITY,
    timeoutMs: num(env.NHI_STEWARD_HTTP_TIMEOUT_MS, DEFAULT_RELIABILITY.timeoutMs),
    retryBaseMs: num(env.NHI_STEWARD_RETRY_BASE_MS, DEFAULT_RELIABILITY.retryBaseMs),
  };
}

type Fetch = typeof globalThis.fetch;

/** Content types that are streamed to the caller (tarballs): only their headers are timed. */
const STREAMED = /gzip|tar|octet-stream|zip/i;

/**
 * A `fetch` that gives every request its own deadline. JSON and text answers are read whole under
 * the deadline, so a response that stalls halfway also times out; the error is a `TimeoutError`,
 * which Octokit reports as a 500 and plugin-retry retries (for reads; creates opt out).
 */
export function timeoutFetch(timeoutMs: number, inner: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const combined = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    const response = await inner(input, { ...init, signal: combined });
    if (!response.body || STREAMED.test(response.headers.get('content-type') ?? '')) return response;
    const body = await response.arrayBuffer();
    const copy = new Response(response.status === 204 || response.status === 304 ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
    Object.defineProperty(copy, 'url', { value: response.url });
    return copy;
  };
}

interface RequestOptionsLike {
  method?: string;
  url?: string;
}
interface OctokitLike {
  log?: { warn(message: string): void };
}

/**
 * The Octokit options for retries, rate limits and timeouts, merged over `base` (a `request.fetch`
 * already there, e.g. the Action's proxy-aware one, is wrapped, not replaced; throttle settings
 * already there, e.g. Probot's Redis connection, are kept).
 */
export function octokitOptions(base: Record<string, any> = {}, reliability: ReliabilityOptions = reliabilityFromEnv()): Record<string, any> {
  const onLimit = (kind: string) => (retryAfter: number, options: RequestOptionsLike, octokit: OctokitLike, retryCount: number) => {
    const retry = retryCount < reliability.retries && retryAfter <= reliability.maxRateLimitWaitSeconds;
    octokit?.log?.warn(`${kind} rate limit on ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter} s` : 'giving up'}`);
    return retry;
  };
  return {
    ...base,
    request: { ...base.request, fetch: timeoutFetch(reliability.timeoutMs, base.request?.fetch) },
    retry: { ...base.retry, retries: reliability.retries, retryAfterBaseValue: reliability.retryBaseMs },
    throttle: {
      ...base.throttle,
      enabled: true,
      retryAfterBaseValue: reliability.retryBaseMs,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  };
}

/** Narrows an Octokit (configured with `octokitOptions`) to the port. Nothing is wrapped. */
export function asClient(octokit: unknown): GitHubClient {
  return octokit as GitHubClient;
}
