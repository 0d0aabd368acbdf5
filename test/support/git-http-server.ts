/**
 * A real git smart-HTTP server on loopback: node:http in front of `git http-backend` (git's own
 * CGI server), serving bare repositories that mirror the GitHub double's object stores object
 * for object (same ids). Requests must carry `Authorization: Basic x-access-token:<token>` with a
 * token `authorize` accepts, as GitHub wants an installation token. Never a mock of git.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { GitObject, GitStore } from './github-double/git.js';

export interface GitHttpServer {
  url: string;
  /** Every request: method, path, and the token it presented (undefined when none). */
  requests: { method: string; path: string; token?: string; status: number }[];
  /** Writes `store`'s objects and refs into the served repository `owner/name`. */
  sync(fullName: string, store: GitStore): void;
  /** Serves a copy of the local repository `source` (every branch and tag, its HEAD) as `owner/name`. */
  serve(fullName: string, source: string): void;
  close(): Promise<void>;
}

export async function startGitHttpServer(authorize: (token: string) => boolean): Promise<GitHttpServer> {
  const root = mkdtempSync(join(tmpdir(), 'nhi-git-http-'));
  const requests: GitHttpServer['requests'] = [];
  const written = new Map<string, Set<string>>();

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = tokenOf(req.headers.authorization);
    const entry = { method: req.method ?? 'GET', path: url.pathname, token, status: 0 };
    requests.push(entry);
    if (!token || !authorize(token)) {
      entry.status = 401;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      res.end('Invalid username or token.\n');
      return;
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: root,
        PATH_INFO: decodeURIComponent(url.pathname),
        REQUEST_METHOD: req.method ?? 'GET',
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      entry.status = status;
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.stdout.on('end', () => res.end());
    child.on('error', () => {
      res.writeHead(500);
      res.end();
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    sync(fullName, store) {
      const dir = join(root, `${fullName}.git`);
      if (!existsSync(dir)) {
        mkdirSync(join(dir, 'objects'), { recursive: true });
        mkdirSync(join(dir, 'refs', 'heads'), { recursive: true });
        writeFileSync(join(dir, 'HEAD'), 'ref: refs/heads/main\n');
        // GitHub lets clients fetch any reachable commit by id; http-backend needs to be told.
        writeFileSync(join(dir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tbare = true\n[uploadpack]\n\tallowAnySHA1InWant = true\n\tallowFilter = true\n[http]\n\treceivepack = false\n');
      }
      const done = written.get(fullName) ?? new Set<string>();
      written.set(fullName, done);
      for (const object of store.objects.values()) {
        if (done.has(object.sha)) continue;
        const { type, body } = encode(object);
        const file = join(dir, 'objects', object.sha.slice(0, 2), object.sha.slice(2));
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])));
        done.add(object.sha);
      }
      for (const [ref, sha] of store.refs) {
        mkdirSync(join(dir, ref, '..'), { recursive: true });
        writeFileSync(join(dir, ref), `${sha}\n`);
      }
    },
    serve(fullName, source) {
      const dir = join(root, `${fullName}.git`);
      execFileSync('git', ['clone', '--quiet', '--bare', source, dir], { stdio: 'pipe' });
      execFileSync('git', ['config', 'http.receivepack', 'false'], { cwd: dir, stdio: 'pipe' });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function tokenOf(header: string | undefined): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const [user, password] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  return user === 'x-access-token' ? password : undefined;
}

/** Git's own encoding of an object's body; hashing it gives the double's id back. */
export function encode(object: GitObject): { type: string; body: Buffer } {
  if (object.type === 'blob') return { type: 'blob', body: object.content };
  if (object.type === 'tree') {
    return { type: 'tree', body: Buffer.concat(object.entries.map((e) => Buffer.concat([Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]))) };
  }
  const stamp = (p: { name: string; email: string; date: string }) => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;
  const lines = [`tree ${object.tree}`, ...object.parents.map((p) => `parent ${p}`), `author ${stamp(object.author)}`, `committer ${stamp(object.committer)}`, '', object.message];
  return { type: 'commit', body: Buffer.concat([Buffer.from(lines.join('\n'))]) };
}
