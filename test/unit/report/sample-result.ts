import { redact, secretFingerprint } from '../../../src/core/secrets/redact.js';
import type { Finding, InventoryEntry, ScanResult } from '../../../src/core/types.js';

/** A fake token built at run time, so this file itself holds no secret-looking literal. */
export const RAW_SECRET = ['ghp', '_', 'R4nd0mL00k1ngT0k3nV4lu3', 'Q7zKabcd1234'].join('');

export function secretFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'secret/github-classic-pat',
    level: 'error',
    file: 'services/api/config.ts',
    line: 12,
    column: 7,
    message: `GitHub personal access token ${redact(RAW_SECRET, 'ghp_')}`,
    fingerprint: secretFingerprint('github-classic-pat', RAW_SECRET),
    detector: 'github-classic-pat',
    redacted: redact(RAW_SECRET, 'ghp_'),
    owasp: ['NHI2'],
    ...overrides,
  };
}

export function entry(overrides: Partial<InventoryEntry> = {}): InventoryEntry {
  return {
    id: 'kubernetes:ServiceAccount/payments/billing-worker',
    kind: 'identity',
    platform: 'kubernetes',
    type: 'ServiceAccount',
    name: 'billing-worker',
    namespace: 'payments',
    file: 'k8s/billing.yaml',
    line: 3,
    attributes: {},
    usedBy: [],
    findings: [],
    ...overrides,
  };
}

export function sampleResult(): ScanResult {
  const unowned: Finding = {
    rule: 'identity/unowned',
    level: 'warning',
    file: 'k8s/billing.yaml',
    line: 3,
    column: 1,
    message: 'kubernetes:ServiceAccount/payments/billing-worker has no owner: add an entry to .github/nhi-owners.yml',
    fingerprint: 'a1'.repeat(32),
    identityId: 'kubernetes:ServiceAccount/payments/billing-worker',
    owasp: ['NHI1'],
    data: { snippet: '- match: "kubernetes:ServiceAccount/payments/billing-worker"\n  owner: "@TODO"\n  rotation: 90d\n' },
  };
  const noRotation: Finding = {
    rule: 'credential/no-rotation',
    level: 'warning',
    file: 'infra/iam.tf',
    line: 20,
    column: 1,
    message: 'terraform:aws_iam_access_key/ci has no rotation policy',
    fingerprint: 'b2'.repeat(32),
    identityId: 'terraform:aws_iam_access_key/ci',
    owasp: ['NHI7'],
  };
  const stale: Finding = {
    rule: 'owners/stale-entry',
    level: 'notice',
    file: '.github/nhi-owners.yml',
    line: 9,
    column: 5,
    message: 'entry matches no NHI | check the glob',
    fingerprint: 'c3'.repeat(32),
  };
  const testKey = secretFinding({ rule: 'secret/stripe-test-key', level: 'info', detector: 'stripe-test-key', file: 'services/api/config.ts', line: 14, redacted: 'sk_test_…9f2a', message: 'Stripe test key sk_test_…9f2a', fingerprint: 'd4'.repeat(32) });
  return {
    findings: [secretFinding(), testKey, stale, unowned, noRotation],
    skipped: [{ path: 'assets/logo.png', reason: 'binary', detail: 'NUL byte in the first 8 KiB' }],
    inventory: [
      entry(),
      entry({ id: 'terraform:aws_iam_access_key/ci', kind: 'credential', platform: 'terraform', type: 'aws_iam_access_key', name: 'ci', namespace: undefined, file: 'infra/iam.tf', line: 20, owner: '@acme/devex' }),
    ],
    stats: { files: 12, bytes: 3456, skipped: 1, durationMs: 5, detectors: 0, identities: 2 },
  };
}

export const context = { version: '0.1.0', root: 'demo' };
