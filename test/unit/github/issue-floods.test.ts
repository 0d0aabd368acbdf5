import { describe, expect, it } from 'vitest';
import { defaultSettings, type Finding, type ScanResult } from '../../../src/core/types.js';
import { desiredIssues } from '../../../src/github/issue-content.js';
import { DEFAULT_MAX_CREATES, planIssueSync, type DesiredIssue } from '../../../src/github/issue-sync.js';

const links = { htmlUrl: 'https://github.com/acme/payments', sha: 'a'.repeat(40) };
const secret = (file: string, line: number, rule = 'secret/github-classic-pat'): Finding => ({
  rule, level: 'error', file, line, column: 1, message: 'm', fingerprint: `${file}:${line}`.padEnd(64, '0'), detector: rule.slice(7), redacted: 'ghp_…abcd', owasp: ['NHI2'], previousFingerprint: `old-${file}-${line}`,
});
const result = (findings: Finding[]): ScanResult => ({ findings, skipped: [], inventory: [], stats: { files: 1, bytes: 1, skipped: 0, durationMs: 1, detectors: 1, identities: 0 } });
const want = (n: number): DesiredIssue => ({ fingerprint: `fp${n}`, title: `t${n}`, body: `b${n}`, labels: ['nhi-steward'], assignees: [] });

describe('issue floods', () => {
  it('300 secrets of one detector in one file are one issue; another detector or file is another', () => {
    const findings = [...Array.from({ length: 300 }, (_, i) => secret('fixtures/tokens.txt', i + 1)), secret('fixtures/tokens.txt', 400, 'secret/npm-token'), secret('src/a.ts', 1)];
    const issues = desiredIssues(result(findings), links, defaultSettings());
    expect(issues.map((i) => i.title).sort()).toEqual([
      'Embedded secret (github-classic-pat) in fixtures/tokens.txt',
      'Embedded secret (github-classic-pat) in src/a.ts',
      'Embedded secret (npm-token) in fixtures/tokens.txt',
    ]);
    const big = issues.find((i) => i.title.includes('github-classic-pat) in fixtures'))!;
    expect(big.body).toContain('300 secrets');
    expect(big.body).toContain('…and 200 more in this file');
    expect(big.body.length).toBeLessThan(65_536);
    // The marker is a hash of rule and file, not of any secret (the findings' own published,
    // keyed fingerprints appear only in the ready-to-paste ignore lines).
    expect(big.body.split('\n')[0]).toMatch(/^<!-- nhi-steward:fp=[0-9a-f]{64} -->$/);
    expect(big.body.split('\n')[0]).not.toContain('fixtures/tokens.txt:1'.padEnd(64, '0'));
  });

  it(`opens at most ${DEFAULT_MAX_CREATES} issues per sync; the rest wait for the next scan`, () => {
    const ops = planIssueSync(Array.from({ length: 120 }, (_, i) => want(i)), []);
    expect(ops.filter((o) => o.kind === 'create')).toHaveLength(DEFAULT_MAX_CREATES);
  });

  it('adopts the issues an earlier release opened per secret (old marker), keeps the oldest and merges the rest', () => {
    const [issue] = desiredIssues(result([secret('src/a.ts', 1), secret('src/a.ts', 9)]), links, defaultSettings());
    const existing = [
      { number: 7, title: 'old', body: 'old', state: 'open' as const, fingerprint: 'old-src/a.ts-9' },
      { number: 3, title: 'old', body: 'old', state: 'open' as const, fingerprint: 'old-src/a.ts-1' },
    ];
    const ops = planIssueSync([issue], existing);
    expect(ops).toEqual([
      { kind: 'close', number: 7, fingerprint: 'old-src/a.ts-9', reason: 'not_planned', comment: 'Now tracked in #3 (one issue per file and detector).' },
      { kind: 'update', number: 3, fingerprint: issue.fingerprint, title: issue.title, body: issue.body, reopen: false },
    ]);
  });
});
