/**
 * Forged issues against the issue sync (docs/security.md, "Forged issues"): a read-only user opens
 * issues that carry nhi-steward's label and hidden marker. The sync, the dashboard and the commands
 * must act only on issues the App itself opened: the forged ones are never updated, closed or
 * adopted, and the App opens its own. Through the real App over HTTP and the GitHub double.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { fingerprintOf } from '../../../src/github/issue-sync.js';
import { BASE_FILES, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write', outsider: 'read' } }],
      orgs: { acme: { members: ['jdoe'] } },
    },
  });
  app = await startApp(double);
});
afterEach(async () => {
  await app?.close();
  await double?.close();
});

const issues = () => [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull);

describe('forged issues and the issue sync', () => {
  it('an outsider issue with the label and a gap, dashboard or stray marker is never updated, closed or adopted', { timeout: 60_000 }, async () => {
    // A first scan: the App opens its rotation issue and dashboard; learn their markers.
    await app.scheduler.tick();
    const own = issues();
    const rotation = own.find((i) => i.title.startsWith('Credential without'))!;
    expect(rotation.user).toBe('nhi-steward[bot]');
    const gapFingerprint = fingerprintOf(rotation.body)!;
    expect(gapFingerprint).toBeDefined();
    // The gap issue disappears (deleted by an admin), and an outsider plants look-alikes.
    const repo = double.state.repo(REPO);
    repo.issues.delete(rotation.number);
    const forge = (title: string, fingerprint: string) =>
      double.state.createIssue(repo, { title, body: `<!-- nhi-steward:fp=${fingerprint} -->\nPlanted by an outsider: [click](https://evil.example)`, user: 'outsider', labels: ['nhi-steward'] });
    const adoptMe = forge('Credential without a rotation policy: terraform:aws_iam_access_key/infra/ci_bot', gapFingerprint);
    const closeMe = forge('Embedded secret (github-classic-pat) in gone.js', 'f'.repeat(64));
    const dashboard = issues().find((i) => i.title === 'NHI inventory')!;
    repo.issues.delete(dashboard.number);
    const fakeDashboard = forge('NHI inventory', 'dashboard');
    const before = new Map([adoptMe, closeMe, fakeDashboard].map((i) => [i.number, { ...i }]));

    await app.scheduler.tick();

    for (const forged of [adoptMe, closeMe, fakeDashboard]) {
      const now = repo.issues.get(forged.number)!;
      expect(now.state, `#${forged.number} state`).toBe('open');
      expect(now.body, `#${forged.number} body`).toBe(before.get(forged.number)!.body);
      expect(now.title).toBe(before.get(forged.number)!.title);
    }
    // The App did not touch them at all (no PATCH, no comment), and opened its own issues.
    const touched = double.requests.filter((r) => r.method !== 'GET' && [adoptMe, closeMe, fakeDashboard].some((i) => r.path.includes(`/issues/${i.number}`)));
    expect(touched.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const mine = issues().filter((i) => i.user === 'nhi-steward[bot]' && i.state === 'open');
    expect(mine.map((i) => fingerprintOf(i.body))).toEqual(expect.arrayContaining([gapFingerprint, 'dashboard']));
    double.assertNoViolations();
  });

  it('the App still manages its own issue after a person removes the label (no duplicate)', { timeout: 60_000 }, async () => {
    await app.scheduler.tick();
    const rotation = issues().find((i) => i.title.startsWith('Credential without'))!;
    double.state.setLabels(double.state.repo(REPO), rotation, []);
    await app.scheduler.tick();
    expect(issues().filter((i) => i.title.startsWith('Credential without'))).toHaveLength(1);
    double.assertNoViolations();
  });
});
