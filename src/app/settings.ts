import type { ProbotOctokit } from 'probot';
import { asClient, type RepoRef } from '../github/client.js';
import { getFileText } from '../github/contents.js';
import { CONFIG_PATH, configError, settingsFromConfig, type LoadedSettings } from '../github/settings.js';

/**
 * `.github/nhi-steward.yml`: the repository's own file is parsed from its text, so errors point at
 * its real lines and columns. Without one (or when it `_extends` another), Probot's config
 * plugin supplies the organisation-wide default from the `.github` repository. A config that cannot
 * be read or parsed is reported (on the check run), never thrown.
 */
export async function loadSettings(octokit: ProbotOctokit, repo: RepoRef): Promise<LoadedSettings> {
  try {
    // Always the default branch: a pull request must not be able to relax its own check.
    const own = await getFileText(asClient(octokit), repo, CONFIG_PATH);
    if (own !== undefined && !/^_extends\s*:/m.test(own)) return settingsFromConfig(own);
    const { config } = await (octokit as any).config.get({ ...repo, path: CONFIG_PATH });
    return settingsFromConfig(Object.keys(config ?? {}).length ? config : undefined);
  } catch (error) {
    const loaded = settingsFromConfig(undefined);
    loaded.errors.push(configError(CONFIG_PATH, `could not read the configuration: ${(error as Error).message.split('\n')[0]}`));
    return loaded;
  }
}
