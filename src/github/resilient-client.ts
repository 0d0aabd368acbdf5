import type { GitHubClient } from './client.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Backoff base for 5xx and timeouts; doubled each retry. */
  baseDelayMs: number;
  /** Never wait longer than this for one retry-after. */
  maxDelayMs: number;
  /** Per-request timeout; streaming downloads are exempt. */
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 60_000, timeoutMs: 30_000 };

interface HttpishError {
  status?: number;
  name?: string;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/**
 * How long to wait before retrying, or undefined when the error is final. Covers what GitHub
 * documents: 5xx, 429 and 403 secondary rate limits (with `retry-after` or
 * `x-ratelimit-reset`), and timeouts. Other 4xx answers are the request's fault and are final.
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy, now = Date.now()): number | undefined {
  const e = error as HttpishError;
  const headers = e.response?.headers ?? {};
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const rateLimited = e.status === 429 || (e.status === 403 && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '')));
  if (rateLimited) {
    const retryAfter = Number(headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(policy.maxDelayMs, retryAfter * 1000);
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset) && reset > 0) return Math.min(policy.maxDelayMs, Math.max(0, reset * 1000 - now));
    return backoff;
  }
  if (e.status !== undefined && e.status >= 500) return backoff;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout|ECONNRESET|socket hang up|fetch failed/i.test(e.message ?? '')) return backoff;
  return undefined;
}

/**
 * Wraps the port so every call survives GitHub's transient faults. Octokit's own retry plugin
 * covers 5xx for Probot, but its secondary-rate-limit handler gives up; this layer is what makes
 * the App and the Action behave the same under rate limits.
 */
export function resilient(client: GitHubClient, policy: RetryPolicy = DEFAULT_RETRY_POLICY): GitHubClient {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  async function attempt<T>(call: (params: Record<string, unknown> | undefined) => Promise<T>, params: Record<string, unknown> | undefined): Promise<T> {
    for (let n = 0; ; n++) {
      const streaming = (params?.request as { parseSuccessResponseBody?: boolean } | undefined)?.parseSuccessResponseBody === false;
      const withTimeout = streaming ? params : { ...params, request: { ...(params?.request as object), signal: AbortSignal.timeout(policy.timeoutMs) } };
      try {
        return await call(withTimeout);
      } catch (error) {
        const delay = n < policy.retries ? retryDelay(error, n, policy) : undefined;
        if (delay === undefined) throw error;
        await sleep(delay);
      }
    }
  }
  return {
    request: (route, params) => attempt((p) => client.request(route, p), params),
    paginate: (route, params) => attempt((p) => client.paginate(route, p), params),
    graphql: client.graphql ? (query, variables) => attempt(() => client.graphql!(query, variables), undefined) : undefined,
  };
}
