import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureVerdictCache } from '../../../src/app/verdict-cache.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { VERIFY_SPECS } from '../../../src/verify/index.js';
import { example, openedPullRequest, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { startStandIn, type StandIn } from '../../support/verify/stand-in.js';

const REPO = 'acme/billing';
const sample = (id: string) => allDetectors.find((d) => d.id === id)!.samples.positive[0];
const GITHUB = sample('github-classic-pat');
const NPM = sample('npm-access-token');

let standIn: StandIn;
let double: GitHubDouble;
let app: RunningApp;

function files(verify: string): Record<string, string> {
  const endpoints = standIn.endpoints(['github', 'npm']);
  return {
    'README.md': '# billing\n',
    '.github/nhi-steward.yml': `${verify}\n  endpoints:\n    github: ${endpoints.github}\n    npm: ${endpoints.npm}\n`,
    'deploy/ci.env': `${GITHUB.text}\n`,
    'deploy/publish.env': `${NPM.text}\n`,
  };
}

async function start(verify: string): Promise<void> {
  double = await startGitHubDouble({ seed: { installations: [{ id: 1, account: 'acme', accountType: 'Organization' }], repos: [{ repo: REPO, files: files(verify), installationId: 1 }] } });
  app = await startApp(double);
}

beforeEach(async () => {
  configureVerdictCache(undefined); // a fresh memory cache per test
  standIn = await startStandIn(VERIFY_SPECS);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
  await standIn.close();
});

const secretIssues = () => [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && /^(Embedded secret|Live secret)/.test(i.title));

function assertNoLeak(): void {
  const outgoing = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n') + app.logs.join('\n');
  for (const secret of [GITHUB.secret, NPM.secret]) expect(outgoing.includes(secret)).toBe(false);
}

describe('the App with verify: on', () => {
  it('verifies each secret once per day, says "live: rotate now" in its issue, and updates the issue when it is found revoked', async () => {
    await start('verify:\n  enabled: on');
    standIn.modes.set('npm', 'revoked');
    await app.scheduler.tick();
    expect(standIn.requests.map((r) => r.provider).sort()).toEqual(['github', 'npm']);
    const issues = secretIssues();
    const github = issues.find((i) => i.title.includes('github-classic-pat'))!;
    const npm = issues.find((i) => i.title.includes('npm-access-token'))!;
    expect(github.title).toBe('Live secret, rotate now: (github-classic-pat) in deploy/ci.env');
    expect(github.body).toContain('live: rotate now (account fact-account; scopes fact-scopes; expires fact-expires)');
    expect(npm.body).toContain('revoked (the provider refused it)');
    expect(app.logs.join('\n')).toContain(`verify: github secrets go to the configured endpoint host 127.0.0.1:${standIn.port}`);

    // The same day: verdicts come from the cache, nothing is asked again and nothing changes.
    const before = double.requests.length;
    await app.scheduler.tick();
    expect(standIn.requests).toHaveLength(2);
    expect(double.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);

    // A day later (the cache expired) the GitHub token has been revoked: its issue says so.
    configureVerdictCache(undefined);
    standIn.modes.set('github', 'revoked');
    await app.scheduler.tick();
    expect(standIn.requests).toHaveLength(4);
    const updated = secretIssues().find((i) => i.number === github.number)!;
    expect(updated.body).toContain('revoked (the provider refused it)');
    expect(updated.body).not.toContain('live: rotate now');
    expect(updated.title).toBe('Embedded secret (github-classic-pat) in deploy/ci.env');
    double.assertNoViolations();
    assertNoLeak();
  });

  it('fails the PR check on a live secret, with the verdict in the annotation', async () => {
    await start('verify:\n  enabled: on');
    const branch = 'feature/token';
    const token = sample('github-fine-grained-pat');
    const head = double.state.push(REPO, { branch, files: { 'src/app.env': `${token.text}\n` }, author: 'jdoe' });
    const issue = double.state.openPull(REPO, { head: branch, title: 'add token', user: 'jdoe' });
    const payload = retarget(example('pull_request', 'opened'), double, REPO);
    payload.number = issue.number;
    payload.pull_request = {
      ...payload.pull_request,
      number: issue.number,
      head: { ...payload.pull_request.head, sha: head, ref: branch, repo: payload.repository },
      base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, repo: payload.repository },
    };
    await app.deliver('pull_request', payload);
    const [run] = [...double.state.repo(REPO).checkRuns.values()];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const annotation = run.annotations.find((a) => a.title === 'secret/github-fine-grained-pat')!;
    expect(annotation.message).toContain('live: rotate now');
    expect(standIn.requests.map((r) => r.provider)).toEqual(['github']);
    expect(JSON.stringify(run)).not.toContain(token.secret);
  });

  it('verifies a secret in a file over max-file-size that GitHub gives no patch for (streamed and read in pieces)', { timeout: 60_000 }, async () => {
    await start('verify:\n  enabled: on');
    const token = sample('github-fine-grained-pat');
    // ~6.5 MB of new lines: GitHub (and the double) give no patch for a diff that large.
    const padding = Array.from({ length: 160_000 }, (_, i) => `INSERT INTO t VALUES (${i}, 'row ${i} of a dump');\n`).join('');
    const { payload } = openedPullRequest(double, REPO, { branch: 'feature/dump', files: { 'db/dump.sql': `${padding}-- ${token.text}\n` } });
    await app.deliver('pull_request', payload);
    const [run] = [...double.state.repo(REPO).checkRuns.values()];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const annotation = run.annotations.find((a) => a.title === 'secret/github-fine-grained-pat')!;
    expect(annotation.path).toBe('db/dump.sql');
    expect(annotation.message).toContain('live: rotate now');
    expect(standIn.requests.map((r) => r.provider)).toEqual(['github']);
    assertNoLeak();
    expect(JSON.stringify(run)).not.toContain(token.secret);
  });

  it('sends nothing to any provider when the config does not switch verification on', async () => {
    await start('verify:\n  enabled: off');
    await app.scheduler.tick();
    expect(secretIssues()).toHaveLength(2);
    expect(standIn.requests).toHaveLength(0);
    expect(secretIssues().every((i) => !(i.body ?? '').includes('rotate now'))).toBe(true);
  });
});
