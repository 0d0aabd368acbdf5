import * as core from '@actions/core';
import * as github from '@actions/github';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { renderMarkdownSummary } from '../core/report/markdown.js';
import { rendererFor } from '../core/report/registry.js';
import { meetsThreshold, type ScanResult, type ScanSettings } from '../core/types.js';
import { loadSettings } from '../workspace/settings.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { defaults as actionsDefaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { asClient, octokitOptions } from '../github/octokit.js';
import { analysePullRequest } from '../github/pr-check.js';
import { withApiCommits } from '../github/pr-commits.js';
import { syncScanIssues } from '../github/scan-sync.js';
import { annotationsFor } from './annotations.js';
import { commitReader, diffBase, type DiffBase, type PullShas } from './checkout.js';
import { getFileText } from '../github/contents.js';
import { permalink } from '../github/issue-content.js';
import { mergeCommitSecrets, mergeHistory } from '../core/commits.js';
import { ensureRange, scanCommitRange } from '../workspace/commits.js';
import { scanHistory } from '../workspace/history.js';
import { DEFAULT_CONFIG, InputError, readInputs, type ActionInputs } from './inputs.js';
import { fromRepositoryRoot } from './paths.js';
import { runVerification, SecretVault, summaryLine } from '../verify/index.js';

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
/** The job summary file accepts up to 1 MiB; keep well inside it. */
const SUMMARY_LIMIT = 512 * 1024;

/** The whole Action. `index.ts` only calls this; user errors end in `setFailed` with no stack. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const workspace = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
    const dir = await insideWorkspace(workspace, inputs.path, 'path');
    // The default is `${{ runner.temp }}/nhi-steward.sarif`; a runner that leaves it unexpanded gets the same.
    // Anything else must stay inside the workspace (docs/security.md).
    const runnerTemp = process.env.RUNNER_TEMP ?? tmpdir();
    const inTemp = inputs.sarifFile.startsWith('${{ runner.temp }}/') || (isAbsolute(inputs.sarifFile) && !relative(resolve(runnerTemp), inputs.sarifFile).startsWith('..'));
    const sarifFile = inputs.sarifFile.replaceAll('${{ runner.temp }}', runnerTemp);
    const sarifPath = !sarifFile ? '' : inTemp ? resolve(sarifFile) : await insideWorkspace(workspace, sarifFile, 'sarif-file');
    const mode = inputs.mode === 'auto' ? (PR_EVENTS.has(github.context.eventName) ? 'pr' : 'scan') : inputs.mode;
    // PR mode: the config, baseline and ignore files come from the base commit, so that a pull
    // request cannot switch off or relax its own check (docs/security.md).
    const pr = mode === 'pr' ? await pullRequestBase(inputs, dir) : undefined;
    // The default config path may be absent; a path the workflow names must exist.
    const named = inputs.config === DEFAULT_CONFIG ? undefined : inputs.config;
    const config = named && !pr ? join(dir, named) : named;
    const loaded = await loadSettings({ dir, config, failOn: inputs.failOn, fingerprintKey: inputs.fingerprintKey || undefined, readRepoFile: pr?.read });
    const settings = ignoring({ ...loaded, legacyFingerprints: mode === 'scan' && inputs.issues }, dir, sarifPath);
    // `verify: on` in the config: found secrets are checked with their providers (docs/verification.md).
    const vault = settings.verify?.enabled ? new SecretVault() : undefined;
    const { result, changedIdentities } = pr ? await pullRequestScan(inputs, dir, settings, pr, vault) : { result: await treeScan(inputs, dir, settings, vault), changedIdentities: undefined };
    if (vault) core.info(summaryLine(await runVerification(result.findings, vault, { settings: settings.verify, log: (line) => core.info(line) })).trim());
    await report(result, sarifPath, mode, changedIdentities);
    if (mode === 'scan' && inputs.issues) await syncIssues(inputs, result, settings);
    const failing = result.findings.filter((f) => meetsThreshold(f.level, settings.failOn));
    if (failing.length > 0) core.setFailed(`nhi-steward found ${failing.length} finding${failing.length === 1 ? '' : 's'} at or above fail-on "${settings.failOn}". See the job summary.`);
  } catch (error) {
    if (error instanceof InputError || (error as Error).name === 'UsageError') core.setFailed((error as Error).message);
    else core.setFailed(`nhi-steward stopped on an internal error: ${(error as Error).message}`);
  }
}

/**
 * PR events: the checked-out tree against the PR's base (see checkout.ts); when the workspace
 * cannot answer (no base to be had, or not the PR's code), the API's PR files. The API's paths
 * are already relative to the repository root.
 */
interface PullRequestBase {
  number: number;
  commits: number;
  /** The payload's `changed_files`: more than the API's file list holds when GitHub cut it (3,000). */
  changedFiles?: number;
  shas: PullShas;
  local: DiffBase;
  /** Reads a file (path relative to `dir`) as it is in the base commit. */
  read: (path: string) => Promise<string | undefined>;
}

async function pullRequestBase(inputs: ActionInputs, dir: string): Promise<PullRequestBase> {
  const pull = github.context.payload.pull_request;
  if (!pull) throw new InputError('mode "pr" needs a pull_request event; use mode "scan" for other events.');
  const shas = { headSha: String(pull.head.sha), baseSha: String(pull.base.sha) };
  const local = await diffBase(dir, shas);
  const commits = Number(pull.commits) || 1;
  const changedFiles = Number(pull.changed_files) || undefined;
  if ('base' in local) return { number: pull.number, commits, changedFiles, shas, local, read: commitReader(dir, local.base) };
  // No base commit in the workspace: read the files at the base through the API.
  const prefix = inputs.path === '.' ? '' : `${inputs.path.replace(/^\.\/+|\/+$/g, '')}/`;
  return { number: pull.number, commits, changedFiles, shas, local, read: (path) => getFileText(client(inputs), repoRef(), `${prefix}${path}`, shas.baseSha) };
}

async function pullRequestScan(inputs: ActionInputs, dir: string, settings: ScanSettings, pr: PullRequestBase, vault?: SecretVault): Promise<{ result: ScanResult; changedIdentities?: ReadonlySet<string> }> {
  const { local, shas } = pr;
  if ('base' in local) {
    const scan = await scanDirectory(dir, { settings, diff: local.base, revealSecrets: vault?.sink });
    const result = fromRepositoryRoot(await withCommits(scan.result, dir, { base: local.base, head: shas.headSha }, pr.commits, 'pull request', settings, vault), inputs.path);
    return { result, changedIdentities: scan.changedIdentities };
  }
  core.info(`${local.reason}: using the API's PR files.`);
  const api = client(inputs);
  const analysis = await analysePullRequest(api, repoRef(), { number: pr.number, ...shas, changedFiles: pr.changedFiles }, settings, vault?.sink);
  // The summary lists the NHIs this PR adds or changes (as the App's check does), not the whole inventory.
  const changedIdentities = new Set([...analysis.added, ...analysis.changed].map((r) => r.id));
  const count = pr.commits;
  if (analysis.unlistedFiles) {
    // Past GitHub's 3,000 listed files, the commits' own file lists (3,000 each) show the rest.
    core.warning(`GitHub lists only ${pr.changedFiles! - analysis.unlistedFiles} of this pull request's ${pr.changedFiles} changed files: the other ${analysis.unlistedFiles} were checked for secrets only in the files each commit's own list shows (3,000 at most), not for NHI declarations or owners (check out the repository with its history to read them all).`);
  } else if (count <= 1) return { result: analysis.result, changedIdentities };
  // No usable checkout: each commit's patch from the API instead of git log -p.
  const { owner, repo } = repoRef();
  const scanned = await withApiCommits(analysis.result, api, repoRef(), { number: pr.number, ...shas, count }, `${github.context.serverUrl}/${owner}/${repo}`, settings, vault?.sink);
  core.info(scanned.note);
  return { result: scanned.result, changedIdentities };
}

/**
 * `path` and `sarif-file` resolved in the workspace; inputs.ts already refused absolute paths and
 * `..`, and here a folder link in the checkout cannot lead outside either.
 */
async function insideWorkspace(workspace: string, path: string, name: string): Promise<string> {
  const full = resolve(workspace, path);
  const root = await realpath(workspace).catch(() => workspace);
  let existing = full;
  while (existing !== dirname(existing)) {
    const real = await realpath(existing).catch(() => undefined);
    if (real !== undefined) {
      const rel = relative(root, real);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new InputError(`Input "${name}" leads outside the workspace (through a symbolic link).`);
      return full;
    }
    existing = dirname(existing);
  }
  return full;
}

/**
 * Scan mode: the tree at HEAD; on a push, also every pushed commit (before..after), so a secret
 * added and removed within the push is still reported; with `history: on`, the whole history.
 */
async function treeScan(inputs: ActionInputs, dir: string, settings: ScanSettings, vault?: SecretVault): Promise<ScanResult> {
  let result = (await scanDirectory(dir, { settings, revealSecrets: vault?.sink })).result;
  const { payload, eventName } = github.context;
  const before = typeof payload.before === 'string' ? payload.before : '';
  const after = typeof payload.after === 'string' ? payload.after : '';
  if (eventName === 'push' && /^[0-9a-f]{40,64}$/.test(before) && !/^0+$/.test(before) && /^[0-9a-f]{40,64}$/.test(after) && !inputs.history) {
    const pushed = Array.isArray(payload.commits) ? payload.commits.length : 1;
    result = await withCommits(result, dir, { base: before, head: after }, pushed, 'push', settings, vault);
  }
  result = fromRepositoryRoot(result, inputs.path);
  if (!inputs.history) return result;
  const { result: history, history: stats } = await scanHistory(dir, { settings, revealSecrets: vault?.sink });
  if (stats.shallow.length > 0) core.warning('history: on, but the checkout is shallow: only the fetched commits were scanned. Use actions/checkout with fetch-depth: 0.');
  if (stats.notFetched > 0) core.warning(`history: on, but the checkout is a partial clone: ${stats.notFetched} blob(s) it had not fetched were not scanned. Use actions/checkout without filter.`);
  core.info(`History: ${stats.commits} commit(s), ${stats.blobs} unique blob(s) (${(stats.blobBytes / 1e6).toFixed(1)} MB) scanned.`);
  return mergeHistory(result, history);
}

/** Adds the secrets of each commit in `range` to the net result (see src/core/commits.ts). */
async function withCommits(net: ScanResult, dir: string, range: { base: string; head: string }, commitsHint: number, scope: 'pull request' | 'push', settings: ScanSettings, vault?: SecretVault): Promise<ScanResult> {
  if (!(await ensureRange(dir, range.base, range.head, commitsHint))) {
    core.warning(`Could not read the commits ${range.base.slice(0, 12)}..${range.head.slice(0, 12)} from the checkout or origin: only the net change was scanned.`);
    return net;
  }
  const secrets = await scanCommitRange(dir, range, settings, vault?.sink);
  core.info(`Commits: ${secrets.commits} commit(s) in the ${scope} scanned one by one.`);
  for (const note of secrets.summary()) core.warning(note);
  const { serverUrl } = github.context;
  const { owner, repo } = repoRef();
  return mergeCommitSecrets(net, secrets.findings(), { scope, commitUrl: owner ? (sha) => `${serverUrl}/${owner}/${repo}/commit/${sha}` : undefined });
}

/** The action's own SARIF file, when written inside the scanned folder, is not the repository's content. */
function ignoring(settings: ScanSettings, dir: string, sarifPath: string): ScanSettings {
  const rel = sarifPath ? relative(dir, sarifPath) : '';
  if (!rel || rel.startsWith('..')) return settings;
  return { ...settings, pathsIgnore: [...settings.pathsIgnore, rel.split(sep).join('/')] };
}

async function report(result: ScanResult, sarifPath: string, mode: string, changedIdentities?: ReadonlySet<string>): Promise<void> {
  for (const annotation of annotationsFor(result.findings)) core[annotation.kind](annotation.message, annotation.properties);
  const { serverUrl } = github.context;
  const { owner, repo } = repoRef();
  const sha = github.context.payload.pull_request?.head?.sha ?? github.context.sha;
  // No commit to link to (GITHUB_SHA unset, e.g. a local runner): plain file:line, not blob/undefined.
  const links = { htmlUrl: `${serverUrl}/${owner}/${repo}`, sha };
  const link = owner && sha ? (file: string, line: number) => permalink(links, file, line) : undefined;
  const summary = renderMarkdownSummary(result, { maxLength: SUMMARY_LIMIT, title: 'NHI hygiene', link, ...(changedIdentities ? { changedIdentities } : {}) });
  await writeJobSummary(summary);
  if (sarifPath) {
    await mkdir(dirname(sarifPath), { recursive: true });
    // Paths are relative to the repository root, which is what code scanning resolves them against.
    await writeFile(sarifPath, rendererFor('sarif')!.render(result, { version: ACTION_VERSION, root: `${owner}/${repo}` }));
  }
  const count = (test: (rule: string) => boolean) => String(result.findings.filter((f) => test(f.rule)).length);
  core.setOutput('findings', String(result.findings.length));
  core.setOutput('secrets', count((r) => r.startsWith('secret/')));
  core.setOutput('unowned', count((r) => r === 'identity/unowned'));
  core.setOutput('no-rotation', count((r) => r === 'credential/no-rotation'));
  if (result.findings.some((f) => f.verification !== undefined)) core.setOutput('live', String(result.findings.filter((f) => f.verification === 'live').length));
  core.setOutput('sarif-file', sarifPath);
  core.info(`nhi-steward (${mode}): ${result.findings.length} findings in ${result.stats.files} files; ${result.skipped.length} skipped.`);
}

/**
 * The job summary, or — where the runner gives no summary file (a local runner such as `act`,
 * older GitHub Enterprise Server) — the same Markdown in the log, after a notice that says so.
 */
async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.notice('GITHUB_STEP_SUMMARY is not set (a local runner or an older GitHub Enterprise Server): the report follows in the log instead of the job summary.');
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}

async function syncIssues(inputs: ActionInputs, result: ScanResult, settings: ScanSettings): Promise<void> {
  const repo = repoRef();
  const htmlUrl = `${github.context.serverUrl}/${repo.owner}/${repo.repo}`;
  // The workflow's `issues` input is the opt-in: it does not wait for the owners file as the App does.
  const api = client(inputs);
  const author = await tokenIdentity(api);
  const sync = await syncScanIssues(api, repo, result, { htmlUrl, sha: github.context.sha, commands: false }, { ...settings, issues: { ...settings.issues, enabled: settings.issues.enabled ?? true } }, { author });
  core.info(`Issues: ${sync.created.length} opened, ${sync.updated.length} updated, ${sync.reopened.length} reopened, ${sync.closed.length} closed.`);
}

/**
 * Whose issues the sync manages (docs/security.md, "Forged issues"): the token's own user for a
 * personal access token (`GET /user`), else the workflow token's `github-actions[bot]` (installation
 * tokens cannot call `GET /user`). Issues anyone else opened are never updated, closed or adopted.
 */
async function tokenIdentity(api: GitHubClient): Promise<string> {
  try {
    const { data } = await api.request('GET /user');
    if (typeof data?.login === 'string' && data.login) return data.login;
  } catch {
    // 403 "Resource not accessible by integration": the workflow's GITHUB_TOKEN.
  }
  return 'github-actions[bot]';
}

function client(inputs: ActionInputs): GitHubClient {
  if (!inputs.token) throw new InputError('Input "token" is empty: pass `token: ${{ github.token }}` (the default) or a token with issues: write.');
  // Octokit's own retry and throttling plugins, configured as the App's are (github/octokit.ts);
  // the per-request timeout wraps the runner's proxy-aware fetch.
  return asClient(github.getOctokit(inputs.token, octokitOptions({ request: { ...actionsDefaults.request } }), retry, throttling));
}

function repoRef(): RepoRef {
  return { owner: github.context.repo.owner, repo: github.context.repo.repo };
}

declare const __ACTION_VERSION__: string | undefined;
const ACTION_VERSION = typeof __ACTION_VERSION__ === 'string' ? __ACTION_VERSION__ : '0.0.0-dev';
