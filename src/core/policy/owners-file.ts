/**
 * The owners file `.github/nhi-owners.yml` (docs/architecture.md, "The owners file"): parse, validate, match. Validation never
 * throws: every problem comes back with line and column, and the entries that are valid still
 * apply, so one typo does not make every NHI in the repository unowned.
 */
import { Minimatch } from 'minimatch';
import type { IdentityRecord } from '../types.js';
import { quoteErrorMessage } from '../secrets/redact.js';
import { parseDate, parseRotation, type Rotation } from './duration.js';
import { OWNER_PATTERN } from './schemas.js';
import { validateOwners } from './schema-validators.js';
import { kindOf, positionOf, readYaml, schemaProblems, type Problem, type YamlPath, type YamlSource } from './yaml-source.js';

export const OWNERS_KEYS = ['match', 'path', 'owner', 'rotation', 'purpose', 'environment', 'kind', 'justification', 'review-by'] as const;

/** What an entry may say an NHI is: `config` marks a secret that is no credential (a region, a role ARN). */
export const ENTRY_KINDS = ['identity', 'credential', 'config'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface OwnersEntry {
  /** 0-based position in `identities`. */
  index: number;
  /** Where the entry starts (its first key). */
  line: number;
  column: number;
  match?: string;
  path?: string;
  owner: string;
  rotation?: Rotation;
  purpose?: string;
  environment?: string;
  kind?: EntryKind;
  justification?: string;
  reviewBy?: Date;
  /** Where `review-by` sits, for expired-exception findings. */
  reviewByLine?: number;
  reviewByColumn?: number;
}

export interface OwnersFile {
  /** Valid entries only, in file order. */
  entries: OwnersEntry[];
  problems: Problem[];
}

/** Owners that look valid but are someone's note to self. */
const PLACEHOLDER_OWNERS = /^@?(todo|tbd|fixme|xxx+|changeme|owner|unknown|none|nobody|someone|team|user)$/i;
const OWNER_FORM = new RegExp(OWNER_PATTERN);

/** Why `owner` is not an acceptable owner, or undefined when it is. */
export function ownerError(owner: string): string | undefined {
  const trimmed = owner.trim();
  if (PLACEHOLDER_OWNERS.test(trimmed)) return `owner "${owner}" is a placeholder: name the team (@org/team) or person (@user, or an email) who owns this identity`;
  if (!OWNER_FORM.test(trimmed)) return `owner "${owner}" is not a valid owner: write @user, @org/team or an email address`;
  return undefined;
}

export function parseOwnersFile(content: string): OwnersFile {
  const { entries, problems } = readOwnersFile(content);
  // Problems quote the values they reject; a secret pasted into the file must not reach a report.
  return { entries, problems: problems.map((p) => ({ ...p, message: quoteErrorMessage(p.message) })) };
}

function readOwnersFile(content: string): OwnersFile {
  const source = readYaml(content);
  if (source.errors.length > 0) return { entries: [], problems: source.errors };
  if (source.value === null || source.value === undefined) return { entries: [], problems: [] };
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    const message = `the owners file must be a YAML mapping with an "identities" list, not ${kindOf(source.value)}`;
    return { entries: [], problems: [{ ...positionOf(source, []), message: message.length > 200 ? `${message.slice(0, 200)}…` : message }] };
  }
  const problems = schemaProblems(source, validateOwners, describe);
  const list = (source.value as { identities?: unknown }).identities;
  if (!('identities' in (source.value as object))) {
    problems.push({ line: 1, column: 1, message: 'the owners file has no "identities" list', path: [] });
  }
  const entries: OwnersEntry[] = [];
  if (Array.isArray(list)) {
    list.forEach((raw, index) => {
      const own = entryChecks(source, raw, index);
      problems.push(...own);
      const rejected = own.length > 0 || problems.some((p) => p.path?.[0] === 'identities' && p.path[1] === index);
      if (!rejected) entries.push(toEntry(source, raw as Record<string, unknown>, index));
    });
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { entries, problems };
}

function describe(path: YamlPath): string {
  if (path.length === 0) return 'the owners file';
  if (path.length === 1) return `"${path[0]}"`;
  const entry = `entry ${Number(path[1]) + 1}`;
  return path.length === 2 ? entry : `"${path[2]}" of ${entry}`;
}

/** The checks JSON Schema cannot phrase well: owner forms, rotation, dates, never's conditions. */
function entryChecks(source: YamlSource, raw: unknown, index: number): Problem[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const entry = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  const at = (key: string, message: string, where: 'key' | 'value' = 'value') =>
    problems.push({ ...positionOf(source, ['identities', index, key], where), message, path: ['identities', index, key] });
  const name = `entry ${index + 1}`;
  if (entry.match === undefined && entry.path === undefined) {
    problems.push({ ...positionOf(source, ['identities', index]), message: `${name} needs "match" (a glob over identity ids) or "path" (a glob over file paths)`, path: ['identities', index] });
  }
  if (typeof entry.owner === 'string') {
    const error = ownerError(entry.owner);
    if (error) at('owner', error);
  }
  if (typeof entry.rotation === 'string') {
    const rotation = parseRotation(entry.rotation);
    if (!rotation.ok) at('rotation', `rotation ${rotation.error}`);
    else if (rotation.value.kind === 'never') {
      for (const needed of ['justification', 'review-by']) {
        if (entry[needed] === undefined) at('rotation', `rotation "never" needs a "${needed}" (${needed === 'justification' ? 'why no rotation is acceptable' : 'YYYY-MM-DD when the exception expires'})`);
      }
    }
  }
  for (const key of ['match', 'path']) {
    const error = typeof entry[key] === 'string' ? globError(entry[key] as string) : undefined;
    if (error) at(key, `${key} "${entry[key] as string}" is not a valid glob: ${error}`);
  }
  if (typeof entry['review-by'] === 'string') {
    const date = parseDate(entry['review-by']);
    if (!date.ok) at('review-by', `review-by ${date.error}`);
  }
  return problems;
}

function toEntry(source: YamlSource, raw: Record<string, unknown>, index: number): OwnersEntry {
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  const rotation = text('rotation') === undefined ? undefined : parseRotation(text('rotation')!);
  const reviewBy = text('review-by') === undefined ? undefined : parseDate(text('review-by')!);
  const start = positionOf(source, ['identities', index]);
  const reviewPos = reviewBy ? positionOf(source, ['identities', index, 'review-by']) : undefined;
  return {
    index,
    line: start.line,
    column: start.column,
    match: text('match'),
    path: text('path'),
    owner: text('owner')!.trim(),
    rotation: rotation?.ok ? rotation.value : undefined,
    purpose: text('purpose'),
    environment: text('environment'),
    kind: text('kind') as EntryKind | undefined,
    justification: text('justification'),
    reviewBy: reviewBy?.ok ? reviewBy.value : undefined,
    reviewByLine: reviewPos?.line,
    reviewByColumn: reviewPos?.column,
  };
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/**
 * `dot` so that `*` also covers names starting with a dot; no negation or comments, because an id
 * or path starting with `!` or `#` is literal here. `*` stays within one `/` segment, `**` crosses.
 */
const GLOB_OPTIONS = { dot: true, nonegate: true, nocomment: true } as const;
const compiledGlobs = new Map<string, (value: string) => boolean>();

/** Literal equality first, so ids holding glob characters (`[`, `(`) match their exact entry. */
export function globMatches(value: string, pattern: string): boolean {
  return value === pattern || compiled(pattern)(value);
}

/** One RegExp per glob: an order of magnitude faster than Minimatch#match, which re-splits each value. */
function compileGlob(pattern: string): (value: string) => boolean {
  const glob = new Minimatch(crossingGlobstars(pattern), GLOB_OPTIONS);
  const regexp = glob.makeRe();
  const full = regexp ? (value: string) => regexp.test(value) : (value: string) => glob.match(value);
  // When `*` is the only wildcard, its literal runs must all appear: a cheap test that rejects
  // nearly every non-matching id before the RegExp runs (owners files are mostly such globs).
  if (/[?[\]{}()!+@\\]/.test(pattern)) return full;
  const literals = pattern.split('*').filter((run) => run.length > 0);
  return (value) => literals.every((run) => value.includes(run)) && full(value);
}

/**
 * minimatch treats `**` as crossing `/` only when it fills a whole segment, yet people write
 * `terraform:**` to mean every terraform id. So a segment A**B becomes the brace pair
 * "A*B" (within one segment) or "A*", any segments, "*B" (spanning several).
 */
export function crossingGlobstars(pattern: string): string {
  return pattern
    .split('/')
    .map((segment) => {
      const at = segment.indexOf('**');
      if (segment === '**' || at === -1 || segment.indexOf('**', at + 2) !== -1) return segment;
      const [before, after] = [segment.slice(0, at), segment.slice(at + 2)];
      return `{${before}*${after},${before}*/**/*${after}}`;
    })
    .join('/');
}

/**
 * Why a glob can never mean what its author wants: unbalanced brackets, braces or parentheses
 * (minimatch would quietly read them as literal characters), or three stars in a row.
 */
export function globError(pattern: string): string | undefined {
  const pairs: Record<string, string> = { '[': ']', '{': '}', '(': ')' };
  const open: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (pairs[c]) open.push(pairs[c]);
    else if (c === ']' || c === '}' || c === ')') {
      if (open.pop() !== c) return `"${c}" at position ${i + 1} closes nothing (escape it as \\${c} to mean the character)`;
    }
  }
  if (open.length > 0) return `"${open.at(-1)}" is missing (escape the opening character with \\ to mean it literally)`;
  if (/\*\*\*/.test(pattern)) return '"***" is not a glob: use * (one segment) or ** (any segments)';
  return undefined;
}

/** What matching needs from a record: its id (and older id forms), and every file declaring it. */
export type MatchTarget = Pick<IdentityRecord, 'id' | 'file'> & Partial<Pick<IdentityRecord, 'declarations' | 'legacyIds'>>;

/** Both `match` and `path` must hold when both are given. */
export function entryMatches(entry: Pick<OwnersEntry, 'match' | 'path'>, record: MatchTarget): boolean {
  return entryMatcher(entry)(record);
}

/**
 * A compiled `entryMatches` for one entry, for loops over many records. `path` holds when any
 * declaring file matches; `match` holds on the id or, failing that, on an older id form the
 * record still answers to (see `matchesOnlyByLegacyId`).
 */
export function entryMatcher(entry: Pick<OwnersEntry, 'match' | 'path'>): (record: MatchTarget) => boolean {
  const { match, path } = entry;
  if (match === undefined && path === undefined) return () => false;
  const id = match === undefined ? () => true : literalOr(match, compiled(match));
  const file = path === undefined ? () => true : literalOr(path, compiled(path));
  return (record) =>
    (id(record.id) || (record.legacyIds?.some(id) ?? false)) && (file(record.file) || (record.declarations?.some((d) => file(d.file)) ?? false));
}

/** True when the entry's `match` holds only on an older id form: it should be rewritten. */
export function matchesOnlyByLegacyId(entry: Pick<OwnersEntry, 'match'>, record: MatchTarget): boolean {
  if (entry.match === undefined || !record.legacyIds?.length) return false;
  return !globMatches(record.id, entry.match) && record.legacyIds.some((legacy) => globMatches(legacy, entry.match!));
}

/**
 * The same glob over template-scoped CloudFormation ids: `cloudformation:<Type>/<rest>` becomes
 * `cloudformation:<Type>/**\/<rest>`, which matches exactly the ids the old form matched.
 */
export function migratedMatch(match: string): string {
  const m = /^(cloudformation:[^/]*)\/(.*)$/.exec(match);
  return m ? `${m[1]}/**/${m[2]}` : match;
}

function literalOr(pattern: string, test: (value: string) => boolean): (value: string) => boolean {
  return (value) => value === pattern || test(value);
}

function compiled(pattern: string): (value: string) => boolean {
  let test = compiledGlobs.get(pattern);
  if (!test) {
    test = compileGlob(pattern);
    if (compiledGlobs.size > 10_000) compiledGlobs.clear();
    compiledGlobs.set(pattern, test);
  }
  return test;
}

/** The last matching entry (CODEOWNERS), as written. Fields it leaves out come from earlier ones: see `effectiveEntry`. */
export function winningEntry(entries: readonly OwnersEntry[], record: MatchTarget): OwnersEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entryMatches(entries[i], record)) return entries[i];
  return undefined;
}

/** The entry that applies to a record, with fields inherited from earlier matches (`resolveEntry`). */
export function effectiveEntry(entries: readonly OwnersEntry[], record: MatchTarget): ResolvedEntry | undefined {
  return resolveEntry(entries.filter((entry) => entryMatches(entry, record)));
}

/** Fields that travel together: `rotation: never` brings its justification and review-by. */
const FIELD_GROUPS = {
  owner: ['owner'],
  rotation: ['rotation', 'justification', 'reviewBy', 'reviewByLine', 'reviewByColumn'],
  purpose: ['purpose'],
  environment: ['environment'],
  kind: ['kind'],
} as const satisfies Record<string, ReadonlyArray<keyof OwnersEntry>>;
export type EntryField = keyof typeof FIELD_GROUPS;

/** Which entry (0-based index and line) gave each field. */
export type FieldSources = Partial<Record<EntryField, { entry: number; line: number }>>;

export interface ResolvedEntry extends OwnersEntry {
  sources: FieldSources;
}

/**
 * The effective entry for an NHI from the entries that match it, in file order: the last one wins
 * each field it sets, and a field it leaves out keeps the value of the last earlier match that set
 * it. So a later, narrower entry that names only a new `purpose` (or owner) does not silently drop
 * the rotation policy of the broad entry before it. Location fields are the last match's.
 */
export function resolveEntry(matching: readonly OwnersEntry[]): ResolvedEntry | undefined {
  const last = matching.at(-1);
  if (!last) return undefined;
  const resolved: ResolvedEntry = { ...last, sources: {} };
  for (const [field, keys] of Object.entries(FIELD_GROUPS) as Array<[EntryField, ReadonlyArray<keyof OwnersEntry>]>) {
    const from = [...matching].reverse().find((entry) => entry[keys[0]] !== undefined);
    for (const key of keys) (resolved as unknown as Record<string, unknown>)[key] = from?.[key];
    if (from) resolved.sources[field] = { entry: from.index, line: from.line };
  }
  return resolved;
}

/** An entry that names exactly one identity and nothing else. */
export function isExactEntry(entry: Pick<OwnersEntry, 'match' | 'path'>, id: string): boolean {
  return entry.match === id && entry.path === undefined;
}
