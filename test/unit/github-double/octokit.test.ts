import { afterEach, describe, expect, test } from 'vitest';
import { ProbotOctokit } from 'probot';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';

/** The double as Probot's own Octokit (paginate, config plugin, graphql) sees it. */
let double: GitHubDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

function octokit(d: GitHubDouble) {
  return new ProbotOctokit({ auth: { token: 'ghs_test' }, baseUrl: d.url, throttle: { enabled: false }, retry: { enabled: false } } as any);
}

describe('github-double through ProbotOctokit', () => {
  test('serves repos, raw config, refs, check runs, issues, GraphQL pin and the tarball redirect', async () => {
    double = await startGitHubDouble({
      seed: { repos: [{ repo: 'acme/api', files: { 'a.txt': 'hello\n', '.github/nhi-steward.yml': 'fail-on: warning\n' } }] },
    });
    const o = octokit(double);
    expect((await o.rest.repos.get({ owner: 'acme', repo: 'api' })).data.default_branch).toBe('main');
    const c = await o.rest.repos.getContent({ owner: 'acme', repo: 'api', path: 'a.txt' });
    expect(Buffer.from((c.data as { content: string }).content, 'base64').toString()).toBe('hello\n');

    const cfg = await (o as any).config.get({ owner: 'acme', repo: 'api', path: '.github/nhi-steward.yml' });
    expect(cfg.config).toEqual({ 'fail-on': 'warning' });

    const ref = await o.rest.git.getRef({ owner: 'acme', repo: 'api', ref: 'heads/main' });
    const run = await o.rest.checks.create({ owner: 'acme', repo: 'api', name: 'NHI hygiene', head_sha: ref.data.object.sha, status: 'in_progress' });
    await o.rest.checks.update({
      owner: 'acme',
      repo: 'api',
      check_run_id: run.data.id,
      conclusion: 'success',
      output: { title: 't', summary: 's', annotations: [{ path: 'a.txt', start_line: 1, end_line: 1, annotation_level: 'warning', message: 'm' }] },
    });
    const stored = double.state.repo('acme/api').checkRuns.get(run.data.id)!;
    expect(stored).toMatchObject({ status: 'completed', conclusion: 'success', annotations: [{ path: 'a.txt', message: 'm' }] });

    const issue = await o.rest.issues.create({ owner: 'acme', repo: 'api', title: 'x', labels: ['nhi-steward'] });
    await o.rest.issues.create({ owner: 'acme', repo: 'api', title: 'unlabelled' });
    const labelled = await o.paginate(o.rest.issues.listForRepo, { owner: 'acme', repo: 'api', labels: 'nhi-steward', per_page: 1 });
    expect(labelled.map((i) => i.title)).toEqual(['x']);

    await o.graphql('mutation($id: ID!) { pinIssue(input: {issueId: $id}) { issue { number } } }', { id: issue.data.node_id });
    expect(double.state.repo('acme/api').issues.get(issue.data.number)!.pinned).toBe(true);

    const tarball = await o.rest.repos.downloadTarballArchive({ owner: 'acme', repo: 'api', ref: 'main' });
    expect(tarball.url).toMatch(/\/_double\/tarball\/acme\/api\/[0-9a-f]{40}$/);
    expect((tarball.data as ArrayBuffer).byteLength).toBeGreaterThan(100);

    double.assertNoViolations();
  });

  test('rejects a body that breaks the OpenAPI schema, and records the violation', async () => {
    double = await startGitHubDouble({ seed: { repos: [{ repo: 'acme/api' }] } });
    const o = octokit(double);
    // Deliberately wrong: head_sha is required.
    await expect(o.request('POST /repos/{owner}/{repo}/check-runs', { owner: 'acme', repo: 'api', name: 'x' } as any)).rejects.toMatchObject({ status: 422 });
    expect(double.violations).toEqual([expect.objectContaining({ operationId: 'checks/create', message: expect.stringContaining('head_sha') })]);
    expect(() => double!.assertNoViolations()).toThrow(/checks\/create/);
  });
});

describe('github-double behind a real Probot', () => {
  test('App JWT → installation token → installation-scoped calls, all within the contract', async () => {
    const { Probot } = await import('probot');
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    double = await startGitHubDouble({ seed: { installations: [{ id: 77, account: 'acme' }], repos: [{ repo: 'acme/api' }] } });
    const probot = new Probot({ appId: 4242, privateKey, baseUrl: double.url, logLevel: 'fatal' } as any);
    const app = await probot.auth();
    const installations = await app.rest.apps.listInstallations();
    expect(installations.data.map((i) => i.id)).toEqual([77]);
    const inst = await probot.auth(77);
    const issue = await inst.rest.issues.create({ owner: 'acme', repo: 'api', title: 'from probot' });
    expect(issue.data.user?.login).toBe('nhi-steward[bot]');
    expect(double.calls('apps/create-installation-access-token')).toHaveLength(1);
    expect(double.calls('issues/create')[0].auth).toMatchObject({ kind: 'installation', installationId: 77 });
    double.assertNoViolations();
  });
});
