import { describe, expect, it } from 'vitest';
import { jsonRenderer } from '../../../src/core/report/json.js';
import { RAW_SECRET, context, sampleResult } from './sample-result.js';

describe('json report', () => {
  const result = sampleResult();
  const parsed = JSON.parse(jsonRenderer.render(result, context));

  it('follows the documented schema', () => {
    expect(parsed.version).toBe(1);
    expect(parsed.tool).toEqual({ name: 'nhi-steward', version: '0.1.0' });
    expect(parsed.findings).toHaveLength(5);
    expect(parsed.findings[0]).toEqual({
      rule: 'secret/github-classic-pat',
      level: 'error',
      file: 'services/api/config.ts',
      line: 12,
      column: 7,
      detector: 'github-classic-pat',
      redacted: 'ghp_…1234',
      fingerprint: result.findings[0].fingerprint,
      message: 'GitHub personal access token ghp_…1234',
      owasp: ['NHI2'],
    });
    expect(parsed.findings[3].identityId).toBe('kubernetes:ServiceAccount/payments/billing-worker');
    expect(parsed.skipped).toEqual([{ path: 'assets/logo.png', reason: 'binary', detail: 'NUL byte in the first 8 KiB' }]);
    expect(parsed.stats).toMatchObject({ files: 12, skipped: 1, findings: 5, byLevel: { error: 1, warning: 2, notice: 1, info: 1 } });
    expect(parsed.inventory.map((e: { id: string }) => e.id)).toEqual(['kubernetes:ServiceAccount/payments/billing-worker', 'terraform:aws_iam_access_key/ci']);
  });

  it('leaves out rule-specific data (only documented fields) and the raw secret', () => {
    expect(parsed.findings[3]).not.toHaveProperty('data');
    expect(JSON.stringify(parsed)).not.toContain(RAW_SECRET);
  });

  it('omits the inventory when there is none', () => {
    const out = JSON.parse(jsonRenderer.render({ ...result, inventory: [] }, context));
    expect(out).not.toHaveProperty('inventory');
  });
});
