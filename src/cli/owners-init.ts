import { access, readFile } from 'node:fs/promises';
import { CODEOWNERS_PATHS, parseCodeowners, type Codeowners } from '../core/policy/codeowners.js';
import { join, resolve } from 'node:path';
import { generateOwnersFile, updateOwnersFile } from '../core/policy/owners-init.js';
import { UsageError } from '../workspace/errors.js';
import { emit, type Io } from './io.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { loadSettings } from '../workspace/settings.js';

export interface OwnersInitFlags {
  output?: string;
  force?: boolean;
  update?: boolean;
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
  const codeowners = await readCodeowners(dir);
  if (flags.update) {
    const current = join(dir, settings.ownersPath);
    const existing = await readFile(current, 'utf8').catch(() => {
      throw new UsageError(`${current} does not exist: run \`nhi-steward owners init\` without --update first`);
    });
    const { result } = await scanDirectory(dir, { settings, gitignore: flags.gitignore });
    const { text, added } = updateOwnersFile(existing, result.inventory, { codeowners });
    await emit(io, text, flags.output === '-' ? undefined : (flags.output ?? current));
    io.stderr(`nhi-steward: ${added} entr${added === 1 ? 'y' : 'ies'} appended for NHIs the owners file did not cover${added ? '; replace each @TODO and confirm each SUGGESTION' : ''}\n`);
    return 0;
  }
  if (output !== undefined && !flags.force && (await exists(output))) {
    throw new UsageError(`${output} already exists (use --force to overwrite, --update to append entries for NHIs it does not cover, or --output - to print it)`);
  }
  const { result } = await scanDirectory(dir, { settings, gitignore: flags.gitignore });
  await emit(io, generateOwnersFile(result.inventory, { codeowners }), output);
  if (output !== undefined) io.stderr(`nhi-steward: owners file for ${result.inventory.length} NHI(s) written to ${output}; replace each @TODO${codeowners ? ` and confirm each owner suggested from ${codeowners.path}` : ''}\n`);
  return 0;
}

/** The first CODEOWNERS GitHub would use, if any. */
async function readCodeowners(dir: string): Promise<Codeowners | undefined> {
  for (const path of CODEOWNERS_PATHS) {
    const text = await readFile(join(dir, path), 'utf8').catch(() => undefined);
    if (text !== undefined) return parseCodeowners(path, text);
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
