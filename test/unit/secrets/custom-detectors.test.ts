import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/policy/config.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';

const CONFIG = `detectors:
  severity:
    generic-password: warning
  custom:
    - id: acme-internal-token
      title: ACME internal token
      regex: 'acme_(?<secret>[0-9a-f]{32})'
      keywords: [acme_]
      entropy: 3
      severity: warning
      allowlist:
        regexes: ['^0{32}$', '^deadbeef']
        paths: ['test/**']
`;

describe('detectors.custom and detectors.severity', () => {
  const { settings, errors } = parseConfig(CONFIG, '.github/nhi-steward.yml');

  it('parses without errors', () => {
    expect(errors).toEqual([]);
    expect(settings.detectors.custom?.map((c) => c.id)).toEqual(['acme-internal-token']);
  });

  it('finds what the custom regex describes, at its severity, redacted', () => {
    const findings = scanSecrets({ path: 'src/app.ts', content: 'const t = "acme_9f3a51c0b7e2d4a86c15e0f2a7b3c9d1";\n' }, settings);
    expect(findings.map((f) => [f.rule, f.level, f.line])).toEqual([['secret/acme-internal-token', 'warning', 1]]);
    expect(JSON.stringify(findings)).not.toContain('9f3a51c0b7e2d4a86c15e0f2a7b3c9d1');
  });

  it('honours the allowlist regexes and paths', () => {
    expect(scanSecrets({ path: 'src/app.ts', content: 'acme_deadbeef0b7e2d4a86c15e0f2a7b3c9d1\n' }, settings)).toEqual([]);
    expect(scanSecrets({ path: 'test/fixtures/a.ts', content: 'acme_9f3a51c0b7e2d4a86c15e0f2a7b3c9d1\n' }, settings)).toEqual([]);
  });

  it('applies severity overrides to built-in detectors', () => {
    const findings = scanSecrets({ path: 'app/.env', content: 'DB_PASSWORD=Zq8Lm2Xv9Rk4Tw5\n' }, settings);
    expect(findings.map((f) => [f.rule, f.level])).toEqual([['secret/generic-password', 'warning']]);
  });

  it('rejects a regex that does not compile, naming file and line, and keeps the valid ones', () => {
    const bad = `detectors:\n  custom:\n    - id: broken\n      regex: 'tok_(?<secret>[a-z'\n      keywords: [tok_]\n    - id: fine\n      regex: 'fine_[0-9]{8}'\n      keywords: [fine_]\n`;
    const parsed = parseConfig(bad, '.github/nhi-steward.yml');
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ rule: 'config/invalid', file: '.github/nhi-steward.yml', line: 4 });
    expect(parsed.errors[0].message).toMatch(/custom\[0\] \(broken\): regex does not compile/);
    expect(parsed.settings.detectors.custom?.map((c) => c.id)).toEqual(['fine']);
  });

  it('rejects a regex that backtracks catastrophically', () => {
    const bad = `detectors:\n  custom:\n    - id: slow\n      regex: '(?<secret>(a|a)*b)'\n      keywords: [aa]\n`;
    const parsed = parseConfig(bad, 'nhi.yml');
    expect(parsed.errors.map((e) => e.message).join('\n')).toMatch(/backtracks catastrophically/);
    expect(parsed.errors[0].line).toBe(4);
  });

  it('rejects an id taken by a built-in detector and a missing keyword list', () => {
    const bad = `detectors:\n  custom:\n    - id: github-classic-pat\n      regex: 'x_[0-9]{8}'\n      keywords: [x_]\n    - id: nokw\n      regex: 'y_[0-9]{8}'\n`;
    const messages = parseConfig(bad, 'nhi.yml').errors.map((e) => `${e.line}: ${e.message}`);
    expect(messages.join('\n')).toMatch(/3: .*built-in detector/);
    expect(messages.join('\n')).toMatch(/keywords/);
  });
});
