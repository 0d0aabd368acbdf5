/**
 * git-secrets (awslabs/git-secrets), a peer for the end-to-end and history benches that installs
 * from Debian's archive (package `git-secrets`), where gitleaks, trufflehog and detect-secrets are
 * not packaged (docs/performance.md, "End to end"). It is a bash script over `git grep` and
 * `git log -G` with the patterns its `--register-aws` adds: AWS access key ids, secret access keys
 * and account ids. So it answers "how fast is a grep for a few patterns" as a real tool runs it,
 * not what 833 detectors cost.
 *
 * Where it comes from, first found wins:
 * - bench/.corpus/git-secrets/usr/bin/git-secrets, a copy unpacked earlier;
 * - `apt-get download git-secrets` (no root needed) unpacked there with `dpkg-deb -x`;
 * - a `git-secrets` on PATH.
 * Else the bench says how to install it and goes on without it.
 *
 * Its configuration is the bench's own: a private global git config (GIT_CONFIG_GLOBAL, no system
 * config) holding what `--register-aws --global` writes, and HOME in the bench's folder, so the
 * AWS provider it registers never reads the user's ~/.aws/credentials. It prints every match whole
 * (secrets included) on stderr; the bench only counts them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { CORPUS_ROOT } from './corpus.js';
import { timed, type Run } from './e2e.js';

const DIR = join(CORPUS_ROOT, 'git-secrets');
const UNPACKED = join(DIR, 'usr', 'bin', 'git-secrets');
const VERSION_FILE = join(DIR, 'version');

export interface GitSecrets {
  script: string;
  /** Debian package version, e.g. 1.3.0-5. */
  version: string;
  env: NodeJS.ProcessEnv;
}

/** git-secrets ready to run, or why not. */
export function ensureGitSecrets(log: (line: string) => void = console.log): GitSecrets | { missing: string } {
  const found = locate(log);
  if ('missing' in found) return found;
  const home = join(DIR, 'home');
  mkdirSync(home, { recursive: true });
  const config = join(DIR, 'gitconfig');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    GIT_CONFIG_GLOBAL: config,
    GIT_CONFIG_NOSYSTEM: '1',
    // `--register-aws` registers `git secrets --aws-provider`, which git finds on PATH.
    PATH: `${dirname(found.script)}${delimiter}${process.env.PATH ?? ''}`,
  };
  // Registered once; a config left without its patterns (a registration that failed) is made again.
  if (!existsSync(config) || !readFileSync(config, 'utf8').includes('patterns')) {
    writeFileSync(config, '');
    const registered = spawnSync('bash', [found.script, '--register-aws', '--global'], { env, encoding: 'utf8' });
    if (registered.status !== 0) return { missing: `git-secrets --register-aws failed: ${registered.stderr.trim().slice(0, 300)}` };
  }
  return { ...found, env };
}

function locate(log: (line: string) => void): { script: string; version: string } | { missing: string } {
  if (existsSync(UNPACKED)) return { script: UNPACKED, version: existsSync(VERSION_FILE) ? readFileSync(VERSION_FILE, 'utf8').trim() : 'unknown' };
  if (spawnSync('apt-get', ['--version']).status === 0) {
    log(`downloading Debian's git-secrets into ${DIR} (apt-get download, unpacked with dpkg-deb) …`);
    mkdirSync(DIR, { recursive: true });
    const download = spawnSync('apt-get', ['download', 'git-secrets'], { cwd: DIR, encoding: 'utf8' });
    const deb = readdirSync(DIR).find((f) => /^git-secrets_.*\.deb$/.test(f));
    if (download.status === 0 && deb) {
      const file = join(DIR, deb);
      const unpacked = spawnSync('dpkg-deb', ['-x', file, DIR], { encoding: 'utf8' });
      const version = spawnSync('dpkg-deb', ['-f', file, 'Version'], { encoding: 'utf8' }).stdout.trim() || 'unknown';
      rmSync(file, { force: true });
      if (unpacked.status === 0 && existsSync(UNPACKED)) {
        writeFileSync(VERSION_FILE, version);
        return { script: UNPACKED, version };
      }
    }
    log(`  apt-get download git-secrets did not work (${(download.stderr || '').trim().split('\n').pop() ?? ''}); looking on PATH`);
  }
  const which = spawnSync('bash', ['-c', 'command -v git-secrets'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) {
    const version = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'git-secrets'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
    return { script: which.stdout.trim(), version };
  }
  return { missing: 'git-secrets is not installed (Debian/Ubuntu: apt-get install git-secrets)' };
}

/**
 * `git secrets --scan --no-index` in `dir` (every file under it, as `git grep --no-index` reads
 * them): the run, and each match it printed as a file (relative to `dir`) and line, its text left out.
 */
export function scanTreeWithGitSecrets(tool: GitSecrets, dir: string): { run: Run; matches: number; hits: { file: string; line: number }[] } {
  const run = timed('bash', [tool.script, '--scan', '--no-index'], tool.env, dir);
  if (run.status !== 0 && run.status !== 1) throw new Error(`git-secrets --scan exited ${run.status}: ${run.stderr.slice(0, 300)}`);
  const hits: { file: string; line: number }[] = [];
  for (const line of run.stderr.split('\n')) {
    const match = /^([^\s:[][^:]*):(\d+):/.exec(line);
    if (match) hits.push({ file: match[1], line: Number(match[2]) });
  }
  return { run, matches: hits.length, hits };
}

/**
 * `git secrets --scan-history` of the repository at `gitDir` (bare or not): it needs a work tree,
 * so an empty one is given. Its matches are `commit:path:line:text` lines. `stopped` is git's own
 * error when the scan ended early: in a repository that lacks objects (a partial snapshot), its
 * `git log` stops at the first one it cannot read, and the script still exits 0 after a fraction
 * of the history, so that run's time says nothing of a whole scan.
 */
export function scanHistoryWithGitSecrets(tool: GitSecrets, gitDir: string, emptyDir: string): { run: Run; matches: number; stopped?: string } {
  mkdirSync(emptyDir, { recursive: true });
  const run = timed('bash', [tool.script, '--scan-history'], { ...tool.env, GIT_DIR: gitDir, GIT_WORK_TREE: emptyDir }, emptyDir);
  if (run.status !== 0 && run.status !== 1) throw new Error(`git-secrets --scan-history exited ${run.status}: ${run.stderr.slice(0, 300)}`);
  const stopped = run.stderr.split('\n').find((line) => line.startsWith('fatal: '));
  return { run, matches: run.stderr.split('\n').filter((line) => /^[0-9a-f]{40}:[^:]+:\d+:/.test(line)).length, stopped };
}
