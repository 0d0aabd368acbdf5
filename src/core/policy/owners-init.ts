/**
 * `nhi-steward owners init`: a starter owners file covering every NHI found. NHIs are grouped so
 * one entry serves each team-sized unit: a namespace or module (`match` glob), else the declaring
 * directory (`path` glob). Every owner is `@TODO`, which fails validation until a person names
 * the real owner: the starter file never silently passes.
 */
import { escape } from 'minimatch';
import type { IdentityRecord } from '../types.js';
import { winningEntry, type OwnersEntry } from './owners-file.js';
import { OWNERS_SCHEMA_URL } from './schemas.js';

export const PLACEHOLDER_OWNER = '@TODO';
const LISTED_IDS = 12;

const HEADER = `# yaml-language-server: $schema=${OWNERS_SCHEMA_URL}
#
# nhi-steward owners file. Every non-human identity (NHI) declared in this repository needs a
# technical owner, and every credential needs a rotation policy. Written by \`nhi-steward owners init\`:
# replace each "${PLACEHOLDER_OWNER}" with the real owner (the file fails validation until you do), and
# split or narrow the groups as you see fit.
#
# The last matching entry wins, as in CODEOWNERS; a field it leaves out (rotation, purpose,
# environment, kind) keeps the value of the last earlier entry that matched. Each entry has:
#   match          glob over identity ids, e.g. "kubernetes:ServiceAccount/payments/*"
#                  (* stays within one /-separated segment, ** crosses segments)
#   path           glob over the path of the file that declares the NHI, e.g. "infra/ci/**"
#                  (give match and path together and both must hold)
#   owner          required: @user, @org/team or an email address
#   rotation       how often the credential is rotated: 12h, 30d, 6w, 3mo, 1y,
#                  ephemeral (short-lived tokens), managed (the platform rotates it) or never
#   purpose        what the NHI is for
#   environment    where it is used: production, staging, development, ...
#   kind           config for a secret that is no credential (a role ARN, a region): no rotation needed
#   justification  with rotation: never, why no rotation is acceptable
#   review-by      with rotation: never, the date (YYYY-MM-DD) the exception expires
`;

interface Group {
  title: string;
  match?: string;
  path?: string;
  records: IdentityRecord[];
}

export function generateOwnersFile(inventory: readonly IdentityRecord[]): string {
  const records = uniqueById(inventory);
  if (records.length === 0) return `${HEADER}identities: []\n`;
  const groups = groupRecords(records);
  return `${HEADER}identities:\n${groups.map(groupText).join('\n')}`;
}

function uniqueById(inventory: readonly IdentityRecord[]): IdentityRecord[] {
  const seen = new Map<string, IdentityRecord>();
  for (const record of inventory) if (!seen.has(record.id)) seen.set(record.id, record);
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function directoryOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

/**
 * Directory groups first, namespace groups after (so they win for namespaced NHIs), then exact
 * entries for any NHI whose own group's glob would not pick it (ids with unusual shapes).
 */
function groupRecords(records: IdentityRecord[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const record of records) {
    const group = record.namespace
      ? { key: `2\0${record.platform}\0${record.namespace}`, title: `${record.platform}, ${record.namespace}`, match: `${escape(record.platform)}:*/${escape(record.namespace)}/*` }
      : { key: `1\0${record.platform}\0${directoryOf(record.file)}`, title: `${record.platform} in ${directoryOf(record.file) || 'the repository root'}`, match: `${escape(record.platform)}:**`, path: directoryOf(record.file) ? `${escape(directoryOf(record.file))}/*` : '*' };
    const existing = byKey.get(group.key) ?? { title: group.title, match: group.match, path: group.path, records: [] };
    existing.records.push(record);
    byKey.set(group.key, existing);
  }
  const groups = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
  const entries = groups.map((group, index) => asEntry(group, index));
  const strays: Group[] = [];
  groups.forEach((group, index) => {
    group.records = group.records.filter((record) => {
      if (winningEntry(entries, record) === entries[index]) return true;
      strays.push({ title: record.id, match: record.id, records: [record] });
      return false;
    });
  });
  return [...groups.filter((group) => group.records.length > 0), ...strays];
}

function asEntry(group: Group, index: number): OwnersEntry {
  return { index, line: 0, column: 0, match: group.match, path: group.path, owner: PLACEHOLDER_OWNER };
}

function groupText(group: Group): string {
  const ids = group.records.map((record) => record.id);
  const listed = ids.slice(0, LISTED_IDS).map((id) => `  #   ${id}\n`).join('');
  const more = ids.length > LISTED_IDS ? `  #   ... and ${ids.length - LISTED_IDS} more\n` : '';
  const lines = [`  # ${group.title} (${ids.length}):\n${listed}${more}`];
  lines.push(group.match !== undefined ? `  - match: ${JSON.stringify(group.match)}\n` : '');
  if (group.path !== undefined) lines.push(`    path: ${JSON.stringify(group.path)}\n`);
  lines.push(`    owner: "${PLACEHOLDER_OWNER}"\n`);
  const unrotated = group.records.filter((record) => record.kind === 'credential' && !record.rotationEvidence);
  if (unrotated.length > 0) {
    lines.push(`    # rotation: 90d   # ${unrotated.length} credential(s) here show no rotation in code: set how often they are rotated\n`);
  }
  return lines.join('');
}
