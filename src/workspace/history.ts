import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { sameSecret, secretKeys } from '../core/commits.js';
import { capYoungGeneration } from '../core/parallel/young-generation.js';
import { activeDetectorCount } from '../core/secrets/engine.js';
import { detached } from '../core/secrets/fingerprint.js';
import { KNOWN_BINARY_NAME, MAX_STREAMED_BYTES, PieceScanner, piecesRead } from '../core/secrets/pieces.js';
import type { CommitRef, Finding, HistoryLocation, ScanResult, ScanSettings, SecretSink, Skipped } from '../core/types.js';
import { UsageError } from './errors.js';
import { unquoteGitPath } from './git.js';
import { BlobReader, gitLineBatches, gitOutput, listObjectBatches, type BlobResult, type GitOutput } from './git-objects.js';
import { HistoryBlobPool, prepareHistoryScan, type HistoryPoolOptions, type PoolOutcome } from './history-pool.js';
import { acceptedFingerprints } from './history-blob.js';
import { ObjectIdMap } from './object-ids.js';
import { pathProfiles, type PathProfiles } from './path-profile.js';

/**
 * History mode (docs/history.md): one `git log --raw` walk lists every (commit, path, blob) the
 * chosen commits brought in; each blob is read once, at its first line, from one streamed
 * `git cat-file --batch`, and scanned by the same secrets engine as a working tree. The walk's
 * older lines for a blob with findings name the commit that introduced it. One secret is one
 * finding, however many commits and files carry it.
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
  /** Called after each blob's outcome (the CLI's progress line, src/cli/progress.ts). */
  onProgress?: (state: HistoryProgress) => void;
}

/** How far a history scan has come: commits walked, unique blobs scanned and their bytes, skips. */
export interface HistoryProgress {
  commits: number;
  blobs: number;
  bytes: number;
  skipped: number;
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
  /** Partial clone: blobs it has not fetched, which were not scanned. */
  notFetched: number;
  /** Worker threads started, and the blobs they scanned (the rest were scanned in the main thread). */
  workers: number;
  blobsFromWorkers: number;
  /**
   * Set when git's output could not come through a loopback connection (no loopback interface, a
   * firewall): the way it came instead and why. The scan is the same, only slower: git runs less
   * far ahead of it (docs/history.md, "fourteenth session").
   */
  gitOutput?: { way: GitOutput; reason: string };
}

/** What to tell a user when git's output did not come through the loopback connection (`HistoryStats.gitOutput`), else undefined. */
export function gitOutputNote(history: Pick<HistoryStats, 'gitOutput'>): string | undefined {
  const fallback = history.gitOutput;
  if (fallback === undefined) return undefined;
  return `git's output was read through ${fallback.way === 'socket' ? 'a local socket' : 'its pipe'}, slower, because of ${fallback.reason}`;
}

export interface HistoryScan {
  result: ScanResult;
  history: HistoryStats;
}

/** `seen` value of a blob no path can make scannable (binary, too large, unreadable). */
const SKIPPED_BLOB = -1;

interface BlobTag {
  oid: string;
  path: string;
  profile: number;
  /** Scanned again under another path profile (not counted as a unique blob). */
  again?: boolean;
  /** Place in the order outcomes are applied (history-pool.ts). */
  seq: number;
  /** Commits the walk met bringing it in while its scan was pending (noted if it has findings). */
  intros?: Intro[];
  /** Over max-file-size: read in pieces as git streams it (`largeBlob`); with salted baseline or ignore entries, also without them. */
  pieces?: PieceScanner;
  unsalted?: PieceScanner;
}

/**
 * What is known of a (blob, profile) pair: its tag while its scan is pending; once answered, the
 * profile (scanned clean) or found(profile) (it has findings, in `hits`); SKIPPED_BLOB for a blob
 * no path can make scannable.
 */
type PairState = BlobTag | number;
const found = (profile: number): number => -2 - profile;
const profileOf = (state: PairState): number => (typeof state === 'object' ? state.profile : state >= 0 ? state : -2 - state);

const hitKey = (oid: string, profile: number): string => `${oid}:${profile}`;

/** Skipped blobs listed one by one; past this, one summary entry says how many more. */
const MAX_SKIPPED_LISTED = 200;
/** Salted-baseline matches remembered (each is one accepted secret; far more is not a baseline). */
const MAX_BASELINED = 100_000;
/** Other places a secret appears, listed with the finding. */
const MAX_OTHER_LOCATIONS = 10;
/** Stash entries walked, at most (newest first); older ones are counted in one skip. */
const MAX_STASHES = 10_000;

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
  const shallowAsked = repositoryShape(dir);
  const asked = Promise.all([
    shallowAsked,
    options.branch !== undefined ? shallowAsked.then(() => resolveRef(dir, options.branch!, '--branch')) : undefined,
    options.since !== undefined ? shallowAsked.then(() => resolveRef(dir, options.since!, '--since')) : undefined,
    options.branch === undefined ? commitOf(dir, 'HEAD') : undefined,
  ]);
  // The blob reader's git and its loopback connection, and the walk when what it walks does not
  // wait on those answers (no --branch, no --since: `--all`, unless the stash has entries), start
  // now: set up while git answers, they are ready when the first blobs are asked for (docs/history.md,
  // "eighteenth session"). Blobs are asked for only once the ledger (and its pool) is made. A blob
  // over max-file-size that is asked for before the size pass answers streams by, unkept. So the
  // reader's two callbacks, handed to the ledger below, are not called before.
  let ledger: BlobLedger | undefined;
  const early = (): never => {
    throw new Error('git sent a blob before any was asked for');
  };
  const reader = new BlobReader<BlobTag>(
    dir,
    (blob) => (ledger ?? early()).received(blob),
    settings.maxFileSize,
    'loopback',
    (tag, size) => (ledger ?? early()).largeBlob(tag, size),
  );
  const guessed = options.branch === undefined && options.since === undefined ? startWalk(dir, ['--all']) : undefined;
  let walk = guessed;
  // Until the scan's main `try` below takes them over, whatever stops the scan ends the reader's
  // git and the walk's here: a `cat-file` left behind would wait on its input for ever, in the
  // App's long-lived process too.
  let guarded = false;
  try {
    const [{ shallow, partial, stashes }, branch, since, headCommit] = await asked;
    // `--all` reaches only the newest stash (refs/stash); the older entries live in its reflog and
    // are walked too: each is a commit of the work set aside, its index and its untracked files.
    const stashWalked = branch ? [] : stashes.slice(0, MAX_STASHES);
    const revisions = [...(branch ? [branch] : ['--all', ...stashWalked]), ...(since ? [`^${since}`] : [])];
    if (walk === undefined || walk.revisions.join('\n') !== revisions.join('\n')) {
      void walk?.lines.return(undefined).catch(() => undefined); // ends its git once its first lines are read
      walk = startWalk(dir, revisions);
    }
    const head = branch ?? headCommit;

    const skipped = new SkipList();
    if (!branch && stashes.length > MAX_STASHES) {
      skipped.add({ path: '(history)', reason: 'limit', detail: `stash: the ${stashes.length - MAX_STASHES} oldest of ${stashes.length} stash entries were not scanned (at most ${MAX_STASHES})` }, true);
    }
    for (const commit of shallow) {
      skipped.add({ path: `commit ${commit.slice(0, 12)}`, reason: 'unreadable', detail: 'shallow clone: its parents were not fetched, so older history was not scanned (fetch with --unshallow, or fetch-depth: 0)' });
    }
    const walked = new WalkLines();
    const blobs = (ledger = new BlobLedger(dir, options, skipped, head, () => walked.commits));

    // A partial clone (`--filter=blob:none`…) lacks the blobs git fetches on demand, and
    // `cat-file` dies on each one it is asked for (the scan does not fetch: GIT_NO_LAZY_FETCH): there
    // the size pass also lists the blobs present, and the walk waits for it to ask only for those.
    // Elsewhere the size pass is not waited for (it answers in ~0.1 s, while the walk's first blobs
    // are already being read): until it answers, the reader itself passes over oversized blobs.
    const sizesAsked = objectSizes(dir, settings.maxFileSize, partial).then((found) => blobs.knowSizes(found.oversized, found.present));
    const taggedAsked = revisions[0] === '--all' ? taggedObjects(dir) : Promise.resolve([]);
    // Awaited below unless the scan fails first: then their failure is not this scan's to report.
    sizesAsked.catch(() => undefined);
    taggedAsked.catch(() => undefined);
    let commits = 0;
    let scanned = false;
    guarded = true; // the main `try` ends them from here on
    try {
      if (partial) await sizesAsked;
      await walkCommits(walk, walked, blobs, reader, () => prepareHistoryScan(settings, options.parallel));
      commits = walked.commits;
      await sizesAsked;
      // Objects the walk cannot see: all of them when it stopped early (a missing tree or commit in a
      // damaged clone: `rev-list --missing=print` goes past it), else blobs and trees a tag or ref
      // names directly (`git tag key <blob>`). Their blobs are scanned with no introducing commit.
      const walkStopped = walk.stopped;
      if (walkStopped !== undefined) {
        skipped.add({ path: '(history)', reason: 'unreadable', detail: `git log stopped: ${walkStopped}; the commits after this point were not walked, so a finding may name no introducing commit` }, true);
      }
      const tagged = await taggedAsked;
      const rest = walkStopped !== undefined ? revisions : tagged.map((t) => t.oid);
      if (rest.length > 0) {
        const listedCommits = await listUnwalked(dir, rest, tagged, blobs, reader);
        if (walkStopped !== undefined) commits = Math.max(commits, listedCommits);
      }
      await reader.finish();
      await blobs.pool.finish();
      scanned = true;
    } finally {
      await walk.lines.return(undefined).catch(() => undefined); // ends the walk's git if the scan stopped early
      if (!scanned) await reader.finish().catch(() => undefined);
      await blobs.pool.close();
    }
    blobs.nameUnread();

    const findings = await historyFindings(dir, blobs, head, stashWalked);
    const skippedList = skipped.list();
    return {
      result: {
        findings,
        skipped: skippedList,
        inventory: [],
        ...(blobs.baselined.size > 0 ? { baselined: [...blobs.baselined] } : {}),
        stats: {
          files: blobs.blobs,
          bytes: blobs.blobBytes,
          skipped: skippedList.length,
          durationMs: Math.round(performance.now() - started),
          detectors: activeDetectorCount(settings),
          identities: 0,
        },
      },
      history: {
        commits,
        blobs: blobs.blobs,
        blobBytes: blobs.blobBytes,
        head,
        shallow,
        notFetched: blobs.notFetched,
        workers: blobs.pool.workersStarted,
        blobsFromWorkers: blobs.pool.blobsFromWorkers,
        ...(reader.outputFallback ? { gitOutput: reader.outputFallback } : {}),
      },
    };
  } finally {
    if (!guarded) await Promise.all([reader.finish().catch(() => undefined), walk?.lines.return(undefined).catch(() => undefined)]);
  }
}

/**
 * The walk: one `git log --raw` lists every (commit, path, blob) the commits brought in, newest
 * first. A blob is asked for at its first (newest) line; its older lines come after, so by the
 * time they do its scan is usually done and only a blob with findings keeps its record to note
 * them in. Blobs in flight keep theirs too (at most what the pipeline holds). `prepare` runs once,
 * after the first blobs are asked for.
 */
async function walkCommits(walk: Walk, walked: WalkLines, blobs: BlobLedger, reader: BlobReader<BlobTag>, prepare: () => void): Promise<void> {
  const { profiles } = blobs;
  let prepared = false;
  for (let step = await walk.first; !step.done; step = await walk.lines.next()) {
    const wanted: Wanted[] = [];
    walked.read(step.value, (oid, path, intro) => {
      const profile = profiles.of(path);
      if (!profiles.skipped(profile)) blobs.meet(oid, path, profile, intro, wanted);
    });
    const sent = reader.requestMany(wanted);
    if (!prepared) {
      // While git reads the first blobs (~20 ms for the newest version of a committed bundle,
      // at the end of a long chain of deltas), this thread compiles the detector catalog.
      prepared = true;
      prepare();
    }
    await sent;
  }
}

/**
 * The objects reachable from `rest` listed by `git rev-list --objects` (listObjectBatches), for
 * what the walk could not see: each blob is met with no introducing commit, under its path, else
 * the ref or tag that names it. Objects git cannot give are kept for `nameUnread`. Returns the
 * commits listed.
 */
async function listUnwalked(dir: string, rest: string[], tagged: readonly { oid: string; ref: string }[], blobs: BlobLedger, reader: BlobReader<BlobTag>): Promise<number> {
  const { profiles, skipped } = blobs;
  const refNames = new Map(tagged.map((t) => [t.oid, t.ref]));
  let listedCommits = 0;
  const stopped = (message: string) => skipped.add({ path: '(history)', reason: 'unreadable', detail: `${message}; objects after this point were not scanned` }, true);
  let tagName: string | undefined; // rev-list names a tag object by its tag name, and the object it tags not at all
  for await (const batch of listObjectBatches(dir, rest, stopped)) {
    const wanted: Wanted[] = [];
    for (const object of batch) {
      if (object.type === 'commit') listedCommits++;
      else if (object.type === 'tag') tagName = object.path || tagName;
      else if (object.type === 'missing') blobs.noteMissing(object.oid, object.path);
      else if (object.type === 'blob') {
        const path = object.path || refNames.get(object.oid) || (tagName ? `refs/tags/${tagName}` : `blob ${object.oid.slice(0, 12)}`);
        const profile = profiles.of(path);
        if (!profiles.skipped(profile)) blobs.meet(object.oid, path, profile, undefined, wanted);
      }
    }
    await reader.requestMany(wanted);
  }
  return listedCommits;
}

/** One finding per secret, from the blobs with findings: where each was first brought in, whether HEAD still holds it, in date order. */
async function historyFindings(dir: string, blobs: BlobLedger, head: string | undefined, stashWalked: readonly string[]): Promise<Finding[]> {
  const { hits } = blobs;
  let findings: Finding[] = [];
  if (hits.size > 0) {
    const atHead = (await blobs.atHeadAsked) ?? new Map<string, Set<number>>();
    // git notes are asked about only when a finding's path could be a note's.
    const notes = [...hits.values()].some((hit) => hit.first && isNotePath(hit.first.path)) ? await notesRefs(dir) : undefined;
    const stashCommits = stashWalked.length > 0 ? await stashCommitsOf(dir, stashWalked) : undefined;
    findings = mergeByFingerprint([...hits.values()], atHead, head !== undefined, notes, stashCommits);
  }
  return findings.sort((a, b) => (a.commit?.date ?? '') < (b.commit?.date ?? '') ? -1 : (a.commit?.date ?? '') > (b.commit?.date ?? '') ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
}

/** A blob to ask git for, with the tag its outcome comes back with. */
type Wanted = { oid: string; tag: BlobTag };

/**
 * What a history scan knows of each blob it has met, and what it found. The walk (and the listing
 * of what it cannot see) meets each (commit, path, blob) line (`meet`): a (blob, path profile)
 * pair is asked for the first time it is met, and later lines note the commit that brought it in.
 * The blob reader hands each blob to the pool (`received`, `largeBlob`), and the pool hands each
 * outcome back in order (`apply`): counted, skipped with a reason, or kept with its findings in
 * `hits`.
 */
class BlobLedger {
  readonly profiles: PathProfiles;
  readonly pool: HistoryBlobPool<BlobTag>;
  /**
   * Each blob met so far (`PairState`): under the path profile it was first asked for under; its
   * other profiles are in `alsoAs`, keyed by hitKey. SKIPPED_BLOB once it proved unscannable under
   * any path (binary, too large, missing).
   */
  private readonly seen = new ObjectIdMap<BlobTag>();
  private readonly alsoAs = new Map<string, PairState>();
  /** (blob, profile) pairs with findings. */
  readonly hits = new Map<string, BlobHit>();
  /**
   * The blobs at HEAD (`blobsAt`), asked for once the first finding is met, so that git lists them
   * while the scan goes on rather than after it (a process to start and a tree to list: ~10 ms at
   * the end of a scan otherwise). Unasked when nothing is found.
   */
  atHeadAsked: Promise<Map<string, Set<number>>> | undefined;
  /** Published fingerprints of secrets a salted baseline or ignore entry accepted (history-blob.ts). */
  readonly baselined = new Set<string>();
  /** Unique blobs read and scanned whole, and their bytes. */
  blobs = 0;
  blobBytes = 0;
  /** Blobs a partial clone lacks, met and not asked for. */
  notFetched = 0;
  /** Objects git could not give (missing or unreadable) named by a listing without a path, up to a limit. */
  private readonly missing = new Map<string, string>();
  private missingUnlisted = 0;
  /** Blobs over max-file-size, once the size pass has answered; with `present`, every blob a partial clone holds. */
  private oversized: ReadonlyMap<string, number> = new Map();
  private present: ObjectIdMap<never> | undefined;
  /** Stops the young generation's growth once it is large enough (young-generation.ts); checked every 32 blobs. */
  private readonly youngGeneration: () => void;
  private blobsRead = 0;

  constructor(
    private readonly dir: string,
    private readonly options: HistoryOptions,
    readonly skipped: SkipList,
    private readonly head: string | undefined,
    private readonly commitsWalked: () => number,
  ) {
    this.profiles = pathProfiles(options.settings);
    this.pool = new HistoryBlobPool<BlobTag>(dir, options.settings, (tag, size, outcome) => this.apply(tag, size, outcome), options.revealSecrets, options.parallel);
    this.youngGeneration = capYoungGeneration(process.execArgv, process.env);
  }

  knowSizes(oversized: ReadonlyMap<string, number>, present: ObjectIdMap<never> | undefined): void {
    this.oversized = oversized;
    this.present = present;
  }

  /**
   * One line of the walk (or of a listing, with no `intro`): the pair is asked for the first time
   * it is met; later, the commit that brought it in is noted if it has findings, or kept on its
   * tag while its scan is pending. A clean pair costs two lookups.
   */
  meet(oid: string, path: string, profile: number, intro: Intro | undefined, wanted: Wanted[]): void {
    const first = this.seen.get(oid);
    if (first === undefined && this.present && this.present.get(oid) === undefined) {
      this.notFetched++;
      this.seen.set(detached(oid), SKIPPED_BLOB);
      return;
    }
    if (first === undefined) {
      const own = detached(oid);
      this.seen.set(own, this.ask({ oid: own, path: detached(path), profile, seq: this.pool.reserve(), intros: intro && [intro] }, wanted));
      return;
    }
    if (first === SKIPPED_BLOB) return;
    let state = first;
    let key: string | undefined;
    if (profileOf(first) !== profile) {
      key = hitKey(oid, profile);
      const also = this.alsoAs.get(key);
      if (also === undefined) {
        const own = detached(oid);
        this.alsoAs.set(hitKey(own, profile), this.ask({ oid: own, path: detached(path), profile, again: true, seq: this.pool.reserve(), intros: intro && [intro] }, wanted));
        return;
      }
      state = also;
    }
    if (!intro) return;
    if (typeof state === 'object') (state.intros ??= []).push(intro);
    else if (state !== profile) noteIntro(this.hits.get(key ?? hitKey(oid, profile))!, intro);
  }

  /** Asks for a (blob, profile) pair (into `wanted`), or names it too large unread. */
  private ask(tag: BlobTag, wanted: Wanted[]): BlobTag {
    const size = this.oversized.get(tag.oid);
    if (size === undefined || readsInPieces(tag.path, size)) wanted.push({ oid: tag.oid, tag });
    else this.pool.settle(tag.seq, tag, this.tooLarge(tag, size));
    return tag;
  }

  /** A blob from the reader: to the pool to scan, or settled unread (git could not give it, or it was over max-file-size). */
  received(blob: BlobResult<BlobTag>): void {
    if ((++this.blobsRead & 31) === 0) this.youngGeneration();
    if (blob.ok) this.pool.add(blob.tag.seq, blob.tag, blob.bytes);
    else if (blob.size === undefined) this.pool.settle(blob.tag.seq, blob.tag, { scanned: false, unreadable: blob.reason });
    else this.pool.settle(blob.tag.seq, blob.tag, largeOutcome(blob.tag, this.tooLarge(blob.tag, blob.size)));
  }

  /** A blob over max-file-size, as it starts to stream: read in pieces (`largeOutcome`) unless `readsInPieces` says no. */
  largeBlob(tag: BlobTag, size: number): ((bytes: Uint8Array) => void) | undefined {
    if (!readsInPieces(tag.path, size)) return undefined;
    const { settings, revealSecrets } = this.options;
    const pieces = new PieceScanner(tag.path, settings, undefined, revealSecrets);
    // Salted entries: which secrets they accepted is what a scan without them finds besides
    // (history-blob.ts, `acceptedFingerprints`; the bytes cannot be read twice).
    const unsalted = settings.salted?.length ? new PieceScanner(tag.path, { ...settings, salted: [] }) : undefined;
    tag.pieces = pieces; // new ones if git died half-way and sends the blob again
    tag.unsalted = unsalted;
    return (bytes) => {
      pieces.push(bytes);
      unsalted?.push(bytes);
    };
  }

  private tooLarge(tag: BlobTag, size: number): { scanned: false; skipped: Skipped } {
    return { scanned: false, skipped: { path: tag.path, reason: 'too-large', detail: `blob ${tag.oid.slice(0, 12)}: ${size} bytes exceeds max-file-size ${this.options.settings.maxFileSize}` } };
  }

  /** A blob's outcome, in the order the blobs were asked for (history-pool.ts). */
  private apply(tag: BlobTag, size: number, outcome: PoolOutcome): void {
    const { oid, path, profile } = tag;
    if (!outcome.scanned) {
      // Unreadable, binary or too large: the same under any path, so listed once.
      const listed = this.seen.get(oid) === SKIPPED_BLOB;
      this.seen.set(oid, SKIPPED_BLOB);
      if (!listed) this.skipped.add('unreadable' in outcome ? { path, reason: 'unreadable', detail: outcome.unreadable } : outcome.skipped);
      this.progress();
      return;
    }
    if (outcome.readInPieces) {
      // Over max-file-size, scanned for secrets in pieces: named as such, not counted as a blob read whole.
      if (!tag.again) this.skipped.add(outcome.readInPieces);
    } else if (!tag.again) {
      this.blobs++;
      this.blobBytes += size;
    }
    if (outcome.baselined) for (const fingerprint of outcome.baselined) if (this.baselined.size < MAX_BASELINED) this.baselined.add(fingerprint);
    let state = profile;
    if (outcome.findings) {
      const hit: BlobHit = { oid, profile, findings: outcome.findings, others: [] };
      for (const intro of tag.intros ?? []) noteIntro(hit, intro);
      this.hits.set(hitKey(oid, profile), hit);
      if (this.head && !this.atHeadAsked) {
        this.atHeadAsked = blobsAt(this.dir, this.head, this.profiles);
        this.atHeadAsked.catch(() => undefined); // awaited by historyFindings unless the scan fails first
      }
      state = found(profile);
    }
    if (!tag.again) {
      if (this.seen.get(oid) !== SKIPPED_BLOB) this.seen.set(oid, state);
    } else this.alsoAs.set(hitKey(oid, profile), state);
    this.progress();
  }

  private progress(): void {
    this.options.onProgress?.({ commits: this.commitsWalked(), blobs: this.blobs, bytes: this.blobBytes, skipped: this.skipped.size });
  }

  /** An object the listing names and git cannot give (a damaged or partial clone). */
  noteMissing(oid: string, path: string): void {
    if (this.missing.size < MAX_SKIPPED_LISTED) this.missing.set(oid, path);
    else if (!this.missing.has(oid)) this.missingUnlisted++;
  }

  /** Names what was not read: the blobs a partial clone lacks, and the objects git could not give. */
  nameUnread(): void {
    const { skipped } = this;
    if (this.notFetched > 0) {
      skipped.add({ path: '(history)', reason: 'unreadable', detail: `partial clone: ${this.notFetched} blob(s) it has not fetched were not scanned (git fetches them on demand; a scan does not). Scan a full clone, without --filter, to read them` }, true);
    }
    for (const [oid, path] of this.missing) {
      skipped.add({ path: path || `object ${oid.slice(0, 12)}`, reason: 'unreadable', detail: `object ${oid.slice(0, 12)} missing or unreadable (partial or damaged clone)` });
    }
    skipped.addUnlisted(this.missingUnlisted);
  }
}

/**
 * Whether a blob over max-file-size is read in pieces (src/core/secrets/pieces.ts) as git streams
 * it, as a tree scan reads such a file: a commit could otherwise hide a token by padding its file
 * past the limit. git cannot be stopped half-way through a blob, so blobs that would be read whole
 * only to learn they are binary (an image, an archive: by name) or are larger than
 * MAX_STREAMED_BYTES stay skips, unread.
 */
function readsInPieces(path: string, size: number): boolean {
  return size <= MAX_STREAMED_BYTES && !KNOWN_BINARY_NAME.test(path);
}

/** The outcome of a blob over max-file-size once git has sent it all: its secrets when it was read in pieces, else `skip`. */
function largeOutcome(tag: BlobTag, skip: { scanned: false; skipped: Skipped }): PoolOutcome {
  const { pieces, unsalted } = tag;
  tag.pieces = tag.unsalted = undefined;
  const secrets = pieces?.finish();
  if (!secrets) return skip; // not read, or binary
  const { path, reason, detail } = piecesRead(skip.skipped, secrets);
  const baselined = unsalted ? acceptedFingerprints(unsalted.finish() ?? [], secrets) : [];
  return { scanned: true, ...(secrets.length > 0 ? { findings: secrets } : {}), ...(baselined.length > 0 ? { baselined } : {}), readInPieces: { path, reason, detail } };
}

/**
 * Blobs over `maxFileSize` anywhere in the object store (`cat-file --batch-all-objects
 * --batch-check`, sizes read from the pack index and object headers: 0.03 s of git for express's
 * 53,477 objects, ~0.1 s until Node has them all): once it has answered, they are named as skipped
 * without git reading them. Only the few oversized ones are kept; with `listPresent` (a partial
 * clone), every blob the object store holds too, since it lists only objects present.
 */
async function objectSizes(dir: string, maxFileSize: number, listPresent: boolean): Promise<{ oversized: Map<string, number>; present?: ObjectIdMap<never> }> {
  const oversized = new Map<string, number>();
  const present = listPresent ? new ObjectIdMap<never>() : undefined;
  const digits = String(maxFileSize).length;
  for await (const lines of gitLineBatches(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectsize) %(objecttype) %(objectname)', '--unordered'], () => undefined)) {
    for (const line of lines) {
      const space = line.indexOf(' ');
      if (present && line.startsWith('blob ', space + 1)) present.set(line.slice(space + 6), 0);
      if (space < digits) continue; // fewer digits than the limit: smaller
      const size = Number(line.slice(0, space));
      if (size > maxFileSize && line.startsWith('blob ', space + 1)) oversized.set(detached(line.slice(space + 6)), size);
    }
  }
  return { oversized, present };
}

/** Blobs and trees that a ref names directly (or through an annotated tag), which no commit walk meets. */
async function taggedObjects(dir: string): Promise<{ oid: string; ref: string }[]> {
  const named: { oid: string; ref: string }[] = [];
  for await (const lines of gitLineBatches(dir, ['for-each-ref', '--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname) %(refname)'], () => undefined)) {
    for (const line of lines) {
      if (line.startsWith('commit ')) continue; // the common case
      const [type, oid, peeledType, peeled] = line.split(' ', 4);
      const ref = line.slice(type.length + oid.length + peeledType.length + peeled.length + 4);
      if (type === 'blob' || type === 'tree') named.push({ oid, ref });
      else if (type === 'tag' && (peeledType === 'blob' || peeledType === 'tree')) named.push({ oid: peeled, ref });
      // A tag of a tag (peeled one level only here): rev-list follows the chain from the outer one.
      else if (type === 'tag' && peeledType === 'tag') named.push({ oid, ref });
    }
  }
  return named;
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
 * Commits a shallow clone cut the history at (`$GIT_DIR/shallow`), and whether the repository is a
 * partial clone (`git clone --filter=…`: git marks each pack fetched from a promisor remote with a
 * `.promisor` file). The same question says whether `dir` is a repository at all.
 */
async function repositoryShape(dir: string): Promise<{ shallow: string[]; partial: boolean; stashes: string[] }> {
  const answer = await gitOutput(dir, ['rev-parse', '--is-shallow-repository', '--git-path', 'shallow', '--git-path', 'objects/pack', '--git-path', 'logs/refs/stash']).catch(async (error: unknown) => {
    // A missing folder fails git's start as a missing git does (ENOENT): tell them apart.
    if (!(await stat(dir).then((info) => info.isDirectory(), () => false))) throw new UsageError(`${dir} is not a folder`);
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${dir} is not a git repository (needed by --history)`);
  });
  const [isShallow, file, packs, stashLog] = answer.split('\n');
  const at = (path: string) => (isAbsolute(path) ? path : join(dir, path));
  const [promisorPacks, stashes] = await Promise.all([
    packs ? readdir(at(packs)).then((names) => names.some((name) => name.endsWith('.promisor')), () => false) : false,
    stashLog ? readFile(at(stashLog), 'utf8').then(stashEntries, () => []) : [],
  ]);
  const partial = promisorPacks && (await hasPromisorRemote(dir));
  if (isShallow !== 'true' || !file) return { shallow: [], partial, stashes };
  const text = await readFile(at(file), 'utf8').catch(() => '');
  return { shallow: text.split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l)), partial, stashes };
}

/**
 * The stash's entries, newest (stash@{0}) first: the new id of each line of its reflog
 * (`<old> <new> <who> <when>\t<message>`, oldest first). `git stash drop` rewrites the reflog, so a
 * dropped entry is not there.
 */
function stashEntries(reflog: string): string[] {
  const entries: string[] = [];
  for (const line of reflog.split('\n')) {
    const [, id] = line.split(' ', 2);
    if (id && /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(id) && !/^0+$/.test(id)) entries.push(id);
  }
  return entries.reverse();
}

/**
 * Each commit a stash entry is made of, to its entry's number (`stash@{n}`): the entry's own
 * commit (the work tree), and its parents past the first: the index and, with `-u`, the untracked
 * files. Asked only when a history with stash entries has findings.
 */
async function stashCommitsOf(dir: string, stashes: readonly string[]): Promise<Map<string, number>> {
  const commits = new Map<string, number>();
  const answer = await gitOutput(dir, ['rev-list', '--no-walk=unsorted', '--ignore-missing', '--parents', ...stashes, '--']).catch(() => '');
  const number = new Map(stashes.map((id, n) => [id, n] as const));
  for (const line of answer.split('\n')) {
    const [own, , ...made] = line.split(' ');
    const n = number.get(own);
    if (n === undefined) continue;
    for (const id of [own, ...made]) if (!commits.has(id)) commits.set(id, n);
  }
  return commits;
}

/**
 * Whether git may fetch missing objects from a remote: a partial clone's. `.promisor` packs alone do
 * not make one: a local `git clone --mirror` of a partial clone copies them, and there git fetches
 * nothing and treats a missing blob as damage. Git fetches lazily only from a promisor remote
 * (`remote.<name>.promisor`, or the remote `extensions.partialClone` names), so that is asked too:
 * only when such packs are there, since it costs one more process.
 */
async function hasPromisorRemote(dir: string): Promise<boolean> {
  const answer = await gitOutput(dir, ['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..+\\.promisor)$']).catch(() => '');
  return answer.split('\n').some((line) => {
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? 'true' : line.slice(space + 1).trim().toLowerCase(); // a key with no value is true
    return key === 'extensions.partialclone' ? value !== '' : key.endsWith('.promisor') && ['true', 'yes', 'on', '1'].includes(value);
  });
}

/** The walk (`logArgs`) of `revisions`, started: its git runs, and its first lines are asked for. */
interface Walk {
  revisions: readonly string[];
  lines: AsyncGenerator<string[]>;
  /** The first batch of lines (awaited by the scan, unless what comes first fails). */
  first: Promise<IteratorResult<string[]>>;
  /** Why git stopped before the end of the walk, once it has. */
  stopped?: string;
}

function startWalk(dir: string, revisions: string[]): Walk {
  const lines = gitLineBatches(dir, logArgs(revisions), (message) => (walk.stopped = message));
  const walk: Walk = { revisions, lines, first: lines.next() };
  walk.first.catch(() => undefined);
  return walk;
}

/**
 * The walk's git, which lists the blobs and the commits that brought them in: every (commit, path,
 * blob) of the chosen commits, newest first. A merge is listed with a combined diff (`-c`): only
 * the paths whose blob differs from every parent's, i.e. what the merge itself brought in (a
 * conflict resolution, an evil merge). A pair already in one parent was brought in by an older
 * commit, which the walk lists too; diffing each merge against each parent (`-m`, before
 * 2026-12-04) listed it again, and a merge of a long-lived branch listed all of that branch's
 * changes once more (expressjs/express: 93,432 lines and 9.6 MB of output against 45,271 and
 * 3.8 MB; docs/history.md).
 */
export function logArgs(revisions: string[]): string[] {
  // --ignore-missing: a stash entry whose commit a damaged repository lacks is passed over, not fatal.
  return ['log', '--ignore-missing', ...revisions, '--raw', '--no-abbrev', '--no-renames', '-c', '--root', '--format=%x01%H %ct %aI %an', '--'];
}

/**
 * Reads the walk's lines (logArgs): a commit's header, then one raw line per (path, blob) it
 * brought in. Kept out of scanHistory so that the hot loop is a small function to optimise.
 */
class WalkLines {
  commits = 0;
  private commit: CommitRef | undefined;
  private time = 0;

  read(lines: string[], onBlob: (oid: string, path: string, intro: Intro) => void): void {
    for (const line of lines) {
      if (line.charCodeAt(0) === 1) {
        const [sha, ct, date] = line.slice(1).split(' ', 3);
        this.commit = { sha, author: line.slice(1 + sha.length + ct.length + date.length + 3), date };
        this.time = Number(ct);
        this.commits++;
        continue;
      }
      if (!this.commit || line.charCodeAt(0) !== 58) continue; // ':' starts a raw line
      const entry = rawEntry(line);
      if (entry) onBlob(entry.oid, entry.path, { commit: this.commit, time: this.time, order: this.commits, path: entry.path });
    }
  }
}

/**
 * Notes one commit that brought a blob in (under the blob's profile): the oldest is kept as its
 * introduction, a few others for `otherLocations`. The walk lists newest first: at equal commit
 * times the later line is the older commit.
 */
function noteIntro(hit: BlobHit, intro: Intro): void {
  const { first } = hit;
  if (!first || intro.time < first.time || (intro.time === first.time && intro.order >= first.order)) {
    if (first && first.commit.sha !== intro.commit.sha) keepOther(hit, first);
    hit.first = kept(intro);
  } else if (first.commit.sha !== intro.commit.sha || first.path !== intro.path) {
    if (hit.others.length < MAX_OTHER_LOCATIONS * 2) keepOther(hit, kept(intro));
  }
}

/**
 * An introduction to keep. Strings cut from the walk's output are kept as copies (`detached`):
 * V8 keeps a substring as a window on its parent, so an id, path or commit cut from a 64 KiB chunk
 * of git's output and kept would keep the whole chunk alive.
 */
function kept(intro: Intro): Intro {
  const { sha, author, date } = intro.commit;
  return { ...intro, commit: { sha: detached(sha), author: detached(author), date: detached(date) }, path: detached(intro.path) };
}

/**
 * The blob and path a `git log --raw` line names, or undefined for a deletion, a submodule
 * commit, or an id of another length than SHA-1's 40 or SHA-256's 64 digits. A commit's line has
 * one colon (`:100644 100644 <old> <new> M<TAB>path`); a merge's combined line has one per parent
 * (`::100644 100644 100644 <p1> <p2> <result> MM<TAB>path`): n colons, n + 1 modes, n + 1 ids,
 * the result's last.
 */
export function rawEntry(line: string): { oid: string; path: string } | undefined {
  let parents = 0;
  while (line.charCodeAt(parents) === 58) parents++; // ':'
  const tab = line.indexOf('\t');
  if (parents === 0 || tab < 0) return undefined;
  const meta = line.slice(parents, tab).split(' ');
  const mode = meta[parents];
  const oid = meta[2 * parents + 1];
  if (oid === undefined || (oid.length !== 40 && oid.length !== 64) || mode === '000000' || mode === '160000' || /^0+$/.test(oid)) return undefined;
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

/**
 * git notes (`git notes add`): each notes ref (refs/notes/commits and any other under refs/notes/)
 * is a history of its own, whose tree names each note by the id of the object it annotates (`ab/cdef…`
 * once there are many). `git log --all` walks it like a branch, so a secret in a note is found with
 * the notes commit that added it, at that path. The findings say what it is instead: a note on a
 * commit, in a ref that git pushes and fetches apart from branches.
 */
interface NotesRefs {
  /** Each notes ref's commits, to the first ref that reaches them. */
  commits: Map<string, string>;
  /** The blobs the notes refs' trees hold now. */
  current: Set<string>;
}

/** A path a notes tree could name a note by: an object id (40 or 64 hex digits), whole or in 2-digit folders. */
function isNotePath(path: string): boolean {
  const id = path.replaceAll('/', '');
  return (id.length === 40 || id.length === 64) && /^(?:[0-9a-f]{2}\/)*[0-9a-f]+$/.test(path);
}

async function notesRefs(dir: string): Promise<NotesRefs> {
  const notes: NotesRefs = { commits: new Map(), current: new Set() };
  const refs = (await gitOutput(dir, ['for-each-ref', '--format=%(refname)', 'refs/notes/']).catch(() => '')).split('\n').filter((ref) => ref.startsWith('refs/notes/'));
  for (const ref of refs) {
    for await (const lines of gitLineBatches(dir, ['rev-list', ref, '--'], () => undefined)) {
      for (const sha of lines) if (sha && !notes.commits.has(sha)) notes.commits.set(detached(sha), ref);
    }
    for await (const lines of gitLineBatches(dir, ['ls-tree', '-r', ref], () => undefined)) {
      for (const line of lines) {
        const meta = line.slice(0, line.indexOf('\t')).split(' ');
        if (meta[1] === 'blob') notes.current.add(detached(meta[2]));
      }
    }
  }
  return notes;
}

/** What a finding's location is when it is a git note: the notes ref, the annotated object, and whether the ref still holds the note. */
interface NoteLocation {
  ref: string;
  on: string;
  present: boolean;
}

function noteOf(hit: BlobHit, notes: NotesRefs | undefined): NoteLocation | undefined {
  const first = hit.first;
  if (!notes || !first || !isNotePath(first.path)) return undefined;
  const ref = notes.commits.get(first.commit.sha);
  return ref === undefined ? undefined : { ref, on: first.path.replaceAll('/', ''), present: notes.current.has(hit.oid) };
}

/** One finding per fingerprint: the oldest introduction is the location; the rest are listed. */
function mergeByFingerprint(hits: BlobHit[], atHead: Map<string, Set<number>>, haveHead: boolean, notes?: NotesRefs, stashCommits?: ReadonlyMap<string, number>): Finding[] {
  const groups = new Map<string, { hit: BlobHit; finding: Finding }[]>();
  for (const hit of hits) {
    for (const finding of hit.findings) {
      const group = groups.get(sameSecret(finding)) ?? [];
      group.push({ hit, finding });
      groups.set(sameSecret(finding), group);
    }
  }
  // Every id a file at the head holds, a pair's halves' included (`secretKeys`): a key id brought in
  // alone and joined later by its secret key is still at the head, in the pair; a pair whose halves
  // were moved apart is still there, as its halves.
  const presentIds = new Set<string>();
  if (haveHead) for (const hit of hits) if (atHead.get(hit.oid)?.has(hit.profile) === true) for (const f of hit.findings) for (const key of secretKeys(f)) presentIds.add(key);
  const out: Finding[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => {
      const x = a.hit.first;
      const y = b.hit.first;
      if (!x || !y) return x ? -1 : y ? 1 : 0;
      // Oldest first; within one commit, by path and line (not by the order the blobs were scanned).
      return x.time - y.time || y.order - x.order || (x.path < y.path ? -1 : x.path > y.path ? 1 : a.finding.line - b.finding.line);
    });
    const { hit, finding } = group[0];
    const present = haveHead ? secretKeys(finding).some((key) => presentIds.has(key)) : undefined;
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
    const stash = hit.first && stashCommits?.get(hit.first.commit.sha);
    merged.message = `${finding.message} — ${stash !== undefined ? stashNote(merged, total, stash) : historyNote(merged, total, noteOf(hit, notes))}`;
    out.push(merged);
  }
  return out;
}

function historyNote(f: Finding, others: number, note?: NoteLocation): string {
  const more = others > 0 ? ` (also in ${others} other place(s))` : '';
  if (note && f.commit) {
    const where = `in a git note on ${note.on.slice(0, 7)} (${note.ref}), added in commit ${f.commit.sha.slice(0, 7)} by ${f.commit.author} on ${f.commit.date.slice(0, 10)}`;
    const state = note.present
      ? `still in ${note.ref}, which git pushes and fetches apart from branches: remove the note (git notes --ref=${note.ref} remove ${note.on}) and rotate it`
      : `removed from ${note.ref} but still in its history: rotate it`;
    return `${where}; ${state}${more}`;
  }
  const where = f.commit ? `introduced in commit ${f.commit.sha.slice(0, 7)} by ${f.commit.author} on ${f.commit.date.slice(0, 10)}` : 'introducing commit unknown (not reachable through commits)';
  const state = f.presentAtHead === false ? 'removed before HEAD but still in git history: rotate it' : f.presentAtHead ? 'still present at HEAD: rotate it and remove it' : 'rotate it';
  return `${where}; ${state}${more}`;
}

/** A secret a stash entry brought in: named as that entry, which git keeps on this machine unless pushed. */
function stashNote(f: Finding, others: number, stash: number): string {
  const more = others > 0 ? ` (also in ${others} other place(s))` : '';
  const where = `in stash@{${stash}}, set aside by ${f.commit!.author} on ${f.commit!.date.slice(0, 10)} (commit ${f.commit!.sha.slice(0, 7)})`;
  const state = f.presentAtHead
    ? 'also present at HEAD: rotate it and remove it'
    : `a stash stays in this repository unless pushed: drop it (git stash drop stash@{${stash}}), and rotate the credential if it was ever pushed or shared`;
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
  get size(): number {
    return this.items.length + this.extra;
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
