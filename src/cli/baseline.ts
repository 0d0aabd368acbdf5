import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { readBaseline, writeBaseline, type BaselineKdf } from '../core/secrets/baseline.js';
import { DEFAULT_SCRYPT, newSalt } from '../core/secrets/fingerprint.js';
import { emit, type Io } from './io.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { scanHistory } from '../workspace/history.js';
import { UsageError } from '../workspace/errors.js';
import { loadSettings } from '../workspace/settings.js';

export interface BaselineFlags {
  output?: string;
  config?: string;
  gitignore: boolean;
  /** Record the secrets of every commit (`scan --history`'s findings) instead of the tree's. */
  history?: boolean;
  since?: string;
  branch?: string;
}

/**
 * `nhi-steward baseline [DIR]`: records today's secret findings by content fingerprint, so later
 * scans report only new ones. Only `secret/*` findings go in: governance gaps (unowned NHIs, no
 * rotation) are fixed in the owners file, not hidden. With `--history`, the secrets of every
 * commit (what `scan --history` reports), so a team adopting history scans accepts the old
 * secrets it has rotated and is held to new ones.
 */
export async function baselineCommand(dirArg: string | undefined, flags: BaselineFlags, io: Io): Promise<number> {
  if (!flags.history && (flags.since !== undefined || flags.branch !== undefined)) throw new UsageError('--since and --branch need --history');
  const dir = resolve(dirArg ?? '.');
  const loaded = await loadSettings({ dir, config: flags.config, ignoreBaseline: true });
  const output = flags.output ?? join(dir, loaded.baselinePath);
  // Keep the existing file's salt (small diffs); a version-1 or missing baseline gets a new one.
  const kdf = (await existingKdf(output)) ?? { salt: newSalt(), cost: DEFAULT_SCRYPT };
  const settings = { ...loaded, hashSalt: kdf };
  const { result } = flags.history ? await scanHistory(dir, { settings, since: flags.since, branch: flags.branch }) : await scanDirectory(dir, { settings, gitignore: flags.gitignore });
  const secrets = result.findings.filter((f) => f.rule.startsWith('secret/'));
  await emit(io, writeBaseline(secrets, kdf), output);
  io.stderr(`nhi-steward: baseline of ${secrets.length} secret finding(s)${flags.history ? ' from the git history' : ''} written to ${output}\n`);
  return 0;
}

async function existingKdf(path: string): Promise<BaselineKdf | undefined> {
  try {
    return readBaseline(await readFile(path, 'utf8')).kdf;
  } catch {
    return undefined; // absent or unreadable: the new file gets a fresh salt
  }
}
