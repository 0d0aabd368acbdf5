/**
 * The policy engine (docs/architecture.md, "The owners file" and "Rules"): matches every NHI to its owners-file entry, runs the rule
 * table, and returns the enriched inventory with the findings. Pure: the owners file comes in as
 * text, time comes in as `settings.now`.
 */
import type { Finding, IdentityRecord, InventoryEntry, Level, ScanSettings } from '../types.js';
import { entryMatcher, matchesOnlyByLegacyId, migratedMatch, parseOwnersFile, resolveEntry, type OwnersEntry, type ResolvedEntry } from './owners-file.js';
import type { Codeowners } from './codeowners.js';
import { nearestIds } from './did-you-mean.js';
import { POLICY_RULES, policyFingerprint, policyRule, type PolicyRule, type RuleHit } from './rules.js';
import { append } from '../append.js';

export { policyFingerprint };

export interface PolicyInput {
  records: IdentityRecord[];
  /** The owners file, when the repository has one. */
  owners?: { path: string; content: string };
  settings: ScanSettings;
  /** The repository's CODEOWNERS, for owner suggestions in unowned findings. */
  codeowners?: Codeowners;
  /** PR mode: ids of NHIs new or changed in this PR (from diffInventories); others are not blamed. */
  changed?: ReadonlySet<string>;
}

export interface PolicyOutput {
  inventory: InventoryEntry[];
  findings: Finding[];
}

export function evaluatePolicy(input: PolicyInput): PolicyOutput {
  const { settings } = input;
  const ownersPath = input.owners?.path ?? settings.ownersPath;
  const owners = input.owners ? parseOwnersFile(input.owners.content) : { entries: [], problems: [] };
  const findings: Finding[] = owners.problems.map((problem) => ({
    rule: 'owners/invalid',
    level: policyRule('owners/invalid').level(settings),
    file: ownersPath,
    line: problem.line,
    column: problem.column,
    message: `${ownersPath}: ${problem.message}`,
    fingerprint: policyFingerprint('owners/invalid', ownersPath, problem.message),
  }));

  const prMode = settings.mode === 'pr' && input.changed !== undefined;
  const used = new Set<OwnersEntry>();
  const legacy = new Map<OwnersEntry, string[]>();
  const matchers = owners.entries.map((entry) => ({ entry, matches: entryMatcher(entry) }));
  const inventory = input.records.map((record) => {
    const matching = matchers.filter((m) => m.matches(record)).map((m) => m.entry);
    for (const entry of matching) {
      used.add(entry);
      if (matchesOnlyByLegacyId(entry, record)) legacy.set(entry, [...(legacy.get(entry) ?? []), record.id]);
    }
    const entry = resolveEntry(matching);
    const gaps: string[] = [];
    for (const rule of POLICY_RULES) {
      if (settings.rules?.[rule.id] === 'off') continue;
      const result = rule.check?.({ record, entry, ownersPath, settings, codeowners: input.codeowners });
      const hits = result === undefined ? [] : Array.isArray(result) ? result : [result];
      if (hits.length === 0) continue;
      gaps.push(rule.id);
      const blamed = rule.scope === 'owners' || !prMode || input.changed!.has(record.id);
      if (blamed) for (const hit of hits) findings.push(toFinding(rule, hit, record, settings));
    }
    return enrich(record, entry, gaps);
  });

  // A PR sees only the NHIs of the files it touches, so "matches nothing" is decided on full scans.
  if (settings.mode !== 'pr') append(findings, staleEntries(owners.entries, used, ownersPath, settings, input.records));
  append(findings, legacyEntries(legacy, ownersPath, settings));
  return { inventory, findings };
}

function toFinding(rule: PolicyRule, hit: RuleHit, record: IdentityRecord, settings: ScanSettings): Finding {
  const location = hit.location ?? { file: record.file, line: record.line, column: 1 };
  return {
    rule: rule.id,
    level: (settings.rules?.[rule.id] as Level | undefined) ?? hit.level ?? rule.level(settings),
    ...location,
    message: hit.message,
    fingerprint: hit.key === undefined ? policyFingerprint(rule.id, record.id) : policyFingerprint(rule.id, record.id, hit.key),
    identityId: record.id,
    owasp: hit.owasp ?? rule.owasp,
    ...(hit.data ? { data: hit.data } : {}),
  };
}

function enrich(record: IdentityRecord, entry: ResolvedEntry | undefined, findings: string[]): InventoryEntry {
  const enriched: InventoryEntry = { ...record, findings };
  if (entry) {
    if (entry.kind === 'config' && record.kind === 'credential') enriched.kind = 'config';
    enriched.owner = entry.owner;
    if (entry.rotation) enriched.rotation = entry.rotation.text;
    if (entry.environment !== undefined) enriched.environment = entry.environment;
    if (entry.purpose !== undefined) enriched.purpose = entry.purpose;
    // 1-based entry numbers, as messages and the owners file's readers count them.
    enriched.ownersFields = Object.fromEntries(Object.entries(entry.sources).map(([field, source]) => [field, { entry: source.entry + 1, line: source.line }]));
  }
  return enriched;
}

function staleEntries(entries: readonly OwnersEntry[], used: ReadonlySet<OwnersEntry>, ownersPath: string, settings: ScanSettings, records: readonly IdentityRecord[]): Finding[] {
  const rule = policyRule('owners/stale-entry');
  const ids = records.map((r) => r.id);
  const files = [...new Set(records.flatMap((r) => (r.declarations ?? [r]).map((d) => d.file)))];
  return entries
    .filter((entry) => !used.has(entry))
    .map((entry) => {
      const what = [entry.match !== undefined ? `match "${entry.match}"` : '', entry.path !== undefined ? `path "${entry.path}"` : ''].filter(Boolean).join(' and ');
      const near = entry.match !== undefined ? nearestIds(entry.match, ids) : entry.path !== undefined ? nearestIds(entry.path, files) : [];
      const hint = near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ': remove it, or fix its glob';
      return {
        rule: rule.id,
        level: rule.level(settings),
        file: ownersPath,
        line: entry.line,
        column: entry.column,
        message: `Owners entry ${entry.index + 1} (${what}) matches no identity in the repository${hint}`,
        fingerprint: policyFingerprint(rule.id, ownersPath, entry.match ?? '', entry.path ?? ''),
        data: { entry: entry.index + 1, ...(near.length > 0 ? { didYouMean: near } : {}) },
      };
    });
}

/** Entries that still match only through the pre-scoping CloudFormation id form: they work, but say how to rewrite them. */
function legacyEntries(legacy: ReadonlyMap<OwnersEntry, string[]>, ownersPath: string, settings: ScanSettings): Finding[] {
  const rule = policyRule('owners/legacy-id');
  return [...legacy].map(([entry, ids]) => ({
    rule: rule.id,
    level: rule.level(settings),
    file: ownersPath,
    line: entry.line,
    column: entry.column,
    message: `Owners entry ${entry.index + 1} (match "${entry.match}") uses the CloudFormation id form without the template path, so it matches ${ids.length === 1 ? ids[0] : `${ids.length} identities in every template (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`}: write match: "${migratedMatch(entry.match!)}" for the same set, or name the template to narrow it`,
    fingerprint: policyFingerprint(rule.id, ownersPath, entry.match ?? ''),
    data: { entry: entry.index + 1, replacement: migratedMatch(entry.match!), ids },
  }));
}
