/**
 * Real git repositories with a history, for history-mode tests: each commit has its own author
 * and date, so "the commit that introduced it" is checkable.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const gitEnvFor = (cwd: string, author = 'Test', date = '2025-01-01T00:00:00Z'): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: cwd,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: author,
  GIT_AUTHOR_EMAIL: `${author.toLowerCase().replace(/\W+/g, '.')}@example.test`,
  GIT_COMMITTER_NAME: author,
  GIT_COMMITTER_EMAIL: `${author.toLowerCase().replace(/\W+/g, '.')}@example.test`,
  GIT_AUTHOR_DATE: date,
  GIT_COMMITTER_DATE: date,
});

export function runGit(cwd: string, args: string[], env: NodeJS.ProcessEnv = gitEnvFor(cwd)): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export class HistoryRepo {
  readonly dir: string;
  /** `sha256`: a repository whose object ids are SHA-256 (64 hex digits; git 2.29+). */
  constructor(prefix = 'nhi-history-', objectFormat: 'sha1' | 'sha256' = 'sha1') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    runGit(this.dir, ['init', '-q', '-b', 'main', `--object-format=${objectFormat}`]);
  }
  git(...args: string[]): string {
    return runGit(this.dir, args);
  }
  /** Writes (or with `null` deletes) files and commits them all as `author` at `date`; returns the sha. */
  commit(author: string, date: string, files: Record<string, string | Buffer | null>, message = `${author} at ${date}`): string {
    for (const [path, content] of Object.entries(files)) {
      const abs = join(this.dir, path);
      if (content === null) rmSync(abs, { force: true });
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
    }
    const env = gitEnvFor(this.dir, author, date);
    runGit(this.dir, ['add', '-A'], env);
    runGit(this.dir, ['commit', '-q', '--allow-empty', '-m', message], env);
    return runGit(this.dir, ['rev-parse', 'HEAD']);
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * A blobless partial clone of this repository (`git clone --filter=blob:none` over file://,
   * as `actions/checkout` with `filter: blob:none` makes): commits and trees, and only the blobs
   * `checkout` fetched (those of HEAD's tree; none with `checkout: false`). The caller removes
   * the returned folder's parent.
   */
  partialClone(options: { checkout: boolean }): string {
    runGit(this.dir, ['config', 'uploadpack.allowFilter', 'true']);
    const parent = mkdtempSync(join(tmpdir(), 'nhi-partial-'));
    const dir = join(parent, 'clone');
    runGit(parent, ['clone', '-q', '--filter=blob:none', ...(options.checkout ? [] : ['--no-checkout']), `file://${this.dir}`, dir]);
    return dir;
  }
}
