/**
 * Starts the real nhi-steward Probot app on a local port, pointed at the GitHub API double, and
 * delivers signed webhooks to it over HTTP — as GitHub would. Payloads come from
 * @octokit/webhooks-examples, adjusted to the test repository.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { pino } from 'pino';
import { Probot, Server } from 'probot';
import { createApp, type AppOptions } from '../../src/app/index.js';
import { AppOctokit } from '../../src/app/octokit.js';
import type { ScanQueue } from '../../src/app/queue.js';
import type { Scheduler } from '../../src/app/scheduler.js';
import type { GitHubDouble } from './github-double/index.js';

const require = createRequire(import.meta.url);
const examples: { name: string; examples: any[] }[] = require('@octokit/webhooks-examples');

export const WEBHOOK_SECRET = 'test-webhook-secret';
export const APP_ID = 4242;

export interface RunningApp {
  url: string;
  logs: string[];
  scheduler: Scheduler;
  /** Set when the app was started with `redisUrl`. */
  queue?: ScanQueue;
  deliver(event: string, payload: unknown, id?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

let cachedKey: string | undefined;
export function privateKey(): string {
  cachedKey ??= generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  return cachedKey;
}

/** `options` are merged over the test defaults (no timer, no jitter, concurrency 2). */
export async function startApp(double: GitHubDouble, options: AppOptions = {}): Promise<RunningApp> {
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const ProbotWithDefaults = Probot.defaults({ appId: APP_ID, privateKey: privateKey(), secret: WEBHOOK_SECRET, baseUrl: double.url, log, Octokit: AppOctokit });
  // Probot's Server reads `port: 0` as "unset" and takes 3000, so two apps (or two test files)
  // would collide: ask the OS for a free port first.
  const server = new Server({ Probot: ProbotWithDefaults, port: await freePort(), host: '127.0.0.1', log, webhookPath: '/api/github/webhooks' });
  let scheduler: Scheduler | undefined;
  let queue: ScanQueue | undefined;
  // git clones (history, PR and push commits) go to loopback: a port nothing listens on, unless a test serves git.
  const gitBaseUrl = `http://127.0.0.1:${await freePort()}`;
  await server.load(createApp({ autoStart: false, jitterMs: 0, concurrency: 2, respectSchedule: false, gitBaseUrl, ...options, onScheduler: (s) => (scheduler = s), onQueue: (q) => (queue = q) }));
  const http = await server.start();
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    logs,
    scheduler: scheduler!,
    queue,
    async deliver(event, payload, id = randomUUID()) {
      return deliverSigned(`${url}/api/github/webhooks`, event, payload, id);
    },
    async close() {
      await queue?.close();
      await server.stop();
    },
  };
}

/** POSTs a webhook signed with the test secret, as GitHub delivers it. */
export function deliverSigned(url: string, event: string, payload: unknown, id: string = randomUUID()): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  // A fresh connection per delivery: a pooled keep-alive socket could point at an earlier
  // test's server that had the same port.
  return post(url, body, { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': signature });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A real example payload of `event` (and `action`), deep-copied. */
export function example(event: string, action?: string): any {
  const group = examples.find((e) => e.name === event);
  const found = group?.examples.find((x) => action === undefined || x.action === action);
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${event}.${action ?? ''}`);
  return structuredClone(found);
}

/** Points a payload's repository, owner and installation at the test repository. */
export function retarget(payload: any, double: GitHubDouble, fullName: string): any {
  const repo = double.state.repo(fullName);
  const [owner, name] = fullName.split('/');
  const ownerObject = { ...(payload.repository?.owner ?? {}), login: owner, type: 'Organization', html_url: `${double.url}/${owner}` };
  payload.repository = {
    ...(payload.repository ?? {}),
    id: repo.id,
    name,
    full_name: fullName,
    owner: ownerObject,
    html_url: `https://github.com/${fullName}`,
    default_branch: repo.defaultBranch,
    private: repo.private,
    fork: false,
    archived: false,
  };
  payload.installation = { id: repo.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  if (payload.organization) payload.organization = { ...payload.organization, login: owner };
  return payload;
}

/**
 * Pushes `files` to `branch` in the double, opens a PR from it, and returns the real
 * `pull_request.opened` example payload pointed at it (number, head and base shas and refs, user).
 */
export function openedPullRequest(double: GitHubDouble, fullName: string, options: { branch: string; files: Record<string, string | Buffer | null>; user?: string; title?: string }): { payload: any; number: number; head: string; base: string } {
  const user = options.user ?? 'jdoe';
  const head = double.state.push(fullName, { branch: options.branch, files: options.files, author: user });
  const issue = double.state.openPull(fullName, { head: options.branch, title: options.title ?? `Change ${options.branch}`, user });
  const payload = retarget(example('pull_request', 'opened'), double, fullName);
  payload.number = issue.number;
  payload.pull_request = {
    ...payload.pull_request,
    number: issue.number,
    user: { ...payload.pull_request.user, login: user },
    head: { ...payload.pull_request.head, sha: head, ref: options.branch, repo: payload.repository },
    base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, ref: double.state.repo(fullName).defaultBranch, repo: payload.repository },
  };
  return { payload, number: issue.number, head, base: issue.pull!.baseSha };
}
