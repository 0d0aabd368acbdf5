/**
 * The port through which all GitHub-side logic talks to GitHub: types only, so nothing here
 * depends on an adapter (docs/architecture.md, "GitHub is a port"). Probot's Octokit and the
 * Action's `@actions/github` Octokit both satisfy it (see octokit.ts, the adapter that configures
 * retries, rate limits and timeouts), so the logic in src/github serves the App and the Action
 * alike.
 *
 * Routes, request fields and response shapes come from `@octokit/types`' `Endpoints` (generated
 * from GitHub's OpenAPI description), so a misspelt request field or response field fails `tsc`
 * (pinned by test/unit/github/port-types.test.ts). Unlike Octokit's own `RequestParameters`, the
 * per-call options below have no index signature: an unknown key is an error, not a pass-through.
 * At run time the test double checks the same contract against `@octokit/openapi`.
 */
import type { Endpoints, RequestHeaders, RequestRequestOptions } from '@octokit/types';

/** A REST route GitHub documents, e.g. `GET /repos/{owner}/{repo}/pulls/{pull_number}`. */
export type Route = keyof Endpoints;

/** Octokit's per-call options besides the endpoint's own fields. */
export interface CallOptions {
  request?: RequestRequestOptions;
  headers?: RequestHeaders;
  mediaType?: { format?: string };
}

/** The fields a route takes (path, query and body), plus the per-call options. */
export type Params<R extends Route> = Endpoints[R]['parameters'] & CallOptions;

/** The response a route answers with: status, headers and the typed `data`. */
export type Response<R extends Route> = Endpoints[R]['response'];

/** The JSON body of a route's answer. */
export type Data<R extends Route> = Response<R>['data'];

/**
 * One item of a paginated list: the array itself (`GET .../pulls`), or the array inside the
 * wrapper object some lists use (`{ total_count, check_runs: [...] }`), as `paginate` unwraps it.
 */
export type PageItem<R extends Route> =
  Data<R> extends ReadonlyArray<infer I> ? I : { [K in keyof Data<R>]: Data<R>[K] extends ReadonlyArray<infer I> ? I : never }[keyof Data<R>];

export interface GitHubResponse<T = any> {
  status: number;
  data: T;
  headers: Record<string, string | number | undefined>;
}

export interface GitHubClient {
  request<R extends Route>(route: R, params?: Params<R>): Promise<Response<R>>;
  /**
   * Without a type argument the items are typed by the route. `paginate<Item>(…)` names the item
   * type instead (an explicit, visible assertion, as Octokit allows); prefer the route's types.
   */
  paginate<Item = never, R extends Route = Route>(route: R, params?: Params<R>): Promise<([Item] extends [never] ? PageItem<R> : Item)[]>;
  graphql?: <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}
