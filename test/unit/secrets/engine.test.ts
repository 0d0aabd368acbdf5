import { describe, expect, it } from 'vitest';
import { createSecretScanner, scanSecrets, selectDetectors } from '../../../src/core/secrets/engine.js';
import { redact, secretFingerprint } from '../../../src/core/secrets/redact.js';
import { defaultSettings, type SourceFile } from '../../../src/core/types.js';
import { acme, body, detector, generic, keyId, keySecret, pem } from './engine-fixtures.js';

const settings = defaultSettings();
const scanner = createSecretScanner([acme, generic, keyId, keySecret, pem]);
const scan = (content: string, extra: Partial<SourceFile> = {}, s = settings) => scanner.scan({ path: 'src/app.ts', content, ...extra }, s);
const token = `acme_${body(1)}`;

describe('secrets engine: findings', () => {
  it('reports a match with rule, location, redacted value and fingerprint, never the secret', () => {
    const content = `const a = 1;\nconst client = new Acme("${token}");\n`;
    const [finding, ...rest] = scan(content);
    expect(rest).toEqual([]);
    expect(finding).toEqual({
      rule: 'secret/acme-token',
      level: 'error',
      file: 'src/app.ts',
      line: 2,
      column: content.split('\n')[1].indexOf(token) + 1,
      endLine: 2,
      endColumn: content.split('\n')[1].indexOf(token) + token.length + 1,
      message: `Acme API token: ${redact(token, 'acme_')}`,
      fingerprint: secretFingerprint('acme-token', token),
      // Internal: the same secret's id within this run (an HMAC under a per-process key).
      contentId: secretFingerprint('acme-token', token),
      detector: 'acme-token',
      redacted: redact(token, 'acme_'),
      owasp: ['NHI2'],
    });
    expect(JSON.stringify(finding)).not.toContain(token);
  });

  it('finds keywords case-insensitively and every occurrence in a file', () => {
    const t2 = `acme_${body(2)}`;
    const findings = scan(`x = "${token}"\ny = "${t2}" ; z = "${token}"\n`);
    expect(findings.map((f) => [f.line, f.fingerprint])).toEqual([
      [1, secretFingerprint('acme-token', token)],
      [2, secretFingerprint('acme-token', t2)],
      [2, secretFingerprint('acme-token', token)],
    ]);
  });

  it('captures the whole match when the pattern has no secret group', () => {
    const whole = createSecretScanner([detector({ id: 'whole', keywords: ['wt-'], pattern: /wt-[a-z0-9]{16}/ })]);
    const [finding] = whole.scan({ path: 'a.txt', content: 'k: WT-x wt-a8f3k2m9q1z7x4c6\n' }, settings);
    expect(finding.fingerprint).toBe(secretFingerprint('whole', 'wt-a8f3k2m9q1z7x4c6'));
    expect(finding.column).toBe(9);
  });

  it('applies the entropy floor and validate', () => {
    const validated = createSecretScanner([
      detector({ id: 'even', keywords: ['ev_'], pattern: /ev_(?<secret>[0-9]{8})/, validate: (s) => Number(s) % 2 === 0, skipGenericFilters: true }),
      detector({ id: 'entropic', keywords: ['en_'], pattern: /en_(?<secret>[a-z]{12})/, entropy: 3, skipGenericFilters: true }),
      detector({ id: 'throws', keywords: ['th_'], pattern: /th_(?<secret>[a-z]{4})/, validate: () => { throw new Error('bug'); } }),
    ]);
    const ids = validated.scan({ path: 'a', content: 'ev_83920574 ev_83920575 en_aaaaaaaaaaab en_qwertyuiopas th_abcd' }, settings).map((f) => f.detector);
    expect(ids).toEqual(['even', 'entropic']);
  });

  it('respects detectors.enabled / disabled and pathPattern', () => {
    const content = `token = "${body(3, 20)}" and ${token}`;
    expect(scan(content).map((f) => f.detector)).toEqual(['generic-assignment', 'acme-token']);
    const only = defaultSettings({ detectors: { enabled: ['acme-token'], disabled: [] } });
    expect(scan(content, {}, only).map((f) => f.detector)).toEqual(['acme-token']);
    const off = defaultSettings({ detectors: { enabled: [], disabled: ['acme-token'] } });
    expect(scan(content, {}, off).map((f) => f.detector)).toEqual(['generic-assignment']);
    const npmrc = createSecretScanner([{ ...acme, pathPattern: /(^|\/)\.npmrc$/ }]);
    expect(npmrc.scan({ path: 'src/a.ts', content: token }, settings)).toEqual([]);
    expect(npmrc.scan({ path: 'pkg/.npmrc', content: token }, settings)).toHaveLength(1);
    expect(selectDetectors([acme, generic], { enabled: [], disabled: [] })).toEqual([acme, generic]);
  });

  it('skips lock files', () => {
    expect(scan(`"resolved": "${token}"`, { path: 'web/package-lock.json' })).toEqual([]);
  });

  it('asks the shared false-positive filters unless the detector opts out', () => {
    const loose = detector({ id: 'loose', keywords: ['loose='], pattern: /loose=(?<secret>\S+)/ });
    const content = 'loose=<your-api-key-here>\n';
    expect(createSecretScanner([loose]).scan({ path: 'a.env', content }, settings)).toEqual([]);
    expect(createSecretScanner([{ ...loose, skipGenericFilters: true }]).scan({ path: 'a.env', content }, settings)).toHaveLength(1);
  });

  it('runs the real catalog: a checksum-valid token is found and redacted, a three-letter value is not', () => {
    expect(scanSecrets({ path: 'a.env', content: 'TOKEN=abc\n' }, settings)).toEqual([]);
    const ghp = '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';
    const found = scanSecrets({ path: 'b.env', content: `TOKEN=abc\nGITHUB_TOKEN=${ghp}\n` }, settings);
    expect(found.map((f) => [f.rule, f.line, f.redacted, f.fingerprint])).toEqual([['secret/github-classic-pat', 2, 'ghp_…kWP8', secretFingerprint('github-classic-pat', ghp)]]);
  });
});

describe('secrets engine: overlaps', () => {
  it('keeps one finding per secret span, the provider detector over a generic one', () => {
    const findings = scan(`api_token = "${token}"`);
    expect(findings.map((f) => f.rule)).toEqual(['secret/acme-token']);
  });

  it('keeps a generic finding that does not overlap the provider one', () => {
    const other = body(9, 20);
    const findings = scan(`secret_key = "${other}" # ${token}`);
    expect(findings.map((f) => f.rule)).toEqual(['secret/generic-assignment', 'secret/acme-token']);
  });

  it('prefers the longer secret, then the earlier detector, among provider detectors', () => {
    const short = detector({ id: 'short', keywords: ['acme_'], pattern: /acme_[A-Za-z0-9]{8}/ });
    const long = detector({ id: 'long', keywords: ['acme_'], pattern: /acme_[A-Za-z0-9]{24}/ });
    const twin = detector({ id: 'twin', keywords: ['acme_'], pattern: /acme_[A-Za-z0-9]{24}/ });
    const s = createSecretScanner([short, long, twin]);
    expect(s.scan({ path: 'a', content: token }, settings).map((f) => f.detector)).toEqual(['long']);
  });
});

describe('secrets engine: PR mode and suppression', () => {
  const content = `one\nkey: ${token}\nthree\n`;

  it('PR mode reports only matches on added lines', () => {
    expect(scan(content, { addedLines: new Set([1, 3]) })).toEqual([]);
    expect(scan(content, { addedLines: new Set([2]) })).toHaveLength(1);
  });

  it.each(['# nhi-steward:allow', '// gitleaks:allow', '# pragma: allowlist secret', '# NHI-STEWARD:ALLOW'])('honours %s on the same line only', (marker) => {
    expect(scan(`key: ${token} ${marker}\n`)).toEqual([]);
    expect(scan(`${marker}\nkey: ${token}\n`)).toHaveLength(1);
  });

  it('drops findings whose fingerprint is in the baseline', () => {
    const baseline = new Set([secretFingerprint('acme-token', token)]);
    expect(scan(content, {}, defaultSettings({ baseline }))).toEqual([]);
  });
});

describe('secrets engine: pairs', () => {
  const id = `ZKID${'Q7ZK3M9X2P4L'}`;
  const secret = body(4, 32);

  it('reports one pair finding at the first half when both halves are within range', () => {
    const content = `aws:\n  id: ${id}\n  # note\n  zeta_secret = ${secret}\n`;
    const findings = scan(content);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'secret/zeta-key-pair',
      detector: 'zeta-key-pair',
      level: 'error',
      line: 2,
      column: 7,
      fingerprint: secretFingerprint('zeta-key-pair', `${id}\n${secret}`),
      redacted: redact(id, 'ZKID'),
    });
    expect(findings[0].message).toContain('Zeta key id and secret');
    expect(findings[0].message).not.toContain(secret);
    expect(findings[0].message).not.toContain(id);
  });

  it('reports two singles when the halves are too far apart', () => {
    const content = `id: ${id}\n${'\n'.repeat(6)}zeta_secret = ${secret}\n`;
    expect(scan(content).map((f) => f.rule)).toEqual(['secret/zeta-key-id', 'secret/zeta-secret']);
  });

  it('pairs each id with its nearest secret', () => {
    const s2 = body(5, 32);
    const id2 = 'ZKIDW4T8N2R6J1VB';
    const content = `id: ${id}\nzeta_secret = ${secret}\n\n\nid: ${id2}\nzeta_secret = ${s2}\n`;
    expect(scan(content).map((f) => [f.rule, f.line, f.fingerprint])).toEqual([
      ['secret/zeta-key-pair', 1, secretFingerprint('zeta-key-pair', `${id}\n${secret}`)],
      ['secret/zeta-key-pair', 5, secretFingerprint('zeta-key-pair', `${id2}\n${s2}`)],
    ]);
  });

  it('a pair in PR mode is reported when either half is added; a marker on either half suppresses', () => {
    const content = `id: ${id}\nzeta_secret = ${secret}\n`;
    expect(scan(content, { addedLines: new Set([2]) }).map((f) => f.rule)).toEqual(['secret/zeta-key-pair']);
    expect(scan(`id: ${id}\nzeta_secret = ${secret} # nhi-steward:allow\n`)).toEqual([]);
  });
});

describe('secrets engine: multi-line blocks', () => {
  it('finds a block secret spanning lines and reports its end position', () => {
    const lines = [body(6, 64), body(7, 64), body(8, 20)];
    const content = `x\n-----BEGIN TEST PRIVATE KEY-----\n${lines.join('\n')}\n-----END TEST PRIVATE KEY-----\n`;
    const [finding] = scan(content);
    expect(finding).toMatchObject({ rule: 'secret/test-private-key', line: 3, column: 1, endLine: 5, endColumn: 21 });
    expect(finding.fingerprint).toBe(secretFingerprint('test-private-key', lines.join('\n')));
  });
});
