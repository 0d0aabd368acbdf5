import { CommitSecrets, MAX_COMMIT_SECRETS, secretKeys } from '../core/commits.js';
import type { CommitRef, Finding, ScanSettings, SecretSink } from '../core/types.js';
import { addedLineNumbers, patchView, UnifiedDiffReader, type Hunk } from '../core/diff/unified.js';
import { UsageError } from './errors.js';
import { BlobReader, gitEnv, gitLines, gitOutput, type BlobResult } from './git-objects.js';
import { newLines } from '../core/diff/new-lines.js';
import { toSourceFile } from '../core/source.js';
import { isIgnored } from '../core/scan.js';
import { MAX_STREAMED_BYTES, patchInPieces, PieceScanner } from '../core/secrets/pieces.js';
import { scanSecrets } from '../core/secrets/engine.js';
import { DEFAULT_PAIR_WITHIN } from '../core/secrets/pairing.js';

/** Binary changes read back in one range, at most: each costs git a blob or two. */
export const MAX_BINARY_READS = 500;

/**
 * Each commit of `base..head`, oldest first, from `git log -p`: every changed text file up to
 * WHOLE_FILE_BYTES is scanned whole, as it is in that commit (its blob, from one streamed `git
 * cat-file --batch`), with only the lines that commit added judged. So a commit reports what a
 * scan of its files reports on the lines it added, whatever the detector needs around them: a
 * Kubernetes Secret's `kind` far above, a key id beside the secret key added under it
 * (docs/history.md, "What a history finding says"). The patch gives the files and their added
 * lines, at their real line numbers, via the shared patch reader; a larger file is scanned from
 * its patch (5 lines of context), and a file's patch over max-file-size is read in pieces as it
 * streams (src/core/secrets/pieces.ts `patchInPieces`). Each file's findings are taken in the
 * order git lists the files, so the first commit (and within it the first path) that added a
 * secret keeps it. Paths are relative to `dir` (`--relative`), and only files under it count, as
 * in a folder scan.
 */
export async function scanCommitRange(dir: string, range: { base: string; head: string }, settings: ScanSettings, revealSecrets?: SecretSink, fetching = false): Promise<CommitSecrets> {
  for (const sha of [range.base, range.head]) if (!/^[0-9a-f]{7,64}$/i.test(sha)) throw new UsageError(`not a commit id: "${sha}"`);
  const secrets = new CommitSecrets(settings, revealSecrets);
  // git's own lazy fetching, off by default (gitEnv), on for the second try in a partial clone.
  const env = fetching ? gitEnv({ GIT_NO_LAZY_FETCH: '0' }) : undefined;
  // Context lines as far as a pair's halves may lie apart (DEFAULT_PAIR_WITHIN), not git's 3, for
  // the files scanned from their patches (over WHOLE_FILE_BYTES, or their patch over max-file-size).
  const args = ['log', '--reverse', '-p', `-U${DEFAULT_PAIR_WITHIN}`, '--full-index', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '--relative', '--format=%x01%H %aI %an', `${range.base}..${range.head}`, '--'];
  let commit: CommitRef | undefined;
  const ordered = new InOrder(secrets);
  const whole = new WholeFiles(dir, settings, ordered, revealSecrets);
  // The blobs of a change git calls binary are read after `git log -p` read them, so they are here.
  const binaries = new BinaryChanges(dir, settings, ordered, revealSecrets);
  // The project's one diff parser, streamed: a file is handed over when its hunks end, or at the
  // next file or commit, while `commit` is still the commit it belongs to; a file's patch over
  // max-file-size is not kept.
  const reader = new UnifiedDiffReader(
    (file) => {
      const path = file.newPath;
      if (!commit || path === undefined || file.oversized || file.newMode === '160000' || isIgnored(path, settings)) return;
      if (file.binary) return binaries.add(commit, path, file.blobs);
      if (file.hunks.length === 0) return;
      const added = addedLineNumbers(file.hunks);
      if (added.size === 0) return;
      const blob = file.blobs?.new;
      if (blob !== undefined && !ZERO_ID.test(blob) && whole.want(commit, path, blob, added, file.hunks)) return;
      ordered.put(ordered.open(commit), fromPatch(path, file.hunks, added, settings, revealSecrets));
    },
    {
      maxFileBytes: settings.maxFileSize,
      // A patch past max-file-size: its lines read in pieces as they stream (a commit could
      // otherwise pad a file past the limit to hide the token it adds, then remove it).
      oversized: (file) => {
        const at = commit;
        const path = file.newPath;
        if (!at || path === undefined || isIgnored(path, settings)) return undefined;
        const slot = ordered.open(at);
        return patchInPieces(path, settings, (found) => ordered.put(slot, found), revealSecrets);
      },
    },
  );
  let failure: string | undefined;
  for await (const line of gitLines(dir, args, (message) => (failure = message), env)) {
    if (line.startsWith('\u0001')) {
      reader.end(); // the last file of the commit before (a binary one has no hunks to end it)
      await whole.send();
      await binaries.read();
      const [sha, date] = line.slice(1).split(' ', 2);
      commit = { sha, date, author: line.slice(1 + sha.length + date.length + 2) };
      secrets.startCommit();
    } else {
      reader.push(line);
      if (whole.waiting) await whole.send();
    }
  }
  reader.end();
  await whole.send();
  await binaries.read();
  await whole.finish();
  ordered.done();
  if (binaries.unread > 0) secrets.notes.push(`${binaries.unread} binary change(s) past the first ${MAX_BINARY_READS} were not read back from git (a UTF-16 file, or text that .gitattributes marks binary, among them would not be checked commit by commit).`);
  if (whole.unread.length > 0) secrets.notes.push(`${whole.unread.length} changed file(s) could not be read whole from git and were checked from their patches only: ${whole.unread.slice(0, 5).join('; ')}${whole.unread.length > 5 ? '; …' : ''}.`);
  if (failure && !fetching && LAZY_FETCH_REFUSED.test(failure)) {
    // A partial clone (`actions/checkout` with `filter: blob:none`) lacks the blobs these commits
    // changed: read the range again, with git fetching them from the clone's promisor remote as it
    // goes (the commits of one pull request or push; a history scan never fetches).
    const again = await scanCommitRange(dir, range, settings, revealSecrets, true);
    again.notes.unshift("The checkout is a partial clone: git fetched the blobs these commits changed from its remote to read them.");
    return again;
  }
  if (failure) throw new UsageError(`git log ${range.base.slice(0, 12)}..${range.head.slice(0, 12)} failed: ${failure}`);
  return secrets;
}

/** git's first words when a partial clone lacks a blob it must not fetch (GIT_NO_LAZY_FETCH). */
const LAZY_FETCH_REFUSED = /lazy fetching disabled|from promisor remote/;

/** One changed file of a range: its commit, and its findings once its scan has ended. */
interface Slot {
  commit: CommitRef;
  found?: readonly Finding[];
}

/**
 * The findings of a range's changed files, handed to CommitSecrets in the order git listed the
 * files (oldest commit first), whenever each file's scan ends: a file read whole answers after
 * git has sent its blob, later files of the patch sooner.
 */
class InOrder {
  private slots: (Slot | undefined)[] = [];
  private next = 0;

  constructor(private readonly secrets: CommitSecrets) {}

  /** A place for the next file's findings, in git's order. */
  open(commit: CommitRef): Slot {
    const slot = { commit };
    this.slots.push(slot);
    return slot;
  }

  put(slot: Slot, found: readonly Finding[]): void {
    slot.found = found;
    while (this.next < this.slots.length && this.slots[this.next]!.found !== undefined) {
      const ready = this.slots[this.next]!;
      this.slots[this.next++] = undefined;
      this.secrets.addFindings(ready.commit, ready.found!);
    }
    if (this.next === this.slots.length) {
      this.slots.length = 0;
      this.next = 0;
    }
  }

  /** Every file was answered (a file not read puts no findings). */
  done(): void {
    if (this.next !== this.slots.length) throw new Error(`${this.slots.length - this.next} changed file(s) of the range were never answered`);
  }
}

/** A changed file's findings from its patch alone: its added lines, judged with the context lines the patch shows. */
function fromPatch(path: string, hunks: Hunk[], added: Set<number>, settings: ScanSettings, reveal: SecretSink | undefined): Finding[] {
  return scanSecrets({ path, content: patchView(hunks).sparseContent, addedLines: added }, settings, reveal);
}

/**
 * Changed files up to this size are read whole; a larger one (a committed bundle, a data file) is
 * scanned from its patch, whose lines git reads with DEFAULT_PAIR_WITHIN lines of context: reading
 * each version of a 2.6 MB bundle whole made 200 commits of this repository 2.8× slower
 * (docs/history.md, "What a history finding says").
 */
export const WHOLE_FILE_BYTES = 512 * 1024;
/** Patch text held for files in flight (a file read whole falls back to its patch if git sends it over WHOLE_FILE_BYTES); past it, files are scanned from their patches until git catches up. */
const HELD_PATCH_BYTES = 32 * 1024 * 1024;

/** A changed text file read whole: its place, the lines its commit added, and its patch in case the blob is too large. */
interface WholeFile {
  slot: Slot;
  path: string;
  added: Set<number>;
  hunks: Hunk[];
  bytes: number;
}

/**
 * The changed text files of a range, each read whole as its commit left it, from one `git cat-file
 * --batch` for the whole range (blobs are answered in the order asked, so a few are in flight
 * while the patch streams on).
 */
class WholeFiles {
  private reader: BlobReader<WholeFile> | undefined;
  private wanted: { oid: string; tag: WholeFile }[] = [];
  private held = 0;
  /** Files git could not give, with why. */
  readonly unread: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly settings: ScanSettings,
    private readonly ordered: InOrder,
    private readonly reveal: SecretSink | undefined,
  ) {}

  /** Files wanted and not asked for yet. */
  get waiting(): boolean {
    return this.wanted.length > 0;
  }

  /** Asks for a file to be read whole, unless the patches held for files in flight are already HELD_PATCH_BYTES (then false: scan its patch). */
  want(commit: CommitRef, path: string, oid: string, added: Set<number>, hunks: Hunk[]): boolean {
    let bytes = 0;
    for (const hunk of hunks) for (const line of hunk.lines) bytes += line.text.length + 1;
    if (this.held + bytes > HELD_PATCH_BYTES) return false;
    this.held += bytes;
    this.wanted.push({ oid, tag: { slot: this.ordered.open(commit), path, added, hunks, bytes } });
    return true;
  }

  /** Asks git for the files wanted since the last call. */
  async send(): Promise<void> {
    if (this.wanted.length === 0) return;
    const wanted = this.wanted;
    this.wanted = [];
    this.reader ??= new BlobReader<WholeFile>(this.dir, (blob) => this.answer(blob), Math.min(this.settings.maxFileSize, WHOLE_FILE_BYTES));
    await this.reader.requestMany(wanted);
  }

  async finish(): Promise<void> {
    await this.reader?.finish();
  }

  private answer(blob: BlobResult<WholeFile>): void {
    const { tag } = blob;
    this.held -= tag.bytes;
    let found: readonly Finding[] = [];
    if (blob.ok) {
      const source = toSourceFile(tag.path, blob.bytes, this.settings);
      if ('content' in source) found = scanSecrets({ ...source, addedLines: tag.added }, this.settings, this.reveal);
    } else {
      // Over WHOLE_FILE_BYTES (or max-file-size), or git could not give it: from its patch, as before.
      if (blob.size === undefined) this.unread.push(`${tag.path} (${blob.reason})`);
      found = fromPatch(tag.path, tag.hunks, tag.added, this.settings, this.reveal);
    }
    this.ordered.put(tag.slot, found);
  }
}

/**
 * A commit's changes git calls binary, read back as blobs. git shows no lines of them, so a token
 * added in one commit and removed in the next would pass unseen in:
 * - UTF-16 text (a NUL every other byte);
 * - any text file the repository's own `.gitattributes` marks `binary` or `-diff`: a pull request
 *   that adds `* -diff` would otherwise hide every line it adds.
 * A new version that decodes as text (src/core/source.ts) goes through the engine with the lines
 * its old version did not hold as added (`newLines`). Each blob is decoded, or dropped as binary,
 * as `git cat-file --batch` hands it over, so only one commit's texts are held. Whatever its
 * name: an image name proves nothing about a file marked `-diff`. Past MAX_BINARY_READS changes
 * in a range, none are read, and the range's notes say how many.
 */
class BinaryChanges {
  private pending: { slot: Slot; path: string; old?: string; new: string }[] = [];
  private reads = 0;
  /** Changes past MAX_BINARY_READS. */
  unread = 0;

  constructor(
    private readonly dir: string,
    private readonly settings: ScanSettings,
    private readonly ordered: InOrder,
    private readonly reveal: SecretSink | undefined,
  ) {}

  add(commit: CommitRef, path: string, blobs: { old: string; new: string } | undefined): void {
    if (!blobs || ZERO_ID.test(blobs.new)) return;
    if (this.reads >= MAX_BINARY_READS) {
      this.unread++;
      return;
    }
    this.reads++;
    this.pending.push({ slot: this.ordered.open(commit), path, new: blobs.new, ...(ZERO_ID.test(blobs.old) ? {} : { old: blobs.old }) });
  }

  /** Reads and scans the changes added since the last call (one commit's). */
  async read(): Promise<void> {
    if (this.pending.length === 0) return;
    const changes = this.pending;
    this.pending = [];
    const texts = new Map<string, string>();
    const blobs = new BlobReader<string>(
      this.dir,
      (blob) => {
        const source = blob.ok ? toSourceFile(blob.tag, blob.bytes, this.settings) : undefined;
        if (source && 'content' in source) texts.set(blob.tag, source.content);
      },
      this.settings.maxFileSize,
    );
    await blobs.requestMany(changes.flatMap((c) => [{ oid: c.new, tag: c.new }, ...(c.old ? [{ oid: c.old, tag: c.old }] : [])]));
    await blobs.finish();
    for (const change of changes) {
      const content = texts.get(change.new);
      const before = content === undefined || change.old === undefined ? undefined : texts.get(change.old);
      const addedLines = before === undefined ? undefined : newLines(before, content!);
      const found = content === undefined || addedLines?.size === 0 ? [] : scanSecrets(addedLines ? { path: change.path, content, addedLines } : { path: change.path, content }, this.settings, this.reveal);
      this.ordered.put(change.slot, found);
    }
  }
}

const ZERO_ID = /^0+$/;

/**
 * Files read at the head by `secretsAtHead`, at most, for the secrets' own files (a range keeps at
 * most MAX_COMMIT_SECRETS secrets, so each one's file is read), and again at most as many of the
 * files the range changed, to find secrets that moved.
 */
export const MAX_HEAD_FILES = MAX_COMMIT_SECRETS;

/** Paths given to one `git ls-tree` call, at most this many characters in all (far under any system's argument limit). */
const LS_TREE_ARGUMENTS = 64 * 1024;

/**
 * Which of a range's commit secrets are still at `head`, and where they are there, keyed by each
 * of their ids (`secretKeys`; look one up with `headFindingOf`). Each file a secret was found in is read at `head` and scanned whole (a file over
 * max-file-size in pieces as git streams it). With `base` (the range's start), a secret not found
 * in its own file is looked for in the other files the range changed, as they are at `head`: a
 * file renamed or moved in the range (`git mv`), or a value moved to another file, is found at its
 * new place. So a secret that a net check did not see (a file GitHub's list of a pull request's
 * files left out) is reported at its place at the head, and only one that is really gone is
 * called removed. A clean range costs no git call.
 */
export async function secretsAtHead(dir: string, head: string, findings: readonly Finding[], settings: ScanSettings, base?: string): Promise<Map<string, Finding>> {
  const atHead = new Map<string, Finding>();
  const secrets = findings.filter((f) => f.rule.startsWith('secret/'));
  const own = [...new Set(secrets.map((f) => f.file))].slice(0, MAX_HEAD_FILES);
  if (own.length === 0) return atHead;
  await scanAtHead(dir, head, own, settings, atHead);
  if (base === undefined || secrets.every((f) => headFindingOf(atHead, f) !== undefined)) return atHead;
  // Some secret is not in its own file at the head: the other files the range changed, as they are there.
  // If git cannot list them, what was found in the secrets' own files stands.
  const read = new Set(own);
  const changed = await gitOutput(dir, ['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', base, head]).catch(() => '');
  const others = changed.split('\0').filter((path) => path.length > 0 && !read.has(path)).slice(0, MAX_HEAD_FILES);
  if (others.length > 0) await scanAtHead(dir, head, others, settings, atHead);
  return atHead;
}

/**
 * Where `secretsAtHead` found `f` at the head: under any of its ids (`secretKeys`), so a secret key
 * a commit added alone is found in the pair it makes at the head with a key id beside it, and a
 * pair a commit added is found where one of its halves still is.
 */
export function headFindingOf(atHead: ReadonlyMap<string, Finding>, f: Finding): Finding | undefined {
  for (const key of secretKeys(f)) {
    const there = atHead.get(key);
    if (there !== undefined) return there;
  }
  return undefined;
}

/** Reads `files` at `head` and notes the secrets in them into `atHead` under each of their ids (the first place of each). */
async function scanAtHead(dir: string, head: string, files: readonly string[], settings: ScanSettings, atHead: Map<string, Finding>): Promise<void> {
  const blobs: { oid: string; tag: string }[] = [];
  for (let from = 0; from < files.length; ) {
    let to = from;
    for (let length = 0; to < files.length && (to === from || length + files[to].length < LS_TREE_ARGUMENTS); to++) length += files[to].length + 1;
    // -z: names as they are; literal pathspecs: a name with `*` or `:` in it is just a name.
    const listing = await gitOutput(dir, ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', head, '--', ...files.slice(from, to)]);
    for (const entry of listing.split('\0')) {
      const tab = entry.indexOf('\t');
      const [, type, oid] = entry.slice(0, tab).split(' ');
      if (tab > 0 && type === 'blob') blobs.push({ oid, tag: entry.slice(tab + 1) });
    }
    from = to;
  }
  if (blobs.length === 0) return;
  const note = (found: readonly Finding[] | undefined) => {
    for (const f of found ?? []) {
      if (!f.rule.startsWith('secret/') || settings.ignoreLocations?.has(`${f.file}:${f.line}`)) continue;
      for (const key of secretKeys(f)) if (!atHead.has(key)) atHead.set(key, f);
    }
  };
  let pieces: PieceScanner | undefined;
  const reader = new BlobReader<string>(
    dir,
    (blob) => {
      if (blob.ok) {
        const source = toSourceFile(blob.tag, blob.bytes, settings);
        if ('content' in source) note(scanSecrets(source, settings));
      } else if (blob.size !== undefined && pieces) note(pieces.finish());
      pieces = undefined;
    },
    settings.maxFileSize,
    'loopback',
    (path, size) => {
      if (size > MAX_STREAMED_BYTES) return undefined;
      const scanner = new PieceScanner(path, settings);
      pieces = scanner;
      return (bytes) => scanner.push(bytes);
    },
  );
  await reader.requestMany(blobs);
  await reader.finish();
}


/**
 * Makes `base..head` walkable in a clone: both commits present and joined by history (a merge
 * base). A shallow clone is deepened from `origin` step by step, starting from `commitsHint` (the
 * PR's or push's commit count), so a full clone is never made shallow and a huge history is not
 * fetched for a small change. False when the range still cannot be walked. `env` carries the
 * clone's credentials (git-clone.ts) when origin needs them.
 */
export async function ensureRange(dir: string, base: string, head: string, commitsHint: number, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const ok = (args: string[]) => gitOutput(dir, args, env).then(() => true, () => false);
  const joined = () => ok(['merge-base', base, head]);
  if ((await ok(['cat-file', '-e', `${head}^{commit}`])) && (await ok(['cat-file', '-e', `${base}^{commit}`])) && (await joined())) return true;
  const shallow = (await gitOutput(dir, ['rev-parse', '--is-shallow-repository'], env).catch(() => 'false')).trim() === 'true';
  if (!shallow) {
    await ok(['fetch', '--no-tags', '--quiet', 'origin', head, base]);
    return joined();
  }
  for (let depth = Math.max(1, commitsHint) + 1; depth <= 1 << 16; depth *= 8) {
    await ok(['fetch', '--no-tags', '--quiet', `--depth=${depth}`, 'origin', head, base]);
    if (await joined()) return true;
  }
  return false;
}
