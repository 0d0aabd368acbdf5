import { execFile, execFileSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MAIN = resolve('src/cli/main.ts');
/** An absolute loader URL, so a child started in another folder still finds tsx. */
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source as a child process (no build needed), as users run the bin. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 0 }, (error, stdout, stderr) => {
      // A child killed by the timeout has no exit code: report 124, as timeout(1) does.
      const code = error ? (typeof error.code === 'number' ? error.code : error.killed ? 124 : 99) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fake but well-formed GitHub classic token (valid CRC32), made at run time so no literal is stored. */
export function fakeGithubToken(seed: number): string {
  let body = '';
  let x = seed * 7919 + 17;
  for (let i = 0; i < 30; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    body += BASE62[x % 62];
  }
  let sum = crc32(body);
  let check = '';
  while (sum > 0) {
    check = BASE62[sum % 62] + check;
    sum = Math.floor(sum / 62);
  }
  return `ghp_${body}${check.padStart(6, '0')}`;
}

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}

export function initRepo(cwd: string): void {
  git(cwd, 'init', '-q', '-b', 'main');
  git(cwd, 'config', 'user.name', 'Test Bot');
  git(cwd, 'config', 'user.email', 'bot@example.test');
  git(cwd, 'config', 'commit.gpgsign', 'false');
}
