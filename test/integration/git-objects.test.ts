/**
 * The blob reader against a real `git cat-file --batch` that dies mid-stream (killed from outside,
 * as the OOM killer or an operator would): a new process picks up where it stopped, every blob
 * arrives once with the right bytes, and nothing hangs.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, Server, Socket, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobReader, listObjects, type BlobResult, type GitOutput } from '../../src/workspace/git-objects.js';
import { HistoryRepo } from '../support/history-repo.js';
import { refuseTcpListen } from '../support/refused-listen.js';

const sha = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/** Commits `files` in `repo`, and answers their blobs' ids, in the order given. */
function committed(repo: HistoryRepo, files: Record<string, string>): string[] {
  repo.commit('A', '2024-01-01T00:00:00Z', files);
  return Object.keys(files).map((f) => repo.git('rev-parse', `HEAD:${f}`));
}

/**
 * Reads `ids` (tagged by their index) through a reader with the default output, as a history scan
 * does: how it read git's output (asked while git ran) and each result, its bytes replaced by
 * their object id (they are valid only during the call).
 */
async function readByDefault(dir: string, ids: readonly string[]): Promise<{ readThrough: string | undefined; results: BlobResult<number>[]; fallback: BlobReader<number>['outputFallback'] }> {
  const results: BlobResult<number>[] = [];
  let readThrough: string | undefined;
  const reader: BlobReader<number> = new BlobReader<number>(dir, (blob) => {
    readThrough ??= reader.outputKind;
    results.push(blob.ok ? { ...blob, bytes: Buffer.from(sha(blob.bytes)) } : blob);
  });
  await reader.requestMany(ids.map((oid, i) => ({ oid, tag: i })));
  await reader.finish();
  return { readThrough, results, fallback: reader.outputFallback };
}

/**
 * Reads `ids` (tagged by their index) through a reader whose output comes the way asked for
 * (the default when none is), killing the live process (the real git) once `killAt` results have
 * arrived; each result with its bytes replaced by their object id (valid only during the call).
 */
async function readKilling(dir: string, ids: readonly string[], killAt: readonly number[], output?: GitOutput, oneByOne = false): Promise<{ reader: BlobReader<number>; results: BlobResult<number>[] }> {
  const results: BlobResult<number>[] = [];
  const kills = new Set(killAt);
  const reader: BlobReader<number> = new BlobReader<number>(
    dir,
    (blob) => {
      results.push(blob.ok ? { ...blob, bytes: Buffer.from(sha(blob.bytes)) } : blob);
      if (kills.delete(results.length)) (reader as unknown as { proc: { kill: (s: string) => void } }).proc.kill('SIGKILL');
    },
    Infinity,
    output,
  );
  if (oneByOne) for (const [i, oid] of ids.entries()) await reader.request(oid, i);
  else await reader.requestMany(ids.map((oid, i) => ({ oid, tag: i })));
  await reader.finish();
  return { reader, results };
}

/**
 * git's output read through a loopback TCP connection (the default on POSIX), a local socket (its
 * fallback) and its stdio pipe (the last one).
 */
const OUTPUTS = ['loopback', 'socket', 'pipe'] as const;

describe.each(OUTPUTS)('BlobReader when git cat-file dies mid-stream (output through a %s)', (output) => {
  const repo = new HistoryRepo();
  const blobs: string[] = [];
  beforeAll(async () => {
    const files: Record<string, string> = {};
    // 300 blobs of 20-60 KB: far more than one pipe buffer, so git is killed while it writes.
    for (let i = 0; i < 300; i++) files[`f${String(i).padStart(3, '0')}.txt`] = `${i}:`.padEnd(20_000 + (i % 5) * 10_000, String.fromCharCode(97 + (i % 26)));
    repo.commit('A', '2024-01-01T00:00:00Z', files);
    for await (const o of listObjects(repo.dir, ['--all'], () => undefined)) if (o.type === 'blob') blobs.push(o.oid);
    expect(blobs).toHaveLength(300);
  });
  afterAll(() => repo.cleanup());

  async function readAll(killAt: number[]): Promise<BlobResult<number>[]> {
    const { reader, results } = await readKilling(repo.dir, blobs, killAt, output, true);
    expect(reader.outputKind).toBe(output);
    expect(reader.outputFallback).toBeUndefined(); // each new process's output came the way asked, the pipe too when asked for
    return results;
  }

  it('a killed process is replaced: every blob arrives once, in order, with its exact bytes', async () => {
    const results = await readAll([10, 120, 121, 250]);
    expect(results.map((r) => r.tag)).toEqual(blobs.map((_, i) => i));
    for (const r of results) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.bytes.toString()).toBe(blobs[r.tag]);
    }
  });

  it('a process that keeps dying without reading anything is a clear error, not a loop', async () => {
    const results: BlobResult<number>[] = [];
    // Every new git process is killed as soon as it starts (the real git, killed by a signal).
    const proto = BlobReader.prototype as unknown as { spawn: (this: { proc: { kill: (s: string) => void } }) => Promise<void> };
    const spawn = proto.spawn;
    proto.spawn = async function () {
      await spawn.call(this);
      this.proc.kill('SIGKILL');
    };
    try {
      const reader: BlobReader<number> = new BlobReader<number>(repo.dir, (blob) => results.push(blob), Infinity, output);
      const run = (async () => {
        for (const [i, oid] of blobs.entries()) await reader.request(oid, i);
        await reader.finish();
      })();
      await expect(run).rejects.toThrow(/git cat-file --batch failed \d+ times in a row without reading an object/);
    } finally {
      proto.spawn = spawn;
    }
  });
});

describe.each(OUTPUTS)('BlobReader, long objects (output through a %s)', (output) => {
  it("reads the rest of a long object straight into the object's buffer (through a socket), every byte exact", async () => {
    const repo = new HistoryRepo();
    const proto = BlobReader.prototype as unknown as { directed: (this: { handedOut?: Buffer }, into: Uint8Array, length: number) => void };
    const directed = proto.directed;
    let straight = 0;
    proto.directed = function (into, length) {
      if (into === this.handedOut) straight += length; // where the object's bytes go, not a stale view
      return directed.call(this, into, length);
    };
    try {
      // Sizes around the least rest read straight (64 KiB) and far over it, bytes that differ
      // along each blob (so a read put at the wrong offset shows), and the LF after each.
      const sizes = [70_000, 3_000_000, 65_536, 1, 5_000_000, 200_000, 65_537];
      const files: Record<string, string> = {};
      sizes.forEach((size, i) => {
        let text = '';
        for (let n = 0; text.length < size; n++) text += `${i}.${n};`;
        files[`f${i}.txt`] = text.slice(0, size);
      });
      repo.commit('A', '2024-01-01T00:00:00Z', files);
      const ids = sizes.map((_, i) => repo.git('rev-parse', `HEAD:f${i}.txt`));
      const results: BlobResult<number>[] = [];
      const reader = new BlobReader<number>(repo.dir, (blob) => results.push(blob.ok ? { ...blob, bytes: Buffer.from(sha(blob.bytes)) } : blob), Infinity, output);
      await reader.requestMany(ids.map((oid, i) => ({ oid, tag: i })));
      await reader.finish();
      expect(reader.outputKind).toBe(output);
      expect(results.map((r) => r.ok && r.bytes.toString())).toEqual(ids);
      // Through a socket most of the 8 MB came straight; the pipe has no such reads.
      if (output === 'pipe') expect(straight).toBe(0);
      else expect(straight).toBeGreaterThan(4_000_000);
    } finally {
      proto.directed = directed;
      repo.cleanup();
    }
  });
});

describe.each(OUTPUTS)('BlobReader, long objects and a git that dies (output through a %s)', (output) => {
  it('a git killed while a long object is read straight into its buffer is replaced: the new one\'s bytes are read wherever Node put them, every blob exact', async () => {
    const repo = new HistoryRepo();
    try {
      // Objects far over the least rest read straight (64 KiB): a kill lands in the middle of one.
      const files: Record<string, string> = {};
      for (let i = 0; i < 16; i++) {
        let text = '';
        for (let n = 0; text.length < 300_000 + i * 1_000; n++) text += `${i}.${n};`;
        files[`f${i}.txt`] = text;
      }
      const ids = committed(repo, files);
      const { reader, results } = await readKilling(repo.dir, ids, [2, 7, 8, 13], output);
      expect(reader.outputKind).toBe(output);
      expect(results.map((r) => r.ok && r.bytes.toString())).toEqual(ids);
    } finally {
      repo.cleanup();
    }
  });
});

describe.each(OUTPUTS)('BlobReader, output through a %s', (output) => {
  // Through a local socket: its private folder was made in TMPDIR (the reader said it read a
  // socket) and is gone. Through the loopback connection or the pipe: no folder was made at all.
  const folder = output === 'socket' ? 'removes the socket folder it made' : 'makes no socket folder';
  it(`rejects with what its consumer threw (no crash, git stopped), and ${folder}`, async () => {
    const repo = new HistoryRepo();
    const temp = mkdtempSync(join(tmpdir(), 'nhi-reader-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp; // where the socket's private folder is made
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 40; i++) files[`f${i}.txt`] = `${i}:`.padEnd(30_000, 'x');
      repo.commit('A', '2024-01-01T00:00:00Z', files);
      const ids = Object.keys(files).map((f) => repo.git('rev-parse', `HEAD:${f}`));
      let seen = 0;
      let readThrough: string | undefined;
      const reader: BlobReader<number> = new BlobReader<number>(repo.dir, () => {
        readThrough ??= reader.outputKind; // while git runs (the socket, if any, was made in TMPDIR)
        if (++seen === 3) throw new Error('consumer failed on the third blob');
      }, Infinity, output);
      const run = (async () => {
        await reader.requestMany(ids.map((oid, i) => ({ oid, tag: i })));
        await reader.finish();
      })();
      await expect(run).rejects.toThrow('consumer failed on the third blob');
      expect(seen).toBe(3);
      expect(readThrough).toBe(output);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(temp, { recursive: true, force: true });
      repo.cleanup();
    }
  });
});

describe.each(OUTPUTS)('BlobReader in a partial clone (output through a %s)', (output) => {
  it('each blob the clone has not fetched is named at once (git dies on it: no retry, no error), and the blobs it holds arrive exactly', async () => {
    const repo = new HistoryRepo();
    let clone: string | undefined;
    try {
      // Twelve versions of old.txt (only in history), then HEAD's two files.
      for (let i = 0; i < 12; i++) repo.commit('A', `2024-01-${String(1 + i).padStart(2, '0')}T00:00:00Z`, { 'old.txt': `version ${i}\n` });
      repo.commit('B', '2024-02-01T00:00:00Z', { 'old.txt': null, 'x.txt': 'kept x\n', 'y.txt': 'kept y\n' });
      const old = repo.git('log', '--format=', '--raw', '--no-abbrev', '--', 'old.txt').split('\n').map((l) => l.split(' ')[3]).filter((oid) => oid && !/^0+$/.test(oid));
      const kept = ['x.txt', 'y.txt'].map((f) => repo.git('rev-parse', `HEAD:${f}`));
      expect(old).toHaveLength(12);
      clone = repo.partialClone({ checkout: true });
      // Kept blobs between and after runs of blobs the clone lacks: more deaths in a row than a
      // reader allows a git that reads nothing (8), were they counted as failures.
      const order = [...old.slice(0, 6), kept[0], ...old.slice(6), kept[1]];
      const results: BlobResult<string>[] = [];
      const reader = new BlobReader<string>(clone, (blob) => results.push(blob.ok ? { ...blob, bytes: Buffer.from(blob.bytes) } : blob), Infinity, output);
      await reader.requestMany(order.map((oid) => ({ oid, tag: oid })));
      await reader.finish();
      expect(results.map((r) => r.tag)).toEqual(order);
      for (const r of results) {
        if (kept.includes(r.tag)) expect(r.ok && sha(r.bytes)).toBe(r.tag);
        else expect(r).toEqual({ ok: false, tag: r.tag, reason: `object ${r.tag.slice(0, 12)} is not in this partial clone (git fetches it on demand; a scan does not)` });
      }
      // Nothing was fetched into the clone.
      expect(readdirSync(join(clone, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.pack'))).toHaveLength(2);
    } finally {
      repo.cleanup();
      if (clone) rmSync(join(clone, '..'), { recursive: true, force: true });
    }
  });
});

describe.each(OUTPUTS)('BlobReader with a size limit (output through a %s)', (output) => {
  it('passes over blobs larger than maxBytes as they stream by, answers them with their size, and reads the rest exactly', async () => {
    const repo = new HistoryRepo();
    try {
      const files: Record<string, string> = {};
      // Around the limit, and far over it (many pipe reads passed over), between ordinary blobs.
      const sizes = [10, 4096, 4097, 3_000_000, 5, 4095, 700_000, 12];
      sizes.forEach((size, i) => (files[`f${i}.txt`] = `${i}:`.padEnd(size, String.fromCharCode(97 + i))));
      repo.commit('A', '2024-01-01T00:00:00Z', files);
      const ids = sizes.map((_, i) => repo.git('rev-parse', `HEAD:f${i}.txt`));
      const results: BlobResult<number>[] = [];
      // Where the passed-over blobs' bytes go as they stream by (`onLarge`): all but f6's.
      const streamed = new Map<number, Buffer[]>();
      const asked: [number, number][] = [];
      const onLarge = (tag: number, size: number) => {
        asked.push([tag, size]);
        if (tag === 6) return undefined;
        const parts: Buffer[] = [];
        streamed.set(tag, parts);
        return (bytes: Uint8Array) => parts.push(Buffer.from(bytes));
      };
      const reader = new BlobReader<number>(repo.dir, (blob) => results.push(blob.ok ? { ...blob, bytes: Buffer.from(blob.bytes) } : blob), 4096, output, onLarge);
      await reader.requestMany(ids.map((oid, i) => ({ oid, tag: i })));
      await reader.finish();
      expect(reader.outputKind).toBe(output);
      expect(results.map((r) => r.tag)).toEqual(sizes.map((_, i) => i));
      for (const r of results) {
        if (sizes[r.tag] > 4096) expect(r).toEqual({ ok: false, tag: r.tag, size: sizes[r.tag], reason: `blob ${ids[r.tag].slice(0, 12)}: ${sizes[r.tag]} bytes exceeds the limit of 4096` });
        else expect(r.ok && sha(r.bytes)).toBe(ids[r.tag]);
      }
      expect(asked).toEqual([[2, 4097], [3, 3_000_000], [6, 700_000]]);
      expect([...streamed.keys()]).toEqual([2, 3]);
      for (const [tag, parts] of streamed) expect(sha(Buffer.concat(parts))).toBe(ids[tag]);
    } finally {
      repo.cleanup();
    }
  });

  it('a blob over maxBytes that git dies half-way through is streamed again from its first byte, to a sink asked for anew', async () => {
    const repo = new HistoryRepo();
    try {
      // Through a loopback connection the kernel holds up to ~36 MB in flight (its TCP buffers grow
      // with the traffic): a blob git could have written whole before the kill would not show it.
      const size = output === 'loopback' ? 48_000_000 : 3_000_000;
      repo.commit('A', '2024-01-01T00:00:00Z', { 'a.txt': 'small\n', 'big.txt': 'b'.repeat(size), 'z.txt': 'last\n' });
      const ids = ['a.txt', 'big.txt', 'z.txt'].map((p) => repo.git('rev-parse', `HEAD:${p}`));
      const sinks: Buffer[][] = [];
      let killed = false;
      const reader: BlobReader<number> = new BlobReader<number>(
        repo.dir,
        () => undefined,
        4096,
        output,
        () => {
          const parts: Buffer[] = [];
          sinks.push(parts);
          return (bytes) => {
            parts.push(Buffer.from(bytes));
            if (!killed) {
              killed = true; // the real git, killed while it writes the blob
              (reader as unknown as { proc: { kill: (s: string) => void } }).proc.kill('SIGKILL');
            }
          };
        },
      );
      await reader.requestMany(ids.map((oid, i) => ({ oid, tag: i })));
      await reader.finish();
      expect(sinks).toHaveLength(2);
      expect(Buffer.concat(sinks[0]).length).toBeLessThan(size);
      expect(sha(Buffer.concat(sinks[1]))).toBe(ids[1]);
    } finally {
      repo.cleanup();
    }
  });
});

describe('BlobReader through a loopback connection, with another local process connecting first', () => {
  it('takes only its own connection: the other one is closed without a byte, and every blob arrives exactly', async () => {
    const repo = new HistoryRepo();
    // A stranger connects to each listening port the moment it listens, before the reader's own
    // end can (as another local user could): the reader must tell its connection apart.
    const emit = Server.prototype.emit;
    const strangers: { socket: Socket; received: number; closed: Promise<void> }[] = [];
    Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
      const address = this.address();
      if (event === 'listening' && address && typeof address === 'object') {
        const socket = connect({ host: (address as AddressInfo).address, port: (address as AddressInfo).port });
        const stranger = { socket, received: 0, closed: new Promise<void>((resolve) => socket.on('close', () => resolve())) };
        socket.on('data', (chunk: Buffer) => (stranger.received += chunk.length));
        socket.on('error', () => undefined);
        strangers.push(stranger);
      }
      return (emit as (this: Server, ...all: unknown[]) => boolean).call(this, event, ...args);
    } as typeof emit;
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 30; i++) files[`f${i}.txt`] = `${i}:`.padEnd(50_000, String.fromCharCode(97 + i));
      const ids = committed(repo, files);
      const { readThrough, results, fallback } = await readByDefault(repo.dir, ids);
      expect(readThrough).toBe('loopback');
      expect(fallback).toBeUndefined(); // a stranger turned away is no reason to fall back
      expect(results.map((r) => r.ok && r.bytes.toString())).toEqual(ids);
      expect(strangers).toHaveLength(1);
      await strangers[0].closed; // closed by the reader, not left waiting
      expect(strangers[0].received).toBe(0);
    } finally {
      Server.prototype.emit = emit;
      repo.cleanup();
    }
  });
});

describe('BlobReader where no loopback connection can be made', () => {
  it('reads git through a local socket instead, every blob exact', async () => {
    const repo = new HistoryRepo();
    // Listening on a TCP port fails (a host with no loopback interface, or a sandbox that forbids
    // it): the reader falls back to a Unix-domain pair, not to the slower pipe.
    const listen = refuseTcpListen('listen EACCES');
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 12; i++) files[`f${i}.txt`] = `${i}:`.padEnd(100_000 * (i % 3) + 10, String.fromCharCode(97 + i));
      const ids = committed(repo, files);
      const { readThrough, results, fallback } = await readByDefault(repo.dir, ids);
      expect(listen.refused()).toBe(1);
      expect(readThrough).toBe('socket');
      expect(fallback).toEqual({ way: 'socket', reason: 'the loopback connection: listen EACCES' });
      expect(results.map((r) => r.ok && r.bytes.toString())).toEqual(ids);
      // A git started again after the last one died goes the way that worked: no second try of
      // the loopback connection (behind a firewall that drops it, each try would wait 2 s).
      listen.reset();
      const { reader, results: again } = await readKilling(repo.dir, ids, [3]);
      expect(listen.refused()).toBe(1);
      expect(reader.outputKind).toBe('socket');
      expect(again.map((r) => r.ok && r.bytes.toString())).toEqual(ids);
    } finally {
      listen.restore();
      repo.cleanup();
    }
  });
});

describe('BlobReader where the loopback connection is never answered', () => {
  it('gives it up within seconds and reads git through a local socket, every blob exact', async () => {
    const repo = new HistoryRepo();
    // A firewall that drops loopback traffic unanswered: a TCP connect never completes (and would
    // time out only after minutes). Simulated by a connect that is never made.
    const socketConnect = Socket.prototype.connect;
    let dropped = 0;
    Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
      // `net.connect` hands on its arguments normalized, as an array.
      const options: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
      if (typeof options === 'object' && options !== null && 'port' in options) {
        dropped++;
        return this;
      }
      return (socketConnect as (...all: unknown[]) => Socket).apply(this, args);
    } as typeof socketConnect;
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 6; i++) files[`f${i}.txt`] = `${i}:`.padEnd(150_000 * (i % 2) + 10, String.fromCharCode(97 + i));
      const ids = committed(repo, files);
      const started = performance.now();
      const { readThrough, results, fallback } = await readByDefault(repo.dir, ids);
      expect(dropped).toBe(1);
      expect(readThrough).toBe('socket');
      expect(fallback).toEqual({ way: 'socket', reason: 'the loopback connection: not made within 2 s' });
      expect(results.map((r) => r.ok && r.bytes.toString())).toEqual(ids);
      expect(performance.now() - started).toBeLessThan(15_000); // given up on, not waited out
    } finally {
      Socket.prototype.connect = socketConnect;
      repo.cleanup();
    }
  }, 30_000);
});

describe('BlobReader whose own loopback connection is never accepted', () => {
  it('gives it up within seconds and reads git through a local socket, every blob exact', async () => {
    const repo = new HistoryRepo();
    // The connect completes but the listener never sees it (a connection redirected elsewhere):
    // simulated by a TCP listener that hears of no connection.
    const emit = Server.prototype.emit;
    let unheard = 0;
    Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
      const address = this.address();
      if (event === 'connection' && address !== null && typeof address === 'object') {
        unheard++;
        (args[0] as Socket).destroy();
        return true;
      }
      return (emit as (this: Server, ...all: unknown[]) => boolean).call(this, event, ...args);
    } as typeof emit;
    try {
      const ids = committed(repo, { 'a.txt': 'a'.repeat(200_000), 'b.txt': 'b\n' });
      const started = performance.now();
      const { readThrough, results, fallback } = await readByDefault(repo.dir, ids);
      expect(unheard).toBe(1);
      expect(readThrough).toBe('socket');
      expect(fallback).toEqual({ way: 'socket', reason: 'the loopback connection: our own connection not accepted within 2 s' });
      expect(results.map((r) => r.ok && r.bytes.toString())).toEqual(ids);
      expect(performance.now() - started).toBeLessThan(15_000);
    } finally {
      Server.prototype.emit = emit;
      repo.cleanup();
    }
  }, 30_000);
});
