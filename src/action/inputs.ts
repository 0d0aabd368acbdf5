import { isAbsolute, relative, resolve } from 'node:path';
import { LEVELS, type FailOn } from '../core/types.js';
import { OFF_VALUES, ON_VALUES } from './on-off.js';

/** The action's inputs, parsed and validated once (docs/architecture.md, "Layers": settings are parsed once). */
export interface ActionInputs {
  mode: 'auto' | 'pr' | 'scan';
  token: string;
  /** Config file path relative to `path`. */
  config: string;
  /** Undefined: the config file (or the default, `error`) decides. */
  failOn?: FailOn;
  /** Where to write SARIF, relative to the workspace; empty: don't write. */
  sarifFile: string;
  issues: boolean;
  /** Folder to scan, relative to the workspace. */
  path: string;
  /** Secret keying published fingerprints (a repository secret); empty: location-based fingerprints. */
  fingerprintKey: string;
  /** Scan mode: also scan every commit of the git history (docs/history.md). */
  history: boolean;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const DEFAULT_CONFIG = '.github/nhi-steward.yml';
const MODES = ['auto', 'pr', 'scan'] as const;
const FAIL_ON = [...LEVELS, 'none'] as const;

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const normalised = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(normalised)) return normalised as T;
  throw new InputError(`Input "${name}" must be one of ${allowed.join(', ')}; got "${value}". Fix it in the workflow's "with:" block.`);
}

function onOff(name: string, value: string): boolean {
  const normalised = value.trim().toLowerCase();
  if (ON_VALUES.includes(normalised)) return true;
  if (OFF_VALUES.includes(normalised)) return false;
  throw new InputError(`Input "${name}" must be "on" or "off"; got "${value}".`);
}

/** `getInput` is `core.getInput` in production, and a plain lookup in tests. */
export function readInputs(getInput: (name: string) => string): ActionInputs {
  const failOn = getInput('fail-on');
  return {
    mode: oneOf('mode', getInput('mode') || 'auto', MODES),
    token: getInput('token'),
    config: relativeInside('config', getInput('config') || DEFAULT_CONFIG),
    failOn: failOn ? oneOf('fail-on', failOn, FAIL_ON) : undefined,
    sarifFile: getInput('sarif-file') ? (inRunnerTemp(getInput('sarif-file')) ? getInput('sarif-file') : relativeInside('sarif-file', getInput('sarif-file'))) : '',
    issues: onOff('issues', getInput('issues') || 'off'),
    path: relativeInside('path', getInput('path') || '.'),
    fingerprintKey: getInput('fingerprint-key'),
    history: onOff('history', getInput('history') || 'off'),
  };
}

/** The runner's temporary folder (the default `sarif-file` lives there), named or already expanded. */
function inRunnerTemp(value: string): boolean {
  if (value.startsWith('${{ runner.temp }}/')) return !value.split(/[\\/]/).includes('..');
  const temp = process.env.RUNNER_TEMP;
  if (!temp || /[\u0000-\u001f\u007f]/.test(value)) return false;
  const rel = relative(resolve(temp), resolve(value));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * A path input must be relative and stay inside the workspace: an absolute `config` or `path` would
 * read (and publish findings about) files elsewhere on the runner, an absolute `sarif-file` would
 * overwrite them (docs/security.md). The value is not echoed past 200 characters.
 */
function relativeInside(name: string, value: string): string {
  const shown = JSON.stringify(value.slice(0, 200));
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new InputError(`Input "${name}" must not contain control characters.`);
  if (value.startsWith('/') || value.startsWith('\\') || value.startsWith('~') || /^[A-Za-z]:/.test(value)) {
    throw new InputError(`Input "${name}" must be a path relative to the workspace; got ${shown}.`);
  }
  if (value.split(/[\\/]/).includes('..')) throw new InputError(`Input "${name}" must stay inside the workspace; got ${shown}.`);
  return value;
}
