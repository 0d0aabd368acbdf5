import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken, runCli, writeTree } from '../support/cli/run-cli.js';

const TOKEN = fakeGithubToken(1);

/**
 * The real process edges: exit statuses, stdout vs stderr, files written. Flag-by-flag behaviour
 * is covered in process by test/unit/cli/program.test.ts (same code path, no spawn cost).
 */
describe('nhi-steward bin (child process)', () => {
  let tmp: string;
  let dirty: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'nhi-cli-'));
    dirty = join(tmp, 'dirty');
    writeTree(join(tmp, 'clean'), { 'README.md': '# nothing here\n' });
    writeTree(dirty, { 'src/app.ts': `// status bot\nconst auth = '${TOKEN}';\n` });
    symlinkSync('..', join(dirty, 'src', 'up'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 0 on a clean tree and 1 on a secret, printing it redacted', async () => {
    const [clean, found] = await Promise.all([runCli(['scan', join(tmp, 'clean')]), runCli(['scan', 'dirty'], { cwd: tmp })]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^No findings\./m);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`src/app.ts\n  2:15  error`);
    expect(found.stdout).toContain(`ghp_…${TOKEN.slice(-4)}`);
    expect(found.stdout).toContain('src/up  symlink-loop');
    expect(found.stdout + found.stderr).not.toContain(TOKEN);
    expect(found.stdout).not.toContain('\u001b['); // not a TTY: no colors
  });

  it('writes --output files and keeps stdout empty', async () => {
    const file = join(tmp, 'out', 'report.sarif');
    const run = await runCli(['scan', dirty, '--format', 'sarif', '--output', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`nhi-steward: 1 finding(s) (1 error, 0 warning, 0 notice, 0 info) written to ${file}\n`);
    expect(JSON.parse(readFileSync(file, 'utf8')).runs[0].results[0].ruleId).toBe('secret/github-classic-pat');
  });

  it('exits 2 with one line and no stack trace for usage and config errors', async () => {
    writeTree(join(tmp, 'badconfig'), { '.github/nhi-steward.yml': 'fail-on: sometimes\n' });
    const runs = await Promise.all([runCli(['scan', dirty, '--format', 'xml']), runCli(['scan', join(tmp, 'badconfig')])]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^nhi-steward: /);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(runs[0].stderr).toContain("'xml' is invalid");
    expect(runs[1].stderr).toMatch(/nhi-steward\.yml:1:\d+: /);
  });
});
