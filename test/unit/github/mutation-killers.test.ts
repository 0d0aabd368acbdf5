/**
 * Boundaries and branches that hand mutations of the source used to survive: each test pins one
 * behaviour no other test did (the mutation it kills is named in the test).
 */
import { describe, expect, it } from 'vitest';
import { byteLength } from '../../../src/core/report/limits.js';
import { DEFAULT_PAIR_WITHIN, pairCandidates, type Located } from '../../../src/core/secrets/pairing.js';
import type { Detector } from '../../../src/core/secrets/detector.js';
import type { IdentityRecord } from '../../../src/core/types.js';
import { clampSummary, SUMMARY_LIMIT } from '../../../src/github/check-run.js';
import { planIssueSync, withMarker, type ExistingIssue } from '../../../src/github/issue-sync.js';
import { reviewRequestFor } from '../../../src/github/review-requests.js';

const record = (id: string): IdentityRecord => ({ id, kind: 'identity', platform: 'kubernetes', type: 'ServiceAccount', name: id, file: 'k8s/a.yaml', line: 1, attributes: {}, usedBy: [] }) as IdentityRecord;
const owned = (id: string, owner: string) => ({ ...record(id), owner, findings: [] }) as any;

describe('review requests', () => {
  it('never asks the PR author, whatever the case of the login (kills: dropping the author check / case-sensitive compare)', () => {
    const request = reviewRequestFor([record('a'), record('b')], [owned('a', '@JDoe'), owned('b', '@alice')], 'jdoe', 'acme');
    expect(request).toEqual({ reviewers: ['alice'], team_reviewers: [] });
  });

  it("asks teams only from the PR's organisation (kills: dropping the org check)", () => {
    const request = reviewRequestFor([record('a'), record('b'), record('c'), record('d')], [owned('a', '@acme/payments'), owned('b', '@other/payments'), owned('c', '@ACME/devex'), owned('d', '@other/security')], 'x', 'acme');
    expect(request).toEqual({ reviewers: [], team_reviewers: ['devex', 'payments'] });
  });

  it('emails and missing owners are not requested', () => {
    expect(reviewRequestFor([record('a'), record('b')], [owned('a', 'ops@acme.example'), owned('b', undefined as any)], 'x', 'acme')).toEqual({ reviewers: [], team_reviewers: [] });
  });
});

const issue = (over: Partial<ExistingIssue>): ExistingIssue => ({ number: 1, fingerprint: 'a', title: 't', body: withMarker('a', 'body'), state: 'open', stateReason: null, ...over });

describe('issue sync plan', () => {
  it('never closes an issue that is already closed (kills: dropping the `open` test on close)', () => {
    expect(planIssueSync([], [issue({ state: 'closed', stateReason: 'completed' })])).toEqual([]);
    expect(planIssueSync([], [issue({ state: 'closed', stateReason: 'not_planned' })])).toEqual([]);
  });

  it('a body that differs only by CRLF or surrounding whitespace is not rewritten (kills: dropping the normalisation)', () => {
    const body = withMarker('a', 'line one\nline two');
    const existing = issue({ body: `\n${body.replace(/\n/g, '\r\n')}\r\n  ` });
    expect(planIssueSync([{ fingerprint: 'a', title: 't', body, labels: [], assignees: [] }], [existing])).toEqual([]);
    // A real change is still an update.
    expect(planIssueSync([{ fingerprint: 'a', title: 't', body: `${body}!`, labels: [], assignees: [] }], [existing])).toHaveLength(1);
  });

  it('duplicates of one fingerprint: the oldest stays, open newer ones close as not planned, closed ones are left alone', () => {
    const ops = planIssueSync([{ fingerprint: 'a', title: 't', body: withMarker('a', 'body'), labels: [], assignees: [] }], [issue({ number: 9 }), issue({ number: 4 }), issue({ number: 6, state: 'closed' })]);
    expect(ops).toEqual([{ kind: 'close', number: 9, fingerprint: 'a', reason: 'not_planned', comment: 'Duplicate of #4.' }]);
  });
});

describe('summary limit boundary (bytes)', () => {
  it('a summary of exactly the limit is kept whole; one byte more is cut under it and says so (kills: < vs <=, chars vs bytes)', () => {
    const exact = 'é'.repeat((SUMMARY_LIMIT - 1) / 2) + 'x';
    expect(byteLength(exact)).toBe(SUMMARY_LIMIT);
    expect(clampSummary(exact)).toBe(exact);
    const over = exact + 'y';
    const clamped = clampSummary(over);
    expect(byteLength(clamped)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(clamped).toContain('summary truncated');
    // Never cut inside a character: the result is valid UTF-8 of whole é's.
    expect(clamped.replace(/\n\n_…summary truncated to fit the Checks API limit\._$/, '')).toMatch(/^é+$/);
  });
});

describe('pair distance boundary', () => {
  const first = { id: 'aws-access-key-id', pair: { with: 'aws-secret-access-key' } } as unknown as Detector;
  const second = { id: 'aws-secret-access-key' } as unknown as Detector;
  const at = (detector: Detector, line: number): Located => ({ detector, secret: `${detector.id}-${line}`, start: line * 100, end: line * 100 + 10, line });

  it(`pairs halves exactly ${DEFAULT_PAIR_WITHIN} lines apart, not ${DEFAULT_PAIR_WITHIN + 1} (kills: <= vs <, off-by-one on either side)`, () => {
    expect(pairCandidates([at(first, 10), at(second, 10 + DEFAULT_PAIR_WITHIN)]).pairs).toHaveLength(1);
    expect(pairCandidates([at(first, 10), at(second, 10 + DEFAULT_PAIR_WITHIN + 1)]).pairs).toHaveLength(0);
    expect(pairCandidates([at(second, 10), at(first, 10 + DEFAULT_PAIR_WITHIN)]).pairs).toHaveLength(1);
    expect(pairCandidates([at(second, 10), at(first, 10 + DEFAULT_PAIR_WITHIN + 1)]).pairs).toHaveLength(0);
  });
});
