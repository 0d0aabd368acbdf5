import type { Probot } from 'probot';
import type { ScanRequest } from './queue.js';

/**
 * The queue's schedule round: every repository of every installation at the head of its default
 * branch, as plain data a worker on any replica can run. Archived and empty repositories are left
 * out, as in the in-process scheduler.
 */
export async function listScanRequests(app: Probot, onError: (key: string, error: unknown) => void): Promise<ScanRequest[]> {
  const appOctokit = await app.auth();
  const installations: { id: number }[] = await appOctokit.paginate('GET /app/installations', { per_page: 100 });
  const requests: ScanRequest[] = [];
  for (const installation of installations) {
    const octokit = await app.auth(installation.id);
    const repositories: any[] = await octokit.paginate('GET /installation/repositories', { per_page: 100 });
    for (const repository of repositories) {
      if (repository.archived || !repository.default_branch) continue;
      let sha: string;
      try {
        const { data: ref } = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: repository.owner.login, repo: repository.name, ref: `heads/${repository.default_branch}` });
        sha = ref.object.sha;
      } catch (error) {
        // One repository's failure (say, its branch just vanished) must not cost the others their scan.
        onError(repository.full_name, error);
        continue;
      }
      requests.push({
        installationId: installation.id,
        repository: {
          name: repository.name,
          full_name: repository.full_name,
          owner: { login: repository.owner.login, type: repository.owner.type },
          html_url: repository.html_url,
          default_branch: repository.default_branch,
        },
        sha,
      });
    }
  }
  return requests;
}
