/**
 * Salted baseline entries and issues for secrets in history (docs/history.md, "Issues for secrets
 * in history"): a history scan that sees a secret accepted by a salted baseline entry reports its
 * published fingerprint in `result.baselined`, so the issue of that secret (removed from the tree,
 * still in history) can close. Real git, the real baseline reader and the real engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseline } from '../../src/core/secrets/baseline.js';
import { DEFAULT_SCRYPT, newSalt, saltedSecretHash } from '../../src/core/secrets/fingerprint.js';
import { defaultSettings, type ScanSettings } from '../../src/core/types.js';
import { historyMarker, keepsHistoryIssue } from '../../src/github/history-issues.js';
import { scanHistory } from '../../src/workspace/history.js';
import { fakeGithubToken } from '../support/cli/run-cli.js';
import { HistoryRepo } from '../support/history-repo.js';

const ACCEPTED = fakeGithubToken(301);
const NOT_ACCEPTED = fakeGithubToken(302);
const KEY = { kind: 'keyed', key: Buffer.alloc(32, 7).toString('base64') } as const;

describe('history scan with a salted baseline', () => {
  const repo = new HistoryRepo();
  let settings: ScanSettings;
  beforeAll(() => {
    repo.commit('Alice', '2024-01-01T10:00:00Z', { 'config.env': `TOKEN=${ACCEPTED}\n`, 'other.env': `KEY=${NOT_ACCEPTED}\n` });
    repo.commit('Bob', '2024-01-02T10:00:00Z', { 'config.env': 'TOKEN=\n', 'other.env': 'KEY=\n', 'README.md': '# demo\n' });
    const salt = newSalt();
    const file = { version: 2, kdf: { name: 'scrypt', ...DEFAULT_SCRYPT, salt }, fingerprints: [{ hash: saltedSecretHash(salt, DEFAULT_SCRYPT, 'github-classic-pat', ACCEPTED), rule: 'secret/github-classic-pat', file: 'config.env' }] };
    const loaded = readBaseline(JSON.stringify(file), '.nhi-steward-baseline.json');
    expect(loaded.salted).toBeDefined();
    settings = { ...defaultSettings(), fingerprint: KEY, salted: [loaded.salted!] };
  });
  afterAll(() => repo.cleanup());

  it('names the published fingerprint of the accepted secret (never its value), so its history issue closes; the other stays open', async () => {
    // Without the baseline: both secrets, each an issue with the history marker.
    const plain = await scanHistory(repo.dir, { settings: { ...settings, salted: [] } });
    const accepted = plain.result.findings.find((f) => f.file === 'config.env')!;
    const other = plain.result.findings.find((f) => f.file === 'other.env')!;
    expect(accepted.presentAtHead).toBe(false);
    expect(other.presentAtHead).toBe(false);
    expect(plain.result.baselined).toBeUndefined();

    const { result } = await scanHistory(repo.dir, { settings });
    expect(result.findings.map((f) => f.file)).toEqual(['other.env']);
    expect(result.baselined).toEqual([accepted.fingerprint]);
    expect(JSON.stringify(result)).not.toContain(ACCEPTED);

    const issueOf = (finding: typeof accepted) => ({ body: `Embedded secret\n${historyMarker([finding])}` });
    // The salted entry alone (what a scan knew before): the issue could never close.
    expect(keepsHistoryIssue(issueOf(accepted), settings)).toBe(true);
    expect(keepsHistoryIssue(issueOf(accepted), settings, result.baselined)).toBe(false);
    expect(keepsHistoryIssue(issueOf(other), settings, result.baselined)).toBe(true);
  });

  it('gives the same answer when a worker thread scans the blobs', async () => {
    const here = await scanHistory(repo.dir, { settings, parallel: { workers: 0 } });
    const worker = await scanHistory(repo.dir, { settings, parallel: { workers: 1, startAfterBytes: 0 } });
    expect(worker.history.blobsFromWorkers).toBeGreaterThan(0);
    expect(worker.result.baselined).toEqual(here.result.baselined);
    expect(worker.result.findings.map((f) => f.fingerprint)).toEqual(here.result.findings.map((f) => f.fingerprint));
  });
});

describe('history scan with a salted baseline: a blob over max-file-size, read in pieces', () => {
  it('names the published fingerprint of the secret the salted entry accepted', async () => {
    const repo = new HistoryRepo();
    try {
      const padding = 'INSERT INTO events VALUES (1, \'generated row of a dump\');\n'.repeat(110_000);
      repo.commit('Alice', '2024-01-01T10:00:00Z', { 'db/dump.sql': `${padding}-- TOKEN=${ACCEPTED}\n` });
      repo.commit('Bob', '2024-01-02T10:00:00Z', { 'db/dump.sql': null, 'README.md': '# demo\n' });
      const salt = newSalt();
      const file = { version: 2, kdf: { name: 'scrypt', ...DEFAULT_SCRYPT, salt }, fingerprints: [{ hash: saltedSecretHash(salt, DEFAULT_SCRYPT, 'github-classic-pat', ACCEPTED), rule: 'secret/github-classic-pat', file: 'db/dump.sql' }] };
      const settings: ScanSettings = { ...defaultSettings(), fingerprint: KEY, salted: [readBaseline(JSON.stringify(file), '.nhi-steward-baseline.json').salted!] };
      const plain = await scanHistory(repo.dir, { settings: { ...settings, salted: [] } });
      expect(plain.result.findings.map((f) => [f.file, f.presentAtHead])).toEqual([['db/dump.sql', false]]);
      expect(plain.result.skipped.map((s) => s.detail)).toEqual([expect.stringMatching(/scanned for secrets in pieces/)]);
      const { result } = await scanHistory(repo.dir, { settings });
      expect(result.findings).toEqual([]);
      expect(result.baselined).toEqual([plain.result.findings[0].fingerprint]);
      expect(JSON.stringify(result)).not.toContain(ACCEPTED);
    } finally {
      repo.cleanup();
    }
  });
});
