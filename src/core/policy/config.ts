/**
 * `.github/nhi-steward.yml` → `ScanSettings` (docs/architecture.md, "Configuration"). Optional file, every key defaulted.
 * Problems (unknown keys with a did-you-mean, wrong types, bad sizes or durations) come back as
 * `config/invalid` findings with line and column; the key in error keeps its default and every
 * other key still applies. Nothing here throws on bad input.
 */
import { defaultSettings, type CustomDetectorSpec, type FailOn, type Finding, type Level, type ScanSettings, type VerifySettings } from '../types.js';
import { customDetectorProblems } from '../secrets/custom.js';
import { allDetectors } from '../secrets/detectors/index.js';
import { quoteErrorMessage } from '../secrets/redact.js';
import { parseDuration, parseSize } from './duration.js';
import { policyFingerprint } from './rules.js';
import { validateConfig } from './schema-validators.js';
import { kindOf, positionOf, readYaml, schemaProblems, type Problem, type YamlPath, type YamlSource } from './yaml-source.js';

export const CONFIG_RULE = 'config/invalid';

export interface ParsedConfig {
  settings: ScanSettings;
  errors: Finding[];
}

type Apply = (value: unknown, settings: ScanSettings) => string | undefined;

/** One row per key: how its (schema-valid) value lands in ScanSettings; a string is an error. */
const KEYS: Record<string, Apply> = {
  'paths-ignore': (v, s) => void (s.pathsIgnore = v as string[]),
  'max-file-size': (v, s) => {
    const size = typeof v === 'number' ? { ok: true as const, value: v } : parseSize(String(v));
    if (!size.ok) return `max-file-size ${size.error}`;
    s.maxFileSize = size.value;
  },
  'fail-on': (v, s) => void (s.failOn = v as FailOn),
  'detectors.disabled': (v, s) => void (s.detectors = { ...s.detectors, disabled: v as string[] }),
  'detectors.enabled': (v, s) => void (s.detectors = { ...s.detectors, enabled: v as string[] }),
  'detectors.severity': (v, s) => void (s.detectors = { ...s.detectors, severity: v as Record<string, Level> }),
  'issues.labels': (v, s) => void (s.issues = { ...s.issues, labels: v as string[] }),
  'issues.assignees-from-owner': (v, s) => void (s.issues = { ...s.issues, assigneesFromOwner: v as boolean }),
  'issues.enabled': (v, s) => void (s.issues = { ...s.issues, enabled: v as boolean }),
  'issues.min-level': (v, s) => void (s.issues = { ...s.issues, minLevel: v as Level }),
  dashboard: (v, s) => void (s.dashboard = v as boolean),
  schedule: (v, s) => {
    const duration = parseDuration(String(v));
    if (!duration.ok) return `schedule ${duration.error}`;
    s.scheduleMs = duration.value;
  },
  rules: (v, s) => void (s.rules = { ...(s.rules ?? {}), ...(v as Record<string, Level | 'off'>) }),
  baseline: (v, s) => void (s.baselinePath = v as string),
  'owners-file': (v, s) => void (s.ownersPath = v as string),
  verify: (v, s) => {
    const verify = parseVerify(v);
    if (typeof verify === 'string') return verify;
    s.verify = verify;
  },
};

const onOff = (v: unknown): boolean | undefined => (v === true || v === 'on' ? true : v === false || v === 'off' ? false : undefined);

/** `verify: on|off`, or `{ enabled: on|off, endpoints: { <provider>: <https base URL> } }`. */
function parseVerify(value: unknown): VerifySettings | string {
  const flag = onOff(value);
  if (flag !== undefined) return { enabled: flag, endpoints: {} };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `verify must be on, off or a mapping with enabled and endpoints, not ${kindOf(value)}`;
  const { enabled, endpoints, ...rest } = value as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) return `verify has no key "${unknownKey}" (known: enabled, endpoints)`;
  const on = enabled === undefined ? false : onOff(enabled);
  if (on === undefined) return `verify.enabled must be on or off, not ${kindOf(enabled)}`;
  const urls: Record<string, string> = {};
  if (endpoints !== undefined) {
    if (!endpoints || typeof endpoints !== 'object' || Array.isArray(endpoints)) return `verify.endpoints must be a mapping of provider to base URL, not ${kindOf(endpoints)}`;
    for (const [provider, url] of Object.entries(endpoints)) {
      let parsed: URL | undefined;
      try {
        parsed = typeof url === 'string' ? new URL(url) : undefined;
      } catch {
        parsed = undefined;
      }
      const loopback = parsed && ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname);
      if (!parsed || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback))) return `verify.endpoints.${provider} must be an https:// base URL (http:// only to a loopback host)`;
      urls[provider] = url as string;
    }
  }
  return { enabled: on, endpoints: urls };
}

export function parseConfig(content: string, path: string, base: ScanSettings = defaultSettings()): ParsedConfig {
  const settings: ScanSettings = { ...base, detectors: { ...base.detectors }, issues: { ...base.issues } };
  const source = readYaml(content);
  const problems: Problem[] = [...source.errors];
  if (problems.length === 0 && source.value !== null && source.value !== undefined) {
    if (typeof source.value !== 'object' || Array.isArray(source.value)) {
      problems.push({ ...positionOf(source, []), message: `the config file must be a YAML mapping of settings, not ${kindOf(source.value)}` });
    } else {
      problems.push(...schemaProblems(source, validateConfig, describe));
      problems.push(...applyKeys(source, settings, problems));
      problems.push(...applyCustomDetectors(source, settings, problems));
    }
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { settings, errors: problems.map((problem) => toFinding(problem, path)) };
}

function applyKeys(source: YamlSource, settings: ScanSettings, schemaErrors: readonly Problem[]): Problem[] {
  const problems: Problem[] = [];
  for (const [key, apply] of Object.entries(KEYS)) {
    const yamlPath: YamlPath = key.split('.');
    const value = yamlPath.reduce<unknown>((node, segment) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[segment as string] : undefined), source.value);
    if (value === undefined || value === null) continue;
    // A key the schema already rejected (or whose parent it rejected) keeps its default.
    if (schemaErrors.some((p) => p.path && isPrefix(p.path, yamlPath))) continue;
    const error = apply(value, settings);
    if (error) problems.push({ ...positionOf(source, yamlPath), message: error, path: yamlPath });
  }
  return problems;
}

/**
 * `detectors.custom`: each entry is checked like a built-in detector (compiles, one secret group,
 * no catastrophic backtracking). A bad entry is reported at its own line and left out; the others apply.
 */
function applyCustomDetectors(source: YamlSource, settings: ScanSettings, schemaErrors: readonly Problem[]): Problem[] {
  const list = (source.value as Record<string, unknown>)?.detectors;
  const custom = list && typeof list === 'object' ? (list as Record<string, unknown>).custom : undefined;
  if (!Array.isArray(custom) || schemaErrors.some((p) => p.path && isPrefix(p.path, ['detectors', 'custom']) && p.path.length <= 2)) return [];
  const builtIn = new Set(allDetectors.map((d) => d.id));
  const problems: Problem[] = [];
  const accepted: CustomDetectorSpec[] = [];
  const seen = new Set<string>();
  custom.forEach((entry: unknown, i) => {
    const path: YamlPath = ['detectors', 'custom', i];
    if (schemaErrors.some((p) => p.path && isPrefix(path, p.path))) return;
    const spec = entry as CustomDetectorSpec;
    const messages = customDetectorProblems(spec, builtIn);
    if (seen.has(spec.id)) messages.push(`id "${spec.id}" is used by another custom detector`);
    seen.add(spec.id);
    if (messages.length === 0) accepted.push(spec);
    for (const message of messages) {
      const at: YamlPath = /^regex/.test(message) ? [...path, 'regex'] : /^allowlist/.test(message) ? [...path, 'allowlist'] : [...path, 'id'];
      problems.push({ ...positionOf(source, at), message: `detectors.custom[${i}] (${spec.id}): ${message}`, path: at });
    }
  });
  settings.detectors = { ...settings.detectors, custom: accepted };
  return problems;
}

function isPrefix(prefix: YamlPath, path: YamlPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

function describe(path: YamlPath): string {
  return path.length === 0 ? 'the config file' : `"${path.join('.')}"`;
}

function toFinding(problem: Problem, path: string): Finding {
  // Problems quote the values they reject; a secret pasted into the file must not reach a report.
  const message = quoteErrorMessage(problem.message);
  return {
    rule: CONFIG_RULE,
    level: 'error',
    file: path,
    line: problem.line,
    column: problem.column,
    message: `${path}: ${message}`,
    fingerprint: policyFingerprint(CONFIG_RULE, path, message),
  };
}
