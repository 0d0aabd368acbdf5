import { LEVELS, type Finding, type InventoryEntry, type ScanResult } from '../types.js';
import { code, markdownText } from './escape.js';
import type { RenderContext, Renderer } from './renderer.js';
import { byteLength, CHECK_TEXT_LIMIT_BYTES, truncateToBytes } from './limits.js';
import { countByLevel, ruleHelp } from './rule-help.js';

/** The Checks API rejects an `output.summary` longer than this many UTF-8 bytes. */
export const CHECK_SUMMARY_LIMIT = CHECK_TEXT_LIMIT_BYTES;

export interface MarkdownSummaryOptions {
  /**
   * Hard cap on the returned size in UTF-8 bytes (GitHub's limits are bytes); truncation happens
   * at a row or section boundary.
   */
  maxLength?: number;
  /** Permalink builder: file + line → URL. */
  link?: (file: string, line: number) => string;
  /** History findings: permalink to a file at the commit that introduced the secret. */
  commitLink?: (sha: string, file: string, line: number) => string;
  /** First heading; default "nhi-steward report". */
  title?: string;
  /** PR mode: ids of NHIs new or changed; the NHI section then lists only these. */
  changedIdentities?: ReadonlySet<string>;
  /** Display name of the scanned root. */
  root?: string;
  /** A history scan: the summary counts unique blobs and the commits walked (`RenderContext.history`). */
  history?: { commits: number };
}

/** A section is a heading plus rows; truncation keeps whole rows and says what it dropped. */
interface Section {
  heading: string;
  /** Printed once before the first row (table header, explanation). */
  preamble: string;
  rows: string[];
  /** Printed after the rows when every row fits (e.g. the owners-file snippet). */
  trailer?: string;
}

/** Which findings go in which section, in display order; the first matching group wins. */
const FINDING_GROUPS: { heading: string; test: (f: Finding) => boolean; kind: 'secret' | 'silenced' | 'identity' }[] = [
  { heading: 'Secrets', test: (f) => f.rule.startsWith('secret/'), kind: 'secret' },
  { heading: 'Secrets silenced by markers this change adds', test: (f) => f.rule === 'suppression/inline-allow', kind: 'silenced' },
  { heading: 'Unowned NHIs', test: (f) => f.rule === 'identity/unowned', kind: 'identity' },
  { heading: 'Credentials without rotation', test: (f) => f.rule === 'credential/no-rotation', kind: 'identity' },
  { heading: 'Static CI keys (use OIDC)', test: (f) => f.rule === 'credential/static-ci-key', kind: 'identity' },
  { heading: 'Owners-file problems', test: (f) => f.rule.startsWith('owners/'), kind: 'identity' },
  { heading: 'Other findings', test: () => true, kind: 'identity' },
];

/**
 * THE summary used by every mode: the CLI's `--format markdown`, the App's check run summary and
 * the Action's job summary. Never longer than `maxLength` bytes.
 */
export function renderMarkdownSummary(result: ScanResult, options: MarkdownSummaryOptions = {}): string {
  const head = headerBlock(result, options);
  const sections = buildSections(result, options);
  const limit = options.maxLength ?? Infinity;
  return fitSections(head, sections, limit);
}

export const markdownRenderer: Renderer = {
  format: 'markdown',
  render(result, context: RenderContext) {
    return renderMarkdownSummary(result, { maxLength: context.maxLength, link: context.link, root: context.root, ...(context.history ? { history: context.history } : {}) });
  },
};

function headerBlock(result: ScanResult, options: MarkdownSummaryOptions): string {
  const counts = countByLevel(result.findings);
  const levels = LEVELS.filter((l) => counts[l] > 0).map((l) => `${counts[l]} ${l}${counts[l] === 1 ? '' : 's'}`);
  const verdict = result.findings.length === 0 ? '**No findings.**' : `**${result.findings.length} finding(s):** ${levels.join(', ')}.`;
  const root = options.root ? ` in ${code(options.root)}` : '';
  const stats = options.history
    ? `${result.stats.files} unique blob(s) of ${options.history.commits} commit(s) scanned${root} · ${result.skipped.length} skipped`
    : `${result.stats.files} file(s) scanned${root} · ${result.inventory.length} NHI(s) · ${result.skipped.length} skipped`;
  return `## ${cell(options.title ?? 'nhi-steward report')}\n\n${verdict} ${stats}\n`;
}

function buildSections(result: ScanResult, options: MarkdownSummaryOptions): Section[] {
  const groups = FINDING_GROUPS.map(() => [] as Finding[]);
  for (const f of result.findings) groups[FINDING_GROUPS.findIndex((g) => g.test(f))].push(f);
  const sections: Section[] = FINDING_GROUPS.flatMap((group, i): Section[] => {
    const findings = groups[i];
    if (findings.length === 0) return [];
    if (group.kind === 'silenced') return [silencedSection(group.heading, findings, options)];
    return [group.kind === 'secret' ? secretSection(group.heading, findings, options) : identityFindingSection(group.heading, findings, result.inventory, options)];
  });
  // Secrets first (most urgent), then who owns what, then the policy gaps.
  const secretsFirst = groups[0].length > 0 ? 1 : 0;
  sections.splice(secretsFirst, 0, ...nhiSection(result.inventory, options));
  if (result.skipped.length > 0) {
    sections.push({
      heading: `Skipped files (${result.skipped.length})`,
      preamble: '| File | Reason |\n|---|---|\n',
      rows: result.skipped.map((s) => `| ${code(s.path, { table: true })} | ${cell(`${s.reason}: ${s.detail}`)} |\n`),
    });
  }
  return sections;
}

function secretSection(heading: string, findings: Finding[], options: MarkdownSummaryOptions): Section {
  if (findings.some((f) => f.commit)) return historySecretSection(heading, findings, options);
  // Live verification ran (docs/verification.md): one more column with each verdict.
  const verified = findings.some((f) => f.verification !== undefined);
  return {
    heading: `${heading} (${findings.length})`,
    preamble: `Revoke or rotate each one at its provider first: deleting the line does not remove it from git history.\n\n| Level | Where | Detector | Value |${verified ? ' Verified |' : ''}\n|---|---|---|---|${verified ? '---|' : ''}\n`,
    rows: findings.map((f) => `| ${f.level} | ${where(f, options)} | ${cell(ruleHelp(f.rule).title)} | ${code(f.redacted ?? '…', { table: true })} |${verified ? ` ${VERDICT_TEXT[f.verification ?? 'unknown']} |` : ''}\n`),
  };
}

/** Secrets the change silences with an inline marker (`suppression/inline-allow`): for the reviewer to confirm. */
function silencedSection(heading: string, findings: Finding[], options: MarkdownSummaryOptions): Section {
  return {
    heading: `${heading} (${findings.length})`,
    preamble:
      'This change adds an inline allow marker (`nhi-steward:allow`, `gitleaks:allow`, `pragma: allowlist secret`) on each line below, or a value beside one: ' +
      'later scans will not report it. Confirm each is not a real credential (a test fixture, a documented example); if one is, rotate it.\n\n| Where | Detector | Value |\n|---|---|---|\n',
    rows: findings.map((f) => `| ${where(f, options)} | ${cell(ruleHelp(`secret/${f.detector ?? ''}`).title)} | ${code(f.redacted ?? '…', { table: true })} |\n`),
  };
}

const VERDICT_TEXT = { live: '**live: rotate now**', revoked: 'revoked', unknown: 'unknown' } as const;

/** History mode: where, and which commit (short sha, author, date) brought it in; still at HEAD? */
function historySecretSection(heading: string, findings: Finding[], options: MarkdownSummaryOptions): Section {
  const verified = findings.some((f) => f.verification !== undefined);
  return {
    heading: `${heading} (${findings.length})`,
    preamble: `Found in git history. Revoke or rotate each one at its provider: removing it from the code does not remove it from the commits.\n\n| Level | Where | Commit | At HEAD | Detector | Value |${verified ? ' Verified |' : ''}\n|---|---|---|---|---|---|${verified ? '---|' : ''}\n`,
    rows: findings.map((f) => {
      const place = f.commit && options.commitLink ? linked(f, options.commitLink(f.commit.sha, f.file, f.line)) : where(f, options);
      const commit = f.commit ? `\`${f.commit.sha.slice(0, 7)}\` ${cell(f.commit.author)}, ${cell(f.commit.date.slice(0, 10))}` : 'unknown';
      const atHead = f.presentAtHead === undefined ? '' : f.presentAtHead ? 'yes' : 'no (removed)';
      return `| ${f.level} | ${place} | ${commit} | ${atHead} | ${cell(ruleHelp(f.rule).title)} | ${code(f.redacted ?? '…', { table: true })} |${verified ? ` ${VERDICT_TEXT[f.verification ?? 'unknown']} |` : ''}\n`;
    }),
  };
}

function linked(x: { file: string; line: number }, url: string): string {
  return `[${code(`${x.file}:${x.line}`, { table: true })}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}

function identityFindingSection(heading: string, findings: Finding[], inventory: InventoryEntry[], options: MarkdownSummaryOptions): Section {
  const byId = new Map(inventory.map((e) => [e.id, e]));
  const section: Section = {
    heading: `${heading} (${findings.length})`,
    preamble: '| Level | NHI | Where | What to do |\n|---|---|---|---|\n',
    rows: findings.map((f) => {
      const nhi = f.identityId ? `${code(f.identityId, { table: true })}${ownerSuffix(byId.get(f.identityId))}` : '';
      return `| ${f.level} | ${nhi} | ${where(f, options)} | ${cell(f.message)} |\n`;
    }),
  };
  if (heading === 'Unowned NHIs') section.trailer = ownersSnippet(findings);
  return section;
}

/** New/changed NHIs in PR mode, every NHI otherwise: the "who owns what" table. */
function nhiSection(inventory: InventoryEntry[], options: MarkdownSummaryOptions): Section[] {
  const changed = options.changedIdentities;
  const entries = changed ? inventory.filter((e) => changed.has(e.id)) : inventory;
  if (entries.length === 0) return [];
  const heading = changed ? 'New or changed NHIs' : 'Non-human identities';
  return [
    {
      heading: `${heading} (${entries.length})`,
      preamble: '| NHI | Kind | Declared in | Owner | Rotation |\n|---|---|---|---|---|\n',
      rows: entries.map((e) => {
        const given = e.rotation ?? e.rotationEvidence;
        const rotation = given !== undefined ? cell(given) : e.kind === 'credential' ? '**none**' : '';
        return `| ${code(e.id, { table: true })} | ${cell(e.kind)} | ${where(e, options)} | ${e.owner ? code(e.owner, { table: true }) : '**unowned**'} | ${rotation} |\n`;
      }),
    },
  ];
}

/** One ready-to-paste `identities:` block: the policy engine's snippets, or a minimal entry. */
function ownersSnippet(findings: Finding[]): string {
  const entries = findings.map((f) => {
    const given = typeof f.data?.snippet === 'string' ? f.data.snippet : `- match: "${f.identityId ?? f.file}"\n  owner: "@your-org/your-team"\n`;
    const body = given.replace(/^identities:\s*\n/, '').replace(/\s+$/, '');
    const indented = /^\s/.test(body) ? body : body.replace(/^/gm, '  ');
    return indented.replace(/```/g, "'''");
  });
  return `\nAdd to \`.github/nhi-owners.yml\`:\n\n\`\`\`yaml\nidentities:\n${[...new Set(entries)].join('\n')}\n\`\`\`\n`;
}

function ownerSuffix(entry: InventoryEntry | undefined): string {
  return entry?.owner ? ` (owner ${code(entry.owner, { table: true })})` : '';
}

function where(x: { file: string; line: number }, options: MarkdownSummaryOptions): string {
  const label = `${code(`${x.file}:${x.line}`, { table: true })}`;
  return options.link ? `[${label}](${options.link(x.file, x.line).replace(/[()\s]/g, encodeURIComponent)})` : label;
}

/** Table-cell text of our own wording (rule titles, kinds): no row breaks, no column breaks, no raw HTML. */
function cell(text: string): string {
  return markdownText(text);
}

/**
 * Appends sections row by row while they fit in `limit`, keeping room for the note that says how
 * many rows were left out. A section is never cut inside a row or a table header.
 */
function fitSections(head: string, sections: Section[], limit: number): string {
  const full = head + sections.map((s) => `\n### ${s.heading}\n\n${s.preamble}${s.rows.join('')}${s.trailer ?? ''}`).join('');
  if (limit === Infinity || byteLength(full) <= limit) return full;
  const total = sections.reduce((n, s) => n + s.rows.length + (s.trailer ? 1 : 0), 0);
  const note = (left: number): string => `\n_… ${left} more row(s) not shown (summary limit ${limit} bytes). Run \`nhi-steward scan --format markdown\` for the full report._\n`;
  const reserve = byteLength(note(total));
  let out = byteLength(head) + reserve <= limit ? head : '';
  let size = byteLength(out);
  let shown = 0;
  for (const s of sections) {
    const open = `\n### ${s.heading}\n\n${s.preamble}`;
    let opened = false;
    for (const row of s.trailer ? [...s.rows, s.trailer] : s.rows) {
      const add = (opened ? '' : open) + row;
      const addBytes = byteLength(add);
      if (size + addBytes + reserve > limit) return capped(out + note(total - shown), limit);
      out += add;
      size += addBytes;
      opened = true;
      shown++;
    }
  }
  return capped(out + note(total - shown), limit);
}

/** Only a limit too small for the note itself gets a hard cut (on a code point). */
function capped(text: string, limit: number): string {
  return truncateToBytes(text, limit);
}
