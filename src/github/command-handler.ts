import { OwnersEditError } from '../core/policy/owners-edit.js';
import { code, markdownText } from '../core/report/escape.js';
import { IGNORE_FILE, readIgnoreFile } from '../core/secrets/ignore-file.js';
import { ignoreEntriesOfIssue, ignoreLine } from './issue-content.js';
import { scanSecrets } from '../core/secrets/engine.js';
import { defaultSettings } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { canRunCommands, COMMAND_HELP, fileOfIssue, identityOfIssue, parseCommands, type Command } from './commands.js';
import { openOwnersPullRequest } from './owners-pr.js';
import { createComment } from './idempotent.js';
import { withRepoLock } from './repo-lock.js';

export type OwnersEdit = (
  | { kind: 'owner'; identityId: string; owner: string }
  | { kind: 'rotation'; identityId: string; rotation: string }
  | { kind: 'exempt'; identityId: string; justification: string; reviewBy: string }
) & { file?: string };

export interface CommandContext {
  client: GitHubClient;
  repo: RepoRef;
  defaultBranch: string;
  ownersPath: string;
  issue: { number: number; body: string | null; labels: string[] };
  /**
   * The App's own login (`<slug>[bot]`). Commands act only on issues it opened (and that carry its
   * label): anyone can open an issue with a marker in its body (docs/security.md).
   */
  botLogin?: () => Promise<string>;
  /** The label nhi-steward's issues carry (default `nhi-steward`). */
  label?: string;
  comment: { id: number; body: string; author: string; authorType?: string };
  /** Applies an edit to the owners file text, keeping every other line and comment. */
  applyEdit: (content: string, edit: OwnersEdit) => string;
  /** Runs a full scan of the default branch (and with `history`, its history) and returns a one-line summary. */
  rescan: (options: { history: boolean }) => Promise<string>;
  /**
   * Set when the comment is on a pull request (`issue` is the PR): finds the NHIs its check
   * blames. Called only for a command that needs them, after the permission check.
   */
  pull?: () => Promise<PullGaps>;
}

/** What a pull request's check found: commands typed on the PR apply to these NHIs. */
export interface PullGaps {
  unowned: Array<{ identityId: string; file: string }>;
  noRotation: Array<{ identityId: string; file: string }>;
}

type Reaction = '+1' | '-1' | 'confused' | 'rocket' | 'eyes';

/**
 * Answers every command with a reaction and a reply: it refuses users without write access,
 * explains malformed commands, and otherwise opens the owners-file PR or runs the rescan.
 * Returns the commands it acted on (for tests and logs).
 */
export async function handleCommandComment(ctx: CommandContext): Promise<Command[]> {
  if (ctx.comment.authorType === 'Bot') return [];
  const commands = parseCommands(ctx.comment.body);
  if (commands.length === 0) return [];
  const { data: access } = await ctx.client.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { ...ctx.repo, username: ctx.comment.author });
  if (!canRunCommands(access.permission, access.role_name)) {
    await react(ctx, '-1');
    await reply(ctx, `@${ctx.comment.author} nhi-steward commands change the owners file, so they need write access to this repository; yours is \`${access.permission ?? 'none'}\`. Nothing was changed.`);
    return [];
  }
  // A secret pasted into a command would land in a reply, a commit or a PR: refuse, quote nothing.
  const secrets = scanSecrets({ path: 'comment.md', content: ctx.comment.body }, defaultSettings({ mode: 'full' }));
  if (secrets.length > 0) {
    await react(ctx, '-1');
    await reply(ctx, `@${ctx.comment.author} this comment contains what looks like a secret (${secrets.map((f) => code(f.redacted ?? '…')).join(', ')}), so nhi-steward did not run it and will not copy it anywhere. Revoke it, and edit it out of the comment.`);
    return [];
  }
  // One command of each kind per comment: 25 `rescan` lines are one rescan.
  const seen = new Set<string>();
  const unique = commands.filter((c) => !seen.has(c.kind) && seen.add(c.kind));
  // On a pull request the check (not an issue marker) names the NHIs, so there is no issue to vouch for.
  const needsIssue = !ctx.pull && unique.some((c) => c.kind !== 'invalid' && c.kind !== 'rescan');
  if (needsIssue && !(await isOwnIssue(ctx))) {
    await react(ctx, 'confused');
    await reply(ctx, 'nhi-steward commands that edit the owners file work only on issues nhi-steward itself opened. Nothing was changed.');
    return [];
  }
  // Commands on one issue run one after the other, each building on the last one's branch.
  await withRepoLock(`${ctx.repo.owner}/${ctx.repo.repo}#issue-${ctx.issue.number}`, async () => {
    for (const command of unique) await runCommand(ctx, command);
  });
  if (unique.length < commands.length) await reply(ctx, `Ran one command of each kind; ${commands.length - unique.length} repeated command${commands.length - unique.length === 1 ? '' : 's'} ignored.`);
  return unique;
}

/** The issue as GitHub has it now: opened by the App and labelled by it. */
async function isOwnIssue(ctx: CommandContext): Promise<boolean> {
  if (!ctx.botLogin) return true; // callers without an App identity (tests of the parsing) opt out
  const [{ data: issue }, bot] = await Promise.all([ctx.client.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...ctx.repo, issue_number: ctx.issue.number }), ctx.botLogin()]);
  const label = ctx.label ?? 'nhi-steward';
  const labels: string[] = (issue.labels ?? []).map((l: string | { name?: string }) => (typeof l === 'string' ? l : (l.name ?? '')));
  if (issue.user?.login !== bot || !labels.includes(label)) return false;
  ctx.issue = { ...ctx.issue, body: issue.body ?? null }; // act on the body GitHub holds, not the payload's copy
  return true;
}

async function runCommand(ctx: CommandContext, command: Command): Promise<void> {
  if (command.kind === 'invalid') {
    await react(ctx, 'confused');
    await reply(ctx, `I could not read ${code(`/nhi-steward ${command.input}`)}: ${command.reason}.\n\nCommands:\n${COMMAND_HELP}`);
    return;
  }
  if (command.kind === 'rescan') {
    await react(ctx, 'eyes');
    const summary = await ctx.rescan({ history: command.history === true });
    await reply(ctx, `Rescanned \`${ctx.defaultBranch}\`${command.history ? ' and its history' : ''}: ${summary}`);
    return;
  }
  if (command.kind === 'ignore') {
    await runIgnoreCommand(ctx, command);
    return;
  }
  if (ctx.pull) {
    await runPullCommand(ctx, await ctx.pull(), command);
    return;
  }
  const identityId = identityOfIssue(ctx.issue.body);
  if (!identityId) {
    await react(ctx, 'confused');
    await reply(ctx, 'This issue is not about one identity, so there is nothing to record in the owners file. Use the command on an nhi-steward issue for a credential or identity.');
    return;
  }
  const edit: OwnersEdit = { ...toEdit(command, identityId), file: fileOfIssue(ctx.issue.body) };
  let pull;
  try {
    pull = await openOwnersPullRequest(ctx.client, ctx.repo, ctx.defaultBranch, {
      path: ctx.ownersPath,
      edit: (content) => ctx.applyEdit(content, edit),
      issueNumber: ctx.issue.number,
      title: `nhi-steward: ${describe(edit)}`,
      body: `Requested by @${ctx.comment.author} in #${ctx.issue.number}.\n\nThis edits ${code(ctx.ownersPath)} only, keeping every existing line and comment. Once it is merged, the next scan of ${code(ctx.defaultBranch)} closes #${ctx.issue.number}.\n\nChanges:\n- ${describe(edit, true)}`,
      commitMessage: `nhi-steward: ${describe(edit)}\n\nRefs #${ctx.issue.number}`,
      change: describe(edit, true),
    });
  } catch (error) {
    // The owners file on the default branch cannot be edited (invalid YAML, not a list…): say why.
    if (!(error instanceof OwnersEditError)) throw error;
    await react(ctx, 'confused');
    await reply(ctx, `I could not edit ${code(ctx.ownersPath)} on ${code(ctx.defaultBranch)}: ${(error as Error).message}. Nothing was changed.`);
    return;
  }
  await react(ctx, '+1');
  await reply(ctx, pull ? `${pull.updated ? 'Updated' : 'Opened'} #${pull.number} to ${describe(edit, true)}: ${pull.htmlUrl}` : `${code(ctx.ownersPath)} already says that for ${code(identityId)}: nothing to change.`);
}

/**
 * `/nhi-steward ignore "<reason>" [until DATE]` on a secret issue (docs/security.md, "Accepting a
 * finding from an issue"): a pull request adding the issue's findings to `.nhi-stewardignore`, by
 * the published fingerprints the issue lists (keyed, never a plain hash of the secret). The entries
 * are read from the issue as GitHub holds it, which nhi-steward itself wrote (isOwnIssue).
 */
async function runIgnoreCommand(ctx: CommandContext, command: Extract<Command, { kind: 'ignore' }>): Promise<void> {
  const entries = ctx.pull ? [] : ignoreEntriesOfIssue(ctx.issue.body);
  if (entries.length === 0) {
    await react(ctx, 'confused');
    await reply(ctx, `\`ignore\` accepts the findings of an nhi-steward issue about embedded secrets; this ${ctx.pull ? 'pull request' : 'issue'} lists none. Nothing was changed.`);
    return;
  }
  const reason = `${command.reason} (accepted by @${ctx.comment.author} in #${ctx.issue.number})`;
  const edit = (current: string): string => {
    const present = new Set(current.split(/\r?\n/).map((line) => line.trim().split(/\s+/)[0]?.toLowerCase()));
    const added = entries.filter((e) => !present.has(e.fingerprint)).map((e) => ignoreLine(e.fingerprint, `${e.rule}${command.expires ? ` expires=${command.expires}` : ''}`, reason));
    if (added.length === 0) return current;
    const next = `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${added.join('\n')}\n`;
    readIgnoreFile(next, IGNORE_FILE, new Date(0)); // throws, naming the line, if the result would not load
    return next;
  };
  const what = `accept ${entries.length} finding${entries.length === 1 ? '' : 's'} of #${ctx.issue.number} in ${IGNORE_FILE}${command.expires ? ` until ${command.expires}` : ''}`;
  let pull;
  try {
    pull = await openOwnersPullRequest(ctx.client, ctx.repo, ctx.defaultBranch, {
      path: IGNORE_FILE,
      edit,
      issueNumber: ctx.issue.number,
      title: `nhi-steward: ${what}`,
      body: `Requested by @${ctx.comment.author} in #${ctx.issue.number}: ${markdownText(command.reason)}.\n\nThis adds ${entries.length} line${entries.length === 1 ? '' : 's'} to ${code(IGNORE_FILE)}, each naming a finding by its published fingerprint (keyed: it does not reveal the secret). Once it is merged, the next scan of ${code(ctx.defaultBranch)} stops reporting them and closes #${ctx.issue.number}. Revoke the credential anyway if it was ever real.`,
      commitMessage: `nhi-steward: ${what}\n\nRefs #${ctx.issue.number}`,
      change: markdownText(what),
    });
  } catch (error) {
    await react(ctx, 'confused');
    await reply(ctx, `I could not edit ${code(IGNORE_FILE)} on ${code(ctx.defaultBranch)}: ${markdownText((error as Error).message.split('\n')[0])}. Nothing was changed.`);
    return;
  }
  await react(ctx, '+1');
  await reply(ctx, pull ? `${pull.updated ? 'Updated' : 'Opened'} #${pull.number} to ${markdownText(what)}: ${pull.htmlUrl}` : `${code(IGNORE_FILE)} already accepts these findings: nothing to change.`);
}

/**
 * A command on a pull request: `owner` names the owner of every NHI the PR's check found unowned,
 * `rotation`/`exempt` apply to every credential it found without rotation; one owners-file PR
 * records them (the same permission check ran first). Once that PR is merged, the owners-file
 * change re-checks this PR.
 */
async function runPullCommand(ctx: CommandContext, gaps: PullGaps, command: Exclude<Command, { kind: 'invalid' } | { kind: 'rescan' } | { kind: 'ignore' }>): Promise<void> {
  const targets = command.kind === 'owner' ? gaps.unowned : gaps.noRotation;
  if (targets.length === 0) {
    await react(ctx, 'confused');
    const what = command.kind === 'owner' ? 'non-human identity without an owner' : 'credential without a rotation policy';
    await reply(ctx, `The check of this pull request found no ${what}, so there is nothing to record in \`${ctx.ownersPath}\`.`);
    return;
  }
  const edits: OwnersEdit[] = [...new Map(targets.map((t) => [t.identityId, t])).values()].map((t) => ({ ...toEdit(command, t.identityId), file: t.file }));
  const summary = edits.length === 1 ? describe(edits[0]) : `${describe(edits[0]).replace(edits[0].identityId, `${edits.length} identities`)}`;
  const list = edits.map((e) => `- ${code(e.identityId)}`).join('\n');
  const pull = await openOwnersPullRequest(ctx.client, ctx.repo, ctx.defaultBranch, {
    path: ctx.ownersPath,
    edit: (content) => edits.reduce((text, edit) => ctx.applyEdit(text, edit), content),
    issueNumber: ctx.issue.number,
    title: `nhi-steward: ${summary}`,
    body: `Requested by @${ctx.comment.author} in #${ctx.issue.number}, for the identities its check found:\n\n${list}\n\nThis edits \`${ctx.ownersPath}\` only, keeping every existing line and comment. Once it is merged, #${ctx.issue.number} is checked again.`,
    commitMessage: `nhi-steward: ${summary}\n\nRefs #${ctx.issue.number}`,
  });
  await react(ctx, '+1');
  await reply(ctx, pull ? `Opened #${pull.number} to ${summary}:\n\n${list}\n\n${pull.htmlUrl}` : `\`${ctx.ownersPath}\` already says that: nothing to change.`);
}

function toEdit(command: Exclude<Command, { kind: 'invalid' } | { kind: 'rescan' } | { kind: 'ignore' }>, identityId: string): OwnersEdit {
  switch (command.kind) {
    case 'owner':
      return { kind: 'owner', identityId, owner: command.owner };
    case 'rotation':
      return { kind: 'rotation', identityId, rotation: command.rotation };
    case 'exempt':
      return { kind: 'exempt', identityId, justification: command.justification, reviewBy: command.reviewBy };
  }
}

/** What an edit does, in plain text (titles, commit messages) or with every value escaped (Markdown). */
function describe(edit: OwnersEdit, markdown = false): string {
  const v = (value: string) => (markdown ? code(value) : value);
  switch (edit.kind) {
    case 'owner':
      return `set the owner of ${v(edit.identityId)} to ${v(edit.owner)}`;
    case 'rotation':
      return `set the rotation of ${v(edit.identityId)} to ${v(edit.rotation)}`;
    case 'exempt':
      return `exempt ${v(edit.identityId)} from rotation until ${v(edit.reviewBy)}`;
  }
}

async function react(ctx: CommandContext, content: Reaction): Promise<void> {
  await ctx.client.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { ...ctx.repo, comment_id: ctx.comment.id, content });
}

async function reply(ctx: CommandContext, body: string): Promise<void> {
  await createComment(ctx.client, ctx.repo, ctx.issue.number, body);
}
