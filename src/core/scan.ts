import { createHash } from 'node:crypto';
import { Minimatch } from 'minimatch';
import { KustomizeNamespaces } from './identities/kustomize.js';
import { danglingReferences, linkReferences } from './identities/link.js';
import { CODEOWNERS_PATHS, parseCodeowners } from './policy/codeowners.js';
import { nearestIds } from './policy/did-you-mean.js';
import { policyFingerprint, policyRule } from './policy/rules.js';
import { extractors } from './identities/registry.js';
import { evaluatePolicy } from './policy/evaluate.js';
import { createParallelSecretScanner, type ParallelOptions } from './parallel/pool.js';
import { activeDetectorCount, limitFinding, MAX_SECRETS_PER_SCAN, scanSecrets } from './secrets/engine.js';
import { hasControlCharacters, plainText } from './report/escape.js';
import { exactSourceFile } from './source.js';
import { quoteErrorMessage } from './secrets/redact.js';
import type { ExtractError, Finding, IdentityRecord, IdentityReference, ScanResult, ScanSettings, SecretSink, Skipped, SourceFile } from './types.js';
import { append } from './append.js';

export interface ScanOptions {
  settings: ScanSettings;
  /** Owners file; when absent, a file at `settings.ownersPath` among the sources is used. */
  owners?: { path: string; content: string };
  /** CODEOWNERS text; when absent, the first of CODEOWNERS_PATHS among the sources is used. */
  codeowners?: { path: string; content: string };
  /** PR mode: ids of NHIs new or changed by the PR. Unchanged NHIs raise no identity findings. */
  changedIdentities?: ReadonlySet<string>;
  /**
   * PR mode, instead of `changedIdentities`: computes them once every source was read, so a caller
   * streaming a whole tree need not keep its files until then (src/workspace/scan-dir.ts).
   */
  resolveChangedIdentities?: () => Promise<ReadonlySet<string>>;
  /** Worker threads for secrets scanning; defaults start `cores - 1` workers for large trees. */
  parallel?: ParallelOptions;
  /**
   * Live verification only (src/verify): receives each reported secret's value(s). Never set it
   * unless the user switched verification on; the values must not reach any output.
   */
  revealSecrets?: SecretSink;
}

export type SourceItem = SourceFile | Skipped;

/**
 * The one pipeline every mode uses: secrets and identity extraction per file, then policy over the
 * whole inventory. Inputs are `SourceFile`s (or `Skipped` records, passed through so the report
 * lists them).
 */
export async function scanSources(
  sources: Iterable<SourceItem> | AsyncIterable<SourceItem>,
  options: ScanOptions,
): Promise<ScanResult> {
  const { settings } = options;
  const totals: ScanOptions = { ...options };
  const total = createScanTotals(totals);
  // Secrets run in worker threads once the tree is large (both cores); results come back sorted.
  const secrets = createParallelSecretScanner(settings, options.revealSecrets ? { ...options.parallel, reveal: options.revealSecrets } : options.parallel);
  /** Findings of over-size files scanned in pieces (Skipped.secrets). */
  const pieceSecrets: Finding[] = [];
  for await (const source of sources) {
    const admittedItem = admitted(source, settings);
    if (!admittedItem) continue;
    if (!('content' in admittedItem)) {
      total.skip(admittedItem);
      if (admittedItem.secrets) append(pieceSecrets, admittedItem.secrets);
      continue;
    }
    const item = withTextForReaders(admittedItem, settings); // the App's tarball entries may be stand-ins
    // Change modes: a file with no added line can report no secret (the engine reports a finding
    // only when one of its parts is on an added line), so its text skips the secrets engine.
    if (item.addedLines?.size !== 0) secrets.add(item);
    total.file(item, extractIdentities(item));
  }
  const secretFindings = await secrets.finish();
  if (pieceSecrets.length > 0) {
    append(secretFindings, pieceSecrets);
    secretFindings.sort(compareFindings);
  }
  // A source generator may set the owners file and CODEOWNERS once it has gone through its files
  // (the App's PR check reads them while it downloads, CODEOWNERS only when an NHI changed): taken
  // now, not when the scan began.
  totals.owners = options.owners;
  totals.codeowners = options.codeowners;
  if (totals.resolveChangedIdentities) totals.changedIdentities = await totals.resolveChangedIdentities();
  return total.finish(secretFindings);
}

/**
 * What the pipeline does with an item before scanning it: files under `paths-ignore` are dropped,
 * anything else passes as is. A file name with control characters is scanned like any other (a
 * skip would let a change hide a secret behind one such character, and a skip does not fail a
 * check); every report writes such names escaped (docs/security.md, "Injection").
 */
export function admitted(item: SourceItem, settings: Pick<ScanSettings, 'pathsIgnore'>): SourceItem | undefined {
  if (!('content' in item)) return item;
  if (isIgnored(item.path, settings)) return undefined;
  return item;
}

/**
 * One file's share of a scan, computed wherever the file was read (this thread or a worker of
 * src/core/parallel/tree-pool.ts): its identities and their findings, and its secret findings.
 * `content` is kept only when a whole-tree step needs the text after the file (see keepsText).
 */
export interface FileContribution {
  path: string;
  /** Length of the decoded text (the report's byte count adds these up). */
  chars: number;
  extracted: Extracted;
  secrets: Finding[];
  content?: string;
}

export type Extracted = ReturnType<typeof extractIdentities>;

export function contributionOf(read: SourceFile, settings: ScanSettings, reveal?: SecretSink): FileContribution {
  const item = withTextForReaders(read, settings);
  const extracted = extractIdentities(item);
  const secrets = scanSecrets(item, settings, reveal);
  const out: FileContribution = { path: item.path, chars: item.content.length, extracted, secrets };
  if (keepsText(item.path, extracted, settings)) out.content = item.content;
  return out;
}

/**
 * The file as extractors and whole-tree steps may read it: a stand-in (`SourceFile.standIn`) keeps
 * its place only when nothing but the secrets engine reads its text, else its real text takes
 * it. Something else reads it when an extractor claims it or a whole-tree step keeps it
 * (`keepsText`, before any extraction). Extractors decide on the path and on ASCII words in the
 * text, which a stand-in holds where the real text does (test/unit/stand-in.test.ts checks them).
 */
function withTextForReaders(file: SourceFile, settings: Pick<ScanSettings, 'ownersPath'>): SourceFile {
  if (file.standIn === undefined) return file;
  const read = keepsText(file.path, NOTHING_EXTRACTED, settings) || extractors.some((extractor) => extractor.matches(file.path, file.content));
  return read ? exactSourceFile(file) : file;
}

const NOTHING_EXTRACTED: Extracted = { records: [], findings: [], references: [] };

/** Files whose text a whole-tree step reads after the file itself: the owners file, CODEOWNERS, Kustomize/Helm inputs. */
export function keepsText(path: string, extracted: Extracted, settings: Pick<ScanSettings, 'ownersPath'>): boolean {
  return path === settings.ownersPath || (CODEOWNERS_PATHS as readonly string[]).includes(path) || KustomizeNamespaces.keepsFile(path, extracted);
}

/**
 * The whole-tree half of the pipeline: fed each file's extraction (in walk order) and skip, then
 * the secret findings of all files; links references, runs the Kustomize/Helm post-pass and the
 * policy, and builds the result.
 */
export function createScanTotals(options: ScanOptions) {
  const started = performance.now();
  const { settings } = options;
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const records: IdentityRecord[] = [];
  const references: IdentityReference[] = [];
  const kustomize = new KustomizeNamespaces();
  /** The owners file as one of the scanned files; `options.owners`, read at the end, comes first. */
  let ownersInTree: { path: string; content: string } | undefined;
  /** PR mode: lines each file adds, so a dangling reference is blamed only where the change wrote it. */
  const added = new Map<string, ReadonlySet<number>>();
  const codeownersFiles = new Map<string, string>();
  let files = 0;
  let bytes = 0;
  return {
    skip(item: Skipped): void {
      skipped.push(item.secrets ? { path: item.path, reason: item.reason, detail: item.detail } : item);
    },
    /** `item.content` may be '' when keepsText said the text is not needed (a worker's file). */
    file(item: SourceFile, extracted: Extracted, chars = item.content.length): void {
      files++;
      bytes += chars;
      if (!ownersInTree && item.path === settings.ownersPath) ownersInTree = { path: item.path, content: item.content };
      if (item.addedLines) added.set(item.path, item.addedLines);
      if ((CODEOWNERS_PATHS as readonly string[]).includes(item.path)) codeownersFiles.set(item.path, item.content);
      append(records, extracted.records);
      append(references, extracted.references);
      // Change modes: a rule an extractor raises (credential/static-ci-key…) fires only on lines the change added.
      append(findings, item.addedLines ? extracted.findings.filter((f) => item.addedLines!.has(f.line)) : extracted.findings);
      append(findings, kustomize.add(item, extracted).map(parseErrorFinding));
    },
    /** `secretFindings`: every file's, sorted by compareFindings. */
    finish(secretFindings: Finding[]): ScanResult {
      const scanLimit = settings.limits?.secretsPerScan ?? MAX_SECRETS_PER_SCAN;
      append(findings, secretFindings.length > scanLimit ? secretFindings.slice(0, scanLimit) : secretFindings);
      if (secretFindings.length > scanLimit) {
        const first = secretFindings[scanLimit];
        findings.push(limitFinding(first.file, first.line, `${secretFindings.length - scanLimit} more secret findings not reported (limit ${scanLimit} per scan), from this file on`));
      }
      kustomize.apply(records, references);
      linkReferences(records, references);
      append(findings, danglingFindings(records, references, settings, added));

      const codeownersPath = CODEOWNERS_PATHS.find((path) => codeownersFiles.has(path));
      const codeowners = options.codeowners ?? (codeownersPath ? { path: codeownersPath, content: codeownersFiles.get(codeownersPath)! } : undefined);
      const owners = options.owners ?? ownersInTree;
      const policy = evaluatePolicy({ records, owners, settings, changed: options.changedIdentities, codeowners: codeowners && parseCodeowners(codeowners.path, codeowners.content) });
      append(findings, policy.findings);
      append(findings, settings.notices ?? []);
      const located = settings.ignoreLocations;
      const kept = relevel(findings, settings).filter((f) => !settings.baseline.has(f.fingerprint) && !(located?.size && f.rule.startsWith('secret/') && located.has(`${f.file}:${f.line}`)));
      kept.sort(compareFindings);
      return {
        findings: kept,
        skipped,
        inventory: policy.inventory,
        stats: {
          files,
          bytes,
          skipped: skipped.length,
          durationMs: Math.round(performance.now() - started),
          detectors: activeDetectorCount(settings),
          identities: policy.inventory.length,
        },
      };
    },
  };
}

/** The config's `rules:` map: a level replaces the rule's default, `off` drops its findings. */
function relevel(findings: Finding[], settings: ScanSettings): Finding[] {
  const overrides = settings.rules;
  if (!overrides || Object.keys(overrides).length === 0) return findings;
  const out: Finding[] = [];
  for (const finding of findings) {
    const level = overrides[finding.rule];
    if (level === 'off') continue;
    out.push(level ? { ...finding, level } : finding);
  }
  return out;
}

/** `identity/dangling-reference`: a workload naming an NHI no scanned file declares. */
function danglingFindings(records: IdentityRecord[], references: IdentityReference[], settings: ScanSettings, added: ReadonlyMap<string, ReadonlySet<number>>): Finding[] {
  const rule = policyRule('identity/dangling-reference');
  const level = settings.rules?.[rule.id] ?? rule.level(settings);
  if (level === 'off') return [];
  const out: Finding[] = [];
  for (const ref of danglingReferences(records, references)) {
    const user = ref.usedBy!;
    if (settings.mode === 'pr' && !added.get(user.file)?.has(user.line)) continue;
    const type = ref.target.slice(0, ref.target.indexOf('/'));
    const near = nearestIds(ref.target, records.filter((r) => r.id.startsWith(`${type}/`)).map((r) => r.id), 1);
    out.push({
      rule: rule.id,
      level,
      file: user.file,
      line: user.line,
      column: 1,
      message: `${user.id} names ${ref.target} (${user.via}), which no file declares${near.length ? `; did you mean ${near[0]}?` : ''}: fix the name, or declare it in the repository so it has an owner`,
      fingerprint: policyFingerprint(rule.id, ref.target, user.id),
      identityId: ref.target,
      owasp: rule.owasp,
      data: { via: user.via, ...(near.length ? { didYouMean: near[0] } : {}) },
    });
  }
  return out;
}

export function isIgnored(path: string, settings: Pick<ScanSettings, 'pathsIgnore'>): boolean {
  for (const glob of settings.pathsIgnore) if (compiledGlob(glob).match(path)) return true;
  return false;
}

/** Each `paths-ignore` glob is compiled once, not once per path. */
const globCache = new Map<string, Minimatch>();
function compiledGlob(glob: string): Minimatch {
  let compiled = globCache.get(glob);
  if (!compiled) {
    if (globCache.size >= 1024) globCache.clear();
    compiled = new Minimatch(glob, { dot: true });
    globCache.set(glob, compiled);
  }
  return compiled;
}

/** Runs every extractor that claims the file; a parse error becomes a finding, never a crash. */
export function extractIdentities(file: SourceFile): { records: IdentityRecord[]; findings: Finding[]; references: IdentityReference[] } {
  const records: IdentityRecord[] = [];
  const findings: Finding[] = [];
  const references: IdentityReference[] = [];
  for (const extractor of extractors) {
    if (!extractor.matches(file.path, file.content)) continue;
    try {
      const result = extractor.extract(file);
      for (const record of result.records) {
        if (hasControlCharacters(record.id)) {
          findings.push(parseErrorFinding({ file: file.path, line: record.line, column: 1, message: `${extractor.platform}: a name with control characters (${plainText(record.id)}) is not an identity; skipped` }));
        } else {
          records.push(record);
        }
      }
      append(findings, result.errors.map(parseErrorFinding));
      if (result.findings) append(findings, result.findings);
      if (result.references) append(references, result.references);
    } catch (error) {
      findings.push(parseErrorFinding({ file: file.path, line: 1, column: 1, message: `${extractor.platform} extractor failed: ${quoteErrorMessage(String((error as Error)?.message ?? error))}` }));
    }
  }
  return { records, findings, references };
}

function parseErrorFinding(error: ExtractError): Finding {
  return {
    rule: 'parse/error',
    level: 'warning',
    file: error.file,
    line: error.line,
    column: error.column,
    message: error.message,
    // Keyed by file and problem, not line, so the same broken file keeps one fingerprint.
    fingerprint: createHash('sha256').update(`parse/error\0${error.file}\0${error.message}`).digest('hex'),
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
