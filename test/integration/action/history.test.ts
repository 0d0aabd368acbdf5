/**
 * Every commit counts in the Action: a PR or push whose first commit adds a token and whose second
 * removes it fails, naming the commit; `history: on` scans the whole history. Real git throughout
 * (a bare origin, shallow and full clones), the bundled Action as a child process.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, RAW_SECRETS, REPO, pullRequestPayload, schedulePayload } from './fixtures.js';
import { fakeGithubToken } from '../../support/cli/run-cli.js';
import { git, hasCommit, mirrorWithShallowOrigin } from './git-repo.js';
import { buildBundle, runAction, type ActionRun } from './runner.js';

const examples: any[] = createRequire(import.meta.url)('@octokit/webhooks-examples');

let bundle: ReturnType<typeof buildBundle>;
let double: GitHubDouble;
const roots: string[] = [];

beforeAll(() => {
  bundle = buildBundle();
});
afterAll(() => bundle?.cleanup());
beforeEach(async () => {
  double = await startGitHubDouble({ seed: { repos: [{ repo: REPO, files: BASE_FILES }] } });
});
afterEach(async () => {
  double.assertNoViolations();
  await double?.close();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

interface Built {
  workspace: string;
  base: string;
  added: string;
  removed: string;
}

/**
 * origin: main = base; feature = base → "add config" (the token) → "remove the token". The
 * workspace is a clone of feature (shallow unless `full`), as actions/checkout makes it.
 */
function build(options: { full?: boolean; attributes?: string; partial?: boolean } = {}): Built {
  const root = mkdtempSync(join(tmpdir(), 'nhi-action-history-'));
  roots.push(root);
  const origin = join(root, 'origin.git');
  const author = join(root, 'author');
  git(root, ['init', '-q', '--bare', '-b', 'main', origin]);
  git(root, ['init', '-q', '-b', 'main', author]);
  const write = (files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(author, path)), { recursive: true });
      writeFileSync(join(author, path), content);
    }
  };
  write(BASE_FILES);
  git(author, ['add', '-A']);
  git(author, ['commit', '-q', '-m', 'base']);
  const base = git(author, ['rev-parse', 'HEAD']);
  git(author, ['checkout', '-q', '-b', 'feature']);
  write({ 'src/config.js': CONFIG_WITH_SECRET, ...(options.attributes ? { '.gitattributes': options.attributes } : {}) });
  git(author, ['add', '-A']);
  git(author, ['commit', '-q', '-m', 'add config']);
  const added = git(author, ['rev-parse', 'HEAD']);
  write({ 'src/config.js': 'export const config = {\n  region: "eu-west-1",\n  token: process.env.GITHUB_TOKEN,\n};\n' });
  git(author, ['commit', '-q', '-am', 'remove the token']);
  const removed = git(author, ['rev-parse', 'HEAD']);
  git(author, ['push', '-q', origin, 'main', 'feature']);
  const workspace = join(root, 'workspace');
  // `partial`: a blobless clone of every commit, as actions/checkout makes with `filter: blob:none`.
  if (options.partial) git(origin, ['config', 'uploadpack.allowFilter', 'true']);
  git(root, ['clone', '-q', ...(options.partial ? ['--filter=blob:none'] : options.full ? [] : ['--depth', '1']), '--branch', 'feature', `file://${origin}`, workspace]);
  return { workspace, base, added, removed };
}

/** The push webhook example, pointed at this repository and these commits. */
function examplePush(before: string, after: string, count: number): unknown {
  const payload = structuredClone(examples.find((e) => e.name === 'push')!.examples[0]);
  const [owner, name] = REPO.split('/');
  return {
    ...payload,
    before,
    after,
    ref: 'refs/heads/feature',
    commits: Array.from({ length: count }, () => payload.head_commit ?? {}),
    repository: { ...payload.repository, name, full_name: REPO, owner: { ...payload.repository.owner, login: owner, name: owner } },
  };
}

function assertNoLeak(run: ActionRun): void {
  const written = [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)].join('\n');
  const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
  for (const secret of RAW_SECRETS) {
    expect(written.includes(secret)).toBe(false);
    expect(sent.includes(secret)).toBe(false);
  }
}

/**
 * A two-commit PR (`first`, then `second`) on the double, run by the Action in a checkout whose
 * origin lacks the base: the PR's files and commits come from the API.
 */
async function pullWithoutCheckout(first: Record<string, string | Buffer>, second: Record<string, string | Buffer>): Promise<{ added: string; run: ActionRun }> {
  const { shas, run } = await pullOfCommitsWithoutCheckout([first, second]);
  return { added: shas[0], run };
}

/** `pullWithoutCheckout` with any number of commits; `changedFiles` sets the payload's `changed_files`. */
async function pullOfCommitsWithoutCheckout(steps: Record<string, string | Buffer>[], changedFiles?: number): Promise<{ shas: string[]; run: ActionRun }> {
  const shas = steps.map((files) => double.state.push(REPO, { branch: 'feature', files }));
  const head = shas.at(-1)!;
  const pull = double.state.openPull(REPO, { head: 'feature', title: `${steps.length} commit(s)` });
  const ws = mirrorWithShallowOrigin(double.state.repo(REPO).git.objects, 'feature', head);
  roots.push(join(ws.workspace, '..'));
  const payload = pullRequestPayload({ number: pull.number, headSha: head, baseSha: pull.pull!.baseSha });
  payload.pull_request.commits = steps.length;
  if (changedFiles !== undefined) payload.pull_request.changed_files = changedFiles;
  const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'pull_request', payload, repository: REPO, sha: head, ref: `refs/pull/${pull.number}/merge`, inputs: { 'sarif-file': '' } });
  return { shas, run };
}

describe('Action: every commit of a PR or push', () => {
  it('a PR whose first commit adds a token and whose second removes it fails, naming the commit and saying rotate', async () => {
    const ws = build();
    expect(hasCommit(ws.workspace, ws.added)).toBe(false); // --depth 1: the PR's first commit is not there yet
    const run = await runAction({
      entry: bundle.entry,
      workspace: ws.workspace,
      apiUrl: double.url,
      event: 'pull_request',
      payload: { ...pullRequestPayload({ number: 7, headSha: ws.removed, baseSha: ws.base }), pull_request: { ...pullRequestPayload({ number: 7, headSha: ws.removed, baseSha: ws.base }).pull_request, commits: 2 } },
      repository: REPO,
      sha: ws.removed,
      ref: 'refs/pull/7/merge',
      inputs: { 'sarif-file': '' },
    });
    expect(run.code).toBe(1);
    expect(run.annotations).toHaveLength(1);
    const [annotation] = run.annotations;
    expect(annotation.properties).toMatchObject({ title: 'secret/github-classic-pat', file: 'src/config.js', line: '3' });
    expect(annotation.message).toContain(`added in commit ${ws.added.slice(0, 7)} (https://github.com/${REPO}/commit/${ws.added}) by Test and removed later in this pull request`);
    expect(annotation.message).toContain('rotate the credential');
    expect(run.summary).toContain(`\`${ws.added.slice(0, 7)}\` Test`);
    expect(hasCommit(ws.workspace, ws.added)).toBe(true);
    expect(double.requests).toEqual([]);
    assertNoLeak(run);
  });

  it("a PR that also adds '* -diff' to .gitattributes (git then shows its lines as binary) fails the same way", async () => {
    const ws = build({ attributes: '* -diff\n' });
    const pull = pullRequestPayload({ number: 8, headSha: ws.removed, baseSha: ws.base });
    const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'pull_request', payload: { ...pull, pull_request: { ...pull.pull_request, commits: 2 } }, repository: REPO, sha: ws.removed, ref: 'refs/pull/8/merge', inputs: { 'sarif-file': '' } });
    expect(git(ws.workspace, ['log', '-p', '-1', ws.added, '--', 'src/config.js'])).toContain('Binary files');
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => [a.properties.title, a.properties.file, a.properties.line])).toEqual([['secret/github-classic-pat', 'src/config.js', '3']]);
    expect(run.annotations[0].message).toContain(`added in commit ${ws.added.slice(0, 7)}`);
    assertNoLeak(run);
  });

  it('in a partial checkout (filter: blob:none), git fetches the blobs the PR changed: the run fails the same way, and says so', async () => {
    const ws = build({ partial: true });
    const pull = pullRequestPayload({ number: 9, headSha: ws.removed, baseSha: ws.base });
    const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'pull_request', payload: { ...pull, pull_request: { ...pull.pull_request, commits: 2 } }, repository: REPO, sha: ws.removed, ref: 'refs/pull/9/merge', inputs: { 'sarif-file': '' } });
    expect(run.code).toBe(1);
    const secrets = run.annotations.filter((a) => a.properties.title === 'secret/github-classic-pat');
    expect(secrets.map((a) => [a.properties.file, a.properties.line])).toEqual([['src/config.js', '3']]);
    expect(secrets[0].message).toContain(`added in commit ${ws.added.slice(0, 7)}`);
    expect(run.stdout).toContain('::warning::The checkout is a partial clone: git fetched the blobs these commits changed from its remote to read them.');
    assertNoLeak(run);
  });

  it('without a usable checkout (origin lacks the base), the commits come from the API: still fails, naming the commit', async () => {
    const { added, run } = await pullWithoutCheckout({ 'src/config.js': CONFIG_WITH_SECRET }, { 'src/config.js': 'export const config = {};\n' });
    expect(run.stdout).toContain("using the API's PR files");
    expect(run.code).toBe(1);
    const secrets = run.annotations.filter((a) => a.properties.title === 'secret/github-classic-pat');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].message).toContain(`added in commit ${added.slice(0, 7)}`);
    expect(double.calls('pulls/list-commits')).toHaveLength(1);
    expect(double.calls('repos/get-commit')).toHaveLength(2);
    assertNoLeak(run);
  });

  it('without a usable checkout, a one-commit PR of more than 3,000 files: its commit is read in pages up to the 3,000 GitHub lists, and a warning says what neither list holds', { timeout: 120_000 }, async () => {
    const vendored = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`vendor/f${String(i).padStart(4, '0')}.js`, `export const v${i} = ${i};\n`]));
    const { run } = await pullOfCommitsWithoutCheckout([{ ...vendored, 'zz/config.js': CONFIG_WITH_SECRET }], 3001);
    expect(run.stdout).toContain("using the API's PR files");
    // zz/config.js is the 3,001st file by path: past both the PR's list and the commit's (GitHub
    // lists 3,000 of each). Nothing the API gives can show it: the run says so.
    expect(run.stdout).toContain("::warning::GitHub lists only 3000 of this pull request's 3001 changed files: the other 1 were checked for secrets only in the files each commit's own list shows (3,000 at most), not for NHI declarations or owners (check out the repository with its history to read them all)");
    expect(double.calls('repos/get-commit')).toHaveLength(10); // 3,000 files, 300 a page
    assertNoLeak(run);
  });

  it('without a usable checkout, a UTF-16 file (the API gives no patch) is read back: a token added and then removed fails, naming the commit', async () => {
    const token = fakeGithubToken(901);
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const { added, run } = await pullWithoutCheckout(
      { 'deploy.ps1': utf16(`# deploy\r\n$t = "token ${token}"\r\n`), 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]) },
      { 'deploy.ps1': utf16('# deploy\r\n$t = $env:TOKEN\r\n') },
    );
    expect(run.stdout).toContain("using the API's PR files");
    expect(run.code).toBe(1);
    const secrets = run.annotations.filter((a) => a.properties.title?.startsWith('secret/'));
    expect(secrets.map((a) => [a.properties.file, a.properties.line])).toEqual([['deploy.ps1', '2']]);
    expect(secrets[0].message).toContain(`added in commit ${added.slice(0, 7)}`);
    // At the first commit (not the head, which the net diff reads too): deploy.ps1 as that commit
    // added it, and again as the second commit's parent version. The image, without a patch as
    // well, costs the commit scan no call.
    const atFirst = double.calls('repos/get-content').filter((r) => r.query.ref === added);
    expect(atFirst.map((r) => r.path.split('/contents/')[1])).toEqual(['deploy.ps1', 'deploy.ps1']);
    const written = [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs), double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n')].join('\n');
    expect(written).not.toContain(token);
  });

  it('without a checkout, a change over max-file-size that the API gives no patch for is named in the log, not passed over', async () => {
    const token = fakeGithubToken(918);
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'max-file-size: 10000\n' } });
    // 25,000 changed lines: the double, like GitHub for a very large diff, gives no patch.
    const padded = `${'x\n'.repeat(25_000)}-- ${token}\n`;
    const { run } = await pullWithoutCheckout({ 'db/dump.sql': padded }, { 'db/dump.sql': '-- emptied\n' });
    expect(run.stdout).toContain('1 file(s) over max-file-size changed without a patch were not read commit by commit: `db/dump.sql`.');
    expect([run.stdout, run.stderr, run.summary].join('\n')).not.toContain(token);
  });

  it('a push of the same two commits fails the same way (before..after)', async () => {
    const ws = build({ full: true });
    const run = await runAction({
      entry: bundle.entry,
      workspace: ws.workspace,
      apiUrl: double.url,
      event: 'push',
      payload: examplePush(ws.base, ws.removed, 2),
      repository: REPO,
      sha: ws.removed,
      ref: 'refs/heads/feature',
      inputs: { 'sarif-file': '' },
    });
    expect(run.code).toBe(1);
    const secrets = run.annotations.filter((a) => a.properties.title === 'secret/github-classic-pat');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].message).toContain(`added in commit ${ws.added.slice(0, 7)}`);
    expect(secrets[0].message).toContain('removed later in this push');
    assertNoLeak(run);
  });

  it('history: on in a scheduled scan finds a token removed long ago, with its commit', async () => {
    const ws = build({ full: true });
    const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'schedule', payload: schedulePayload(), repository: REPO, sha: ws.removed, ref: 'refs/heads/feature', inputs: { history: 'on', 'sarif-file': '' } });
    expect(run.code).toBe(1);
    const secrets = run.annotations.filter((a) => a.properties.title === 'secret/github-classic-pat');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].message).toContain(`introduced in commit ${ws.added.slice(0, 7)} by Test`);
    expect(secrets[0].message).toContain('removed before HEAD');
    expect(run.stdout).toMatch(/History: 3 commit\(s\)/);
    assertNoLeak(run);
  });

  it('history: on in a partial checkout scans the blobs it holds and warns how many it has not fetched (a history scan does not fetch)', async () => {
    const ws = build({ partial: true });
    const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'schedule', payload: schedulePayload(), repository: REPO, sha: ws.removed, ref: 'refs/heads/feature', inputs: { history: 'on', 'sarif-file': '' } });
    // The token's version of src/config.js is one of the blobs the checkout never fetched.
    expect(run.annotations.filter((a) => a.properties.title === 'secret/github-classic-pat')).toEqual([]);
    expect(run.stdout).toContain('::warning::history: on, but the checkout is a partial clone: 1 blob(s) it had not fetched were not scanned. Use actions/checkout without filter.');
    expect(run.stdout).toMatch(/History: 3 commit\(s\)/);
    assertNoLeak(run);
  });

  it('history: off (the default) keeps the scheduled scan to the tree: the removed token is not reported', async () => {
    const ws = build({ full: true });
    const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'schedule', payload: schedulePayload(), repository: REPO, sha: ws.removed, ref: 'refs/heads/feature', inputs: { 'sarif-file': '' } });
    expect(run.annotations.filter((a) => a.properties.title === 'secret/github-classic-pat')).toEqual([]);
  });
});
