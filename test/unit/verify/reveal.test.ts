import { describe, expect, it } from 'vitest';
import { createParallelSecretScanner } from '../../../src/core/parallel/pool.js';
import { scanSources } from '../../../src/core/scan.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { defaultSettings, type RevealedSecret } from '../../../src/core/types.js';

const sample = (id: string) => allDetectors.find((d) => d.id === id)!.samples.positive[0];
const files = [
  { path: 'a.env', content: `${sample('github-classic-pat').text}\n` },
  { path: 'b.env', content: `${sample('npm-access-token').text}\n` },
  { path: 'c.env', content: `${sample('aws-access-key-id').text}\n${sample('aws-secret-access-key').text}\n` },
];

describe('secret values reach verification only when asked for', () => {
  it('scanSources hands each reported secret (pairs as both halves) to revealSecrets, and findings never hold them', async () => {
    const revealed: RevealedSecret[] = [];
    const result = await scanSources(files, { settings: defaultSettings(), revealSecrets: (s) => revealed.push(s), parallel: { workers: 0 } });
    const secrets = result.findings.filter((f) => f.rule.startsWith('secret/'));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    expect(new Set(revealed.map((r) => r.fingerprint))).toEqual(new Set(secrets.map((f) => f.fingerprint)));
    const pair = revealed.find((r) => r.detector === 'aws-access-key-pair')!;
    expect(pair.parts).toEqual([sample('aws-access-key-id').secret, sample('aws-secret-access-key').secret]);
    for (const part of revealed.flatMap((r) => r.parts)) expect(JSON.stringify(result)).not.toContain(part);
  });

  it('worker threads send the values back too', async () => {
    const revealed: RevealedSecret[] = [];
    const scanner = createParallelSecretScanner(defaultSettings(), { workers: 1, largeTreeBytes: 0, reveal: (s) => revealed.push(s) });
    for (const file of files) scanner.add(file);
    const findings = await scanner.finish();
    expect(scanner.filesFromWorkers).toBeGreaterThan(0);
    expect(new Set(revealed.map((r) => r.fingerprint))).toEqual(new Set(findings.map((f) => f.fingerprint)));
  });
});
