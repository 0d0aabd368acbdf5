/**
 * `nhi-steward inventory`: every NHI with owner, rotation, environment, purpose, users and
 * locations, as JSON (machines), Markdown (a wiki page) or CSV (a spreadsheet). One row shape,
 * `inventoryRows`, feeds all three so the formats never disagree.
 */
import type { InventoryEntry, UsedBy } from '../types.js';

export type InventoryFormat = 'json' | 'markdown' | 'csv';
export const INVENTORY_FORMATS: readonly InventoryFormat[] = ['json', 'markdown', 'csv'];

export interface InventoryRow {
  id: string;
  kind: string;
  platform: string;
  type: string;
  name: string;
  namespace: string | null;
  file: string;
  line: number;
  /** Every declaration site, the first being `file`/`line`. */
  declarations: Array<{ file: string; line: number }>;
  owner: string | null;
  rotation: string | null;
  rotationEvidence: string | null;
  environment: string | null;
  purpose: string | null;
  usedBy: Array<Pick<UsedBy, 'id' | 'kind' | 'name' | 'file' | 'line' | 'via'> & { namespace: string | null }>;
  findings: string[];
  /** Which owners-file entry (1-based) gave each field, when fields were inherited. */
  ownersFields: Record<string, { entry: number; line: number }> | null;
}

export function inventoryRows(inventory: readonly InventoryEntry[]): InventoryRow[] {
  return [...inventory]
    .sort((a, b) => (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => ({
      id: entry.id,
      kind: entry.kind,
      platform: entry.platform,
      type: entry.type,
      name: entry.name,
      namespace: entry.namespace ?? null,
      file: entry.file,
      line: entry.line,
      declarations: (entry.declarations ?? [{ file: entry.file, line: entry.line }]).map((d) => ({ file: d.file, line: d.line })),
      owner: entry.owner ?? null,
      rotation: entry.rotation ?? null,
      rotationEvidence: entry.rotationEvidence ?? null,
      environment: entry.environment ?? null,
      purpose: entry.purpose ?? null,
      usedBy: entry.usedBy.map((u) => ({ id: u.id, kind: u.kind, name: u.name, namespace: u.namespace ?? null, file: u.file, line: u.line, via: u.via })),
      findings: [...entry.findings],
      ownersFields: entry.ownersFields ?? null,
    }));
}

const RENDERERS: Record<InventoryFormat, (rows: InventoryRow[]) => string> = {
  json: (rows) => `${JSON.stringify({ identities: rows }, null, 2)}\n`,
  markdown: renderMarkdown,
  csv: renderCsv,
};

export function renderInventory(inventory: readonly InventoryEntry[], format: InventoryFormat): string {
  const render = RENDERERS[format];
  if (!render) throw new Error(`unknown inventory format "${String(format)}": use ${INVENTORY_FORMATS.join(', ')}`);
  return render(inventoryRows(inventory));
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: CRLF line ends; fields with a comma, quote or line break are quoted, and quotes doubled)
// ---------------------------------------------------------------------------------------------

const CSV_COLUMNS: ReadonlyArray<[string, (row: InventoryRow) => string | number | null]> = [
  ['id', (r) => r.id],
  ['kind', (r) => r.kind],
  ['platform', (r) => r.platform],
  ['type', (r) => r.type],
  ['name', (r) => r.name],
  ['namespace', (r) => r.namespace],
  ['file', (r) => r.file],
  ['line', (r) => r.line],
  ['owner', (r) => r.owner],
  ['rotation', (r) => r.rotation],
  ['rotation_evidence', (r) => r.rotationEvidence],
  ['environment', (r) => r.environment],
  ['purpose', (r) => r.purpose],
  ['used_by', (r) => r.usedBy.map((u) => u.id).join('; ')],
  ['findings', (r) => r.findings.join('; ')],
  ['declarations', (r) => r.declarations.map((d) => `${d.file}:${d.line}`).join('; ')],
];

export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function renderCsv(rows: InventoryRow[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name), ...rows.map((row) => CSV_COLUMNS.map(([, get]) => csvField(get(row))))];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/** Table cells: pipes and line breaks would end the cell or row; backticks and HTML would render. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/`/g, "'").replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``;
}

const LEGEND = [
  '**Legend.** *Kind*: 🪪 identity (an account, role or app registration) · 🔑 credential (a key, token or secret).',
  '*Rotation*: from the owners file, or ✔ shown by the code itself; "—" when there is none.',
  '*Gaps*: open findings (`identity/unowned`, `credential/no-rotation`, `identity/shared`, `owners/expired-exception`).',
].join(' ');

function renderMarkdown(rows: InventoryRow[]): string {
  const unowned = rows.filter((r) => r.owner === null).length;
  const credentials = rows.filter((r) => r.kind === 'credential');
  const unrotated = credentials.filter((r) => r.findings.includes('credential/no-rotation')).length;
  const withGaps = rows.filter((r) => r.findings.length > 0).length;
  const out = ['# NHI inventory', ''];
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const identities = rows.length - credentials.length;
  out.push(
    `**${rows.length}** ${rows.length === 1 ? 'non-human identity' : 'non-human identities'} (${count(identities, 'identity', 'identities')}, ${count(credentials.length, 'credential', 'credentials')}): **${unowned}** without an owner, **${unrotated}** ${unrotated === 1 ? 'credential' : 'credentials'} without rotation, **${withGaps}** with open gaps.`,
    '',
  );
  if (rows.length === 0) return `${out.join('\n')}No NHI declarations found.\n`;
  out.push(LEGEND, '');
  const platforms = [...new Set(rows.map((r) => r.platform))];
  for (const platform of platforms) {
    const inPlatform = rows.filter((r) => r.platform === platform);
    out.push(`## ${markdownCell(platform)} (${inPlatform.length})`, '');
    out.push('| Identity | Kind | Owner | Rotation | Environment | Purpose | Used by | Declared in | Gaps |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const row of inPlatform) out.push(markdownRow(row));
    out.push('');
  }
  return `${out.join('\n')}`;
}

function markdownRow(row: InventoryRow): string {
  // The owners-file claim and the code's evidence side by side, so a reviewer can weigh one against the other.
  const claim = row.rotation !== null ? `${markdownCell(row.rotation)}${row.ownersFields?.rotation ? ` (entry ${row.ownersFields.rotation.entry})` : ''}` : undefined;
  const evidence = row.rotationEvidence !== null ? `✔ ${markdownCell(row.rotationEvidence)}` : undefined;
  const rotation = claim && evidence ? `${claim}<br>code: ${evidence}` : (claim ?? evidence ?? '—');
  const users = row.usedBy.length === 0 ? '—' : row.usedBy.map((u) => markdownCell(u.id)).join('<br>');
  const cells = [
    code(row.id),
    row.kind === 'credential' ? '🔑 credential' : row.kind === 'config' ? '⚙️ config' : '🪪 identity',
    row.owner !== null ? code(row.owner) : '**none**', // as code: a pasted table must not ping whole teams
    rotation,
    row.environment !== null ? markdownCell(row.environment) : '—',
    row.purpose !== null ? markdownCell(row.purpose) : '—',
    users,
    row.declarations.map((d) => code(`${d.file}:${d.line}`)).join('<br>'),
    row.findings.length === 0 ? '✅' : row.findings.map(code).join(' '),
  ];
  return `| ${cells.join(' | ')} |`;
}
