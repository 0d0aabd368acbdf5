import { describe, expect, it } from 'vitest';
import { ruleHelp } from '../../../src/core/report/rule-help.js';

describe('ruleHelp titles', () => {
  it.each([
    ['secret/github-classic-pat', 'GitHub personal access token (classic)'],
    ['secret/aws-access-key-pair', 'AWS access key pair (key id + secret access key)'],
    ['secret/no-such-detector', 'Embedded secret (no-such-detector)'],
  ])('%s → %s', (rule, title) => {
    expect(ruleHelp(rule).title).toBe(title);
  });
});
