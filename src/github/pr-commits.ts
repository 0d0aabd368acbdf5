import { CommitSecrets, mergeCommitSecrets } from '../core/commits.js';
import { linesAddedSince } from '../core/diff/new-lines.js';
import { isSkipped, toSourceFile } from '../core/source.js';
import type { CommitRef, Finding, ScanResult, ScanSettings, SecretSink } from '../core/types.js';
import type { GitHubClient, RepoRef } from './client.js';
import { getFileBytes } from './contents.js';
import { readPatch } from './patch.js';
import { ensureRange, headFindingOf, scanCommitRange, secretsAtHead } from '../workspace/commits.js';
import { withClone } from '../workspace/git-clone.js';
import { code } from '../core/report/escape.js';
import { KNOWN_BINARY_NAME } from '../core/secrets/pieces.js';

/**
 * Where the App reads a repository's commits: git's smart HTTP endpoint with the installation
 * token (docs/history.md). Reading commits through git costs no REST API calls, so a clean PR
 * makes exactly the calls it made before.
 */
export interface CommitAccess {
  cloneUrl: string;
  /** The installation token, or how to get it when the clone starts. */
  token?: string | (() => Promise<string | undefined>);
  /** `https://github.com/owner/repo`, for commit permalinks. */
  htmlUrl: string;
  /** Disk cap of the temporary clone. */
  maxBytes?: number;
  tempRoot?: string;
}

export interface CommitRangeScan {
  result: ScanResult;
  /** Commits scanned one by one (0 when they could not be read). */
  commits: number;
  /** A line for the summary: how the commits were checked, or why they could not be. */
  note: string;
}

/**
 * Scans each commit of `base..head` (its added lines) and joins the secrets with the net result:
 * a secret added and removed within the range is reported, naming the commit. A range that
 * cannot be read leaves the net result as it was and says so in `note`.
 */
export async function withRangeCommits(
  net: ScanResult,
  access: CommitAccess,
  range: { base: string; head: string; count: number },
  scope: 'pull request' | 'push',
  settings: ScanSettings,
  /** Live verification only (`verify: on`): receives the reported secrets' values. */
  revealSecrets?: SecretSink,
): Promise<CommitRangeScan> {
  return joinRangeCommits(net, await readRangeCommits(access, range, scope, settings, revealSecrets));
}

/** What `readRangeCommits` found in a range's commits, to join with a net result. */
export interface RangeCommits {
  /** The commits' secret findings, each naming its commit (none when they could not be read). */
  findings: Finding[];
  commits: number;
  note: string;
  scope: 'pull request' | 'push';
  htmlUrl: string;
}

/**
 * The first half of `withRangeCommits`: clones `base..head` and scans each commit. It needs
 * nothing from the net result, so the PR check runs it while it reads the PR through the API
 * (src/github/pull-request-job.ts). Never throws: a range that cannot be read says why in `note`.
 */
export async function readRangeCommits(
  access: CommitAccess,
  range: { base: string; head: string; count: number },
  scope: 'pull request' | 'push',
  settings: ScanSettings,
  revealSecrets?: SecretSink,
): Promise<RangeCommits> {
  const unread = (why: string): RangeCommits => ({ findings: [], commits: 0, note: `The ${scope}'s commits could not be read from git (${why}): only the net change was checked.`, scope, htmlUrl: access.htmlUrl });
  try {
    return await withClone({ url: access.cloneUrl, token: await tokenOf(access), refspecs: [range.head, range.base], depth: range.count + 1, maxBytes: access.maxBytes, tempRoot: access.tempRoot }, async (dir, env) => {
      if (!(await ensureRange(dir, range.base, range.head, range.count, env))) return unread(`no common history between ${range.base.slice(0, 7)} and ${range.head.slice(0, 7)}`);
      const secrets = await scanCommitRange(dir, { base: range.base, head: range.head }, settings, revealSecrets);
      const note = [`Each of the ${secrets.commits} commit(s) in this ${scope} was checked for secrets, not only the net change.`, ...secrets.summary()].join(' ');
      // Whether each secret is still at the head, and where, is read from git too, not inferred
      // from the net result (which may not have seen its file). If git cannot say, the commits'
      // findings stand as they are (each then called removed unless the net result holds it).
      const found = secrets.findings();
      const atHead = await secretsAtHead(dir, range.head, found, settings, range.base).catch(() => new Map<string, Finding>());
      const findings = found.map((f): Finding => {
        const there = headFindingOf(atHead, f);
        return there ? { ...there, commit: f.commit, presentAtHead: true } : { ...f, presentAtHead: false };
      });
      return { findings, commits: secrets.commits, note, scope, htmlUrl: access.htmlUrl };
    });
  } catch (error) {
    return unread((error as Error).message);
  }
}

/** The second half of `withRangeCommits`: the range's secrets joined with the net result. */
export function joinRangeCommits(net: ScanResult, read: RangeCommits): CommitRangeScan {
  if (read.commits === 0) return { result: net, commits: 0, note: read.note };
  const result = mergeCommitSecrets(net, read.findings, { scope: read.scope, commitUrl: (sha) => `${read.htmlUrl}/commit/${sha}` });
  return { result, commits: read.commits, note: read.note };
}

export async function tokenOf(access: CommitAccess): Promise<string | undefined> {
  return typeof access.token === 'function' ? access.token() : access.token;
}

/** The pulls commits API lists at most this many commits. */
const PULL_COMMITS_LIMIT = 250;
/** Commits read one API call each when git is not available; past this, the rest are not checked (and said). */
export const MAX_API_COMMITS = 100;

interface ApiCommitFile {
  filename: string;
  status: string;
  patch?: string;
  previous_filename?: string;
}

/**
 * Changes without a patch read back per range through the API, at most: each costs one or two
 * calls (the new version, and the old one to tell which lines are new).
 */
export const MAX_API_BINARY_READS = 25;

/**
 * One change the commits API gives no patch for: its new version, when it decodes as text
 * (src/core/source.ts), goes through the engine with the lines its parent's version did not hold
 * as added (`linesAddedSince`), as the git path does (src/workspace/commits.ts). Returns false
 * for a version over max-file-size, which is not read (the caller names it in its note).
 */
async function scanBinaryChange(client: GitHubClient, repo: RepoRef, item: ApiCommit, file: ApiCommitFile, commit: CommitRef, secrets: CommitSecrets, maxFileSize: number): Promise<boolean> {
  const bytes = await getFileBytes(client, repo, file.filename, item.sha, { maxBytes: maxFileSize });
  if (typeof bytes === 'number') return false;
  if (!Buffer.isBuffer(bytes)) return true;
  const head = toSourceFile(file.filename, bytes, { maxFileSize });
  if (isSkipped(head)) return head.reason !== 'too-large';
  const parent = item.parents[0]?.sha;
  const before = file.status !== 'added' && parent ? await getFileBytes(client, repo, file.previous_filename ?? file.filename, parent, { maxBytes: maxFileSize }) : undefined;
  const addedLines = linesAddedSince(Buffer.isBuffer(before) ? before : undefined, head.content, file.filename, { maxFileSize });
  if (addedLines?.size !== 0) secrets.addFile(commit, addedLines ? { ...head, addedLines } : head);
  return true;
}

/**
 * A commit's changed files from the commits API: 300 a page, with link headers to the rest (GitHub
 * lists 3,000 at most). One call for most commits; a commit of more files costs one per 300.
 */
async function commitFiles(client: GitHubClient, repo: RepoRef, sha: string): Promise<ApiCommitFile[]> {
  const files: ApiCommitFile[] = [];
  for (let page = 1; page <= MAX_COMMIT_FILE_PAGES; page++) {
    const { data, headers } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref: sha, ...(page > 1 ? { page } : {}) });
    files.push(...((data as { files?: ApiCommitFile[] }).files ?? []));
    if (!/rel="next"/.test(String(headers.link ?? ''))) break;
  }
  return files;
}

/** GitHub's 3,000 files of a commit, 300 a page. */
const MAX_COMMIT_FILE_PAGES = 10;

interface ApiCommit {
  sha: string;
  commit: { author: { name?: string; date?: string } | null };
  parents: { sha: string }[];
}

/**
 * The fallback when git cannot read the PR (no git, clone refused): the PR's commits from the
 * pulls commits API (up to its 250; past that, the compare API, and the summary says so), then
 * each commit's patch from the commits API — one call per commit, at most MAX_API_COMMITS.
 * Merge commits are left out: their diff is what the merge brought in, not the PR's own work.
 */
export async function withApiCommits(
  net: ScanResult,
  client: GitHubClient,
  repo: RepoRef,
  pull: { number: number; baseSha: string; headSha: string; count: number },
  htmlUrl: string,
  settings: ScanSettings,
  /** Live verification only (`verify: on`): receives the reported secrets' values. */
  revealSecrets?: SecretSink,
): Promise<CommitRangeScan> {
  const notes: string[] = [];
  let listed: ApiCommit[];
  if (pull.count <= PULL_COMMITS_LIMIT) {
    listed = await client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { ...repo, pull_number: pull.number, per_page: 100 });
  } else {
    notes.push(`This pull request has ${pull.count} commits, more than the ${PULL_COMMITS_LIMIT} the pulls API lists: they were listed with the compare API.`);
    const { data } = await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...repo, basehead: `${pull.baseSha}...${pull.headSha}`, per_page: 100 });
    listed = (data as { commits: ApiCommit[] }).commits;
  }
  const own = listed.filter((c) => c.parents.length <= 1);
  const total = Math.max(own.length, pull.count);
  if (total > MAX_API_COMMITS) notes.push(`Only the first ${MAX_API_COMMITS} of ${total} commits were checked one by one (git was not available; each commit costs an API call).`);
  const secrets = new CommitSecrets(settings, revealSecrets);
  let binaryReads = 0;
  let binaryUnread = 0;
  /** Changes without a patch whose version is over max-file-size: not read. */
  const tooLarge = new Set<string>();
  for (const item of own.slice(0, MAX_API_COMMITS)) {
    const files = await commitFiles(client, repo, item.sha);
    const commit = { sha: item.sha, author: item.commit.author?.name ?? 'unknown', date: item.commit.author?.date ?? '' };
    secrets.startCommit();
    for (const file of files) {
      if (file.status === 'removed') continue;
      if (file.patch === undefined) {
        // No patch: a binary change to GitHub (UTF-16 text; text .gitattributes marks binary or -diff).
        if (KNOWN_BINARY_NAME.test(file.filename)) continue; // no API call for a clean PR's images
        if (binaryReads >= MAX_API_BINARY_READS) binaryUnread++;
        else {
          binaryReads++;
          if (!(await scanBinaryChange(client, repo, item, file, commit, secrets, settings.maxFileSize))) tooLarge.add(file.filename);
        }
        continue;
      }
      const view = readPatch(file.patch);
      if (view.addedLines.size > 0) secrets.addFile(commit, { path: file.filename, content: view.sparseContent, addedLines: view.addedLines });
    }
  }
  if (tooLarge.size > 0) notes.push(`${tooLarge.size} file(s) over max-file-size changed without a patch were not read commit by commit: ${[...tooLarge].slice(0, 5).map((p) => code(p)).join(', ')}${tooLarge.size > 5 ? ', …' : ''}.`);
  if (binaryUnread > 0) notes.push(`${binaryUnread} change(s) without a patch past the first ${MAX_API_BINARY_READS} were not read back (each costs API calls).`);
  const result = mergeCommitSecrets(net, secrets.findings(), { scope: 'pull request', commitUrl: (sha) => `${htmlUrl}/commit/${sha}` });
  return { result, commits: secrets.commits, note: [`Each of the ${secrets.commits} commit(s) in this pull request was checked for secrets through the API (git could not read them).`, ...notes].join(' ') };
}
