import type { Finding, InventoryEntry, ScanResult, ScanSettings } from '../core/types.js';
import { policyFingerprint } from '../core/policy/rules.js';
import { code, markdownText, titleText } from '../core/report/escape.js';
import { isPlainId } from './commands.js';
import { withMarker, type DesiredIssue } from './issue-sync.js';
import { historyMarker } from './history-issues.js';
import { IGNORE_FILE } from '../core/secrets/ignore-file.js';

export interface RepoLinks {
  /** e.g. https://github.com/acme/payments */
  htmlUrl: string;
  /** Commit the scan ran on: permalinks point at it. */
  sha: string;
  /**
   * `/nhi-steward` commands are answered (the App). The Action does not read issue comments, so
   * its issues say which owners-file entry to add instead.
   */
  commands?: boolean;
}

const OWASP_TITLES: Record<string, string> = {
  NHI1: 'Improper Offboarding',
  NHI2: 'Secret Leakage',
  NHI5: 'Overprivileged NHI',
  NHI6: 'Insecure Cloud Deployment Configurations',
  NHI7: 'Long-Lived Secrets',
  NHI8: 'Environment Isolation',
  NHI9: 'NHI Reuse',
};

/** Rules that get an issue of their own (docs/architecture.md, "The GitHub App"). Others live on the check run and dashboard. */
export function wantsIssue(finding: Finding): boolean {
  return finding.rule === 'credential/no-rotation' || finding.rule.startsWith('secret/') || finding.rule === 'owners/orphaned';
}

export function permalink(links: RepoLinks, file: string, line: number): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${links.htmlUrl}/blob/${links.sha}/${path}#L${line}`;
}

/** Mentionable handle of an owner (`@acme/payments`, `@jdoe`); emails are shown, not mentioned. */
export function mention(owner: string | undefined): string {
  if (!owner) return '_no owner recorded_';
  // Owners come from the owners file on the default branch; only a well-formed handle is mentioned.
  return /^@[A-Za-z0-9-]+(?:\/[A-Za-z0-9_.-]+)?$/.test(owner) ? owner : code(owner);
}

/** A single user login an issue can be assigned to (teams and emails cannot). */
export function assignableLogin(owner: string | undefined): string | undefined {
  return owner && /^@[A-Za-z0-9-]+$/.test(owner) ? owner.slice(1) : undefined;
}

export function desiredIssues(result: ScanResult, links: RepoLinks, settings: Pick<ScanSettings, 'issues'>): DesiredIssue[] {
  const byId = new Map(result.inventory.map((entry) => [entry.id, entry]));
  const issues: DesiredIssue[] = [];
  const secretGroups = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    if (!wantsIssue(finding)) continue;
    if (finding.rule.startsWith('secret/')) {
      // One issue per file and detector: 300 test tokens in one file are one issue, not 300.
      const key = `${finding.rule}\0${finding.file}`;
      const group = secretGroups.get(key);
      if (group) group.push(finding);
      else secretGroups.set(key, [finding]);
      continue;
    }
    const identity = finding.identityId ? byId.get(finding.identityId) : undefined;
    const owner = identity?.owner;
    const login = settings.issues.assigneesFromOwner ? assignableLogin(owner) : undefined;
    issues.push({
      fingerprint: finding.fingerprint,
      title: issueTitle(finding),
      body: withMarker(finding.fingerprint, issueBody(finding, identity, links)),
      labels: settings.issues.labels,
      assignees: login ? [login] : [],
    });
  }
  for (const group of secretGroups.values()) issues.push(secretIssue(group, links, settings));
  return issues;
}

/**
 * The issue for one file's secrets of one detector. Its fingerprint is a hash of rule and file, so
 * the public marker says nothing about any secret value; `previous` carries the per-secret markers
 * of earlier releases so their issues are adopted, not duplicated.
 */
function secretIssue(group: Finding[], links: RepoLinks, settings: Pick<ScanSettings, 'issues'>): DesiredIssue {
  const [first] = group;
  const fingerprint = secretIssueFingerprint(first.rule, first.file);
  const shown = group.slice(0, SECRETS_LISTED);
  // Each occurrence with its message (redacted value, and the live-verification verdict when there is one).
  const where = shown.map((f) => {
    const note = f.message.includes(' — ') ? ` — ${markdownText(f.message.slice(f.message.indexOf(' — ') + 3))}` : '';
    return `- [${code(`${f.file}:${f.line}`)}](${permalink(links, f.file, f.line)}) ${code(f.redacted ?? '…')}${note}`;
  });
  if (group.length > shown.length) where.push(`- …and ${group.length - shown.length} more in this file`);
  const risks = (first.owasp ?? []).map((id) => `OWASP ${id} — ${OWASP_TITLES[id] ?? id}`).join('; ');
  const count = group.length === 1 ? 'A secret' : `${group.length} secrets`;
  const history = historyMarker(group);
  const body = [
    '### What',
    `${count} of the kind ${code(first.detector ?? first.rule.slice(7))} in ${code(first.file)}.`,
    '',
    '### Where',
    ...where,
    '',
    '### Why it matters',
    whyItMatters(first, risks),
    '',
    '### How to fix',
    ...fixSteps(first, undefined),
    '',
    ...acceptSteps(shown, group.length, links),
    '',
    history
      ? `<sub>Rule ${code(first.rule)} · opened and kept current by nhi-steward. The secret is in git history, so this issue stays open until you close it once the credential is rotated (or list it in the baseline).</sub>`
      : `<sub>Rule ${code(first.rule)} · opened and kept current by nhi-steward; it closes this issue when the gap is fixed.</sub>`,
    ...(history ? [history] : []),
  ].join('\n');
  const previous = group.flatMap((f) => [f.previousFingerprint, f.fingerprint]).filter((fp): fp is string => fp !== undefined);
  const lead = group.find((f) => f.verification === 'live') ?? first;
  return { fingerprint, title: issueTitle(lead), body: withMarker(fingerprint, body), labels: settings.issues.labels, assignees: [], previous };
}

/**
 * How to accept these findings (docs/security.md, "Accepting a finding from an issue"): the
 * `.nhi-stewardignore` lines nhi-steward honours, ready to paste. Each names a finding by its
 * published fingerprint, which is keyed (HMAC) or location-based, never a plain hash of the secret,
 * so the lines confirm no guess offline. The App also takes `/nhi-steward ignore`, which opens a
 * pull request adding them.
 */
function acceptSteps(shown: Finding[], total: number, links: RepoLinks): string[] {
  // Only what the ignore file accepts (hex fingerprints); nhi-steward's are always hex.
  const lines = shown.filter((f) => /^[0-9a-f]{16,128}$/i.test(f.fingerprint)).map((f) => ignoreLine(f.fingerprint, f.rule));
  if (lines.length === 0) return [];
  return [
    '### If it is not a secret, or you accept the risk',
    links.commands === false
      ? `Add these lines to \`${IGNORE_FILE}\` on the default branch (in a pull request), with your reason after \`#\` and, if you like, \`expires=YYYY-MM-DD\` before it:`
      : `Comment \`/nhi-steward ignore "<reason>"\` (optionally \`until YYYY-MM-DD\`) and nhi-steward opens a pull request adding these lines to \`${IGNORE_FILE}\`; or add them yourself, with your reason after \`#\`:`,
    '',
    '```',
    ...lines,
    '```',
    ...(total > shown.length ? [`The other ${total - shown.length} are listed once these are resolved.`] : []),
    'nhi-steward reads this file from the default branch only: a pull request cannot accept its own findings.',
  ];
}

/** One `.nhi-stewardignore` entry for a published fingerprint (the reason goes after `#`). */
export function ignoreLine(fingerprint: string, rule: string, reason = 'REASON'): string {
  return `${fingerprint} ${rule} # ${reason}`;
}

/** The ignore entries a secret issue lists (its body was written by nhi-steward). */
export function ignoreEntriesOfIssue(body: string | null | undefined): { fingerprint: string; rule: string }[] {
  const out: { fingerprint: string; rule: string }[] = [];
  for (const m of (body ?? '').matchAll(/^([0-9a-f]{16,128}) (secret\/[a-z0-9./-]+) # REASON$/gim)) out.push({ fingerprint: m[1].toLowerCase(), rule: m[2] });
  return out;
}

/** At most this many occurrences are listed in one secret issue (GitHub caps bodies at 65,536 characters). */
const SECRETS_LISTED = 100;

export function secretIssueFingerprint(rule: string, file: string): string {
  return policyFingerprint('issue/secret', rule, file);
}

export function issueTitle(finding: Finding): string {
  if (finding.rule.startsWith('secret/')) return `${finding.verification === 'live' ? 'Live secret, rotate now:' : 'Embedded secret'} (${titleText(finding.detector ?? finding.rule.slice(7))}) in ${titleText(finding.file)}`;
  if (finding.rule === 'credential/no-rotation') return `Credential without a rotation policy: ${titleText(finding.identityId ?? '')}`;
  if (finding.rule === 'owners/orphaned') return `Orphaned NHI: ${titleText(finding.identityId ?? '')}`;
  return `${finding.rule}: ${titleText(finding.identityId ?? finding.file)}`;
}

function issueBody(finding: Finding, identity: InventoryEntry | undefined, links: RepoLinks): string {
  const where = `[${code(`${finding.file}:${finding.line}`)}](${permalink(links, finding.file, finding.line)})`;
  const risks = (finding.owasp ?? []).map((id) => `OWASP ${id} — ${OWASP_TITLES[id] ?? id}`).join('; ');
  const lines = [
    // Markers only for plain ids (commands refuse anything else): an id holding `-->` must not end the comment.
    identity && isPlainId(identity.id) ? `<!-- nhi-steward:id=${identity.id} -->${isPlainId(identity.file) ? `\n<!-- nhi-steward:file=${identity.file} -->` : ''}` : '',
    `### What`,
    markdownText(finding.message),
    '',
    `### Where`,
    where,
    '',
    `### Owner`,
    mention(identity?.owner),
    '',
    `### Why it matters`,
    whyItMatters(finding, risks),
    '',
    `### How to fix`,
    ...(links.commands === false ? editSteps(finding, identity) : fixSteps(finding, identity)),
    '',
    `<sub>Rule \`${finding.rule}\` · opened and kept current by nhi-steward; it closes this issue when the gap is fixed.</sub>`,
  ];
  return lines.filter((line, i) => i > 0 || line !== '').join('\n');
}

function whyItMatters(finding: Finding, risks: string): string {
  const base = finding.rule.startsWith('secret/')
    ? 'A credential in the repository is readable by everyone with access to it, forever: it stays in the git history after the line is deleted.'
    : finding.rule === 'credential/no-rotation'
      ? 'A credential that is never rotated stays valid long after the people and systems that used it have moved on.'
      : 'An identity whose owner has left has nobody to answer for its access, its rotation, or its removal.';
  return risks ? `${base} (${risks}; NIST CSF 2.0 PR.AA)` : base;
}

/** The Action's fix steps: the owners-file entry to paste, no command that nothing would answer. */
function editSteps(finding: Finding, identity: InventoryEntry | undefined): string[] {
  if (finding.rule.startsWith('secret/') || !finding.identityId) return fixSteps(finding, identity);
  const id = JSON.stringify(finding.identityId);
  if (finding.rule === 'credential/no-rotation') {
    return [
      '1. Give it a rotation policy: edit `.github/nhi-owners.yml` (in a pull request) and set `rotation` on its entry, or add this one:',
      '',
      '   ```yaml',
      `   - match: ${id}`,
      `     owner: ${JSON.stringify(identity?.owner ?? '@TODO')}`,
      '     rotation: 90d   # or 30d, 1y, ephemeral, managed',
      '   ```',
      '2. Or show rotation in the code (a Secrets Manager rotation schedule, `time_rotating` keepers, an Azure `end_date_relative`, OIDC instead of a static key).',
      '3. If it truly cannot rotate, a time-boxed exception: `rotation: never` with `justification: "<reason>"` and `review-by: YYYY-MM-DD`.',
      'The next scheduled scan closes this issue once the change is on the default branch.',
    ];
  }
  return [
    '1. Name a new technical owner: edit `.github/nhi-owners.yml` (in a pull request) and set `owner` on its entry, or add this one:',
    '',
    '   ```yaml',
    `   - match: ${id}`,
    '     owner: "@org/team"   # @user, @org/team or an email',
    '   ```',
    '2. Review whether the identity is still needed; remove it if not.',
  ];
}

function fixSteps(finding: Finding, identity: InventoryEntry | undefined): string[] {
  if (finding.rule.startsWith('secret/')) {
    return [
      '1. Revoke or rotate the credential at its provider now: treat it as compromised.',
      '2. Replace it in the code with a reference to a secret store (an environment variable, a CI secret, a secret manager).',
      '3. If it is a false alarm, add `nhi-steward:allow` to the line, record it in the baseline (`nhi-steward baseline`) or in `.nhi-stewardignore` with a reason.',
    ];
  }
  if (finding.rule === 'credential/no-rotation') {
    return [
      `1. Give it a rotation policy: comment \`/nhi-steward rotation 90d\` here and nhi-steward opens a pull request that edits \`.github/nhi-owners.yml\`.`,
      '2. Or show rotation in the code (a Secrets Manager rotation schedule, `time_rotating` keepers, an Azure `end_date_relative`, OIDC instead of a static key).',
      '3. If it truly cannot rotate: `/nhi-steward exempt "<reason>" until YYYY-MM-DD`.',
      identity?.owner ? '' : '4. It has no owner either: `/nhi-steward owner @team`.',
    ].filter(Boolean);
  }
  return [
    '1. Name a new technical owner: comment `/nhi-steward owner @team` here.',
    '2. Review whether the identity is still needed; remove it if not.',
  ];
}
