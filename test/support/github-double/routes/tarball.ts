/**
 * `GET /repos/{o}/{r}/tarball/{ref}` answers 302 to a download URL, like GitHub's redirect to
 * codeload; the download is a gzip'd tar with a `owner-repo-<sha7>/` top folder and a pax global
 * header carrying the commit sha, as GitHub builds it.
 */
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import createIgnore from 'ignore';
import tar from 'tar-stream';
import { notFound, repoOf, type Ctx, type Handler } from '../http.js';
import type { RepoState } from '../state.js';
import { resolveRef, treeOf } from './repos.js';

/** Path prefix of download URLs; these are not GitHub API routes, so they skip validation. */
export const DOWNLOAD_PREFIX = '/_double/tarball/';

export function tarballTopFolder(repo: RepoState, sha: string): string {
  return `${repo.owner}-${repo.name}-${sha.slice(0, 7)}`;
}

/** Builds the gzip'd tarball of a commit's tree, streamed. */
export function buildTarball(repo: RepoState, sha: string): Readable {
  const pack = tar.pack();
  const top = tarballTopFolder(repo, sha);
  const mtime = new Date(repo.git.get(sha, 'commit')!.committer.date);
  pack.entry({ name: `${top}/`, type: 'directory', mtime });
  const dirs = new Set<string>();
  const exported = exportFilter(repo, sha);
  for (const [path, e] of treeOf(repo, sha)) {
    if (!exported(path)) continue;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        pack.entry({ name: `${top}/${dir}/`, type: 'directory', mtime });
      }
    }
    const blob = repo.git.get(e.sha, 'blob');
    if (blob) pack.entry({ name: `${top}/${path}`, mode: e.mode === '100755' ? 0o755 : 0o644, mtime }, blob.content);
  }
  pack.finalize();
  const out = new PassThrough();
  const gzip = createGzip();
  gzip.write(paxGlobalHeader({ comment: sha }));
  // pipeline() tears every stage down when the client disconnects mid-download.
  pipeline(pack, gzip, out, () => {});
  return out;
}

/**
 * What `git archive` keeps, as GitHub's tarballs do: paths the root `.gitattributes` marks
 * `export-ignore` are left out, a matched folder with everything in it. Patterns follow the
 * `ignore` package's gitignore rules (a pattern without a slash matches a name at any depth);
 * nested .gitattributes files and `-export-ignore` are not modelled.
 */
function exportFilter(repo: RepoState, sha: string): (path: string) => boolean {
  const attributes = treeOf(repo, sha).get('.gitattributes');
  const text = attributes ? repo.git.get(attributes.sha, 'blob')?.content.toString('utf8') : undefined;
  const patterns = (text ?? '')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((words) => words[0] && !words[0].startsWith('#') && words.slice(1).includes('export-ignore'))
    .map((words) => words[0]);
  if (patterns.length === 0) return () => true;
  const matcher = createIgnore().add(patterns);
  return (path) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) if (matcher.ignores(`${parts.slice(0, i).join('/')}/`)) return false;
    return !matcher.ignores(path);
  };
}

/**
 * A pax global extended header block (typeflag `g`), which `git archive` puts first to carry the
 * commit id. tar-stream cannot pack one, so we encode the ustar header ourselves.
 */
export function paxGlobalHeader(records: Record<string, string>): Buffer {
  const body = Buffer.from(
    Object.entries(records)
      .map(([k, v]) => {
        const rest = ` ${k}=${v}\n`;
        let len = rest.length + 1;
        while (`${len}${rest}`.length !== len) len++;
        return `${len}${rest}`;
      })
      .join(''),
  );
  const header = Buffer.alloc(512);
  const octal = (n: number, len: number) => `${n.toString(8).padStart(len - 1, '0')}\0`;
  header.write('pax_global_header', 0, 100, 'ascii');
  header.write(octal(0o666, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii');
  header.write(octal(0, 8), 116, 8, 'ascii');
  header.write(octal(body.length, 12), 124, 12, 'ascii');
  header.write(octal(0, 12), 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('g', 156, 1, 'ascii');
  header.write('ustar\x0000', 257, 8, 'binary');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, pad]);
}

export const tarballRoutes: Record<string, Handler> = {
  'repos/download-tarball-archive': (ctx: Ctx) => {
    const repo = repoOf(ctx);
    const sha = resolveRef(repo, ctx.params.ref);
    return { status: 302, headers: { location: `${ctx.baseUrl}${DOWNLOAD_PREFIX}${repo.fullName}/${sha}` } };
  },
};

/** Serves a download URL produced above (or a test's own tarball via `state.setTarball`). */
export function serveDownload(ctx: Ctx, rawPath: string) {
  const m = /^\/_double\/tarball\/([^/]+)\/([^/]+)\/([0-9a-f]{40})$/.exec(rawPath);
  if (!m) return notFound();
  const repo = ctx.state.findRepo(`${m[1]}/${m[2]}`) ?? notFound();
  const sha = m[3];
  const body = repo.tarball ? repo.tarball(sha) : buildTarball(repo, sha);
  return {
    status: 200,
    raw: body,
    headers: { 'content-type': 'application/x-gzip', 'content-disposition': `attachment; filename=${tarballTopFolder(repo, sha)}.tar.gz` },
  };
}
