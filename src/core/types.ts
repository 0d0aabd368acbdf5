/**
 * The shared vocabulary of the scanning core. Every mode (CLI, App, Action) hands the core
 * `SourceFile` records and receives a `ScanResult`. Nothing here knows about GitHub, the file
 * system or process.env.
 */

import type { ByteText } from './secrets/byte-text.js';
import type { FingerprintMode, ScryptCost } from './secrets/fingerprint.js';
import type { VersionScan } from './secrets/versions.js';

/** Finding levels, most severe first. `info` is below `notice` (e.g. Stripe test keys). */
export const LEVELS = ['error', 'warning', 'notice', 'info'] as const;
export type Level = (typeof LEVELS)[number];
/** `fail-on` accepts a level or `none` (never fail). */
export type FailOn = Level | 'none';

export function levelRank(level: Level): number {
  return LEVELS.length - LEVELS.indexOf(level); // error=4 … info=1
}

/** True when `level` is at or above the `failOn` threshold. */
export function meetsThreshold(level: Level, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return levelRank(level) >= levelRank(failOn);
}

/** OWASP Non-Human Identities Top 10 (2025) ids that findings map to. */
export type OwaspNhi = 'NHI1' | 'NHI2' | 'NHI3' | 'NHI4' | 'NHI5' | 'NHI6' | 'NHI7' | 'NHI8' | 'NHI9' | 'NHI10';

/** One file handed to the core. `path` is POSIX, relative to the scanned root. */
export interface SourceFile {
  path: string;
  /** Decoded text. Use `toSourceFile` to build one from bytes (binary and size checks). */
  content: string;
  /** PR mode: 1-based line numbers the PR added. Only these lines raise secret findings. */
  addedLines?: ReadonlySet<number>;
  /**
   * History mode: this version against the last version of the same path the thread scanned
   * (secrets/versions.ts): the keyword pass reads only where the two differ, and windows that read
   * only shared text take over the last version's matches (the same results, less work).
   */
  versions?: VersionScan;
  /**
   * Set when `content` is a stand-in for the real text (src/core/stand-in.ts; same length, lines
   * and columns, every non-ASCII character a placeholder). Only the secrets engine and the
   * extractors' `matches` read such a file: the engine reads the real value and line, `slice()`,
   * where a value or line it judges holds a placeholder, and the lines of its findings, and
   * `contributionOf` (src/core/scan.ts) swaps in the real text, `exact()`, for a file anything
   * else reads. Both throw once the bytes behind them may have been reused.
   */
  standIn?: StandIn;
  /**
   * History mode: a long version's text read from its bytes (src/core/secrets/byte-text.ts), which
   * the secrets engine reads instead of `content`; `content` is then made whole only if something
   * else asks for it, while the bytes are still this file's.
   */
  byteText?: ByteText;
}

/** What a stand-in text (`SourceFile.standIn`) gives of the real text behind it. */
export interface StandIn {
  /** The whole real text. */
  exact(): string;
  /**
   * The real text of [from, to), offsets of the stand-in that fall outside every run of
   * characters past ASCII (a line's start or line feed, the end): only those bytes are decoded.
   * The secrets engine reads the lines of its findings this way.
   */
  slice(from: number, to: number): string;
}

export type SkipReason = 'binary' | 'too-large' | 'unreadable' | 'symlink-loop' | 'invalid-path' | 'limit';

/** The core never skips silently: everything not scanned is listed with a reason. */
export interface Skipped {
  path: string;
  reason: SkipReason;
  detail: string;
  /**
   * A `too-large` text file scanned for secrets in pieces (src/core/secrets/pieces.ts): its
   * findings, added to the scan's. Not part of the report's skip record.
   */
  secrets?: Finding[];
}

/** A location-bearing result of any rule. `rule` is the stable SARIF ruleId. */
export interface Finding {
  /** e.g. `secret/github-classic-pat`, `identity/unowned`, `credential/no-rotation`. */
  rule: string;
  level: Level;
  /** POSIX path relative to the scanned root. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Human-readable; never contains a whole secret. */
  message: string;
  /**
   * Hex digest. Secrets: keyed HMAC or location hash (src/core/secrets/fingerprint.ts), never a
   * plain hash of the value. Other rules: a hash of rule + what the finding is about.
   */
  fingerprint: string;
  /**
   * INTERNAL, never rendered: the unkeyed fingerprint older versions published, set only when
   * `settings.legacyFingerprints` asks (to adopt issues opened before keyed fingerprints).
   */
  previousFingerprint?: string;
  /** INTERNAL: salted hash under `settings.hashSalt`, for writing a baseline or ignore entry. */
  saltedHash?: string;
  /**
   * INTERNAL: the same secret gets the same id within one run, whatever its file or line (an HMAC
   * under `settings.contentKey`, a per-process key): history and commit scans join findings on it
   * when published fingerprints are location-based.
   */
  contentId?: string;
  /**
   * INTERNAL, never rendered: a pair finding's halves' content ids, each as the half alone would
   * have it (an AWS key id and its secret key). A commit that adds a secret key near a key id the
   * file already held shows only the half it added: the range and the head then name one
   * credential by two ids, and these join them (src/core/commits.ts, `secretKeys`).
   */
  partIds?: string[];
  /** Secrets only: detector id and redacted value (prefix + at most 4 chars). */
  detector?: string;
  redacted?: string;
  /** Identity/policy findings: the NHI id (`kubernetes:ServiceAccount/payments/billing`). */
  identityId?: string;
  owasp?: OwaspNhi[];
  /** Extra, rule-specific facts safe to render (never raw secrets). */
  data?: Record<string, unknown>;
  /** Secrets, when live verification ran: is the credential live, revoked, or unknown. */
  verification?: Verification;
  verificationDetail?: VerificationDetail;
  /** History mode: the oldest commit that brought this secret in (docs/history.md). */
  commit?: CommitRef;
  /** History mode: whether the secret is still in the scanned head's tree. */
  presentAtHead?: boolean;
  /** History mode: other places (path, commit) the same secret appears, at most a few. */
  otherLocations?: HistoryLocation[];
}

/** A commit as reports show it. `date` is the author date, ISO 8601. */
export interface CommitRef {
  sha: string;
  author: string;
  date: string;
}

export interface HistoryLocation {
  file: string;
  line: number;
  commit: string;
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/** A raw match produced by the secrets engine before it becomes a Finding. */
export interface SecretMatch {
  detector: string;
  /** The captured secret. Never leaves the core unredacted. */
  secret: string;
  /** 0-based offsets of the secret inside the file content. */
  start: number;
  end: number;
  line: number;
  column: number;
  level: Level;
}

/**
 * A reported secret's value, handed out only when live verification is switched on (`scan
 * --verify`, `verify: on`): `parts` is `[secret]`, or `[first, second]` for a pair (AWS key id,
 * secret access key). It never reaches a report; src/verify sends it to its provider only.
 */
export interface RevealedSecret {
  fingerprint: string;
  /** The same secret's id within this run whatever its file (Finding.contentId): one request per secret. */
  contentId?: string;
  /** Detector id, or the pair id for a pair (`aws-access-key-pair`). */
  detector: string;
  parts: string[];
}

export type SecretSink = (secret: RevealedSecret) => void;

/** Live verification verdict (docs/verification.md). */
export type Verification = 'live' | 'revoked' | 'unknown';

/** What the provider said, safe to render: never the secret. */
export interface VerificationDetail {
  /** Verifier provider key (`github`, `aws`, …); absent when no verifier covers the detector. */
  provider?: string;
  /** Why the verdict is `unknown` (network error, rate limit, unsupported, ambiguous answer). */
  reason?: string;
  /** Identity facts the provider returned: account or app name, scopes, expiry. */
  facts?: Record<string, string>;
  /** ISO time of the check (a cached verdict keeps its original time). */
  checkedAt?: string;
}

// ---------------------------------------------------------------------------------------------
// Identities (docs/architecture.md, "Identities and credentials")
// ---------------------------------------------------------------------------------------------

/** `config`: a secret that is no credential (a role ARN, a region), said so by code or the owners file. */
export type IdentityKind = 'identity' | 'credential' | 'config';

export interface UsedBy {
  /** e.g. `kubernetes:Deployment/payments/billing-api`, `github-actions:job/deploy.yml/release`. */
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  file: string;
  line: number;
  /** How it is used: `serviceAccountName`, `secretKeyRef`, `envFrom`, `imagePullSecrets`, `volume`, `env`… */
  via: string;
  /** The user's app (`app` / `app.kubernetes.io/name` label, compose service…), so policy can spot sharing. */
  app?: string;
}

export interface IdentityRecord {
  /** `<platform>:<type>/<namespace or module path>/<name>`; stable and readable. */
  id: string;
  kind: IdentityKind;
  platform: string;
  type: string;
  name: string;
  namespace?: string;
  file: string;
  line: number;
  /** Declaration facts safe to render (never secret values). */
  attributes: Record<string, unknown>;
  usedBy: UsedBy[];
  /** Permissions granted to this NHI (role bindings, attached policies, workflow permissions). */
  permissions?: string[];
  /** The same grants with where they are written, for rules that report on the grant's line. */
  grants?: Grant[];
  /** Rotation shown by the code itself, e.g. `aws_secretsmanager_secret_rotation (30 days)`. */
  rotationEvidence?: string;
  /** True when part of the declaration could not be determined (Helm templating, count/for_each). */
  templated?: boolean;
  /**
   * Every place the NHI is declared, first one first (`file`/`line` above repeat the first). Set by
   * the pipeline when it merges records with the same id (a ServiceAccount in a base and an overlay).
   */
  declarations?: Declaration[];
  /** Older forms of the id that owners files may still use (CloudFormation ids before template scoping). */
  legacyIds?: string[];
}

/**
 * One grant as written: `permission` is normalised for the rules — `aws-policy:<arn>`,
 * `aws-action:<action> on <resources>`, `gcp-role:<role> on <project|folder|organization|…>`,
 * `azure-role:<role> on <scope>`, `k8s-role:<ClusterRole/name or Role/ns/name>` (+ ` cluster-wide`),
 * `k8s-rule:<verbs> <resources>`, `github-token:<permissions>`.
 */
export interface Grant {
  permission: string;
  file: string;
  line: number;
}

export interface Declaration {
  file: string;
  line: number;
}

/** A file-level problem found while extracting: malformed YAML/HCL/JSON, a too-deep document… */
export interface ExtractError {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * An edge to an NHI that may be declared in another file (a Deployment in one manifest naming a
 * ServiceAccount declared in another). The pipeline attaches it to the record with id `target`
 * once every file is read; a reference to an NHI declared nowhere in the scan set is dropped.
 */
export interface IdentityReference {
  target: string;
  usedBy?: UsedBy;
  /** Added to the target's `permissions` (e.g. `ClusterRole/cluster-admin`). */
  permissions?: string[];
  /** Set on the target when it has none (e.g. a RotationSchedule in another template). */
  rotationEvidence?: string;
  /** Added to the target's `grants`. */
  grants?: Grant[];
}

export interface ExtractResult {
  records: IdentityRecord[];
  errors: ExtractError[];
  /** Extra findings an extractor raises itself (e.g. `credential/static-ci-key`, compose literals). */
  findings?: Finding[];
  /** Cross-file edges, resolved by the pipeline (`linkReferences`). */
  references?: IdentityReference[];
}

/** Every platform is a plugin with this one shape (CONTRIBUTING.md, "Adding an extractor"). */
export interface Extractor {
  platform: string;
  /**
   * Cheap check on the path (and optionally the content). `content` may be a stand-in
   * (`SourceFile.standIn`): decide on the path, ASCII words and `\s` only.
   */
  matches(path: string, content?: string): boolean;
  extract(file: SourceFile): ExtractResult;
}

// ---------------------------------------------------------------------------------------------
// Settings (parsed once; the core sees only this)
// ---------------------------------------------------------------------------------------------

export interface ScanSettings {
  /** minimatch globs over the POSIX relative path. */
  pathsIgnore: string[];
  /** Bytes; files above are skipped and reported. Default 5 MiB. */
  maxFileSize: number;
  failOn: FailOn;
  detectors: {
    /** Detector ids to switch off. */
    disabled: string[];
    /** When non-empty, only these detector ids run. */
    enabled: string[];
    /** Level overrides by detector id (config `detectors.severity`). */
    severity?: Record<string, Level>;
    /** The user's own detectors (config `detectors.custom`), as plain data so workers can receive them. */
    custom?: CustomDetectorSpec[];
  };
  /** Fingerprints suppressed by the baseline file (published or, from version-1 baselines, legacy ones). */
  baseline: ReadonlySet<string>;
  /** Salted secret hashes from the baseline and `.nhi-stewardignore` (each file has its own salt). */
  salted?: SaltedSuppression[];
  /** How secret fingerprints are made; default keyed with a random per-process key. */
  fingerprint?: FingerprintMode;
  /** Key of `Finding.contentId` (default per process; the worker pool passes the main thread's). */
  contentKey?: string;
  /** Also compute `previousFingerprint` on secret findings (issue-marker migration). */
  legacyFingerprints?: boolean;
  /** Secret findings kept per file and per scan (defaults 500 and 20,000); the rest are counted in a `scan/limit` finding. */
  limits?: { secretsPerFile?: number; secretsPerScan?: number };
  /** `file:line` of secret findings to drop (mapped `.gitleaksignore` entries). */
  ignoreLocations?: ReadonlySet<string>;
  /** Findings about the settings files themselves (expired ignore entries), added to every result. */
  notices?: Finding[];
  /** Compute `saltedHash` on secret findings with this salt (baseline and ignore writers). */
  hashSalt?: { salt: string; cost: ScryptCost };
  /** Path of the baseline file (relative to the root), for CLI/App/Action to load. */
  baselinePath: string;
  /** Owners file path relative to root. */
  ownersPath: string;
  issues: {
    labels: string[];
    assigneesFromOwner: boolean;
    /**
     * App issues: true always, false never; unset (the default) once the owners file exists on
     * the default branch, so a fresh installation onboards with one PR instead of many issues.
     */
    enabled?: boolean;
    /** The lowest level that gets an issue. Default warning (info-level test keys get none). */
    minLevel?: Level;
  };
  /** The pinned NHI inventory issue (App). Default true; never pinned when there is nothing to list. */
  dashboard?: boolean;
  /** Full-scan interval in milliseconds (App scheduler). Default 24 h. */
  scheduleMs: number;
  /**
   * Rule id → level, or `off` to switch the rule off (config `rules:`). Applies to every finding
   * of that rule id, whichever part of the scan raised it.
   */
  rules?: Record<string, Level | 'off'>;
  /** 'pr' judges only added lines and new/changed NHIs; 'full' scans everything. */
  mode: 'pr' | 'full';
  /** ISO date used for `review-by` expiry; injected for determinism. */
  now: Date;
  /** Live verification (`verify:` in the config); off unless switched on. */
  verify?: VerifySettings;
}

export interface VerifySettings {
  enabled: boolean;
  /** Provider key → base URL replacing the provider's default (GHES, sovereign clouds, tests). */
  endpoints: Record<string, string>;
}

/** A user-defined detector from `.github/nhi-steward.yml` (validated by core/secrets/custom.ts). */
export interface CustomDetectorSpec {
  id: string;
  title?: string;
  regex: string;
  keywords: string[];
  entropy?: number;
  severity?: Level;
  allowlist?: { regexes?: string[]; paths?: string[] };
}

/** Salted hashes of accepted secrets from one file (baseline or ignore file). */
export interface SaltedSuppression {
  /** The file they come from, for messages. */
  source: string;
  salt: string;
  cost: ScryptCost;
  /** Hex scrypt hashes of detector id + secret. */
  hashes: ReadonlySet<string>;
  /** Rules the entries were recorded for: only findings of these rules pay for a hash. */
  rules: ReadonlySet<string>;
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

export function defaultSettings(overrides: Partial<ScanSettings> = {}): ScanSettings {
  return {
    pathsIgnore: [],
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    failOn: 'error',
    detectors: { disabled: [], enabled: [] },
    baseline: new Set(),
    baselinePath: '.nhi-steward-baseline.json',
    ownersPath: '.github/nhi-owners.yml',
    issues: { labels: ['nhi-steward'], assigneesFromOwner: true },
    scheduleMs: 24 * 60 * 60 * 1000,
    mode: 'full',
    now: new Date(),
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

/** An NHI enriched with its owners-file entry and policy state, as `inventory` shows it. */
export interface InventoryEntry extends IdentityRecord {
  owner?: string;
  /** `90d`, `ephemeral`, `managed`, `never`, … from the owners file. */
  rotation?: string;
  environment?: string;
  purpose?: string;
  /** Rule ids of open gaps for this NHI. */
  findings: string[];
  /**
   * Which owners-file entry gave each field (`owner`, `rotation`, `purpose`, `environment`, `kind`):
   * 1-based entry number and its line. A later entry inherits fields it does not set.
   */
  ownersFields?: Record<string, { entry: number; line: number }>;
}

export interface ScanStats {
  files: number;
  bytes: number;
  skipped: number;
  durationMs: number;
  detectors: number;
  identities: number;
}

export interface ScanResult {
  findings: Finding[];
  skipped: Skipped[];
  inventory: InventoryEntry[];
  stats: ScanStats;
  /**
   * History mode: published fingerprints of secrets this scan saw accepted by a salted baseline or
   * ignore entry (docs/history.md, "Issues for secrets in history"); never a value.
   */
  baselined?: string[];
}
