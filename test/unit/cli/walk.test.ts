import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkTree } from '../../../src/workspace/walk.js';
import type { SourceItem } from '../../../src/core/scan.js';

const isRoot = process.getuid?.() === 0;

/** The walk of `dir` as uid/gid 65534 (nobody), through tsx in a child process. */
function walkAsNobody(dir: string): { path: string; reason?: string; detail?: string }[] {
  chmodSync(dir, 0o755);
  const script = `const { walkTree } = await import(${JSON.stringify(join(import.meta.dirname, '../../../src/workspace/walk.ts'))});
const items = [];
for await (const item of walkTree(${JSON.stringify(dir)}, { settings: { maxFileSize: 1000, pathsIgnore: [] } })) items.push({ path: item.path, reason: item.reason, detail: item.detail });
process.stdout.write(JSON.stringify(items));`;
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '../../..'), encoding: 'utf8' });
  return JSON.parse(out);
}

async function collect(root: string, options: Partial<Parameters<typeof walkTree>[1]> = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of walkTree(root, { settings: { maxFileSize: 1000, pathsIgnore: ['generated/**'] }, ...options })) items.push(item);
  return items;
}

describe('walkTree', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nhi-walk-'));
    const write = (path: string, content: string | Buffer) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    };
    write('a.txt', 'hello');
    write('src/b.ts', 'export {}');
    write('node_modules/pkg/index.js', 'x');
    write('.git/config', '[core]');
    write('generated/out.txt', 'x');
    write('big.txt', 'x'.repeat(2000));
    write('img.png', Buffer.from([0x89, 0x50, 0x00, 0x01]));
    write('.gitignore', '*.log\nbuild/\n');
    write('debug.log', 'x');
    write('build/x.txt', 'x');
    write('locked.txt', 'secret');
    chmodSync(join(root, 'locked.txt'), 0o000);
    symlinkSync('..', join(root, 'src', 'loop'));
    symlinkSync('self', join(root, 'self'));
    symlinkSync('missing.txt', join(root, 'dangling'));
    symlinkSync('a.txt', join(root, 'alias.txt'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('yields files sorted with POSIX relative paths, skipping .git, node_modules, ignored paths and .gitignore matches', async () => {
    const files = (await collect(root)).filter((i) => 'content' in i).map((i) => i.path);
    expect(files).toEqual(expect.arrayContaining(['.gitignore', 'a.txt', 'alias.txt', 'src/b.ts']));
    for (const hidden of ['node_modules/pkg/index.js', '.git/config', 'generated/out.txt', 'debug.log', 'build/x.txt']) expect(files).not.toContain(hidden);
  });

  it('scans .gitignore-d files with gitignore: false', async () => {
    const files = (await collect(root, { gitignore: false })).map((i) => i.path);
    expect(files).toEqual(expect.arrayContaining(['debug.log', 'build/x.txt']));
  });

  it('reports symlink loops, dangling links, FIFOs, binaries and large files as skipped, never throwing', async () => {
    const skipped = Object.fromEntries((await collect(root)).filter((i) => !('content' in i)).map((i) => [i.path, 'reason' in i ? i.reason : '']));
    expect(skipped).toMatchObject({
      'src/loop': 'symlink-loop',
      self: 'symlink-loop',
      dangling: 'unreadable',
      pipe: 'unreadable',
      'img.png': 'binary',
      'big.txt': 'too-large',
    });
  });

  it('reports an unreadable file as skipped', { timeout: 60_000 }, async () => {
    // root reads every file, so as root the walk runs in a child process as `nobody` (setpriv
    // drops the uid and gid): the test runs everywhere instead of skipping in containers and CI.
    const items = isRoot ? walkAsNobody(root) : await collect(root);
    expect(items.find((i) => i.path === 'locked.txt')).toMatchObject({ reason: 'unreadable', detail: 'EACCES' });
  });
});

describe('walkTree: symbolic links (issue 10: links must not leave the scanned root)', () => {
  let base: string;
  let root: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'nhi-walk-links-'));
    root = join(base, 'repo');
    const outside = join(base, 'elsewhere');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(outside, 'secrets'), { recursive: true });
    writeFileSync(join(outside, 'secrets', 'token.txt'), 'ghp_outsideoutsideoutsideoutsideoutside');
    writeFileSync(join(outside, 'one.txt'), 'outside file');
    writeFileSync(join(root, 'src', 'real.txt'), 'inside');
    symlinkSync(outside, join(root, 'runner')); // a committed link to a folder outside the workspace
    symlinkSync('../../elsewhere/one.txt', join(root, 'src', 'up.txt')); // a file link leaving the root
    symlinkSync('/etc/hostname', join(root, 'hostname'));
    symlinkSync('src', join(root, 'src-alias')); // a folder link inside the root: not followed
    symlinkSync('real.txt', join(root, 'src', 'alias.txt')); // a file link inside the root: read
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('never reads a file outside the root; links leaving it are listed as invalid-path', async () => {
    const items = await collect(root);
    const files = items.filter((i) => 'content' in i);
    expect(files.map((f) => f.path).sort()).toEqual(['src/alias.txt', 'src/real.txt']);
    for (const f of files) expect('content' in f && f.content).toBe('inside');
    const skipped = Object.fromEntries(items.filter((i) => !('content' in i)).map((i) => [i.path, 'reason' in i ? i.reason : '']));
    expect(skipped).toEqual({ runner: 'invalid-path', 'src/up.txt': 'invalid-path', hostname: 'invalid-path' });
  });

  it('lists a link to a FIFO inside the root as not a regular file, without opening it', async () => {
    const fifoRoot = join(base, 'fifo-repo');
    mkdirSync(fifoRoot);
    execFileSync('mkfifo', [join(fifoRoot, 'pipe')]);
    symlinkSync('pipe', join(fifoRoot, 'to-pipe'));
    const items = await collect(fifoRoot);
    expect(items.map((i) => [i.path, 'reason' in i ? `${i.reason}: ${i.detail}` : 'read'])).toEqual([
      ['pipe', 'unreadable: not a regular file'],
      ['to-pipe', 'unreadable: not a regular file'],
    ]);
  });

  it('finishes on a link to /proc/self (it is not followed)', async () => {
    const procRoot = join(base, 'proc-repo');
    mkdirSync(procRoot);
    writeFileSync(join(procRoot, 'a.txt'), 'a');
    symlinkSync('/proc/self', join(procRoot, 'proc')); // followed, the walk never ends
    const items = await collect(procRoot);
    expect(items.map((i) => [i.path, 'reason' in i ? i.reason : 'read'])).toEqual([
      ['a.txt', 'read'],
      ['proc', 'invalid-path'],
    ]);
  });

  it('does not read a .gitignore that is a FIFO or a link leaving the root', async () => {
    const odd = join(base, 'odd-repo');
    mkdirSync(join(odd, 'sub'), { recursive: true });
    execFileSync('mkfifo', [join(odd, '.gitignore')]);
    symlinkSync(join(base, 'elsewhere', 'one.txt'), join(odd, 'sub', '.gitignore'));
    writeFileSync(join(odd, 'sub', 'x.txt'), 'x');
    const paths = (await collect(odd)).map((i) => [i.path, 'reason' in i ? i.reason : 'read']);
    expect(paths).toEqual([
      ['.gitignore', 'unreadable'],
      ['sub/.gitignore', 'invalid-path'],
      ['sub/x.txt', 'read'],
    ]);
  });
});

describe('walkTree: .git/info/exclude', () => {
  it('honours .git/info/exclude under the .gitignore files, and neither with gitignore: false', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nhi-walk-exclude-'));
    try {
      mkdirSync(join(root, '.git', 'info'), { recursive: true });
      writeFileSync(join(root, '.git', 'info', 'exclude'), 'scratch/\n*.draft\n');
      writeFileSync(join(root, '.gitignore'), '!kept.draft\n');
      mkdirSync(join(root, 'scratch'));
      for (const f of ['scratch/a.txt', 'notes.draft', 'kept.draft', 'app.ts']) writeFileSync(join(root, f), 'x');
      const paths = (await collect(root)).map((i) => i.path);
      expect(paths).toEqual(['.gitignore', 'app.ts', 'kept.draft']);
      const all = (await collect(root, { gitignore: false })).map((i) => i.path);
      expect(all).toEqual(['.gitignore', 'app.ts', 'kept.draft', 'notes.draft', 'scratch/a.txt']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('walkTree: tracked files that .gitignore matches', () => {
  it('reads a tracked file a .gitignore rule matches (git add -f), and still leaves out untracked ignored files and paths-ignore', async () => {
    // .gitignore applies to files git does not track: a change that adds a rule for a file it
    // commits must not hide that file from the scan.
    const root = mkdtempSync(join(tmpdir(), 'nhi-walk-tracked-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' } });
    try {
      git('init', '-q');
      mkdirSync(join(root, 'build'));
      mkdirSync(join(root, 'generated'));
      writeFileSync(join(root, '.gitignore'), 'secret.js\nbuild/\n*.log\ngenerated/\n');
      for (const f of ['secret.js', 'build/keep.txt', 'build/out.txt', 'debug.log', 'app.ts', 'generated/tracked.txt']) writeFileSync(join(root, f), 'x');
      git('add', '.gitignore', 'app.ts');
      git('add', '-f', 'secret.js', 'build/keep.txt', 'generated/tracked.txt');
      git('commit', '-q', '-m', 'c');
      const paths = (await collect(root)).map((i) => i.path);
      expect(paths.sort()).toEqual(['.gitignore', 'app.ts', 'build/keep.txt', 'secret.js']);
      // Outside a work tree nothing changes: ignored means ignored.
      rmSync(join(root, '.git'), { recursive: true, force: true });
      expect((await collect(root)).map((i) => i.path).sort()).toEqual(['.gitignore', 'app.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
