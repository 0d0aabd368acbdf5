/** App endpoints Probot needs (JWT-authenticated), org members and teams. */
import { randomBytes } from 'node:crypto';
import { HttpError, notFound, ok, paginate, repoOf, type Ctx, type Handler } from '../http.js';
import { nodeId, repoShape, userShape } from '../shapes.js';
import type { InstallationState } from '../state.js';

const TOKEN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A `ghs_` installation token: 36 random base62 characters, as GitHub issues them. */
function installationToken(): string {
  return `ghs_${[...randomBytes(36)].map((b) => TOKEN_ALPHABET[b % 62]).join('')}`;
}

function installationShape(ctx: Ctx, i: InstallationState) {
  return {
    id: i.id,
    account: { ...userShape(ctx.baseUrl, i.account), type: i.accountType },
    app_id: ctx.state.app.id,
    app_slug: ctx.state.app.slug,
    target_id: 1,
    target_type: i.accountType,
    repository_selection: 'selected',
    access_tokens_url: `${ctx.baseUrl}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${ctx.baseUrl}/installation/repositories`,
    html_url: `${ctx.baseUrl}/organizations/${i.account}/settings/installations/${i.id}`,
    permissions: { checks: 'write', contents: 'write', issues: 'write', pull_requests: 'write', metadata: 'read', members: 'read' },
    events: ['pull_request', 'push', 'issue_comment', 'issues', 'organization'],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    single_file_name: null,
    suspended_at: null,
    suspended_by: null,
  };
}

function orgInstallation(ctx: Ctx, account: string) {
  const inst = [...ctx.state.installations.values()].find((i) => i.account.toLowerCase() === account.toLowerCase());
  return ok(installationShape(ctx, inst ?? notFound()));
}

export const appRoutes: Record<string, Handler> = {
  // Installation and workflow tokens (the only kinds the double issues) cannot read a user: GitHub answers 403.
  'users/get-authenticated': () => {
    throw new HttpError(403, 'Resource not accessible by integration');
  },
  'apps/get-authenticated': (ctx) =>
    ok({
      id: ctx.state.app.id,
      slug: ctx.state.app.slug,
      node_id: nodeId('App', ctx.state.app.id),
      name: ctx.state.app.name,
      owner: userShape(ctx.baseUrl, 'nhi-steward-dev'),
      description: '',
      external_url: ctx.baseUrl,
      html_url: `${ctx.baseUrl}/apps/${ctx.state.app.slug}`,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      permissions: { checks: 'write', contents: 'write', issues: 'write', pull_requests: 'write', metadata: 'read', members: 'read' },
      events: ['pull_request', 'push', 'issue_comment'],
      installations_count: ctx.state.installations.size,
    }),
  'apps/list-installations': (ctx) => paginate(ctx, [...ctx.state.installations.values()].map((i) => installationShape(ctx, i))),
  'apps/get-installation': (ctx) => ok(installationShape(ctx, ctx.state.installations.get(Number(ctx.params.installation_id)) ?? notFound())),
  'apps/get-repo-installation': (ctx) => ok(installationShape(ctx, ctx.state.installations.get(repoOf(ctx).installationId) ?? notFound())),
  'apps/get-org-installation': (ctx) => orgInstallation(ctx, ctx.params.org),
  'apps/get-user-installation': (ctx) => orgInstallation(ctx, ctx.params.username),
  'apps/create-installation-access-token': (ctx) => {
    const inst = ctx.state.installations.get(Number(ctx.params.installation_id)) ?? notFound();
    const token = installationToken();
    ctx.state.tokens.set(token, inst.id);
    const expires = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    return ok({ token, expires_at: expires, permissions: installationShape(ctx, inst).permissions, repository_selection: 'selected' }, 201);
  },
  'apps/list-repos-accessible-to-installation': (ctx) => {
    if (ctx.installationId === undefined) throw new HttpError(403, 'This endpoint requires an installation access token');
    const repos = [...ctx.state.repos.values()].filter((r) => r.installationId === ctx.installationId);
    return paginate(ctx, repos, (page) => ({ total_count: repos.length, repository_selection: 'selected', repositories: page.map((r) => repoShape(ctx.baseUrl, ctx.state, r)) }));
  },
  'orgs/check-membership-for-user': (ctx) => {
    const org = ctx.state.orgs.get(ctx.params.org.toLowerCase());
    return org?.members.has(ctx.params.username) ? { status: 204 } : notFound();
  },
  'orgs/list-members': (ctx) => {
    const org = ctx.state.orgs.get(ctx.params.org.toLowerCase()) ?? notFound();
    return paginate(ctx, [...org.members].sort().map((m) => userShape(ctx.baseUrl, m)));
  },
  'teams/get-membership-for-user-in-org': (ctx) => {
    const team = ctx.state.orgs.get(ctx.params.org.toLowerCase())?.teams.get(ctx.params.team_slug);
    const role = team?.get(ctx.params.username) ?? notFound();
    return ok({ url: `${ctx.baseUrl}/orgs/${ctx.params.org}/teams/${ctx.params.team_slug}/memberships/${ctx.params.username}`, role, state: 'active' });
  },
};
