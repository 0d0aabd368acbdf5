import type { GitHubClient, RepoRef } from './client.js';
import { getFileText } from './contents.js';
import { createOnce, NO_BLIND_RETRY } from './idempotent.js';

export interface OwnersChange {
  /** The owners file path (settings.ownersPath). */
  path: string;
  /** Turns the current text (empty when the file is absent) into the new text. */
  edit: (current: string) => string;
  issueNumber: number;
  title: string;
  body: string;
  commitMessage: string;
  /** One line for the PR body's list of changes when an open PR is updated (Markdown, escaped). */
  change?: string;
}

export interface OwnersPullRequest {
  number: number;
  htmlUrl: string;
  branch: string;
  /** False when the edit changed nothing (the file already says it). */
  changed: boolean;
  /** True when an open PR from an earlier command was updated rather than a new one opened. */
  updated?: boolean;
}

/**
 * Opens (or updates) a pull request that edits the owners file, through the Git Data API: a tree
 * and a commit on top of the default branch, a branch per issue (`nhi-steward/issue-<n>`), and a
 * PR that refers to the issue. A second command on the same issue builds on the open PR's branch
 * (keeping the first command's edit) and updates that PR's title and body; callers serialise
 * commands per issue.
 */
export async function openOwnersPullRequest(client: GitHubClient, repo: RepoRef, defaultBranch: string, change: OwnersChange): Promise<OwnersPullRequest | undefined> {
  const branch = `nhi-steward/issue-${change.issueNumber}`;
  const open = await client.paginate('GET /repos/{owner}/{repo}/pulls', { ...repo, head: `${repo.owner}:${branch}`, state: 'open', per_page: 100 });
  // With an open PR, the edit goes on top of its branch; otherwise on the default branch.
  const { data: ref } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: `heads/${open.length > 0 ? branch : defaultBranch}` });
  const baseSha: string = ref.object.sha;
  const current = (await getFileText(client, repo, change.path, baseSha)) ?? '';
  const next = change.edit(current);
  if (next === current) return open.length > 0 ? { number: open[0].number, htmlUrl: open[0].html_url, branch, changed: false, updated: true } : undefined;
  const { data: baseCommit } = await client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { ...repo, commit_sha: baseSha });
  const { data: tree } = await client.request('POST /repos/{owner}/{repo}/git/trees', {
    ...repo,
    base_tree: baseCommit.tree.sha,
    tree: [{ path: change.path, mode: '100644', type: 'blob', content: next }],
  });
  const { data: commit } = await client.request('POST /repos/{owner}/{repo}/git/commits', { ...repo, message: change.commitMessage, tree: tree.sha, parents: [baseSha] });
  await pointBranch(client, repo, branch, commit.sha);
  if (open.length > 0) {
    const pr = open[0];
    const body = `${pr.body ?? ''}${change.change ? `\n- ${change.change}` : ''}`;
    // A pull request is an issue: the issues endpoint updates its title and body.
    await client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { ...repo, issue_number: pr.number, title: `nhi-steward: owners-file changes for #${change.issueNumber}`, body });
    return { number: pr.number, htmlUrl: pr.html_url, branch, changed: true, updated: true };
  }
  const find = async () => {
    const open = await client.paginate('GET /repos/{owner}/{repo}/pulls', { ...repo, head: `${repo.owner}:${branch}`, state: 'open', per_page: 100 });
    return open.length > 0 ? { number: open[0].number as number, htmlUrl: open[0].html_url as string } : undefined;
  };
  // A create whose answer was lost may have opened the PR: look again before opening another.
  const pull = (await find()) ?? (await createOnce({ find, create: async () => {
    const { data } = await client.request('POST /repos/{owner}/{repo}/pulls', { ...repo, title: change.title, head: branch, base: defaultBranch, body: change.body, ...NO_BLIND_RETRY });
    return { number: data.number as number, htmlUrl: data.html_url as string };
  } }));
  return { ...pull, branch, changed: true };
}

/** Creates `branch` at `sha`, or moves it there when it exists. */
export async function pointBranch(client: GitHubClient, repo: RepoRef, branch: string, sha: string): Promise<void> {
  try {
    await createOnce({
      // A branch create whose answer was lost: the branch is there, pointing at our commit.
      find: async () => {
        try {
          const { data } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: `heads/${branch}` });
          return data.object?.sha === sha ? true : undefined;
        } catch {
          return undefined;
        }
      },
      create: async () => (await client.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: `refs/heads/${branch}`, sha, ...NO_BLIND_RETRY }), true),
    });
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
    // The branch exists from an earlier command on this issue: move it to the new commit.
    await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: `heads/${branch}`, sha, force: true });
  }
}
