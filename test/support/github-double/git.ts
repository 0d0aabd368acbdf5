/**
 * A per-repository git object store with real git object ids (SHA-1 over git's own encodings), so
 * blob shas match what `git hash-object` would print and tests can reason about them.
 */
import { createHash } from 'node:crypto';

export type FileMode = '100644' | '100755' | '040000' | '160000' | '120000';

export interface TreeEntry {
  name: string;
  mode: FileMode;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

export type GitObject =
  | { type: 'blob'; sha: string; content: Buffer }
  | { type: 'tree'; sha: string; entries: TreeEntry[] }
  | { type: 'commit'; sha: string; tree: string; parents: string[]; message: string; author: GitPerson; committer: GitPerson };

/** A flattened tree: POSIX path → blob (or submodule) entry. */
export type FlatTree = Map<string, { mode: FileMode; sha: string; type: 'blob' | 'commit' }>;

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** Git sorts tree entries by name, comparing subtrees as if their name ended with `/`. */
function treeSortKey(e: TreeEntry): string {
  return e.type === 'tree' ? `${e.name}/` : e.name;
}

export class GitStore {
  readonly objects = new Map<string, GitObject>();
  /** Full ref names (`refs/heads/main`) → commit sha. */
  readonly refs = new Map<string, string>();

  writeBlob(content: Buffer): string {
    const sha = hashObject('blob', content);
    if (!this.objects.has(sha)) this.objects.set(sha, { type: 'blob', sha, content });
    return sha;
  }

  writeTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => (treeSortKey(a) < treeSortKey(b) ? -1 : treeSortKey(a) > treeSortKey(b) ? 1 : 0));
    const body = Buffer.concat(
      sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')])),
    );
    const sha = hashObject('tree', body);
    if (!this.objects.has(sha)) this.objects.set(sha, { type: 'tree', sha, entries: sorted });
    return sha;
  }

  writeCommit(c: { tree: string; parents: string[]; message: string; author: GitPerson; committer?: GitPerson }): string {
    const committer = c.committer ?? c.author;
    const stamp = (p: GitPerson) => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;
    const body = Buffer.from(
      [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${stamp(c.author)}`, `committer ${stamp(committer)}`, '', c.message].join('\n'),
    );
    const sha = hashObject('commit', body);
    if (!this.objects.has(sha)) {
      this.objects.set(sha, { type: 'commit', sha, tree: c.tree, parents: c.parents, message: c.message, author: c.author, committer });
    }
    return sha;
  }

  get<T extends GitObject['type']>(sha: string, type: T): Extract<GitObject, { type: T }> | undefined {
    const o = this.objects.get(sha);
    return o && o.type === type ? (o as Extract<GitObject, { type: T }>) : undefined;
  }

  /** All blobs under a tree, by path. */
  flatten(treeSha: string, prefix = '', out: FlatTree = new Map()): FlatTree {
    const tree = this.get(treeSha, 'tree');
    if (!tree) throw new Error(`tree ${treeSha} not found`);
    for (const e of tree.entries) {
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.type === 'tree') this.flatten(e.sha, path, out);
      else out.set(path, { mode: e.mode, sha: e.sha, type: e.type });
    }
    return out;
  }

  /** Builds nested tree objects from a flat path map; returns the root tree sha. */
  buildTree(flat: FlatTree): string {
    interface Dir { files: TreeEntry[]; dirs: Map<string, Dir> }
    const root: Dir = { files: [], dirs: new Map() };
    for (const [path, e] of flat) {
      const parts = path.split('/');
      const name = parts.pop()!;
      let dir = root;
      for (const p of parts) {
        let next = dir.dirs.get(p);
        if (!next) dir.dirs.set(p, (next = { files: [], dirs: new Map() }));
        dir = next;
      }
      dir.files.push({ name, mode: e.mode, type: e.type, sha: e.sha });
    }
    const write = (d: Dir): string =>
      this.writeTree([...d.files, ...[...d.dirs].map(([name, sub]) => ({ name, mode: '040000' as const, type: 'tree' as const, sha: write(sub) }))]);
    return write(root);
  }

  /** Resolves a branch name, tag, full ref, `heads/x`, or (abbreviated) commit sha to a commit sha. */
  resolveCommit(ref: string): string | undefined {
    for (const name of [ref, `refs/${ref}`, `refs/heads/${ref}`, `refs/tags/${ref}`]) {
      const sha = this.refs.get(name);
      if (sha) return sha;
    }
    if (/^[0-9a-f]{4,40}$/.test(ref)) {
      if (this.get(ref, 'commit')) return ref;
      for (const o of this.objects.values()) if (o.type === 'commit' && o.sha.startsWith(ref)) return o.sha;
    }
    return undefined;
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.ancestors(descendant).has(ancestor);
  }

  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...(this.get(s, 'commit')?.parents ?? []));
    }
    return seen;
  }

  /** The nearest common ancestor (breadth-first from `b`), as GitHub's three-dot compare uses. */
  mergeBase(a: string, b: string): string | undefined {
    const ofA = this.ancestors(a);
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length) {
      const s = queue.shift()!;
      if (ofA.has(s)) return s;
      if (seen.has(s)) continue;
      seen.add(s);
      queue.push(...(this.get(s, 'commit')?.parents ?? []));
    }
    return undefined;
  }
}
