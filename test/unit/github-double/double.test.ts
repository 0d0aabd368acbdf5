import { afterEach, describe, expect, test } from 'vitest';
import { ProbotOctokit } from 'probot';
import { SECONDARY_RATE_LIMIT_MESSAGE, startGitHubDouble, type GitHubDouble, type Seed } from '../../support/github-double/index.js';
import { ResponseValidator } from '../../support/github-double/openapi.js';

let double: GitHubDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function start(seed: Seed = { repos: [{ repo: 'acme/api', files: { 'app.env': 'A=1\nB=2\nC=3\n' } }] }) {
  double = await startGitHubDouble({ seed });
  return double;
}

function octokit(d: GitHubDouble, token = 'ghs_test', extra: Record<string, unknown> = {}) {
  return new ProbotOctokit({ auth: { token }, baseUrl: d.url, throttle: { enabled: false }, retry: { enabled: false }, ...extra } as any);
}

async function call(d: GitHubDouble, method: string, path: string, body?: unknown, auth: string | null = 'token t') {
  const res = await fetch(`${d.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as any) : undefined };
}

describe('contract validation', () => {
  test.each([
    ['unknown route', 'GET', '/repos/acme/api/not-a-thing', undefined, 404, 'no such route'],
    ['wrong method', 'DELETE', '/repos/acme/api/check-runs', undefined, 404, 'wrong method DELETE; this path takes POST'],
    ['non-integer path param', 'GET', '/repos/acme/api/issues/abc', undefined, 422, 'issue_number must be integer'],
    ['bad enum in query', 'GET', '/repos/acme/api/issues?state=bogus', undefined, 422, 'state must be equal to one of the allowed values'],
    ['wrong body type', 'POST', '/repos/acme/api/issues', { title: 'x', labels: 'not-an-array' }, 422, '/labels must be array'],
    ['typo in a body key', 'PATCH', '/repos/acme/api/issues/1', { stat: 'closed' }, 422, 'Unknown body properties for issues/update: stat'],
    ['body on a bodiless operation', 'DELETE', '/repos/acme/api/git/refs/heads%2Fmain', { x: 1 }, 422, 'takes no request body'],
    ['typo in a query key', 'GET', '/repos/acme/api/issues?stat=open', undefined, 422, 'Unknown query parameters for issues/list-for-repo: stat'],
    [
      'typo in a nested body key',
      'PATCH',
      '/repos/acme/api/check-runs/1',
      { output: { title: 't', summary: 's', annotations: [{ path: 'a', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'm', start_col: 1 }] } },
      422,
      'Unknown body properties for checks/update: output.annotations[0].start_col',
    ],
  ])('%s is refused and recorded as a violation', async (_label, method, path, body, status, message) => {
    const d = await start();
    const res = await call(d, method, path, body);
    expect(res.status).toBe(status);
    expect(d.violations).toHaveLength(1);
    expect(d.violations[0].message).toContain(message);
  });

  test('auth rules: none → 401; JWT on an installation route and a token on an App route are violations', async () => {
    const d = await start();
    expect((await call(d, 'GET', '/repos/acme/api', undefined, null)).status).toBe(401);
    expect((await call(d, 'GET', '/repos/acme/api', undefined, 'Bearer aaa.bbb.ccc')).status).toBe(401);
    expect((await call(d, 'GET', '/app', undefined, 'token ghp_x')).status).toBe(401);
    expect(d.violations.map((v) => v.message)).toEqual([
      'Requires authentication',
      "repos/get needs an installation token, not the App's JWT",
      "apps/get-authenticated must be called with the App's JWT",
    ]);
  });

  test('records every request without the authorization header, with the token kind', async () => {
    const d = await start();
    const jwt = 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9.sig';
    const minted = await call(d, 'POST', `/app/installations/${d.state.repo('acme/api').installationId}/access_tokens`, undefined, jwt);
    expect(minted.status).toBe(201);
    expect(minted.json.token).toMatch(/^ghs_[0-9A-Za-z]{36}$/);
    await call(d, 'POST', '/repos/acme/api/issues', { title: 't', body: 'b' }, `token ${minted.json.token}`);
    const [tokenReq, issueReq] = d.requests;
    expect(tokenReq).toMatchObject({ operationId: 'apps/create-installation-access-token', auth: { kind: 'jwt', scheme: 'bearer' }, status: 201 });
    expect(issueReq).toMatchObject({ operationId: 'issues/create', body: { title: 't', body: 'b' }, auth: { kind: 'installation' }, status: 201 });
    expect(issueReq.headers.authorization).toBeUndefined();
    expect(d.state.repo('acme/api').issues.get(1)!.user).toBe('nhi-steward[bot]');
    d.assertNoViolations();
  });
});

describe('responses are validated too', () => {
  test('a misspelt or mistyped field in an answer of the double is a violation; missing required fields are filled from the spec', async () => {
    const d = await start();
    const sha = d.state.repo('acme/api').git.refs.get('refs/heads/main')!;
    const created = await call(d, 'POST', '/repos/acme/api/check-runs', { name: 'NHI hygiene', head_sha: sha });
    expect(d.violations).toEqual([]);
    // Filled from the spec: fields the double does not model are present, with the right types.
    expect(created.json).toHaveProperty('check_suite');
    expect(typeof created.json.url).toBe('string');
    const validator = new ResponseValidator(['checks/get']);
    const good = validator.check('checks/get', 200, created.json);
    expect(good.problems).toEqual([]);
    expect(validator.check('checks/get', 200, { ...created.json, hed_sha: sha }).problems).toEqual(['unknown response field hed_sha']);
    expect(validator.check('checks/get', 200, { ...created.json, id: 'seven' }).problems.join('\n')).toContain('/id must be integer');
  });
});

describe('git data and pulls', () => {
  test('a bot builds a branch + commit with the Git Data API, opens a PR, and the files show patches', async () => {
    const d = await start({
      repos: [{ repo: 'acme/api', files: { '.github/nhi-owners.yml': 'identities:\n  - match: a\n    owner: "@x"\n', 'keep.txt': 'k\n' }, collaborators: { alice: 'write' } }],
      orgs: { acme: { members: ['alice'], teams: { payments: ['alice'] } } },
    });
    const o = octokit(d);
    const q = { owner: 'acme', repo: 'api' };
    const main = await o.rest.git.getRef({ ...q, ref: 'heads/main' });
    const baseCommit = await o.rest.git.getCommit({ ...q, commit_sha: main.data.object.sha });
    const blob = await o.rest.git.createBlob({ ...q, content: 'identities:\n  - match: a\n    owner: "@y"\n', encoding: 'utf-8' });
    const tree = await o.rest.git.createTree({ ...q, base_tree: baseCommit.data.tree.sha, tree: [{ path: '.github/nhi-owners.yml', mode: '100644', type: 'blob', sha: blob.data.sha }] });
    const commit = await o.rest.git.createCommit({ ...q, message: 'owners: @y', tree: tree.data.sha, parents: [main.data.object.sha] });
    await o.rest.git.createRef({ ...q, ref: 'refs/heads/nhi-steward/owner', sha: commit.data.sha });
    await expect(o.rest.git.createRef({ ...q, ref: 'refs/heads/nhi-steward/owner', sha: commit.data.sha })).rejects.toMatchObject({ status: 422 });
    const pr = await o.rest.pulls.create({ ...q, title: 'Set owner', head: 'nhi-steward/owner', base: 'main', body: 'Fixes #1' });
    const files = await o.rest.pulls.listFiles({ ...q, pull_number: pr.data.number });
    expect(files.data).toEqual([
      expect.objectContaining({
        filename: '.github/nhi-owners.yml',
        status: 'modified',
        additions: 1,
        deletions: 1,
        patch: '@@ -1,3 +1,3 @@\n identities:\n   - match: a\n-    owner: "@x"\n+    owner: "@y"',
      }),
    ]);
    const full = await o.rest.git.getTree({ ...q, tree_sha: commit.data.sha, recursive: '1' });
    expect(full.data.tree.map((e) => e.path)).toEqual(['.github', '.github/nhi-owners.yml', 'keep.txt']);
    // A non-fast-forward update is refused unless forced, as on GitHub.
    const orphan = await o.rest.git.createCommit({ ...q, message: 'orphan', tree: tree.data.sha, parents: [] });
    await expect(o.rest.git.updateRef({ ...q, ref: 'heads/main', sha: orphan.data.sha })).rejects.toMatchObject({ status: 422 });
    await o.rest.git.updateRef({ ...q, ref: 'heads/main', sha: commit.data.sha });
    expect((await o.rest.repos.getCommit({ ...q, ref: 'main' })).data.sha).toBe(commit.data.sha);
    // As on GitHub, one reviewer who is not a collaborator (or a team not in the org) refuses the whole request.
    await expect(o.rest.pulls.requestReviewers({ ...q, pull_number: pr.data.number, reviewers: ['alice', 'departed'] })).rejects.toMatchObject({ status: 422 });
    await expect(o.rest.pulls.requestReviewers({ ...q, pull_number: pr.data.number, team_reviewers: ['ghosts'] })).rejects.toMatchObject({ status: 422 });
    await o.rest.pulls.requestReviewers({ ...q, pull_number: pr.data.number, reviewers: ['alice'], team_reviewers: ['payments'] });
    expect(d.state.repo('acme/api').issues.get(pr.data.number)!.pull).toMatchObject({ requestedReviewers: ['alice'], requestedTeams: ['payments'] });
    d.assertNoViolations();
  });

  test('blob shas are real git object ids', async () => {
    const d = await start({ repos: [{ repo: 'acme/api', files: { 'hello.txt': 'hello\n' } }] });
    const tree = await octokit(d).rest.git.getTree({ owner: 'acme', repo: 'api', tree_sha: 'main' });
    // `printf 'hello\n' | git hash-object --stdin`
    expect(tree.data.tree[0]).toMatchObject({ path: 'hello.txt', sha: 'ce013625030ba8dba906f756967f9e9ca394464a', size: 6 });
  });

  test('pull files paginate with Link headers up to per_page 100', async () => {
    const d = await start();
    const files = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`f/${String(i).padStart(3, '0')}.txt`, `${i}\n`]));
    d.state.push('acme/api', { branch: 'many', files });
    const pr = d.state.openPull('acme/api', { head: 'many', title: 'many files' });
    const first = await call(d, 'GET', `/repos/acme/api/pulls/${pr.number}/files?per_page=100`);
    expect(first.json).toHaveLength(100);
    expect(first.headers.get('link')).toMatch(/<[^>]*[?&]page=2[^>]*>; rel="next"/);
    const all = await octokit(d).paginate(octokit(d).rest.pulls.listFiles, { owner: 'acme', repo: 'api', pull_number: pr.number, per_page: 100 });
    expect(all).toHaveLength(130);
    expect(all[0]).toMatchObject({ filename: 'f/000.txt', status: 'added', patch: '@@ -0,0 +1 @@\n+0' });
    d.assertNoViolations();
  });

  test('a simulated merge + push moves the default branch', async () => {
    const d = await start();
    d.state.push('acme/api', { branch: 'feat', files: { 'app.env': 'A=1\nB=9\nC=3\n' } });
    const pr = d.state.openPull('acme/api', { head: 'feat', title: 'feat' });
    const merge = d.state.mergePull('acme/api', pr.number);
    const commit = await call(d, 'GET', '/repos/acme/api/commits/main');
    expect(commit.json.sha).toBe(merge);
    expect(commit.json.parents).toHaveLength(2);
    const content = await call(d, 'GET', '/repos/acme/api/contents/app.env?ref=main');
    expect(Buffer.from(content.json.content, 'base64').toString()).toBe('A=1\nB=9\nC=3\n');
  });
});

describe('check runs', () => {
  test('enforces the Checks API limits and appends annotations across updates', async () => {
    const d = await start();
    const sha = d.state.repo('acme/api').git.refs.get('refs/heads/main')!;
    const ann = (n: number) => Array.from({ length: n }, (_, i) => ({ path: 'app.env', start_line: i + 1, end_line: i + 1, annotation_level: 'warning', message: `m${i}` }));
    const created = await call(d, 'POST', '/repos/acme/api/check-runs', { name: 'NHI hygiene', head_sha: sha, status: 'in_progress', output: { title: 't', summary: 's', annotations: ann(50) } });
    expect(created.status).toBe(201);
    const id = created.json.id;
    expect((await call(d, 'PATCH', `/repos/acme/api/check-runs/${id}`, { output: { title: 't', summary: 's', annotations: ann(51) } })).status).toBe(422);
    expect((await call(d, 'PATCH', `/repos/acme/api/check-runs/${id}`, { output: { title: 't', summary: 'x'.repeat(65536) } })).status).toBe(422);
    expect((await call(d, 'PATCH', `/repos/acme/api/check-runs/${id}`, { status: 'completed' })).status).toBe(422);
    // Limits are bytes, as on GitHub: 40,000 'é' are 40,000 characters but 80,000 bytes.
    expect((await call(d, 'PATCH', `/repos/acme/api/check-runs/${id}`, { output: { title: 't', summary: 'é'.repeat(40_000) } })).status).toBe(422);
    expect((await call(d, 'PATCH', `/repos/acme/api/check-runs/${id}`, { output: { title: 'x'.repeat(256), summary: 's' } })).status).toBe(422);
    const multiLine = { path: 'app.env', start_line: 1, end_line: 2, start_column: 1, end_column: 4, annotation_level: 'warning', message: 'm' };
    expect((await call(d, 'PATCH', `/repos/acme/api/check-runs/${id}`, { output: { title: 't', summary: 's', annotations: [multiLine] } })).status).toBe(422);
    const issue = await call(d, 'POST', '/repos/acme/api/issues', { title: 't', body: 'é'.repeat(32_769) });
    expect(issue.status).toBe(422);
    const done = await call(d, 'PATCH', `/repos/acme/api/check-runs/${id}`, { conclusion: 'failure', output: { title: 't', summary: 's', annotations: ann(7) } });
    expect(done.json).toMatchObject({ status: 'completed', conclusion: 'failure', output: { annotations_count: 57 } });
    expect(d.state.repo('acme/api').checkRuns.get(id)!.annotationBatches).toEqual([50, 7]);
    const list = await call(d, 'GET', '/repos/acme/api/commits/main/check-runs');
    expect(list.json).toMatchObject({ total_count: 1, check_runs: [{ id, conclusion: 'failure' }] });
  });
});

describe('issues', () => {
  test('close as completed, reopen, filter by label/state/creator, comment, react', async () => {
    const d = await start();
    const o = octokit(d);
    const q = { owner: 'acme', repo: 'api' };
    const a = await o.rest.issues.create({ ...q, title: 'A', body: '<!-- nhi-steward:fp=abc -->', labels: ['nhi-steward'] });
    await o.rest.issues.create({ ...q, title: 'B', labels: ['other'] });
    await o.rest.issues.update({ ...q, issue_number: a.data.number, state: 'closed', state_reason: 'completed' });
    expect(await o.paginate(o.rest.issues.listForRepo, { ...q, labels: 'nhi-steward' })).toHaveLength(0);
    const closed = await o.paginate(o.rest.issues.listForRepo, { ...q, labels: 'nhi-steward', state: 'closed', creator: 'github-actions[bot]' });
    expect(closed).toMatchObject([{ title: 'A', state: 'closed', state_reason: 'completed' }]);
    expect(await o.paginate(o.rest.issues.listForRepo, { ...q, state: 'all', creator: 'someone-else' })).toHaveLength(0);
    const reopened = await o.rest.issues.update({ ...q, issue_number: a.data.number, state: 'open' });
    expect(reopened.data).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null });

    const comment = await o.rest.issues.createComment({ ...q, issue_number: a.data.number, body: '/nhi-steward rotation 90d' });
    await o.rest.issues.updateComment({ ...q, comment_id: comment.data.id, body: 'edited' });
    expect((await o.rest.issues.listComments({ ...q, issue_number: a.data.number })).data.map((c) => c.body)).toEqual(['edited']);
    await o.rest.reactions.createForIssueComment({ ...q, comment_id: comment.data.id, content: '+1' });
    await o.rest.reactions.createForIssue({ ...q, issue_number: a.data.number, content: 'eyes' });
    expect(d.state.repo('acme/api').reactions.map((r) => [r.subject, r.content])).toEqual([['comment', '+1'], ['issue', 'eyes']]);
    d.assertNoViolations();
  });

  test('at most 3 pinned issues per repository, as on GitHub', async () => {
    const d = await start();
    const o = octokit(d);
    const q = { owner: 'acme', repo: 'api' };
    const ids: string[] = [];
    for (const title of ['a', 'b', 'c', 'd']) ids.push((await o.rest.issues.create({ ...q, title })).data.node_id);
    const pin = (id: string) => call(d, 'POST', '/graphql', { query: 'mutation($id: ID!) { pinIssue(input: {issueId: $id}) { issue { number } } }', variables: { id } });
    for (const id of ids.slice(0, 3)) expect((await pin(id)).json.errors).toBeUndefined();
    const fourth = await pin(ids[3]);
    expect(fourth.json.errors[0].message).toContain('at most 3 pinned issues');
    expect([...d.state.repo('acme/api').issues.values()].filter((i) => i.pinned)).toHaveLength(3);
  });

  test.each([
    ['an unknown field', 'mutation($id: ID!) { pinIssue(input: {issueId: $id}) { issue { numbr } } }', { id: 'I_1' }, 'Cannot query field "numbr" on type "Issue"'],
    ['an unknown input key', 'mutation($id: ID!) { pinIssue(input: {issueId: $id, pinned: true}) { issue { number } } }', { id: 'I_1' }, 'Field "pinned" is not defined by type "PinIssueInput"'],
    ['an unknown argument', 'mutation($id: ID!) { pinIssue(input: {issueId: $id}, force: true) { issue { number } } }', { id: 'I_1' }, 'Unknown argument "force" on field "Mutation.pinIssue"'],
    ['a misspelt mutation', 'mutation($id: ID!) { pinIsue(input: {issueId: $id}) { issue { number } } }', { id: 'I_1' }, 'Cannot query field "pinIsue" on type "Mutation"'],
    ['a missing variable', 'mutation($id: ID!) { pinIssue(input: {issueId: $id}) { issue { number } } }', {}, 'Variable "$id" of required type "ID!" was not provided'],
    ['a syntax error', 'mutation($id: ID!) { pinIssue(input: {issueId: $id}) { issue { number } }', { id: 'I_1' }, 'Syntax Error'],
  ])("a GraphQL document GitHub's schema refuses (%s) is answered with errors and is a violation", async (_name, query, variables, message) => {
    const d = await start();
    const issue = d.state.createIssue(d.state.repo('acme/api'), { title: 'a', body: null, user: 'octocat' });
    const res = await call(d, 'POST', '/graphql', { query, variables });
    expect(res.status).toBe(200);
    expect(res.json.errors[0].message).toContain(message);
    expect(res.json.data).toBeUndefined();
    expect(d.violations.map((v) => v.message).join('\n')).toContain(message);
    expect(issue.pinned).toBe(false);
  });

  test('a valid pin answers what the selection asks for, under its alias', async () => {
    const d = await start();
    const o = octokit(d);
    const { data } = await o.rest.issues.create({ owner: 'acme', repo: 'api', title: 'a' });
    const res = await o.graphql<any>('mutation Pin($id: ID!) { pinned: pinIssue(input: {issueId: $id}) { issue { number isPinned } } }', { id: data.node_id });
    expect(res).toEqual({ pinned: { issue: { number: data.number, isPinned: true } } });
    d.assertNoViolations();
  });

  test('unsupported GraphQL is a violation', async () => {
    const d = await start();
    const res = await call(d, 'POST', '/graphql', { query: '{ viewer { login } }' });
    expect(res.json.errors[0].message).toMatch(/pinIssue/);
    expect(d.violations[0].message).toMatch(/unsupported GraphQL/);
  });
});

describe('people and apps', () => {
  test('collaborator permission, org membership and team membership', async () => {
    const d = await start({
      repos: [{ repo: 'acme/api', collaborators: { alice: 'maintain', bob: 'read' } }],
      orgs: { acme: { members: ['alice', 'bob'], teams: { payments: { alice: 'maintainer' } } } },
    });
    expect((await call(d, 'GET', '/repos/acme/api/collaborators/alice/permission')).json).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect((await call(d, 'GET', '/repos/acme/api/collaborators/mallory/permission')).json).toMatchObject({ permission: 'none' });
    expect((await call(d, 'GET', '/orgs/acme/members/bob')).status).toBe(204);
    d.state.removeOrgMember('acme', 'bob');
    expect((await call(d, 'GET', '/orgs/acme/members/bob')).status).toBe(404);
    expect((await call(d, 'GET', '/orgs/acme/teams/payments/memberships/alice')).json).toMatchObject({ role: 'maintainer', state: 'active' });
    expect((await call(d, 'GET', '/orgs/acme/teams/payments/memberships/bob')).status).toBe(404);
    expect((await call(d, 'GET', '/orgs/acme/members')).json.map((u: { login: string }) => u.login)).toEqual(['alice']);
    d.assertNoViolations();
  });

  test('installation repositories need the installation token', async () => {
    const d = await start({ repos: [{ repo: 'acme/api' }, { repo: 'acme/web' }, { repo: 'other/x' }] });
    const inst = d.state.repo('acme/api').installationId;
    const jwt = 'Bearer eyJ0.eyJ1.c2ln';
    expect((await call(d, 'GET', '/repos/acme/web/installation', undefined, jwt)).json.id).toBe(inst);
    const { json } = await call(d, 'POST', `/app/installations/${inst}/access_tokens`, {}, jwt);
    const repos = await call(d, 'GET', '/installation/repositories?per_page=1', undefined, `token ${json.token}`);
    expect(repos.json).toMatchObject({ total_count: 2, repositories: [{ full_name: 'acme/api' }] });
    expect(repos.headers.get('link')).toContain('rel="next"');
    d.assertNoViolations();
  });
});

describe('faults', () => {
  test('a 500 fault fails the matching request once, before any state change', async () => {
    const d = await start();
    const fault = d.inject({ method: 'POST', path: '/repos/{owner}/{repo}/issues', status: 500 });
    expect((await call(d, 'POST', '/repos/acme/api/issues', { title: 'x' })).status).toBe(500);
    expect(d.state.repo('acme/api').issues.size).toBe(0);
    expect((await call(d, 'POST', '/repos/acme/api/issues', { title: 'x' })).status).toBe(201);
    expect(fault).toMatchObject({ hits: 1, remaining: 0 });
  });

  test('secondary rate limit carries the documented message and retry-after; Octokit throttling retries it', async () => {
    const d = await start();
    d.inject({ path: /\/issues$/, status: 403, retryAfter: 0 });
    const raw = await call(d, 'GET', '/repos/acme/api/issues');
    expect(raw.status).toBe(403);
    expect(raw.json.message).toBe(SECONDARY_RATE_LIMIT_MESSAGE);
    expect(raw.headers.get('retry-after')).toBe('0');

    d.inject({ path: '/repos/{owner}/{repo}/issues', status: 429, retryAfter: 0 });
    let retried = 0;
    const o = octokit(d, 'ghs_t', {
      throttle: { onSecondaryRateLimit: () => (retried++, true), onRateLimit: () => true, fallbackSecondaryRateRetryAfter: 0 },
    });
    const res = await o.rest.issues.listForRepo({ owner: 'acme', repo: 'api' });
    expect(res.status).toBe(200);
    expect(retried).toBe(1);
  });

  test('a primary rate limit sets x-ratelimit-remaining 0; delay-only faults slow the response', async () => {
    const d = await start();
    d.inject({ status: 403, rateLimit: 'primary', retryAfter: 30 });
    const limited = await call(d, 'GET', '/repos/acme/api');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    d.inject({ delayMs: 200 });
    const t0 = Date.now();
    expect((await call(d, 'GET', '/repos/acme/api')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });
});
