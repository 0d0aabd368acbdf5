import type { ProbotOctokit } from 'probot';
import type { RepoRef } from '../github/client.js';
import { asClient } from '../github/octokit.js';
import { getFileText } from '../github/contents.js';
import { CONFIG_PATH, configError, settingsFromConfig, type LoadedSettings } from '../github/settings.js';

const EXTENDS = /^_extends\s*:/m;

/**
 * `.github/nhi-steward.yml`: the repository's own file, else the organisation-wide default in its
 * `.github` repository (as Probot's config plugin would find it), parsed from its text so errors
 * point at real lines and columns. Only a file that `_extends` another goes through Probot's
 * config plugin, which resolves the chain. A config that cannot be read or parsed is reported (on
 * the check run), never thrown.
 */
export async function loadSettings(octokit: ProbotOctokit, repo: RepoRef): Promise<LoadedSettings> {
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
