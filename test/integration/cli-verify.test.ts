import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { VERIFY_SPECS } from '../../src/verify/index.js';
import { runCli } from '../support/cli/run-cli.js';
import { runInProcess } from '../support/cli/run-in-process.js';
import { HistoryRepo } from '../support/history-repo.js';
import { startStandIn, type StandIn } from '../support/verify/stand-in.js';

const sample = (id: string) => allDetectors.find((d) => d.id === id)!.samples.positive[0];
const GITHUB = sample('github-classic-pat');
const NPM = sample('npm-access-token');

let standIn: StandIn;
let dir: string;
beforeAll(async () => {
  standIn = await startStandIn(VERIFY_SPECS);
  dir = mkdtempSync(join(tmpdir(), 'nhi-verify-cli-'));
  mkdirSync(join(dir, '.github'));
  writeFileSync(join(dir, 'deploy.env'), `${GITHUB.text}\n`);
  writeFileSync(join(dir, 'publish.env'), `${NPM.text}\n`);
  writeFileSync(join(dir, 'deploy-copy.env'), `${GITHUB.text}\n`); // the same token twice: verified once
  // Endpoints point at the stand-in; without --verify they must still never be called.
  const endpoints = standIn.endpoints(['github', 'npm']);
  writeFileSync(join(dir, '.github/nhi-steward.yml'), `verify:\n  enabled: on\n  endpoints:\n    github: ${endpoints.github}\n    npm: ${endpoints.npm}\n`);
});
afterAll(async () => {
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  standIn.modes.clear();
  standIn.requests.length = 0;
});

describe('scan --verify (CLI)', () => {
  it('makes no network request of any kind without --verify, even with verify: on in the scanned repo', async () => {
    const connects = vi.spyOn(net.Socket.prototype, 'connect');
    const fetches = vi.spyOn(globalThis, 'fetch');
    const run = await runInProcess(['scan', dir, '--format', 'json', '--fail-on', 'none']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.findings.map((f: { detector: string }) => f.detector).sort()).toEqual(['github-classic-pat', 'github-classic-pat', 'npm-access-token']);
    expect(report.findings.every((f: object) => !('verification' in f))).toBe(true);
    expect(connects).not.toHaveBeenCalled();
    expect(fetches).not.toHaveBeenCalled();
    expect(standIn.requests).toHaveLength(0);

    // The same spies see the requests once --verify is given (so the test above can fail): one per unique secret.
    const verified = await runInProcess(['scan', dir, '--format', 'json', '--fail-on', 'none', '--verify']);
    expect(verified.code).toBe(0);
    expect(fetches).toHaveBeenCalledTimes(2);
    expect(connects).toHaveBeenCalled();
    expect(standIn.requests).toHaveLength(2);
  });

  it('shows live and revoked verdicts in text, JSON and SARIF; a live secret becomes an error that says rotate now', async () => {
    standIn.modes.set('npm', 'revoked');
    const json = await runCli(['scan', dir, '--format', 'json', '--fail-on', 'none', '--verify']);
    expect(json.code).toBe(0);
    const findings = JSON.parse(json.stdout).findings as { detector: string; level: string; message: string; verification: string; verificationDetail: { provider: string; facts?: Record<string, string> } }[];
    expect(findings.filter((f) => f.verification === 'live')).toHaveLength(2); // both copies, one request
    const github = findings.find((f) => f.detector === 'github-classic-pat')!;
    const npm = findings.find((f) => f.detector === 'npm-access-token')!;
    expect(github).toMatchObject({ level: 'error', verification: 'live', verificationDetail: { provider: 'github', facts: { account: 'fact-account', scopes: 'fact-scopes' } } });
    expect(github.message).toMatch(/ — live: rotate now \(account fact-account; scopes fact-scopes; expires fact-expires\)$/);
    expect(npm).toMatchObject({ verification: 'revoked', verificationDetail: { provider: 'npm' } });
    expect(json.stderr).toContain('verified secrets: 2 live, 1 revoked, 0 unknown (2 request(s) sent)');
    expect(json.stderr).toContain(`verify: github secrets go to the configured endpoint host 127.0.0.1:${standIn.port}`);

    const text = await runCli(['scan', dir, '--fail-on', 'none', '--verify']);
    expect(text.stdout).toContain('live: rotate now');
    expect(text.stdout).toContain('revoked (the provider refused it)');
    const markdown = await runInProcess(['scan', dir, '--format', 'markdown', '--fail-on', 'none', '--verify']);
    expect(markdown.stdout).toContain('live: rotate now');
    const sarif = JSON.parse((await runCli(['scan', dir, '--format', 'sarif', '--fail-on', 'none', '--verify'])).stdout);
    const results = sarif.runs[0].results as { properties: { verification?: string } }[];
    expect(results.map((r) => r.properties.verification).sort()).toEqual(['live', 'live', 'revoked']);

    for (const out of [json.stdout, json.stderr, text.stdout, text.stderr, markdown.stdout, JSON.stringify(sarif)]) {
      expect(out).not.toContain(GITHUB.secret);
      expect(out).not.toContain(NPM.secret);
    }
  });

  it('--only-live reports only live secrets and fails on them; --fail-on live passes when none is live', async () => {
    standIn.modes.set('npm', 'revoked');
    const only = await runInProcess(['scan', dir, '--format', 'json', '--only-live']);
    expect(only.code).toBe(1);
    expect(JSON.parse(only.stdout).findings.map((f: { detector: string }) => f.detector)).toEqual(['github-classic-pat', 'github-classic-pat']);

    standIn.modes.set('github', 'revoked');
    const gate = await runInProcess(['scan', dir, '--format', 'json', '--fail-on', 'live']);
    expect(gate.code).toBe(0);
    expect(JSON.parse(gate.stdout).findings).toHaveLength(3);

    standIn.modes.set('github', 'server-error');
    const unknown = await runInProcess(['scan', dir, '--format', 'json', '--fail-on', 'live']);
    expect(unknown.code).toBe(0);
    expect(JSON.parse(unknown.stdout).findings.find((f: { detector: string }) => f.detector === 'github-classic-pat')).toMatchObject({ verification: 'unknown', verificationDetail: { reason: 'GitHub server error (HTTP 503)' } });
  });

  it('--history --verify verifies a secret that exists only in an old commit', async () => {
    const history = new HistoryRepo('nhi-verify-history-');
    try {
      history.commit('Dev', '2025-01-01T00:00:00Z', { 'ci.env': `${GITHUB.text}\n` });
      history.commit('Dev', '2025-02-01T00:00:00Z', { 'ci.env': null, 'README.md': '# clean\n' });
      const config = join(history.dir, '..', `${history.dir.split('/').pop()}-config.yml`);
      writeFileSync(config, `verify:\n  endpoints:\n    github: ${standIn.endpoints(['github']).github}\n`);
      const run = await runInProcess(['scan', history.dir, '--history', '--format', 'json', '--fail-on', 'live', '--config', config]);
      expect(run.code).toBe(1);
      const [finding] = JSON.parse(run.stdout).findings;
      expect(finding).toMatchObject({ detector: 'github-classic-pat', presentAtHead: false, verification: 'live', level: 'error' });
      expect(standIn.requests).toHaveLength(1);
      const markdown = await runInProcess(['scan', history.dir, '--history', '--format', 'markdown', '--verify', '--config', config]);
      expect(markdown.stdout).toMatch(/\| no \(removed\) \| .* \| \*\*live: rotate now\*\* \|/);
      rmSync(config, { force: true });
    } finally {
      history.cleanup();
    }
  });
});
