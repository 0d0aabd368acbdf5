/** The Git Data API: blobs, trees, commits and refs, as a bot uses them to build a branch + commit. */
import type { FileMode, FlatTree } from '../git.js';
import { HttpError, notFound, ok, repoOf, type Ctx, type Handler } from '../http.js';
import { nodeId } from '../shapes.js';
import type { RepoState } from '../state.js';

function refShape(ctx: Ctx, repo: RepoState, ref: string, sha: string) {
  return {
    ref,
    node_id: nodeId('Ref', `${repo.fullName}:${ref}`),
    url: `${ctx.baseUrl}/repos/${repo.fullName}/git/${ref}`,
    object: { type: 'commit', sha, url: `${ctx.baseUrl}/repos/${repo.fullName}/git/commits/${sha}` },
  };
}

function gitCommitShape(ctx: Ctx, repo: RepoState, sha: string) {
  const c = repo.git.get(sha, 'commit') ?? notFound();
  const api = `${ctx.baseUrl}/repos/${repo.fullName}/git`;
  return {
    sha,
    node_id: nodeId('Commit', sha),
    url: `${api}/commits/${sha}`,
    html_url: `${ctx.baseUrl}/${repo.fullName}/commit/${sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message,
    tree: { sha: c.tree, url: `${api}/trees/${c.tree}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${ctx.baseUrl}/${repo.fullName}/commit/${p}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

/** `ref` in `git/ref/{ref}` and `git/refs/{ref}` is `heads/x` / `tags/x`, without `refs/`. */
function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

function createTree(ctx: Ctx) {
  const repo = repoOf(ctx);
  const { tree, base_tree } = ctx.body as { tree: any[]; base_tree?: string };
  let flat: FlatTree = new Map();
  if (base_tree) {
    if (!repo.git.get(base_tree, 'tree')) throw new HttpError(422, 'Invalid tree info', [{ resource: 'Tree', field: 'base_tree', code: 'invalid' }]);
    flat = repo.git.flatten(base_tree);
  }
  for (const e of tree) {
    const path = String(e.path).replace(/^\/+/, '');
    if (e.sha !== undefined && e.content !== undefined) throw new HttpError(422, 'Must supply either tree.sha or tree.content, not both');
    if (e.sha === null) {
      // Deleting a path removes the file, or every file under a directory.
      for (const p of [...flat.keys()]) if (p === path || p.startsWith(`${path}/`)) flat.delete(p);
      continue;
    }
    if (e.type === 'tree') {
      if (!repo.git.get(e.sha, 'tree')) throw new HttpError(422, `Invalid tree info: ${e.sha} is not a tree`);
      for (const p of [...flat.keys()]) if (p.startsWith(`${path}/`)) flat.delete(p);
      for (const [sub, entry] of repo.git.flatten(e.sha)) flat.set(`${path}/${sub}`, entry);
      continue;
    }
    const sha = e.content !== undefined ? repo.git.writeBlob(Buffer.from(String(e.content))) : e.sha;
    if (e.type === 'blob' && !repo.git.get(sha, 'blob')) throw new HttpError(422, `Invalid tree info: blob ${sha} not found`);
    flat.set(path, { mode: (e.mode ?? '100644') as FileMode, type: e.type === 'commit' ? 'commit' : 'blob', sha });
  }
  const sha = repo.git.buildTree(flat);
  return ok(treeShape(ctx, repo, sha, false), 201);
}

function treeShape(ctx: Ctx, repo: RepoState, sha: string, recursive: boolean) {
  const api = `${ctx.baseUrl}/repos/${repo.fullName}/git`;
  const entries: Record<string, unknown>[] = [];
  const walk = (treeSha: string, prefix: string) => {
    for (const e of repo.git.get(treeSha, 'tree')!.entries) {
      const path = prefix + e.name;
      const size = e.type === 'blob' ? repo.git.get(e.sha, 'blob')!.content.length : undefined;
      entries.push({ path, mode: e.mode, type: e.type, sha: e.sha, ...(size !== undefined ? { size } : {}), url: `${api}/${e.type}s/${e.sha}` });
      if (recursive && e.type === 'tree') walk(e.sha, `${path}/`);
    }
  };
  walk(sha, '');
  return { sha, url: `${api}/trees/${sha}`, tree: entries, truncated: false };
}

export const gitRoutes: Record<string, Handler> = {
  'git/create-blob': (ctx) => {
    const repo = repoOf(ctx);
    const { content, encoding } = ctx.body as { content: string; encoding?: string };
    const sha = repo.git.writeBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
    return ok({ sha, url: `${ctx.baseUrl}/repos/${repo.fullName}/git/blobs/${sha}` }, 201);
  },
  'git/get-blob': (ctx) => {
    const repo = repoOf(ctx);
    const blob = repo.git.get(ctx.params.file_sha, 'blob') ?? notFound();
    return ok({ sha: blob.sha, node_id: nodeId('Blob', blob.sha), size: blob.content.length, url: `${ctx.baseUrl}/repos/${repo.fullName}/git/blobs/${blob.sha}`, content: blob.content.toString('base64'), encoding: 'base64' });
  },
  'git/create-tree': createTree,
  'git/get-tree': (ctx) => {
    const repo = repoOf(ctx);
    let sha = ctx.params.tree_sha;
    if (!repo.git.get(sha, 'tree')) {
      // GitHub also accepts a commit-ish here and uses its tree.
      const commit = repo.git.resolveCommit(sha) ?? notFound();
      sha = repo.git.get(commit, 'commit')!.tree;
    }
    const recursive = ctx.query.recursive !== undefined && ctx.query.recursive !== '0' && ctx.query.recursive !== 'false';
    return ok(treeShape(ctx, repo, sha, recursive));
  },
  'git/create-commit': (ctx) => {
    const repo = repoOf(ctx);
    const b = ctx.body as { message: string; tree: string; parents?: string[]; author?: { name: string; email: string; date?: string } };
    if (!repo.git.get(b.tree, 'tree')) throw new HttpError(422, 'Tree SHA does not exist');
    for (const p of b.parents ?? []) if (!repo.git.get(p, 'commit')) throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
    const person = b.author ? { name: b.author.name, email: b.author.email, date: b.author.date ?? ctx.state.now() } : ctx.state.person(ctx.actor);
    const sha = repo.git.writeCommit({ tree: b.tree, parents: b.parents ?? [], message: b.message, author: person });
    return ok(gitCommitShape(ctx, repo, sha), 201);
  },
  'git/get-commit': (ctx) => {
    const repo = repoOf(ctx);
    return ok(gitCommitShape(ctx, repo, ctx.params.commit_sha));
  },
  'git/get-ref': (ctx) => {
    const repo = repoOf(ctx);
    const ref = fullRef(ctx.params.ref);
    const sha = repo.git.refs.get(ref) ?? notFound();
    return ok(refShape(ctx, repo, ref, sha));
  },
  'git/create-ref': (ctx) => {
    const repo = repoOf(ctx);
    const { ref, sha } = ctx.body as { ref: string; sha: string };
    if (!/^refs\/.+\/.+/.test(ref)) throw new HttpError(422, 'Reference name must start with \'refs/\' and have at least two slashes.');
    if (repo.git.refs.has(ref)) throw new HttpError(422, 'Reference already exists');
    if (!repo.git.get(sha, 'commit')) throw new HttpError(422, 'Object does not exist');
    repo.git.refs.set(ref, sha);
    return ok(refShape(ctx, repo, ref, sha), 201);
  },
  'git/update-ref': (ctx) => {
    const repo = repoOf(ctx);
    const ref = fullRef(ctx.params.ref);
    const { sha, force } = ctx.body as { sha: string; force?: boolean };
    const current = repo.git.refs.get(ref);
    if (!current) throw new HttpError(422, 'Reference does not exist');
    if (!repo.git.get(sha, 'commit')) throw new HttpError(422, 'Object does not exist');
    if (!force && !repo.git.isAncestor(current, sha)) throw new HttpError(422, 'Update is not a fast forward');
    repo.git.refs.set(ref, sha);
    return ok(refShape(ctx, repo, ref, sha));
  },
  'git/delete-ref': (ctx) => {
    const repo = repoOf(ctx);
    const ref = fullRef(ctx.params.ref);
    if (!repo.git.refs.delete(ref)) throw new HttpError(422, 'Reference does not exist');
    return { status: 204 };
  },
};
