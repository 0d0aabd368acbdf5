import type { GitHubClient, RepoRef } from './client.js';

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: number }).status === 404;
}

/** A file's text at a ref, or undefined when it does not exist there. */
/** `ref` undefined: the default branch. */
export async function getFileText(client: GitHubClient, repo: RepoRef, path: string, ref?: string): Promise<string | undefined> {
  const bytes = await getFileBytes(client, repo, path, ref);
  return bytes === undefined ? undefined : bytes.toString('utf8');
}

export async function getFileBytes(client: GitHubClient, repo: RepoRef, path: string, ref?: string): Promise<Buffer | undefined> {
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path, ...(ref ? { ref } : {}) });
    if (Array.isArray(data) || data.type !== 'file') return undefined;
    if (typeof data.content === 'string' && data.encoding === 'base64' && (data.content.length > 0 || data.size === 0)) {
      return Buffer.from(data.content, 'base64');
    }
    // Files over 1 MB come back without content: fetch the blob instead.
    const { data: blob } = await client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { ...repo, file_sha: data.sha });
    return Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
