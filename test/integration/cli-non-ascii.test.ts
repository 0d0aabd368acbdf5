/**
 * UTF-8 files that are not pure ASCII, through the CLI's folder scan, which reads them as stand-in
 * texts (src/core/stand-in.ts): what it reports must be what the real text holds. A value made of
 * accented letters is found (a stand-in alone would see placeholders of too little entropy); a
 * token after non-ASCII characters on its line is placed at the column an editor shows; a
 * Kubernetes manifest with non-ASCII comments still yields its service account; and none of it
 * depends on where a file's non-ASCII characters sit against the reader's blocks.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { runInProcess } from '../support/cli/run-in-process.js';

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
