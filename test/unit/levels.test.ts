import { describe, expect, it } from 'vitest';
import { meetsThreshold } from '../../src/core/types.js';

describe('fail-on thresholds', () => {
  it.each([
    ['error', 'error', true],
    ['warning', 'error', false],
    ['error', 'warning', true],
    ['notice', 'warning', false],
    ['info', 'info', true],
    ['error', 'none', false],
  ] as const)('%s at fail-on %s → %s', (level, failOn, expected) => {
    expect(meetsThreshold(level, failOn)).toBe(expected);
  });
});
