import { wasReadInPieces } from '../core/secrets/pieces.js';
import { code, markdownText } from '../core/report/escape.js';
import type { InventoryEntry, Skipped } from '../core/types.js';
import { DEFAULT_MAX_CREATES, withMarker, type DesiredIssue } from './issue-sync.js';

export const DASHBOARD_FINGERPRINT = 'dashboard';
export const DASHBOARD_TITLE = 'NHI inventory';
/** GitHub rejects issue bodies over 65,536 characters. */
const BODY_LIMIT = 65_000;
const GRAPH_LIMIT = 60;

export interface DashboardInput {
  inventory: InventoryEntry[];
  /** fingerprint → issue number of open gap issues, to link them. */
  gapIssues: Map<string, number>;
  /** identity id → fingerprints of its gap issues. */
  gapsByIdentity: Map<string, string[]>;
  sha: string;
  labels: string[];
  /** Gap issues not opened yet because of the per-scan cap. */
  waiting?: number;
  /** What the full scan did not scan, and why (a scan never skips silently). */
  skipped?: readonly Skipped[];
}

/** Skips listed by name on the dashboard, at most; binary and oversized files are counted. */
const LISTED_SKIPS = 20;

/**
 * The dashboard's "Not scanned" lines: each unusual skip (unreadable, invalid path, a limit: what
 * the scan could not check, such as files a tarball left out that could not be fetched) by name,
 * and a count of binary and oversized files. Empty when nothing was skipped.
 */
function skipLines(skipped: readonly Skipped[]): string[] {
  // Files over max-file-size read in pieces were scanned for secrets: not "not scanned".
  const unread = skipped.filter((s) => !wasReadInPieces(s));
  if (unread.length === 0) return [];
  const routine = unread.filter((s) => s.reason === 'binary' || s.reason === 'too-large').length;
  const listed = unread.filter((s) => s.reason !== 'binary' && s.reason !== 'too-large');
  return [
    '',
    '### Not scanned',
    '',
    ...listed.slice(0, LISTED_SKIPS).map((s) => `- ${code(s.path)}: ${markdownText(`${s.reason}: ${s.detail}`)}`),
    ...(listed.length > LISTED_SKIPS ? [`- _${listed.length - LISTED_SKIPS} more_`] : []),
    ...(routine > 0 ? [`${listed.length > 0 ? '\n' : ''}${routine} binary or oversized file${routine === 1 ? '' : 's'} skipped.`] : []),
  ];
}

function cell(value: string | undefined): string {
  return value === undefined ? '—' : markdownText(value);
}

/** Mermaid node ids must be plain; labels carry the readable text. */
function nodeId(prefix: string, value: string, ids: Map<string, string>): string {
  const key = `${prefix}:${value}`;
  let id = ids.get(key);
  if (!id) {
    id = `${prefix}${ids.size}`;
    ids.set(key, id);
  }
  return id;
}

function label(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[<>]/g, '')}"`;
}

export function mermaidGraph(inventory: InventoryEntry[]): string {
  const ids = new Map<string, string>();
  const lines = ['graph LR'];
  for (const entry of inventory.slice(0, GRAPH_LIMIT)) {
    const nhi = nodeId('n', entry.id, ids);
    lines.push(`  ${nhi}[${label(entry.id)}]`);
    for (const use of entry.usedBy) {
      lines.push(`  ${nodeId('w', use.id, ids)}(${label(use.id)}) --> ${nhi}`);
    }
    const owner = entry.owner ?? 'no owner';
    lines.push(`  ${nhi} -.owned by.-> ${nodeId('o', owner, ids)}{{${label(owner)}}}`);
  }
  if (inventory.length > GRAPH_LIMIT) lines.push(`  more[${label(`…and ${inventory.length - GRAPH_LIMIT} more NHIs`)}]`);
  return ['```mermaid', ...new Set(lines), '```'].join('\n');
}

export function dashboardIssue(input: DashboardInput): DesiredIssue {
  const inventory = [...input.inventory].sort((a, b) => a.id.localeCompare(b.id));
  const gaps = inventory.filter((e) => e.findings.length > 0).length;
  const header = [
    `Every non-human identity declared in this repository, its owner, its rotation and its open gaps.`,
    `As of \`${input.sha.slice(0, 12)}\`: ${inventory.length} NHIs, ${gaps} with open gaps. nhi-steward keeps this issue current on every full and push scan.`,
    ...(input.waiting
      ? [`> [!WARNING]\n> ${input.waiting} more gap issue${input.waiting === 1 ? '' : 's'} not opened yet: nhi-steward opens at most ${DEFAULT_MAX_CREATES} issues per scan and opens the rest on the next scans.`]
      : []),
    '',
  ];
  const rows = inventory.map((e) => {
    const issues = (input.gapsByIdentity.get(e.id) ?? [])
      .map((fp) => input.gapIssues.get(fp))
      .filter((n): n is number => n !== undefined)
      .map((n) => `#${n}`);
    const open = e.findings.length ? `${e.findings.join(', ')}${issues.length ? ` (${issues.join(', ')})` : ''}` : '✅';
    return `| ${code(e.id, { table: true })} | ${cell(e.kind)} | ${e.owner ? code(e.owner, { table: true }) : '—'} | ${cell(e.rotation ?? e.rotationEvidence)} | ${cell(e.environment)} | ${code(`${e.file}:${e.line}`, { table: true })} | ${open} |`;
  });
  const table = ['| NHI | kind | owner | rotation | environment | declared at | open gaps |', '|---|---|---|---|---|---|---|'];
  const graph = ['', '### Identities → workloads → owners', '', mermaidGraph(inventory)];
  const skips = skipLines(input.skipped ?? []);
  let body = [...header, ...table, ...rows, ...skips, ...graph].join('\n');
  if (body.length > BODY_LIMIT) {
    // Keep the table whole as far as it fits, and say what was left out.
    const kept: string[] = [];
    let size = header.join('\n').length + table.join('\n').length + skips.join('\n').length + 200;
    for (const row of rows) {
      if (size + row.length + 1 > BODY_LIMIT) break;
      kept.push(row);
      size += row.length + 1;
    }
    body = [...header, ...table, ...kept, '', `_${rows.length - kept.length} more NHIs not shown: run \`nhi-steward inventory\` for the full list._`, ...skips].join('\n');
  }
  return { fingerprint: DASHBOARD_FINGERPRINT, title: DASHBOARD_TITLE, body: withMarker(DASHBOARD_FINGERPRINT, body), labels: input.labels, assignees: [] };
}

/** Pinning exists only in GraphQL. A failure to pin never fails the scan. */
export async function pinIssue(graphql: ((query: string, variables?: Record<string, unknown>) => Promise<unknown>) | undefined, issueNodeId: string): Promise<boolean> {
  if (!graphql) return false;
  try {
    await graphql('mutation($issueId: ID!) { pinIssue(input: { issueId: $issueId }) { issue { number } } }', { issueId: issueNodeId });
    return true;
  } catch {
    return false;
  }
}
