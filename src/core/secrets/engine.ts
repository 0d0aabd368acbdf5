import { lineHasAllowMarker } from './allow-markers.js';
import type { Finding, Level, OwaspNhi, ScanSettings, SecretSink, SourceFile, StandIn } from '../types.js';
import { levelRank } from '../types.js';
import { DEFAULT_MATCH_OPTIONS, findMatches, type Judged, type MatchOptions } from './candidates.js';
import { compileCatalog, type CompiledCatalog } from './compile.js';
import { customDetector, customDetectorProblems } from './custom.js';
import type { Detector } from './detector.js';
import { allDetectors } from './detectors/index.js';
import { shannonEntropy } from './entropy.js';
import { falsePositiveReason, isLockFile } from './false-positives.js';
import type { EngineText } from './byte-text.js';
import { LineIndex, lineAround, type TextSlices } from './lines.js';
import { resolveOverlaps } from './overlap.js';
import { pairCandidates, type Pair } from './pairing.js';
import { detached, EPHEMERAL_KEY, keyedFingerprint, legacyFingerprint, locationFingerprint, saltedSecretHash } from './fingerprint.js';
import { redact } from './redact.js';
import { exactSourceFile } from '../source.js';
import { PLACEHOLDER } from '../stand-in.js';

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
    // Counted without compiling: a scan that finds nothing to read (an empty folder) never pays
    // for the catalog's regexes and keyword automaton.
    detectorCount: (settings) => selectDetectors(detectors, settings.detectors).length,
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
  if (file.standIn !== undefined && !catalog.standInSafe) return scanFile(exactSourceFile(file), settings, catalog, options, reveal);
  // Most files switch on no path-scoped detector: they share the catalog's (read-only) default.
  let active = catalog.activeByDefault;
  if (catalog.pathAny === undefined || catalog.pathAny.test(file.path)) {
    for (const i of catalog.pathScoped) {
      if (!catalog.detectors[i].detector.pathPattern!.test(file.path)) continue;
      if (active === catalog.activeByDefault) active = active.slice();
      active[i] = 1;
    }
  }
  const content = engineTextOf(file);
  const raw = findMatches(content, catalog, active, options, file.versions);
  if (raw.length === 0) return [];

  const accepted: Candidate[] = [];
  /** A stand-in's real text, read line by line once something needs it. */
  let real: RealText | undefined;
  // Once a candidate is accepted, the line index that building its finding needs (below) is made,
  // and the lines of the matches after it are found from it rather than by reading characters
  // around each: a bundle or fixture file of thousands of candidates pays for its lines once.
  let index: LineIndex | undefined;
  // History versions: verdicts taken over from the last version are used as they are, and this
  // version's are noted in its window log for the next (candidates.ts, `WindowLog.judged`).
  const judged = file.versions?.log?.judged;
  for (let i = 0; i < raw.length; i++) {
    const match = raw[i];
    const compiled = catalog.detectors[match.detector];
    let secret = match.secret;
    let verdict = match.judged;
    if (verdict === undefined) {
      if (index === undefined && accepted.length > 0 && raw.length - i >= INDEXED_FROM) index = lineIndexOf(file);
      let line = index ? index.lineAround(match.start, match.end) : lineAround(content, match.start, match.end);
      // A stand-in text (src/core/stand-in.ts) matches where the real one does, at the same offsets;
      // only a value or line holding a placeholder may be judged differently: the real text's value
      // and line at those offsets are judged instead (and that verdict is not noted for the next
      // version: two versions' stand-ins may agree where their real texts do not).
      let onText = true;
      if (file.standIn !== undefined && (PLACEHOLDER.test(line) || PLACEHOLDER.test(secret))) {
        index ??= lineIndexOf(file);
        real ??= new RealText(file.standIn, index);
        const [from, to] = index.lineSpan(match.start, match.end);
        line = real.slice(from, to);
        secret = real.slice(match.start, match.end);
        onText = false;
      }
      verdict = judge(compiled.detector, secret, file.path, line, file.versions !== undefined);
      if (onText && judged !== undefined && match.slot !== undefined) judged[match.slot] = verdict;
    } else if (judged !== undefined && match.slot !== undefined) judged[match.slot] = verdict;
    if (verdict === false) continue;
    accepted.push({ detector: compiled.detector, secret, start: match.start, end: match.end, generic: compiled.generic, order: compiled.order, line: 0, weak: verdict.weak });
  }
  if (accepted.length === 0) return [];
  const lines = index ?? lineIndexOf(file); // only files with a real candidate pay for a line index
  keepLines(file, lines);
  // What follows reads whole lines (allow markers, location fingerprints) and reports values: from
  // the real text, where each candidate is at the same place with the same value; of a stand-in,
  // only the lines it reads are decoded. Until 2026-12-06 a stand-in file with a candidate was
  // scanned again from its whole real text: a committed bundle with secrets in every version (this
  // repository's dist/index.js) paid a second scan per version, without the memory of earlier
  // versions (docs/performance.md, "Stand-in texts").
  const text: TextSlices = file.standIn === undefined ? content : (real ??= new RealText(file.standIn, lines));
  const kept = resolveOverlaps(accepted);
  for (const c of kept) c.line = lines.lineOf(c.start);
  const { pairs, singles } = pairCandidates(kept);

  // What will be reported, in the order findings are (`byPlace`), before anything is built.
  const placed: Placed[] = [];
  // Change modes only: secrets on added lines that an inline marker silences (see allowNotice).
  const allowed: Built[] = [];
  const marked: MarkedLine = { line: 0, allowed: false };
  for (const single of singles) {
    const verdict = reportable([single], file, lines, text, marked);
    if (verdict === REPORT) placed.push(placeOf(single, single.detector.id, lines));
    else if (verdict === ALLOWED) allowed.push(buildSingle(single, file.path, lines));
  }
  for (const pair of pairs) {
    const verdict = reportable([pair.first, pair.second], file, lines, text, marked);
    if (verdict === REPORT) placed.push(placeOf(pair, pair.first.detector.pair!.id, lines));
    else if (verdict === ALLOWED) allowed.push(buildPair(pair, file.path, lines));
  }
  placed.sort(byPlaced);
  const limit = settings.limits?.secretsPerFile ?? MAX_SECRETS_PER_FILE;
  // Past the per-file limit nothing is reported but the count and where the first one left out
  // is. When no baseline or ignore entry can hold a finding back and no inline-allow notice joins
  // them, the reported ones are the first `limit` in place order, so only those are built and
  // named: a fixture of 20,000 tokens paid for 20,000 findings, fingerprints and HMACs to report
  // 500 (a location fingerprint's occurrence number counts only the findings before it, so the
  // first `limit` are named as before).
  const capped = allowed.length === 0 && !maySuppress(settings) && placed.length > limit;
  const built: Built[] = [];
  for (let i = 0, n = capped ? limit : placed.length; i < n; i++) {
    const { item } = placed[i];
    built.push('first' in item ? buildPair(item, file.path, lines) : buildSingle(item, file.path, lines));
  }
  nameFindings(built, text, lines, kept, settings, file);
  const unsuppressed = built.filter((b) => !suppressed(b, settings));
  // Live verification (opt-in) sees the values of what is reported, named by its published fingerprint.
  if (reveal) for (const b of unsuppressed.slice(0, limit)) reveal({ fingerprint: b.finding.fingerprint, contentId: b.finding.contentId, detector: b.detector, parts: b.parts.map((p) => p.secret) });
  const reported = unsuppressed.map((b) => b.finding);
  if (allowed.length > 0) {
    allowed.sort(byPlace);
    nameFindings(allowed, text, lines, kept, settings);
    // A value the baseline or ignore file already accepts needs no review.
    for (const b of allowed) if (!suppressed(b, settings)) reported.push(allowNotice(b.finding));
    reported.sort((a, b) => a.line - b.line || a.column - b.column);
  }
  const total = capped ? placed.length : reported.length;
  if (total <= limit) return reported;
  // A file of thousands of tokens (a fixture dump) is one problem: report the first ones and the count.
  const shown = reported.slice(0, limit);
  shown.push(limitFinding(file.path, capped ? placed[limit].line : reported[limit].line, `${total - limit} more secret findings in this file not reported (limit ${limit} per file)`));
  return shown;
}

/** A finding to report, by where it will be (`byPlace`'s keys), before it is built. */
interface Placed {
  item: Candidate | Pair<Candidate>;
  line: number;
  column: number;
  /** The rule's detector id (the rule is `secret/` and it). */
  id: string;
}

function placeOf(item: Candidate | Pair<Candidate>, id: string, lines: LineIndex): Placed {
  const at = 'first' in item ? item.first : item;
  return { item, line: at.line, column: at.start - lines.lineStart(at.line) + 1, id };
}

/** `byPlace`, on the keys of findings not built yet. */
function byPlaced(a: Placed, b: Placed): number {
  return a.line - b.line || a.column - b.column || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function buildSingle(single: Candidate, path: string, lines: LineIndex): Built {
  const wording = wordingOf(single);
  return { finding: singleFinding(single, path, lines, wording), detector: single.detector.id, secret: single.secret, parts: [single], wording };
}

function buildPair(pair: Pair<Candidate>, path: string, lines: LineIndex): Built {
  return { finding: pairFinding(pair, path, lines), detector: pair.first.detector.pair!.id, secret: `${pair.first.secret}\n${pair.second.secret}`, parts: [pair.first, pair.second] };
}

/**
 * A line index for `file`; in history mode, one that copies the line starts of the last version of
 * its path where the two share text (`EarlierLines`, src/core/secrets/lines.ts).
 */
function lineIndexOf(file: SourceFile): LineIndex {
  const against = file.versions?.against;
  const starts = against?.log.lines;
  return new LineIndex(engineTextOf(file), starts === undefined ? undefined : { starts, segments: against!.segments });
}

/** The text the engine reads: a long history version's bytes (`SourceFile.byteText`), else its content. */
function engineTextOf(file: SourceFile): EngineText {
  return file.byteText ?? file.content;
}

/** Hands this version's line starts to the next version of its path, when its text is kept for it (versions.ts). */
function keepLines(file: SourceFile, lines: LineIndex): void {
  const version = file.versions;
  const log = version?.log;
  if (version === undefined || log === undefined || !version.kept || log.lines !== undefined) return;
  log.lines = lines.allStarts();
  log.numbers += log.lines.length;
  version.keep(log); // counted against the memory it may keep
}

export const MAX_SECRETS_PER_FILE = 500;
/** With this many raw matches left to judge after the first accepted one, `scanFile` judges them with its line index. */
const INDEXED_FROM = 16;
export const MAX_SECRETS_PER_SCAN = 20_000;

/** A finding that says how many findings a limit held back. */
export function limitFinding(file: string, line: number, message: string): Finding {
  return { rule: 'scan/limit', level: 'warning', file, line, column: 1, message, fingerprint: legacyFingerprint('scan/limit', file) };
}

/**
 * The real text behind a stand-in, read by the lines that hold each slice asked for
 * (`StandIn.slice` of their bounds, which no run of characters past ASCII straddles); the lines
 * read last are kept, since a line's findings are built one after another. Offsets are the
 * stand-in's, which are the real text's.
 */
class RealText implements TextSlices {
  private from = 0;
  private to = -1;
  private text = '';

  constructor(
    private readonly standIn: StandIn,
    private readonly lines: LineIndex,
  ) {}

  slice(from: number, to: number): string {
    if (to <= from) return '';
    if (from < this.from || to > this.to) {
      this.from = this.lines.lineStart(this.lines.lineOf(from));
      this.to = this.lines.lineEnd(this.lines.lineOf(to - 1));
      this.text = this.standIn.slice(this.from, this.to);
    }
    return this.text.slice(from - this.from, to - this.from);
  }
}

/** A secret finding with the value it was made from, until it is named and checked. */
interface Built {
  finding: Finding;
  detector: string;
  secret: string;
  parts: Candidate[];
  /** A single finding's wording (`wordingOf`), which also remembers the value's keyed fingerprint. */
  wording?: Wording;
}

/** Sets each finding's published fingerprint (and, when asked, its legacy and salted hashes). */
function nameFindings(built: Built[], content: TextSlices, lines: LineIndex, candidates: readonly Candidate[], settings: ScanSettings, file?: SourceFile): void {
  const mode = settings.fingerprint ?? { kind: 'keyed', key: EPHEMERAL_KEY };
  // Per rule, per context: how many findings of this file had them so far (nested, so no joined key is built and hashed per finding).
  const occurrences = new Map<string, Map<string, number>>();
  // Findings on one line share its context (a minified line holds hundreds).
  const contexts = mode.kind === 'location' ? new Map<number, string>() : undefined;
  const ends = contexts && built.length > 0 ? runningMaxEnds(candidates) : [];
  // History versions: the contexts of lines the last version shares (`LineContexts`).
  const shared = contexts && file?.versions !== undefined ? new LineContexts(file, lines) : undefined;
  for (const b of built) {
    if (mode.kind === 'keyed') {
      b.finding.fingerprint = keyedIdOf(b, mode.key);
    } else {
      const line = b.parts[0].line;
      let context = contexts!.get(line);
      if (context === undefined) contexts!.set(line, (context = shared ? shared.context(content, line, candidates, ends) : lineContext(content, lines, line, candidates, ends)));
      let byContext = occurrences.get(b.finding.rule);
      if (byContext === undefined) occurrences.set(b.finding.rule, (byContext = new Map()));
      const occurrence = (byContext.get(context) ?? 0) + 1;
      byContext.set(context, occurrence);
      b.finding.fingerprint = locationFingerprint(b.finding.rule, b.finding.file, context, occurrence);
    }
    const contentKey = settings.contentKey ?? EPHEMERAL_KEY;
    // The same HMAC when both keys are one (history and commit scans' default): computed once.
    b.finding.contentId = mode.kind === 'keyed' && mode.key === contentKey ? b.finding.fingerprint : keyedIdOf(b, contentKey);
    // A pair's halves by the ids each has alone (`Finding.partIds`); pairs are few, so computed here.
    if (b.parts.length > 1) b.finding.partIds = b.parts.map((part) => keyedFingerprint(contentKey, part.detector.id, part.secret));
    if (settings.legacyFingerprints) b.finding.previousFingerprint = legacyFingerprint(b.detector, b.secret);
    if (settings.hashSalt) b.finding.saltedHash = saltedSecretHash(settings.hashSalt.salt, settings.hashSalt.cost, b.detector, b.secret);
  }
  shared?.done();
}

/** Longest line context that goes into a location fingerprint (minified files). */
const CONTEXT_LIMIT = 4096;

/**
 * The finding's first line with every accepted secret on it cut out and runs of white space
 * collapsed: what the location fingerprint hashes instead of the value.
 */
function lineContext(content: TextSlices, lines: LineIndex, line: number, candidates: readonly Cut[], ends: readonly number[]): string {
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  return contextOf(content, start, end, overlapping(candidates, ends, start, end));
}

/**
 * The location contexts of a history version's lines (`lineContext`), for the next version of the
 * file: a line the two versions share, cut at the same places, has the same context, which the next
 * version takes over instead of building it again (the committed bundle's ~330 findings a version
 * on this repository's history). Shared means: the line's text lies in one run the two texts share
 * (`VersionDelta.segments`), where the last version noted a line of the same length, cut at the
 * same places relative to its start (a context is a function of the line's text and its cuts); and,
 * in a stand-in text, the line holds no placeholder (stand-ins agree where real texts may not).
 * Exported for its tests.
 */
export class LineContexts {
  private readonly earlier: Map<number, KeptContext> | undefined;
  private readonly segments: readonly number[];
  private readonly noted: Map<number, KeptContext> | undefined;
  /** Characters and numbers noted so far. */
  private chars = 0;
  private numbers = 0;

  constructor(
    private readonly file: SourceFile,
    private readonly lines: LineIndex,
  ) {
    const version = file.versions!;
    this.earlier = version.against?.log.contexts;
    this.segments = version.against?.segments ?? [];
    // Noted only for a version whose log the next one will see.
    const log = version.kept ? version.log : undefined;
    if (log !== undefined) this.noted = log.contexts ??= new Map();
  }

  context(content: TextSlices, line: number, candidates: readonly Cut[], ends: readonly number[]): string {
    const start = this.lines.lineStart(line);
    const end = this.lines.lineEnd(line);
    const cuts = overlapping(candidates, ends, start, end);
    const taken = this.taken(start, end, cuts);
    const context = taken ?? contextOf(content, start, end, cuts);
    if (this.noted !== undefined && this.chars + context.length <= MAX_NOTED_CHARS) {
      const relative: number[] = [];
      for (const cut of cuts) relative.push(cut.start - start, cut.end - start);
      // A context taken over is already an own copy: noted as it is, it stays the same string
      // object from version to version (the fingerprint memo finds it without hashing it again).
      const kept: KeptContext = { end: end - start, cuts: relative, context: taken ?? detached(context) };
      this.noted.set(start, kept);
      this.chars += context.length;
      this.numbers += relative.length + 2;
      return kept.context;
    }
    return context;
  }

  /** Counts what was noted against the memory the version's log may keep (versions.ts). */
  done(): void {
    const version = this.file.versions!;
    if (this.noted === undefined || this.numbers === 0) return;
    version.log!.numbers += this.numbers + Math.ceil(this.chars / 4);
    version.keep(version.log!);
  }

  private taken(start: number, end: number, cuts: readonly Cut[]): string | undefined {
    if (this.earlier === undefined) return undefined;
    const { segments } = this;
    // The first run that ends after the line starts: it must hold the whole line.
    let lo = 0;
    let hi = segments.length / 3;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (segments[mid * 3] + segments[mid * 3 + 2] <= start) lo = mid + 1;
      else hi = mid;
    }
    if (lo * 3 >= segments.length) return undefined;
    const runStart = segments[lo * 3];
    const runStartBefore = segments[lo * 3 + 1];
    if (runStart > start || runStart + segments[lo * 3 + 2] < end) return undefined;
    const by = runStart - runStartBefore;
    const kept = this.earlier.get(start - by);
    if (kept === undefined || kept.end !== end - start || kept.cuts.length !== cuts.length * 2) return undefined;
    for (let i = 0; i < cuts.length; i++) if (kept.cuts[2 * i] !== cuts[i].start - start || kept.cuts[2 * i + 1] !== cuts[i].end - start) return undefined;
    if (this.file.standIn !== undefined && PLACEHOLDER.test(engineTextOf(this.file).slice(start, end))) return undefined;
    return kept.context;
  }
}

/** What a line's context cuts out: an accepted candidate's place (sorted by start, as `resolveOverlaps` leaves them). */
export interface Cut {
  start: number;
  end: number;
}

/** A line's context as a history version noted it (`LineContexts`), offsets relative to the line's start. */
export interface KeptContext {
  end: number;
  cuts: number[];
  context: string;
}

/** At most this many characters of line contexts noted per version. */
const MAX_NOTED_CHARS = 256 * 1024;

/** `lineContext` of the line [start, end) with `cuts` (the accepted candidates on it) cut out. */
function contextOf(content: TextSlices, start: number, end: number, cuts: readonly Cut[]): string {
  let text = '';
  let at = start;
  for (const cut of cuts) {
    if (cut.start > at) text += content.slice(at, Math.min(cut.start, at + CONTEXT_LIMIT));
    text += '\u0000';
    at = Math.max(at, cut.end);
    if (text.length > CONTEXT_LIMIT) return text.slice(0, CONTEXT_LIMIT);
  }
  if (at < end) text += content.slice(at, Math.min(end, at + CONTEXT_LIMIT));
  return text.replace(/\s+/g, ' ').trim().slice(0, CONTEXT_LIMIT);
}

/** ends[i] = the largest `end` among candidates[0..i] (candidates sorted by start). */
function runningMaxEnds(candidates: readonly Cut[]): number[] {
  const ends = new Array<number>(candidates.length);
  let max = -1;
  for (let i = 0; i < candidates.length; i++) ends[i] = max = Math.max(max, candidates[i].end);
  return ends;
}

/**
 * The candidates (sorted by start) that overlap [start, end), in order: a binary search for the
 * first one starting at or after `end`, then back while a candidate before may still reach past
 * `start` (`ends`, see `runningMaxEnds`). Linear over a file's findings, not quadratic.
 */
function overlapping(candidates: readonly Cut[], ends: readonly number[], start: number, end: number): Cut[] {
  let lo = 0;
  let hi = candidates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (candidates[mid].start < end) lo = mid + 1;
    else hi = mid;
  }
  let first = lo;
  while (first > 0 && ends[first - 1] > start) first--;
  const result: Cut[] = [];
  for (let i = first; i < lo; i++) if (candidates[i].end > start) result.push(candidates[i]);
  return result;
}

/** Whether `suppressed` can hold any finding back under these settings. */
function maySuppress(settings: ScanSettings): boolean {
  return settings.baseline.size > 0 || (settings.salted ?? []).some((set) => set.hashes.size > 0);
}

/** Baseline and ignore file: published fingerprints, legacy (version-1) fingerprints, salted hashes. */
function suppressed(b: Built, settings: ScanSettings): boolean {
  if (settings.baseline.size > 0) {
    if (settings.baseline.has(b.finding.fingerprint)) return true;
    if (settings.baseline.has(legacyFingerprint(b.detector, b.secret))) return true;
  }
  for (const set of settings.salted ?? []) {
    if (set.hashes.size === 0 || (set.rules.size > 0 && !set.rules.has(b.finding.rule))) continue;
    if (set.hashes.has(saltedSecretHash(set.salt, set.cost, b.detector, b.secret))) return true;
  }
  return false;
}

/** Entropy floor, then the detector's own validation, then the shared false-positive filters. */
/** Accepted, with a credential file's weakness (reported at warning) if any. */
const ACCEPTED: Judged = { weak: undefined };

/**
 * How a match whose value is `secret`, on `line` of `path`, is judged (`isRealSecret`, or a
 * credential file's check); `versioned`: a history version's, whose verdicts are remembered.
 */
function judge(detector: Detector, secret: string, path: string, line: string, versioned: boolean): Judged {
  if (detector.credentialFile) {
    const weak = storedCredentialWeakness(detector, secret, path, line);
    return weak === false ? false : weak === true ? ACCEPTED : { weak };
  }
  return isRealSecret(detector, secret, path, line, versioned) ? ACCEPTED : false;
}

function isRealSecret(detector: Detector, secret: string, path: string, line: string, versioned: boolean): boolean {
  // A history scan judges the same value on the same line of the same file in every version of
  // that file: each verdict is computed once (per detector object and value, in a bounded memo;
  // path and line are compared, not hashed: a line may be 2 KB). A value is remembered only once
  // it passed the entropy floor and `validate`, both functions of the value alone: a value in the
  // memo skips them (a fixture value repeated on hundreds of lines of a file's versions is
  // counted once, not per line). Only history versions use the memo: a file of a tree or a
  // change is judged once, and its verdicts, copied into the memo, only made garbage that
  // outlived the file (a fixture of 20,000 tokens: 0.41-0.43 against 0.37-0.40 s and 98 against
  // 90 MB peak; the bench corpus unchanged; docs/performance.md, "A file of many findings").
  let byValue = versioned && !detector.skipGenericFilters ? verdicts.get(detector) : undefined;
  const seen = byValue?.get(secret);
  if (seen !== undefined) {
    for (const v of seen) if (v.path === path && v.line === line) return v.real;
  } else {
    if (detector.entropy !== undefined && shannonEntropy(secret) < detector.entropy) return false;
    try {
      if (detector.validate && !detector.validate(secret)) return false;
    } catch {
      return false; // a validator that throws has rejected the value; the scan goes on
    }
    if (detector.skipGenericFilters) return true;
  }
  let real: boolean;
  try {
    real = falsePositiveReason({ detector, secret, line, path }) === undefined;
  } catch {
    real = true; // a filter bug must not hide a secret
  }
  const size = secret.length + line.length + path.length;
  if (!versioned || size > VERDICT_CHARS / 256) return real;
  if (verdictCount >= VERDICT_ENTRIES || verdictChars + size > VERDICT_CHARS) {
    verdicts = new WeakMap();
    byValue = undefined;
    verdictCount = verdictChars = 0;
  }
  if (byValue === undefined) verdicts.set(detector, (byValue = new Map()));
  const list = byValue.get(secret);
  // Own copies: the value and the line are slices of the whole file, and a V8 slice keeps its
  // parent alive; remembered as slices, every file that gave a verdict stayed in memory until the
  // memo was dropped (corpus scan peak RSS 190 MB instead of 120).
  const verdict = { path, line: detached(line), real };
  if (list === undefined) byValue.set(detached(secret), [verdict]);
  else if (list.length < VERDICTS_PER_VALUE) list.push(verdict);
  else list[verdictCount % VERDICTS_PER_VALUE] = verdict;
  verdictCount++;
  verdictChars += size;
  return real;
}

/** `isRealSecret`'s memo of false-positive verdicts (value → where it was judged and how), at most this big. */
let verdicts = new WeakMap<Detector, Map<string, { path: string; line: string; real: boolean }[]>>();
let verdictCount = 0;
let verdictChars = 0;
const VERDICT_ENTRIES = 16_384;
const VERDICT_CHARS = 4 << 20;
/** Places remembered per value (a sample key copied into many files keeps the latest few). */
const VERDICTS_PER_VALUE = 8;

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
const REPORT = 0;
const SKIP = 1;
/** Silenced by an inline allow marker on a line the change adds (change modes only). */
const ALLOWED = 2;

/**
 * Whether a finding's parts are reported: in a change mode only when one of them is on an added
 * line; never when a line they span holds an allow marker. Such a silenced secret on an added line
 * is ALLOWED: the change itself adds the marker or the value beside it.
 */
function reportable(parts: Candidate[], file: SourceFile, lines: LineIndex, text: TextSlices, marked: MarkedLine): typeof REPORT | typeof SKIP | typeof ALLOWED {
  if (file.addedLines && !parts.some((p) => file.addedLines!.has(p.line))) return SKIP;
  for (const part of parts) {
    const last = lines.lineOf(Math.max(part.start, part.end - 1));
    for (let line = part.line; line <= last; line++) {
      if (line !== marked.line) {
        marked.line = line;
        marked.allowed = lineHasAllowMarker(engineTextOf(file), lines, line, text);
      }
      if (marked.allowed) return file.addedLines ? ALLOWED : SKIP;
    }
  }
  return REPORT;
}

/**
 * The last line of a file `reportable` looked at for an allow marker (lines count from 1), and
 * whether it holds one: findings come in order, and the next is often on the same line (a history
 * scan of this repository checked 165,000 lines, 62,000 of them the line just checked).
 */
interface MarkedLine {
  line: number;
  allowed: boolean;
}

function byPlace(a: Built, b: Built): number {
  return a.finding.line - b.finding.line || a.finding.column - b.finding.column || (a.finding.rule < b.finding.rule ? -1 : a.finding.rule > b.finding.rule ? 1 : 0);
}

/** The rule of a secret that an inline marker the change adds silences. */
export const INLINE_ALLOW_RULE = 'suppression/inline-allow';

/**
 * A marker added with a secret silences it in every later scan, and no one would know: the
 * change's review is the one moment a person can confirm the value is not a credential. So a
 * change mode reports it as a notice (it fails nothing unless `--fail-on notice`), redacted, with
 * the secret's own fingerprint and place.
 */
function allowNotice(finding: Finding): Finding {
  const what = finding.message.replace(/\.$/, '');
  return {
    ...finding,
    rule: INLINE_ALLOW_RULE,
    level: 'notice',
    message: `${what} — silenced by an inline allow marker on a line this change adds; a reviewer should confirm it is not a real credential`,
  };
}

function location(c: Candidate, lines: LineIndex): Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const from = lines.position(c.start);
  const to = lines.position(c.end);
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}

function describe(detector: Detector): string {
  let text = descriptions.get(detector);
  if (text === undefined) {
    text = detector.title.toLowerCase().includes(detector.provider.toLowerCase()) ? detector.title : `${detector.title} (${detector.provider})`;
    descriptions.set(detector, text);
  }
  return text;
}

/** `describe` per detector object (a fixture file names the same few detectors hundreds of times). */
const descriptions = new WeakMap<Detector, string>();

function singleFinding(c: Candidate, path: string, lines: LineIndex, wording: Wording): Finding {
  const { redacted, message, rule } = wording;
  return {
    rule,
    level: c.weak ? 'warning' : c.detector.level,
    file: path,
    ...location(c, lines),
    message,
    fingerprint: '', // set by nameFindings
    detector: c.detector.id,
    redacted,
    owasp: SECRET_OWASP,
  };
}

/** The OWASP risk of every secret finding: one array for all of them (nothing writes to a finding's list; reports copy it). */
const SECRET_OWASP = Object.freeze(['NHI2']) as OwaspNhi[];

interface Wording {
  weak: string | undefined;
  redacted: string;
  message: string;
  rule: string;
  /** The value's keyed fingerprint under `idKey` (`keyedIdOf`), once asked for. */
  id?: string;
  idKey?: string;
}

/**
 * `keyedFingerprint(key, detector, value)` of a single finding's value, remembered with its
 * wording (one HMAC per value and key, as the fingerprint memo gives, without looking the value up
 * there again: a history scan of this repository names ~133,000 findings of a few hundred values).
 */
function keyedIdOf(b: Built, key: string): string {
  const wording = b.wording;
  if (wording === undefined) return keyedFingerprint(key, b.detector, b.secret);
  if (wording.idKey !== key) {
    wording.id = keyedFingerprint(key, b.detector, b.secret);
    wording.idKey = key;
  }
  return wording.id!;
}

/**
 * A single finding's rule, redacted value and message, per detector and value (and the credential
 * file's weakness, if any). A history scan words the same secret in every version of its file:
 * on this repository's history 133,000 findings, of a few hundred secrets. Remembered, the
 * findings a history scan keeps until its merge share these strings instead of each holding its
 * own (bounded like `isRealSecret`'s memo; the value is a key of its own copy, never a slice).
 */
function wordingOf(c: Candidate): Wording {
  let byValue = wordings.get(c.detector);
  const known = byValue?.get(c.secret);
  if (known !== undefined && known.weak === c.weak) return known;
  const redacted = redact(c.secret, c.detector.redactPrefix);
  const stored = c.detector.credentialFile ? ` (a credential file should not be in the repository${c.weak ? `; the value looks weak: ${c.weak}` : ''})` : '';
  const made: Wording = { weak: c.weak, redacted, message: `${describe(c.detector)}: ${redacted}${stored}`, rule: `secret/${c.detector.id}` };
  const size = c.secret.length + made.message.length;
  if (known !== undefined || size > WORDING_CHARS / 256) return made;
  if (wordingCount >= VERDICT_ENTRIES || wordingChars + size > WORDING_CHARS) {
    wordings = new WeakMap();
    byValue = undefined;
    wordingCount = wordingChars = 0;
  }
  if (byValue === undefined) wordings.set(c.detector, (byValue = new Map()));
  byValue.set(detached(c.secret), made);
  wordingCount++;
  wordingChars += size;
  return made;
}

let wordings = new WeakMap<Detector, Map<string, Wording>>();
let wordingCount = 0;
let wordingChars = 0;
const WORDING_CHARS = 2 << 20;

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
    fingerprint: '', // set by nameFindings
    detector: pair.id,
    redacted,
    owasp: SECRET_OWASP,
    data: { pairedWith: { detector: second.detector.id, line: second.line, redacted: secondRedacted } },
  };
}
