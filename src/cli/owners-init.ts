import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateOwnersFile } from '../core/policy/owners-init.js';
import { UsageError } from '../workspace/errors.js';
import { emit, type Io } from './io.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { loadSettings } from '../workspace/settings.js';

export interface OwnersInitFlags {
  output?: string;
  force?: boolean;
  config?: string;
  gitignore: boolean;
}

/**
 * `nhi-steward owners init [DIR]`: writes a starter owners file covering every NHI found, with
 * `@TODO` owners that fail validation until someone fills them in. Never overwrites without --force.
 */
export async function ownersInitCommand(dirArg: string | undefined, flags: OwnersInitFlags, io: Io): Promise<number> {
  const dir = resolve(dirArg ?? '.');
  const settings = await loadSettings({ dir, config: flags.config });
  const output = flags.output === '-' ? undefined : (flags.output ?? join(dir, settings.ownersPath));
  if (output !== undefined && !flags.force && (await exists(output))) {
    throw new UsageError(`${output} already exists (use --force to overwrite, or --output - to print it)`);
  }
  const { result } = await scanDirectory(dir, { settings, gitignore: flags.gitignore });
  await emit(io, generateOwnersFile(result.inventory), output);
  if (output !== undefined) io.stderr(`nhi-steward: owners file for ${result.inventory.length} NHI(s) written to ${output}; replace each @TODO\n`);
  return 0;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
