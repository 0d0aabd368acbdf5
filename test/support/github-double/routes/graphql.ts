/**
 * Pinning an issue exists only in GraphQL (`pinIssue` / `unpinIssue`). The double understands
 * just those mutations; anything else is a violation, so a new GraphQL use shows up in tests.
 */
import type { Ctx } from '../http.js';
import { issueShape } from '../shapes.js';
import type { IssueState, RepoState } from '../state.js';

export interface GraphqlResult {
  ok: boolean;
  body: unknown;
  message?: string;
}

/** Pinned issues per repository (GitHub's limit). */
export const PIN_LIMIT = 3;

const MUTATIONS = {
  pinIssue: true,
  unpinIssue: false,
} as const;

function findIssueByNodeId(ctx: Ctx, id: string): { repo: RepoState; issue: IssueState } | undefined {
  for (const repo of ctx.state.repos.values()) {
    for (const issue of repo.issues.values()) {
      if (issueShape(ctx.baseUrl, repo, issue).node_id === id) return { repo, issue };
    }
  }
  return undefined;
}

export function handleGraphql(ctx: Ctx): GraphqlResult {
  const query = String(ctx.body?.query ?? '');
  const variables = (ctx.body?.variables ?? {}) as Record<string, unknown>;
  const name = (Object.keys(MUTATIONS) as Array<keyof typeof MUTATIONS>).find((m) => new RegExp(`\\b${m}\\s*\\(`).test(query));
  if (!/^\s*mutation\b/.test(query) || !name) {
    return { ok: false, body: { errors: [{ message: 'github-double supports only the pinIssue/unpinIssue mutations' }] }, message: `unsupported GraphQL operation: ${query.slice(0, 80)}` };
  }
  // The issue id comes either inline (`issueId: "I_..."`) or from a variable.
  const inline = /issueId\s*:\s*"([^"]+)"/.exec(query)?.[1];
  const varName = /issueId\s*:\s*\$(\w+)/.exec(query)?.[1];
  const issueId = inline ?? (varName ? String(variables[varName] ?? '') : '');
  const found = findIssueByNodeId(ctx, issueId);
  if (!found) {
    return { ok: true, body: { data: { [name]: null }, errors: [{ type: 'NOT_FOUND', path: [name], message: `Could not resolve to a node with the global id of '${issueId}'.` }] } };
  }
  // GitHub pins at most 3 issues per repository; a fourth pin is refused.
  const pinned = [...found.repo.issues.values()].filter((i) => i.pinned && i !== found.issue).length;
  if (name === 'pinIssue' && !found.issue.pinned && pinned >= PIN_LIMIT) {
    return { ok: true, body: { data: { pinIssue: null }, errors: [{ type: 'UNPROCESSABLE', path: ['pinIssue'], message: `A repository can have at most ${PIN_LIMIT} pinned issues.` }] } };
  }
  found.issue.pinned = MUTATIONS[name];
  ctx.state.graphql.push({ name, variables: { issueId } });
  return { ok: true, body: { data: { [name]: { issue: { id: issueId, number: found.issue.number, title: found.issue.title, isPinned: found.issue.pinned } } } } };
}
