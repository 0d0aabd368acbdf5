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
