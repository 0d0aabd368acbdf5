/**
 * The policy rules (docs/architecture.md, "Rules") as one table. Each row says what the rule is (id = SARIF ruleId,
 * default level, OWASP NHI ids) and, for per-NHI rules, the check that turns the facts about one
 * NHI into a finding. File-level owners problems (invalid, stale) are raised by evaluate.ts but
 * still take their level and OWASP ids from here.
 */
import { createHash } from 'node:crypto';
import { plainText } from '../report/escape.js';
import type { IdentityRecord, Level, OwaspNhi, ScanSettings, UsedBy } from '../types.js';
import { isPast } from './duration.js';
import { longLivedKey, NHI_RULE_OWASP, overprivileged, secretExposure } from './nhi-rules.js';
import { codeownersFor, type Codeowners } from './codeowners.js';
import type { OwnersEntry } from './owners-file.js';

/** What a per-NHI rule sees. */
export interface RuleFacts {
  record: IdentityRecord;
  /** The winning owners-file entry, if any. */
  entry?: OwnersEntry;
  ownersPath: string;
  settings: ScanSettings;
  /** The repository's CODEOWNERS, for owner suggestions. */
  codeowners?: Codeowners;
}

export interface RuleHit {
  message: string;
  owasp?: OwaspNhi[];
  /** Defaults to the NHI's declaration. */
  location?: { file: string; line: number; column: number };
  /** Tells apart several hits of one rule on one NHI (each grant, each exposure) in fingerprints. */
  key?: string;
  /** A level for this hit instead of the rule's default (the config's `rules:` still wins). */
  level?: Level;
  data?: Record<string, unknown>;
}

export interface PolicyRule {
  id: string;
  /** 'identity' rules are blamed only on new or changed NHIs in PR mode; 'owners' rules always fire. */
  scope: 'identity' | 'owners';
  owasp: OwaspNhi[];
  level: (settings: ScanSettings) => Level;
  check?: (facts: RuleFacts) => RuleHit | RuleHit[] | undefined;
}

export const POLICY_RULES: readonly PolicyRule[] = [
  { id: 'identity/unowned', scope: 'identity', owasp: ['NHI1'], level: (s) => (s.mode === 'pr' ? 'error' : 'warning'), check: unowned },
  { id: 'credential/no-rotation', scope: 'identity', owasp: ['NHI7'], level: () => 'warning', check: noRotation },
  { id: 'identity/shared', scope: 'identity', owasp: ['NHI9'], level: () => 'warning', check: shared },
  { id: 'identity/overprivileged', scope: 'identity', owasp: NHI_RULE_OWASP['identity/overprivileged'], level: () => 'warning', check: overprivileged },
  { id: 'credential/long-lived-key', scope: 'identity', owasp: NHI_RULE_OWASP['credential/long-lived-key'], level: () => 'notice', check: longLivedKey },
  // error for pull_request_target runs of PR code; each hit on a tag-pinned action says warning.
  { id: 'workflow/secret-exposure', scope: 'identity', owasp: NHI_RULE_OWASP['workflow/secret-exposure'], level: () => 'error', check: secretExposure },
  { id: 'identity/dangling-reference', scope: 'identity', owasp: NHI_RULE_OWASP['identity/dangling-reference'], level: () => 'notice' },
  { id: 'owners/invalid', scope: 'owners', owasp: [], level: () => 'error' },
  { id: 'owners/stale-entry', scope: 'owners', owasp: [], level: () => 'notice' },
  { id: 'owners/legacy-id', scope: 'owners', owasp: [], level: () => 'notice' },
  { id: 'owners/expired-exception', scope: 'owners', owasp: ['NHI7'], level: () => 'warning', check: expiredException },
];

/** Hex digest of rule + key (the identity id for per-NHI rules): stable across moves. */
export function policyFingerprint(rule: string, ...key: string[]): string {
  const hash = createHash('sha256').update(rule);
  for (const part of key) hash.update('\0').update(part);
  return hash.digest('hex');
}

/** The level a rule's findings get: the config's `rules:` override, else the rule's default. */
export function ruleLevel(id: string, settings: ScanSettings): Level | 'off' {
  return settings.rules?.[id] ?? policyRule(id).level(settings);
}

export function policyRule(id: string): PolicyRule {
  const rule = POLICY_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`unknown policy rule ${id}`);
  return rule;
}

// ---------------------------------------------------------------------------------------------

function unowned({ record, entry, ownersPath, codeowners }: RuleFacts): RuleHit | undefined {
  if (entry) return undefined;
  const suggestion = codeownersFor(codeowners, record.file);
  const hint = suggestion ? ` (${codeowners!.path} gives ${record.file} to ${suggestion.owners.join(' ')})` : '';
  return {
    message: `${record.id} has no owner: add an entry to ${ownersPath} with match: "${record.id}" and an owner (@user, @org/team or an email)${hint}`,
    data: { snippet: ownersSnippet(record, codeowners), ...(suggestion ? { suggestedOwner: suggestion.owners[0] } : {}) },
  };
}

/**
 * A ready-to-paste entry for the `identities:` list. The owner is the CODEOWNERS owner of the
 * declaring file when there is one (marked as a suggestion), else @TODO, which fails validation until filled.
 */
export function ownersSnippet(record: IdentityRecord, codeowners?: Codeowners): string {
  const suggestion = codeownersFor(codeowners, record.file);
  const lines = [
    `  # ${plainText(record.file)}:${record.line}`, // a newline in a file name must not add YAML lines
    `  - match: ${JSON.stringify(record.id)}`,
    suggestion
      ? `    owner: ${JSON.stringify(suggestion.owners[0])}   # suggested by ${codeowners!.path}:${suggestion.line}: confirm`
      : `    owner: "@TODO"   # @user, @org/team or an email`,
  ];
  if (record.kind === 'credential' && !record.rotationEvidence) lines.push(`    # rotation: 90d   # how often it is rotated: 30d, 90d, 1y, ephemeral, managed, or never (+ justification, review-by)`);
  return `${lines.join('\n')}\n`;
}

export function exceptionExpired(entry: OwnersEntry | undefined, now: Date): boolean {
  return entry?.rotation?.kind === 'never' && entry.reviewBy !== undefined && isPast(entry.reviewBy, now);
}

/**
 * Credentials that are static keys by construction: nothing rotates them, and no token replaces
 * them per use, so an owners-file claim of `managed` or `ephemeral` cannot be true of them.
 */
const STATIC_KEY_TYPES = new Set([
  'aws_iam_access_key',
  'aws_iam_user_login_profile',
  'aws_iam_service_specific_credential',
  'AWS::IAM::AccessKey',
  'google_service_account_key',
  'azuread_application_password',
  'azuread_service_principal_password',
  'github_repository_deploy_key',
]);

/** Why the owners entry's rotation claim cannot hold for this record, or undefined when it can. */
export function refusedClaim(record: IdentityRecord, entry: OwnersEntry | undefined): string | undefined {
  const claim = entry?.rotation?.kind;
  if (claim !== 'managed' && claim !== 'ephemeral') return undefined;
  const staticKey = STATIC_KEY_TYPES.has(record.type) || (record.type === 'Secret' && record.attributes.secretType === 'kubernetes.io/service-account-token');
  if (!staticKey) return undefined;
  return `the owners entry claims rotation: ${claim}, but ${record.type} is a static key that nothing rotates or expires (the code shows ${record.rotationEvidence ?? 'no rotation'})`;
}

function noRotation({ record, entry, ownersPath, settings }: RuleFacts): RuleHit | undefined {
  if (record.kind !== 'credential' || record.rotationEvidence) return undefined;
  if (entry?.kind === 'config') return undefined;
  const refused = refusedClaim(record, entry);
  if (refused) {
    return {
      message: `${record.id}: ${refused}: give ${ownersPath}:${entry!.line} a period such as 90d and rotate on it, or replace the key with a keyless identity`,
      data: { refusedClaim: entry!.rotation!.text },
    };
  }
  const expired = exceptionExpired(entry, settings.now);
  if (entry?.rotation && !expired) return undefined;
  const where = entry ? `its owners entry (${ownersPath}:${entry.line})` : `an owners entry in ${ownersPath}`;
  const why = expired ? `its "never" exception expired on ${isoDay(entry!.reviewBy!)}` : 'it has no rotation policy';
  return {
    message: `${record.id}: ${why}: rotate it and give ${where} a rotation (30d, 90d, ephemeral, managed), or show rotation in code (Secrets Manager rotation, time_rotating, end_date_relative, OIDC)`,
  };
}

function expiredException({ record, entry, ownersPath, settings }: RuleFacts): RuleHit | undefined {
  if (!entry || !exceptionExpired(entry, settings.now)) return undefined;
  return {
    message: `The rotation exception for ${record.id} expired on ${isoDay(entry.reviewBy!)}: rotate the credential and set a rotation, or renew the exception with a new review-by date`,
    location: { file: ownersPath, line: entry.reviewByLine ?? entry.line, column: entry.reviewByColumn ?? entry.column },
    data: { reviewBy: isoDay(entry.reviewBy!), entryLine: entry.line },
  };
}

/** Names of environments, recognised in namespaces and directory names (overlays/prod, ns payments-staging). */
const ENVIRONMENT_WORDS: ReadonlyArray<[string, RegExp]> = [
  ['production', /^(prod|production|prd|live)$/i],
  ['staging', /^(staging|stage|stg|preprod|uat)$/i],
  ['development', /^(dev|develop|development)$/i],
  ['test', /^(test|testing|qa|sandbox)$/i],
];

export function environmentOf(user: UsedBy): string | undefined {
  const directories = user.file.split('/').slice(0, -1);
  const words = [user.namespace ?? '', ...directories].flatMap((part) => part.split(/[-_.]/));
  for (const word of words) {
    const found = ENVIRONMENT_WORDS.find(([, form]) => form.test(word));
    if (found) return found[0];
  }
  return undefined;
}

function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort();
}

function shared({ record }: RuleFacts): RuleHit | undefined {
  const spreads = {
    namespaces: distinct(record.usedBy.map((u) => u.namespace)),
    apps: distinct(record.usedBy.map((u) => u.app)),
    environments: distinct(record.usedBy.map(environmentOf)),
  };
  const across = Object.entries(spreads).filter(([, values]) => values.length > 1);
  if (across.length === 0) return undefined;
  const detail = across.map(([what, values]) => `${what} ${values.join(', ')}`).join('; ');
  const owasp: OwaspNhi[] = spreads.environments.length > 1 ? ['NHI9', 'NHI8'] : ['NHI9'];
  return {
    message: `${record.id} is shared by ${record.usedBy.length} users across ${detail}: give each workload${spreads.environments.length > 1 ? ' and environment' : ''} its own identity with only the permissions it needs`,
    owasp,
    data: { ...spreads, usedBy: record.usedBy.map((u) => u.id) },
  };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
