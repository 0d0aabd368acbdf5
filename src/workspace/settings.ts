import { readFile, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseConfig } from '../core/policy/config.js';
import { readBaseline } from '../core/secrets/baseline.js';
import { defaultSettings, type FailOn, type ScanSettings } from '../core/types.js';
import { UsageError, errnoCode } from './errors.js';

export const DEFAULT_CONFIG_PATH = '.github/nhi-steward.yml';

export interface SettingsInput {
  /** The scanned folder. */
  dir: string;
  /** `--config FILE` (relative to the working directory); default `<dir>/.github/nhi-steward.yml` when present. */
  config?: string;
  /** `--baseline FILE`; default the config's `baseline` path under `<dir>` when present. */
  baseline?: string;
  /** `--fail-on`; wins over the config. */
  failOn?: FailOn;
  mode?: ScanSettings['mode'];
  /** Skip loading a baseline (the `baseline` command re-creates it from a clean slate). */
  ignoreBaseline?: boolean;
  now?: Date;
}

/**
 * Builds the one `ScanSettings` the core sees: defaults, then the config file, then the flags
 * (flags win). Anything the user must fix throws a UsageError naming the file (and line).
 */
export async function loadSettings(input: SettingsInput): Promise<ScanSettings> {
  const base = defaultSettings({ mode: input.mode ?? 'full', now: input.now ?? new Date() });
  let settings = base;
  const configPath = input.config ? resolve(input.config) : join(input.dir, DEFAULT_CONFIG_PATH);
  const configText = await readOptional(configPath, input.config !== undefined, 'config', input.dir);
  if (configText !== undefined) {
    const parsed = parseConfig(configText, input.config ?? DEFAULT_CONFIG_PATH, base);
    if (parsed.errors.length > 0) {
      const lines = parsed.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`);
      throw new UsageError(`invalid config ${configPath}\n  ${lines.join('\n  ')}`);
    }
    settings = parsed.settings;
  }
  if (input.failOn !== undefined) settings = { ...settings, failOn: input.failOn };
  if (!input.ignoreBaseline) settings = { ...settings, baseline: await loadBaseline(input, settings) };
  return settings;
}

async function loadBaseline(input: SettingsInput, settings: ScanSettings): Promise<ReadonlySet<string>> {
  const path = input.baseline ? resolve(input.baseline) : join(input.dir, settings.baselinePath);
  const text = await readOptional(path, input.baseline !== undefined, 'baseline', input.dir);
  if (text === undefined) return new Set();
  try {
    return readBaseline(text);
  } catch (error) {
    throw new UsageError(`invalid baseline ${path}: ${(error as Error).message}`);
  }
}

/**
 * Reads a file; a missing default file is fine, a missing named file is the user's to fix. A
 * default file (one the scanned folder supplies, not the command line) that is a link leading out
 * of the folder is refused, as the walker refuses such links.
 */
async function readOptional(path: string, required: boolean, what: string, dir: string): Promise<string | undefined> {
  try {
    if (!required && !(await resolvesInside(dir, path))) {
      throw new UsageError(`${what} file ${path} is a symbolic link leading outside ${dir}; not read`);
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT' && !required) return undefined;
    throw new UsageError(`cannot read ${what} file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`);
  }
}

/** True when `path` (which may not exist) does not resolve outside `dir`. */
async function resolvesInside(dir: string, path: string): Promise<boolean> {
  const real = await realpath(path).catch(() => undefined);
  if (real === undefined) return true; // missing or dangling: the read reports it
  const top = await realpath(dir);
  return real === top || real.startsWith(top + sep);
}
