/**
 * The App's remediation edits to `.github/nhi-owners.yml` (docs/architecture.md, "The GitHub App", issue-driven remediation).
 * Edits are text splices at positions the YAML parser reports, so every line the edit does not
 * touch stays byte for byte: comments, blank lines, quoting, ordering, line endings.
 *
 * Where: the last valid entry matching the identity, when it is an exact `match` entry (it names only
 * this identity), is updated in place. Otherwise a new exact entry goes at the end of
 * `identities:` (the last match wins), carrying over the fields of the entry that won before, so
 * setting a rotation does not drop the owner.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { parseDate, parseRotation } from './duration.js';
import { entryMatches, isExactEntry, ownerError, parseOwnersFile } from './owners-file.js';
import { OWNERS_SCHEMA_URL } from './schemas.js';

export type OwnersEdit = (
  | { kind: 'owner'; identityId: string; owner: string }
  | { kind: 'rotation'; identityId: string; rotation: string }
  | { kind: 'exempt'; identityId: string; justification: string; reviewBy: string }
) & {
  /** The declaring file, when known, so entries with a `path` glob can be matched too. */
  file?: string;
};

/** A request the owners file cannot take (bad value, unreadable file); the message says why. */
export class OwnersEditError extends Error {}

/** Fields an entry may carry, in the order a new entry writes them. */
const FIELD_ORDER = ['match', 'owner', 'rotation', 'purpose', 'environment', 'justification', 'review-by'] as const;
type Fields = Partial<Record<(typeof FIELD_ORDER)[number], string>>;

export function applyOwnersEdit(content: string, edit: OwnersEdit): string {
  const wanted = editFields(edit);
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  if (content.trim() === '') return newOwnersFile(edit.identityId, withOwner(wanted, undefined), eol);

  const doc = parseDocument(content, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new OwnersEditError(`the owners file is not valid YAML (${doc.errors[0].message.split('\n')[0]}); fix it before editing`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new OwnersEditError('the owners file is not a mapping with an "identities" list; fix it before editing');

  const pair = doc.contents?.items.find((p) => isScalar(p.key) && p.key.value === 'identities') as Pair | undefined;
  const list = pair?.value;
  if (list !== undefined && list !== null && !isSeq(list) && !(isScalar(list) && list.value === null)) {
    throw new OwnersEditError('"identities" in the owners file is not a list; fix it before editing');
  }
  const items = isSeq(list) ? list.items : [];
  const record = { id: edit.identityId, file: edit.file ?? '' };
  // Only the entries the loader accepts can win (owners-file.ts drops invalid ones), so an edit
  // lands where it takes effect, never on an entry that is ignored.
  const valid = new Set(parseOwnersFile(content).entries.map((entry) => entry.index));
  let winner: { map: YAMLMap; fields: Fields } | undefined;
  for (const [index, item] of items.entries()) {
    if (!isMap(item) || !valid.has(index)) continue;
    const fields = plainFields(item);
    if (fields.path !== undefined && edit.file === undefined) continue; // cannot tell: not ours to edit
    if (entryMatches(fields, record)) winner = { map: item, fields };
  }
  if (winner && Object.entries(wanted).every(([key, value]) => winner.fields[key as keyof Fields] === value)) return content;
  if (winner && !winner.map.flow && isExactEntry(winner.fields, edit.identityId)) return updateEntry(content, winner.map, wanted, eol);

  const carried: Fields = { ...(winner ? pick(winner.fields) : {}), ...wanted, match: edit.identityId };
  if (carried.rotation !== 'never') {
    delete carried.justification;
    delete carried['review-by'];
  }
  return appendEntry(content, pair, withOwner(carried, winner?.fields.owner), eol);
}

function editFields(edit: OwnersEdit): Fields {
  switch (edit.kind) {
    case 'owner': {
      const error = ownerError(edit.owner);
      if (error) throw new OwnersEditError(error);
      return { owner: edit.owner.trim() };
    }
    case 'rotation': {
      const rotation = parseRotation(edit.rotation);
      if (!rotation.ok) throw new OwnersEditError(`rotation ${rotation.error}`);
      if (rotation.value.kind === 'never') throw new OwnersEditError('rotation "never" needs a justification and a review-by date: use the exempt command');
      return { rotation: rotation.value.text };
    }
    case 'exempt': {
      const date = parseDate(edit.reviewBy);
      if (!date.ok) throw new OwnersEditError(`review-by ${date.error}`);
      if (edit.justification.trim() === '') throw new OwnersEditError('an exemption needs a justification');
      return { rotation: 'never', justification: edit.justification.trim(), 'review-by': edit.reviewBy.trim() };
    }
  }
}

/** A new entry needs an owner; without one it gets @TODO, which validation flags until filled. */
function withOwner(fields: Fields, owner: string | undefined): Fields {
  return { owner: owner ?? '@TODO', ...fields };
}

function plainFields(map: YAMLMap): Fields & { path?: string } {
  const fields: Record<string, string> = {};
  for (const item of map.items) {
    if (isScalar(item.key) && isScalar(item.value) && item.value.value !== null) fields[String(item.key.value)] = String(item.value.value);
  }
  return fields;
}

function pick(fields: Fields): Fields {
  const kept: Fields = {};
  for (const key of FIELD_ORDER) if (fields[key] !== undefined) kept[key] = fields[key];
  return kept;
}

/** Words YAML (1.1 or 1.2) would read as something other than a string. */
const NOT_STRINGS = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

/** YAML text for one value: validated rotations and dates, and plain words, as is; the rest double-quoted. */
function yamlValue(key: string, value: string): string {
  if ((key === 'rotation' || key === 'review-by') && /^[A-Za-z0-9-]+$/.test(value)) return value;
  if (/^[A-Za-z][A-Za-z0-9._-]*$/.test(value) && !NOT_STRINGS.test(value)) return value;
  return JSON.stringify(value);
}

function entryText(fields: Fields, dashIndent: string, eol: string): string {
  const keys = FIELD_ORDER.filter((key) => fields[key] !== undefined);
  return keys.map((key, i) => `${i === 0 ? `${dashIndent}- ` : `${dashIndent}  `}${key}: ${yamlValue(key, fields[key]!)}${eol}`).join('');
}

function newOwnersFile(id: string, fields: Fields, eol: string): string {
  const header = [
    `# yaml-language-server: $schema=${OWNERS_SCHEMA_URL}`,
    '# Every non-human identity declared in this repository has a technical owner.',
    '# The last matching entry wins, as in CODEOWNERS. See nhi-steward owners init for a full starter file.',
    'identities:',
  ];
  return `${header.join(eol)}${eol}${entryText({ ...fields, match: id }, '  ', eol)}`;
}

/** Offset just past the end of the line holding `offset` (or `offset` itself at a line start). */
function lineEnd(content: string, offset: number): number {
  if (offset > 0 && content[offset - 1] === '\n') return offset;
  const newline = content.indexOf('\n', offset);
  return newline === -1 ? content.length : newline + 1;
}

function splice(content: string, start: number, end: number, text: string): string {
  return content.slice(0, start) + text + content.slice(end);
}

/** Column (0-based) of `offset` on its line. */
function columnOf(content: string, offset: number): number {
  return offset - (content.lastIndexOf('\n', offset - 1) + 1);
}

function updateEntry(content: string, map: YAMLMap, wanted: Fields, eol: string): string {
  // Work from the end of the file backwards so earlier offsets stay valid.
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const pairs = map.items.filter(isPair);
  const indent = ' '.repeat(columnOf(content, (pairs[0].key as { range: [number, number, number] }).range[0]));
  const missing: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const pair = pairs.find((p) => isScalar(p.key) && p.key.value === key);
    const node = pair?.value as { range?: [number, number, number] } | null | undefined;
    if (pair && node?.range && node.range[1] > node.range[0]) {
      const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
      edits.push({ start: node.range[0], end: node.range[1], text: yamlValue(key, value) + (block ? eol : '') });
    } else if (pair) {
      // `key:` with an empty value: write right after the colon.
      const keyEnd = (pair.key as { range: [number, number, number] }).range[1];
      const colon = content.indexOf(':', keyEnd);
      edits.push({ start: colon + 1, end: colon + 1, text: ` ${yamlValue(key, value)}` });
    } else {
      missing.push(`${indent}${key}: ${yamlValue(key, value)}${eol}`);
    }
  }
  if (missing.length > 0) {
    const last = pairs[pairs.length - 1];
    const end = (last.value as { range?: number[] } | null)?.range?.[1] ?? (last.key as { range: number[] }).range[1];
    const at = lineEnd(content, end);
    const prefix = at === content.length && !content.endsWith('\n') ? eol : '';
    edits.push({ start: at, end: at, text: prefix + missing.join('') });
  }
  edits.sort((a, b) => b.start - a.start);
  return edits.reduce((text, e) => splice(text, e.start, e.end, e.text), content);
}

function appendEntry(content: string, pair: Pair | undefined, fields: Fields, eol: string): string {
  const list = pair?.value;
  if (!pair) {
    const prefix = content.endsWith('\n') ? '' : eol;
    return `${content}${prefix}identities:${eol}${entryText(fields, '  ', eol)}`;
  }
  const keyStart = (pair.key as { range: number[] }).range[0];
  const childIndent = ' '.repeat(columnOf(content, keyStart) + 2);
  if (isSeq(list) && !list.flow && list.items.length > 0) {
    const dash = ' '.repeat(columnOf(content, list.range![0]));
    const last = list.items[list.items.length - 1] as { range?: number[] } | null;
    const at = lineEnd(content, last?.range?.[1] ?? list.range![1]);
    const prefix = at === content.length && !content.endsWith('\n') ? eol : '';
    return splice(content, at, at, prefix + entryText(fields, dash, eol));
  }
  if (isSeq(list) && list.flow) {
    // `identities: [...]` becomes a block list; only that value changes.
    const existing = list.items.map((item) => entryText(pick(plainFields(item as YAMLMap)), childIndent, eol)).join('');
    const colon = content.lastIndexOf(':', list.range![0]) + 1;
    const block = `${eol}${existing}${entryText(fields, childIndent, eol)}`.slice(0, -eol.length);
    return splice(content, colon, list.range![1], block);
  }
  // `identities:` with no value yet (null, possibly followed by comments).
  const at = lineEnd(content, (pair.key as { range: number[] }).range[1]);
  const prefix = at === content.length && !content.endsWith('\n') ? eol : '';
  return splice(content, at, at, prefix + entryText(fields, childIndent, eol));
}
