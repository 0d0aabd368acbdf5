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
  /** API calls made, for the bench. */
  calls: number;
}

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
    baseRecords.push(...extracted.records);
    baseRefs.push(...extracted.references);
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
      headRecords.push(...extracted.records);
      headRefs.push(...extracted.references);
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
  const regrantedFiles = regranted.length > 0 && owners !== undefined ? await counted(declaringFiles(client, repo, pull.baseSha, regranted, owners)) : new Map<string, string>();
  return { result, added: diff.added, changed: diff.changed, removed: diff.removed, regranted, regrantedFiles, owners, calls };
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
