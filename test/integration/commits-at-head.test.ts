/**
 * `secretsAtHead` (src/workspace/commits.ts): which of a range's commit secrets are still in their
 * file at the head, and where, read from git (real repositories). The App's PR and push checks use
 * it to report a secret still present at its head line, and to call only a secret really gone
 * "removed later"; when git cannot answer, it rejects and the check keeps the commits' findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameSecret } from '../../src/core/commits.js';
import { defaultSettings, type Finding } from '../../src/core/types.js';
import { MAX_HEAD_FILES, scanCommitRange, secretsAtHead } from '../../src/workspace/commits.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { HistoryRepo } from '../support/history-repo.js';

const MOVED = fakeGithubToken(501);
const REMOVED = fakeGithubToken(502);
const DELETED = fakeGithubToken(503);
const LARGE = fakeGithubToken(504);
const settings = defaultSettings({ maxFileSize: 64 * 1024 });

describe('secretsAtHead', () => {
  const repo = new HistoryRepo('nhi-at-head-');
  let base = '';
  let head = '';
  let found: Finding[] = [];
  beforeAll(async () => {
    base = repo.commit('Alice', '2024-05-01T10:00:00Z', { 'README.md': '# app\n' });
    repo.commit('Bob', '2024-05-02T10:00:00Z', {
      'config/app.env': `A=1\nB=2\nGITHUB_TOKEN=${MOVED}\n`,
      'config/old.env': `GITHUB_TOKEN=${REMOVED}\n`,
      'config/gone.env': `GITHUB_TOKEN=${DELETED}\n`,
      // Over max-file-size at the head: read in pieces as git streams it.
      'data/dump.sql': `${'INSERT INTO t VALUES (1);\n'.repeat(4000)}-- GITHUB_TOKEN=${LARGE}\n`,
    });
    head = repo.commit('Bob', '2024-05-03T10:00:00Z', {
      'config/app.env': `A=1\nB=2\nC=3\nD=4\nGITHUB_TOKEN=${MOVED}\n`,
      'config/old.env': 'GITHUB_TOKEN=${GITHUB_TOKEN}\n',
      'config/gone.env': null,
    });
    found = (await scanCommitRange(repo.dir, { base, head }, settings)).findings();
  });
  afterAll(() => repo.cleanup());

  it('names each secret still at the head at its head line; one removed or in a deleted file is absent', async () => {
    expect(found.map((f) => [f.file, f.line]).sort()).toEqual([
      ['config/app.env', 3],
      ['config/gone.env', 1],
      ['config/old.env', 1],
      ['data/dump.sql', 4001],
    ]);
    const atHead = await secretsAtHead(repo.dir, head, found, settings);
    const byFile = (file: string) => found.find((f) => f.file === file)!;
    expect([...atHead.keys()].sort()).toEqual([sameSecret(byFile('config/app.env')), sameSecret(byFile('data/dump.sql'))].sort());
    expect(atHead.get(sameSecret(byFile('config/app.env')))).toMatchObject({ file: 'config/app.env', line: 5, column: 'GITHUB_TOKEN='.length + 1 });
    expect(atHead.get(sameSecret(byFile('data/dump.sql')))).toMatchObject({ file: 'data/dump.sql', line: 4001 });
    expect(JSON.stringify([...atHead.values()])).not.toContain(MOVED);
  });

  it('an ignore-file entry for the head place leaves it out', async () => {
    const ignoring = { ...settings, ignoreLocations: new Set(['config/app.env:5']) };
    const atHead = await secretsAtHead(repo.dir, head, found, ignoring);
    expect([...atHead.values()].map((f) => f.file)).toEqual(['data/dump.sql']);
  });

  it('no secret, no git call: an empty answer even for a folder that is not a repository', async () => {
    expect(await secretsAtHead('/nonexistent-folder', head, [], settings)).toEqual(new Map());
  });

  it('rejects when git cannot read the head (the caller then keeps the commits\' findings)', async () => {
    await expect(secretsAtHead(repo.dir, 'f'.repeat(40), found, settings)).rejects.toThrow();
  });

  it(`reads at most ${MAX_HEAD_FILES} files of the secrets' own`, async () => {
    const many: Finding[] = Array.from({ length: MAX_HEAD_FILES + 1 }, (_, i) => ({ ...found[0], file: `x/${i}.env` }));
    many.push(found.find((f) => f.file === 'config/app.env')!);
    const atHead = await secretsAtHead(repo.dir, head, many, settings);
    // The real file comes after the first MAX_HEAD_FILES names: it is not read.
    expect(atHead.size).toBe(0);
    // Long names: the ls-tree calls are split by length; the real file, past the first call's names, is read.
    const long: Finding[] = Array.from({ length: 700 }, (_, i) => ({ ...found[0], file: `${'deep/'.repeat(24)}${i}.env` }));
    long.push(found.find((f) => f.file === 'config/app.env')!);
    expect(long.reduce((n, f) => n + f.file.length, 0)).toBeGreaterThan(64 * 1024);
    expect([...(await secretsAtHead(repo.dir, head, long, settings)).values()].map((f) => f.file)).toEqual(['config/app.env']);
    // 150 files holding secrets (more than the 100 read until 2026-12-06): each is read.
    const wide = new HistoryRepo('nhi-at-head-wide-');
    try {
      const start = wide.commit('Alice', '2024-05-01T10:00:00Z', { 'README.md': '# app\n' });
      const files: Record<string, string> = {};
      for (let i = 0; i < 150; i++) files[`env/${String(i).padStart(3, '0')}.env`] = `GITHUB_TOKEN=${fakeGithubToken(600 + i)}\n`;
      const end = wide.commit('Bob', '2024-05-02T10:00:00Z', files);
      const secrets = (await scanCommitRange(wide.dir, { base: start, head: end }, settings)).findings();
      expect(secrets).toHaveLength(150);
      expect((await secretsAtHead(wide.dir, end, secrets, settings)).size).toBe(150);
    } finally {
      wide.cleanup();
    }
  });
});

describe('secretsAtHead, given the range\'s base: secrets that moved', () => {
  const repo = new HistoryRepo('nhi-at-head-moved-');
  const RENAMED = fakeGithubToken(511);
  const COPIED = fakeGithubToken(512);
  const GONE = fakeGithubToken(513);
  const KEPT = fakeGithubToken(514);
  let base = '';
  let head = '';
  let found: Finding[] = [];
  beforeAll(async () => {
    base = repo.commit('Alice', '2024-05-01T10:00:00Z', { 'README.md': '# app\n' });
    repo.commit('Bob', '2024-05-02T10:00:00Z', {
      'config/dev.env': `GITHUB_TOKEN=${RENAMED}\n`,
      'config/ci.env': `A=1\nGITHUB_TOKEN=${COPIED}\n`,
      'config/tmp.env': `GITHUB_TOKEN=${GONE}\n`,
      'config/kept.env': `GITHUB_TOKEN=${KEPT}\n`,
    });
    // The file renamed, the value moved into another file, and one really removed.
    head = repo.commit('Bob', '2024-05-03T10:00:00Z', {
      'config/dev.env': null,
      'deploy/dev.env': `GITHUB_TOKEN=${RENAMED}\n`,
      'config/ci.env': 'A=1\n',
      'ci/settings.yml': `env:\n  GITHUB_TOKEN: ${COPIED}\n`,
      'config/tmp.env': 'GITHUB_TOKEN=${GITHUB_TOKEN}\n',
    });
    found = (await scanCommitRange(repo.dir, { base, head }, settings)).findings();
  });
  afterAll(() => repo.cleanup());

  it('finds a renamed file\'s secret and a moved value at their new places; a removed one stays absent', async () => {
    expect(found.map((f) => f.file).sort()).toEqual(['config/ci.env', 'config/dev.env', 'config/kept.env', 'config/tmp.env']);
    const byFile = (file: string) => sameSecret(found.find((f) => f.file === file)!);
    // Without the base, only the secrets' own files are read: the moved two look gone.
    expect([...(await secretsAtHead(repo.dir, head, found, settings)).keys()]).toEqual([byFile('config/kept.env')]);
    const atHead = await secretsAtHead(repo.dir, head, found, settings, base);
    expect([...atHead.keys()].sort()).toEqual([byFile('config/ci.env'), byFile('config/dev.env'), byFile('config/kept.env')].sort());
    expect(atHead.get(byFile('config/dev.env'))).toMatchObject({ file: 'deploy/dev.env', line: 1 });
    expect(atHead.get(byFile('config/ci.env'))).toMatchObject({ file: 'ci/settings.yml', line: 2 });
    expect(JSON.stringify([...atHead.values()])).not.toContain(RENAMED);
  });

  it('when git cannot compare base and head, what the own files hold stands', async () => {
    const atHead = await secretsAtHead(repo.dir, head, found, settings, 'e'.repeat(40));
    expect([...atHead.values()].map((f) => f.file)).toEqual(['config/kept.env']);
  });
});
