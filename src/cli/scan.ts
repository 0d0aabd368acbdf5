import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { renderMarkdownSummary } from '../core/report/markdown.js';
import { rendererFor } from '../core/report/registry.js';
import { LEVELS, meetsThreshold, type FailOn, type Finding, type ScanResult, type SecretSink } from '../core/types.js';
import { UsageError } from '../workspace/errors.js';
import { workTreeOf } from '../workspace/git.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { scanOneFile } from '../workspace/scan-file.js';
import { gitOutputNote, scanHistory } from '../workspace/history.js';
import { withClone } from '../workspace/git-clone.js';
import { loadSettings } from '../workspace/settings.js';
import { emit, toolVersion, type Io } from './io.js';
import { createHistoryProgress, createProgress } from './progress.js';
import { runVerification, SecretVault, summaryLine } from '../verify/index.js';

export interface ScanFlags {
  format: string;
  output?: string;
  config?: string;
  baseline?: string;
  /** A level, or `live` (implies --verify): exit 1 only for a secret verified live. */
  failOn?: FailOn | 'live';
  /** Live verification of found secrets (docs/verification.md). */
  verify?: boolean;
  /** Report only secrets verified live, and exit 1 when there is one (implies --verify). */
  onlyLive?: boolean;
  diff?: string;
  staged?: boolean;
  /** With --staged: identity and owners-file findings block the commit too. */
  strict?: boolean;
  /** `scan -`: the path the rules see for standard input. */
  stdinName?: string;
  history?: boolean;
  since?: string;
  branch?: string;
  gitignore: boolean;
  color: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/** `nhi-steward scan [DIR|FILE|-]`: exit 0 when clean, 1 when a finding is at or above fail-on. */
export async function scanCommand(target: string | undefined, flags: ScanFlags, io: Io): Promise<number> {
  if (flags.diff !== undefined && flags.staged) throw new UsageError('--diff and --staged cannot be used together');
  if (flags.history && (flags.diff !== undefined || flags.staged)) throw new UsageError('--history cannot be combined with --diff or --staged (use --since REF)');
  if (!flags.history && (flags.since !== undefined || flags.branch !== undefined)) throw new UsageError('--since and --branch need --history');
  if (flags.strict && !flags.staged) throw new UsageError('--strict only applies to --staged');
  if (flags.stdinName !== undefined && target !== '-') throw new UsageError('--stdin-name only applies to `scan -` (standard input)');
  const renderer = rendererFor(flags.format);
  if (!renderer) throw new UsageError(`unknown --format "${flags.format}"`);
  const gateOnLive = flags.failOn === 'live' || flags.onlyLive === true;
  // Only an explicit flag sends secrets anywhere: a scanned repository's own config cannot opt the CLI in.
  const vault = flags.verify || gateOnLive ? new SecretVault() : undefined;
  const scanned = await scanTarget(target ?? '.', flags, io, vault, renderer.format === 'sarif');
  const { result, settings, changedIdentities } = scanned;
  if (vault) {
    const summary = await runVerification(result.findings, vault, { settings: settings.verify, log: (line) => io.stderr(`nhi-steward: ${line}\n`) });
    if (!flags.quiet) io.stderr(summaryLine(summary));
    if (flags.onlyLive) result.findings = result.findings.filter((f) => f.verification === 'live');
  }

  // SARIF paths are relative to the repository root, so upload-sarif points at the right files.
  const prefix = renderer.format === 'sarif' ? scanned.prefix : '';
  const rendered = prefix ? withPrefix(result, prefix) : result;
  const root = target === '-' ? (flags.stdinName ?? 'standard input') : shownUrl(target ?? '.');
  const history = scanned.commits === undefined ? {} : { history: { commits: scanned.commits } };
  const context = { version: toolVersion(), root, color: flags.color && io.color && flags.output === undefined, verbose: flags.verbose, quiet: flags.quiet, ...history };
  const report = renderer.format === 'markdown' ? renderMarkdownSummary(rendered, { root, changedIdentities, ...history }) : renderer.render(rendered, context);
  if (!(flags.quiet && renderer.format === 'text' && result.findings.length === 0)) await emit(io, report, flags.output);

  // Pre-commit: only secrets block by default; identity rules there are advice, not a gate.
  const gating = flags.staged && !flags.strict ? result.findings.filter(isSecret) : result.findings;
  const failing = gating.filter((f) => (gateOnLive ? f.verification === 'live' : meetsThreshold(f.level, settings.failOn)));
  if (flags.output !== undefined && !flags.quiet) {
    const counts = LEVELS.map((l) => `${result.findings.filter((f) => f.level === l).length} ${l}`).join(', ');
    io.stderr(`nhi-steward: ${result.findings.length} finding(s) (${counts}) written to ${flags.output}\n`);
  }
  return failing.length > 0 ? 1 : 0;
}

interface Scanned {
  result: ScanResult;
  settings: Awaited<ReturnType<typeof loadSettings>>;
  changedIdentities?: ReadonlySet<string>;
  /** Path of the scanned root inside its git work tree ('' at the top or outside git). */
  prefix: string;
  /** A history scan: the commits it walked. */
  commits?: number;
}

/** `wantsPrefix`: SARIF only (a `git rev-parse` child process, ~25 ms of CPU, that other formats do not need). */
async function scanTarget(target: string, flags: ScanFlags, io: Io, vault: SecretVault | undefined, wantsPrefix: boolean): Promise<Scanned> {
  const changeMode = flags.diff !== undefined || flags.staged === true;
  const failOn = flags.failOn === 'live' ? undefined : flags.failOn;
  const revealSecrets = vault?.sink;
  if (target === '-' || (await isFile(target))) {
    if (changeMode || flags.history) throw new UsageError('--diff, --staged and --history scan a folder, not a single file or standard input');
    const input = target === '-' ? await stdinInput(flags, io) : await fileInput(target);
    const settings = await loadSettings({ dir: input.root, config: flags.config, baseline: flags.baseline, failOn, mode: 'full' });
    return { result: await scanOneFile(input.root, input.path, input.bytes, settings, revealSecrets), settings, prefix: '' };
  }
  if (isRepositoryUrl(target) && !(await stat(target).then(() => true, () => false))) {
    if (!flags.history) throw new UsageError(`${shownUrl(target)} is a repository URL: scan its history with --history (it is cloned into a temporary folder, removed afterwards)`);
    return cloneAndScan(target, flags, io, failOn, revealSecrets);
  }
  const dir = resolve(target);
  const settings = await loadSettings({ dir, config: flags.config, baseline: flags.baseline, failOn, mode: changeMode ? 'pr' : 'full' });
  if (flags.history) return { ...(await historyOf(dir, settings, flags, io, revealSecrets)), settings, prefix: '' }; // history paths come from git trees: already repository-relative
  const progress = io.progress && !flags.quiet ? createProgress(io.stderr, io.clock) : undefined;
  try {
    const workers = workersFromEnv();
    const { result, changedIdentities } = await scanDirectory(dir, { settings, diff: flags.diff, staged: flags.staged, gitignore: flags.gitignore, onItem: progress?.onItem, revealSecrets, ...(workers === undefined ? {} : { workers }), ...readAheadFromEnv() });
    const staged = flags.staged && !flags.strict ? demoteIdentityRules(result) : result;
    const prefix = wantsPrefix ? ((await workTreeOf(dir))?.prefix ?? '') : '';
    return { result: staged, settings, changedIdentities, prefix };
  } finally {
    progress?.done();
  }
}

/**
 * `NHI_STEWARD_WORKERS=N`: worker threads beside the main thread for a folder scan (0: none),
 * instead of the core-count default; for measuring (docs/performance.md) and for hosts that
 * report more cores than the process may use.
 */
function workersFromEnv(): number | undefined {
  const raw = process.env.NHI_STEWARD_WORKERS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`NHI_STEWARD_WORKERS must be a whole number from 0 to 256, not "${raw}"`);
  return n;
}

/**
 * `NHI_STEWARD_READ_AHEAD=0` or `=1`: the read-ahead thread of a scan without workers off or on,
 * instead of the default, off (src/core/parallel/tree-pool.ts, defaultReadAhead); for
 * measuring (docs/performance.md, "Read-ahead").
 */
function readAheadFromEnv(): { readAhead?: boolean } {
  const raw = process.env.NHI_STEWARD_READ_AHEAD;
  if (raw === undefined || raw === '') return {};
  if (raw !== '0' && raw !== '1') throw new UsageError(`NHI_STEWARD_READ_AHEAD must be 0 or 1, not "${raw}"`);
  return { readAhead: raw === '1' };
}

async function historyOf(dir: string, settings: Awaited<ReturnType<typeof loadSettings>>, flags: ScanFlags, io: Io, revealSecrets: SecretSink | undefined): Promise<{ result: ScanResult; commits: number }> {
  const progress = io.progress && !flags.quiet ? createHistoryProgress(io.stderr, io.clock) : undefined;
  const { result, history } = await scanHistory(dir, { settings, since: flags.since, branch: flags.branch, revealSecrets, onProgress: progress?.onProgress }).finally(() => progress?.done());
  const mb = (history.blobBytes / 1e6).toFixed(1);
  if (!flags.quiet) io.stderr(`nhi-steward: history: ${history.commits} commit(s), ${history.blobs} unique blob(s) (${mb} MB) scanned${history.shallow.length > 0 ? ' (shallow clone: older history not available)' : ''}${history.notFetched > 0 ? ` (partial clone: ${history.notFetched} blob(s) it has not fetched were not scanned)` : ''}\n`);
  const fallback = gitOutputNote(history);
  if (!flags.quiet && fallback) io.stderr(`nhi-steward: history: ${fallback}\n`);
  return { result, commits: history.commits };
}

/**
 * `scan URL --history`: every branch and tag of a remote repository, fetched into a temporary bare
 * clone (git's own transport and credentials: credential helpers, an SSH agent, or
 * NHI_STEWARD_GIT_TOKEN sent as GitHub's `x-access-token`; never a prompt), scanned, then removed.
 * The clone is capped at NHI_STEWARD_CLONE_MAX_MB (default 2048) and 10 minutes. Settings come
 * from --config and --baseline only: the remote's own files are not read (docs/history.md).
 */
async function cloneAndScan(url: string, flags: ScanFlags, io: Io, failOn: FailOn | undefined, revealSecrets: SecretSink | undefined): Promise<Scanned> {
  const cap = process.env.NHI_STEWARD_CLONE_MAX_MB;
  if (cap !== undefined && !/^[1-9]\d{0,6}$/.test(cap)) throw new UsageError(`NHI_STEWARD_CLONE_MAX_MB must be a whole number of MB, not "${cap}"`);
  const maxBytes = cap === undefined ? undefined : Number(cap) * 1024 * 1024;
  if (!flags.quiet) io.stderr(`nhi-steward: cloning ${shownUrl(url)} (every branch and tag) into a temporary folder\n`);
  const token = process.env.NHI_STEWARD_GIT_TOKEN || undefined;
  const refspecs = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
  let cloned = false;
  try {
    return await withClone({ url, token, refspecs, maxBytes, userCredentials: true, remoteHead: true }, async (dir) => {
      cloned = true;
      const settings = await loadSettings({ dir, config: flags.config, baseline: flags.baseline, failOn, mode: 'full' });
      return { ...(await historyOf(dir, settings, flags, io, revealSecrets)), settings, prefix: '' };
    });
  } catch (error) {
    // The clone's own failures are the user's to fix (a URL, credentials, the cap); the scan's are not.
    if (cloned || error instanceof UsageError) throw error;
    throw new UsageError(`cannot clone ${shownUrl(url)}: ${(error as Error).message}`);
  }
}

/** A repository URL rather than a path: a scheme git fetches from, or scp-like `user@host:path`. */
export function isRepositoryUrl(target: string): boolean {
  return /^(?:https?|ssh|git|file):\/\//i.test(target) || /^[\w.-]+@[\w.-]+:(?!\/\/)/.test(target);
}

/** `url` without a user name or password in it, for output. */
export function shownUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}

interface FileInput {
  /** The folder whose config and owners file apply: the file's git work tree, else its folder. */
  root: string;
  /** POSIX path relative to root. */
  path: string;
  bytes: Buffer;
}

async function fileInput(target: string): Promise<FileInput> {
  const file = resolve(target);
  const root = (await workTreeOf(dirname(file)))?.top ?? dirname(file);
  return { root, path: relative(root, file).split(sep).join('/'), bytes: await readFile(file) };
}

async function stdinInput(flags: ScanFlags, io: Io): Promise<FileInput> {
  const name = flags.stdinName ?? 'stdin';
  if (name === '' || name.startsWith('/') || name.split(/[\\/]/).includes('..')) throw new UsageError(`--stdin-name "${name}" must be a relative path inside the repository`);
  if (!io.readStdin) throw new UsageError('standard input is not available');
  const root = (await workTreeOf(process.cwd()))?.top ?? process.cwd();
  return { root, path: name.replace(/\\/g, '/').replace(/^\.\//, ''), bytes: await io.readStdin() };
}

function isSecret(f: Finding): boolean {
  return f.rule.startsWith('secret/');
}

/** --staged: identity and owners-file findings are reported as warnings at most. */
function demoteIdentityRules(result: ScanResult): ScanResult {
  const findings = result.findings.map((f) => (!isSecret(f) && f.level === 'error' ? { ...f, level: 'warning' as const } : f));
  return { ...result, findings };
}

function withPrefix(result: ScanResult, prefix: string): ScanResult {
  return {
    ...result,
    findings: result.findings.map((f) => ({ ...f, file: prefix + f.file })),
    skipped: result.skipped.map((s) => ({ ...s, path: prefix + s.path })),
  };
}
