/**
 * The Octokit adapter (src/github/octokit.ts) over real HTTP against the GitHub double: Octokit's
 * retry and throttling plugins as we configure them, the per-request timeout, and creates that
 * opt out of blind retries.
 */
import { ProbotOctokit } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_BLIND_RETRY } from '../../../src/github/idempotent.js';
import { asClient, octokitOptions, type ReliabilityOptions } from '../../../src/github/octokit.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';

let double: GitHubDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

// The timeout must exceed what the double needs for an answer on a loaded machine (its first
// answer compiles response validators): at 1 s, 2 cores under load timed out healthy requests,
// and the extra retry broke the exact call counts below.
const RELIABILITY: ReliabilityOptions = { timeoutMs: 4_000, retries: 3, retryBaseMs: 10, maxRateLimitWaitSeconds: 60 };

async function setup() {
  double = await startGitHubDouble({ seed: { repos: [{ repo: 'acme/api', files: { 'a.txt': 'a\n' } }] } });
  const client = asClient(new ProbotOctokit(octokitOptions({ auth: { token: 'ghs_test' }, baseUrl: double.url }, RELIABILITY)));
  return { d: double, client };
}

describe('octokit adapter', () => {
  it('retries a 5xx answer (plugin-retry)', async () => {
    const { d, client } = await setup();
    d.inject({ method: 'GET', path: '/repos/{owner}/{repo}', status: 502, times: 2 });
    await expect(client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })).resolves.toMatchObject({ status: 200 });
    expect(d.calls('repos/get')).toHaveLength(3);
  });

  it('waits out a primary rate limit until x-ratelimit-reset, and gives up when the reset is too far (plugin-throttling)', async () => {
    const { d, client } = await setup();
    d.inject({ method: 'GET', path: '/repos/{owner}/{repo}', status: 403, rateLimit: 'primary', retryAfter: 2, times: 1 });
    await expect(client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })).resolves.toMatchObject({ status: 200 });
    expect(d.calls('repos/get')).toHaveLength(2);
    // A reset an hour away is over maxRateLimitWaitSeconds: the error comes back instead of a wait.
    d.inject({ method: 'GET', path: '/repos/{owner}/{repo}', status: 403, rateLimit: 'primary', retryAfter: 3_600, times: 1 });
    const started = Date.now();
    await expect(client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })).rejects.toMatchObject({ status: 403 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(d.calls('repos/get')).toHaveLength(3);
  });

  it('retries a secondary rate limit after its retry-after', async () => {
    const { d, client } = await setup();
    d.inject({ method: 'GET', path: '/repos/{owner}/{repo}', status: 403, retryAfter: 1, times: 1 });
    await expect(client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })).resolves.toMatchObject({ status: 200 });
    expect(d.calls('repos/get')).toHaveLength(2);
  });

  it('times out a hung request and retries it', async () => {
    const { d, client } = await setup();
    d.inject({ method: 'GET', path: '/repos/{owner}/{repo}', delayMs: 30_000, times: 1 });
    const started = Date.now();
    await expect(client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })).resolves.toMatchObject({ status: 200 });
    // Timed out after 4 s and retried, not held for the 30 s hang.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(d.calls('repos/get')).toHaveLength(2);
  });

  it('a create sent with NO_BLIND_RETRY is not retried by plugin-retry', async () => {
    const { d, client } = await setup();
    d.inject({ method: 'POST', path: '/repos/{owner}/{repo}/issues', status: 500, after: true, times: 1 });
    await expect(client.request('POST /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'api', title: 'x', ...NO_BLIND_RETRY })).rejects.toMatchObject({ status: 500 });
    expect(d.calls('issues/create')).toHaveLength(1);
    expect([...d.state.repo('acme/api').issues.values()]).toHaveLength(1);
  });

  it('the double answers with a rate budget that decreases per token and a fixed reset', async () => {
    const { client } = await setup();
    const first = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' });
    const second = await client.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' });
    expect(Number(second.headers['x-ratelimit-remaining'])).toBe(Number(first.headers['x-ratelimit-remaining']) - 1);
    expect(second.headers['x-ratelimit-reset']).toBe(first.headers['x-ratelimit-reset']);
    expect(Number(second.headers['x-ratelimit-used'])).toBe(2);
  });
});
