import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { sameSecret } from '../core/commits.js';
import { activeDetectorCount } from '../core/secrets/engine.js';
import type { CommitRef, Finding, HistoryLocation, ScanResult, ScanSettings, SecretSink, Skipped } from '../core/types.js';
import { UsageError } from './errors.js';
import { unquoteGitPath } from './git.js';
import { BlobReader, EarlyGitLines, gitLineBatches, gitOutput, listObjectBatches, type BlobResult } from './git-objects.js';
import { HistoryBlobPool, type HistoryPoolOptions, type PoolOutcome } from './history-pool.js';
import { pathProfiles, type PathProfiles } from './path-profile.js';

/**
 * History mode (docs/history.md): every blob reachable from the chosen commits is read once, with
 * one streamed `git cat-file --batch`, and scanned by the same secrets engine as a working tree.
 * Only blobs with findings are then traced through `git log --raw` to the oldest commit that
 * brought them in. One secret is one finding, however many commits and files carry it.
 */
export interface HistoryOptions {
  settings: ScanSettings;
  /** Only commits not reachable from this ref. */
  since?: string;
  /** Only commits reachable from this ref (default: every ref). */
  branch?: string;
  /** Live verification only (`--verify`): receives the reported secrets' values. */
  revealSecrets?: SecretSink;
  /** Worker threads that scan blobs while this thread reads git (history-pool.ts). */
  parallel?: HistoryPoolOptions;
  /** Bytes of the attribution walk's output held while the blobs are scanned (tests); default LOG_HELD_BYTES. */
  logHeldBytes?: number;
}

export interface HistoryStats {
  commits: number;
  /** Unique blobs read and scanned, and their bytes. */
  blobs: number;
  blobBytes: number;
  /** The commit `presentAtHead` is judged against (HEAD, or the --branch tip). */
  head?: string;
  /** Shallow clone: commits whose parents were not fetched (history before them is not scanned). */
  shallow: string[];
  /** Worker threads started, and the blobs they scanned (the rest were scanned in the main thread). */
  workers: number;
  blobsFromWorkers: number;
}

export interface HistoryScan {
  result: ScanResult;
  history: HistoryStats;
}

/** `scannedAs` value of a blob no path can make scannable (binary, too large, unreadable). */
const SKIPPED_BLOB = -1;

interface BlobTag {
  oid: string;
  path: string;
  profile: number;
  /** Scanned again under another path profile (not counted as a unique blob). */
  again?: boolean;
  /** Place in the order outcomes are applied (history-pool.ts). */
  seq: number;
}

const hitKey = (oid: string, profile: number): string => `${oid}:${profile}`;

/** Skipped blobs listed one by one; past this, one summary entry says how many more. */
const MAX_SKIPPED_LISTED = 200;
/** Salted-baseline matches remembered (each is one accepted secret; far more is not a baseline). */
const MAX_BASELINED = 100_000;
/**
 * Output of the attribution walk's `git log` held in memory while the blobs are scanned (about
 * 330 bytes per commit on the bench's synthetic history, 1.3 KB on this repository's: 32 MiB is
 * ~25,000-100,000 commits). A longer log makes git wait on the pipe until the walk reads it.
 */
const LOG_HELD_BYTES = 32 * 1024 * 1024;
/** Other places a secret appears, listed with the finding. */
const MAX_OTHER_LOCATIONS = 10;

interface Intro {
  commit: CommitRef;
  /** Committer time (seconds) and position in the log, to pick the oldest. */
  time: number;
  order: number;
  path: string;
}

interface BlobHit {
  oid: string;
  /** The path profile the blob was scanned under (path-profile.ts). */
  profile: number;
  findings: Finding[];
  /** Oldest introduction, and a few more for `otherLocations`. */
  first?: Intro;
  others: Intro[];
}

export async function scanHistory(dir: string, options: HistoryOptions): Promise<HistoryScan> {
  const started = performance.now();
  const { settings } = options;
  // The set-up questions to git are asked at once (each is a process to start).
  const shallowAsked = shallowCommits(dir);
  const [shallow, branch, since, headCommit] = await Promise.all([
    shallowAsked,
    options.branch !== undefined ? shallowAsked.then(() => resolveRef(dir, options.branch!, '--branch')) : undefined,
    options.since !== undefined ? shallowAsked.then(() => resolveRef(dir, options.since!, '--since')) : undefined,
    options.branch === undefined ? commitOf(dir, 'HEAD') : undefined,
  ]);
  const revisions = [...(branch ? [branch] : ['--all']), ...(since ? [`^${since}`] : [])];
  const head = branch ?? headCommit;

  const skipped = new SkipList();
  for (const commit of shallow) {
    skipped.add({ path: `commit ${commit.slice(0, 12)}`, reason: 'unreadable', detail: 'shallow clone: its parents were not fetched, so older history was not scanned (fetch with --unshallow, or fetch-depth: 0)' });
  }
  const profiles = pathProfiles(settings);
  /** Findings per (blob, path profile). */
  const hits = new Map<string, BlobHit>();
  /** Blobs NOT scanned under the ordinary profile 0: the profile they were scanned under, or SKIPPED_BLOB. */
  const scannedAs = new Map<string, number>();
  /** Objects git could not give (missing or unreadable), listed up to a limit: their path, once the log walk names it. */
  const missing = new Map<string, string>();
  let missingUnlisted = 0;
  /** Published fingerprints of secrets a salted baseline or ignore entry accepted (history-blob.ts). */
  const baselined = new Set<string>();
  let commits = 0;
  let blobs = 0;
  let blobBytes = 0;

  const apply = (tag: BlobTag, size: number, outcome: PoolOutcome): void => {
    const { oid, path, profile } = tag;
    if (!outcome.scanned) {
      // Unreadable, binary or too large: the same under any path.
      scannedAs.set(oid, SKIPPED_BLOB);
      skipped.add('unreadable' in outcome ? { path, reason: 'unreadable', detail: outcome.unreadable } : outcome.skipped);
      return;
    }
    if (!tag.again) {
      blobs++;
      blobBytes += size;
    }
    if (outcome.baselined) for (const fingerprint of outcome.baselined) if (baselined.size < MAX_BASELINED) baselined.add(fingerprint);
    if (outcome.findings) {
      const key = hitKey(oid, profile);
      const hit = hits.get(key);
      if (hit) hit.findings = outcome.findings;
      else hits.set(key, { oid, profile, findings: outcome.findings, others: [] });
    }
  };
  const pool = new HistoryBlobPool<BlobTag>(dir, settings, apply, options.revealSecrets, options.parallel);
  const toPool = (blob: BlobResult<BlobTag>): void => (blob.ok ? pool.add(blob.tag.seq, blob.tag, blob.bytes) : pool.settle(blob.tag.seq, blob.tag, { scanned: false, unreadable: blob.reason }));
  const reader = new BlobReader<BlobTag>(dir, toPool);

  const stopped = (message: string) => skipped.add({ path: '(history)', reason: 'unreadable', detail: `${message}; objects after this point were not scanned` }, true);
  const listing = listObjectBatches(dir, revisions, stopped);
  let log: EarlyGitLines | undefined;
  let scanned = false;
  try {
    // The first step starts `git rev-list` and `git cat-file --batch-check`; while they start up,
    // this thread compiles the detector catalog (otherwise done on the first blob, with git idle).
    const first = listing.next();
    pool.prepare();
    // The `git log --raw` walk (attribute, below) needs the scan's results, but its git can run
    // beside the scan: it starts now (once the catalog is compiled: started with the other gits,
    // it slowed their start) and its output waits in memory, a bounded amount: past
    // LOG_HELD_BYTES git waits on the pipe until the walk reads it.
    log = new EarlyGitLines(dir, logArgs(revisions), options.logHeldBytes ?? LOG_HELD_BYTES);
    for (let step = await first; !step.done; step = await listing.next()) {
      const batch = step.value;
      const wanted: { oid: string; tag: BlobTag }[] = [];
      for (const object of batch) {
        if (object.type === 'commit') {
          commits++;
          continue;
        }
        if (object.type === 'missing') {
          scannedAs.set(object.oid, SKIPPED_BLOB);
          if (missing.size < MAX_SKIPPED_LISTED) missing.set(object.oid, object.path);
          else if (!missing.has(object.oid)) missingUnlisted++;
          continue;
        }
        if (object.type !== 'blob') continue;
        const profile = profiles.of(object.path);
        if (profile !== 0) scannedAs.set(object.oid, profile);
        if (profiles.skipped(profile)) continue;
        const tag: BlobTag = { path: object.path, oid: object.oid, profile, seq: pool.reserve() };
        if (object.size > settings.maxFileSize) {
          pool.settle(tag.seq, tag, { scanned: false, skipped: { path: object.path, reason: 'too-large', detail: `blob ${object.oid.slice(0, 12)}: ${object.size} bytes exceeds max-file-size ${settings.maxFileSize}` } });
          continue;
        }
        wanted.push({ oid: object.oid, tag });
      }
      await reader.requestMany(wanted);
    }
    await reader.finish();
    await pool.finish();
    scanned = true;
  } finally {
    if (!scanned) log?.cancel(); // the scan failed: its walk will not be read
    await listing.return(undefined).catch(() => undefined);
    await reader.finish().catch(() => undefined);
    await pool.close().catch((error: unknown) => {
      log?.cancel();
      throw error;
    });
  }

  // One walk of the commits: attributes each finding to the commit that introduced its blob, and
  // finds blobs that also live under a path of another profile, which are scanned again under it.
  // It also names the path of each missing object (batch-check does not echo it).
  const unwalked = (message: string) => skipped.add({ path: '(history)', reason: 'unreadable', detail: `${message}; the commits after this point were not walked, so a finding may name no introducing commit` }, true);
  const again = await attribute(log!.batches((m) => unwalked(`git log stopped: ${m}`)), hits, profiles, scannedAs, missing);
  for (const [oid, path] of missing) {
    skipped.add({ path: path || `object ${oid.slice(0, 12)}`, reason: 'unreadable', detail: `object ${oid.slice(0, 12)} missing or unreadable (partial or damaged clone)` });
  }
  skipped.addUnlisted(missingUnlisted);
  if (again.length > 0) {
    // Few and small: scanned in this thread.
    const inThread = new HistoryBlobPool<BlobTag>(dir, settings, apply, options.revealSecrets, { workers: 0 });
    const rescan = new BlobReader<BlobTag>(dir, (blob) => (blob.ok ? inThread.add(blob.tag.seq, blob.tag, blob.bytes) : inThread.settle(blob.tag.seq, blob.tag, { scanned: false, unreadable: blob.reason })));
    try {
      for (const tag of again) await rescan.request(tag.oid, { ...tag, seq: inThread.reserve() });
    } finally {
      await rescan.finish();
    }
    await inThread.finish();
    for (const tag of again) {
      const hit = hits.get(hitKey(tag.oid, tag.profile));
      if (hit && hit.findings.length === 0) hits.delete(hitKey(tag.oid, tag.profile));
    }
  }

  let findings: Finding[] = [];
  if (hits.size > 0) {
    const atHead = head ? await blobsAt(dir, head, profiles) : new Map<string, Set<number>>();
    findings = mergeByFingerprint([...hits.values()], atHead, head !== undefined);
  }
  findings.sort((a, b) => (a.commit?.date ?? '') < (b.commit?.date ?? '') ? -1 : (a.commit?.date ?? '') > (b.commit?.date ?? '') ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  const skippedList = skipped.list();
  return {
    result: {
      findings,
      skipped: skippedList,
      inventory: [],
      ...(baselined.size > 0 ? { baselined: [...baselined] } : {}),
      stats: {
        files: blobs,
        bytes: blobBytes,
        skipped: skippedList.length,
        durationMs: Math.round(performance.now() - started),
        detectors: activeDetectorCount(settings),
        identities: 0,
      },
    },
    history: { commits, blobs, blobBytes, head, shallow, workers: pool.workersStarted, blobsFromWorkers: pool.blobsFromWorkers },
  };
}

async function commitOf(dir: string, ref: string): Promise<string | undefined> {
  const out = await gitOutput(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '');
  return out.trim() || undefined;
}

async function resolveRef(dir: string, ref: string, flag: string): Promise<string> {
  if (ref.startsWith('-')) throw new UsageError(`${flag}: "${ref}" is not a git ref`);
  const sha = await commitOf(dir, ref);
  if (!sha) throw new UsageError(`${flag}: unknown git ref "${ref}" (try a branch, tag or commit such as origin/main)`);
  return sha;
}

/**
 * Commits a shallow clone cut the history at (`$GIT_DIR/shallow`). The same question says whether
 * `dir` is a repository at all.
 */
async function shallowCommits(dir: string): Promise<string[]> {
  const answer = await gitOutput(dir, ['rev-parse', '--is-shallow-repository', '--git-path', 'shallow']).catch((error: unknown) => {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${dir} is not a git repository (needed by --history)`);
  });
  const [isShallow, file] = answer.split('\n');
  if (isShallow !== 'true' || !file) return [];
  const text = await readFile(isAbsolute(file) ? file : join(dir, file), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
}

/**
 * The attribution walk's git: every (commit, path, blob) the commits brought in, newest first.
 * A merge is listed with a combined diff (`-c`): only the paths whose blob differs from every
 * parent's, i.e. what the merge itself brought in (a conflict resolution, an evil merge). A pair
 * already in one parent was brought in by an older commit, which the walk lists too; diffing each
 * merge against each parent (`-m`, before 2026-12-04) listed it again, and a merge of a long-lived
 * branch listed all of that branch's changes once more (expressjs/express: 93,432 lines and 9.6 MB
 * of output against 45,271 and 3.8 MB; docs/history.md).
 */
function logArgs(revisions: string[]): string[] {
  return ['log', ...revisions, '--raw', '--no-abbrev', '--no-renames', '-c', '--root', '--format=%x01%H %ct %aI %an', '--'];
}

/**
 * Walks `git log --raw` over the same commits (`logArgs`, from the git started beside the scan):
 * for each blob with findings, the commits (and paths) that brought it in under the profile it was
 * scanned with; and every (blob, profile) pair not scanned yet, returned to be scanned (a blob
 * first listed under an ignored path, or renamed to `.netrc`). A merge lists what differs from
 * all its parents (`-c`, see logArgs), so a blob a merge resolution created is attributed to the
 * merge, and one that came from a branch to that branch's (older) commit.
 */
async function attribute(log: AsyncIterable<string[]>, hits: Map<string, BlobHit>, profiles: PathProfiles, scannedAs: Map<string, number>, missing: Map<string, string>): Promise<BlobTag[]> {
  const again: BlobTag[] = [];
  let commit: CommitRef | undefined;
  let time = 0;
  let order = 0;
  for await (const lines of log) for (const line of lines) {
    if (line.startsWith('\u0001')) {
      const [sha, ct, date] = line.slice(1).split(' ', 3);
      const author = line.slice(1 + sha.length + ct.length + date.length + 3);
      commit = { sha, author, date };
      time = Number(ct);
      order++;
      continue;
    }
    if (!commit || !line.startsWith(':')) continue;
    const entry = rawEntry(line);
    if (!entry) continue;
    const { oid, path } = entry;
    const scanned = scannedAs.get(oid) ?? 0;
    if (scanned === SKIPPED_BLOB) {
      // A missing or unreadable object: named under the first path the log shows it at.
      if (missing.get(oid) === '') missing.set(oid, path);
      continue;
    }
    const profile = profiles.of(path);
    if (profiles.skipped(profile)) continue;
    const key = hitKey(oid, profile);
    let hit = hits.get(key);
    if (!hit) {
      if (profile === scanned) continue;
      // Not scanned under this path's profile yet: scan it again (its intros are gathered meanwhile).
      hit = { oid, profile, findings: [], others: [] };
      hits.set(key, hit);
      again.push({ oid, path, profile, again: true, seq: -1 });
    }
    const intro: Intro = { commit, time, order, path };
    // git log lists newest first: at equal times the later line is the older commit.
    if (!hit.first || time < hit.first.time || (time === hit.first.time && order >= hit.first.order)) {
      if (hit.first && hit.first.commit.sha !== commit.sha) keepOther(hit, hit.first);
      hit.first = intro;
    } else if (hit.first.commit.sha !== commit.sha || hit.first.path !== intro.path) {
      keepOther(hit, intro);
    }
  }
  return again;
}

/**
 * The blob and path a `git log --raw` line names, or undefined for a deletion or a submodule
 * commit. A commit's line has one colon (`:100644 100644 <old> <new> M<TAB>path`); a merge's
 * combined line has one per parent (`::100644 100644 100644 <p1> <p2> <result> MM<TAB>path`): n
 * colons, n + 1 modes, n + 1 ids, the result's last.
 */
export function rawEntry(line: string): { oid: string; path: string } | undefined {
  let parents = 0;
  while (line.charCodeAt(parents) === 58) parents++; // ':'
  const tab = line.indexOf('\t');
  if (parents === 0 || tab < 0) return undefined;
  const meta = line.slice(parents, tab).split(' ');
  const mode = meta[parents];
  const oid = meta[2 * parents + 1];
  if (oid === undefined || mode === '000000' || mode === '160000' || /^0+$/.test(oid)) return undefined;
  return { oid, path: unquoteGitPath(line.slice(tab + 1)) };
}

function keepOther(hit: BlobHit, intro: Intro): void {
  if (hit.others.length < MAX_OTHER_LOCATIONS * 2) hit.others.push(intro);
}

/**
 * The blobs in the tree of `commit`, each with the path profiles it has there: a secret is still
 * present only where its blob sits under a path that reports it (a copy left under an ignored
 * path does not count).
 */
async function blobsAt(dir: string, commit: string, profiles: PathProfiles): Promise<Map<string, Set<number>>> {
  const map = new Map<string, Set<number>>();
  for await (const lines of gitLineBatches(dir, ['ls-tree', '-r', '--full-tree', commit], () => undefined)) for (const line of lines) {
    const tab = line.indexOf('\t');
    const meta = line.slice(0, tab).split(' ');
    if (meta[1] !== 'blob') continue;
    const profile = profiles.of(unquoteGitPath(line.slice(tab + 1)));
    if (profiles.skipped(profile)) continue;
    const set = map.get(meta[2]) ?? new Set<number>();
    set.add(profile);
    map.set(meta[2], set);
  }
  return map;
}

/** One finding per fingerprint: the oldest introduction is the location; the rest are listed. */
function mergeByFingerprint(hits: BlobHit[], atHead: Map<string, Set<number>>, haveHead: boolean): Finding[] {
  const groups = new Map<string, { hit: BlobHit; finding: Finding }[]>();
  for (const hit of hits) {
    for (const finding of hit.findings) {
      const group = groups.get(sameSecret(finding)) ?? [];
      group.push({ hit, finding });
      groups.set(sameSecret(finding), group);
    }
  }
  const out: Finding[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => {
      const x = a.hit.first;
      const y = b.hit.first;
      if (!x || !y) return x ? -1 : y ? 1 : 0;
      return x.time - y.time || y.order - x.order;
    });
    const { hit, finding } = group[0];
    const present = haveHead ? group.some((g) => atHead.get(g.hit.oid)?.has(g.hit.profile) === true) : undefined;
    const others: HistoryLocation[] = [];
    let total = 0;
    for (const g of group) {
      const intros = g === group[0] ? g.hit.others : [...(g.hit.first ? [g.hit.first] : []), ...g.hit.others];
      for (const intro of intros) {
        total++;
        if (others.length < MAX_OTHER_LOCATIONS) others.push({ file: intro.path, line: g.finding.line, commit: intro.commit.sha });
      }
    }
    const merged: Finding = { ...finding, file: hit.first?.path ?? finding.file };
    if (hit.first) merged.commit = hit.first.commit;
    if (present !== undefined) merged.presentAtHead = present;
    if (others.length > 0) merged.otherLocations = others;
    merged.message = `${finding.message} — ${historyNote(merged, total)}`;
    out.push(merged);
  }
  return out;
}

function historyNote(f: Finding, others: number): string {
  const where = f.commit ? `introduced in commit ${f.commit.sha.slice(0, 7)} by ${f.commit.author} on ${f.commit.date.slice(0, 10)}` : 'introducing commit unknown (not reachable through commits)';
  const state = f.presentAtHead === false ? 'removed before HEAD but still in git history: rotate it' : f.presentAtHead ? 'still present at HEAD: rotate it and remove it' : 'rotate it';
  const more = others > 0 ? ` (also in ${others} other place(s))` : '';
  return `${where}; ${state}${more}`;
}

/** Skipped blobs, listed up to a limit and then counted, so a history of images stays readable. */
class SkipList {
  private readonly items: Skipped[] = [];
  private extra = 0;
  add(item: Skipped, always = false): void {
    if (always || this.items.length < MAX_SKIPPED_LISTED) this.items.push(item);
    else this.extra++;
  }
  /** Skips known only by count (past the listing limit already). */
  addUnlisted(count: number): void {
    this.extra += count;
  }
  list(): Skipped[] {
    if (this.extra === 0) return this.items;
    return [...this.items, { path: '(history)', reason: 'limit', detail: `${this.extra} more skipped blob(s) not listed` }];
  }
}
