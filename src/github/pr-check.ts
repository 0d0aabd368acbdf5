import { diffInventories } from '../core/policy/diff.js';
import { entryMatcher, parseOwnersFile } from '../core/policy/owners-file.js';
import { CHECK_SUMMARY_LIMIT, renderMarkdownSummary } from '../core/report/markdown.js';
import { extractIdentities, scanSources } from '../core/scan.js';
import { toSourceFile, isSkipped } from '../core/source.js';
import { KustomizeNamespaces } from '../core/identities/kustomize.js';
import { linkReferences } from '../core/identities/link.js';
import type { Finding, IdentityRecord, IdentityReference, ScanResult, ScanSettings, SecretSink, SourceFile, Skipped } from '../core/types.js';
import { conclusionFor, toAnnotations, type CheckOutcome } from './check-run.js';
import type { GitHubClient, RepoRef } from './client.js';
import { getFileBytes, getFileText } from './contents.js';
import { CODEOWNERS_PATHS } from '../core/policy/codeowners.js';
import { ROLE_RULES_PREFIX } from '../core/identities/link.js';
import { readPatch } from './patch.js';
import { append } from '../core/append.js';
import { winningEntry } from '../core/policy/owners-file.js';
import { policyFingerprint } from '../core/policy/rules.js';
import { openTarball } from './full-scan.js';
import { readTarball } from './tarball.js';

export interface PullRequestRef {
  number: number;
  headSha: string;
  baseSha: string;
  author?: string;
}

export interface PullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  patch?: string;
  previous_filename?: string;
}

export interface PullAnalysis {
  result: ScanResult;
  /** NHIs the PR adds, changes or removes (base vs head of the changed IaC files). */
  added: IdentityRecord[];
  changed: IdentityRecord[];
  removed: IdentityRecord[];
  /**
   * NHIs declared in files the PR does not touch, whose grants or users the PR changes (a new
   * RoleBinding for an existing ServiceAccount): their owners are asked to review too.
   */
  regranted: string[];
  /**
   * Where the regranted NHIs are declared (at base), for owners entries given by `path:`; looked
   * up only when the owners file has such entries.
   */
  regrantedFiles: Map<string, string>;
  /** The owners file at head, for review requests. */
  owners?: string;
  /**
   * Existing NHIs (declared at the base, not added by the PR) whose owner or rotation the PR's
   * owners-file edit changes, with their owner at the base: those owners are asked to review.
   */
  reassigned: Reassigned[];
  /** API calls made, for the bench. */
  calls: number;
}

export interface Reassigned {
  id: string;
  before: { owner?: string; rotation?: string };
  after: { owner?: string; rotation?: string };
}

/** At most this many reassigned NHIs are listed one by one in the check; the rest are counted. */
const REASSIGNED_LISTED = 50;

/** Files whose base and head contents we fetch: those an identity extractor could read. */
export function isInfrastructureFile(path: string): boolean {
  return /\.(ya?ml|tf|tf\.json|json|template)$/i.test(path);
}

/**
 * Analyses a pull request with the fewest API calls it can: the file list with patches; for secret
 * scanning the added lines are rebuilt from the patch; only infrastructure files are downloaded, at
 * base and at head, so that only new or changed NHIs are blamed on the PR.
 */
export async function analysePullRequest(client: GitHubClient, repo: RepoRef, pull: PullRequestRef, settings: ScanSettings, revealSecrets?: SecretSink): Promise<PullAnalysis> {
  let calls = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    calls++;
    return p;
  };
  const files = await counted(client.paginate<PullFile>('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...repo, pull_number: pull.number, per_page: 100 }));
  const owners = await counted(getFileText(client, repo, settings.ownersPath, pull.headSha));

  const sources: (SourceFile | Skipped)[] = [];
  const baseRecords: IdentityRecord[] = [];
  const headRecords: IdentityRecord[] = [];
  const baseRefs: IdentityReference[] = [];
  const headRefs: IdentityReference[] = [];
  const baseKustomize = new KustomizeNamespaces();
  const headKustomize = new KustomizeNamespaces();
  const readBase = (path: string, content: string) => {
    const extracted = extractIdentities({ path, content });
    baseKustomize.add({ path, content }, extracted);
    append(baseRecords, extracted.records);
    append(baseRefs, extracted.references);
  };
  const touchesOwners = files.some((f) => f.filename === settings.ownersPath);

  await Promise.all(
    files.map(async (file) => {
      // The owners file is scanned like any file (a secret pasted into it is still a secret), as
      // the CLI and the Action do.
      if (file.status === 'removed') {
        if (isInfrastructureFile(file.filename)) {
          const base = await counted(getFileText(client, repo, file.filename, pull.baseSha));
          if (base !== undefined) readBase(file.filename, base);
        }
        return;
      }
      const view = file.patch !== undefined ? readPatch(file.patch) : undefined;
      const needsHead = isInfrastructureFile(file.filename) || view === undefined;
      let source: SourceFile | Skipped;
      if (needsHead) {
        const bytes = await counted(getFileBytes(client, repo, file.filename, pull.headSha));
        if (bytes === undefined) return;
        // Without a patch (GitHub omits it for very large diffs) every line counts as added.
        source = toSourceFile(file.filename, bytes, settings, view?.addedLines);
      } else {
        source = { path: file.filename, content: view!.sparseContent, addedLines: view!.addedLines };
      }
      sources.push(source);
      if (isSkipped(source) || !isInfrastructureFile(file.filename)) return;
      const extracted = extractIdentities(source);
      headKustomize.add(source, extracted);
      append(headRecords, extracted.records);
      append(headRefs, extracted.references);
      if (file.status !== 'added') {
        const basePath = file.previous_filename ?? file.filename;
        const base = await counted(getFileText(client, repo, basePath, pull.baseSha));
        if (base !== undefined) readBase(basePath, base);
      }
    }),
  );

  // Extractors read one file at a time; join cross-file edges as the full pipeline does.
  baseKustomize.apply(baseRecords, baseRefs);
  headKustomize.apply(headRecords, headRefs);
  linkReferences(baseRecords, baseRefs);
  linkReferences(headRecords, headRefs);
  const diff = diffInventories(baseRecords, headRecords);
  const declared = new Set([...baseRecords, ...headRecords].map((r) => r.id));
  const regranted = changedTargets(baseRefs, headRefs).filter((id) => !declared.has(id));
  const changedIds = new Set([...diff.added, ...diff.changed].map((r) => r.id));
  // CODEOWNERS names a suggested owner in the snippet for an unowned NHI (GitHub's first location
  // only); read only when the PR touches an NHI at all.
  const codeowners = changedIds.size > 0 ? await counted(getFileText(client, repo, CODEOWNERS_PATHS[0], pull.headSha)) : undefined;
  sources.sort((a, b) => (a.path < b.path ? -1 : 1));
  const result = await scanSources(sources, {
    settings: { ...settings, mode: 'pr' },
    owners: owners === undefined ? undefined : { path: settings.ownersPath, content: owners },
    changedIdentities: changedIds,
    ...(codeowners !== undefined ? { codeowners: { path: CODEOWNERS_PATHS[0], content: codeowners } } : {}),
    revealSecrets,
  });
  // Entries can look stale against the few files a PR touches; staleness is a full-scan verdict.
  // Owners-file errors are the PR's business only when the PR edits that file.
  result.findings = result.findings.filter((f) => keepInPullRequest(f, touchesOwners));
  // An owners-file edit is governed too: a catch-all entry must not quietly take over other NHIs.
  let reassigned: Reassigned[] = [];
  if (touchesOwners) {
    const baseOwners = await counted(getFileText(client, repo, settings.ownersPath, pull.baseSha));
    calls++;
    reassigned = await reassignedByOwnersEdit(client, repo, pull.baseSha, settings, baseOwners ?? '', owners ?? '', new Set(diff.added.map((r) => r.id)));
    for (const [i, r] of reassigned.entries()) {
      if (i === REASSIGNED_LISTED) {
        result.findings.push(reassignedFinding(settings.ownersPath, `…and ${reassigned.length - REASSIGNED_LISTED} more existing NHIs whose owner or rotation this change sets`));
        break;
      }
      result.findings.push(reassignedFinding(settings.ownersPath, `${r.id}: owner ${r.before.owner ?? 'none'} → ${r.after.owner ?? 'none'}, rotation ${r.before.rotation ?? 'none'} → ${r.after.rotation ?? 'none'} (an NHI this pull request does not add)`));
    }
  }
  const regrantedFiles = regranted.length > 0 && owners !== undefined ? await counted(declaringFiles(client, repo, pull.baseSha, regranted, owners)) : new Map<string, string>();
  return { result, added: diff.added, changed: diff.changed, removed: diff.removed, regranted, regrantedFiles, owners, reassigned, calls };
}

function reassignedFinding(ownersPath: string, message: string): Finding {
  return { rule: 'owners/reassigned', level: 'warning', file: ownersPath, line: 1, column: 1, message, fingerprint: policyFingerprint('owners/reassigned', ownersPath, message) };
}

/**
 * Every NHI declared at the base (read from the base tarball, identities only) whose winning
 * owners entry gives a different owner or rotation at head than at base, minus those the PR adds.
 */
async function reassignedByOwnersEdit(client: GitHubClient, repo: RepoRef, baseSha: string, settings: ScanSettings, baseText: string, headText: string, added: ReadonlySet<string>): Promise<Reassigned[]> {
  const baseEntries = parseOwnersFile(baseText).entries;
  const headEntries = parseOwnersFile(headText).entries;
  const records: IdentityRecord[] = [];
  for await (const item of readTarball(await openTarball(client, repo, baseSha), { maxFileSize: settings.maxFileSize })) {
    if (isSkipped(item) || !isInfrastructureFile(item.path)) continue;
    append(records, extractIdentities(item).records);
  }
  const out: Reassigned[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    if (added.has(record.id) || seen.has(record.id)) continue;
    seen.add(record.id);
    const b = winningEntry(baseEntries, record);
    const a = winningEntry(headEntries, record);
    const before = { owner: b?.owner, rotation: b?.rotation?.text };
    const after = { owner: a?.owner, rotation: a?.rotation?.text };
    if (before.owner !== after.owner || before.rotation !== after.rotation) out.push({ id: record.id, before, after });
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : 1));
}

/** At most this many files are read to find where regranted NHIs are declared. */
const DECLARING_FILES_CAP = 30;

/**
 * Owners entries given by `path:` match the file an NHI is declared in. A regranted NHI is declared
 * in a file the PR does not touch: find it among the infrastructure files at base that some
 * `path:` entry covers (the only files whose owner could differ), reading at most 30 of them.
 */
export async function declaringFiles(client: GitHubClient, repo: RepoRef, baseSha: string, ids: string[], ownersFile: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const pathEntries = parseOwnersFile(ownersFile).entries.filter((e) => e.path !== undefined).map((e) => entryMatcher({ path: e.path, match: undefined }));
  if (pathEntries.length === 0) return found;
  const { data: tree } = await client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { ...repo, tree_sha: baseSha, recursive: '1' });
  const candidates = (tree.tree as { path: string; type: string }[])
    .filter((e) => e.type === 'blob' && isInfrastructureFile(e.path) && pathEntries.some((m) => m({ id: '', file: e.path })))
    .map((e) => e.path)
    .slice(0, DECLARING_FILES_CAP);
  const wanted = new Set(ids);
  for (const path of candidates) {
    if (found.size === wanted.size) break;
    const content = await getFileText(client, repo, path, baseSha);
    if (content === undefined) continue;
    for (const record of extractIdentities({ path, content }).records) if (wanted.has(record.id) && !found.has(record.id)) found.set(record.id, path);
  }
  return found;
}

/** Targets whose incoming references (users, grants) differ between base and head. */
export function changedTargets(base: IdentityReference[], head: IdentityReference[]): string[] {
  const summarise = (refs: IdentityReference[]) => {
    const byTarget = new Map<string, Set<string>>();
    for (const ref of refs) {
      const facts = byTarget.get(ref.target) ?? new Set<string>();
      if (ref.usedBy) facts.add(`use:${ref.usedBy.id}:${ref.usedBy.via}`);
      for (const permission of ref.permissions ?? []) facts.add(`grant:${permission}`);
      byTarget.set(ref.target, facts);
    }
    return byTarget;
  };
  const before = summarise(base);
  const after = summarise(head);
  const targets = new Set([...before.keys(), ...after.keys()]);
  const same = (a = new Set<string>(), b = new Set<string>()) => a.size === b.size && [...a].every((x) => b.has(x));
  // Role rules (ROLE_RULES_PREFIX) are no NHI: nobody owns them, so nobody is asked to review.
  return [...targets].filter((t) => !t.startsWith(ROLE_RULES_PREFIX) && !same(before.get(t), after.get(t))).sort();
}

function keepInPullRequest(finding: Finding, touchesOwners: boolean): boolean {
  if (finding.rule === 'owners/stale-entry') return false;
  // Declarations may sit in files the PR does not touch: whether a name dangles is a full-scan verdict.
  if (finding.rule === 'identity/dangling-reference') return false;
  if (finding.rule.startsWith('owners/')) return touchesOwners;
  return true;
}

export function pullRequestOutcome(analysis: PullAnalysis, settings: ScanSettings): CheckOutcome {
  const { findings } = analysis.result;
  const conclusion = conclusionFor(findings, settings.failOn);
  const secrets = findings.filter((f) => f.rule.startsWith('secret/')).length;
  const unowned = findings.filter((f) => f.rule === 'identity/unowned').length;
  const title =
    findings.length === 0
      ? 'No NHI hygiene problems in this pull request'
      : `${secrets} secret${secrets === 1 ? '' : 's'}, ${unowned} unowned NHI${unowned === 1 ? '' : 's'}, ${findings.length} finding${findings.length === 1 ? '' : 's'} in all`;
  const summary = renderMarkdownSummary(analysis.result, { maxLength: CHECK_SUMMARY_LIMIT, title: 'NHI hygiene', changedIdentities: new Set([...analysis.added, ...analysis.changed].map((r) => r.id)) });
  return { conclusion, title, summary, annotations: toAnnotations(findings) };
}
