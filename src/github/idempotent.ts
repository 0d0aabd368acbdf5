/**
 * Creates that are never duplicated (docs/architecture.md, "Retries and idempotency"). A POST that
 * timed out, lost its connection or got a 5xx may have been applied by GitHub: retrying it blindly
 * opens a second issue, comment, pull request or check run. Such creates go out with plugin-retry
 * turned off for them (`NO_BLIND_RETRY`); on a fault that may have been applied, `createOnce`
 * re-reads the state (find the issue by its marker, the check run by its external id, the branch
 * by its name) and only creates again when nothing is there.
 */
import type { GitHubClient, RepoRef } from './client.js';

/** Request option that turns plugin-retry off for one request (it still retries rate limits via throttling, which are never applied). */
export const NO_BLIND_RETRY = { request: { retries: 0 } } as const;

/** True when GitHub may have applied the write although the caller saw an error. */
export function mayHaveApplied(error: unknown): boolean {
  const e = error as { status?: number; name?: string; message?: string; cause?: { name?: string } };
  if (e?.status !== undefined && e.status >= 500) return true;
  const names = [e?.name, e?.cause?.name];
  if (names.includes('TimeoutError') || names.includes('AbortError')) return true;
  return /timeout|timed out|ECONNRESET|socket hang up|fetch failed|other side closed/i.test(e?.message ?? '');
}

export interface CreateOnce<T> {
  /** What a create that was applied would have made, or undefined. */
  find: () => Promise<T | undefined>;
  create: () => Promise<T>;
  /** Tries of `create` in all (default 3). */
  attempts?: number;
  /** Wait before the n-th re-read (default 250 ms × n²): a write can take a moment to be visible. */
  delayMs?: (attempt: number) => number;
}

export async function createOnce<T>(op: CreateOnce<T>): Promise<T> {
  const attempts = op.attempts ?? 3;
  const delay = op.delayMs ?? ((n: number) => 250 * n * n);
  for (let n = 1; ; n++) {
    try {
      return await op.create();
    } catch (error) {
      if (!mayHaveApplied(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay(n)));
      const found = await op.find();
      if (found !== undefined) return found;
      if (n >= attempts) throw error;
    }
  }
}


/**
 * Posts a comment once. A comment whose answer was lost is found again by its body among the
 * bot-authored comments of the last minutes, and not posted a second time.
 */
export async function createComment(client: GitHubClient, repo: RepoRef, issueNumber: number, body: string): Promise<number> {
  const since = new Date(Date.now() - 5 * 60_000).toISOString();
  return createOnce({
    find: async () => {
      const comments = await client.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: issueNumber, since, per_page: 100 });
      return comments.find((c) => c.body === body && c.user?.type === 'Bot')?.id as number | undefined;
    },
    create: async () => (await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: issueNumber, body, ...NO_BLIND_RETRY })).data.id as number,
  });
}
