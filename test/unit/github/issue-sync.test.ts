import { describe, expect, it } from 'vitest';
import { fingerprintOf, markerFor, planIssueSync, withMarker, type DesiredIssue, type ExistingIssue } from '../../../src/github/issue-sync.js';

const want = (fp: string, body = 'body', title = `title ${fp}`): DesiredIssue => ({ fingerprint: fp, title, body: withMarker(fp, body), labels: ['nhi-steward'], assignees: [] });
const have = (number: number, fp: string, state: 'open' | 'closed' = 'open', body = 'body', stateReason: string | null = null, title = `title ${fp}`): ExistingIssue => ({
  number,
  fingerprint: fp,
  title,
  body: withMarker(fp, body),
  state,
  stateReason,
});

describe('planIssueSync', () => {
  it('creates what is missing and leaves what matches alone', () => {
    const ops = planIssueSync([want('a'), want('b')], [have(1, 'a')]);
    expect(ops).toEqual([{ kind: 'create', issue: want('b') }]);
  });

  it('updates the body in place when the state changes', () => {
    const ops = planIssueSync([want('a', 'new body')], [have(7, 'a', 'open', 'old body')]);
    expect(ops).toEqual([{ kind: 'update', number: 7, fingerprint: 'a', title: 'title a', body: withMarker('a', 'new body'), reopen: false }]);
  });

  it('closes an open issue whose gap is fixed, as completed', () => {
    const ops = planIssueSync([], [have(3, 'a')]);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ kind: 'close', number: 3, reason: 'completed' });
  });

  it('reopens an issue closed as completed when the gap comes back', () => {
    const ops = planIssueSync([want('a')], [have(3, 'a', 'closed', 'body', 'completed')]);
    expect(ops).toEqual([{ kind: 'update', number: 3, fingerprint: 'a', title: 'title a', body: withMarker('a', 'body'), reopen: true }]);
  });

  it('leaves an issue a person closed as not planned closed', () => {
    expect(planIssueSync([want('a')], [have(3, 'a', 'closed', 'body', 'not_planned')])).toEqual([]);
  });

  it('is idempotent: applying the plan and planning again yields nothing', () => {
    const desired = [want('a'), want('b', 'x')];
    const existing = [have(1, 'a'), have(2, 'b', 'open', 'x')];
    expect(planIssueSync(desired, existing)).toEqual([]);
  });

  it('closes duplicates of one fingerprint left by a past race, keeping the oldest', () => {
    const ops = planIssueSync([want('a')], [have(9, 'a'), have(4, 'a')]);
    expect(ops).toEqual([{ kind: 'close', number: 9, fingerprint: 'a', reason: 'not_planned', comment: 'Duplicate of #4.' }]);
  });

  it('does not close issues outside the scan scope', () => {
    const ops = planIssueSync([], [have(1, 'a'), have(2, 'b')], { inScope: (i) => i.fingerprint === 'b' });
    expect(ops.map((op) => op.kind === 'close' && op.number)).toEqual([2]);
  });

  it('creates one issue when the desired set names a fingerprint twice', () => {
    expect(planIssueSync([want('a'), want('a')], [])).toHaveLength(1);
  });

  it('round-trips the hidden marker', () => {
    expect(fingerprintOf(`intro\n${markerFor('abc123')}\nrest`)).toBe('abc123');
    expect(fingerprintOf('no marker here')).toBeUndefined();
  });
});
