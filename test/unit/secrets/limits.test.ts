/**
 * Floods (docs/security.md): a file of thousands of tokens, or a repository of them, must finish
 * its scan with a bounded report, and no array of findings may be spread into a call (about 120k
 * arguments overflow the stack, so such a repository could never finish a full scan).
 */
import { describe, expect, it } from 'vitest';
import { append } from '../../../src/core/append.js';
import { scanSources } from '../../../src/core/scan.js';
import { createSecretScanner, MAX_SECRETS_PER_FILE } from '../../../src/core/secrets/engine.js';
import { defaultSettings } from '../../../src/core/types.js';
import { acme, body } from './engine-fixtures.js';

const gitlab = (i: number) => `glpat-${`Zq${i.toString(36)}x`.padEnd(8, 'k').repeat(3).slice(0, 20)}`;

describe('bounded findings', () => {
  it(`one file: at most ${MAX_SECRETS_PER_FILE} secret findings, and one scan/limit finding with the count`, () => {
    const content = Array.from({ length: 1200 }, (_, i) => `k${i} = "acme_${body(i)}"`).join('\n');
    const findings = createSecretScanner([acme]).scan({ path: 'dump.txt', content }, defaultSettings());
    expect(findings).toHaveLength(MAX_SECRETS_PER_FILE + 1);
    const limit = findings.at(-1)!;
    expect(limit).toMatchObject({ rule: 'scan/limit', file: 'dump.txt', line: MAX_SECRETS_PER_FILE + 1 });
    expect(limit.message).toContain('700 more secret findings in this file');
  });

  it('one scan: at most the per-scan limit, and a scan/limit finding saying how many more', async () => {
    const files = Array.from({ length: 6 }, (_, f) => ({ path: `f${f}.env`, content: Array.from({ length: 20 }, (_, i) => `T${i}="${gitlab(f * 100 + i)}"`).join('\n') }));
    const all = (await scanSources(files, { settings: defaultSettings(), parallel: { workers: 0 } })).findings.filter((f) => f.rule.startsWith('secret/')).length;
    expect(all).toBeGreaterThan(100);
    const result = await scanSources(files, { settings: defaultSettings({ limits: { secretsPerScan: 50 } }), parallel: { workers: 0 } });
    const secrets = result.findings.filter((f) => f.rule.startsWith('secret/'));
    expect(secrets).toHaveLength(50);
    const limit = result.findings.filter((f) => f.rule === 'scan/limit');
    expect(limit).toHaveLength(1);
    expect(limit[0].message).toContain(`${all - 50} more secret findings not reported (limit 50 per scan)`);
  });

  it('append moves more items than a spread can pass as arguments', () => {
    const many = Array.from({ length: 500_000 }, (_, i) => i);
    expect(() => [].push(...(many as never[]))).toThrow(RangeError); // the bug class, on this engine
    expect(append<number>([], many)).toHaveLength(500_000);
  });
});
