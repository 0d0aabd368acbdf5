import { parseDate, parseRotation } from '../core/policy/duration.js';
import { ownerError } from '../core/policy/owners-file.js';

/**
 * Commands people type in issue comments to fix a gap from the issue itself (SPEC §4):
 *   /nhi-steward owner @team
 *   /nhi-steward rotation 90d
 *   /nhi-steward exempt "<reason>" until YYYY-MM-DD
 *   /nhi-steward rescan [--history]
 */
export type Command =
  | { kind: 'owner'; owner: string }
  | { kind: 'rotation'; rotation: string }
  | { kind: 'exempt'; justification: string; reviewBy: string }
  | { kind: 'rescan'; history?: boolean }
  | { kind: 'invalid'; input: string; reason: string };

const PREFIX = /^\/nhi-steward(?:\s+(.*))?$/;
const EXEMPT = /^"([^"]{3,300})"\s+until\s+(\d{4}-\d{2}-\d{2})$/;

export const COMMAND_HELP = [
  '`/nhi-steward owner @org/team` — record the technical owner',
  '`/nhi-steward rotation 90d` — record a rotation policy (`12h`, `30d`, `1y`, `ephemeral`, `managed`)',
  '`/nhi-steward exempt "<reason>" until YYYY-MM-DD` — a time-boxed exception (`rotation: never`)',
  '`/nhi-steward rescan` — scan the default branch again now (`rescan --history`: and every commit of its history)',
].join('\n');

/** Every command in a comment body, one per line; lines that are not commands are ignored. */
export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  let inFence = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('```')) inFence = !inFence;
    if (inFence || line.startsWith('>')) continue; // quoted or fenced text is not a command
    const match = PREFIX.exec(line);
    if (match) commands.push(parseOne((match[1] ?? '').trim()));
  }
  return commands;
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

/** The identity an nhi-steward issue is about, from its hidden marker. */
export function identityOfIssue(body: string | null | undefined): string | undefined {
  return body ? /<!-- nhi-steward:id=(.+?) -->/.exec(body)?.[1] : undefined;
}

/** The file that declares the issue's identity, so owners entries with a `path` glob match too. */
export function fileOfIssue(body: string | null | undefined): string | undefined {
  return body ? /<!-- nhi-steward:file=(.+?) -->/.exec(body)?.[1] : undefined;
}
