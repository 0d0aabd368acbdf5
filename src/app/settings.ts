import type { ProbotOctokit } from 'probot';
import type { RepoRef } from '../github/client.js';
import { configError, settingsFromConfig, type LoadedSettings } from '../github/settings.js';

/**
 * `.github/nhi-steward.yml` through Probot's config plugin: the repository's file, or the
 * organisation-wide default in its `.github` repository, with `_extends` support. A config that
 * cannot be read or parsed is reported (on the check run), never thrown.
 */
export async function loadSettings(octokit: ProbotOctokit, repo: RepoRef): Promise<LoadedSettings> {
  try {
    const { config } = await (octokit as any).config.get({ ...repo, path: '.github/nhi-steward.yml' });
    return settingsFromConfig(Object.keys(config ?? {}).length ? config : undefined);
  } catch (error) {
    const loaded = settingsFromConfig(undefined);
    loaded.errors.push(configError('.github/nhi-steward.yml', `could not read the configuration: ${(error as Error).message.split('\n')[0]}`));
    return loaded;
  }
}
