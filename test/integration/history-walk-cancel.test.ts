/**
 * The history scan's `git log` walk lists the blobs as the scan goes (docs/history.md, "How the
 * history scan works"). When the scan fails half-way, nobody will read the rest of that output:
 * the walk's git must be ended, not left blocked on a full pipe for the life of the process (the
 * App scans many repositories in one process).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { defaultSettings } from '../../src/core/types.js';
import { scanHistory } from '../../src/workspace/history.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';

/**
 * A repository of `commits` commits, each changing one file; the last (the walk's first) adds a
 * token. Removed when the test that made it ends.
 */
function manyCommits(commits: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-walk-cancel-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('git', ['init', '-q', dir]);
  const stream: string[] = [];
  for (let i = 0; i < commits; i++) {
    const last = i === commits - 1;
    const body = last ? `const token = '${fakeGithubToken(301)}';\n` : `value ${i}\n`;
    const path = last ? 'config.ts' : `notes/n${i % 50}.txt`;
    const message = `commit ${i}`;
    stream.push(
      'commit refs/heads/main',
      `committer Test <test@example.test> ${1_700_000_000 + i * 60} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message,
      `M 100644 inline ${path}`,
      `data ${Buffer.byteLength(body)}`,
      body,
    );
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: `${stream.join('\n')}\n` });
  execFileSync('git', ['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: dir });
  return dir;
}

/** Live `git <command>` processes this process started in `dir` (zombies aside), with their arguments. */
function gitsIn(dir: string, command = 'log'): string[] {
  const found: string[] = [];
  const real = realpathSync(dir);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state, ppid, …
      if (fields[0] === 'Z' || Number(fields[1]) !== process.pid) continue;
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (args[0]?.endsWith('git') && args.includes(command) && readlinkSync(`/proc/${name}/cwd`) === real) found.push(args.join(' '));
    } catch {
      // the process ended while it was being read
    }
  }
  return found;
}

/** `gitsIn` once they have ended, or after 3 s: a process killed a moment ago may still be listed. */
async function gitsLeftIn(dir: string, command = 'log'): Promise<string[]> {
  let left = gitsIn(dir, command);
  for (let waited = 0; left.length > 0 && waited < 3000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = gitsIn(dir, command);
  }
  return left;
}

describe.runIf(process.platform === 'linux')('the attribution walk when the scan fails', () => {
  it("ends the walk's git, which would otherwise wait on its full pipe for ever", async () => {
    // ~2,000 commits of `git log --raw` output is ~400 KB, far more than the pipe (64 KiB): the
    // scan fails on the newest commit's token, while the walk's git still has most of it to write.
    const dir = manyCommits(2000);
    const failure = new Error('the secret sink failed');
    const scan = scanHistory(dir, {
      settings: defaultSettings(),
      parallel: { workers: 0 },
      revealSecrets: () => {
        throw failure;
      },
    });
    await expect(scan).rejects.toBe(failure);
    expect(await gitsLeftIn(dir)).toEqual([]);
  });

  it('a walk started before git has answered and then not wanted (the stash has older entries to walk too) is ended', async () => {
    // The walk of `--all` starts with the scan, before git says whether the stash has entries
    // (docs/history.md, "eighteenth session"); here it has, so that walk is dropped for one that
    // walks them too. Its output (~400 KB) would fill its pipe: its git must not be left waiting.
    const dir = manyCommits(2000);
    const env = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.test' };
    execFileSync('git', ['reset', '-q', '--hard'], { cwd: dir });
    // The older entry (stash@{1}), which only the stash's reflog names, sets a second token aside.
    for (const line of [`const other = '${fakeGithubToken(302)}';`, '// a note']) {
      execFileSync('sh', ['-c', `echo "${line}" >> config.ts`], { cwd: dir });
      execFileSync('git', ['stash', 'push', '-q'], { cwd: dir, env });
    }
    const { result, history } = await scanHistory(dir, { settings: defaultSettings(), parallel: { workers: 0 } });
    expect(history.commits).toBeGreaterThan(2000);
    expect(result.findings.map((f) => [f.file, f.message.includes('in stash@{1}')])).toEqual([
      ['config.ts', false],
      ['config.ts', true],
    ]);
    expect(await gitsLeftIn(dir)).toEqual([]);
  });

  it("a scan that fails on git's first answers (an unknown --branch) ends the blob reader's git, started before them", async () => {
    const dir = manyCommits(10);
    await expect(scanHistory(dir, { settings: defaultSettings(), parallel: { workers: 0 }, branch: 'no-such-branch' })).rejects.toThrow('--branch: unknown git ref "no-such-branch"');
    expect(await gitsLeftIn(dir, 'cat-file')).toEqual([]);
  });

  it("a scan that fails after git's first answers, while it sets itself up, ends the blob reader's git and the walk's", async () => {
    // Both start before git has answered (docs/history.md, "eighteenth session"); the walk of
    // 2,000 commits has more to write than its pipe holds. Here the settings fail when the path
    // rules are first read, once git has answered: any failure there (a `spawn` that throws, say)
    // is the same case.
    const dir = manyCommits(2000);
    const failure = new Error('the path rules could not be read');
    const settings = defaultSettings();
    Object.defineProperty(settings, 'pathsIgnore', {
      get: () => {
        throw failure;
      },
    });
    await expect(scanHistory(dir, { settings, parallel: { workers: 0 } })).rejects.toBe(failure);
    expect(await gitsLeftIn(dir, 'cat-file')).toEqual([]);
    expect(await gitsLeftIn(dir)).toEqual([]);
  });

  it('the same history scans whole when nothing fails', async () => {
    const dir = manyCommits(2000);
    const { result, history } = await scanHistory(dir, { settings: defaultSettings(), parallel: { workers: 0 } });
    expect(history.commits).toBe(2000);
    expect(result.findings.map((f) => [f.file, f.commit?.sha !== undefined, f.presentAtHead])).toEqual([['config.ts', true, true]]);
    expect(gitsIn(dir)).toEqual([]);
  });
});
