/**
 * A pull request with large files (docs/security.md, "Large pull requests"), through the real App
 * over HTTP and the GitHub double: files over max-file-size are known from their sizes (the git
 * tree) and never downloaded: their secrets are read from GitHub's patch, and they are not parsed
 * for identities (infrastructure files included; until 2026-12-06 those were skipped unread); the
 * rest are downloaded a few at a time within a byte budget; the App answers other deliveries while
 * the check runs; and the check concludes with a summary naming the files over the limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { example, retarget, startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { processBudget, PROCESS_BYTES_IN_FLIGHT, PULL_BYTES_IN_FLIGHT, PULL_DOWNLOAD_CONCURRENCY } from '../../../src/github/pr-check.js';
import { AppOctokit } from '../../../src/app/octokit.js';
import { APP_MAX_FILE_SIZE, loadSettings } from '../../../src/app/settings.js';
import { BASE_FILES, GITHUB_TOKEN, REPO } from './fixtures.js';

const MAX_FILE_SIZE = 100_000;
const SMALL_FILES = 24;

let double: GitHubDouble;
let app: RunningApp;

beforeEach(async () => {
  double = await startGitHubDouble({
    seed: {
      installations: [{ id: 1, account: 'acme', accountType: 'Organization' }],
      repos: [{ repo: REPO, files: { ...BASE_FILES, '.github/nhi-steward.yml': `max-file-size: ${MAX_FILE_SIZE}\n` }, installationId: 1, collaborators: { jdoe: 'write' } }],
      orgs: { acme: { members: ['jdoe'] } },
    },
  });
  app = await startApp(double);
});
afterEach(async () => {
  await app?.close();
  await double?.close();
});

/** A ConfigMap of about `bytes` bytes (an infrastructure file: the check downloads it whole). */
function configMap(name: string, bytes: number, extra = ''): string {
  const lines = [`apiVersion: v1`, `kind: ConfigMap`, `metadata:`, `  name: ${name}`, `data:`];
  if (extra) lines.push(`  token: "${extra}"`);
  for (let i = 0; lines.join('\n').length < bytes; i++) lines.push(`  key_${i}: "value ${i} of ${name}, padding padding padding"`);
  return `${lines.join('\n')}\n`;
}

describe('a pull request with large files', () => {
  it('reads files over max-file-size for secrets from their patches without downloading them, bounds the downloads, and answers other deliveries meanwhile', { timeout: 120_000 }, async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < SMALL_FILES; i++) files[`k8s/config-${String(i).padStart(2, '0')}.yaml`] = configMap(`config-${i}`, 60_000, i === 7 ? GITHUB_TOKEN : '');
    const big = ['k8s/huge-a.yaml', 'k8s/huge-b.yaml', 'data/dump.json'];
    for (const path of big) files[path] = configMap(path.replace(/\W/g, '-'), 150_000, GITHUB_TOKEN);
    // Over the limit and binary (GitHub gives no patch): streamed until it shows NUL bytes, not scanned.
    const binary = 'assets/model.bin';
    files[binary] = `\u0000${'x'.repeat(150_000)}`;
    const head = double.state.push(REPO, { branch: 'feature/big', files, author: 'jdoe' });
    const pr = double.state.openPull(REPO, { head: 'feature/big', title: 'Big', user: 'jdoe' });
    const payload = retarget(example('pull_request', 'opened'), double, REPO);
    payload.number = pr.number;
    payload.pull_request = {
      ...payload.pull_request,
      number: pr.number,
      user: { ...payload.pull_request.user, login: 'jdoe' },
      head: { ...payload.pull_request.head, sha: head, ref: 'feature/big', repo: payload.repository },
      base: { ...payload.pull_request.base, sha: pr.pull!.baseSha, ref: double.state.repo(REPO).defaultBranch, repo: payload.repository },
    };
    // Each download is a little slow, as GitHub's are: downloads overlap.
    double.inject({ method: 'GET', path: /\/contents\/k8s(%2F|\/)config-/i, delayMs: 40, times: Infinity });
    const headDownloads = () => double.requests.filter((r) => r.operationId === 'repos/get-content' && r.query.ref === head && /\/contents\/k8s(%2F|\/)config-/i.test(r.path)).length;

    // Fan-out, as the double sees it: head downloads asked for and not yet answered.
    let peakOpen = 0;
    const sampler = setInterval(() => {
      const open = double.requests.filter((r) => r.status === undefined && r.query.ref === head && /\/contents\/k8s(%2F|\/)config-/i.test(r.path)).length;
      peakOpen = Math.max(peakOpen, open);
    }, 2);
    const check = app.deliver('pull_request', payload);
    // Once the check has started downloading, another signed delivery arrives.
    const deadline = Date.now() + 60_000;
    while (headDownloads() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const ping = await app.deliver('ping', retarget(example('ping'), double, REPO));
    const downloadsWhenAnswered = headDownloads();
    const statusWhenAnswered = [...double.state.repo(REPO).checkRuns.values()].find((r) => r.head_sha === head)?.status;
    expect(ping.status).toBe(200);
    // 200, or 202 "still processing" when the check outlasts GitHub's 10 s delivery timeout (a loaded machine).
    expect([200, 202]).toContain((await check).status);
    const until = Date.now() + 90_000;
    const logged = () => app.logs.some((l) => l.includes('"msg":"NHI hygiene check completed"'));
    while (!logged() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    clearInterval(sampler);

    // Bounded fan-out: never more than PULL_DOWNLOAD_CONCURRENCY downloads open at once (all 24 before).
    expect(peakOpen).toBeGreaterThan(1);
    expect(peakOpen).toBeLessThanOrEqual(PULL_DOWNLOAD_CONCURRENCY);
    // Ordering: the ping was answered while the check was still downloading and scanning.
    // (No run yet, or one in progress: the run is shown in progress once the check outlasts
    // IN_PROGRESS_AFTER_MS, src/github/check-run.ts.)
    expect(statusWhenAnswered).not.toBe('completed');
    expect(downloadsWhenAnswered).toBeLessThan(SMALL_FILES);

    const run = [...double.state.repo(REPO).checkRuns.values()].find((r) => r.head_sha === head)!;
    expect(run.status).toBe('completed');
    expect(run.conclusion).toBe('failure');
    // The token in a small file, and in each large one (from its patch).
    expect(run.output.title).toMatch(/^4 secrets,/);
    expect(run.annotations.filter((a) => a.title === 'secret/github-classic-pat').map((a) => a.path).sort()).toEqual([...big, 'k8s/config-07.yaml'].sort());
    // The summary names every file over the limit in the skipped-files table: read for secrets, not parsed.
    const summary = run.output.summary ?? '';
    expect(summary.split('\n')[0]).toContain(`1 file over max-file-size (100000 bytes) was not scanned (binary, over 100 MB, or unreadable): \`${binary}\``);
    expect(summary).toContain('Skipped files (4)');
    for (const path of big) expect(summary).toMatch(new RegExp(`\`${path.replace(/\./g, '\\.')}\` \\| too-large: \\d+ bytes exceeds max-file-size 100000: scanned for secrets in pieces, not parsed for identities`));

    // Never downloaded: no request names a large file or its blob.
    const repo = double.state.repo(REPO);
    const blobs = big.map((path) => repo.git.flatten((repo.git.get(head, 'commit') as any).tree).get(path)!.sha);
    const touching = double.requests.filter((r) => big.some((p) => decodeURIComponent(r.path).endsWith(p)) || blobs.some((sha) => r.path.includes(sha)));
    expect(touching.map((r) => `${r.method} ${r.path}`)).toEqual([]);

    // Bounded: the App reports what it held at once, within the documented bounds.
    const line = app.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'NHI hygiene check completed');
    expect(line.downloads.files).toBe(SMALL_FILES);
    expect(line.downloads.tooLarge).toEqual([binary]); // the only one left unscanned
    expect(line.downloads.peakConcurrent).toBeLessThanOrEqual(PULL_DOWNLOAD_CONCURRENCY);
    expect(line.downloads.peakConcurrent).toBeGreaterThan(1);
    expect(line.downloads.peakBytesInFlight).toBeLessThanOrEqual(PULL_BYTES_IN_FLIGHT);
    // The process-wide budget (shared by concurrent checks) was respected and is given back.
    expect(processBudget.peak).toBeLessThanOrEqual(PROCESS_BYTES_IN_FLIGHT);
    expect(processBudget.used).toBe(0);
    double.assertNoViolations();
  });

  it('a check that fails half-way gives its reserved bytes back and does not stay in progress', { timeout: 120_000 }, async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`k8s/config-${String(i).padStart(2, '0')}.yaml`] = configMap(`config-${i}`, 30_000);
    const head = double.state.push(REPO, { branch: 'feature/broken', files, author: 'jdoe' });
    const pr = double.state.openPull(REPO, { head: 'feature/broken', title: 'Broken', user: 'jdoe' });
    const payload = retarget(example('pull_request', 'opened'), double, REPO);
    payload.number = pr.number;
    payload.pull_request = {
      ...payload.pull_request,
      number: pr.number,
      head: { ...payload.pull_request.head, sha: head, ref: 'feature/broken', repo: payload.repository },
      base: { ...payload.pull_request.base, sha: pr.pull!.baseSha, ref: double.state.repo(REPO).defaultBranch, repo: payload.repository },
    };
    // One file cannot be read at all (GitHub keeps failing): the check errors out.
    double.inject({ method: 'GET', path: /\/contents\/k8s(%2F|\/)config-05/i, status: 500, times: Infinity });
    await app.deliver('pull_request', payload);
    // GitHub's answer comes back before the retries give up (202, still processing): wait for the end.
    const run = () => [...double.state.repo(REPO).checkRuns.values()].find((r) => r.head_sha === head);
    const deadline = Date.now() + 90_000;
    while (run()?.status !== 'completed' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(run()?.status).toBe('completed');
    expect(run()?.conclusion).not.toBe('success');
    expect(processBudget.used).toBe(0);
  });

  it('a repository cannot raise max-file-size past the App\'s cap (16 MiB)', async () => {
    double.state.push(REPO, { files: { '.github/nhi-steward.yml': 'max-file-size: 1GB\n' } });
    const octokit = new AppOctokit({ auth: { token: 'ghs_test' }, baseUrl: double.url });
    const { settings, errors } = await loadSettings(octokit as never, { owner: 'acme', repo: 'payments' });
    expect(errors).toEqual([]);
    expect(settings.maxFileSize).toBe(APP_MAX_FILE_SIZE);
  });
});
