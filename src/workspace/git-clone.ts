import { spawn } from 'node:child_process';
import { mkdtemp, readdir, lstat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitEnv, gitOutput, MISSING_GIT } from './git-objects.js';
import { UsageError } from './errors.js';

/**
 * A bare repository fetched over git's smart HTTP protocol into a temporary folder, for history
 * and per-commit scans in the App (docs/history.md). The token travels in an HTTP header set
 * through git's environment config (never in the URL, the command line or a file), disk use is
 * polled and capped, and the folder is removed afterwards whatever happens.
 */
export interface CloneOptions {
  /** `https://github.com/owner/repo.git` (or a GHES / mirror URL). */
  url: string;
  /** Installation token, sent as `Authorization: Basic x-access-token:<token>`. */
  token?: string;
  /** What to fetch: refspecs (`+refs/heads/main:refs/heads/main`) or commit ids. */
  refspecs: string[];
  /** Shallow fetch depth (absent: full history of what is fetched). */
  depth?: number;
  /** Disk cap for the clone; default 2 GiB. */
  maxBytes?: number;
  /** Wall-clock cap for the fetch; default 10 minutes. */
  timeoutMs?: number;
  /** Parent of the temporary folder; default the OS temp folder. */
  tempRoot?: string;
  /**
   * Without a token, let the user's own git configuration answer for credentials (credential
   * helpers, an SSH agent; never a prompt): the CLI. The App never does.
   */
  userCredentials?: boolean;
  /** Point the clone's HEAD at the remote's default branch (one more request): the CLI, for "still present at HEAD". */
  remoteHead?: boolean;
}

export const DEFAULT_CLONE_MAX_BYTES = 2 * 1024 * 1024 * 1024;
const DEFAULT_CLONE_TIMEOUT_MS = 10 * 60 * 1000;
const POLL_MS = 250;

/**
 * The clone's environment: the auth header as env config, no prompts, no credential helpers; or,
 * with `userCredentials` and no token, the user's own git configuration with prompts off (SSH in
 * batch mode unless they chose their own SSH command).
 */
export function cloneEnv(token: string | undefined, userCredentials = false): NodeJS.ProcessEnv {
  if (userCredentials && !token) return gitEnv(process.env.GIT_SSH_COMMAND || process.env.GIT_SSH ? {} : { GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' });
  const config: [string, string][] = [['credential.helper', '']];
  if (token) config.push(['http.extraHeader', `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`]);
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(config.length), GIT_ASKPASS: 'echo', GIT_CONFIG_NOSYSTEM: '1' };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return gitEnv(env);
}

/** Runs `fn` on a fresh bare clone; the folder is removed when `fn` settles. */
export async function withClone<T>(options: CloneOptions, fn: (dir: string, env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'nhi-steward-clone-'));
  const env = cloneEnv(options.token, options.userCredentials);
  try {
    await run(root, ['init', '--quiet', '--bare', root], env, options);
    await run(root, ['remote', 'add', 'origin', options.url], env, options);
    await fetchInto(root, options.refspecs, options.depth, env, options);
    if (options.remoteHead) await headFromRemote(root, env);
    return await fn(root, env);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Sets HEAD to the branch the remote's HEAD names (`ls-remote --symref`); left as it is when it names none. */
async function headFromRemote(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const answer = await gitOutput(dir, ['ls-remote', '--symref', 'origin', 'HEAD'], env).catch(() => '');
  const branch = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(answer)?.[1];
  if (branch) await gitOutput(dir, ['symbolic-ref', 'HEAD', branch], env);
}

/** `git fetch` into an existing clone (used again to deepen it), under the same caps. */
export async function fetchInto(dir: string, refspecs: string[], depth: number | undefined, env: NodeJS.ProcessEnv, options: Pick<CloneOptions, 'maxBytes' | 'timeoutMs'> = {}): Promise<void> {
  const args = ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...(depth ? [`--depth=${depth}`] : []), 'origin', ...refspecs];
  await run(dir, args, env, options, dir);
}

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv, options: Pick<CloneOptions, 'maxBytes' | 'timeoutMs'>, watchDir?: string): Promise<void> {
  const maxBytes = options.maxBytes ?? DEFAULT_CLONE_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLONE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let stopped: string | undefined;
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString('utf8');
    });
    const stop = (why: string) => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`git ${args[0]} took longer than ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    let polling = false;
    const poll = watchDir
      ? setInterval(() => {
          if (polling) return;
          polling = true;
          void folderBytes(watchDir, maxBytes).then((bytes) => {
            polling = false;
            if (bytes > maxBytes) stop(`the clone passed its disk cap of ${maxBytes} bytes`);
          });
        }, POLL_MS)
      : undefined;
    let missingGit = false;
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') missingGit = true;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      if (missingGit) reject(new UsageError(MISSING_GIT));
      else if (stopped) reject(new Error(stopped));
      else if (code !== 0) reject(new Error(`git ${args[0]} failed: ${scrub(stderr)}`));
      else if (!watchDir) resolve();
      else {
        // A fetch quicker than one poll (a fast link, a small cap) is measured once it is done:
        // the cap holds however fast git was.
        void folderBytes(watchDir, maxBytes).then((bytes) => {
          if (bytes > maxBytes) reject(new Error(`the clone passed its disk cap of ${maxBytes} bytes`));
          else resolve();
        });
      }
    });
  });
}

/** git's first error line, without anything that looks like credentials in a URL. */
function scrub(stderr: string): string {
  const line = stderr.split('\n').find((l) => /fatal|error/i.test(l)) ?? stderr.split('\n')[0] ?? '';
  return line.replace(/\/\/[^/@\s]*@/g, '//').trim().slice(0, 300);
}

/** Bytes under `dir`, stopping early once past `limit`. */
async function folderBytes(dir: string, limit: number): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0 && total <= limit) {
    const current = stack.pop()!;
    const names = await readdir(current).catch(() => [] as string[]);
    for (const name of names) {
      const info = await lstat(join(current, name)).catch(() => undefined);
      if (!info) continue;
      if (info.isDirectory()) stack.push(join(current, name));
      else total += info.size;
    }
  }
  return total;
}
