import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/types.js';
import { historyMarker, keepsHistoryIssue } from '../../../src/github/history-issues.js';

const finding = (over: Partial<Finding>): Finding => ({ rule: 'secret/github-classic-pat', level: 'error', file: 'src/config.js', line: 2, column: 1, message: 'token', fingerprint: 'a1b2', ...over });
const commit = { sha: 'c0ffee0000000000000000000000000000000000', author: 'jdoe', date: '2024-01-01T00:00:00Z' };

describe('issues for secrets found only in history', () => {
  it('are marked with the file and fingerprints of the secrets no longer in the tree, never a value', () => {
    expect(historyMarker([finding({ presentAtHead: true, commit })])).toBe('');
    expect(historyMarker([finding({})])).toBe('');
    const marker = historyMarker([finding({ presentAtHead: false, commit }), finding({ fingerprint: 'c3d4', presentAtHead: false, commit, file: 'src/a b-->.js' })]);
    expect(marker).toBe('<!-- nhi-steward:history file=src%2Fconfig.js fp=a1b2,c3d4 -->');
    expect(historyMarker([finding({ file: 'x-->y', presentAtHead: false, commit })])).not.toContain('-->y');
  });

  it('stay open until every fingerprint is baselined or the file is ignored', () => {
    const body = `text\n${historyMarker([finding({ presentAtHead: false, commit }), finding({ fingerprint: 'c3d4', presentAtHead: false, commit })])}`;
    expect(keepsHistoryIssue({ body }, {})).toBe(true);
    expect(keepsHistoryIssue({ body }, { baseline: new Set(['a1b2']) })).toBe(true);
    expect(keepsHistoryIssue({ body }, { baseline: new Set(['a1b2', 'c3d4']) })).toBe(false);
    expect(keepsHistoryIssue({ body }, { pathsIgnore: ['src/**'] })).toBe(false);
    expect(keepsHistoryIssue({ body: 'an ordinary issue' }, {})).toBe(false);
  });
});
