/**
 * The policy engine (SPEC §2.4–2.5): matches every NHI to its owners-file entry, runs the rule
 * table, and returns the enriched inventory with the findings. Pure: the owners file comes in as
 * text, time comes in as `settings.now`.
 */
import type { Finding, IdentityRecord, InventoryEntry, ScanSettings } from '../types.js';
import { entryMatcher, parseOwnersFile, type OwnersEntry } from './owners-file.js';
import { POLICY_RULES, policyFingerprint, policyRule, type PolicyRule, type RuleHit } from './rules.js';
import { append } from '../append.js';

export { policyFingerprint };

export interface PolicyInput {
  records: IdentityRecord[];
  /** The owners file, when the repository has one. */
  owners?: { path: string; content: string };
  settings: ScanSettings;
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
  const matchers = owners.entries.map((entry) => ({ entry, matches: entryMatcher(entry) }));
  const inventory = input.records.map((record) => {
    const matching = matchers.filter((m) => m.matches(record)).map((m) => m.entry);
    matching.forEach((entry) => used.add(entry));
    const entry = matching.at(-1);
    const gaps: string[] = [];
    for (const rule of POLICY_RULES) {
      const hit = rule.check?.({ record, entry, ownersPath, settings });
      if (!hit) continue;
      gaps.push(rule.id);
      const blamed = rule.scope === 'owners' || !prMode || input.changed!.has(record.id);
      if (blamed) findings.push(toFinding(rule, hit, record, settings));
    }
    return enrich(record, entry, gaps);
  });

  // A PR sees only the NHIs of the files it touches, so "matches nothing" is decided on full scans.
  if (settings.mode !== 'pr') append(findings, staleEntries(owners.entries, used, ownersPath, settings));
  return { inventory, findings };
}

function toFinding(rule: PolicyRule, hit: RuleHit, record: IdentityRecord, settings: ScanSettings): Finding {
  const location = hit.location ?? { file: record.file, line: record.line, column: 1 };
  return {
    rule: rule.id,
    level: rule.level(settings),
    ...location,
    message: hit.message,
    fingerprint: policyFingerprint(rule.id, record.id),
    identityId: record.id,
    owasp: hit.owasp ?? rule.owasp,
    ...(hit.data ? { data: hit.data } : {}),
  };
}

function enrich(record: IdentityRecord, entry: OwnersEntry | undefined, findings: string[]): InventoryEntry {
  const enriched: InventoryEntry = { ...record, findings };
  if (entry) {
    enriched.owner = entry.owner;
    if (entry.rotation) enriched.rotation = entry.rotation.text;
    if (entry.environment !== undefined) enriched.environment = entry.environment;
    if (entry.purpose !== undefined) enriched.purpose = entry.purpose;
  }
  return enriched;
}

function staleEntries(entries: readonly OwnersEntry[], used: ReadonlySet<OwnersEntry>, ownersPath: string, settings: ScanSettings): Finding[] {
  const rule = policyRule('owners/stale-entry');
  return entries
    .filter((entry) => !used.has(entry))
    .map((entry) => {
      const what = [entry.match !== undefined ? `match "${entry.match}"` : '', entry.path !== undefined ? `path "${entry.path}"` : ''].filter(Boolean).join(' and ');
      return {
        rule: rule.id,
        level: rule.level(settings),
        file: ownersPath,
        line: entry.line,
        column: entry.column,
        message: `Owners entry ${entry.index + 1} (${what}) matches no identity in the repository: remove it, or fix its glob`,
        fingerprint: policyFingerprint(rule.id, ownersPath, entry.match ?? '', entry.path ?? ''),
        data: { entry: entry.index + 1 },
      };
    });
}
