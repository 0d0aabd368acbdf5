/**
 * GitHub pins at most 3 issues per repository, and refuses a fourth through GraphQL. When people
 * have already pinned 3, the scheduled scan must still open its issues and the dashboard (left
 * unpinned), leave the people's pins alone, and not fail. The double validates the pin mutation
 * against GitHub's GraphQL schema (test/support/github-double/routes/graphql.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, REPO } from '../app/fixtures.js';

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write', alice: 'admin' } }],
      orgs: { acme: { members: ['jdoe', 'alice'], teams: { payments: ['alice'] } } },
    },
  });
  app = await startApp(double);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
});

describe('the 3-pinned-issues limit', () => {
  it('with 3 issues already pinned by people, the scan opens an unpinned dashboard and fails nothing', async () => {
    const repo = double.state.repo(REPO);
    const theirs = ['Roadmap', 'Contributing', 'Known issues'].map((title) => double.state.createIssue(repo, { title, body: 'pinned by a maintainer', user: 'alice' }));
    for (const issue of theirs) issue.pinned = true;

    await app.scheduler.tick();

    const dashboard = [...repo.issues.values()].filter((i) => i.title === 'NHI inventory');
    expect(dashboard).toHaveLength(1);
    expect(dashboard[0].state).toBe('open');
    expect(dashboard[0].pinned).toBe(false);
    // The bot asked, GitHub refused the fourth pin, and nothing else changed.
    const pins = double.requests.filter((r) => r.method === 'POST' && r.path === '/graphql');
    expect(pins).toHaveLength(1);
    expect(String((pins[0].body as { query: string }).query)).toContain('pinIssue');
    expect(theirs.map((i) => i.pinned)).toEqual([true, true, true]);
    expect(double.state.graphql).toEqual([]);
    // The gap issues were opened all the same (the pin failure does not stop the sync).
    expect([...repo.issues.values()].filter((i) => i.title.startsWith('Credential without a rotation policy'))).toHaveLength(1);
    // The scan did not fail (a refused pin is no error to report) ...
    const failed = app.logs.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((l) => l.level >= 50);
    expect(failed.map((l) => l.msg)).toEqual([]);
    // ... and the refusal is GitHub's answer, not a contract violation: the document itself is valid.
    double.assertNoViolations();

    // Once a maintainer unpins one, a later scan does not re-create or re-pin on its own (the
    // dashboard already exists); the bot never unpins people's issues either.
    theirs[2].pinned = false;
    const before = double.requests.length;
    await app.scheduler.tick();
    expect(double.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(theirs.map((i) => i.pinned)).toEqual([true, true, false]);
  });
});
