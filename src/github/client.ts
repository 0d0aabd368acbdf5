/**
 * The port through which all GitHub-side logic talks to GitHub: types only, so nothing here
 * depends on an adapter (docs/architecture.md, "GitHub is a port"). Probot's Octokit and the
 * Action's `@actions/github` Octokit both satisfy it (see octokit.ts, the adapter that configures
 * retries, rate limits and timeouts), so the logic in src/github serves the App and the Action
 * alike. Requests are typed loosely here; the test double validates every one of them against
 * GitHub's published OpenAPI description.
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
