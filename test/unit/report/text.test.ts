import { describe, expect, it } from 'vitest';
import { textRenderer } from '../../../src/core/report/text.js';
import { RAW_SECRET, context, sampleResult } from './sample-result.js';

describe('text report', () => {
  const result = sampleResult();

  it('groups findings by file with line:col, level, rule and redacted value', () => {
    const out = textRenderer.render(result, context);
    const lines = out.split('\n');
    const header = lines.indexOf('services/api/config.ts');
    expect(header).toBeGreaterThanOrEqual(0);
    expect(lines[header + 1]).toMatch(/^ {2}12:7 {2}error {4}GitHub personal access token ghp_…1234 {2}secret\/github-classic-pat$/);
    expect(lines[header + 2]).toMatch(/14:7 {2}info .*sk_test_…9f2a/);
    expect(out).toContain('k8s/billing.yaml\n  3:1  warning');
  });

  it('ends with counts by level and lists skipped files with reasons', () => {
    const out = textRenderer.render(result, context);
    expect(out).toContain('Skipped 1 file(s):\n  assets/logo.png  binary: NUL byte in the first 8 KiB');
    expect(out.trimEnd().split('\n').at(-1)).toBe('5 finding(s): 1 error, 2 warnings, 1 notice, 1 info in 4 file(s). 12 file(s) scanned in demo, 2 NHI(s), 1 skipped.');
  });

  it('uses ANSI colors only when asked', () => {
    expect(textRenderer.render(result, context)).not.toContain('\u001b[');
    expect(textRenderer.render(result, { ...context, color: true })).toContain('\u001b[31merror');
  });

  it('says so when there is nothing to report', () => {
    const out = textRenderer.render({ ...result, findings: [], skipped: [] }, context);
    expect(out).toBe('No findings. 12 file(s) scanned in demo, 2 NHI(s), 0 skipped.\n');
  });

  it('never prints the raw secret', () => {
    expect(textRenderer.render(result, { ...context, color: true })).not.toContain(RAW_SECRET);
  });
});
