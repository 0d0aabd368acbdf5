/**
 * Injected faults: server errors, rate limits, slow responses and lost connections. By default a
 * fault applies before any state change (GitHub refused the request); with `after: true` the
 * request is applied first and only its answer is delayed, replaced by an error, or lost — the
 * case that makes a blind retry of a create open a duplicate.
 */
import type { Reply } from './http.js';

export interface FaultSpec {
  method?: string;
  /** An operation template (`/repos/{owner}/{repo}/check-runs`), an exact path, or a RegExp over the path. */
  path?: string | RegExp;
  /** Omit for a delay-only fault. 403 is a secondary rate limit unless `rateLimit: 'primary'`. */
  status?: 500 | 502 | 403 | 429;
  /** How many matching requests fail (default 1; `Infinity` for all). */
  times?: number;
  /** Seconds, sent as `retry-after` (secondary) or used for `x-ratelimit-reset` (primary). */
  retryAfter?: number;
  delayMs?: number;
  rateLimit?: 'secondary' | 'primary';
  /** Apply the request (the write lands), then delay/replace/drop the answer. */
  after?: boolean;
  /** Close the connection without an answer (the response is lost). */
  drop?: boolean;
  /** Let this many matching requests through first (e.g. `skip: 1` hits the second page). */
  skip?: number;
}

export interface Fault extends FaultSpec {
  remaining: number;
  /** Matching requests let through so far (see `skip`). */
  skipped: number;
  /** Requests this fault was applied to. */
  hits: number;
}

/** GitHub's documented secondary rate limit message; Octokit's throttling plugin keys on it. */
export const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

export function matchesFault(f: Fault, method: string, path: string, template: string | undefined): boolean {
  if (f.remaining <= 0) return false;
  if (f.method && f.method.toUpperCase() !== method) return false;
  const matches = f.path === undefined || (f.path instanceof RegExp ? f.path.test(path) : f.path === path || f.path === template);
  if (!matches) return false;
  if (f.skipped < (f.skip ?? 0)) {
    f.skipped++;
    return false;
  }
  return true;
}

/** The error reply for a fault, or undefined for a delay-only fault. */
export function faultReply(f: Fault): Reply | undefined {
  const retryAfter = f.retryAfter ?? 1;
  if (f.drop) return { status: 0, drop: true };
  switch (f.status) {
    case undefined:
      return undefined;
    case 500:
      return { status: 500, body: { message: 'Server Error' } };
    case 502:
      return { status: 502, body: { message: 'Bad Gateway' } };
    case 403:
    case 429:
      if (f.rateLimit === 'primary') {
        return {
          status: f.status,
          body: { message: 'API rate limit exceeded for installation.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + retryAfter) },
        };
      }
      return {
        status: f.status,
        body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
        headers: { 'retry-after': String(retryAfter) },
      };
  }
}
