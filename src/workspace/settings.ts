import { readFile, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseConfig } from '../core/policy/config.js';
import { readBaseline } from '../core/secrets/baseline.js';
import { deriveFingerprintKey } from '../core/secrets/fingerprint.js';
import { IGNORE_FILE, readGitleaksIgnore, readIgnoreFile } from '../core/secrets/ignore-file.js';
import { defaultSettings, type FailOn, type SaltedSuppression, type ScanSettings } from '../core/types.js';
import { UsageError, errnoCode } from './errors.js';
import { append } from '../core/append.js';

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
  /**
   * Secret that keys published fingerprints (`--fingerprint-key`, the Action's `fingerprint-key`,
   * NHI_STEWARD_FINGERPRINT_KEY). Without one, secret fingerprints are location-based.
   */
  fingerprintKey?: string;
  /**
   * Reads a repository file by its path relative to `dir` (undefined when absent). The Action's PR
   * mode reads the config, baseline and ignore files from the base commit with it, so a pull request
   * cannot relax its own check. Without it, files are read from `dir`, refusing symbolic links.
   */
  readRepoFile?: (path: string) => Promise<string | undefined>;
}

/**
 * Builds the one `ScanSettings` the core sees: defaults, then the config file, then the flags
 * (flags win). Anything the user must fix throws a UsageError naming the file (and line).
 */
export async function loadSettings(input: SettingsInput): Promise<ScanSettings> {
  const base = defaultSettings({ mode: input.mode ?? 'full', now: input.now ?? new Date() });
  let settings = base;
  const configPath = input.config ? (input.readRepoFile ? input.config : resolve(input.config)) : join(input.dir, DEFAULT_CONFIG_PATH);
  const configText = input.readRepoFile
    ? await readFromRepo(input.readRepoFile, input.config ?? DEFAULT_CONFIG_PATH, input.config !== undefined, 'config')
    : await readOptional(configPath, input.config !== undefined, 'config', input.dir);
  if (configText !== undefined) {
    const parsed = parseConfig(configText, input.config ?? DEFAULT_CONFIG_PATH, base);
    if (parsed.errors.length > 0) {
      const lines = parsed.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`);
      throw new UsageError(`invalid config ${configPath}\n  ${lines.join('\n  ')}`);
    }
    settings = parsed.settings;
  }
  if (input.failOn !== undefined) settings = { ...settings, failOn: input.failOn };
  const key = input.fingerprintKey ?? process.env.NHI_STEWARD_FINGERPRINT_KEY;
  settings = { ...settings, fingerprint: key ? { kind: 'keyed', key: deriveFingerprintKey(key) } : { kind: 'location' } };
  if (!input.ignoreBaseline) settings = await loadSuppressions(input, settings);
  return settings;
}

/** The baseline, `.nhi-stewardignore` and `.gitleaksignore`, merged into the settings. */
async function loadSuppressions(input: SettingsInput, settings: ScanSettings): Promise<ScanSettings> {
  const fingerprints = new Set<string>();
  const salted: SaltedSuppression[] = [];
  const notices = [...(settings.notices ?? [])];
  const read = (rel: string, named: string | undefined, what: string) =>
    input.readRepoFile && !named
      ? readFromRepo(input.readRepoFile, rel, false, what)
      : readOptional(named ? resolve(named) : join(input.dir, rel), named !== undefined, what, input.dir);

  const baselinePath = input.baseline ?? settings.baselinePath;
  const baselineText = await read(settings.baselinePath, input.baseline, 'baseline');
  if (baselineText !== undefined) {
    try {
      const loaded = readBaseline(baselineText, baselinePath);
      for (const f of loaded.fingerprints) fingerprints.add(f);
      if (loaded.salted) salted.push(loaded.salted);
    } catch (error) {
      throw new UsageError(`invalid baseline ${input.baseline ? resolve(input.baseline) : baselinePath}: ${(error as Error).message}`);
    }
  }
  const ignoreText = await read(IGNORE_FILE, undefined, 'ignore');
  if (ignoreText !== undefined) {
    try {
      const ignore = readIgnoreFile(ignoreText, IGNORE_FILE, settings.now);
      for (const f of ignore.fingerprints) fingerprints.add(f);
      if (ignore.salted) salted.push(ignore.salted);
      append(notices, ignore.expired);
    } catch (error) {
      throw new UsageError(`invalid ignore file ${(error as Error).message}`);
    }
  }
  const gitleaksText = await read('.gitleaksignore', undefined, 'gitleaks ignore');
  const ignoreLocations = gitleaksText === undefined ? undefined : readGitleaksIgnore(gitleaksText).locations;
  return { ...settings, baseline: fingerprints, salted, notices, ignoreLocations };
}

/** A repository file through `read`; a missing default file is fine, a missing named one is not. */
async function readFromRepo(read: (path: string) => Promise<string | undefined>, path: string, required: boolean, what: string): Promise<string | undefined> {
  const text = await read(path);
  if (text === undefined && required) throw new UsageError(`cannot read ${what} file ${path}: no such file in the base commit`);
  return text;
}

/** Reads a file; a missing default file is fine, a missing named file is the user's to fix. */
async function readOptional(path: string, required: boolean, what: string, dir: string): Promise<string | undefined> {
  try {
    // A settings file the scanned folder supplies must not lead outside it through a link (docs/security.md).
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
