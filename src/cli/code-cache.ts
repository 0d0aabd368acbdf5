import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * A V8 code cache for the bundled CLI where Node has none of its own (Node 20 and 22.0:
 * `module.enableCompileCache` is Node 22.1+). bin/nhi-steward.js loads lib/bundle/nhi-steward.cjs
 * through `loadWithCodeCache`: the first run compiles it as `require` would and, at exit, saves
 * V8's code for every function that ran; later runs start from that code instead of parsing and
 * compiling the 0.9 MB bundle again (docs/performance.md, "Start-up").
 *
 * V8 checks a cache against the source's length, its own version and its flags, and rejects it on
 * any mismatch (the module is then compiled as usual, and the cache saved again). It does not check
 * the source's content, so a cache file is named after a hash of it: a rebuilt bundle never meets
 * a stale cache. The files of other builds age out (`KEPT_FILES`).
 */

export type CacheStatus = 'off' | 'missing' | 'used' | 'rejected';

export interface CodeCacheOptions {
  /** Folder of the cache files (see `codeCacheDir`); undefined: no cache, the module is only compiled. */
  dir: string | undefined;
  /**
   * What V8 sees of the process besides the source (the flags it was started with and the ones the
   * caller set), and what the run will compile (the command). One cache file per variant, so runs
   * with different flags do not reject each other's, and a cache made by a short command does not
   * serve a scan.
   */
  variant: string;
  /**
   * Runs just before the cache is made at exit. V8 stamps the cache with its flags as they are
   * then, so the caller puts back the flags it had set at load time if the run changed them (a
   * worker's start-up resets them on Node 20 and 22; see src/core/parallel/v8-setting.ts).
   */
  beforeSave?: () => void;
}

export interface LoadedModule {
  exports: unknown;
  status: CacheStatus;
  /** Writes V8's code of everything compiled so far to the cache (at exit, when `status` is not `used`). False when it could not. */
  save(): boolean;
}

const PREFIX = 'nhi-steward-code-cache';
const SUFFIX = '.v8cache';

/**
 * The calling user's cache folder under the system's temporary folder, made if absent. Undefined
 * (no cache) when `NHI_STEWARD_CODE_CACHE=off` or `NODE_DISABLE_COMPILE_CACHE` is set, when it cannot
 * be made, or when it is not safe to load code from: anything but a folder (a link someone put
 * there), or, where there are user ids, a folder another user owns or others may write to.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv, base = tmpdir(), uid: number | undefined = process.getuid?.()): string | undefined {
  if ((env.NHI_STEWARD_CODE_CACHE ?? '').trim().toLowerCase() === 'off' || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const dir = join(base, uid === undefined ? PREFIX : `${PREFIX}-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
  } catch {
    return undefined;
  }
  return dir;
}

/** Loads a CommonJS file as `require` would, through the code cache in `options.dir`. */
export function loadWithCodeCache(file: string, options: CodeCacheOptions): LoadedModule {
  const bytes = readFileSync(file);
  const source = bytes.toString('utf8');
  const name = basename(file);
  const sourceHash = hash(bytes, 16); // the bytes: hashing the string would encode it to UTF-8 again (~1 ms)
  const cacheFile = options.dir === undefined ? undefined : join(options.dir, `${name}.${sourceHash}.${hash(`${options.variant}\0${process.version}\0${process.arch}`, 8)}${SUFFIX}`);
  let cached: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cached = readFileSync(cacheFile);
    } catch {
      cached = undefined; // none yet (or unreadable): compiled as usual and saved at exit
    }
  }
  // Node's own CommonJS wrapper, on the source's first line so that line numbers stay the same.
  // No dynamic import(): on Node 20 functions restored from a cache lose the import hook a Script
  // may be given (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER worked on the first run and failed on
  // the next), so none is given and import() fails on every run alike. The CLI bundle has none: it
  // is built with dynamic imports turned into require() (scripts/build-cli.mjs).
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData: cached });
  const status: CacheStatus = cacheFile === undefined ? 'off' : cached === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'used';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    status,
    save: () => (cacheFile === undefined ? false : save(script, cacheFile, `${name}.`, options.beforeSave)),
  };
}

/**
 * At most this many cache files per module are kept (builds × variants), the most recently
 * written. Two installs of different versions used in turn (a global one and a project's own)
 * keep a file each instead of deleting each other's on every run.
 */
export const KEPT_FILES = 12;

function save(script: Script, cacheFile: string, namePrefix: string, beforeSave: (() => void) | undefined): boolean {
  const dir = dirname(cacheFile);
  const partial = `${cacheFile}.${process.pid}.tmp`;
  try {
    beforeSave?.();
    // Written whole under another name, then renamed: a run starting meanwhile reads the old cache or the new one, never half of one.
    writeFileSync(partial, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    renameSync(partial, cacheFile);
  } catch {
    rmSync(partial, { force: true });
    return false;
  }
  try {
    const files = readdirSync(dir)
      .filter((entry) => entry.startsWith(namePrefix) && entry.endsWith(SUFFIX))
      .map((entry) => ({ path: join(dir, entry), written: lstatSync(join(dir, entry)).mtimeMs }))
      .sort((a, b) => b.written - a.written);
    for (const old of files.slice(KEPT_FILES)) if (old.path !== cacheFile) rmSync(old.path, { force: true });
  } catch {
    // a folder we cannot list: the old files stay
  }
  return true;
}

function hash(data: string | Buffer, length: number): string {
  return createHash('sha256').update(data).digest('hex').slice(0, length);
}
