/**
 * The App honours the baseline and `.nhi-stewardignore` (docs/security.md, "Accepting a finding"),
 * read from the default branch only: a pull request that adds an ignore entry (keyed fingerprint
 * or salted hash) or a baseline for its own secret still fails, while the same entry on the
 * default branch suppresses the finding in PR checks and full scans. Through the real App over
 * HTTP and the GitHub double.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { example, privateKey, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { DEFAULT_SCRYPT, deriveFingerprintKey, keyedFingerprint, newSalt, saltedSecretHash } from '../../../src/core/secrets/fingerprint.js';
import { BASE_FILES, CONFIG_WITH_SECRET, GITHUB_TOKEN, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;
const saved = process.env.PRIVATE_KEY;

beforeAll(() => {
  // As in production: the App's fingerprint key is derived from its private key.
  process.env.PRIVATE_KEY = privateKey();
});
afterAll(() => {
  if (saved === undefined) delete process.env.PRIVATE_KEY;
  else process.env.PRIVATE_KEY = saved;
});
beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write' } }],
      orgs: { acme: { members: ['jdoe'] } },
    },
  });
  app = await startApp(double);
});
afterEach(async () => {
  await app?.close();
  await double?.close();
});

/** The fingerprint the App publishes for the token (HMAC under the key derived from its private key). */
const appFingerprint = () => keyedFingerprint(deriveFingerprintKey(`private-key\0${privateKey()}`), 'github-classic-pat', GITHUB_TOKEN);

/** An ignore file accepting the token both ways: the App's keyed fingerprint, and a salted hash. */
function ignoreFile(): string {
  const salt = newSalt();
  return [
    `kdf: scrypt N=${DEFAULT_SCRYPT.N} r=${DEFAULT_SCRYPT.r} p=${DEFAULT_SCRYPT.p} salt=${salt}`,
    `${appFingerprint()} secret/github-classic-pat # test fixture, revoked`,
    `scrypt:${saltedSecretHash(salt, DEFAULT_SCRYPT, 'github-classic-pat', GITHUB_TOKEN)} secret/github-classic-pat # test fixture, revoked`,
    '',
  ].join('\n');
}

async function checkPull(branch: string, files: Record<string, string>) {
  const head = double.state.push(REPO, { branch, files, author: 'jdoe' });
  const pr = double.state.openPull(REPO, { head: branch, title: branch, user: 'jdoe' });
  const payload = retarget(example('pull_request', 'opened'), double, REPO);
  payload.number = pr.number;
  payload.pull_request = {
    ...payload.pull_request,
    number: pr.number,
    user: { ...payload.pull_request.user, login: 'jdoe' },
    head: { ...payload.pull_request.head, sha: head, ref: branch, repo: payload.repository },
    base: { ...payload.pull_request.base, sha: pr.pull!.baseSha, ref: double.state.repo(REPO).defaultBranch, repo: payload.repository },
  };
  expect((await app.deliver('pull_request', payload)).status).toBe(200);
  const run = [...double.state.repo(REPO).checkRuns.values()].find((r) => r.head_sha === head);
  expect(run?.status).toBe('completed');
  return run!;
}

describe('baseline and ignore file in the App', () => {
  it('a PR that adds an ignore entry (keyed or salted) and a baseline for its own secret still fails', { timeout: 60_000 }, async () => {
    const run = await checkPull('feature/hide-my-secret', {
      'src/config.js': CONFIG_WITH_SECRET,
      '.nhi-stewardignore': ignoreFile(),
      '.nhi-steward-baseline.json': JSON.stringify({ version: 1, fingerprints: [{ fingerprint: appFingerprint() }] }),
    });
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toMatch(/^1 secret,/);
    expect(run.output.summary).toContain('`ghp_…zXUw`');
    double.assertNoViolations();
  });

  it('the same entry on the default branch suppresses the secret in PR checks and full scans', { timeout: 60_000 }, async () => {
    double.state.push(REPO, { files: { '.nhi-stewardignore': ignoreFile() } });
    const run = await checkPull('feature/accepted', { 'src/config.js': CONFIG_WITH_SECRET });
    expect(run.output.summary).not.toContain('ghp_');
    expect(run.output.title).not.toMatch(/secret/);
    expect(run.conclusion).toBe('success');
    // Merged: the full scan opens no issue for it either.
    double.state.push(REPO, { files: { 'src/config.js': CONFIG_WITH_SECRET } });
    await app.scheduler.tick();
    const secretIssues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.title.startsWith('Embedded secret'));
    expect(secretIssues).toEqual([]);
    double.assertNoViolations();
  });

  it('the baseline is read where the configuration says, not at the default path it is first read from', { timeout: 60_000 }, async () => {
    // The App reads the default path while it reads the configuration (one round trip less), and
    // must not keep that read when the configuration names another file.
    const baseline = JSON.stringify({ version: 1, fingerprints: [{ fingerprint: appFingerprint() }] });
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'baseline: security/accepted.json\n', 'security/accepted.json': baseline } });
    const accepted = await checkPull('feature/accepted-elsewhere', { 'src/config.js': CONFIG_WITH_SECRET });
    expect(accepted.conclusion).toBe('success');
    expect(accepted.output.summary).not.toContain('ghp_');
    // The same fingerprint at the default path only, while the configuration names a missing file.
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'baseline: security/missing.json\n', '.nhi-steward-baseline.json': baseline } });
    const ignored = await checkPull('feature/default-path-only', { 'src/config.js': CONFIG_WITH_SECRET });
    expect(ignored.conclusion).toBe('failure');
    expect(ignored.output.title).toMatch(/^1 secret,/);
    const reads = double.requests.filter((r) => r.operationId === 'repos/get-content').map((r) => decodeURIComponent(r.path));
    expect(reads.filter((path) => path.endsWith('/security/missing.json'))).toHaveLength(1);
    // Only the baseline is read again: the ignore file once per check.
    expect(reads.filter((path) => path.endsWith('/.nhi-stewardignore'))).toHaveLength(2);
    double.assertNoViolations();
  });

  it('an invalid ignore file on the default branch is reported with its line, and suppresses nothing', { timeout: 60_000 }, async () => {
    double.state.push(REPO, { files: { '.nhi-stewardignore': `${appFingerprint()} secret/github-classic-pat\n` } });
    const run = await checkPull('feature/broken-ignore', { 'src/config.js': CONFIG_WITH_SECRET });
    expect(run.conclusion).toBe('failure');
    const text = JSON.stringify(run.output);
    expect(text).toContain('.nhi-stewardignore:1');
    expect(run.output.title).toMatch(/^1 secret,/);
    double.assertNoViolations();
  });
});
