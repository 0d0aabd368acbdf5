import { parseDate, parseRotation } from '../core/policy/duration.js';
import { ownerError } from '../core/policy/owners-file.js';

/**
 * Commands people type in issue comments to fix a gap from the issue itself (docs/architecture.md, "The GitHub App"):
 *   /nhi-steward owner @team
 *   /nhi-steward rotation 90d
 *   /nhi-steward exempt "<reason>" until YYYY-MM-DD
 *   /nhi-steward ignore "<reason>" [until YYYY-MM-DD]   (a secret issue: accept its findings)
 *   /nhi-steward rescan [--history]
 */
export type Command =
  | { kind: 'owner'; owner: string }
  | { kind: 'rotation'; rotation: string }
  | { kind: 'exempt'; justification: string; reviewBy: string }
  | { kind: 'ignore'; reason: string; expires?: string }
  | { kind: 'rescan'; history?: boolean }
  | { kind: 'invalid'; input: string; reason: string };

const PREFIX = /^\/nhi-steward(?:\s+(.*))?$/;
const EXEMPT = /^"([^"]{3,300})"\s+until\s+(\d{4}-\d{2}-\d{2})$/;
const IGNORE = /^(?:"([^"]{3,300})"|([^"\s][^"]{2,299}?))(?:\s+until\s+(\d{4}-\d{2}-\d{2}))?$/;

export const COMMAND_HELP = [
  '`/nhi-steward owner @org/team` — record the technical owner',
  '`/nhi-steward rotation 90d` — record a rotation policy (`12h`, `30d`, `1y`, `ephemeral`, `managed`)',
  '`/nhi-steward exempt "<reason>" until YYYY-MM-DD` — a time-boxed exception (`rotation: never`)',
  '`/nhi-steward ignore "<reason>" until YYYY-MM-DD` — on a secret issue: accept its findings in `.nhi-stewardignore` (`until` is optional)',
  '`/nhi-steward rescan` — scan the default branch again now (`rescan --history`: and every commit of its history)',
].join('\n');

/**
 * Every command in a comment body, one per line; lines that are not commands are ignored, and so
 * is everything GitHub does not render as plain text a reader sees: HTML comments, `<details>`
 * blocks, fenced and indented code, quotes (docs/security.md: a command hidden from the reader
 * must not run).
 */
export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  for (const line of visibleLines(body)) {
    const match = PREFIX.exec(line.trim());
    if (match) commands.push(parseOne((match[1] ?? '').trim()));
  }
  return commands;
}

/** The lines of a comment a reader sees as text (not code, not hidden, not quoted). */
export function visibleLines(body: string): string[] {
  const text = body
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '') // an unclosed comment hides the rest, as on GitHub
    .replace(/<details\b[\s\S]*?(?:<\/details\s*>|$)/gi, '');
  const lines: string[] = [];
  let fence: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (fence) {
      if (opener && opener[1][0] === fence[0] && opener[1].length >= fence.length && raw.trim() === opener[1]) fence = undefined;
      continue;
    }
    if (opener) {
      fence = opener[1];
      continue;
    }
    if (/^(?: {4}|\t)/.test(raw)) continue; // indented code
    if (raw.trim().startsWith('>')) continue; // quoted text
    lines.push(raw);
  }
  return lines;
}

function parseOne(rest: string): Command {
  const [verb, ...words] = rest.split(/\s+/);
  const args = words.join(' ');
  switch (verb) {
    case 'owner':
      // The owners file's own rules, so a command can never write an entry the file would reject.
      return args && !/\s/.test(args) && ownerError(args) === undefined ? { kind: 'owner', owner: args } : invalid(rest, 'give one owner: `@user`, `@org/team` or an email');
    case 'rotation':
      return args !== 'never' && parseRotation(args).ok ? { kind: 'rotation', rotation: args } : invalid(rest, 'give a rotation such as `90d`, `12h`, `1y`, `ephemeral` or `managed` (for `never`, use `exempt`)');
    case 'exempt': {
      const exempt = EXEMPT.exec(args);
      if (!exempt) return invalid(rest, 'write `exempt "<reason>" until YYYY-MM-DD`');
      if (!parseDate(exempt[2]).ok) return invalid(rest, `${exempt[2]} is not a date`);
      return { kind: 'exempt', justification: exempt[1], reviewBy: exempt[2] };
    }
    case 'ignore': {
      const ignore = IGNORE.exec(args);
      if (!ignore) return invalid(rest, 'write `ignore "<reason>"` or `ignore "<reason>" until YYYY-MM-DD`');
      const reason = (ignore[1] ?? ignore[2]).trim();
      if (reason.includes('#') || reason.length < 3) return invalid(rest, 'give a reason of 3 to 300 characters, without `#`');
      if (ignore[3] !== undefined && !parseDate(ignore[3]).ok) return invalid(rest, `${ignore[3]} is not a date`);
      return ignore[3] !== undefined ? { kind: 'ignore', reason, expires: ignore[3] } : { kind: 'ignore', reason };
    }
    case 'rescan':
      if (args === '--history') return { kind: 'rescan', history: true };
      return args ? invalid(rest, '`rescan` takes no arguments but `--history`') : { kind: 'rescan' };
    default:
      return invalid(rest, verb ? `unknown command \`${verb}\`` : 'no command given');
  }
}

function invalid(input: string, reason: string): Command {
  return { kind: 'invalid', input, reason };
}

/** Write access is what it takes to change the owners file; read-only users are refused. */
export function canRunCommands(permission: string | undefined, roleName?: string): boolean {
  return permission === 'admin' || permission === 'write' || roleName === 'maintain' || roleName === 'admin' || roleName === 'write';
}

/**
 * The identity an nhi-steward issue is about, from its hidden marker. An id goes into the owners
 * file as a `match` pattern, so one with glob characters (`**`), white space, markdown or control
 * characters is refused: only nhi-steward writes these markers, and it never writes such ids.
 */
export function identityOfIssue(body: string | null | undefined): string | undefined {
  const id = body ? /<!-- nhi-steward:id=(.+?) -->/.exec(body)?.[1] : undefined;
  return id !== undefined && isPlainId(id) ? id : undefined;
}

/** The file that declares the issue's identity, so owners entries with a `path` glob match too. */
export function fileOfIssue(body: string | null | undefined): string | undefined {
  const file = body ? /<!-- nhi-steward:file=(.+?) -->/.exec(body)?.[1] : undefined;
  return file !== undefined && isPlainId(file) ? file : undefined;
}

/** Letters, digits and `: . _ / @ -` only, no `..` segment, at most 300 characters. */
export function isPlainId(value: string): boolean {
  return value.length <= 300 && /^[A-Za-z0-9][A-Za-z0-9:._/@-]*$/.test(value) && !value.split('/').includes('..');
}
