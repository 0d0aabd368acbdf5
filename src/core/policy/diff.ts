/**
 * Which NHIs a change adds, changes or removes, comparing the records extracted at base and at
 * head. PR mode blames only added and changed NHIs (docs/architecture.md, "Scanning input"). A record "changes" when what it
 * is or what it may do changes: its declaration attributes, its users, its permissions or its
 * rotation evidence. Moving it to another line or file is not a change.
 */
import type { IdentityRecord, UsedBy } from '../types.js';

export interface InventoryDiff {
  added: IdentityRecord[];
  changed: IdentityRecord[];
  removed: IdentityRecord[];
}

export function diffInventories(base: readonly IdentityRecord[], head: readonly IdentityRecord[]): InventoryDiff {
  const before = byId(base);
  const after = byId(head);
  const diff: InventoryDiff = { added: [], changed: [], removed: [] };
  for (const [id, record] of after) {
    const previous = before.get(id);
    if (!previous) diff.added.push(record);
    else if (signature(previous) !== signature(record)) diff.changed.push(record);
  }
  for (const [id, record] of before) if (!after.has(id)) diff.removed.push(record);
  return diff;
}

/** Ids of the NHIs a change is answerable for: added and changed. */
export function blamedIds(diff: InventoryDiff): Set<string> {
  return new Set([...diff.added, ...diff.changed].map((record) => record.id));
}

/** First declaration wins when an id repeats (e.g. the same secret used by several workflows). */
function byId(records: readonly IdentityRecord[]): Map<string, IdentityRecord> {
  const map = new Map<string, IdentityRecord>();
  for (const record of records) if (!map.has(record.id)) map.set(record.id, record);
  return map;
}

/** What a record is and may do, independent of where it sits in the file. */
function signature(record: IdentityRecord): string {
  return canonical({
    kind: record.kind,
    type: record.type,
    attributes: record.attributes,
    usedBy: [...new Set(record.usedBy.map(userKey))].sort(),
    permissions: [...new Set(record.permissions ?? [])].sort(),
    rotationEvidence: record.rotationEvidence ?? null,
  });
}

function userKey(user: UsedBy): string {
  return canonical({ id: user.id, kind: user.kind, namespace: user.namespace ?? null, via: user.via });
}

/** JSON with sorted keys, so attribute order does not count as a change. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
