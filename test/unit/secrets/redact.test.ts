import { describe, expect, it } from 'vitest';
import { quoteErrorMessage, quoteSourceText, redact, secretFingerprint } from '../../../src/core/secrets/redact.js';

describe('redact (docs/architecture.md, "Secrets": the prefix plus at most 4 characters)', () => {
  it.each([
    ['ghp_Zx9Lq2Vm7Tn4Wp8Bs1Hd3Kf6Jg5Rc0Ya2Q7zK', 'ghp_', 'ghp_…Q7zK'],
    ['AKIAZX9LQ2VM7TN4WP8B', 'AKIA', 'AKIA…WP8B'],
    // No prefix given, or the secret does not start with it: the tail only.
    ['Zx9Lq2Vm7Tn4Wp8Bs1Hd', undefined, '…s1Hd'],
    ['Zx9Lq2Vm7Tn4Wp8Bs1Hd', 'ghp_', '…s1Hd'],
    // Short secrets show at most a quarter of what follows the prefix, and under 12 characters nothing.
    ['hunter2x', undefined, '…'],
    ['Tr0ub4dor', undefined, '…'],
    ['Summer2024!', undefined, '…'],
    ['Summer2024!A', undefined, '…4!A'],
    ['abc', undefined, '…'],
    // A prefix that would be half the value or more is not shown; the quarter rule then covers it all.
    ['xoxb-12', 'xoxb-', '…'],
  ])('%s (prefix %s) → %s', (secret, prefix, expected) => {
    expect(redact(secret, prefix)).toBe(expected);
  });

  it('never shows more than the prefix and 4 characters (a quarter of the rest at most), whatever the length', () => {
    for (let length = 1; length <= 200; length++) {
      const rest = 'Zx9Lq2Vm7T'.repeat(20).slice(0, length);
      const secret = 'ghp_' + rest;
      const [shownPrefix, tail] = redact(secret, 'ghp_').split('…');
      expect(['', 'ghp_'], `length ${length}`).toContain(shownPrefix);
      const hidden = shownPrefix ? rest : secret;
      expect(hidden.endsWith(tail), `length ${length}`).toBe(true);
      expect(tail.length, `length ${length}`).toBeLessThanOrEqual(Math.min(4, Math.floor(hidden.length / 4)));
      if (hidden.length < 12) expect(tail, `length ${length}: no tail under 12 characters`).toBe('');
    }
  });
});

describe('secretFingerprint', () => {
  it('is a sha256 hex digest that depends on the detector and the value, not on their split', () => {
    const fp = secretFingerprint('github-classic-pat', 'ghp_abc');
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(secretFingerprint('github-classic-pat', 'ghp_abc')).toBe(fp);
    expect(secretFingerprint('github-classic-pa', 't' + 'ghp_abc')).not.toBe(fp);
    expect(secretFingerprint('npm-token', 'ghp_abc')).not.toBe(fp);
  });
});

describe('quoteSourceText: what a parse-error message may quote', () => {
  it.each(['aws_iam_user', 'ci_bot', 'ci-bot', 'DeployKey', 'aws_s3_bucket', 'ec2_role_v2', 'LEGACY_FTP_PASSWORD', 'resource', 'module.iam', 'getServiceAccountName', 'u1', '@acme/payments', 'infra/ci/**', '2027-03-31', '1.2.3'])('quotes the name %s as it is', (name) => {
    expect(quoteSourceText(name)).toBe(name);
  });

  it.each([
    ['a classic GitHub token', 'ghp_Zx9Lq2Vm7Tn4Wp8Bs1Hd3Kf6Jg5Rc0Ya2Ue4'],
    ['an AWS key id', 'AKIAZX9LQ2VM7TN4WP8B'],
    ['a dashed random value', 'Xk9L-2mVq-7Tn4-Wp8B'],
    ['a long letters-only run', 'ZxLqVmTnWpBsHdKfJgRcYaUeQo'],
    ['a mixed-case letters-only token', 'ZxLqVmTnWp'],
    ['a base64 value', 'ZGVwbG95OlRxOUx6MlhtOFZrNA=='],
    ['a connection string', 'postgres://app:Zx9Lq2Vm@db:5432/app'],
    ['a very long value', 'a'.repeat(65)],
  ])('redacts %s', (_what, secret) => {
    const quoted = quoteSourceText(secret);
    expect(quoted).toBe(redact(secret));
    expect(quoted).not.toContain(secret.slice(0, 8));
  });
});

describe('quoteErrorMessage: a foreign error message, made safe to show', () => {
  it("keeps V8's words and redacts the JSON it quotes", () => {
    // V8 quotes short input whole.
    const secret = 'Zx9Lq2Vm7Tn4Wp8B';
    let message = '';
    try {
      JSON.parse(secret);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(secret); // what we guard against
    const safe = quoteErrorMessage(message);
    expect(safe).toBe(`Unexpected token 'Z', "…Wp8B" is not valid JSON`);
  });

  it('keeps only the first line and readable words', () => {
    expect(quoteErrorMessage("Cannot read properties of undefined (reading 'metadata')\n    at extract (kubernetes.ts:1:1)")).toBe(
      "Cannot read properties of undefined (reading 'metadata')",
    );
    expect(quoteErrorMessage('bad value AKIAZX9LQ2VM7TN4WP8B here')).toBe('bad value …WP8B here');
  });
});

describe('redacting key blocks', () => {
  const body = 'MIIEpAIBAAKCAQEAx7Qv3nT9kLm2Zr8Wc4Yp1Hs6Jd0Fa5Ue';
  it.each([
    ['a PEM block', `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`, '-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----…a5Ue'],
    ['a JSON-escaped key', `-----BEGIN PRIVATE KEY-----\\n${body}==\\n-----END PRIVATE KEY-----\\n`, '-----BEGIN PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----…a5Ue'],
    ['no prefix', `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----`, undefined, '…a5Ue'],
  ])('%s shows the end of the key material, not the footer', (_name, secret, prefix, expected) => {
    expect(redact(secret, prefix)).toBe(expected);
  });
});
