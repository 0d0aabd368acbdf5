import { describe, expect, it } from 'vitest';
import { clampSummary, conclusionFor, SUMMARY_LIMIT, toAnnotations } from '../../../src/github/check-run.js';
import type { Finding } from '../../../src/core/types.js';

const finding = (over: Partial<Finding>): Finding => ({ rule: 'secret/x', level: 'error', file: 'a.ts', line: 1, column: 1, message: 'm', fingerprint: 'f', ...over });

describe('check run output', () => {
  it('puts the most severe annotations first, then by file and line', () => {
    const annotations = toAnnotations([
      finding({ level: 'notice', file: 'a', line: 1 }),
      finding({ level: 'error', file: 'b', line: 9 }),
      finding({ level: 'warning', file: 'a', line: 2 }),
      finding({ level: 'error', file: 'a', line: 5 }),
    ]);
    expect(annotations.map((a) => `${a.annotation_level}:${a.path}:${a.start_line}`)).toEqual(['failure:a:5', 'failure:b:9', 'warning:a:2', 'notice:a:1']);
  });

  it('gives columns only for single-line annotations', () => {
    const [single, multi] = toAnnotations([finding({ line: 3, column: 5, endColumn: 12 }), finding({ line: 4, endLine: 8, column: 1, endColumn: 20, file: 'b' })]);
    expect(single).toMatchObject({ start_line: 3, end_line: 3, start_column: 5, end_column: 12 });
    expect(multi).toMatchObject({ start_line: 4, end_line: 8 });
    expect(multi.start_column).toBeUndefined();
  });

  it('fails at or above fail-on only', () => {
    expect(conclusionFor([finding({ level: 'warning' })], 'error')).toBe('success');
    expect(conclusionFor([finding({ level: 'warning' })], 'warning')).toBe('failure');
    expect(conclusionFor([finding({ level: 'error' })], 'none')).toBe('success');
    expect(conclusionFor([], 'info')).toBe('success');
  });

  it('clamps an over-long summary under the Checks API limit and says so', () => {
    const clamped = clampSummary('x'.repeat(SUMMARY_LIMIT + 500));
    expect(clamped.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(clamped).toContain('summary truncated');
    expect(clampSummary('short')).toBe('short');
  });
});
