/**
 * A GitHub client for tests that call the check-run code directly: the App's Octokit
 * configuration (retries, timeouts; src/github/octokit.ts) against the GitHub double, with short
 * retry waits and Octokit's write pacing off, so a test does not wait 1 s between writes.
 */
import { ProbotOctokit } from 'probot';
import { asClient, octokitOptions } from '../../src/github/octokit.js';
import type { GitHubDouble } from './github-double/index.js';

export function checksClient(double: GitHubDouble) {
  const options = octokitOptions({ auth: { token: 'ghs_test' }, baseUrl: double.url }, { timeoutMs: 10_000, retries: 2, retryBaseMs: 10, maxRateLimitWaitSeconds: 5 });
  return asClient(new ProbotOctokit({ ...options, throttle: { ...options.throttle, enabled: false } }));
}
