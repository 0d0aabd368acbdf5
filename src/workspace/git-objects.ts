import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from './errors.js';

/**
 * Streaming access to a repository's objects through long-lived git processes (docs/history.md):
 * a git's output read line by line (`gitLineBatches`: history mode's `git log --raw` walk, which
 * names the blobs), `git rev-list --objects` into `git cat-file --batch-check` for what no commit
 * walk reaches (`listObjectBatches`), and ONE `git cat-file --batch` process that streams the blob
 * bytes (`BlobReader`). No stage holds more than a pipe's worth of work: each waits for the next
 * to drain.
 */

/**
 * git maps pack files into memory in windows (by default up to 1 GiB each and 8 GiB in all on
 * 64-bit), and mapped pages count in its RSS: reading a 2 GB history, `git cat-file` peaked at
 * 417 MB while Node stayed at 151 MB (bench/history.ts --large). Smaller windows bound it: 32 MB
 * windows, 128 MB in all, until 2026-12-04; now 4 MB and 16 MB, which cost no measurable time
 * (on a 1 GB history of 3,689 commits, each git alone: `rev-list --objects` 72 → 15 MB RSS,
 * `cat-file --batch-check` 84 → 21 MB, `cat-file --batch` 71 → 16 MB, `log --raw` 72 → 14 MB).
 */
const PACK_WINDOWS = ['-c', 'core.packedGitWindowSize=4m', '-c', 'core.packedGitLimit=16m'];

type Proc = ChildProcessByStdio<Writable | null, Readable, Readable>;

/** Environment for every git we start: never prompt, never fetch a missing object behind our back. */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', ...extra };
}

export const MISSING_GIT = 'git is not installed or not on PATH (history mode runs git)';

function start(dir: string, args: string[], stdin: 'pipe' | 'ignore', env: NodeJS.ProcessEnv = gitEnv(), stdout: 'pipe' | Writable = 'pipe'): Proc {
  const child = spawn('git', ['-c', 'core.quotePath=false', ...PACK_WINDOWS, ...args], { cwd: dir, env, stdio: [stdin, stdout, 'pipe'] }) as Proc;
  return child;
}

/** Collects stderr (first 4 KiB: `stderr` gives its first line) and the exit of a child; `error` is ENOENT when git is missing. */
function watch(child: Proc): { stderr: () => string; allStderr: () => string; exited: Promise<{ code: number | null; missingGit: boolean }> } {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; missingGit: boolean }>((resolve) => {
    let missingGit = false;
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') missingGit = true;
    });
    child.on('close', (code) => resolve({ code, missingGit }));
  });
  return { stderr: () => stderr.trim().split('\n')[0] ?? '', allStderr: () => stderr, exited };
}

/** Runs git to completion and returns stdout; rejects with git's first stderr line. */
export function gitOutput(dir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = start(dir, args, 'ignore', env);
    const { stderr, exited } = watch(child);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    void exited.then(({ code, missingGit }) => {
      if (missingGit) reject(new UsageError(MISSING_GIT));
      else if (code !== 0) reject(new Error(stderr() || `git ${args[0]} exited with ${code}`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Line-by-line stdout of a long-running git, without holding it all. */
export async function* gitLines(dir: string, args: string[], onError: (message: string) => void, env?: NodeJS.ProcessEnv): AsyncGenerator<string> {
  for await (const lines of gitLineBatches(dir, args, onError, env)) yield* lines;
}

/** `gitLines`, one array per chunk of output (no promise per line). */
export async function* gitLineBatches(dir: string, args: string[], onError: (message: string) => void, env?: NodeJS.ProcessEnv): AsyncGenerator<string[]> {
  const child = start(dir, args, 'ignore', env);
  const { stderr, exited } = watch(child);
  let read = false;
  try {
    yield* lineBatches(child.stdout);
    read = true;
  } finally {
    // Left early (the caller stopped or failed): end git rather than leave it blocked on a full pipe.
    if (!read) child.kill();
  }
  const { code, missingGit } = await exited;
  if (missingGit) throw new UsageError(MISSING_GIT);
  if (code !== 0) onError(stderr() || `git ${args[0]} exited with ${code}`);
}

/**
 * The lines of a stream, one array per chunk read (no promise per line). Only whole lines are
 * decoded: a UTF-8 character split between two chunks is never cut in half.
 */
export async function* lineBatches(stream: Readable): AsyncGenerator<string[]> {
  let rest: Buffer | undefined;
  for await (const read of stream as AsyncIterable<Buffer>) {
    const chunk = rest ? Buffer.concat([rest, read]) : read;
    const end = chunk.lastIndexOf(10);
    if (end < 0) {
      rest = chunk;
      continue;
    }
    rest = end + 1 < chunk.length ? chunk.subarray(end + 1) : undefined;
    yield chunk.toString('utf8', 0, end).split('\n');
  }
  if (rest && rest.length > 0) yield [rest.toString('utf8')];
}

/** One object `git rev-list --objects` named: its id, type, size and (for trees/blobs) a path. */
export interface ListedObject {
  oid: string;
  type: string;
  size: number;
  path: string;
}

/**
 * Every object reachable from `revisions` (rev-list syntax: refs, `--all`, `^REF`), each once,
 * with type and size from `cat-file --batch-check`. `missing` objects (absent, or unreadable) come
 * back with type `missing`, usually without a path. `onError` hears why rev-list stopped early (a
 * missing commit).
 */
export async function* listObjects(dir: string, revisions: string[], onError: (message: string) => void): AsyncGenerator<ListedObject> {
  for await (const batch of listObjectBatches(dir, revisions, onError)) yield* batch;
}

/** `listObjects`, one array per chunk of git's output: no promise per object. */
export async function* listObjectBatches(dir: string, revisions: string[], onError: (message: string) => void): AsyncGenerator<ListedObject[]> {
  // rev-list writes straight into batch-check's stdin: the object names go from git to git, not
  // through Node. Our copy of that pipe end is closed once rev-list has it, so batch-check sees
  // EOF when rev-list exits.
  const check = start(dir, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)', '--buffer'], 'pipe');
  const checkWatch = watch(check);
  // --missing=print: an object missing from the repository (a damaged or partial clone) is printed
  // as `?<oid>` and the walk goes on; without it rev-list dies at the first one, and every object
  // it had not listed yet (often all the older history) went unscanned. --ignore-missing: so is a
  // named start point that is missing (a stash entry's commit in a damaged repository).
  const revList = start(dir, ['rev-list', '--objects', '--in-commit-order', '--missing=print', '--ignore-missing', ...revisions, '--'], 'ignore', gitEnv(), check.stdin!);
  const revWatch = watch(revList);
  check.stdin!.destroy();
  try {
    for await (const lines of lineBatches(check.stdout)) {
      const batch: ListedObject[] = [];
      for (const line of lines) {
        const first = line.indexOf(' ');
        if (first < 0) continue;
        const second = line.indexOf(' ', first + 1);
        const type = line.slice(first + 1, second < 0 ? undefined : second);
        if (type === 'missing' || type === 'ambiguous') {
          // `?<oid> missing`: rev-list's name for an object it found missing (no path).
          batch.push({ oid: line.slice(line.charCodeAt(0) === 63 ? 1 : 0, first), type: 'missing', size: 0, path: second < 0 ? '' : line.slice(second + 1) });
          continue;
        }
        if (second < 0) {
          batch.push({ oid: line.slice(0, first), type, size: 0, path: '' });
          continue;
        }
        const third = line.indexOf(' ', second + 1);
        const size = Number(line.slice(second + 1, third < 0 ? undefined : third));
        batch.push({ oid: line.slice(0, first), type, size, path: third < 0 ? '' : line.slice(third + 1) });
      }
      if (batch.length > 0) yield batch;
    }
  } finally {
    revList.kill();
    check.kill();
  }
  const [rev, chk] = await Promise.all([revWatch.exited, checkWatch.exited]);
  if (rev.missingGit || chk.missingGit) throw new UsageError(MISSING_GIT);
  if (rev.code !== 0 && rev.code !== null) onError(`git rev-list stopped: ${revWatch.stderr() || `exit ${rev.code}`}`);
  if (chk.code !== 0 && chk.code !== null) onError(`git cat-file --batch-check stopped: ${checkWatch.stderr() || `exit ${chk.code}`}`);
}

/**
 * What the blob reader hands back for each requested id, in request order. `size` is set when the
 * blob was over the reader's `maxBytes`: its bytes went by without being kept.
 */
export type BlobResult<T> = { ok: true; tag: T; bytes: Buffer } | { ok: false; tag: T; reason: string; size?: number };

/**
 * ONE long-lived `git cat-file --batch` process, fed ids and read as a stream. Results arrive in
 * request order through `onBlob`, synchronously while the output is parsed, so a slow consumer
 * slows git down instead of filling memory. `bytes` is only valid during the call (its memory is
 * reused): copy what must outlive it. A corrupt object makes git die: that object is
 * reported as unreadable and a fresh process picks up the remaining requests.
 */
export class BlobReader<T> {
  private proc: Proc | undefined;
  private watcher!: ReturnType<typeof watch>;
  /** The current process's output when it comes through a socket (`socketOutput`), else its stdout pipe is read. */
  private output: SocketOutput | undefined;
  private readonly pending: { oid: string; tag: T }[] = [];
  private head = 0;
  private ended = false;
  private readonly done: Promise<void>;
  private failure: Error | undefined;
  /** The request whose bytes are being read (git may die half-way through them). */
  private inFlight: { oid: string; tag: T } | undefined;
  /** Wakes `request` when git's stdin drains. */
  private drained: (() => void) | undefined;
  /** Reused for objects that span output chunks (see `parse`). */
  private scratch = Buffer.alloc(0);
  /** State of `feed` within the current process's output: reset for each process. */
  private header = '';
  private body: Buffer | undefined;
  private filled = 0;
  private complete: Buffer | undefined;
  /** Bytes of an object over maxBytes still to pass over, its size, and where its bytes go as they pass (`onLarge`). */
  private passing = 0;
  private passed: number | undefined;
  private stream: ((bytes: Uint8Array) => void) | undefined;
  /** Objects git died on once (tried again in a new process before being named unreadable). */
  private readonly retried = new Set<string>();
  /** Objects handed on, and how many times git died since the last one. */
  private delivered = 0;
  private deliveredAtDeath = -1;
  private deaths = 0;

  /**
   * `maxBytes`: a blob larger than this is passed over as git sends it (never copied or handed
   * on) and answered with its size; by default every blob is handed on. `onLarge`: asked, as such
   * a blob starts, where its bytes should go as they pass (in order, each view valid during the
   * call; a blob git dies on half-way is asked for again, from its first byte); undefined: nowhere.
   * `outputVia`: how git's output reaches this process: `loopback` (the default; a TCP connection
   * on the loopback interface, else a local socket, else the pipe, whichever can be set up first),
   * `socket` (a local socket, else the pipe) or `pipe` (tests of the fallbacks).
   */
  constructor(
    private readonly dir: string,
    private readonly onBlob: (result: BlobResult<T>) => void,
    private readonly maxBytes = Infinity,
    private readonly outputVia: GitOutput = 'loopback',
    private readonly onLarge?: (tag: T, size: number) => ((bytes: Uint8Array) => void) | undefined,
  ) {
    this.done = this.readAll().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.wake(); // a request waiting for git's stdin to drain would wait forever
    });
  }

  /** How the current process's output is read (for tests). */
  get outputKind(): GitOutput | undefined {
    return this.proc === undefined ? undefined : (this.output?.kind ?? 'pipe');
  }

  /**
   * Why git's output did not come the way asked for (`outputVia`) the first time a way fell short,
   * e.g. `the loopback connection: connect ECONNREFUSED 127.0.0.1:41234`: the scan goes on through
   * the next way, slower (docs/history.md, "fourteenth session"), and says so (history.ts,
   * `HistoryStats.gitOutput`). Undefined while every git's output came as asked.
   */
  get outputFallback(): { way: GitOutput; reason: string } | undefined {
    return this.fallback;
  }

  private fallback: { way: GitOutput; reason: string } | undefined;

  /** Starts a git, and gives it the requests not answered yet (all of them, the first time). */
  private async spawn(): Promise<void> {
    const sink: OutputSink = { data: (bytes) => this.feed(bytes), direct: () => this.direct(), directed: (into, length) => this.directed(into, length) };
    this.output = undefined;
    const failures: string[] = [];
    // A git started again (the last one died) goes the way the first one went: a loopback
    // connection that failed once (after a 2 s wait, behind a firewall) is not tried again.
    for (const way of OUTPUT_WAYS.slice(OUTPUT_WAYS.indexOf(this.fallback?.way ?? this.outputVia))) {
      if (way === 'pipe') break;
      const made = await socketOutput(way, sink);
      if (typeof made !== 'string') {
        this.output = made;
        break;
      }
      if (made !== '') failures.push(made);
    }
    if (failures.length > 0) this.fallback ??= { way: this.output?.kind ?? 'pipe', reason: failures.join('; ') };
    // --buffer: git writes its output in blocks rather than flushing after every object.
    this.proc = start(this.dir, ['cat-file', '--batch', '--buffer'], 'pipe', gitEnv(), this.output?.peer ?? 'pipe');
    // git holds its own copy of the socket now: ours is closed, so its end of output is seen.
    this.output?.peer.destroy();
    this.watcher = watch(this.proc);
    const stdin = this.proc.stdin!;
    stdin.on('error', () => undefined); // the process died; readAll restarts it and resends
    stdin.on('drain', () => this.wake());
    const rest = this.pending.slice(this.head).map((p) => `${p.oid}\n`).join('');
    if (rest) stdin.write(rest);
    if (this.ended) stdin.end();
    this.wake();
  }

  private wake(): void {
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }

  /** Queues one id; resolves once git can take more (back-pressure). */
  async request(oid: string, tag: T): Promise<void> {
    if (this.failure) throw this.failure;
    this.pending.push({ oid, tag });
    // Before git has started, the request waits in `pending`: `spawn` writes it.
    if (this.proc && !this.proc.stdin!.write(`${oid}\n`)) await new Promise<void>((resolve) => (this.drained = resolve));
    if (this.failure) throw this.failure;
  }

  /** Queues several ids in one write; resolves once git can take more (back-pressure). */
  async requestMany(items: readonly { oid: string; tag: T }[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (items.length === 0) return;
    let text = '';
    for (const item of items) {
      this.pending.push(item);
      text += `${item.oid}\n`;
    }
    if (this.proc && !this.proc.stdin!.write(text)) await new Promise<void>((resolve) => (this.drained = resolve));
    if (this.failure) throw this.failure;
  }

  /** No more requests: waits for every result. */
  async finish(): Promise<void> {
    this.ended = true;
    this.proc?.stdin!.end();
    await this.done;
    if (this.failure) throw this.failure;
  }

  private next(): { oid: string; tag: T } | undefined {
    const item = this.pending[this.head];
    if (item === undefined) return undefined;
    this.head++;
    if (this.head > 4096) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  private async readAll(): Promise<void> {
    for (;;) {
      await this.spawn();
      let culprit: { oid: string; tag: T } | undefined;
      let reason = '';
      let retry = false;
      let notFetched = false;
      try {
        await this.readOutput();
      } catch (error) {
        this.output?.close();
        if (!(error instanceof Desync)) {
          this.proc!.kill();
          throw error;
        }
        // git wrote something other than what it announced (a truncated object): stop trusting
        // this process, name the object, and resume after it.
        culprit = this.inFlight;
        reason = `object ${culprit?.oid.slice(0, 12)} is corrupt: ${error.message}`;
        this.proc!.kill();
      }
      const { code, missingGit } = await this.watcher.exited;
      if (missingGit) throw new UsageError(MISSING_GIT);
      if (!culprit) {
        // git died (on a corrupt object, or killed from outside) while reading this object or
        // before it: the first time, a new process tries it again; the second time it is named.
        culprit = this.inFlight ?? this.pending[this.head];
        if (!culprit) {
          if (code === 0 || this.ended) return;
          throw new Error(`git cat-file --batch exited: ${this.watcher.stderr() || `exit ${code}`}`);
        }
        if (this.inFlight) this.pending.splice(this.head, 0, culprit); // back in the queue, in order
        // In a partial clone git dies on each blob it has not fetched (the scan does not fetch:
        // gitEnv): that blob is named at once, and its death is not a failure to read.
        notFetched = PROMISOR_MISSING.exec(this.watcher.allStderr())?.[1] === culprit.oid;
        retry = !notFetched && !this.retried.has(culprit.oid);
        this.retried.add(culprit.oid);
        if (!retry) this.next();
        reason = notFetched
          ? `object ${culprit.oid.slice(0, 12)} is not in this partial clone (git fetches it on demand; a scan does not)`
          : `git could not read object ${culprit.oid.slice(0, 12)}: ${this.watcher.stderr() || (code === null ? 'git was killed' : `exit ${code}`)}`;
      }
      this.inFlight = undefined;
      // A git that dies again and again without reading anything (repository gone, out of
      // memory) is an error, not a loop.
      this.deaths = notFetched ? 0 : this.delivered === this.deliveredAtDeath ? this.deaths + 1 : 1;
      this.deliveredAtDeath = this.delivered;
      if (this.deaths > MAX_DEATHS_WITHOUT_PROGRESS) throw new Error(`git cat-file --batch failed ${this.deaths} times in a row without reading an object: ${this.watcher.stderr() || `exit ${code}`}`);
      if (!retry) this.onBlob({ ok: false, tag: culprit.tag, reason });
    }
  }

  /**
   * Where the next read of git's output goes when it is the rest of a long object's bytes: straight
   * into the buffer the object is gathered in, so that they are not read into the shared buffer and
   * copied from there (`_copyActual`: 16-20 ms a history scan of a committed bundle, 4 % of it).
   */
  private direct(): Buffer | undefined {
    const body = this.body;
    this.handedOut = body !== undefined && body.length - this.filled >= DIRECT_READ ? body.subarray(this.filled) : undefined;
    return this.handedOut;
  }

  /**
   * The view `direct` last gave, while it is still where the next bytes go. Node asks for the
   * buffer of a read ahead of it (at connect, and after each read): a git started again after the
   * last one died may send its first bytes into a view of the dead one's unfinished object
   * (`readOutput` forgets it), and those are read as any other bytes (`feed`).
   */
  private handedOut: Buffer | undefined;

  /** `length` bytes were read into `into`, a buffer `direct` gave. */
  private directed(into: Uint8Array, length: number): void {
    if (into !== this.handedOut) {
      this.feed(Buffer.from(into.buffer, into.byteOffset, length));
      return;
    }
    this.handedOut = undefined;
    this.filled += length;
    if (this.filled === this.body!.length) {
      this.complete = this.body; // its LF comes in the next read, through `feed`
      this.body = undefined;
    }
  }

  /** Reads the current process's output to its end through `feed`; rejects with what `feed` throws. */
  private readOutput(): Promise<void> {
    this.handedOut = undefined;
    this.header = '';
    this.body = undefined;
    this.filled = 0;
    this.complete = undefined;
    this.passing = 0;
    this.passed = undefined;
    this.stream = undefined;
    if (this.output) return this.output.ended;
    const stdout = this.proc!.stdout as AsyncIterable<Buffer>;
    return (async () => {
      for await (const chunk of stdout) this.feed(chunk);
    })();
  }

  /**
   * Parses `<oid> <type> <size>\n<bytes>\n` records (or `<oid> missing\n`) from the stream. Each
   * object is handed on only once the LF after its bytes is seen, so a short object (git writes
   * fewer bytes than it announced for some corrupt objects) is caught, not misread.
   */
  private feed(chunk: Buffer): void {
    let { header, body, filled, complete, passing, passed, stream } = this;
    try {
      let at = 0;
      while (at < chunk.length) {
        if (complete) {
          if (chunk[at] !== 10) throw new Desync('git returned fewer bytes than its size');
          at++;
          const item = this.inFlight!;
          this.inFlight = undefined;
          const bytes = complete;
          complete = undefined;
          this.delivered++;
          if (passed === undefined) this.onBlob({ ok: true, tag: item.tag, bytes });
          else this.onBlob({ ok: false, tag: item.tag, reason: `blob ${item.oid.slice(0, 12)}: ${passed} bytes exceeds the limit of ${this.maxBytes}`, size: passed });
          passed = undefined;
          stream = undefined;
          continue;
        }
        if (passing > 0) {
          const length = Math.min(passing, chunk.length - at);
          if (stream) stream(chunk.subarray(at, at + length));
          passing -= length;
          at += length;
          if (passing === 0) complete = EMPTY;
          continue;
        }
        if (body) {
          const take = Math.min(body.length - filled, chunk.length - at);
          chunk.copy(body, filled, at, at + take);
          filled += take;
          at += take;
          if (filled === body.length) {
            complete = body;
            body = undefined;
          }
          continue;
        }
        const nl = chunk.indexOf(10, at);
        if (nl < 0) {
          header += chunk.toString('latin1', at);
          if (header.length > 512) throw new Desync('unexpected output');
          break;
        }
        header += chunk.toString('latin1', at, nl);
        at = nl + 1;
        const parts = header.split(' ');
        header = '';
        const current = this.next();
        if (!current) throw new Error('git cat-file --batch answered an object nobody asked for');
        this.inFlight = current;
        if (parts[0] !== current.oid) throw new Desync('answer out of step with the request');
        if (parts.length < 3) {
          this.inFlight = undefined;
          this.onBlob({ ok: false, tag: current.tag, reason: parts[1] === 'missing' ? `object ${current.oid.slice(0, 12)} missing or unreadable (partial or damaged clone)` : `unexpected answer from git: ${parts.slice(1).join(' ').slice(0, 80)}` });
          continue;
        }
        const size = Number(parts[2]);
        if (size > this.maxBytes) {
          // Passed over as it streams by (never held; to `onLarge`'s sink, if any), then answered with its size.
          passed = size;
          passing = size;
          stream = this.onLarge?.(current.tag, size);
          continue;
        }
        if (chunk.length - at > size) {
          // The common case: the whole object and its LF are in this chunk; no copy.
          if (chunk[at + size] !== 10) throw new Desync('git returned fewer bytes than its size');
          const bytes = chunk.subarray(at, at + size);
          at += size + 1;
          this.inFlight = undefined;
          this.delivered++;
          this.onBlob({ ok: true, tag: current.tag, bytes });
        } else {
          // One buffer, reused for every object that spans chunks (the bytes are valid only during
          // `onBlob`): a fresh allocation per large blob fragmented the C heap, and RSS grew with
          // the history's size.
          if (this.scratch.length < size) this.scratch = Buffer.allocUnsafe(size);
          body = this.scratch.subarray(0, size);
          filled = 0;
          if (size === 0) {
            complete = body;
            body = undefined;
          }
        }
      }
    } finally {
      // The next chunk carries on from here (or, after a throw, the next process starts afresh).
      this.header = header;
      this.body = body;
      this.filled = filled;
      this.complete = complete;
      this.passing = passing;
      this.passed = passed;
      this.stream = stream;
    }
  }
}

class Desync extends Error {}

/** Bytes a read of git's output may bring at once (through `socketOutput`). */
const OUTPUT_BUFFER = 1 << 20;

/** The least rest of an object read straight into its own buffer (`BlobReader.direct`); a shorter one goes through the shared buffer. */
const DIRECT_READ = 64 << 10;

/** Where `socketOutput` hands what it reads. */
interface OutputSink {
  /** A read's bytes, in a view valid during the call. */
  data(bytes: Buffer): void;
  /** Where the next read should go instead of the shared buffer, if anywhere (asked before each read). */
  direct(): Buffer | undefined;
  /** `length` bytes were read into `into`, a buffer `direct` gave (maybe one it gave for an earlier state). */
  directed(into: Uint8Array, length: number): void;
}

/** How git's output reaches this process (`BlobReader`'s `outputVia`, docs/history.md, "git's output through a socket"). */
export type GitOutput = 'loopback' | 'socket' | 'pipe';

/** The ways, from the one that lets git run furthest ahead to the last resort. */
const OUTPUT_WAYS: readonly GitOutput[] = ['loopback', 'socket', 'pipe'];

interface SocketOutput {
  kind: 'loopback' | 'socket';
  /** The end to give the child as its stdout (close ours once it is started). */
  peer: Socket;
  /** Resolves at the end of the output; rejects with what the sink threw (reading then stops). */
  ended: Promise<void>;
  /** Stops reading. */
  close: () => void;
}

/**
 * A child's stdout through a pair of connected sockets, read into one reused buffer (`net`'s
 * `onread`): the sink gets a view of each read, valid during the call, with no buffer allocated
 * per read and no stream in between (or has a read go straight where it wants the bytes). Reading
 * `git cat-file --batch` through a stdio pipe cost Node ~18 µs a chunk (a 64 KiB buffer each, the
 * stream's queue, a promise) and gave it 64 KiB at a time; on expressjs/express's 213 MB of blobs
 * this took ~100 ms less of the main thread's CPU (docs/history.md, "git's output through a
 * socket").
 *
 * `loopback`: a TCP connection on 127.0.0.1. The kernel grows a TCP connection's buffers with its
 * traffic (to megabytes), where a local socket's stay at the system's default (~200 KiB): git
 * then runs ahead of a scan busy with a 1 MB version instead of waiting on a full socket, and the
 * scan finds its next blob written (2-8 % of a history scan's wall; docs/history.md, "fourteenth
 * session"). Any local user may connect to a listening port: only the
 * connection from our own end (its address and port) is taken, any other is closed unread, and
 * the listener closes as soon as ours is in. `socket`: a local socket in a new private folder
 * (mode 0700), so no other user can connect to it first, removed as soon as the pair is connected.
 * Where it cannot be set up, why (`the loopback connection: …`), and the caller tries the next
 * way; on Windows, whose named pipes are another matter, an empty reason (the pipe is the way
 * there, not a fallback).
 */
async function socketOutput(kind: 'loopback' | 'socket', sink: OutputSink): Promise<SocketOutput | string> {
  if (process.platform === 'win32') return '';
  let folder: string | undefined;
  let server: Server | undefined;
  let reader: Socket | undefined;
  try {
    let where: { path: string } | { host: string; port: number };
    const listening = createServer();
    server = listening;
    if (kind === 'socket') {
      folder = await mkdtemp(join(tmpdir(), 'nhi-git-'));
      where = { path: join(folder, 'out') };
    } else where = { host: LOOPBACK, port: 0 };
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      if ('path' in where) listening.listen(where.path, resolve);
      else listening.listen(0, LOOPBACK, resolve);
    });
    if (!('path' in where)) where = { host: LOOPBACK, port: (listening.address() as AddressInfo).port };
    // Connections in, kept until ours can be told apart (once our end knows its own port).
    const arrived: Socket[] = [];
    let take: ((socket: Socket) => void) | undefined;
    listening.on('connection', (socket) => (take ? take(socket) : arrived.push(socket)));
    let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    const ended = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const buffer = Buffer.allocUnsafe(OUTPUT_BUFFER);
    let failed = false;
    const socket = connect({
      ...where,
      onread: {
        buffer: () => sink.direct() ?? buffer,
        callback: (length: number, into: Uint8Array) => {
          if (failed) return false;
          try {
            if (into === buffer) sink.data(buffer.subarray(0, length));
            else sink.directed(into, length);
            return true;
          } catch (error) {
            failed = true;
            settle!.reject(error);
            socket.destroy();
            return false;
          }
        },
      },
    });
    reader = socket;
    await new Promise<void>((resolve, reject) => {
      // A loopback connection is made at once or not at all, unless a firewall drops it unanswered:
      // then it is given up on, and the caller tries the next way, instead of waiting minutes.
      const timer = setTimeout(() => reject(new Error(`not made within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    // The writer's death or a reset ends the output like its end does: the caller asks git's exit why.
    socket.on('error', () => settle!.resolve());
    socket.on('end', () => settle!.resolve());
    socket.on('close', () => settle!.resolve());
    const ours = (peer: Socket) => kind === 'socket' || (peer.remoteAddress === socket.localAddress && peer.remotePort === socket.localPort);
    const peer = await new Promise<Socket>((resolve, reject) => {
      // Ours arrives at once; if it never does (a connection made somewhere else), the next way is tried.
      const timer = setTimeout(() => reject(new Error(`our own connection not accepted within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      take = (candidate) => {
        if (!ours(candidate)) {
          candidate.destroy(); // someone else's connection: closed before a byte is written to it
          return;
        }
        clearTimeout(timer);
        resolve(candidate);
      };
      for (const candidate of arrived.splice(0)) take(candidate);
    });
    return { kind, peer, ended, close: () => socket.destroy() };
  } catch (error) {
    reader?.destroy();
    return `${kind === 'loopback' ? 'the loopback connection' : 'a local socket'}: ${(error as Error)?.message ?? String(error)}`;
  } finally {
    server?.close();
    if (folder) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
}

const LOOPBACK = '127.0.0.1';

/** How long `socketOutput` waits for its own connection to be made, and then accepted (a loopback one takes well under 1 ms). */
const CONNECT_TIMEOUT_MS = 2000;

const EMPTY = Buffer.alloc(0);

/** Consecutive deaths of `git cat-file --batch` with no object read in between, before giving up. */
const MAX_DEATHS_WITHOUT_PROGRESS = 8;

/** What git says as it dies on an object a partial clone has not fetched, with lazy fetching off. */
const PROMISOR_MISSING = /could not fetch ([0-9a-f]{40,64}) from promisor remote/;
