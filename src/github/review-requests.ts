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
export function reviewRequestFor(
  changed: IdentityRecord[],
  inventory: InventoryEntry[],
  author: string | undefined,
  org: string,
  regranted: string[] = [],
  ownersFile?: string,
  declaredIn: ReadonlyMap<string, string> = new Map(),
): ReviewRequest {
  const owners = new Map(inventory.map((entry) => [entry.id, entry.owner]));
  // NHIs declared outside the PR are not in its inventory: ask the owners file directly, with the
  // file that declares them so that entries given by `path:` apply too.
  const entries = ownersFile ? parseOwnersFile(ownersFile).entries : [];
  for (const id of regranted) owners.set(id, winningEntry(entries, { id, file: declaredIn.get(id) ?? '' })?.owner);
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

export interface ReviewOutcome {
  /** Users and `org/team`s asked to review. */
  requested: string[];
  /** Those GitHub refused (a departed owner, a team without access), with its reason. */
  refused: { reviewer: string; reason: string }[];
}

/**
 * Asks the owners to review. GitHub refuses the whole request when one reviewer cannot review (an
 * owner who left, a team without access): then each is asked on its own, so the others still are,
 * and the refused ones are reported rather than thrown — the check has already concluded.
 */
export async function requestOwnerReviews(client: GitHubClient, repo: RepoRef, pullNumber: number, request: ReviewRequest): Promise<ReviewOutcome> {
  const outcome: ReviewOutcome = { requested: [], refused: [] };
  if (request.reviewers.length === 0 && request.team_reviewers.length === 0) return outcome;
  const ask = (body: ReviewRequest) => client.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { ...repo, pull_number: pullNumber, ...body });
  const names = [...request.reviewers, ...request.team_reviewers.map((t) => `${repo.owner}/${t}`)];
  try {
    await ask(request);
    outcome.requested.push(...names);
    return outcome;
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
  }
  const singles: [string, ReviewRequest][] = [
    ...request.reviewers.map((r): [string, ReviewRequest] => [r, { reviewers: [r], team_reviewers: [] }]),
    ...request.team_reviewers.map((t): [string, ReviewRequest] => [`${repo.owner}/${t}`, { reviewers: [], team_reviewers: [t] }]),
  ];
  for (const [name, body] of singles) {
    try {
      await ask(body);
      outcome.requested.push(name);
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      outcome.refused.push({ reviewer: name, reason: ((error as Error).message ?? '').split('\n')[0].slice(0, 200) });
    }
  }
  return outcome;
}
