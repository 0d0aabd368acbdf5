/**
 * Type-level pins for the port (src/github/client.ts): routes, request fields and response fields
 * come from `@octokit/types`' `Endpoints`, so a misspelt field fails `npm run typecheck` (which
 * compiles this file). Each `@ts-expect-error` below must be an error: if the port went back to
 * loose types (`Record<string, unknown>` in, `any` out), the directive itself would be unused and
 * tsc would fail. The run-time half of the contract (every request and response the double sees
 * is validated against `@octokit/openapi`) is test/unit/github-double/double.test.ts.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { GitHubClient, PageItem } from '../../../src/github/client.js';

const repo = { owner: 'acme', repo: 'api' };

// Never called: tsc checks the bodies, vitest only loads the module.
export async function misspeltRequestFields(client: GitHubClient): Promise<void> {
  // @ts-expect-error: `pull_numbr` is not a field of this route (and `pull_number` is missing).
  await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_numbr: 1 });
  // @ts-expect-error: an optional field misspelt (`per_pag`) is an excess property, not a pass-through.
  await client.paginate('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'open', per_pag: 100 });
  // @ts-expect-error: a value GitHub does not accept (`state: 'opened'`).
  await client.request('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'opened' });
  // @ts-expect-error: a check-run conclusion GitHub does not know.
  await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...repo, check_run_id: 1, conclusion: 'passed' });
  // @ts-expect-error: a route GitHub does not document.
  await client.request('GET /repos/{owner}/{repo}/pull/{pull_number}', { ...repo, pull_number: 1 });
}

export async function misspeltResponseFields(client: GitHubClient): Promise<string[]> {
  const { data: pr } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 1 });
  // @ts-expect-error: the head commit is `pr.head.sha`, not `pr.head.hash`.
  const head: string = pr.head.hash;
  const files = await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...repo, pull_number: 1, per_page: 100 });
  // @ts-expect-error: a pull-request file names itself by `filename`, not `path`.
  const paths: string[] = files.map((f) => f.path);
  const runs = await client.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...repo, ref: 'main', per_page: 100 });
  // @ts-expect-error: a check run's id for us is `external_id`, not `externalId`.
  const ids: string[] = runs.map((r) => r.externalId);
  return [head, ...paths, ...ids];
}

export const named = (client: GitHubClient) => client.paginate<{ filename: string }>('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...repo, pull_number: 1 });
export const byRoute = (client: GitHubClient) => client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...repo, pull_number: 1 });

describe('the port is typed by @octokit/types Endpoints', () => {
  it('unwraps paginated lists, plain and wrapped', () => {
    expectTypeOf<PageItem<'GET /repos/{owner}/{repo}/pulls/{pull_number}/files'>>().toHaveProperty('filename').toEqualTypeOf<string>();
    expectTypeOf<PageItem<'GET /repos/{owner}/{repo}/commits/{ref}/check-runs'>>().toHaveProperty('external_id').toEqualTypeOf<string | null>();
    expectTypeOf<PageItem<'GET /repos/{owner}/{repo}/issues'>>().toHaveProperty('number').toEqualTypeOf<number>();
  });

  it('paginate<Item>(…) is an explicit assertion of the item type; without it the route types the items', () => {
    type Named = Awaited<ReturnType<typeof named>>;
    expectTypeOf<Named>().toEqualTypeOf<{ filename: string }[]>();
    type ByRoute = Awaited<ReturnType<typeof byRoute>>;
    expectTypeOf<ByRoute>().toEqualTypeOf<PageItem<'GET /repos/{owner}/{repo}/pulls/{pull_number}/files'>[]>();
  });

  it('types a response by its route', () => {
    type Get = Awaited<ReturnType<typeof misspeltResponseFields>>;
    expectTypeOf<Get>().toEqualTypeOf<string[]>();
  });
});
