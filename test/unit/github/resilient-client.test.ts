import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, resilient, retryDelay } from '../../../src/github/resilient-client.js';
import type { GitHubClient } from '../../../src/github/client.js';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 5_000 };
const httpError = (status: number, headers: Record<string, string> = {}, message = 'x') => Object.assign(new Error(message), { status, response: { headers } });

describe('retryDelay', () => {
  it.each([
    ['500 backs off exponentially', httpError(500), 2, 400],
    ['502', httpError(502), 0, 100],
    ['403 secondary rate limit honours retry-after', httpError(403, { 'retry-after': '3' }, 'You have exceeded a secondary rate limit'), 0, 3_000],
    ['429 honours retry-after', httpError(429, { 'retry-after': '1' }), 0, 1_000],
    ['retry-after is capped', httpError(429, { 'retry-after': '999' }), 0, 5_000],
    ['a timeout backs off', Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 1, 200],
  ])('%s', (_name, error, attempt, expected) => {
    expect(retryDelay(error, attempt, policy)).toBe(expected);
  });

  it.each([httpError(404), httpError(422), httpError(401), httpError(403, {}, 'Resource not accessible by integration')])('does not retry %s', (error) => {
    expect(retryDelay(error, 0, policy)).toBeUndefined();
  });
});

describe('resilient client', () => {
  function flaky(failures: unknown[]): { client: GitHubClient; calls: number[]; waits: number[] } {
    const calls: number[] = [];
    const waits: number[] = [];
    const client: GitHubClient = {
      request: async () => {
        calls.push(calls.length);
        const failure = failures.shift();
        if (failure) throw failure;
        return { status: 200, data: { ok: true } as any, headers: {} };
      },
      paginate: async () => [],
    };
    return { client: resilient(client, { ...policy, sleep: async (ms) => void waits.push(ms) }), calls, waits };
  }

  it('retries transient faults and returns the answer', async () => {
    const { client, calls, waits } = flaky([httpError(500), httpError(403, { 'retry-after': '1' }, 'secondary rate limit')]);
    await expect(client.request('GET /x')).resolves.toMatchObject({ data: { ok: true } });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([100, 1_000]);
  });

  it('gives up after the configured retries', async () => {
    const { client, calls } = flaky(Array.from({ length: 10 }, () => httpError(503)));
    await expect(client.request('GET /x')).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(policy.retries + 1);
  });

  it('does not retry a request error', async () => {
    const { client, calls } = flaky([httpError(422)]);
    await expect(client.request('POST /x')).rejects.toMatchObject({ status: 422 });
    expect(calls).toHaveLength(1);
  });
});
