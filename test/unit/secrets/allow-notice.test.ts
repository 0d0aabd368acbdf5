/**
 * A change that adds an inline allow marker (or a value beside one) silences a secret in every
 * later scan. In change modes (`addedLines`: `--diff`, the Action's and the App's PR checks) the
 * engine reports it as a `suppression/inline-allow` notice for the reviewer, never as a secret;
 * tree and history scans keep the marker's silence. src/core/secrets/engine.ts `reportable`.
 */
import { describe, expect, it } from 'vitest';
import { CommitSecrets } from '../../../src/core/commits.js';
import { createSecretScanner, INLINE_ALLOW_RULE } from '../../../src/core/secrets/engine.js';
import { redact, secretFingerprint } from '../../../src/core/secrets/redact.js';
import { defaultSettings, type SourceFile } from '../../../src/core/types.js';
import { acme, body, keyId, keySecret } from './engine-fixtures.js';

const settings = defaultSettings();
const scanner = createSecretScanner([acme, keyId, keySecret]);
const scan = (content: string, extra: Partial<SourceFile> = {}, s = settings) => scanner.scan({ path: 'test/fixtures.ts', content, ...extra }, s);
const token = `acme_${body(31)}`;
const content = `const a = 1;\nconst t = "${token}"; // gitleaks:allow\nconst b = 2;\n`;

describe('secrets silenced by a marker the change adds', () => {
  it('are a notice with the secret\'s place, redacted value and fingerprint, in change modes only', () => {
    const [notice, ...rest] = scan(content, { addedLines: new Set([2]) });
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({
      rule: INLINE_ALLOW_RULE,
      level: 'notice',
      file: 'test/fixtures.ts',
      line: 2,
      column: content.split('\n')[1].indexOf(token) + 1,
      fingerprint: secretFingerprint('acme-token', token),
      detector: 'acme-token',
      redacted: redact(token, 'acme_'),
    });
    expect(notice.message).toBe(`Acme API token: ${redact(token, 'acme_')} — silenced by an inline allow marker on a line this change adds; a reviewer should confirm it is not a real credential`);
    expect(JSON.stringify(notice)).not.toContain(token);
    // A tree scan accepts the marker; a change that does not touch the line says nothing.
    expect(scan(content)).toEqual([]);
    expect(scan(content, { addedLines: new Set([1, 3]) })).toEqual([]);
  });

  it('sit in line order among the secrets the change adds, which keep their own findings', () => {
    const other = `acme_${body(32)}`;
    const text = `const t = "${token}"; // nhi-steward:allow\nconst u = "${other}";\n`;
    expect(scan(text, { addedLines: new Set([1, 2]) }).map((f) => [f.rule, f.line])).toEqual([
      [INLINE_ALLOW_RULE, 1],
      ['secret/acme-token', 2],
    ]);
  });

  it('a pair with a marker on either line is one notice', () => {
    const id = `ZKID${body(33, 12).toUpperCase().replace(/[^A-Z0-9]/g, 'Q')}`;
    const secret = body(34, 32).replace(/[^A-Za-z0-9/+]/g, 'x');
    const text = `zkid = "${id}"\nzeta_secret = ${secret}  # pragma: allowlist secret\n`;
    const plain = scan(text.replace('  # pragma: allowlist secret', ''), { addedLines: new Set([1, 2]) });
    expect(plain.map((f) => f.rule)).toEqual(['secret/zeta-key-pair']);
    const found = scan(text, { addedLines: new Set([1, 2]) });
    expect(found.map((f) => [f.rule, f.detector, f.line])).toEqual([[INLINE_ALLOW_RULE, 'zeta-key-pair', 1]]);
    for (const f of found) expect(JSON.stringify(f)).not.toContain(secret);
  });

  it('a value the baseline accepts needs no review: no notice', () => {
    const baselined = { ...settings, baseline: new Set([secretFingerprint('acme-token', token)]) };
    expect(scan(content, { addedLines: new Set([2]) }, baselined)).toEqual([]);
  });

  it('live verification never sees a silenced value', () => {
    const seen: string[] = [];
    scanner.scan({ path: 'a.ts', content, addedLines: new Set([2]) }, settings, (s) => seen.push(...s.parts));
    expect(seen).toEqual([]);
  });

  it('per-commit scans keep them out: the net change reports a marker, a commit does not', () => {
    const commits = new CommitSecrets(settings);
    commits.startCommit();
    commits.addFile({ sha: 'a'.repeat(40), author: 'alice', date: '2024-01-01T00:00:00Z' }, { path: 'a.ts', content, addedLines: new Set([2]) });
    expect(commits.findings()).toEqual([]);
  });
});
