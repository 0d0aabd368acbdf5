import { readFileSync } from 'node:fs';
import type { ProbotOctokit } from 'probot';
import { deriveFingerprintKey, type FingerprintMode } from '../core/secrets/fingerprint.js';
import type { RepoRef } from '../github/client.js';
import { asClient } from '../github/octokit.js';
import { getFileText } from '../github/contents.js';
import { CONFIG_PATH, configError, settingsFromConfig, type LoadedSettings } from '../github/settings.js';
import { readBaseline } from '../core/secrets/baseline.js';
import { IGNORE_FILE, readGitleaksIgnore, readIgnoreFile } from '../core/secrets/ignore-file.js';
import { defaultSettings, type Finding, type SaltedSuppression } from '../core/types.js';

const EXTENDS = /^_extends\s*:/m;

/** The largest max-file-size the App honours (16 MiB; the default is 5 MB). */
export const APP_MAX_FILE_SIZE = 16 * 1024 * 1024;

/**
 * `.github/nhi-steward.yml`: the repository's own file, else the organisation-wide default in its
 * `.github` repository (as Probot's config plugin would find it), parsed from its text so errors
 * point at real lines and columns. Only a file that `_extends` another goes through Probot's
 * config plugin, which resolves the chain. A config that cannot be read or parsed is reported (on
 * the check run), never thrown.
 */
export async function loadSettings(octokit: ProbotOctokit, repo: RepoRef, options: { suppressions?: boolean } = {}): Promise<LoadedSettings> {
  // The suppression files are read while the configuration is (one round trip less): the
  // baseline at its default path, read again only if the configuration names another.
  const early = options.suppressions ? readSuppressionFiles(asClient(octokit), repo, defaultSettings().baselinePath) : undefined;
  const loaded = await loadConfig(octokit, repo);
  // Keyed fingerprints (docs/security.md); issues opened by earlier releases are adopted by their old marker.
  // A repository's max-file-size is capped in the App, which scans many repositories in one process
  // with a small heap (docs/security.md, "Large pull requests"): bigger files are skipped and listed.
  loaded.settings = { ...loaded.settings, fingerprint: appFingerprintMode(), legacyFingerprints: true, maxFileSize: Math.min(loaded.settings.maxFileSize, APP_MAX_FILE_SIZE) };
  if (early) await loadSuppressions(asClient(octokit), repo, loaded, early);
  return loaded;
}

/** A file read from the default branch: its text (undefined when absent), or why it could not be read. */
type Read = { text?: string; error?: Finding };

interface SuppressionFiles {
  baselinePath: string;
  files: Promise<[baseline: Read, ignore: Read, gitleaks: Read]>;
}

/** Reads one file from the default branch; a failure is kept as a config error, not thrown. */
function readDefaultBranchFile(client: ReturnType<typeof asClient>, repo: RepoRef, path: string): Promise<Read> {
  return getFileText(client, repo, path).then(
    (text) => ({ text }),
    (error: unknown) => ({ error: configError(path, `could not read ${path} from the default branch: ${(error as Error).message.split('\n')[0]}`) }),
  );
}

/** Starts reading the baseline (at `baselinePath`), `.nhi-stewardignore` and `.gitleaksignore`, at once. */
function readSuppressionFiles(client: ReturnType<typeof asClient>, repo: RepoRef, baselinePath: string): SuppressionFiles {
  const read = (path: string) => readDefaultBranchFile(client, repo, path);
  return { baselinePath, files: Promise.all([read(baselinePath), read(IGNORE_FILE), read('.gitleaksignore')]) };
}

/**
 * The baseline, `.nhi-stewardignore` and `.gitleaksignore` (docs/security.md), merged into the
 * settings. Read from the default branch only, for pull-request checks too: a pull request must
 * not be able to suppress its own findings by adding an entry for them. A file that cannot be read
 * or parsed is reported as a config error (naming file and line) and suppresses nothing. `early`:
 * the same files, already being read (by `loadSettings`).
 */
export async function loadSuppressions(client: ReturnType<typeof asClient>, repo: RepoRef, loaded: LoadedSettings, early?: SuppressionFiles): Promise<void> {
  const { settings } = loaded;
  const fingerprints = new Set<string>(settings.baseline);
  const salted: SaltedSuppression[] = [...(settings.salted ?? [])];
  const notices = [...(settings.notices ?? [])];
  const [earlyBaseline, ignore, gitleaks] = await (early ?? readSuppressionFiles(client, repo, settings.baselinePath)).files;
  // The configuration named another baseline: that one file is read now.
  const baseline = !early || early.baselinePath === settings.baselinePath ? earlyBaseline : await readDefaultBranchFile(client, repo, settings.baselinePath);
  for (const read of [baseline, ignore, gitleaks]) if (read.error) loaded.errors.push(read.error);
  if (baseline.text !== undefined) {
    try {
      const parsed = readBaseline(baseline.text, settings.baselinePath);
      for (const f of parsed.fingerprints) fingerprints.add(f);
      if (parsed.salted) salted.push(parsed.salted);
    } catch (error) {
      loaded.errors.push(configError(settings.baselinePath, `invalid baseline: ${(error as Error).message}`));
    }
  }
  if (ignore.text !== undefined) {
    try {
      const parsed = readIgnoreFile(ignore.text, IGNORE_FILE, settings.now);
      for (const f of parsed.fingerprints) fingerprints.add(f);
      if (parsed.salted) salted.push(parsed.salted);
      notices.push(...parsed.expired);
    } catch (error) {
      loaded.errors.push(configError(IGNORE_FILE, `invalid ignore file ${(error as Error).message}`));
    }
  }
  const ignoreLocations = gitleaks.text === undefined ? settings.ignoreLocations : readGitleaksIgnore(gitleaks.text).locations;
  loaded.settings = { ...settings, baseline: fingerprints, salted, notices, ignoreLocations };
}

/**
 * The App's fingerprint key: NHI_STEWARD_FINGERPRINT_KEY when set (survives a private-key
 * rotation), else derived from the App's private key (PRIVATE_KEY or PRIVATE_KEY_PATH, as Probot
 * reads them). Neither: location-based fingerprints.
 */
export function appFingerprintMode(env: NodeJS.ProcessEnv = process.env): FingerprintMode {
  const dedicated = env.NHI_STEWARD_FINGERPRINT_KEY;
  if (dedicated) return { kind: 'keyed', key: deriveFingerprintKey(dedicated) };
  let privateKey = env.PRIVATE_KEY;
  if (!privateKey && env.PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(env.PRIVATE_KEY_PATH, 'utf8');
    } catch {
      privateKey = undefined; // Probot itself reports an unreadable key
    }
  }
  return privateKey ? { kind: 'keyed', key: deriveFingerprintKey(`private-key\0${privateKey.replace(/\\n/g, '\n')}`) } : { kind: 'location' };
}

async function loadConfig(octokit: ProbotOctokit, repo: RepoRef): Promise<LoadedSettings> {
  try {
    const client = asClient(octokit);
    // Always the default branch: a pull request must not be able to relax its own check.
    const own = await getFileText(client, repo, CONFIG_PATH);
    const orgDefaults = { owner: repo.owner, repo: '.github' };
    const text = own ?? (repo.repo === '.github' ? undefined : await getFileText(client, orgDefaults, CONFIG_PATH));
    if (text === undefined) return settingsFromConfig(undefined);
    if (!EXTENDS.test(text)) return settingsFromConfig(text, new Date(), own === undefined ? `${repo.owner}/.github:${CONFIG_PATH}` : CONFIG_PATH);
    const { config } = await (octokit as any).config.get({ ...repo, path: CONFIG_PATH });
    return settingsFromConfig(Object.keys(config ?? {}).length ? config : undefined);
  } catch (error) {
    const loaded = settingsFromConfig(undefined);
    loaded.errors.push(configError(CONFIG_PATH, `could not read the configuration: ${(error as Error).message.split('\n')[0]}`));
    return loaded;
  }
}
