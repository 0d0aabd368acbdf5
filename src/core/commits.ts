import { compareFindings, isIgnored } from './scan.js';
import { INLINE_ALLOW_RULE, scanSecrets } from './secrets/engine.js';
import { levelRank, type CommitRef, type Finding, type ScanResult, type ScanSettings, type SecretSink, type SourceFile } from './types.js';

/** Secrets remembered per range; past this, later ones are counted but not kept (bounded work). */
export const MAX_COMMIT_SECRETS = 1000;

/**
 * Secrets in each commit of a pull request or a push (docs/history.md): feed every commit's
 * changed files, oldest commit first, each with the lines that commit added (`addedLines`), and
 * each secret is kept once, with the first commit that added it. The CLI, the Action (from
 * `git log -p`) and the App (from the commits API) all use this.
 */
export class CommitSecrets {
  private readonly first = new Map<string, Finding>();
  commits = 0;
  /** Secrets past MAX_COMMIT_SECRETS, not kept. */
  dropped = 0;
  /** What the scan of the range left out, in words for the log or the check (nothing is left out silently). */
  readonly notes: string[] = [];

  /** `reveal`: live verification only (see ScanOptions.revealSecrets). */
  constructor(
    private readonly settings: ScanSettings,
    private readonly reveal?: SecretSink,
  ) {}

  /** Counts one commit (call once per commit, even when it changes no text file). */
  startCommit(): void {
    this.commits++;
  }

  /** One changed file of `commit`: only its added lines can raise findings. */
  addFile(commit: CommitRef, file: SourceFile): void {
    if (isIgnored(file.path, this.settings)) return;
    this.addFindings(commit, scanSecrets(file, this.settings, this.reveal));
  }

  /** Findings of one changed file of `commit` scanned elsewhere (an over-size patch read in pieces). */
  addFindings(commit: CommitRef, found: readonly Finding[]): void {
    for (const finding of found) {
      // The net change reports a marker it adds; one a later commit of the range removed again silences nothing.
      if (finding.rule === INLINE_ALLOW_RULE) continue;
      if (this.first.has(sameSecret(finding))) continue;
      if (this.settings.ignoreLocations?.has(`${finding.file}:${finding.line}`)) continue; // mapped .gitleaksignore entries
      if (this.first.size >= MAX_COMMIT_SECRETS) {
        this.dropped++;
        continue;
      }
      this.first.set(sameSecret(finding), { ...finding, commit });
    }
  }

  findings(): Finding[] {
    return [...this.first.values()];
  }

  /** `notes`, and the secrets past the limit when there were any. */
  summary(): string[] {
    return this.dropped > 0 ? [...this.notes, `${this.dropped} more secret(s) in these commits were not kept (at most ${MAX_COMMIT_SECRETS} per range).`] : [...this.notes];
  }
}

export interface CommitMergeOptions {
  /** Where the commits came from, for the message: "pull request" or "push". */
  scope: 'pull request' | 'push';
  /** Permalink to a commit, when the caller knows the web URL. */
  commitUrl?: (sha: string) => string;
}

/**
 * Joins the per-commit secrets with the net-change result: a secret still in the net change gets
 * its commit; one the net change no longer holds was added and later removed inside the range. It
 * is reported anyway, naming the commit, because the commit still carries it: the fix is rotation.
 * A commit secret marked `presentAtHead: true` (the App reads that from git: src/workspace/commits.ts
 * `secretsAtHead`) is at its head place already and is reported as it is.
 *
 * Findings are joined on any id they share (`secretKeys`): a pair and either of its halves are one
 * credential. A commit that adds an AWS secret key five lines under a key id the file already held
 * shows git's context around it, not the key id: the commit finds the secret key alone, the net
 * change (the whole file) finds the pair. Each net finding takes the oldest commit of those it
 * joins, and the commit findings the net change does not hold are reported once per credential,
 * the oldest first (`commitFindings` come oldest first, as CommitSecrets keeps them).
 */
export function mergeCommitSecrets(result: ScanResult, commitFindings: readonly Finding[], options: CommitMergeOptions): ScanResult {
  const fromCommits = commitFindings.filter((f) => f.commit !== undefined);
  if (fromCommits.length === 0) return result;
  const { findings, rest } = joinOnKeys(result.findings, fromCommits, (f, oldest) => ({ ...f, commit: oldest.commit, presentAtHead: true }));
  for (const f of rest) {
    // Known to be still at the head (read from git: the net result did not see its file), at its place there.
    if (f.presentAtHead) findings.push(f);
    else findings.push({ ...f, presentAtHead: false, message: `${f.message} — ${removedNote(f.commit!, options)}` });
  }
  findings.sort(compareFindings);
  return { ...result, findings };
}

/**
 * Joins `current` findings (a tree's or a net change's) with `older` ones (a range's commits or a
 * history's, oldest first) on any id they share (`secretKeys`): each current secret finding that
 * shares one with older findings is handed to `join` with the oldest of them. The older findings
 * none joined come back one per credential: those that share ids, directly or through a pair, are
 * one, reported by the oldest of them (its commit and its message agree), at the severest level
 * among them, and present at the head if any is.
 */
function joinOnKeys(current: readonly Finding[], older: readonly Finding[], join: (f: Finding, oldest: Finding) => Finding): { findings: Finding[]; rest: Finding[] } {
  const holders = new Map<string, number[]>();
  older.forEach((f, i) => {
    for (const key of secretKeys(f)) {
      const list = holders.get(key);
      if (list === undefined) holders.set(key, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  const joined = new Set<number>();
  const findings = current.map((f) => {
    if (!f.rule.startsWith('secret/')) return f;
    let oldest = -1;
    for (const key of secretKeys(f)) {
      for (const i of holders.get(key) ?? []) {
        joined.add(i);
        if (oldest < 0 || i < oldest) oldest = i;
      }
    }
    return oldest < 0 ? f : join(f, older[oldest]);
  });
  // The rest, grouped: a finding joins every group it shares an id with (a pair joins its halves').
  const groupOf = new Map<string, number[]>();
  const groups: number[][] = [];
  older.forEach((f, i) => {
    if (joined.has(i)) return;
    const keys = secretKeys(f);
    const found = [...new Set(keys.map((key) => groupOf.get(key)).filter((g): g is number[] => g !== undefined))];
    const group = found[0] ?? [];
    if (found.length === 0) groups.push(group);
    for (const other of found.slice(1)) {
      for (const member of other) for (const key of secretKeys(older[member])) groupOf.set(key, group);
      group.push(...other.splice(0)); // emptied, left out below
    }
    group.push(i);
    for (const key of keys) groupOf.set(key, group);
  });
  // Each credential by its oldest finding (its commit and message agree), at the severest level among them.
  const rest = groups.filter((group) => group.length > 0).map((group) => {
    const first = older[Math.min(...group)];
    const level = group.map((i) => older[i].level).reduce((a, b) => (levelRank(b) > levelRank(a) ? b : a));
    const present = group.some((i) => older[i].presentAtHead === true);
    return group.length === 1 ? first : { ...first, level, ...(present ? { presentAtHead: true } : {}) };
  });
  return { findings, rest };
}

function removedNote(commit: CommitRef, options: CommitMergeOptions): string {
  const url = options.commitUrl ? ` (${options.commitUrl(commit.sha)})` : '';
  return `added in commit ${commit.sha.slice(0, 7)}${url} by ${commit.author} and removed later in this ${options.scope}; it is still in the ${options.scope}'s commits, so removing the line is not enough: rotate the credential`;
}

/**
 * Joins a history scan with a tree scan: a secret both hold keeps the tree's finding and gains
 * the commit that introduced it (the oldest, when the tree's pair was brought in half by half);
 * one only the history holds (removed since) is added as is, once per credential (`joinOnKeys`).
 */
export function mergeHistory(tree: ScanResult, history: ScanResult): ScanResult {
  const { findings, rest } = joinOnKeys(tree.findings, history.findings, (f, old) => ({ ...f, commit: old.commit, presentAtHead: true, ...(old.otherLocations ? { otherLocations: old.otherLocations } : {}) }));
  findings.push(...rest);
  findings.sort(compareFindings);
  const baselined = [...new Set([...(tree.baselined ?? []), ...(history.baselined ?? [])])];
  return { ...tree, findings, skipped: [...tree.skipped, ...history.skipped], ...(baselined.length > 0 ? { baselined } : {}) };
}

/**
 * What identifies one secret across files, lines and commits within a run: the content id (the
 * published fingerprint may be location-based, docs/security.md), else the fingerprint.
 */
export function sameSecret(f: Finding): string {
  return f.contentId ?? f.fingerprint;
}

/**
 * Every id `f` is known by: `sameSecret`, and for a pair its halves' (`Finding.partIds`). Two
 * findings that share one are the same credential, whole or in part.
 */
export function secretKeys(f: Finding): string[] {
  return f.partIds === undefined ? [sameSecret(f)] : [sameSecret(f), ...f.partIds];
}
