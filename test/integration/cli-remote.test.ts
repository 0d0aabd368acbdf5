/**
 * `nhi-steward scan URL --history`: a remote repository cloned over git's smart HTTP protocol (a
 * real `git http-backend` on loopback that wants a token, as GitHub does), scanned, and removed.
 * The CLI runs as a child process, as users run it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken, runCli } from '../support/cli/run-cli.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server.js';
import { HistoryRepo } from '../support/history-repo.js';

const ACCESS = 'clone-token-0123456789';
const [REMOVED, AT_HEAD, BRANCH_ONLY] = [fakeGithubToken(601), fakeGithubToken(602), fakeGithubToken(603)];
type JsonFinding = { file: string; presentAtHead?: boolean; commit?: { author: string } };

describe('scan URL --history', () => {
  const repo = new HistoryRepo('nhi-cli-remote-src-');
  let server: GitHttpServer;
  let url = '';
  const temp = mkdtempSync(join(tmpdir(), 'nhi-cli-remote-tmp-'));
  /** Clones left in the child's temporary folder (tsx keeps its own cache there too). */
  const clones = () => readdirSync(temp).filter((name) => name.startsWith('nhi-steward-clone-'));
  beforeAll(async () => {
    repo.commit('Alice', '2024-05-01T10:00:00Z', { '.env': `GITHUB_TOKEN=${REMOVED}\n` });
    repo.commit('Bob', '2024-05-02T10:00:00Z', { '.env': 'GITHUB_TOKEN=\n', 'src/app.ts': `export const t = '${AT_HEAD}';\n` });
    repo.git('checkout', '-q', '-b', 'wip');
    repo.commit('Carol', '2024-05-03T10:00:00Z', { 'wip.ts': `const k = '${BRANCH_ONLY}';\n` });
    repo.git('checkout', '-q', 'main');
    server = await startGitHttpServer((token) => token === ACCESS);
    server.serve('acme/app', repo.dir);
    url = `${server.url}/acme/app.git`;
  });
  afterAll(async () => {
    await server?.close();
    repo.cleanup();
    rmSync(temp, { recursive: true, force: true });
  });

  it('clones every branch, finds each secret with its commit and whether the default branch still holds it, and removes the clone', async () => {
    const run = await runCli(['scan', url, '--history', '-f', 'json'], { env: { NHI_STEWARD_GIT_TOKEN: ACCESS, TMPDIR: temp } });
    expect(run.code).toBe(1);
    const found: JsonFinding[] = JSON.parse(run.stdout).findings;
    expect(found.map((f) => [f.file, f.commit?.author, f.presentAtHead]).sort()).toEqual([
      ['.env', 'Alice', false],
      ['src/app.ts', 'Bob', true],
      ['wip.ts', 'Carol', false],
    ]);
    expect(server.requests.every((r) => r.token === ACCESS)).toBe(true);
    expect(clones()).toEqual([]); // the clone is gone
    for (const secret of [REMOVED, AT_HEAD, BRANCH_ONLY, ACCESS]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('a refused clone exits 2 with git\'s reason, at once (no prompt); a password in the URL is never printed', async () => {
    const refused = await runCli(['scan', url.replace('http://', 'http://someone:hunter2-password@'), '--history'], { env: { NHI_STEWARD_GIT_TOKEN: '', TMPDIR: temp }, timeoutMs: 60_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot clone http:\/\/127\.0\.0\.1:\d+\/acme\/app\.git: git fetch failed: .*Authentication failed/);
    expect(refused.stdout + refused.stderr).not.toContain('hunter2-password');
    expect(clones()).toEqual([]);
  });

  it('without --history a URL is a usage error that says what to add', async () => {
    const run = await runCli(['scan', url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${url} is a repository URL: scan its history with --history`);
  });
});
