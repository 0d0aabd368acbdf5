import { stringify } from 'yaml';
import { parseConfig } from '../core/policy/config.js';
import { defaultSettings, type Finding, type ScanSettings } from '../core/types.js';

export const CONFIG_PATH = '.github/nhi-steward.yml';

export interface LoadedSettings {
  settings: ScanSettings;
  /** Config problems, reported on the check run rather than thrown. */
  errors: Finding[];
}

/**
 * Builds ScanSettings from the repository config. The App gets the config object from Probot's
 * `context.config` (which also merges organisation-wide defaults from the `.github` repository);
 * the Action reads the file. Either way one parser validates it.
 */
export function settingsFromConfig(config: unknown, now = new Date(), path = CONFIG_PATH): LoadedSettings {
  const base = defaultSettings({ now });
  if (config === null || config === undefined) return { settings: base, errors: [] };
  const text = typeof config === 'string' ? config : stringify(config);
  try {
    return parseConfig(text, path, base);
  } catch (error) {
    return { settings: base, errors: [configError(path, (error as Error).message)] };
  }
}

export function configError(path: string, message: string): Finding {
  return { rule: 'config/invalid', level: 'error', file: path, line: 1, column: 1, message, fingerprint: `config-invalid-${path}` };
}
