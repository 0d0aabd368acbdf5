import { mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken, writeTree } from '../../support/cli/run-cli.js';
import { runInProcess as runCli } from '../../support/cli/run-in-process.js';
import { HistoryRepo } from '../../support/history-repo.js';

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

  it('scan FILE scans one file; scan - reads standard input under --stdin-name', async () => {
    const file = await runCli(['scan', join(dirty, 'src', 'app.ts'), '-f', 'json']);
    expect(file.code).toBe(1);
    expect(JSON.parse(file.stdout).findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['app.ts:2']);
    expect(JSON.parse(file.stdout).stats.files).toBe(1);

    const stdin = await runCli(['scan', '-', '--stdin-name', 'deploy/run.sh', '-f', 'json'], { stdin: `export GH=${TOKEN}\n` });
    expect(stdin.code).toBe(1);
    expect(JSON.parse(stdin.stdout).findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['deploy/run.sh:1']);
    expect(stdin.stdout).not.toContain(TOKEN);
    // Rules that look at the path see the name: a workflow given on stdin is read as one.
    const workflow = 'on: push\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n        env:\n          TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n';
    const named = await runCli(['scan', '-', '--stdin-name', '.github/workflows/ci.yml', '-f', 'json', '--fail-on', 'none'], { stdin: workflow });
    expect(JSON.parse(named.stdout).inventory.map((e: { id: string }) => e.id)).toContain('github-actions:secret/DEPLOY_TOKEN');
    const unnamed = await runCli(['scan', '-', '-f', 'json', '--fail-on', 'none'], { stdin: workflow });
    expect(JSON.parse(unnamed.stdout).inventory ?? []).toEqual([]);

    expectUsageError(await runCli(['scan', '-', '--stdin-name', '../x']), /--stdin-name "\.\.\/x" must be a relative path/);
    expectUsageError(await runCli(['scan', dirty, '--stdin-name', 'x']), /--stdin-name only applies/);
  });

  it('text: one summary line first, secrets before identity findings, short messages, explain hint', async () => {
    const dir = join(tmp, 'mixed');
    writeTree(dir, {
      'a.tf': 'resource "aws_iam_user" "ci_bot" {\n  name = "ci-bot"\n}\n',
      'z.ts': `const t = '${TOKEN}';\n`,
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]).toString('latin1'),
    });
    const run = await runCli(['scan', dir]);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^2 finding\(s\) \(1 secret\(s\), 1 identity\/owners\): 1 error, 1 warning in 2 file\(s\)\. 2 file\(s\) scanned in .*, 1 NHI\(s\), 1 skipped\.$/);
    expect(run.stdout.indexOf('Secrets (1)')).toBeLessThan(run.stdout.indexOf('Identities and owners file (1)'));
    expect(run.stdout.indexOf('z.ts')).toBeLessThan(run.stdout.indexOf('a.tf'));
    expect(run.stdout).toMatch(/1:1 {2}warning {2}terraform:aws_iam_user\/\S*ci_bot has no owner {2}identity\/unowned\n/);
    expect(run.stdout).not.toContain('add an entry');
    expect(run.stdout).toContain('nhi-steward explain identity/unowned');
    // A binary file is counted, listed only with --verbose (which also prints full messages).
    expect(run.stdout).toContain('1 binary or oversized file(s) skipped (--verbose lists them).');
    expect(run.stdout).not.toContain('logo.png');
    const verbose = await runCli(['scan', dir, '--verbose']);
    expect(verbose.stdout).toContain('logo.png  binary');
    expect(verbose.stdout).toContain('has no owner: add an entry');
  });

  it('--quiet prints the findings only, and nothing on a clean tree', async () => {
    const quiet = await runCli(['scan', dirty, '--quiet']);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toBe(`Secrets (1)\n\nsrc/app.ts\n  2:15  error    GitHub personal access token (classic): ghp_…${TOKEN.slice(-4)}  secret/github-classic-pat\n`);
    const clean2 = await runCli(['scan', clean, '-q']);
    expect(clean2).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('draws a progress line on stderr only when asked for a terminal, and never with --quiet', async () => {
    const big = join(tmp, 'many');
    writeTree(big, Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`f${i}.txt`, 'x'.repeat(4000) + '\n'])));
    const plain = await runCli(['scan', big]);
    expect(plain.stderr).toBe('');
    // A clock that moves 250 ms per reading: past the 200 ms redraw interval at every file.
    let now = 0;
    const tty = await runCli(['scan', big], { progress: true, clock: () => (now += 250) });
    expect(tty.stdout).toBe(plain.stdout);
    const drawn = tty.stderr.split('\r\u001b[2K');
    expect(drawn.shift()).toBe('');
    expect(drawn.pop()).toBe(''); // erased at the end
    expect(drawn).toHaveLength(400);
    drawn.forEach((line, i) => {
      const seconds = (i + 1) * 0.25;
      const mb = ((i + 1) * 4001) / 1e6;
      expect(line).toBe(`scanning: ${i + 1} file(s), ${mb.toFixed(1)} MB, 0 skipped, ${(mb / seconds).toFixed(1)} MB/s, ${seconds.toFixed(0)}s`);
    });
    // With the real clock the line is drawn only when the scan outlasts the interval, and erased either way.
    const real = await runCli(['scan', big], { progress: true });
    expect(real.stderr).toMatch(/^(\r\u001b\[2Kscanning: \d+ file\(s\), [\d.]+ MB, \d+ skipped, [\d.]+ MB\/s, \d+s)*(\r\u001b\[2K)?$/);
    expect((await runCli(['scan', big, '--quiet'], { progress: true, clock: () => (now += 250) })).stderr).toBe('');
  });

  it('scan --history draws its progress line only when asked for a terminal, erases it, and never with --quiet', async () => {
    const repo = new HistoryRepo();
    try {
      for (let i = 0; i < 30; i++) repo.commit('Dev', `2024-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`, { [`src/f${i % 7}.ts`]: `export const v${i} = ${i};\n`.repeat(200) });
      const plain = await runCli(['scan', repo.dir, '--history']);
      expect(plain.stderr).toMatch(/^nhi-steward: history: 30 commit\(s\), 30 unique blob\(s\) \([\d.]+ MB\) scanned\n$/);
      // A clock that moves 250 ms per reading: past the 200 ms redraw interval at every blob.
      let now = 0;
      const tty = await runCli(['scan', repo.dir, '--history'], { progress: true, clock: () => (now += 250) });
      expect(tty.stdout).toBe(plain.stdout);
      // The progress line is erased before the summary.
      const [lines, summary] = [tty.stderr.slice(0, tty.stderr.indexOf('nhi-steward:')), tty.stderr.slice(tty.stderr.indexOf('nhi-steward:'))];
      expect(summary).toBe(plain.stderr);
      const drawn = lines.split('\r\u001b[2K');
      expect(drawn.shift()).toBe('');
      expect(drawn.pop()).toBe('');
      expect(drawn).toHaveLength(30); // one per blob scanned
      let commits = 0;
      drawn.forEach((line, i) => {
        const m = /^scanning history: (\d+) commit\(s\) walked, (\d+) unique blob\(s\), ([\d.]+) MB, 0 skipped, ([\d.]+) MB\/s, (\d+)s$/.exec(line);
        expect(m, line).not.toBeNull();
        expect(Number(m![2])).toBe(i + 1);
        expect(Number(m![1])).toBeGreaterThanOrEqual(commits); // the walk only moves on
        expect(Number(m![1])).toBeLessThanOrEqual(30);
        commits = Number(m![1]);
        expect(m![5]).toBe(((i + 1) * 0.25).toFixed(0));
      });
      expect((await runCli(['scan', repo.dir, '--history', '--quiet'], { progress: true, clock: () => (now += 250) })).stderr).toBe('');
    } finally {
      repo.cleanup();
    }
  });

  it('explain prints what, why, fix and OWASP ids; schema prints the JSON Schemas', async () => {
    const unowned = await runCli(['explain', 'identity/unowned']);
    expect(unowned.code).toBe(0);
    expect(unowned.stdout).toMatch(/^identity\/unowned: Non-human identity without an owner\n\nWhy: .+\n\nFix: .*nhi-owners\.yml.*\n\nOWASP Non-Human Identities Top 10: NHI1 /);
    const secret = await runCli(['explain', 'github-classic-pat']);
    expect(secret.stdout).toMatch(/^secret\/github-classic-pat: GitHub personal access token/);
    expect(secret.stdout).toContain('NHI2');
    expectUsageError(await runCli(['explain', 'unowned']), /unknown rule "unowned": did you mean identity\/unowned\?/);
    // Every rule a report can carry is explained, those outside the policy table too (the text
    // report's hint names whichever rule is most common).
    for (const rule of ['scan/limit', 'owners/reassigned', 'suppression/inline-allow', 'parse/error']) {
      const explained = await runCli(['explain', rule]);
      expect(explained.code).toBe(0);
      expect(explained.stdout).toMatch(new RegExp(`^${rule.replace('/', '\\/')}: \\S`));
    }

    const schema = await runCli(['schema', 'owners']);
    expect(JSON.parse(schema.stdout).$id).toBe('https://unpkg.com/nhi-steward/schema/nhi-owners.schema.json');
    const list = await runCli(['schema']);
    expect(list.stdout).toContain('# yaml-language-server: $schema=https://unpkg.com/nhi-steward/schema/nhi-steward.schema.json');
    const local = /local: (.*nhi-owners\.schema\.json)/.exec(list.stdout)![1];
    expect(JSON.parse(readFileSync(local, 'utf8'))).toEqual(JSON.parse(schema.stdout));
    expectUsageError(await runCli(['schema', 'nope']), /unknown schema "nope"/);
  });
});
