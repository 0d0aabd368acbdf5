import { parseOwnersFile, winningEntry } from '../core/policy/owners-file.js';
import type { IdentityRecord, InventoryEntry } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';

export interface ReviewRequest {
  reviewers: string[];
  team_reviewers: string[];
}

/**
 * When a PR changes an existing NHI (its declaration or what grants it permissions), its owner
 * should review. Users become reviewers, `@org/team` owners team reviewers; emails cannot be
 * requested, and the PR's author is never asked to review their own change.
 */
export function reviewRequestFor(changed: IdentityRecord[], inventory: InventoryEntry[], author: string | undefined, org: string, regranted: string[] = [], ownersFile?: string): ReviewRequest {
  const owners = new Map(inventory.map((entry) => [entry.id, entry.owner]));
  // NHIs declared outside the PR are not in its inventory: ask the owners file directly.
  const entries = ownersFile ? parseOwnersFile(ownersFile).entries : [];
  for (const id of regranted) owners.set(id, winningEntry(entries, { id, file: '' })?.owner);
  const reviewers = new Set<string>();
  const teams = new Set<string>();
  for (const id of [...changed.map((r) => r.id), ...regranted]) {
    const owner = owners.get(id);
    if (!owner?.startsWith('@')) continue;
    const handle = owner.slice(1);
    const slash = handle.indexOf('/');
    if (slash === -1) {
      if (handle.toLowerCase() !== author?.toLowerCase()) reviewers.add(handle);
    } else if (handle.slice(0, slash).toLowerCase() === org.toLowerCase()) {
      teams.add(handle.slice(slash + 1));
    }
  }
  return { reviewers: [...reviewers].sort(), team_reviewers: [...teams].sort() };
}

export async function requestOwnerReviews(client: GitHubClient, repo: RepoRef, pullNumber: number, request: ReviewRequest): Promise<boolean> {
  if (request.reviewers.length === 0 && request.team_reviewers.length === 0) return false;
  await client.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { ...repo, pull_number: pullNumber, ...request });
  return true;
}
