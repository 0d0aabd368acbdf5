import { describe, expect, it } from 'vitest';
import { shortMessage, textRenderer } from '../../../src/core/report/text.js';
import { RAW_SECRET, context, sampleResult, secretFinding } from './sample-result.js';

describe('text report', () => {
  const result = sampleResult();

  it('groups findings by file with line:col, level, rule and redacted value, secrets first', () => {
    const out = textRenderer.render(result, context);
    const lines = out.split('\n');
    expect(out.indexOf('Secrets (2)')).toBeLessThan(out.indexOf('services/api/config.ts'));
    expect(out.indexOf('services/api/config.ts')).toBeLessThan(out.indexOf('Identities and owners file (3)'));
    expect(out.indexOf('Identities and owners file (3)')).toBeLessThan(out.indexOf('.github/nhi-owners.yml'));
    const header = lines.indexOf('services/api/config.ts');
    expect(header).toBeGreaterThanOrEqual(0);
    expect(lines[header + 1]).toMatch(/^ {2}12:7 {2}error {4}GitHub personal access token ghp_…1234 {2}secret\/github-classic-pat$/);
    expect(lines[header + 2]).toMatch(/14:7 {2}info .*sk_test_…9f2a/);
    expect(out).toContain('k8s/billing.yaml\n  3:1  warning');
  });

  it('counts files over max-file-size read in pieces apart from skipped ones: they were scanned for secrets', () => {
    const pieces = { path: 'db/dump.sql', reason: 'too-large' as const, detail: '6000000 bytes exceeds max-file-size 5242880: scanned for secrets in pieces, not parsed for identities' };
    const unread = { path: 'db/big.tf', reason: 'too-large' as const, detail: '6000000 bytes exceeds max-file-size 5242880; not downloaded' };
    const out = textRenderer.render({ ...result, skipped: [...result.skipped, pieces, unread] }, context);
    expect(out).toContain('2 binary or oversized file(s) skipped (--verbose lists them).');
    expect(out).toContain('1 file(s) over max-file-size scanned for secrets only, in pieces (--verbose lists them).');
    const verbose = textRenderer.render({ ...result, skipped: [...result.skipped, pieces] }, { ...context, verbose: true });
    expect(verbose).toContain('db/dump.sql  too-large: 6000000 bytes exceeds max-file-size 5242880: scanned for secrets in pieces');
    expect(verbose).not.toContain('scanned for secrets only');
  });

  it('starts with counts by level; counts binary skips and lists them only when verbose', () => {
    const out = textRenderer.render(result, context);
    expect(out.split('\n')[0]).toBe('5 finding(s) (2 secret(s), 3 identity/owners): 1 error, 2 warnings, 1 notice, 1 info in 4 file(s). 12 file(s) scanned in demo, 2 NHI(s), 1 skipped.');
    expect(out).not.toContain('assets/logo.png');
    expect(out).toContain('1 binary or oversized file(s) skipped (--verbose lists them).');
    expect(textRenderer.render(result, { ...context, verbose: true })).toContain('Skipped 1 file(s):\n  assets/logo.png  binary: NUL byte in the first 8 KiB');
    const loop = { ...result, skipped: [{ path: 'src/up', reason: 'symlink-loop' as const, detail: 'points at an ancestor' }] };
    expect(textRenderer.render(loop, context)).toContain('Skipped 1 file(s):\n  src/up  symlink-loop');
  });

  it('keeps the headline of a message and leaves the fix to `explain`', () => {
    const out = textRenderer.render(result, context);
    expect(out).toContain('  3:1  warning  kubernetes:ServiceAccount/payments/billing-worker has no owner  identity/unowned');
    expect(out).toContain('What each rule means and how to fix it: nhi-steward explain RULE (e.g. nhi-steward explain owners/stale-entry).');
    expect(shortMessage('x:secret/A: it has no rotation policy: rotate it and give …')).toBe('x:secret/A: it has no rotation policy');
    expect(shortMessage('Job `a` gives aws-actions/configure-aws-credentials long-lived AWS keys (k). Use OIDC instead: role')).toBe('Job `a` gives aws-actions/configure-aws-credentials long-lived AWS keys (k)');
    expect(shortMessage('malformed YAML: bad indentation of a mapping entry')).toBe('malformed YAML: bad indentation of a mapping entry');
  });

  it('quiet: findings only', () => {
    const out = textRenderer.render(result, { ...context, quiet: true });
    expect(out.startsWith('Secrets (2)\n')).toBe(true);
    expect(out).not.toMatch(/finding\(s\)|skipped|explain/);
    expect(textRenderer.render({ ...result, findings: [] }, { ...context, quiet: true })).toBe('');
  });

  it('uses ANSI colors only when asked', () => {
    expect(textRenderer.render(result, context)).not.toContain('\u001b[');
    expect(textRenderer.render(result, { ...context, color: true })).toContain('\u001b[31merror');
  });

  it('shows names from the repository escaped: no terminal codes, line breaks or bidirectional overrides from them reach the terminal', () => {
    // A history scan reads any file name git stores, and a commit's author is whatever its
    // committer typed: both reach the report verbatim.
    const file = 'evil\u001b]0;pwned\u0007\n\u001b[1A\u001b[2K.env';
    const message = 'GitHub personal access token — introduced in commit 1a2b3c4 by Mallory\u001b[2J\u202egnp.exe\u009b on 2024-01-01; still present at HEAD';
    const hostile = {
      ...result,
      findings: [secretFinding({ file, message, redacted: 'ghp_…\u001b[8m' })],
      skipped: [{ path: 'bad\rname', reason: 'unreadable' as const, detail: 'x\u001b[31my' }],
    };
    for (const color of [false, true]) {
      const out = textRenderer.render(hostile, { ...context, color, root: 'repo\u2028x' });
      const ours = color ? out.replace(/\u001b\[[0-9;]*m/g, '') : out; // our own colors, when asked
      expect(ours).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      expect(ours).toContain('evil\\u001b]0;pwned\\u0007\\n\\u001b[1A\\u001b[2K.env');
      expect(ours).toContain('by Mallory\\u001b[2J\\u202egnp.exe\\u009b on 2024-01-01');
      expect(ours).toContain('bad\\rname  unreadable: x\\u001b[31my');
      expect(ours).toContain('scanned in repo\\u2028x');
      // Every line break is one of the report's own: its lines are the ones it writes.
      expect(ours.split('\n').filter((line) => line.includes('evil'))).toHaveLength(1);
    }
  });

  it('says so when there is nothing to report', () => {
    const out = textRenderer.render({ ...result, findings: [], skipped: [] }, context);
    expect(out).toBe('No findings. 12 file(s) scanned in demo, 2 NHI(s), 0 skipped.\n');
  });

  it('a history scan counts unique blobs and the commits walked, not files and NHIs', () => {
    const out = textRenderer.render({ ...result, findings: [], skipped: [] }, { ...context, history: { commits: 340 } });
    expect(out).toBe('No findings. 12 unique blob(s) of 340 commit(s) scanned in demo, 0 skipped.\n');
  });

  it('never prints the raw secret', () => {
    expect(textRenderer.render(result, { ...context, color: true })).not.toContain(RAW_SECRET);
  });
});
