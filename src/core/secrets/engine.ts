import type { Finding, Level, ScanSettings, SecretSink, SourceFile } from '../types.js';
import { levelRank } from '../types.js';
import { DEFAULT_MATCH_OPTIONS, findMatches, type MatchOptions } from './candidates.js';
import { compileCatalog, type CompiledCatalog } from './compile.js';
import { customDetector, customDetectorProblems } from './custom.js';
import type { Detector } from './detector.js';
import { allDetectors } from './detectors/index.js';
import { shannonEntropy } from './entropy.js';
import { falsePositiveReason, isLockFile } from './false-positives.js';
import { LineIndex, lineAround } from './lines.js';
import { resolveOverlaps } from './overlap.js';
import { pairCandidates, type Pair } from './pairing.js';
import { redact, secretFingerprint } from './redact.js';
import { hasAllowMarker } from './suppression.js';

/**
 * The secrets engine (docs/architecture.md, "Secrets"). Per file:
 *  1. one keyword pass (Aho-Corasick) picks the detectors worth running and where;
 *  2. each such detector's regex runs only in bounded windows around its keyword hits;
 *  3. each match must pass the entropy floor, `validate`, and the false-positive filters;
 *  4. overlapping matches collapse to one per secret span (provider beats `generic-*`);
 *  5. paired halves (AWS key id + secret) become one finding;
 *  6. PR mode keeps added lines only; allow markers and the baseline suppress.
 * Findings carry the redacted value and a fingerprint, never the secret itself.
 */
export interface SecretScanner {
  /** `reveal` (live verification only) receives each reported finding's secret value(s). */
  scan(file: SourceFile, settings: ScanSettings, reveal?: SecretSink): Finding[];
  /** How many detectors run under these settings (for ScanStats). */
  detectorCount(settings: Pick<ScanSettings, 'detectors'>): number;
}

export type ScannerOptions = MatchOptions;

/** The detectors `settings.detectors` switches on: `enabled` (when non-empty) minus `disabled`. */
export function selectDetectors(detectors: readonly Detector[], selection: ScanSettings['detectors']): Detector[] {
  const enabled = new Set(selection.enabled);
  const disabled = new Set(selection.disabled);
  return detectors.filter((d) => (enabled.size === 0 || enabled.has(d.id)) && !disabled.has(d.id));
}

/** A scanner over a given catalog; tests pass their own small detectors. */
export function createSecretScanner(detectors: readonly Detector[], options: ScannerOptions = DEFAULT_MATCH_OPTIONS): SecretScanner {
  const catalogs = new Map<string, CompiledCatalog>();
  const catalogFor = (selection: ScanSettings['detectors']): CompiledCatalog => {
    const key = `${selection.enabled.join('\0')}\u0001${selection.disabled.join('\0')}`;
    let catalog = catalogs.get(key);
    if (!catalog) {
      if (catalogs.size >= 64) catalogs.clear(); // table-driven tests build one per detector
      catalog = compileCatalog(selectDetectors(detectors, selection));
      catalogs.set(key, catalog);
    }
    return catalog;
  };
  return {
    scan: (file, settings, reveal) => scanFile(file, settings, catalogFor(settings.detectors), options, reveal),
    detectorCount: (settings) => catalogFor(settings.detectors).detectors.length,
  };
}

const defaultScanner = createSecretScanner(allDetectors);

/** Secret findings of one file, with the full catalog (plus custom detectors) filtered by `settings.detectors`. */
export function scanSecrets(file: SourceFile, settings: ScanSettings, reveal?: SecretSink): Finding[] {
  return withSeverity(scannerFor(settings).scan(file, settings, reveal), settings.detectors.severity);
}

/** Number of catalog detectors active under `settings`. */
export function activeDetectorCount(settings: Pick<ScanSettings, 'detectors'>): number {
  return scannerFor(settings).detectorCount(settings);
}

const customScanners = new Map<string, SecretScanner>();

/** The default scanner, or one whose catalog also holds the user's valid custom detectors. */
function scannerFor(settings: Pick<ScanSettings, 'detectors'>): SecretScanner {
  const custom = settings.detectors.custom;
  if (!custom || custom.length === 0) return defaultScanner;
  const key = JSON.stringify(custom);
  let scanner = customScanners.get(key);
  if (!scanner) {
    const ids = new Set(allDetectors.map((d) => d.id));
    const extra = custom.filter((spec) => customDetectorProblems(spec, ids).length === 0).map(customDetector);
    if (customScanners.size >= 16) customScanners.clear();
    scanner = createSecretScanner([...allDetectors, ...extra]);
    customScanners.set(key, scanner);
  }
  return scanner;
}

/** `detectors.severity`: a level per detector id, applied to that detector's findings. */
function withSeverity(findings: Finding[], severity: Record<string, Level> | undefined): Finding[] {
  if (!severity) return findings;
  return findings.map((f) => (f.detector && severity[f.detector] ? { ...f, level: severity[f.detector] } : f));
}

interface Candidate {
  detector: Detector;
  secret: string;
  start: number;
  end: number;
  generic: boolean;
  order: number;
  line: number;
  /** Credential files: why the stored value is weak (reported at warning), see `storedCredentialWeakness`. */
  weak?: string;
}

function scanFile(file: SourceFile, settings: ScanSettings, catalog: CompiledCatalog, options: MatchOptions, reveal?: SecretSink): Finding[] {
  if (catalog.detectors.length === 0 || isLockFile(file.path)) return [];
  const active = catalog.activeByDefault.slice();
  for (const i of catalog.pathScoped) active[i] = catalog.detectors[i].detector.pathPattern!.test(file.path) ? 1 : 0;
  const raw = findMatches(file.content, catalog, active, options);
  if (raw.length === 0) return [];

  const accepted: Candidate[] = [];
  for (const match of raw) {
    const compiled = catalog.detectors[match.detector];
    const line = lineAround(file.content, match.start, match.end);
    if (compiled.detector.credentialFile) {
      const weak = storedCredentialWeakness(compiled.detector, match.secret, file.path, line);
      if (weak === false) continue;
      accepted.push({ ...match, detector: compiled.detector, generic: compiled.generic, order: compiled.order, line: 0, weak: weak === true ? undefined : weak });
      continue;
    }
    if (!isRealSecret(compiled.detector, match.secret, file.path, line)) continue;
    accepted.push({ ...match, detector: compiled.detector, generic: compiled.generic, order: compiled.order, line: 0 });
  }
  if (accepted.length === 0) return [];

  const lines = new LineIndex(file.content); // only files with a real candidate pay for a line index
  const kept = resolveOverlaps(accepted);
  for (const c of kept) c.line = lines.lineOf(c.start);
  const { pairs, singles } = pairCandidates(kept);

  const findings: Finding[] = [];
  for (const single of singles) {
    if (!reportable([single], file, lines)) continue;
    const finding = singleFinding(single, file.path, lines);
    findings.push(finding);
    reveal?.({ fingerprint: finding.fingerprint, detector: single.detector.id, parts: [single.secret] });
  }
  for (const pair of pairs) {
    if (!reportable([pair.first, pair.second], file, lines)) continue;
    const finding = pairFinding(pair, file.path, lines);
    findings.push(finding);
    reveal?.({ fingerprint: finding.fingerprint, detector: finding.detector!, parts: [pair.first.secret, pair.second.secret] });
  }
  return findings
    .filter((f) => !settings.baseline.has(f.fingerprint))
    .sort((a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** Entropy floor, then the detector's own validation, then the shared false-positive filters. */
function isRealSecret(detector: Detector, secret: string, path: string, line: string): boolean {
  if (detector.entropy !== undefined && shannonEntropy(secret) < detector.entropy) return false;
  try {
    if (detector.validate && !detector.validate(secret)) return false;
  } catch {
    return false; // a validator that throws has rejected the value; the scan goes on
  }
  if (detector.skipGenericFilters) return true;
  try {
    return falsePositiveReason({ detector, secret, line, path }) === undefined;
  } catch {
    return true; // a filter bug must not hide a secret
  }
}

/** Reasons that mean no value is stored at all (`${PASSWORD}`, `$DB_PASSWORD`, a reference). */
const NOT_STORED = new Set(['empty value', 'templating placeholder', 'reference to another value', 'environment variable name']);

/**
 * A credential file's value: false when nothing is stored (templating, a reference), true when it is
 * a real-looking secret, or the reason it is weak (a placeholder, a common word) — still reported.
 */
function storedCredentialWeakness(detector: Detector, secret: string, path: string, line: string): boolean | string {
  try {
    if (detector.validate && !detector.validate(secret)) return false;
  } catch {
    return false;
  }
  if (/^(?:\$(?:apr1|2[aby]|1|5|6|y)\$|\{SHA\})/.test(secret)) return 'password hash (crackable offline)';
  if (detector.skipGenericFilters) return true;
  let reason: string | undefined;
  try {
    reason = falsePositiveReason({ detector: { ...detector, id: 'generic-password' }, secret, line, path });
  } catch {
    return true;
  }
  if (reason === undefined) return true;
  return NOT_STORED.has(reason) ? false : reason;
}

/**
 * PR mode reports a finding when any of its halves sits on an added line; an allow marker on the
 * line of any half (any line a multi-line secret spans) suppresses it.
 */
function reportable(parts: Candidate[], file: SourceFile, lines: LineIndex): boolean {
  if (file.addedLines && !parts.some((p) => file.addedLines!.has(p.line))) return false;
  for (const part of parts) {
    const last = lines.lineOf(Math.max(part.start, part.end - 1));
    for (let line = part.line; line <= last; line++) if (hasAllowMarker(lineText(file.content, lines, line))) return false;
  }
  return true;
}

/** Long (minified) lines are checked for markers only near the start and end, keeping it linear. */
const MARKER_SCAN_LIMIT = 64 * 1024;

function lineText(content: string, lines: LineIndex, line: number): string {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  if (end - start <= MARKER_SCAN_LIMIT) return content.slice(start, end);
  return content.slice(start, start + MARKER_SCAN_LIMIT / 2) + '\n' + content.slice(end - MARKER_SCAN_LIMIT / 2, end);
}

function location(c: Candidate, lines: LineIndex): Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const from = lines.position(c.start);
  const to = lines.position(c.end);
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}

function describe(detector: Detector): string {
  return detector.title.toLowerCase().includes(detector.provider.toLowerCase()) ? detector.title : `${detector.title} (${detector.provider})`;
}

function singleFinding(c: Candidate, path: string, lines: LineIndex): Finding {
  const redacted = redact(c.secret, c.detector.redactPrefix);
  const stored = c.detector.credentialFile ? ` (a credential file should not be in the repository${c.weak ? `; the value looks weak: ${c.weak}` : ''})` : '';
  return {
    rule: `secret/${c.detector.id}`,
    level: c.weak ? 'warning' : c.detector.level,
    file: path,
    ...location(c, lines),
    message: `${describe(c.detector)}: ${redacted}${stored}`,
    fingerprint: secretFingerprint(c.detector.id, c.secret),
    detector: c.detector.id,
    redacted,
    owasp: ['NHI2'],
  };
}

function pairFinding({ first, second }: Pair<Candidate>, path: string, lines: LineIndex): Finding {
  const pair = first.detector.pair!;
  const redacted = redact(first.secret, first.detector.redactPrefix);
  const secondRedacted = redact(second.secret, second.detector.redactPrefix);
  const level = levelRank(first.detector.level) >= levelRank(second.detector.level) ? first.detector.level : second.detector.level;
  return {
    rule: `secret/${pair.id}`,
    level,
    file: path,
    ...location(first, lines),
    message: `${pair.title}: ${redacted} with ${second.detector.title} ${secondRedacted} on line ${second.line}`,
    fingerprint: secretFingerprint(pair.id, `${first.secret}\n${second.secret}`),
    detector: pair.id,
    redacted,
    owasp: ['NHI2'],
    data: { pairedWith: { detector: second.detector.id, line: second.line, redacted: secondRedacted } },
  };
}
