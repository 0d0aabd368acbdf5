import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/policy/config.js';

const PATH = '.github/nhi-steward.yml';

describe('config: verify', () => {
  it('is off unless switched on', () => {
    expect(parseConfig('fail-on: error\n', PATH).settings.verify).toBeUndefined();
    expect(parseConfig('verify: off\n', PATH).settings.verify).toEqual({ enabled: false, endpoints: {} });
  });

  it('accepts on, true, and a mapping with enabled and endpoints', () => {
    expect(parseConfig('verify: on\n', PATH).settings.verify).toEqual({ enabled: true, endpoints: {} });
    expect(parseConfig('verify: true\n', PATH).settings.verify).toEqual({ enabled: true, endpoints: {} });
    const { settings, errors } = parseConfig('verify:\n  enabled: on\n  endpoints:\n    github: https://ghe.example.com/api/v3\n    datadog: https://api.datadoghq.eu\n', PATH);
    expect(errors).toEqual([]);
    expect(settings.verify).toEqual({ enabled: true, endpoints: { github: 'https://ghe.example.com/api/v3', datadog: 'https://api.datadoghq.eu' } });
  });

  it('endpoints alone do not switch verification on', () => {
    expect(parseConfig('verify:\n  endpoints:\n    github: https://ghe.example.com/api/v3\n', PATH).settings.verify?.enabled).toBe(false);
  });

  it('rejects bad values with line and column, and verification stays off', () => {
    for (const [text, message, line] of [
      ['verify: maybe\n', 'verify must be on, off or a mapping with enabled and endpoints, not a string ("maybe")', 1],
      ['verify:\n  enabeld: on\n', 'verify has no key "enabeld" (known: enabled, endpoints)', 2],
      ['verify:\n  enabled: on\n  endpoints:\n    github: http://ghe.example.com\n', 'verify.endpoints.github must be an https:// base URL (http:// only to a loopback host)', 2],
    ] as const) {
      const { settings, errors } = parseConfig(text, PATH);
      expect(settings.verify, text).toBeUndefined();
      expect(errors, text).toHaveLength(1);
      expect(errors[0].message).toBe(`${PATH}: ${message}`);
      expect(errors[0].line, text).toBeGreaterThanOrEqual(1);
      expect(errors[0].line, text).toBeLessThanOrEqual(line);
    }
  });
});
