import type { IdentityRecord, IdentityReference } from '../types.js';

/**
 * Joins what extractors could not join alone, once every file is read. Mutates `records` in place:
 * 1. Records with the same id are the same NHI declared twice (a workflow secret used by several
 *    workflows, a ServiceAccount in a Kustomize base and an overlay): they are merged into the
 *    first, which keeps its file and line; `declarations` lists every site, first one first.
 * 2. Cross-file references are attached to the record they name. References to NHIs declared
 *    nowhere in the scan set are dropped (SPEC §2.3: an undeclared identity is not inventoried).
 */
export function linkReferences(records: IdentityRecord[], references: readonly IdentityReference[]): IdentityRecord[] {
  const byId = mergeDuplicates(records);
  pairCredentials(records, byId);
  for (const ref of references) {
    const record = byId.get(ref.target) ?? byId.get(untargeted(ref.target));
    if (record) applyReference(record, ref);
  }
  return records;
}

/** A Kubernetes id without its `@<cluster target>`: an overlay's workload may use its base's ServiceAccount. */
export function untargeted(id: string): string {
  const at = id.lastIndexOf('@');
  return at > id.lastIndexOf('/') && id.startsWith('kubernetes:') ? id.slice(0, at) : id;
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
      record.declarations = [...(record.declarations ?? [{ file: record.file, line: record.line }])];
      byId.set(record.id, record);
      records[kept++] = record;
      continue;
    }
    const sites = first.declarations!;
    for (const site of record.declarations ?? [{ file: record.file, line: record.line }]) {
      if (!sites.some((s) => s.file === site.file && s.line === site.line)) sites.push(site);
    }
    for (const edge of record.usedBy) applyReference(first, { target: first.id, usedBy: edge });
    mergeAttributeLists(first, record);
    // Used as a credential anywhere, it is one (a secret read as a role ARN in one workflow only is config).
    if (record.kind === 'credential' && first.kind === 'config') {
      first.kind = 'credential';
      delete first.attributes.reference;
    }
    applyReference(first, { target: first.id, permissions: record.permissions, rotationEvidence: record.rotationEvidence, grants: record.grants });
    if (record.templated) first.templated = true;
  }
  records.length = kept;
  return byId;
}

/** Key-id names and the name of the secret that completes them. */
const PAIRS: Array<[RegExp, string[]]> = [
  [/ACCESS_KEY_ID$/, ['SECRET_ACCESS_KEY']],
  [/CLIENT_ID$/, ['CLIENT_SECRET']],
  [/APP_ID$/, ['APP_SECRET', 'PRIVATE_KEY']],
  [/API_KEY_ID$/, ['API_KEY_SECRET', 'API_SECRET']],
  [/KEY_ID$/, ['SECRET_KEY', 'KEY_SECRET']],
];

/**
 * A key id and its secret stored as two CI secrets (`AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`,
 * `X_CLIENT_ID` + `X_CLIENT_SECRET`) are one credential with one owner and one rotation: the id
 * half is folded into the secret half, which lists it in `attributes.pairedWith` and keeps its uses.
 */
function pairCredentials(records: IdentityRecord[], byId: Map<string, IdentityRecord>): void {
  const folded = new Set<IdentityRecord>();
  for (const record of records) {
    if (record.platform !== 'github-actions' || record.type !== 'secret') continue;
    const pair = PAIRS.find(([form]) => form.test(record.name));
    if (!pair) continue;
    const stem = record.name.replace(pair[0], '');
    const partner = pair[1].map((suffix) => byId.get(`github-actions:secret/${stem}${suffix}`)).find((r) => r !== undefined);
    if (!partner || partner === record) continue;
    partner.attributes.pairedWith = record.id;
    if (partner.kind === 'config') partner.kind = 'credential';
    for (const edge of record.usedBy) applyReference(partner, { target: partner.id, usedBy: edge });
    for (const site of record.declarations ?? []) if (!partner.declarations?.some((d) => d.file === site.file && d.line === site.line)) partner.declarations?.push(site);
    folded.add(record);
    byId.delete(record.id);
  }
  if (folded.size === 0) return;
  let kept = 0;
  for (const record of records) if (!folded.has(record)) records[kept++] = record;
  records.length = kept;
}

/** Per-use facts other declarations add (workflow exposures and token permissions per job). */
function mergeAttributeLists(first: IdentityRecord, other: IdentityRecord): void {
  const exposures = other.attributes.exposures;
  if (Array.isArray(exposures)) first.attributes.exposures = [...((first.attributes.exposures as unknown[] | undefined) ?? []), ...exposures];
  const tokens = other.attributes.tokenPermissions;
  if (tokens && typeof tokens === 'object' && first.attributes.tokenPermissions && typeof first.attributes.tokenPermissions === 'object') {
    first.attributes.tokenPermissions = { ...(tokens as object), ...(first.attributes.tokenPermissions as object) };
  }
}

/**
 * References from a workload to an NHI that no file of the scan set declares, for
 * `identity/dangling-reference`: only edges with a user, and only for kinds of NHI the scan set
 * does declare somewhere (a repository that declares no Secrets creates them elsewhere). A `default`
 * ServiceAccount exists in every namespace; templated names (`{{ }}`) are not judged.
 */
export function danglingReferences(records: readonly IdentityRecord[], references: readonly IdentityReference[]): IdentityReference[] {
  const ids = new Set<string>();
  const types = new Set<string>();
  for (const r of records) {
    ids.add(r.id);
    types.add(typeOf(r.id));
  }
  const seen = new Set<string>();
  return references.filter((ref) => {
    if (!ref.usedBy || ids.has(ref.target) || ids.has(untargeted(ref.target)) || !types.has(typeOf(ref.target))) return false;
    if (/\/default$/.test(untargeted(ref.target)) && ref.target.startsWith('kubernetes:ServiceAccount/')) return false;
    if (ref.target.includes('{{') || ref.usedBy.via === 'roleRef') return false;
    const key = `${ref.target}\0${ref.usedBy.file}\0${ref.usedBy.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `kubernetes:ServiceAccount/ns/name` → `kubernetes:ServiceAccount`. */
function typeOf(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? id : id.slice(0, slash);
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
  for (const grant of ref.grants ?? []) {
    const grants = (record.grants ??= []);
    if (!grants.some((g) => g.permission === grant.permission && g.file === grant.file && g.line === grant.line)) grants.push(grant);
  }
}
