import { createHash } from 'node:crypto';
import type { Finding, InventoryEntry, ScanResult } from '../core/types.js';
import type { GitHubClient } from './client.js';

/**
 * `owners/orphaned` (docs/architecture.md, "Rules", App only): an NHI whose owner is a user who is no longer a member
 * of the organisation. Teams survive a member's departure and emails cannot be resolved, so only
 * direct `@login` owners are checked. Full scans check every owner; `organization.member_removed`
 * triggers full scans, so the issue opens at once and stays open until a new owner is recorded.
 */
export function userOwners(inventory: InventoryEntry[]): string[] {
  const logins = new Set<string>();
  for (const entry of inventory) {
    if (entry.owner && /^@[A-Za-z0-9-]+$/.test(entry.owner)) logins.add(entry.owner.slice(1).toLowerCase());
  }
  return [...logins].sort();
}

/** Asks GitHub which of the logins are no longer org members (204 member, 404 not). */
export async function formerMembers(client: GitHubClient, org: string, logins: string[], knownGone: string[] = []): Promise<Set<string>> {
  const gone = new Set(knownGone.map((l) => l.toLowerCase()));
  for (const login of logins) {
    if (gone.has(login)) continue;
    try {
      await client.request('GET /orgs/{org}/members/{username}', { org, username: login });
    } catch (error) {
      if ((error as { status?: number }).status === 404) gone.add(login);
      else throw error;
    }
  }
  return new Set(logins.filter((l) => gone.has(l)));
}

export function orphanedFindings(result: ScanResult, gone: ReadonlySet<string>): Finding[] {
  return result.inventory.filter((entry) => entry.owner && gone.has(entry.owner.slice(1).toLowerCase())).map(orphaned);
}

function orphaned(entry: InventoryEntry): Finding {
  const owner = entry.owner ?? '';
  return {
    rule: 'owners/orphaned',
    level: 'error',
    file: entry.file,
    line: entry.line,
    column: 1,
    message: `${entry.id} is owned by ${owner}, who is no longer a member of the organisation. Name a new technical owner, and review whether the ${entry.kind} is still needed.`,
    fingerprint: createHash('sha256').update(`owners/orphaned\0${entry.id}\0${owner.toLowerCase()}`).digest('hex'),
    identityId: entry.id,
    owasp: ['NHI1'],
    data: { formerOwner: owner },
  };
}
