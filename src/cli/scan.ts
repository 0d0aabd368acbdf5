import { resolve } from 'node:path';
import { renderMarkdownSummary } from '../core/report/markdown.js';
import { rendererFor } from '../core/report/registry.js';
import { LEVELS, meetsThreshold, type FailOn, type ScanResult } from '../core/types.js';
import { UsageError } from '../workspace/errors.js';
import { emit, toolVersion, type Io } from './io.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { scanHistory } from '../workspace/history.js';
import { loadSettings } from '../workspace/settings.js';
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
  history?: boolean;
  since?: string;
  branch?: string;
  gitignore: boolean;
  color: boolean;
}

/** `nhi-steward scan [DIR]`: exit 0 when clean, 1 when a finding is at or above fail-on. */
export async function scanCommand(dirArg: string | undefined, flags: ScanFlags, io: Io): Promise<number> {
  if (flags.diff !== undefined && flags.staged) throw new UsageError('--diff and --staged cannot be used together');
  if (flags.history && (flags.diff !== undefined || flags.staged)) throw new UsageError('--history cannot be combined with --diff or --staged (use --since REF)');
  if (!flags.history && (flags.since !== undefined || flags.branch !== undefined)) throw new UsageError('--since and --branch need --history');
  const renderer = rendererFor(flags.format);
  if (!renderer) throw new UsageError(`unknown --format "${flags.format}"`);
  const dir = resolve(dirArg ?? '.');
  const changeMode = flags.diff !== undefined || flags.staged;
  const gateOnLive = flags.failOn === 'live' || flags.onlyLive === true;
  const failOn = flags.failOn === 'live' ? undefined : flags.failOn;
  const settings = await loadSettings({ dir, config: flags.config, baseline: flags.baseline, failOn, mode: changeMode ? 'pr' : 'full' });
  // Only an explicit flag sends secrets anywhere: a scanned repository's own config cannot opt the CLI in.
  const vault = flags.verify || gateOnLive ? new SecretVault() : undefined;
  let scan: { result: ScanResult; changedIdentities?: ReadonlySet<string> };
  if (flags.history) {
    const { result, history } = await scanHistory(dir, { settings, since: flags.since, branch: flags.branch, revealSecrets: vault?.sink });
    const mb = (history.blobBytes / 1e6).toFixed(1);
    io.stderr(`nhi-steward: history: ${history.commits} commit(s), ${history.blobs} unique blob(s) (${mb} MB) scanned${history.shallow.length > 0 ? ' (shallow clone: older history not available)' : ''}\n`);
    scan = { result };
  } else {
    scan = await scanDirectory(dir, { settings, diff: flags.diff, staged: flags.staged, gitignore: flags.gitignore, revealSecrets: vault?.sink });
  }
  const { result, changedIdentities } = scan;
  if (vault) {
    const summary = await runVerification(result.findings, vault, { settings: settings.verify, log: (line) => io.stderr(`nhi-steward: ${line}\n`) });
    io.stderr(summaryLine(summary));
    if (flags.onlyLive) result.findings = result.findings.filter((f) => f.verification === 'live');
  }

  const context = { version: toolVersion(), root: dirArg ?? '.', color: flags.color && io.color && flags.output === undefined };
  const report =
    renderer.format === 'markdown' ? renderMarkdownSummary(result, { root: context.root, changedIdentities }) : renderer.render(result, context);
  await emit(io, report, flags.output);

  const failing = result.findings.filter((f) => (gateOnLive ? f.verification === 'live' : meetsThreshold(f.level, settings.failOn)));
  if (flags.output !== undefined) {
    const counts = LEVELS.map((l) => `${result.findings.filter((f) => f.level === l).length} ${l}`).join(', ');
    io.stderr(`nhi-steward: ${result.findings.length} finding(s) (${counts}) written to ${flags.output}\n`);
  }
  return failing.length > 0 ? 1 : 0;
}
