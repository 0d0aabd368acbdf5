import { mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken, writeTree } from '../../support/cli/run-cli.js';
import { runInProcess as runCli } from '../../support/cli/run-in-process.js';

const TOKEN = fakeGithubToken(1);
const OTHER = fakeGithubToken(2);

/** One line, names what to fix, no stack trace. */
function expectUsageError(run: { code: number; stdout: string; stderr: string }, mentions: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(mentions);
  expect(run.stderr).toMatch(/^nhi-steward: /);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('nhi-steward commands (in process, same code path as the bin)', () => {
  let tmp: string;
  let clean: string;
  let dirty: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'nhi-cli-unit-'));
    clean = join(tmp, 'clean');
    dirty = join(tmp, 'dirty');
    writeTree(clean, { 'README.md': '# nothing here\n', 'src/app.ts': 'export const token = process.env.GITHUB_TOKEN;\n' });
    writeTree(dirty, { 'src/app.ts': `// status bot\nconst auth = '${TOKEN}';\n`, 'notes.txt': 'hello\n' });
    symlinkSync('..', join(dirty, 'src', 'up'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 0 on a clean tree', async () => {
    const run = await runCli(['scan', clean]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^No findings\. 2 file\(s\) scanned/m);
  });

  it('exits 1 on a secret, prints it redacted, and honours --fail-on', async () => {
    const run = await runCli(['scan', dirty]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('src/app.ts\n  2:15');
    expect(run.stdout).toContain(`ghp_…${TOKEN.slice(-4)}`);
    expect(run.stdout).not.toContain(TOKEN);
    expect(run.stdout).toContain('src/up  symlink-loop');
    expect((await runCli(['scan', dirty, '--fail-on', 'none'])).code).toBe(0);
  });

  it('writes json and sarif to --output, keeping stdout empty', async () => {
    const jsonFile = join(tmp, 'out', 'report.json');
    const run = await runCli(['scan', dirty, '--format', 'json', '--output', jsonFile]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`written to ${jsonFile}`);
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'secret/github-classic-pat', file: 'src/app.ts', line: 2, redacted: `ghp_…${TOKEN.slice(-4)}` })]);
    expect(report.skipped).toEqual([{ path: 'src/up', reason: 'symlink-loop', detail: expect.any(String) }]);

    const sarifFile = join(tmp, 'report.sarif');
    expect((await runCli(['scan', dirty, '-f', 'sarif', '-o', sarifFile])).code).toBe(1);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'secret/github-classic-pat', locations: [{ physicalLocation: { artifactLocation: { uri: 'src/app.ts', uriBaseId: '%SRCROOT%' } } }] });
    expect(readFileSync(sarifFile, 'utf8')).not.toContain(TOKEN);
  });

  it('prints the markdown summary', async () => {
    const run = await runCli(['scan', dirty, '--format', 'markdown']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^## nhi-steward report\n/);
    expect(run.stdout).toContain('### Secrets (1)');
  });

  it('exits 2 with a one-line message for usage and config errors', async () => {
    expectUsageError(await runCli(['scan', clean, '--format', 'xml']), /--format.*'xml' is invalid/);
    expectUsageError(await runCli(['scan', clean, '--fail-on', 'critical']), /--fail-on.*'critical' is invalid/);
    expectUsageError(await runCli(['scan', clean, '--frobnicate']), /unknown option '--frobnicate'/);
    expectUsageError(await runCli(['scan', join(tmp, 'nope')]), /nope is not a folder/);
    expectUsageError(await runCli(['scan', clean, '--config', join(tmp, 'missing.yml')]), /cannot read config file .*missing\.yml/);
    expectUsageError(await runCli(['scan', clean, '--baseline', join(tmp, 'missing.json')]), /cannot read baseline file/);
    expectUsageError(await runCli(['scan', clean, '--diff', 'main', '--staged']), /--diff and --staged/);
    expectUsageError(await runCli(['scan', clean, '--diff', 'main']), /not inside a git work tree/);
    expectUsageError(await runCli(['frobnicate']), /unknown command 'frobnicate'/);
  });

  it('exits 2 naming file, line and column for an invalid config', async () => {
    const dir = join(tmp, 'badconfig');
    writeTree(dir, { '.github/nhi-steward.yml': 'fail-on: error\npaths-ignor:\n  - docs/**\n' });
    const run = await runCli(['scan', dir]);
    expectUsageError(run, /invalid config/);
    expect(run.stderr).toMatch(/\.github\/nhi-steward\.yml:2:1: .*paths-ignore/);
  });

  it('takes fail-on and paths-ignore from the config, with the flag winning', async () => {
    const dir = join(tmp, 'configured');
    writeTree(dir, { '.github/nhi-steward.yml': 'fail-on: none\n', 'a.ts': `const t = '${TOKEN}';\n`, 'vendor/b.ts': `const t = '${OTHER}';\n` });
    expect((await runCli(['scan', dir])).code).toBe(0);
    expect((await runCli(['scan', dir, '--fail-on', 'error'])).code).toBe(1);
    writeTree(dir, { '.github/nhi-steward.yml': 'paths-ignore: ["vendor/**"]\n' });
    const run = await runCli(['scan', dir, '-f', 'json']);
    expect(JSON.parse(run.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['a.ts']);
  });

  it('baseline suppresses today\'s secrets but not a new one', async () => {
    const dir = join(tmp, 'baselined');
    writeTree(dir, { 'a.ts': `const t = '${TOKEN}';\n` });
    const written = await runCli(['baseline', dir]);
    expect(written.code).toBe(0);
    expect(existsSync(join(dir, '.nhi-steward-baseline.json'))).toBe(true);
    expect(readFileSync(join(dir, '.nhi-steward-baseline.json'), 'utf8')).not.toContain(TOKEN);
    expect((await runCli(['scan', dir])).code).toBe(0);
    writeTree(dir, { 'a.ts': `// moved down\n\nconst t = '${TOKEN}';\nconst u = '${OTHER}';\n` });
    const run = await runCli(['scan', dir, '-f', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: { line: number }) => f.line)).toEqual([4]);
  });

  it('inventory and owners init work on a tree with NHIs', async () => {
    const dir = join(tmp, 'nhis');
    writeTree(dir, { 'infra/iam.tf': 'resource "aws_iam_user" "ci_bot" {\n  name = "ci-bot"\n}\n\nresource "aws_iam_access_key" "ci_bot" {\n  user = aws_iam_user.ci_bot.name\n}\n' });
    const csv = await runCli(['inventory', dir, '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toMatch(/^id,kind,platform/);
    expect(csv.stdout).toContain('aws_iam_access_key');
    const json = await runCli(['inventory', dir, '-f', 'json']);
    expect(JSON.parse(json.stdout).identities.length).toBe(2);

    const init = await runCli(['owners', 'init', dir]);
    expect(init.code).toBe(0);
    const owners = readFileSync(join(dir, '.github/nhi-owners.yml'), 'utf8');
    expect(owners).toContain('@TODO');
    expectUsageError(await runCli(['owners', 'init', dir]), /already exists \(use --force/);
    expect((await runCli(['owners', 'init', dir, '--force'])).code).toBe(0);
  });
});
