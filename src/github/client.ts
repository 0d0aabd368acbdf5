import { DEFAULT_RETRY_POLICY, resilient, type RetryPolicy } from './resilient-client.js';

/**
 * The port through which all GitHub-side logic talks to GitHub. Probot's Octokit and the Action's
 * `@actions/github` Octokit both satisfy it, so the logic in src/github serves the App and the
 * Action alike. Requests are typed loosely here; the test double validates every one of them
 * against GitHub's published OpenAPI description.
 */
export interface GitHubResponse<T = any> {
  status: number;
  data: T;
  headers: Record<string, string | number | undefined>;
}

export interface GitHubClient {
  request<T = any>(route: string, params?: Record<string, unknown>): Promise<GitHubResponse<T>>;
  paginate<T = any>(route: string, params?: Record<string, unknown>): Promise<T[]>;
  graphql?: <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * Narrows any Octokit instance to the port, wrapped so that every call is retried on GitHub's
 * transient faults (5xx, rate limits, timeouts).
 */
export function asClient(octokit: unknown, policy: RetryPolicy = DEFAULT_RETRY_POLICY): GitHubClient {
  return resilient(octokit as GitHubClient, policy);
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: number }).status === 404;
}
