import { diffInventories } from '../core/policy/diff.js';
import { entryMatcher, parseOwnersFile } from '../core/policy/owners-file.js';
import { CHECK_SUMMARY_LIMIT, renderMarkdownSummary } from '../core/report/markdown.js';
import { extractIdentities, scanSources } from '../core/scan.js';
import { linesAddedSince } from '../core/diff/new-lines.js';
import { toSourceFile, isSkipped } from '../core/source.js';
import { KustomizeNamespaces } from '../core/identities/kustomize.js';
import { linkReferences } from '../core/identities/link.js';
import type { Finding, IdentityRecord, IdentityReference, ScanResult, ScanSettings, SecretSink, SourceFile, Skipped } from '../core/types.js';
import { conclusionFor, toAnnotations, type CheckOutcome } from './check-run.js';
import type { GitHubClient, RepoRef } from './client.js';
import { getFileBytes, getFileText, gitTree, isNotFound, streamInPieces, type GitTree } from './contents.js';
import { CODEOWNERS_PATHS } from '../core/policy/codeowners.js';
import { ROLE_RULES_PREFIX } from '../core/identities/link.js';
import { readPatch } from './patch.js';
import { append } from '../core/append.js';
import { winningEntry } from '../core/policy/owners-file.js';
import { policyFingerprint } from '../core/policy/rules.js';
import { openTarball } from './full-scan.js';
import { readTarball } from './tarball.js';
import { MAX_STREAMED_BYTES, piecesRead, scanBytesInPieces } from '../core/secrets/pieces.js';

export interface PullRequestRef {
  number: number;
  headSha: string;
  baseSha: string;
  author?: string;
  /** Files the PR changes, from its payload (`changed_files`): more than the file list holds when GitHub cut it (MAX_PULL_FILES). */
  changedFiles?: number;
}

/** GitHub's file list of a pull request holds at most this many files. */
export const MAX_PULL_FILES = 3000;

export interface PullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  patch?: string;
  previous_filename?: string;
}

export interface PullAnalysis {
  result: ScanResult;
  /** NHIs the PR adds, changes or removes (base vs head of the changed IaC files). */
  added: IdentityRecord[];
  changed: IdentityRecord[];
  removed: IdentityRecord[];
  /**
   * NHIs declared in files the PR does not touch, whose grants or users the PR changes (a new
   * RoleBinding for an existing ServiceAccount): their owners are asked to review too.
   */
  regranted: string[];
  /**
   * Where the regranted NHIs are declared (at base), for owners entries given by `path:`; looked
   * up only when the owners file has such entries.
   */
  regrantedFiles: Map<string, string>;
  /** The owners file at head, for review requests. */
  owners?: string;
  /**
   * Existing NHIs (declared at the base, not added by the PR) whose owner or rotation the PR's
   * owners-file edit changes, with their owner at the base: those owners are asked to review.
   */
  reassigned: Reassigned[];
  /** API calls made, for the bench. */
  calls: number;
  /** Changed files GitHub's file list left out (past MAX_PULL_FILES): not read through the API. */
  unlistedFiles?: number;
  /** What was downloaded, and the bounds it stayed within. */
  downloads: DownloadStats;
}

/** The PR's downloads (docs/security.md, "Large pull requests"). */
export interface DownloadStats {
  /** Head files downloaded, and their bytes. */
  files: number;
  bytes: number;
  /** Most bytes reserved at once for files downloaded but not yet scanned (≤ the budget). */
  peakBytesInFlight: number;
  /** Most files loading or waiting to be scanned at once (≤ PULL_DOWNLOAD_CONCURRENCY). */
  peakConcurrent: number;
  /** Files over max-file-size: skipped by name, never downloaded. */
  tooLarge: string[];
}

/** Files loading at once in a PR check. */
export const PULL_DOWNLOAD_CONCURRENCY = 4;
/** Bytes downloaded and not yet scanned in a PR check (at least max-file-size, so one file always fits). */
export const PULL_BYTES_IN_FLIGHT = 16 * 1024 * 1024;
/** Bytes downloaded and not yet scanned across every PR check in this process. */
export const PROCESS_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/** A byte budget shared by concurrent PR checks (a waiter holds nothing, so there is no deadlock). */
export class ByteBudget {
  used = 0;
  peak = 0;
  private waiters: (() => void)[] = [];
  constructor(readonly limit: number) {}
  /** Takes `n` bytes when they fit, or when nothing is taken at all (one file always gets through). */
  tryTake(n: number): boolean {
    if (this.used > 0 && this.used + n > this.limit) return false;
    this.used += n;
    this.peak = Math.max(this.peak, this.used);
    return true;
  }
  give(n: number): void {
    this.used -= n;
    for (const wake of this.waiters.splice(0)) wake();
  }
  /** Resolves at the next `give`. */
  released(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** The process-wide budget every PR check draws from. */
export const processBudget = new ByteBudget(PROCESS_BYTES_IN_FLIGHT);

/** At most this many directories are listed for sizes when GitHub truncates the tree. */
const SIZE_LISTINGS_CAP = 50;

interface PlannedFile {
  file: PullFile;
  needsHead: boolean;
  /** Bytes this file may hold in memory (head and, for infrastructure files, base). */
  cost: number;
  tooLarge?: Skipped;
  /** Over max-file-size without a patch: streamed and read in pieces (`streamedSecrets`). */
  streamed?: boolean;
  /** An infrastructure file over max-file-size with a patch: its secrets read from the patch in pieces, not parsed for identities. */
  overLimit?: boolean;
}

/** What a streamed file holds in memory at most: a piece, its margins, and a read. */
const STREAMED_COST = 8 * 1024 * 1024;

interface Loaded {
  source?: SourceFile | Skipped;
  base?: { path: string; content: string };
}

/** One secret by rule and value (the same in any file and version). */
function secretKey(f: Finding): string {
  return `${f.rule}\0${f.contentId ?? f.fingerprint}`;
}

/** `how`: what became of the file instead of a download (read from its patch: nothing to add). */
function tooLargeSkip(path: string, size: number, max: number, how = '; not downloaded'): Skipped {
  return { path, reason: 'too-large', detail: `${size} bytes exceeds max-file-size ${max}${how}` };
}

function planFile(file: PullFile, size: number | undefined, maxFileSize: number): PlannedFile {
  const infra = isInfrastructureFile(file.filename);
  if (file.status === 'removed') return { file, needsHead: false, cost: infra ? maxFileSize : 0 };
  // Over max-file-size, a file is never downloaded whole (a PR could otherwise pad a file past the
  // limit to hide the token it adds): GitHub's patch shows every line the PR added. Without a patch
  // (GitHub leaves it out of very large diffs), it is streamed and read in pieces, its base too when
  // it had one. Either way it is scanned for secrets only: an infrastructure file that large (a
  // package-lock.json, a Terraform state) is not parsed for identities.
  if (size !== undefined && size > maxFileSize && file.patch === undefined) {
    const streamed = size <= MAX_STREAMED_BYTES;
    return { file, needsHead: false, cost: streamed ? STREAMED_COST : 0, tooLarge: tooLargeSkip(file.filename, size, maxFileSize), ...(streamed ? { streamed } : {}) };
  }
  if (size !== undefined && size > maxFileSize && infra) return { file, needsHead: false, cost: Math.min(file.patch!.length, size), overLimit: true };
  const needsHead = infra || file.patch === undefined;
  const head = needsHead ? (size ?? maxFileSize) : Math.min(file.patch!.length, size ?? file.patch!.length);
  // The base too for an infrastructure file, and for one without a patch (see `load`).
  const base = needsHead && file.status !== 'added' ? (size ?? maxFileSize) : 0;
  return { file, needsHead, cost: head + base };
}


/**
 * Blob sizes at `ref` for `paths`, without downloading any of them: from the recursive git tree
 * (`gitTree`, one call); when GitHub truncated it, from the folder listings of the paths it left
 * out. A path whose size stays unknown is still bounded when read (getFileBytes with maxBytes).
 */
export async function blobSizes(client: GitHubClient, repo: RepoRef, ref: string, paths: string[], tree: GitTree): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (paths.length === 0) return sizes;
  const wanted = new Set(paths);
  for (const entry of tree.tree) {
    if (entry.type === 'blob' && typeof entry.size === 'number' && wanted.has(entry.path)) sizes.set(entry.path, entry.size);
  }
  if (!tree.truncated) return sizes;
  const folders = [...new Set(paths.filter((p) => !sizes.has(p)).map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')))].slice(0, SIZE_LISTINGS_CAP);
  for (const folder of folders) {
    try {
      const { data } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path: folder, ref });
      for (const entry of Array.isArray(data) ? data : []) if (entry.type === 'file' && wanted.has(entry.path)) sizes.set(entry.path, entry.size);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return sizes;
}

export interface Reassigned {
  id: string;
  before: { owner?: string; rotation?: string };
  after: { owner?: string; rotation?: string };
}

/** At most this many reassigned NHIs are listed one by one in the check; the rest are counted. */
const REASSIGNED_LISTED = 50;

/** Files whose base and head contents we fetch: those an identity extractor could read. */
export function isInfrastructureFile(path: string): boolean {
  return /\.(ya?ml|tf|tf\.json|json|template)$/i.test(path);
}

/** The reads of a PR check that need no settings: the PR's file list and its head's git tree. */
export interface PullReads {
  files: Promise<PullFile[]>;
  tree: Promise<GitTree>;
}

/**
 * Starts the reads a PR check makes whatever its settings, so that they go while the settings
 * load (src/app/index.ts). A check that stops before `analysePullRequest` awaits them leaves no
 * unhandled rejection behind.
 */
export function startPullReads(client: GitHubClient, repo: RepoRef, pull: PullRequestRef): PullReads {
  const reads: PullReads = {
    files: client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...repo, pull_number: pull.number, per_page: 100 }) as Promise<PullFile[]>,
    tree: gitTree(client, repo, pull.headSha),
  };
  reads.files.catch(() => undefined);
  reads.tree.catch(() => undefined);
  return reads;
}

/**
 * Analyses a pull request with the fewest API calls it can: the file list with patches; for secret
 * scanning the added lines are rebuilt from the patch; only infrastructure files are downloaded, at
 * base and at head, so that only new or changed NHIs are blamed on the PR.
 */
export async function analysePullRequest(client: GitHubClient, repo: RepoRef, pull: PullRequestRef, settings: ScanSettings, revealSecrets?: SecretSink, reads?: PullReads): Promise<PullAnalysis> {
  let calls = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    calls++;
    return p;
  };
  // Independent reads at once, not one after another: the file list and the head's git tree (blob
  // sizes, read before any download), started here or earlier, while the settings loaded
  // (`startPullReads`); and the owners file, which only the end of the scan needs, so the downloads
  // do not wait for it. Every read is bounded by max-file-size: an owners file over it reads as
  // absent (every NHI unowned).
  const early = reads ?? startPullReads(client, repo, pull);
  const ownersRead = counted(getFileText(client, repo, settings.ownersPath, pull.headSha, { maxBytes: settings.maxFileSize }));
  ownersRead.catch(() => undefined); // awaited once the PR's files have gone by
  const [files, tree] = await Promise.all([counted(early.files), counted(early.tree)]);

  const baseRecords: IdentityRecord[] = [];
  const headRecords: IdentityRecord[] = [];
  const baseRefs: IdentityReference[] = [];
  const headRefs: IdentityReference[] = [];
  const baseKustomize = new KustomizeNamespaces();
  const headKustomize = new KustomizeNamespaces();
  const readBase = (path: string, content: string) => {
    const extracted = extractIdentities({ path, content });
    baseKustomize.add({ path, content }, extracted);
    append(baseRecords, extracted.records);
    append(baseRefs, extracted.references);
  };
  const touchesOwners = files.some((f) => f.filename === settings.ownersPath);

  // Sizes first (docs/security.md, "Large pull requests"): a file over max-file-size is skipped by
  // name and never downloaded; the rest are downloaded a few at a time, within a byte budget.
  const sizes = await blobSizes(client, repo, pull.headSha, files.filter((f) => f.status !== 'removed').map((f) => f.filename), tree);
  const downloads: DownloadStats = { files: 0, bytes: 0, peakBytesInFlight: 0, peakConcurrent: 0, tooLarge: [] };
  const budget = Math.max(PULL_BYTES_IN_FLIGHT, settings.maxFileSize);
  const plan = [...files].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0)).map((file) => planFile(file, sizes.get(file.filename), settings.maxFileSize));

  /** One file's download (head, and base for an infrastructure file); no identity work yet. */
  const load = async (task: PlannedFile): Promise<Loaded> => {
    const { file } = task;
    const bounded = { maxBytes: settings.maxFileSize };
    if (file.status === 'removed') {
      if (!isInfrastructureFile(file.filename)) return {};
      const base = await counted(getFileText(client, repo, file.filename, pull.baseSha, bounded));
      return base === undefined ? {} : { base: { path: file.filename, content: base } };
    }
    if (task.streamed) return { source: await streamedSecrets(task) };
    if (task.tooLarge) return { source: task.tooLarge };
    const basePath = file.previous_filename ?? file.filename;
    let baseAsked: Promise<Buffer | number | undefined> | undefined;
    const baseBytes = () => (baseAsked ??= counted(getFileBytes(client, repo, basePath, pull.baseSha, bounded)));
    const view = file.patch !== undefined ? readPatch(file.patch) : undefined;
    let source: SourceFile | Skipped;
    if (task.needsHead) {
      const bytes = await counted(getFileBytes(client, repo, file.filename, pull.headSha, bounded));
      if (bytes === undefined) return {};
      if (typeof bytes === 'number') return { source: tooLargeSkip(file.filename, bytes, settings.maxFileSize) };
      downloads.files++;
      downloads.bytes += bytes.length;
      source = toSourceFile(file.filename, bytes, settings, view?.addedLines);
      if (!view && !isSkipped(source) && file.status !== 'added') {
        // No patch: GitHub omits it for a binary change (git calls UTF-16 text binary) and for a
        // very large diff. The lines the base version does not hold count as added (every line
        // when there is no base to read), so the PR is not blamed for secrets the file had before.
        const before = await baseBytes();
        const added = linesAddedSince(Buffer.isBuffer(before) ? before : undefined, source.content, basePath, settings);
        if (added) source = { ...source, addedLines: added };
      }
    } else if (task.overLimit || view!.sparseContent.length > settings.maxFileSize) {
      // The patch of a file past max-file-size: its lines in place, read in pieces.
      const size = sizes.get(file.filename) ?? view!.sparseContent.length;
      const secrets = scanBytesInPieces(file.filename, Buffer.from(view!.sparseContent), { ...settings, mode: 'pr' }, view!.addedLines, revealSecrets);
      source = secrets ? piecesRead(tooLargeSkip(file.filename, size, settings.maxFileSize, ''), secrets) : tooLargeSkip(file.filename, size, settings.maxFileSize);
    } else {
      source = { path: file.filename, content: view!.sparseContent, addedLines: view!.addedLines };
    }
    if (isSkipped(source) || !isInfrastructureFile(file.filename) || file.status === 'added') return { source };
    const base = await baseBytes();
    return { source, ...(Buffer.isBuffer(base) ? { base: { path: basePath, content: base.toString('utf8') } } : {}) };
  };

  /**
   * A file over max-file-size that GitHub gave no patch for, streamed (raw contents) and read in
   * pieces; when it had a base version, that is streamed too, and only the secrets the base does
   * not hold count as the PR's (its lines cannot be compared within bounded memory; a secret is
   * judged by value, as everywhere). The head's values go to live verification, the base's do not.
   */
  const streamedSecrets = async (task: PlannedFile): Promise<Skipped> => {
    const { file } = task;
    const skip = task.tooLarge!;
    const scanned = { ...settings, mode: 'pr' as const };
    try {
      // The head's secrets go to live verification like any file's (the base's are not the PR's).
      const head = await counted(streamInPieces(client, repo, file.filename, pull.headSha, scanned, revealSecrets));
      if (!head) return skip;
      let found = head;
      if (file.status !== 'added') {
        const base = await counted(streamInPieces(client, repo, file.previous_filename ?? file.filename, pull.baseSha, scanned));
        const held = new Set((base ?? []).map(secretKey));
        found = head.filter((f) => !held.has(secretKey(f)));
      }
      return piecesRead(tooLargeSkip(file.filename, sizes.get(file.filename)!, settings.maxFileSize, '; streamed'), found);
    } catch {
      return skip; // the check says which files it could not read (downloads.tooLarge)
    }
  };

  // Filled in once every file has gone by (the scan reads them only after its last file).
  const changedIds = new Set<string>();
  const scanOptions: Parameters<typeof scanSources>[1] = {
    settings: { ...settings, mode: 'pr' },
    changedIdentities: changedIds,
    revealSecrets,
  };
  let diff: ReturnType<typeof diffInventories> | undefined;
  let regranted: string[] = [];
  /**
   * The PR's files in path order, for the scan: at most PULL_DOWNLOAD_CONCURRENCY downloads at once
   * and PULL_BYTES_IN_FLIGHT bytes downloaded but not yet scanned, and the event loop gets a turn
   * between files, so webhooks and health checks are answered while a large PR is checked.
   */
  async function* pullSources(): AsyncGenerator<SourceFile | Skipped> {
    const window: { loaded: Promise<Loaded>; cost: number }[] = [];
    let next = 0;
    let inFlight = 0;
    let held = 0;
    const fill = () => {
      while (next < plan.length && window.length < PULL_DOWNLOAD_CONCURRENCY) {
        const task = plan[next];
        if (window.length > 0 && inFlight + task.cost > budget) break;
        // Every PR check in the process shares one budget too: concurrent large PRs cannot add up.
        if (!processBudget.tryTake(task.cost)) break;
        next++;
        inFlight += task.cost;
        const loaded = load(task);
        loaded.catch(() => undefined); // awaited in order below; no unhandled rejection meanwhile
        window.push({ loaded, cost: task.cost });
        downloads.peakBytesInFlight = Math.max(downloads.peakBytesInFlight, inFlight);
        downloads.peakConcurrent = Math.max(downloads.peakConcurrent, window.length);
      }
    };
    const release = (cost: number) => {
      inFlight -= cost;
      processBudget.give(cost);
    };
    try {
      for (;;) {
        fill();
        if (window.length === 0) {
          if (next >= plan.length) break;
          await processBudget.released(); // other checks hold the process's budget: wait for some back
          continue;
        }
        const entry = window.shift()!;
        held = entry.cost;
        const { source, base } = await entry.loaded;
        if (base) readBase(base.path, base.content);
        if (source) {
          if (isSkipped(source) && source.reason === 'too-large' && !source.secrets) downloads.tooLarge.push(source.path);
          if (!isSkipped(source) && isInfrastructureFile(source.path)) {
            const extracted = extractIdentities(source);
            headKustomize.add(source, extracted);
            append(headRecords, extracted.records);
            append(headRefs, extracted.references);
          }
          // The owners file is scanned like any file (a secret pasted into it is still a secret), as
          // the CLI and the Action do.
          yield source;
        }
        release(held);
        held = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      // A check that fails half-way gives back what it reserved.
      if (held > 0) release(held);
      for (const entry of window.splice(0)) release(entry.cost);
    }
    // Extractors read one file at a time; join cross-file edges as the full pipeline does.
    baseKustomize.apply(baseRecords, baseRefs);
    headKustomize.apply(headRecords, headRefs);
    linkReferences(baseRecords, baseRefs);
    linkReferences(headRecords, headRefs);
    diff = diffInventories(baseRecords, headRecords);
    const declared = new Set([...baseRecords, ...headRecords].map((r) => r.id));
    regranted = changedTargets(baseRefs, headRefs).filter((id) => !declared.has(id));
    for (const r of [...diff.added, ...diff.changed]) changedIds.add(r.id);
    const ownersText = await ownersRead;
    if (ownersText !== undefined) scanOptions.owners = { path: settings.ownersPath, content: ownersText };
    // CODEOWNERS names a suggested owner in the snippet for an unowned NHI (GitHub's first location
    // only); read only when the PR touches an NHI at all.
    const codeowners = changedIds.size > 0 ? await counted(getFileText(client, repo, CODEOWNERS_PATHS[0], pull.headSha, { maxBytes: settings.maxFileSize })) : undefined;
    if (codeowners !== undefined) scanOptions.codeowners = { path: CODEOWNERS_PATHS[0], content: codeowners };
  }

  const result = await scanSources(pullSources(), scanOptions);
  if (!diff) throw new Error('pull request files were not all read');
  const owners = await ownersRead;
  // Entries can look stale against the few files a PR touches; staleness is a full-scan verdict.
  // Owners-file errors are the PR's business only when the PR edits that file.
  result.findings = result.findings.filter((f) => keepInPullRequest(f, touchesOwners));
  // An owners-file edit is governed too: a catch-all entry must not quietly take over other NHIs.
  let reassigned: Reassigned[] = [];
  if (touchesOwners) {
    const baseOwners = await counted(getFileText(client, repo, settings.ownersPath, pull.baseSha, { maxBytes: settings.maxFileSize }));
    calls++;
    reassigned = await reassignedByOwnersEdit(client, repo, pull.baseSha, settings, baseOwners ?? '', owners ?? '', new Set(diff.added.map((r) => r.id)));
    for (const [i, r] of reassigned.entries()) {
      if (i === REASSIGNED_LISTED) {
        result.findings.push(reassignedFinding(settings.ownersPath, `…and ${reassigned.length - REASSIGNED_LISTED} more existing NHIs whose owner or rotation this change sets`));
        break;
      }
      result.findings.push(reassignedFinding(settings.ownersPath, `${r.id}: owner ${r.before.owner ?? 'none'} → ${r.after.owner ?? 'none'}, rotation ${r.before.rotation ?? 'none'} → ${r.after.rotation ?? 'none'} (an NHI this pull request does not add)`));
    }
  }
  const regrantedFiles = regranted.length > 0 && owners !== undefined ? await counted(declaringFiles(client, repo, pull.baseSha, regranted, owners)) : new Map<string, string>();
  // GitHub cuts the list at MAX_PULL_FILES; the payload's count says how many it left out.
  const unlistedFiles = files.length >= MAX_PULL_FILES ? (pull.changedFiles ?? 0) - files.length : 0;
  return { result, added: diff.added, changed: diff.changed, removed: diff.removed, regranted, regrantedFiles, owners, reassigned, calls, downloads, ...(unlistedFiles > 0 ? { unlistedFiles } : {}) };
}

function reassignedFinding(ownersPath: string, message: string): Finding {
  return { rule: 'owners/reassigned', level: 'warning', file: ownersPath, line: 1, column: 1, message, fingerprint: policyFingerprint('owners/reassigned', ownersPath, message) };
}

/**
 * Every NHI declared at the base (read from the base tarball, identities only) whose winning
 * owners entry gives a different owner or rotation at head than at base, minus those the PR adds.
 */
async function reassignedByOwnersEdit(client: GitHubClient, repo: RepoRef, baseSha: string, settings: ScanSettings, baseText: string, headText: string, added: ReadonlySet<string>): Promise<Reassigned[]> {
  const baseEntries = parseOwnersFile(baseText).entries;
  const headEntries = parseOwnersFile(headText).entries;
  const records: IdentityRecord[] = [];
  for await (const item of readTarball(await openTarball(client, repo, baseSha), { maxFileSize: settings.maxFileSize })) {
    if (isSkipped(item) || !isInfrastructureFile(item.path)) continue;
    append(records, extractIdentities(item).records);
  }
  const out: Reassigned[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    if (added.has(record.id) || seen.has(record.id)) continue;
    seen.add(record.id);
    const b = winningEntry(baseEntries, record);
    const a = winningEntry(headEntries, record);
    const before = { owner: b?.owner, rotation: b?.rotation?.text };
    const after = { owner: a?.owner, rotation: a?.rotation?.text };
    if (before.owner !== after.owner || before.rotation !== after.rotation) out.push({ id: record.id, before, after });
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : 1));
}

/** At most this many files are read to find where regranted NHIs are declared. */
const DECLARING_FILES_CAP = 30;

/**
 * Owners entries given by `path:` match the file an NHI is declared in. A regranted NHI is declared
 * in a file the PR does not touch: find it among the infrastructure files at base that some
 * `path:` entry covers (the only files whose owner could differ), reading at most 30 of them.
 */
export async function declaringFiles(client: GitHubClient, repo: RepoRef, baseSha: string, ids: string[], ownersFile: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const pathEntries = parseOwnersFile(ownersFile).entries.filter((e) => e.path !== undefined).map((e) => entryMatcher({ path: e.path, match: undefined }));
  if (pathEntries.length === 0) return found;
  const { data: tree } = await client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { ...repo, tree_sha: baseSha, recursive: '1' });
  const candidates = (tree.tree as { path: string; type: string }[])
    .filter((e) => e.type === 'blob' && isInfrastructureFile(e.path) && pathEntries.some((m) => m({ id: '', file: e.path })))
    .map((e) => e.path)
    .slice(0, DECLARING_FILES_CAP);
  const wanted = new Set(ids);
  for (const path of candidates) {
    if (found.size === wanted.size) break;
    const content = await getFileText(client, repo, path, baseSha);
    if (content === undefined) continue;
    for (const record of extractIdentities({ path, content }).records) if (wanted.has(record.id) && !found.has(record.id)) found.set(record.id, path);
  }
  return found;
}

/** Targets whose incoming references (users, grants) differ between base and head. */
export function changedTargets(base: IdentityReference[], head: IdentityReference[]): string[] {
  const summarise = (refs: IdentityReference[]) => {
    const byTarget = new Map<string, Set<string>>();
    for (const ref of refs) {
      const facts = byTarget.get(ref.target) ?? new Set<string>();
      if (ref.usedBy) facts.add(`use:${ref.usedBy.id}:${ref.usedBy.via}`);
      for (const permission of ref.permissions ?? []) facts.add(`grant:${permission}`);
      byTarget.set(ref.target, facts);
    }
    return byTarget;
  };
  const before = summarise(base);
  const after = summarise(head);
  const targets = new Set([...before.keys(), ...after.keys()]);
  const same = (a = new Set<string>(), b = new Set<string>()) => a.size === b.size && [...a].every((x) => b.has(x));
  // Role rules (ROLE_RULES_PREFIX) are no NHI: nobody owns them, so nobody is asked to review.
  return [...targets].filter((t) => !t.startsWith(ROLE_RULES_PREFIX) && !same(before.get(t), after.get(t))).sort();
}

function keepInPullRequest(finding: Finding, touchesOwners: boolean): boolean {
  if (finding.rule === 'owners/stale-entry') return false;
  // Declarations may sit in files the PR does not touch: whether a name dangles is a full-scan verdict.
  if (finding.rule === 'identity/dangling-reference') return false;
  if (finding.rule.startsWith('owners/')) return touchesOwners;
  return true;
}

export function pullRequestOutcome(analysis: PullAnalysis, settings: ScanSettings): CheckOutcome {
  const { findings } = analysis.result;
  const conclusion = conclusionFor(findings, settings.failOn);
  const secrets = findings.filter((f) => f.rule.startsWith('secret/')).length;
  const unowned = findings.filter((f) => f.rule === 'identity/unowned').length;
  const title =
    findings.length === 0
      ? 'No NHI hygiene problems in this pull request'
      : `${secrets} secret${secrets === 1 ? '' : 's'}, ${unowned} unowned NHI${unowned === 1 ? '' : 's'}, ${findings.length} finding${findings.length === 1 ? '' : 's'} in all`;
  const summary = renderMarkdownSummary(analysis.result, { maxLength: CHECK_SUMMARY_LIMIT, title: 'NHI hygiene', changedIdentities: new Set([...analysis.added, ...analysis.changed].map((r) => r.id)) });
  return { conclusion, title, summary, annotations: toAnnotations(findings) };
}
