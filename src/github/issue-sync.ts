/**
 * Issue sync as a pure decision (docs/architecture.md, "GitHub is a port"): the issues that should exist, and
 * the issues that do, go in; the operations that reconcile them come out. The adapter in
 * issue-adapter.ts applies them through the API.
 */
export interface DesiredIssue {
  fingerprint: string;
  title: string;
  /** Full body, including the hidden marker (see `withMarker`). */
  body: string;
  labels: string[];
  assignees: string[];
  /**
   * Fingerprints an existing issue for the same thing may carry from an earlier release (one issue
   * per secret, marked with an unkeyed hash): such an issue is adopted and its marker rewritten.
   */
  previous?: string[];
}

export interface ExistingIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason?: string | null;
  fingerprint: string;
}

export type IssueOp =
  | { kind: 'create'; issue: DesiredIssue }
  | { kind: 'update'; number: number; fingerprint: string; title: string; body: string; reopen: boolean }
  | { kind: 'close'; number: number; fingerprint: string; reason: 'completed' | 'not_planned'; comment: string };

const MARKER = /<!-- nhi-steward:fp=([0-9a-zA-Z:_\-.]+) -->/;

export function markerFor(fingerprint: string): string {
  return `<!-- nhi-steward:fp=${fingerprint} -->`;
}

export function withMarker(fingerprint: string, body: string): string {
  return `${markerFor(fingerprint)}\n${body}`;
}

export function fingerprintOf(body: string | null | undefined): string | undefined {
  return body ? MARKER.exec(body)?.[1] : undefined;
}

export interface SyncOptions {
  /**
   * Which existing issues this run may close. A full scan sees everything (default: all);
   * a push scan only re-evaluates what the push changed.
   */
  inScope?: (issue: ExistingIssue) => boolean;
  /**
   * At most this many new issues per sync (default 50): a repository full of test tokens must not
   * spend hours opening issues. The rest open on later scans; the dashboard says how many wait.
   */
  maxCreates?: number;
}

export const DEFAULT_MAX_CREATES = 50;

/**
 * Decides the operations:
 * - a desired issue with no existing one → create;
 * - an existing open one whose title/body differ → update in place;
 * - one closed as completed whose gap came back → reopen (with the new body);
 * - one closed as not planned stays closed: a person decided, and we do not nag;
 * - an open one no longer desired (and in scope) → close as completed;
 * - duplicates of one fingerprint (a past race) → keep the oldest, close the rest as not planned.
 */
export function planIssueSync(desired: DesiredIssue[], existing: ExistingIssue[], options: SyncOptions = {}): IssueOp[] {
  const inScope = options.inScope ?? (() => true);
  const ops: IssueOp[] = [];
  const byFingerprint = new Map<string, ExistingIssue>();
  for (const issue of [...existing].sort((a, b) => a.number - b.number)) {
    const kept = byFingerprint.get(issue.fingerprint);
    if (!kept) {
      byFingerprint.set(issue.fingerprint, issue);
    } else if (issue.state === 'open') {
      ops.push({ kind: 'close', number: issue.number, fingerprint: issue.fingerprint, reason: 'not_planned', comment: `Duplicate of #${kept.number}.` });
    }
  }
  const wanted = new Set<string>();
  let creates = 0;
  const maxCreates = options.maxCreates ?? DEFAULT_MAX_CREATES;
  for (const want of desired) {
    if (wanted.has(want.fingerprint)) continue;
    wanted.add(want.fingerprint);
    const have = byFingerprint.get(want.fingerprint) ?? adopt(want, byFingerprint, wanted, ops);
    if (!have) {
      if (creates++ < maxCreates) ops.push({ kind: 'create', issue: want });
    } else if (have.state === 'closed') {
      if (have.stateReason !== 'not_planned') {
        ops.push({ kind: 'update', number: have.number, fingerprint: want.fingerprint, title: want.title, body: want.body, reopen: true });
      }
    } else if (have.title !== want.title || normalise(have.body) !== normalise(want.body)) {
      ops.push({ kind: 'update', number: have.number, fingerprint: want.fingerprint, title: want.title, body: want.body, reopen: false });
    }
  }
  for (const have of byFingerprint.values()) {
    if (have.state === 'open' && !wanted.has(have.fingerprint) && inScope(have)) {
      ops.push({ kind: 'close', number: have.number, fingerprint: have.fingerprint, reason: 'completed', comment: 'nhi-steward no longer finds this gap: closing as completed. It reopens if the gap comes back.' });
    }
  }
  return ops;
}

/**
 * An issue from an earlier release for this desired issue (matched by `previous` fingerprints): the
 * oldest one is kept (and rewritten by the caller), the other open ones close as merged into it.
 */
function adopt(want: DesiredIssue, byFingerprint: Map<string, ExistingIssue>, wanted: Set<string>, ops: IssueOp[]): ExistingIssue | undefined {
  const found = [...new Set(want.previous ?? [])]
    .map((fp) => byFingerprint.get(fp))
    .filter((issue): issue is ExistingIssue => issue !== undefined && !wanted.has(issue.fingerprint))
    .sort((a, b) => a.number - b.number);
  if (found.length === 0) return undefined;
  const [kept, ...rest] = found;
  for (const issue of [kept, ...rest]) wanted.add(issue.fingerprint);
  for (const issue of rest) {
    if (issue.state === 'open') {
      ops.push({ kind: 'close', number: issue.number, fingerprint: issue.fingerprint, reason: 'not_planned', comment: `Now tracked in #${kept.number} (one issue per file and detector).` });
    }
  }
  return { ...kept, body: '' }; // always rewritten: the marker changes
}

function normalise(body: string): string {
  return body.replace(/\r\n/g, '\n').trim();
}
