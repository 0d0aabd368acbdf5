/**
 * UTF-16 text files (Windows PowerShell's Out-File and regedit write them; git calls them binary):
 * a token in one is found by a folder scan, by `--diff` and `--staged` (git lists no lines for a
 * binary change: the lines its last version did not hold count as added) and by `--history`, at
 * the line and column an editor shows. Real git, real files; a real binary file next to it is still
 * skipped as binary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { runInProcess } from '../support/cli/run-in-process.js';
import { HistoryRepo } from '../support/history-repo.js';

const TOKEN = fakeGithubToken(301);
const REMOVED = fakeGithubToken(302);
const ADDED = fakeGithubToken(303);
const script = (token: string) => `# deploy\r\n$headers = @{ Authorization = "token ${token}" }\r\nInvoke-RestMethod -Headers $headers\r\n`;
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
/** The token's column on line 2, 1-based, as an editor counts (the byte-order mark is not a character of the line). */
const COLUMN = script(TOKEN).split('\r\n')[1].indexOf(TOKEN) + 1;
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(256, 7)]);

type JsonFinding = { rule: string; file: string; line: number; column: number; presentAtHead?: boolean };
const secretsOf = (stdout: string): JsonFinding[] => (JSON.parse(stdout).findings as JsonFinding[]).filter((f) => f.rule.startsWith('secret/'));

describe('UTF-16 text files', () => {
  const repo = new HistoryRepo('nhi-cli-utf16-');
  let base = '';
  beforeAll(() => {
    base = repo.commit('Alice', '2024-03-01T10:00:00Z', { 'README.md': '# tools\n', 'logo.png': PNG });
    repo.commit('Bob', '2024-03-02T10:00:00Z', { 'old.ps1': utf16be(script(REMOVED)) });
    repo.commit('Bob', '2024-03-03T10:00:00Z', { 'old.ps1': null, 'deploy.ps1': utf16le(script(TOKEN)) });
  });
  afterAll(() => repo.cleanup());

  it('a folder scan finds the token at its line and column; the PNG stays a binary skip', async () => {
    const run = await runInProcess(['scan', repo.dir, '-f', 'json']);
    expect(run.code).toBe(1);
    const found = secretsOf(run.stdout);
    expect(found.map((f) => [f.file, f.line, f.column])).toEqual([['deploy.ps1', 2, COLUMN]]);
    expect(JSON.parse(run.stdout).skipped).toContainEqual({ path: 'logo.png', reason: 'binary', detail: 'NUL byte in the first 8 KiB' });
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('--diff and --staged count every line of a UTF-16 file as added (git shows no lines for it)', async () => {
    const diff = await runInProcess(['scan', repo.dir, '--diff', base, '-f', 'json']);
    expect(secretsOf(diff.stdout).map((f) => [f.file, f.line])).toEqual([['deploy.ps1', 2]]);
    writeFileSync(join(repo.dir, 'staged.ps1'), utf16be(script(TOKEN)));
    repo.git('add', 'staged.ps1');
    try {
      const staged = await runInProcess(['scan', repo.dir, '--staged', '-f', 'json']);
      expect(secretsOf(staged.stdout).map((f) => [f.file, f.line])).toEqual([['staged.ps1', 2]]);
      expect(staged.stdout + staged.stderr + diff.stdout + diff.stderr).not.toContain(TOKEN);
    } finally {
      repo.git('rm', '-q', '--cached', 'staged.ps1');
    }
  });

  it('--diff of an edited UTF-16 file blames the change only for the lines it added, not for a secret the file held before', async () => {
    const edited = `${script(TOKEN)}$backup = "token ${ADDED}"\r\n`;
    writeFileSync(join(repo.dir, 'deploy.ps1'), utf16le(edited));
    try {
      const diff = await runInProcess(['scan', repo.dir, '--diff', 'HEAD', '-f', 'json']);
      expect(secretsOf(diff.stdout).map((f) => [f.file, f.line])).toEqual([['deploy.ps1', 4]]);
      repo.git('add', 'deploy.ps1');
      const staged = await runInProcess(['scan', repo.dir, '--staged', '-f', 'json']);
      expect(secretsOf(staged.stdout).map((f) => [f.file, f.line])).toEqual([['deploy.ps1', 4]]);
      expect(diff.stdout + diff.stderr + staged.stdout + staged.stderr).not.toContain(ADDED);
    } finally {
      repo.git('reset', '-q', 'deploy.ps1');
      repo.git('checkout', '-q', '--', 'deploy.ps1');
    }
  });

  it('--history finds the one removed before HEAD and the one still there', async () => {
    const run = await runInProcess(['scan', repo.dir, '--history', '-f', 'json']);
    const found = secretsOf(run.stdout);
    expect(found.map((f) => [f.file, f.line, f.column, f.presentAtHead]).sort()).toEqual([
      ['deploy.ps1', 2, COLUMN, true],
      ['old.ps1', 2, COLUMN, false],
    ]);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(run.stdout + run.stderr).not.toContain(REMOVED);
  });
});
