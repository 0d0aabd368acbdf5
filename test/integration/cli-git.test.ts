import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken, git, initRepo, runCli, writeTree } from '../support/cli/run-cli.js';
import { runInProcess } from '../support/cli/run-in-process.js';

const OLD = fakeGithubToken(10);
const NEW = fakeGithubToken(11);
const STAGED = fakeGithubToken(12);
const UNSTAGED = fakeGithubToken(13);

const IAM_BASE = 'resource "aws_iam_user" "ci_bot" {\n  name = "ci-bot"\n}\n';
const IAM_HEAD = `${IAM_BASE}\nresource "aws_iam_user" "release_bot" {\n  name = "release-bot"\n}\n`;

type Finding = { rule: string; file: string; line: number; identityId?: string };
const findings = (stdout: string): Finding[] => JSON.parse(stdout).findings;

/** A real repository: base commit, then a head commit, then staged and unstaged edits. */
describe('scan --diff and --staged on a real git repository', () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'nhi-git-'));
    initRepo(repo);
    writeTree(repo, { 'src/a.ts': `export const old = '${OLD}';\n`, 'infra/iam.tf': IAM_BASE, 'README.md': '# repo\n' });
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'base');
    git(repo, 'tag', 'base');
    writeTree(repo, { 'src/a.ts': `export const old = '${OLD}';\n// new line\nexport const fresh = '${NEW}';\n`, 'infra/iam.tf': IAM_HEAD });
    git(repo, 'commit', '-q', '-am', 'head');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('a full scan sees every secret and NHI', async () => {
    const run = await runInProcess(['scan', repo, '-f', 'json', '--fail-on', 'none']);
    expect(run.code).toBe(0);
    const lines = findings(run.stdout).filter((f) => f.rule.startsWith('secret/')).map((f) => `${f.file}:${f.line}`);
    expect(lines).toEqual(['src/a.ts:1', 'src/a.ts:3']);
    expect(findings(run.stdout).filter((f) => f.rule === 'identity/unowned').map((f) => f.identityId)).toHaveLength(2);
  });

  it('--diff BASE judges only added lines and only NHIs the change added', async () => {
    const run = await runInProcess(['scan', repo, '--diff', 'base', '-f', 'json']);
    expect(run.code).toBe(1);
    const all = findings(run.stdout);
    expect(all.filter((f) => f.rule.startsWith('secret/')).map((f) => `${f.file}:${f.line}`)).toEqual(['src/a.ts:3']);
    const blamed = all.filter((f) => f.rule === 'identity/unowned').map((f) => f.identityId);
    expect(blamed).toHaveLength(1);
    expect(blamed[0]).toMatch(/aws_iam_user\/.*release_bot$/);
    expect(run.stdout).not.toContain(NEW);
  });

  it('--diff HEAD on a clean work tree finds nothing new', async () => {
    const run = await runInProcess(['scan', repo, '--diff', 'HEAD']);
    expect(run.code).toBe(0);
  });

  it('--diff with an unknown ref is a usage error', async () => {
    const run = await runInProcess(['scan', repo, '--diff', 'no-such-branch']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('nhi-steward: --diff: unknown git ref "no-such-branch" (try a branch, tag or commit such as origin/main)\n');
  });

  it('--staged judges the index content, not the working tree (child process, as pre-commit runs it)', async () => {
    writeTree(repo, { 'config/app.env': `API_TOKEN=placeholder\n` });
    git(repo, 'add', 'config/app.env');
    expect((await runCli(['scan', '--staged'], { cwd: repo })).code).toBe(0);

    writeTree(repo, { 'config/app.env': `API_TOKEN=placeholder\nGH=${STAGED}\n` });
    git(repo, 'add', 'config/app.env');
    // An unstaged edit after staging: not part of the commit, so not judged.
    writeTree(repo, { 'config/app.env': `API_TOKEN=placeholder\nGH=${STAGED}\nMORE=${UNSTAGED}\n`, 'src/a.ts': `export const x = '${UNSTAGED}';\n` });
    const run = await runCli(['scan', '--staged', '-f', 'json'], { cwd: repo });
    expect(run.code).toBe(1);
    expect(findings(run.stdout).filter((f) => f.rule.startsWith('secret/')).map((f) => `${f.file}:${f.line}`)).toEqual(['config/app.env:2']);
    expect(run.stdout + run.stderr).not.toContain(STAGED);
  });

  it('--staged works in a repository with no commit yet', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'nhi-git-fresh-'));
    try {
      initRepo(fresh);
      writeTree(fresh, { 'a.ts': `const t = '${STAGED}';\n` });
      git(fresh, 'add', 'a.ts');
      const run = await runInProcess(['scan', fresh, '--staged', '-f', 'json']);
      expect(run.code).toBe(1);
      expect(findings(run.stdout).map((f) => `${f.file}:${f.line}`)).toEqual(['a.ts:1']);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('--staged blocks on secrets only; identity findings are warnings there unless --strict', async () => {
    const hook = mkdtempSync(join(tmpdir(), 'nhi-git-hook-'));
    try {
      initRepo(hook);
      writeTree(hook, { 'README.md': '# hook\n' });
      git(hook, 'add', '.');
      git(hook, 'commit', '-q', '-m', 'base');
      writeTree(hook, { 'infra/iam.tf': IAM_BASE });
      git(hook, 'add', 'infra/iam.tf');
      const advisory = await runInProcess(['scan', hook, '--staged', '-f', 'json']);
      expect(advisory.code).toBe(0);
      expect(findings(advisory.stdout).map((f) => [f.rule, (f as Finding & { level: string }).level])).toEqual([['identity/unowned', 'warning']]);
      const strict = await runInProcess(['scan', hook, '--staged', '--strict', '-f', 'json']);
      expect(strict.code).toBe(1);
      expect(findings(strict.stdout).map((f) => (f as Finding & { level: string }).level)).toEqual(['error']);
      writeTree(hook, { 'deploy.sh': `export GH=${STAGED}\n` });
      git(hook, 'add', 'deploy.sh');
      expect((await runInProcess(['scan', hook, '--staged'])).code).toBe(1);
    } finally {
      rmSync(hook, { recursive: true, force: true });
    }
  });

  it('SARIF of a sub-folder scan carries paths relative to the repository root; text stays relative to the folder', async () => {
    const sarif = await runInProcess(['scan', join(repo, 'src'), '-f', 'sarif', '--fail-on', 'none']);
    const uris = JSON.parse(sarif.stdout).runs[0].results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris.length).toBeGreaterThan(0);
    expect(new Set(uris)).toEqual(new Set(['src/a.ts']));
    const json = await runInProcess(['scan', join(repo, 'src'), '-f', 'json', '--fail-on', 'none']);
    expect(new Set(findings(json.stdout).map((f) => f.file))).toEqual(new Set(['a.ts']));
  });

  it('asks git for the folder\'s place in the repository only for SARIF (a child process other formats do not need)', async () => {
    // A `git` first on PATH that logs its arguments, then runs the real git.
    const bin = mkdtempSync(join(tmpdir(), 'nhi-git-log-'));
    try {
      const log = join(bin, 'calls.log');
      const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
      const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
      const json = await runCli(['scan', join(repo, 'src'), '-f', 'json', '--fail-on', 'none'], { env });
      expect(json.code).toBe(0);
      expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toContain('rev-parse');
      const sarif = await runCli(['scan', join(repo, 'src'), '-f', 'sarif', '--fail-on', 'none'], { env });
      expect(sarif.code).toBe(0);
      expect(readFileSync(log, 'utf8')).toContain('rev-parse --show-toplevel --show-prefix');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('scan FILE inside a repository uses its root-relative path and the repository owners file', async () => {
    writeTree(repo, { '.github/nhi-owners.yml': 'identities:\n  - match: "terraform:aws_iam_user/infra/ci_bot"\n    owner: "@acme/platform"\n' });
    const run = await runInProcess(['scan', join(repo, 'infra', 'iam.tf'), '-f', 'json']);
    const unowned = findings(run.stdout).filter((f) => f.rule === 'identity/unowned');
    expect(unowned.map((f) => f.file)).toEqual(['infra/iam.tf']);
    expect(unowned.map((f) => f.identityId)).toEqual([expect.stringMatching(/release_bot$/)]);
    // The owners entry names an NHI of this file, and entries for NHIs elsewhere are not stale.
    expect(findings(run.stdout).filter((f) => f.rule === 'owners/stale-entry')).toEqual([]);
    rmSync(join(repo, '.github'), { recursive: true, force: true });
  });

  it('--diff: an extractor rule (credential/static-ci-key) fires only when the change touches its lines', async () => {
    const repoDir = mkdtempSync(join(tmpdir(), 'nhi-git-static-'));
    const workflow = (name: string) =>
      `name: ${name}\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-access-key-id: \${{ secrets.AWS_KEY_ID }}\n          aws-secret-access-key: \${{ secrets.AWS_SECRET }}\n          aws-region: eu-west-1\n`;
    try {
      initRepo(repoDir);
      writeTree(repoDir, { '.github/workflows/deploy.yml': workflow('deploy') });
      git(repoDir, 'add', '.');
      git(repoDir, 'commit', '-q', '-m', 'base');
      const full = await runInProcess(['scan', repoDir, '-f', 'json', '--fail-on', 'none']);
      expect(findings(full.stdout).map((f) => f.rule)).toContain('credential/static-ci-key');
      // A rename of the workflow changes line 1 only: the static key is not this change's doing.
      writeTree(repoDir, { '.github/workflows/deploy.yml': workflow('deploy to prod') });
      const diff = await runInProcess(['scan', repoDir, '--diff', 'HEAD', '-f', 'json', '--fail-on', 'none']);
      expect(findings(diff.stdout).map((f) => f.rule)).not.toContain('credential/static-ci-key');
      // Touching the key's line brings it back.
      writeTree(repoDir, { '.github/workflows/deploy.yml': workflow('deploy').replace('AWS_KEY_ID', 'AWS_KEY_ID_2') });
      const touched = await runInProcess(['scan', repoDir, '--diff', 'HEAD', '-f', 'json', '--fail-on', 'none']);
      expect(findings(touched.stdout).map((f) => f.rule)).toContain('credential/static-ci-key');
    } finally {
      rmSync(repoDir, { recursive: true, force: true });
    }
  });
});
