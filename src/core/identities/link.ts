import type { IdentityRecord, IdentityReference } from '../types.js';

/**
 * Attaches cross-file references to the records they name. Extractors read one file at a time, so a
 * Deployment naming a ServiceAccount declared in another manifest can only be joined once every
 * file is read. References to NHIs declared nowhere in the scan set are dropped (SPEC §2.3: an
 * undeclared identity is not ours to inventory). Mutates and returns `records`.
 */
export function linkReferences(records: IdentityRecord[], references: readonly IdentityReference[]): IdentityRecord[] {
  if (references.length === 0) return records;
  const byId = new Map<string, IdentityRecord[]>();
  for (const record of records) {
    const list = byId.get(record.id);
    if (list) list.push(record);
    else byId.set(record.id, [record]);
  }
  for (const ref of references) {
    for (const record of byId.get(ref.target) ?? []) applyReference(record, ref);
  }
  return records;
}

function applyReference(record: IdentityRecord, ref: IdentityReference): void {
  if (ref.usedBy) {
    const edge = ref.usedBy;
    const seen = record.usedBy.some((u) => u.id === edge.id && u.via === edge.via && u.file === edge.file && u.line === edge.line);
    if (!seen) record.usedBy.push(edge);
  }
  if (ref.permissions?.length) {
    const permissions = new Set(record.permissions ?? []);
    for (const p of ref.permissions) permissions.add(p);
    record.permissions = [...permissions];
  }
  if (ref.rotationEvidence && !record.rotationEvidence) record.rotationEvidence = ref.rotationEvidence;
}
