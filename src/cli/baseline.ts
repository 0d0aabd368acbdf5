import { join, resolve } from 'node:path';
import { writeBaseline } from '../core/secrets/baseline.js';
import { emit, type Io } from './io.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { loadSettings } from '../workspace/settings.js';

export interface BaselineFlags {
  output?: string;
  config?: string;
  gitignore: boolean;
}

/**
 * `nhi-steward baseline [DIR]`: records today's secret findings by content fingerprint, so later
 * scans report only new ones. Only `secret/*` findings go in: governance gaps (unowned NHIs, no
 * rotation) are fixed in the owners file, not hidden.
 */
export async function baselineCommand(dirArg: string | undefined, flags: BaselineFlags, io: Io): Promise<number> {
  const dir = resolve(dirArg ?? '.');
  const settings = await loadSettings({ dir, config: flags.config, ignoreBaseline: true });
  const { result } = await scanDirectory(dir, { settings, gitignore: flags.gitignore });
  const secrets = result.findings.filter((f) => f.rule.startsWith('secret/'));
  const output = flags.output ?? join(dir, settings.baselinePath);
  await emit(io, writeBaseline(secrets), output);
  io.stderr(`nhi-steward: baseline of ${secrets.length} secret finding(s) written to ${output}\n`);
  return 0;
}
