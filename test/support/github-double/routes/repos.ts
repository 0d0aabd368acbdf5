/** Repositories: metadata, contents (JSON and raw), commits, branches, compare. */
import { unifiedPatch } from '../diff.js';
import { HttpError, notFound, ok, paginate, repoOf, type Ctx, type Handler } from '../http.js';
import { nodeId, repoShape, userShape } from '../shapes.js';
import type { RepoState } from '../state.js';

export function resolveRef(repo: RepoState, ref: string | undefined): string {
  const sha = repo.git.resolveCommit(ref ?? repo.defaultBranch);
  if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
  return sha;
}

export function treeOf(repo: RepoState, commitSha: string) {
  return repo.git.flatten(repo.git.get(commitSha, 'commit')!.tree);
}

/** Patches longer than this are left out of file lists, as GitHub does for very large diffs. */
export const LARGE_PATCH_CHARS = 1024 * 1024;

/** Diffs that change more lines than this get no patch. */
export const LARGE_DIFF_LINES = 20_000;

/** A lower bound of the lines a diff of the two texts adds and removes: those not matched by an equal line on the other side. */
function changedLinesAtLeast(before: string, after: string): number {
  const counts = new Map<string, number>();
  for (const line of before.split('\n')) counts.set(line, (counts.get(line) ?? 0) + 1);
  let unmatched = 0;
  for (const line of after.split('\n')) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else unmatched++;
  }
  for (const n of counts.values()) unmatched += n;
  return unmatched;
}

/** Does the caller want raw bytes (`application/vnd.github.raw`, as Probot's config reader asks)? */
function wantsRaw(ctx: Ctx): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.req.headers.accept ?? ''));
}

function getContent(ctx: Ctx) {
  const repo = repoOf(ctx);
  const sha = resolveRef(repo, ctx.query.ref);
  const flat = treeOf(repo, sha);
  const path = ctx.params.path.replace(/^\/+|\/+$/g, '');
  const base = ctx.baseUrl;
  const file = flat.get(path);
  if (file) {
    const blob = repo.git.get(file.sha, 'blob')!;
    if (wantsRaw(ctx)) return { status: 200, raw: blob.content, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
    return ok(contentEntry(base, repo, path, file.sha, blob.content.length, 'file', {
      encoding: 'base64',
      // GitHub wraps base64 at 60 columns; clients must tolerate the newlines.
      content: (blob.content.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n',
    }));
  }
  const prefix = path ? `${path}/` : '';
  const children = new Map<string, 'file' | 'dir'>();
  for (const p of flat.keys()) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length).split('/');
    children.set(rest[0], rest.length > 1 ? 'dir' : 'file');
  }
  if (children.size === 0) return notFound();
  return ok(
    [...children].map(([name, type]) => {
      const child = prefix + name;
      const f = flat.get(child);
      return contentEntry(base, repo, child, f?.sha ?? nodeId('tree', child), f ? repo.git.get(f.sha, 'blob')!.content.length : 0, type, {});
    }),
  );
}

function contentEntry(base: string, repo: RepoState, path: string, sha: string, size: number, type: 'file' | 'dir', extra: Record<string, unknown>) {
  const url = `${base}/repos/${repo.fullName}/contents/${path}`;
  return {
    type,
    name: path.split('/').pop(),
    path,
    sha,
    size,
    url,
    html_url: `${base}/${repo.fullName}/blob/${repo.defaultBranch}/${path}`,
    git_url: `${base}/repos/${repo.fullName}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`,
    download_url: type === 'file' ? `${base}/raw/${repo.fullName}/${path}` : null,
    _links: { self: url, git: `${base}/repos/${repo.fullName}/git/blobs/${sha}`, html: `${base}/${repo.fullName}/blob/${repo.defaultBranch}/${path}` },
    ...extra,
  };
}

/** Changed files between two commits, in GitHub's `files[]` shape (shared with pulls/{n}/files). */
export function changedFiles(ctx: Ctx, repo: RepoState, fromSha: string, toSha: string) {
  const before = treeOf(repo, fromSha);
  const after = treeOf(repo, toSha);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const files: Record<string, unknown>[] = [];
  for (const filename of paths) {
    const a = before.get(filename);
    const b = after.get(filename);
    if (a?.sha === b?.sha) continue;
    const status = !a ? 'added' : !b ? 'removed' : 'modified';
    const textA = a ? repo.git.get(a.sha, 'blob')!.content : Buffer.alloc(0);
    const textB = b ? repo.git.get(b.sha, 'blob')!.content : Buffer.alloc(0);
    const binary = textA.includes(0) || textB.includes(0);
    // GitHub leaves the patch out of a very large diff too (its threshold is not documented): here,
    // one that changes more than LARGE_DIFF_LINES lines (not computed: Myers' trace would not fit)
    // or whose patch is over LARGE_PATCH_CHARS.
    const [oldText, newText] = [textA.toString('utf8'), textB.toString('utf8')];
    const text = binary || changedLinesAtLeast(oldText, newText) > LARGE_DIFF_LINES ? { patch: undefined, additions: 0, deletions: 0 } : unifiedPatch(oldText, newText);
    const diff = text.patch !== undefined && text.patch.length > LARGE_PATCH_CHARS ? { ...text, patch: undefined } : text;
    const sha = (b ?? a)!.sha;
    files.push({
      sha,
      filename,
      status,
      additions: diff.additions,
      deletions: diff.deletions,
      changes: diff.additions + diff.deletions,
      blob_url: `${ctx.baseUrl}/${repo.fullName}/blob/${toSha}/${filename}`,
      raw_url: `${ctx.baseUrl}/${repo.fullName}/raw/${toSha}/${filename}`,
      contents_url: `${ctx.baseUrl}/repos/${repo.fullName}/contents/${filename}?ref=${toSha}`,
      ...(diff.patch !== undefined && diff.patch !== '' ? { patch: diff.patch } : {}),
    });
  }
  return files;
}

export function commitShape(ctx: Ctx, repo: RepoState, sha: string): Record<string, any> {
  const c = repo.git.get(sha, 'commit')!;
  const api = `${ctx.baseUrl}/repos/${repo.fullName}`;
  return {
    sha,
    node_id: nodeId('Commit', sha),
    url: `${api}/commits/${sha}`,
    html_url: `${ctx.baseUrl}/${repo.fullName}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      message: c.message,
      author: c.author,
      committer: c.committer,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: userShape(ctx.baseUrl, c.author.name),
    committer: userShape(ctx.baseUrl, c.committer.name),
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${ctx.baseUrl}/${repo.fullName}/commit/${p}` })),
  };
}

/** A commit's files: 300 a page (fewer if `per_page` asks), with link headers to the rest, 3,000 at most (GitHub's documented limits). */
const COMMIT_FILES_PER_PAGE = 300;
const MAX_COMMIT_FILES = 3000;

function getCommit(ctx: Ctx) {
  const repo = repoOf(ctx);
  const sha = resolveRef(repo, ctx.params.ref);
  const c = repo.git.get(sha, 'commit')!;
  const files = c.parents[0] ? changedFiles(ctx, repo, c.parents[0], sha).slice(0, MAX_COMMIT_FILES) : [];
  const additions = files.reduce((n, f) => n + (f.additions as number), 0);
  const deletions = files.reduce((n, f) => n + (f.deletions as number), 0);
  const shape = { ...commitShape(ctx, repo, sha), stats: { additions, deletions, total: additions + deletions } };
  const query = { per_page: String(COMMIT_FILES_PER_PAGE), ...ctx.query };
  return paginate({ ...ctx, query }, files, (page) => ({ ...shape, files: page }), COMMIT_FILES_PER_PAGE);
}

function branchShape(ctx: Ctx, repo: RepoState, name: string, sha: string) {
  return { name, commit: { sha, url: `${ctx.baseUrl}/repos/${repo.fullName}/commits/${sha}` }, protected: false };
}

function compare(ctx: Ctx) {
  const repo = repoOf(ctx);
  const m = /^(.+?)\.\.\.(.+)$/.exec(ctx.params.basehead);
  if (!m) throw new HttpError(404, 'Not Found');
  const baseSha = resolveRef(repo, m[1]);
  const headSha = resolveRef(repo, m[2]);
  const mergeBase = repo.git.mergeBase(baseSha, headSha) ?? baseSha;
  const ahead = [...repo.git.ancestors(headSha)].filter((s) => !repo.git.ancestors(baseSha).has(s));
  const behind = [...repo.git.ancestors(baseSha)].filter((s) => !repo.git.ancestors(headSha).has(s));
  return ok({
    url: `${ctx.baseUrl}/repos/${repo.fullName}/compare/${ctx.params.basehead}`,
    html_url: `${ctx.baseUrl}/${repo.fullName}/compare/${ctx.params.basehead}`,
    base_commit: commitShape(ctx, repo, baseSha),
    merge_base_commit: commitShape(ctx, repo, mergeBase),
    status: ahead.length && behind.length ? 'diverged' : ahead.length ? 'ahead' : behind.length ? 'behind' : 'identical',
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: ahead.map((s) => commitShape(ctx, repo, s)),
    files: changedFiles(ctx, repo, mergeBase, headSha),
  });
}

export const repoRoutes: Record<string, Handler> = {
  'repos/get': (ctx) => ok(repoShape(ctx.baseUrl, ctx.state, repoOf(ctx))),
  'repos/get-content': getContent,
  'repos/get-commit': getCommit,
  'repos/compare-commits-with-basehead': compare,
  'repos/get-branch': (ctx) => {
    const repo = repoOf(ctx);
    const sha = repo.git.refs.get(`refs/heads/${ctx.params.branch}`) ?? notFound();
    return ok(branchShape(ctx, repo, ctx.params.branch, sha));
  },
  'repos/list-branches': (ctx) => {
    const repo = repoOf(ctx);
    const branches = [...repo.git.refs].filter(([r]) => r.startsWith('refs/heads/')).map(([r, sha]) => branchShape(ctx, repo, r.slice(11), sha));
    return paginate(ctx, branches);
  },
  'repos/get-collaborator-permission-level': (ctx) => {
    const repo = repoOf(ctx);
    const permission = repo.collaborators.get(ctx.params.username) ?? 'none';
    // The legacy `permission` field folds maintain→write and triage→read, as GitHub documents.
    const legacy = ({ admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' } as const)[permission];
    return ok({ permission: legacy, role_name: permission, user: { ...userShape(ctx.baseUrl, ctx.params.username), permissions: { admin: legacy === 'admin', push: legacy === 'admin' || legacy === 'write', pull: legacy !== 'none' } } });
  },
};
