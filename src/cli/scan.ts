import { resolve } from 'node:path';
import { renderMarkdownSummary } from '../core/report/markdown.js';
import { rendererFor } from '../core/report/registry.js';
import { LEVELS, meetsThreshold, type FailOn } from '../core/types.js';
import { UsageError } from '../workspace/errors.js';
import { emit, toolVersion, type Io } from './io.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { loadSettings } from '../workspace/settings.js';

export interface ScanFlags {
  format: string;
  output?: string;
  config?: string;
  baseline?: string;
  failOn?: FailOn;
  diff?: string;
  staged?: boolean;
  gitignore: boolean;
  color: boolean;
}

/** `nhi-steward scan [DIR]`: exit 0 when clean, 1 when a finding is at or above fail-on. */
export async function scanCommand(dirArg: string | undefined, flags: ScanFlags, io: Io): Promise<number> {
  if (flags.diff !== undefined && flags.staged) throw new UsageError('--diff and --staged cannot be used together');
  const renderer = rendererFor(flags.format);
  if (!renderer) throw new UsageError(`unknown --format "${flags.format}"`);
  const dir = resolve(dirArg ?? '.');
  const changeMode = flags.diff !== undefined || flags.staged;
  const settings = await loadSettings({ dir, config: flags.config, baseline: flags.baseline, failOn: flags.failOn, mode: changeMode ? 'pr' : 'full' });
  const { result, changedIdentities } = await scanDirectory(dir, { settings, diff: flags.diff, staged: flags.staged, gitignore: flags.gitignore });

  const context = { version: toolVersion(), root: dirArg ?? '.', color: flags.color && io.color && flags.output === undefined };
  const report =
    renderer.format === 'markdown' ? renderMarkdownSummary(result, { root: context.root, changedIdentities }) : renderer.render(result, context);
  await emit(io, report, flags.output);

  const failing = result.findings.filter((f) => meetsThreshold(f.level, settings.failOn));
  if (flags.output !== undefined) {
    const counts = LEVELS.map((l) => `${result.findings.filter((f) => f.level === l).length} ${l}`).join(', ');
    io.stderr(`nhi-steward: ${result.findings.length} finding(s) (${counts}) written to ${flags.output}\n`);
  }
  return failing.length > 0 ? 1 : 0;
}
