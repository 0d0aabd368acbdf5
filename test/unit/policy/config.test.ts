import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/policy/config.js';
import { defaultSettings } from '../../../src/core/types.js';

const PATH = '.github/nhi-steward.yml';
const now = new Date('2026-01-01T00:00:00Z');
const base = () => defaultSettings({ now });

describe('config: every key lands in ScanSettings', () => {
  it('a full config', () => {
    const { settings, errors } = parseConfig(
      [
        'paths-ignore: ["vendor/**", "**/*.min.js"]',
        'max-file-size: 2MB',
        'fail-on: warning',
        'detectors:',
        '  disabled: [generic-password]',
        '  enabled: []',
        'issues:',
        '  labels: [security, nhi]',
        '  assignees-from-owner: false',
        'schedule: 7d',
        'baseline: .nhi/baseline.json',
        'owners-file: OWNERS.nhi.yml',
      ].join('\n'),
      PATH,
      base(),
    );
    expect(errors).toEqual([]);
    expect(settings).toEqual({
      ...base(),
      pathsIgnore: ['vendor/**', '**/*.min.js'],
      maxFileSize: 2 * 1024 * 1024,
      failOn: 'warning',
      detectors: { disabled: ['generic-password'], enabled: [] },
      issues: { labels: ['security', 'nhi'], assigneesFromOwner: false },
      scheduleMs: 7 * 24 * 3600 * 1000,
      baselinePath: '.nhi/baseline.json',
      ownersPath: 'OWNERS.nhi.yml',
    });
  });

  it.each([
    ['', {}],
    ['# only a comment\n', {}],
    ['max-file-size: 1048576', { maxFileSize: 1048576 }],
    ['max-file-size: 512KiB', { maxFileSize: 512 * 1024 }],
    ['fail-on: none', { failOn: 'none' }],
    ['schedule: 12h', { scheduleMs: 12 * 3600 * 1000 }],
  ])('%j', (content, expected) => {
    const { settings, errors } = parseConfig(content, PATH, base());
    expect(errors).toEqual([]);
    expect(settings).toEqual({ ...base(), ...expected });
  });

  it('defaults come from defaultSettings when no base is given', () => {
    expect(parseConfig('fail-on: notice', PATH).settings.failOn).toBe('notice');
  });
});

describe('config errors: exact message, line and column; the key keeps its default, others apply', () => {
  it.each([
    ['fail-onn: warning', 1, 1, 'unknown key "fail-onn" in the config file; did you mean "fail-on"?'],
    ['pathsignore: []', 1, 1, 'unknown key "pathsignore" in the config file; did you mean "paths-ignore"?'],
    ['detectors:\n  enabeld: []', 2, 3, 'unknown key "enabeld" in "detectors"; did you mean "enabled"?'],
    ['fail-on: critical', 1, 10, '"fail-on" must be one of error, warning, notice, info, none, not "critical"'],
    ['paths-ignore: vendor/**', 1, 15, '"paths-ignore" must be a list, not a string ("vendor/**")'],
    ['issues:\n  assignees-from-owner: yes', 2, 25, '"issues.assignees-from-owner" must be a boolean, not a string ("yes")'],
    ['max-file-size: 5 apples', 1, 16, 'max-file-size "5 apples" is not a size: write bytes or a number with B, KB, MB or GB, e.g. 5MB'],
    ['max-file-size: 0', 1, 16, '"max-file-size" must be at least 1'],
    ['schedule: daily', 1, 11, 'schedule "daily" is not a duration: write a whole number and a unit (h, d, w, mo, y), e.g. 90d'],
    ['baseline: [a]', 1, 11, '"baseline" must be a string, not a list'],
    ['- a\n- b', 1, 1, 'the config file must be a YAML mapping of settings, not a list'],
    ['fail-on: [', 2, 1, 'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ])('%j', (content, line, column, message) => {
    const { settings, errors } = parseConfig(`${content}\n`, PATH, base());
    expect(errors.map((e) => [e.rule, e.level, e.file, e.line, e.column, e.message])).toEqual([['config/invalid', 'error', PATH, line, column, `${PATH}: ${message}`]]);
    expect(settings).toEqual(base());
  });

  it('one bad key does not stop the others', () => {
    const { settings, errors } = parseConfig('fail-on: warning\nschedule: 3m\nmax-file-size: 1MB\n', PATH, base());
    expect(errors.map((e) => [e.line, e.column])).toEqual([[2, 11]]);
    expect(errors[0].message).toContain('(write 3mo for months)');
    expect(settings).toMatchObject({ failOn: 'warning', maxFileSize: 1024 * 1024, scheduleMs: base().scheduleMs });
  });

  it('fingerprints are hex digests', () => {
    expect(parseConfig('x: 1', PATH).errors[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
