import { readFileSync } from 'node:fs';
import type { ProbotOctokit } from 'probot';
import { deriveFingerprintKey, type FingerprintMode } from '../core/secrets/fingerprint.js';
import type { RepoRef } from '../github/client.js';
import { asClient } from '../github/octokit.js';
import { getFileText } from '../github/contents.js';
import { CONFIG_PATH, configError, settingsFromConfig, type LoadedSettings } from '../github/settings.js';
import { readBaseline } from '../core/secrets/baseline.js';
import { IGNORE_FILE, readGitleaksIgnore, readIgnoreFile } from '../core/secrets/ignore-file.js';
import type { SaltedSuppression } from '../core/types.js';

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
  const loaded = await loadConfig(octokit, repo);
  // Keyed fingerprints (docs/security.md); issues opened by earlier releases are adopted by their old marker.
  // A repository's max-file-size is capped in the App, which scans many repositories in one process
  // with a small heap (docs/security.md, "Large pull requests"): bigger files are skipped and listed.
  loaded.settings = { ...loaded.settings, fingerprint: appFingerprintMode(), legacyFingerprints: true, maxFileSize: Math.min(loaded.settings.maxFileSize, APP_MAX_FILE_SIZE) };
  if (options.suppressions) await loadSuppressions(asClient(octokit), repo, loaded);
  return loaded;
}

/**
 * The baseline, `.nhi-stewardignore` and `.gitleaksignore` (docs/security.md), merged into the
 * settings. Read from the default branch only, for pull-request checks too: a pull request must
 * not be able to suppress its own findings by adding an entry for them. A file that cannot be read
 * or parsed is reported as a config error (naming file and line) and suppresses nothing.
 */
export async function loadSuppressions(client: ReturnType<typeof asClient>, repo: RepoRef, loaded: LoadedSettings): Promise<void> {
  const { settings } = loaded;
  const fingerprints = new Set<string>(settings.baseline);
  const salted: SaltedSuppression[] = [...(settings.salted ?? [])];
  const notices = [...(settings.notices ?? [])];
  const read = async (path: string): Promise<string | undefined> => {
    try {
      return await getFileText(client, repo, path);
    } catch (error) {
      loaded.errors.push(configError(path, `could not read ${path} from the default branch: ${(error as Error).message.split('\n')[0]}`));
      return undefined;
    }
  };
  const [baselineText, ignoreText, gitleaksText] = await Promise.all([read(settings.baselinePath), read(IGNORE_FILE), read('.gitleaksignore')]);
  if (baselineText !== undefined) {
    try {
      const baseline = readBaseline(baselineText, settings.baselinePath);
      for (const f of baseline.fingerprints) fingerprints.add(f);
      if (baseline.salted) salted.push(baseline.salted);
    } catch (error) {
      loaded.errors.push(configError(settings.baselinePath, `invalid baseline: ${(error as Error).message}`));
    }
  }
  if (ignoreText !== undefined) {
    try {
      const ignore = readIgnoreFile(ignoreText, IGNORE_FILE, settings.now);
      for (const f of ignore.fingerprints) fingerprints.add(f);
      if (ignore.salted) salted.push(ignore.salted);
      notices.push(...ignore.expired);
    } catch (error) {
      loaded.errors.push(configError(IGNORE_FILE, `invalid ignore file ${(error as Error).message}`));
    }
  }
  const ignoreLocations = gitleaksText === undefined ? settings.ignoreLocations : readGitleaksIgnore(gitleaksText).locations;
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
