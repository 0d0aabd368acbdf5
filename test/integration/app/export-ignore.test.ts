/**
 * The App's full scan reads the repository tarball, which GitHub builds with `git archive`: paths
 * the repository's `.gitattributes` marks `export-ignore` are not in it (the GitHub double builds
 * its tarballs the same way). The scan fetches what the tarball left out, so a secret under an
 * export-ignored path still opens its issue. Real App over HTTP, signed deliveries, the API double.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { fakeGithubToken } from '../../support/cli/run-cli.js';
import { oneRepoSeed, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;
const TOKEN = fakeGithubToken(801);

beforeEach(async () => {
  double = await startGitHubDouble({ seed: oneRepoSeed() });
  app = await startApp(double);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
});

describe("the App's full scan and export-ignore", () => {
  it('scans the files the tarball leaves out, and opens the issue for a secret among them', { timeout: 60_000 }, async () => {
    double.state.push(REPO, { files: { '.gitattributes': '.gitattributes export-ignore\n/deploy export-ignore\n', 'deploy/prod.env': `GITHUB_TOKEN=${TOKEN}\n` } });
    await app.scheduler.tick();
    const issues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
    const secret = issues.filter((i) => i.body?.includes('deploy/prod.env'));
    expect(secret.map((i) => i.title)).toEqual([expect.stringContaining('deploy/prod.env')]);
    // One tree listing, and one blob for each file the tarball left out: .gitattributes and deploy/prod.env.
    expect(double.calls('git/get-tree')).toHaveLength(1);
    expect(double.calls('git/get-blob')).toHaveLength(2);
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    expect(sent).not.toContain(TOKEN);
    expect(app.logs.join('\n')).not.toContain(TOKEN);
    double.assertNoViolations();
  });

  it('a file left out of the tarball and over max-file-size is streamed and read in pieces, not skipped: its secret opens an issue', { timeout: 60_000 }, async () => {
    const padding = Array.from({ length: 150_000 }, (_, i) => `INSERT INTO t VALUES (${i}, 'row ${i} of the dump');\n`).join('');
    const dump = `${padding}-- GITHUB_TOKEN=${TOKEN}\n`;
    expect(dump.length).toBeGreaterThan(5 * 1024 * 1024);
    double.state.push(REPO, { files: { '.gitattributes': '/dumps export-ignore\n', 'dumps/prod.sql': dump } });
    await app.scheduler.tick();
    const issues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
    expect(issues.filter((i) => i.body?.includes('dumps/prod.sql')).map((i) => i.title)).toEqual([expect.stringContaining('dumps/prod.sql')]);
    // Streamed from the raw contents API, never fetched whole as a blob.
    expect(double.calls('repos/get-content').filter((r) => decodeURIComponent(r.path).endsWith('/contents/dumps/prod.sql'))).toHaveLength(1);
    expect(double.calls('git/get-blob')).toHaveLength(0);
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    expect(sent).not.toContain(TOKEN);
    expect(app.logs.join('\n')).not.toContain(TOKEN);
    double.assertNoViolations();
  });

  it('when the tree cannot be listed, the tarball\'s findings still land and the report says what was not checked', { timeout: 60_000 }, async () => {
    double.state.push(REPO, { files: { 'src/leak.js': `export const t = '${TOKEN}';\n` } });
    double.inject({ method: 'GET', path: '/repos/{owner}/{repo}/git/trees/{tree_sha}', status: 500, times: Infinity });
    await app.scheduler.tick();
    const issues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
    expect(issues.filter((i) => i.body?.includes('src/leak.js'))).toHaveLength(1);
    const dashboard = issues.find((i) => i.title === 'NHI inventory');
    expect(dashboard?.body).toContain('the repository tree could not be listed');
    expect(double.calls('git/get-blob')).toHaveLength(0);
  });
});
