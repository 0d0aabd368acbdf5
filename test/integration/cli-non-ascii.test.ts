/**
 * UTF-8 files that are not pure ASCII, through the CLI's folder scan, which reads them as stand-in
 * texts (src/core/stand-in.ts): what it reports must be what the real text holds. A value made of
 * accented letters is found (a stand-in alone would see placeholders of too little entropy); a
 * token after non-ASCII characters on its line is placed at the column an editor shows; a
 * Kubernetes manifest with non-ASCII comments still yields its service account. `--diff` and
 * `--staged` (which read real texts: stand-ins did not pay there, docs/performance.md "Stand-in
 * texts") judge the added lines of changed non-ASCII files, including a `-diff` file whose added
 * lines are found by comparing texts, and blame only the new identity.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { runInProcess } from '../support/cli/run-in-process.js';
import { HistoryRepo } from '../support/history-repo.js';

const TOKEN = fakeGithubToken(401);
const PASSWORD = 'Zöñüßéàçø9Kq';
type JsonFinding = { rule: string; file: string; line: number; column: number; identityId?: string };

describe('non-ASCII UTF-8 files in a folder scan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-cli-non-ascii-'));
  beforeAll(() => {
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'config.env'), `# Zugangsdaten für die Datenbank\ndb_password = "${PASSWORD}"\n`);
    writeFileSync(join(dir, 'client.ts'), `// ✓ ünïcödé 😀 — «client»\nconst tökén = "${TOKEN}";\n`);
    // 5,000 lines of non-ASCII prose before the token: its line number counts every one.
    writeFileSync(join(dir, 'notes.md'), `${'Größenordnung: 十分 — naïve café\n'.repeat(5000)}export GH_TOKEN=${TOKEN}\n`);
    writeFileSync(join(dir, 'k8s', 'sa.yaml'), ['# Dienstkonto — «payments» ✓', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: payments-bot', '  namespace: zahlungen', ''].join('\n'));
    writeFileSync(join(dir, 'README.md'), '# Überblick\n\nKeine Geheimnisse hier: token, password, api_key — nur Wörter.\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the secrets the real texts hold, at their lines and columns, and the manifest', async () => {
    const run = await runInProcess(['scan', dir, '-f', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[] };
    const secrets = report.findings.filter((f) => f.rule.startsWith('secret/'));
    const prefix = 'const tökén = "';
    expect(secrets.map((f) => [f.file, f.rule, f.line, f.column])).toEqual([
      ['client.ts', 'secret/github-classic-pat', 2, prefix.length + 1],
      ['config.env', 'secret/generic-password', 2, 'db_password = "'.length + 1],
      ['notes.md', 'secret/github-classic-pat', 5001, 'export GH_TOKEN='.length + 1],
    ]);
    expect(report.findings.filter((f) => f.file === 'k8s/sa.yaml').map((f) => [f.rule, f.line, f.identityId])).toEqual([['identity/unowned', 2, 'kubernetes:ServiceAccount/zahlungen/payments-bot']]);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});

describe('non-ASCII UTF-8 files in --diff and --staged', () => {
  const repo = new HistoryRepo('nhi-cli-non-ascii-diff-');
  let base = '';
  // Each account's description is not ASCII: only the new account is blamed.
  const manifest = (names: string[]) => names.map((name) => ['# Dienstkonto — «zahlungen» ✓', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `  name: ${name}`, '  namespace: zahlungen', '  annotations:', `    description: "Überweisungen für ${name} — 支払い"`, ''].join('\n')).join('---\n');
  beforeAll(() => {
    base = repo.commit('Alice', '2024-06-01T10:00:00Z', {
      'config.env': '# Zugangsdaten für die Datenbank\nA=1\n',
      'k8s/sa.yaml': manifest(['zahlungs-bot']),
      'docs/leitfaden.md': `${'Größenordnung — naïve café 十分\n'.repeat(500)}GH_TOKEN=${TOKEN}\n`,
      // git shows no lines for a `-diff` file: the added lines are those its base did not hold,
      // compared on the real texts (the token's line is not new).
      '.gitattributes': 'secrets/*.env -diff\n',
      'secrets/alt.env': `GH_TOKEN=${TOKEN} # Schlüssel für später\n`,
    });
    // The working tree adds a password of accented letters and a second service account; the
    // token already in docs/ is not this change's.
    writeFileSync(join(repo.dir, 'config.env'), `# Zugangsdaten für die Datenbank\nA=1\ndb_password = "${PASSWORD}"\n`);
    writeFileSync(join(repo.dir, 'k8s', 'sa.yaml'), manifest(['zahlungs-bot', 'ueberweisungs-bot']));
    writeFileSync(join(repo.dir, 'secrets', 'alt.env'), `GH_TOKEN=${TOKEN} # Schlüssel für später\nB=2 # zwei\n`);
  });
  afterAll(() => repo.cleanup());

  it('--diff judges the added lines of changed non-ASCII files and blames the new identity only', async () => {
    const run = await runInProcess(['scan', repo.dir, '--diff', base, '-f', 'json']);
    expect(run.code).toBe(1);
    const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.rule.startsWith('secret/')).map((f) => [f.file, f.rule, f.line, f.column])).toEqual([['config.env', 'secret/generic-password', 3, 'db_password = "'.length + 1]]);
    expect(findings.filter((f) => f.rule.startsWith('identity/')).map((f) => f.identityId)).toEqual(['kubernetes:ServiceAccount/zahlungen/ueberweisungs-bot']);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('--staged reads the staged texts the same way', async () => {
    repo.git('add', 'config.env', 'k8s/sa.yaml', 'secrets/alt.env');
    try {
      const run = await runInProcess(['scan', repo.dir, '--staged', '-f', 'json']);
      const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
      expect(findings.filter((f) => f.rule.startsWith('secret/')).map((f) => [f.file, f.line])).toEqual([['config.env', 3]]);
      expect(findings.filter((f) => f.rule.startsWith('identity/')).map((f) => f.identityId)).toEqual(['kubernetes:ServiceAccount/zahlungen/ueberweisungs-bot']);
    } finally {
      repo.git('reset', '-q');
    }
  });
});
