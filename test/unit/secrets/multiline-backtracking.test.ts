import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { defaultSettings } from '../../../src/core/types.js';
import { cpuTimed } from '../../support/cpu-time.js';

/**
 * Single-line adversarial inputs (redos.test.ts) miss patterns that look across lines. A real,
 * deeply indented multi-document manifest once drove the Kubernetes Secret detectors into
 * catastrophic backtracking (an ambiguous `[ \t]+[^\n]*` repeated per line). Hang detector only:
 * the bound is generous, not a benchmark.
 */
describe('multi-line manifests stay linear', () => {
  const manifest = readFileSync(new URL('../../../fixtures/demo-repo/deploy/k8s/ledger/ledger.yaml', import.meta.url), 'utf8');
  const deep = ['kind: Secret', 'data:', ...Array.from({ length: 180 }, (_, i) => `${' '.repeat(2 + (i % 40))}k${i}: ${'A'.repeat(30)}`)].join('\n');

  it.each([
    ['the ledger manifest ×40', Array.from({ length: 40 }, () => manifest).join('---\n')],
    ['a Secret with 180 deeply indented lines', deep],
    ['indented lines with no Secret', deep.replace('kind: Secret', 'kind: ConfigMap').repeat(20)],
  ])('%s', (_name, content) => {
    const { ms } = cpuTimed(() => scanSecrets({ path: 'deploy/big.yaml', content }, defaultSettings()));
    expect(ms).toBeLessThan(5_000);
  });
});
