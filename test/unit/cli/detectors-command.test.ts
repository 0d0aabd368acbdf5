import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { renderDetectorsDoc, type PeerFile } from '../../../src/core/secrets/detectors-doc.js';
import { runInProcess as runCli } from '../../support/cli/run-in-process.js';

describe('nhi-steward detectors', () => {
  it('--format json lists every detector with id, provider, severity and keywords', async () => {
    const run = await runCli(['detectors', '--format', 'json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { id: string; provider: string; severity: string; keywords: string[] }[];
    expect(rows.map((r) => r.id)).toEqual(allDetectors.map((d) => d.id));
    const github = rows.find((r) => r.id === 'github-classic-pat')!;
    expect(github).toMatchObject({ provider: 'GitHub', severity: 'error', keywords: ['ghp_'] });
  });

  it('prints one line per detector as text', async () => {
    const run = await runCli(['detectors']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^paystack-secret-key\s+Paystack\s+error\s+sk_live_$/m);
    expect(run.stdout.trim().split('\n')).toHaveLength(allDetectors.length + 1);
  });

  it('rejects an unknown format', async () => {
    const run = await runCli(['detectors', '--format', 'xml']);
    expect(run.code).toBe(2);
  });
});

describe('docs/detectors.md', () => {
  it('is generated from the current catalog (npm run docs:detectors)', () => {
    const peers = JSON.parse(readFileSync(new URL('../../../docs/peer-rules.json', import.meta.url), 'utf8')) as PeerFile;
    const doc = readFileSync(new URL('../../../docs/detectors.md', import.meta.url), 'utf8');
    expect(doc === renderDetectorsDoc(peers), 'docs/detectors.md is stale: run npm run docs:detectors').toBe(true);
    for (const d of allDetectors) expect(doc).toContain(`| \`${d.id}\` |`);
  });
});
