import type { IdentityRecord, IdentityReference } from '../types.js';

/**
 * Joins what extractors could not join alone, once every file is read. Mutates `records` in place:
 * 1. Records with the same id are the same NHI declared twice (a workflow secret used by several
 *    workflows, a ServiceAccount in a Kustomize base and an overlay): they are merged into the
 *    first, which keeps its file and line and lists the others in `attributes.alsoDeclaredIn`.
 * 2. Cross-file references are attached to the record they name. References to NHIs declared
 *    nowhere in the scan set are dropped (docs/architecture.md, "Identities and credentials": an undeclared identity is not inventoried).
 */
export function linkReferences(records: IdentityRecord[], references: readonly IdentityReference[]): IdentityRecord[] {
  const byId = mergeDuplicates(records);
  for (const ref of references) {
    const record = byId.get(ref.target);
    if (record) applyReference(record, ref);
  }
  return records;
}

/**
 * Resolves the references an extractor can satisfy from its own file and returns the rest, which
 * travel in `ExtractResult.references` for the pipeline to resolve.
 */
export function linkLocal(records: IdentityRecord[], references: readonly IdentityReference[]): IdentityReference[] {
  const byId = new Map<string, IdentityRecord[]>();
  for (const record of records) byId.set(record.id, [...(byId.get(record.id) ?? []), record]);
  const unresolved: IdentityReference[] = [];
  for (const ref of references) {
    const targets = byId.get(ref.target);
    if (!targets) unresolved.push(ref);
    else for (const record of targets) applyReference(record, ref);
  }
  return unresolved;
}

function mergeDuplicates(records: IdentityRecord[]): Map<string, IdentityRecord> {
  const byId = new Map<string, IdentityRecord>();
  let kept = 0;
  for (const record of records) {
    const first = byId.get(record.id);
    if (!first) {
      byId.set(record.id, record);
      records[kept++] = record;
      continue;
    }
    const also = (first.attributes.alsoDeclaredIn as string[] | undefined) ?? [];
    first.attributes.alsoDeclaredIn = [...also, `${record.file}:${record.line}`];
    for (const edge of record.usedBy) applyReference(first, { target: first.id, usedBy: edge });
    applyReference(first, { target: first.id, permissions: record.permissions, rotationEvidence: record.rotationEvidence });
    if (record.templated) first.templated = true;
  }
  records.length = kept;
  return byId;
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
