import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APP_ID, deliverSigned, example, privateKey, retarget, WEBHOOK_SECRET } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, CONFIG_WITH_SECRET, REPO } from './fixtures.js';

let double: GitHubDouble;
let server: Server;
let url: string;

/**
 * The serverless entry (src/app/middleware.ts): configured only through the environment, as a
 * function platform would, mounted on a plain Node HTTP server, pointed at the double through
 * GitHub Enterprise settings (GHE_HOST / GHE_PROTOCOL).
 */
beforeAll(async () => {
  double = await startGitHubDouble({ seed: { installations: [{ id: 1, account: 'acme', accountType: 'Organization' }], repos: [{ repo: REPO, files: BASE_FILES, installationId: 1 }] } });
  Object.assign(process.env, {
    APP_ID: String(APP_ID),
    PRIVATE_KEY: privateKey(),
    WEBHOOK_SECRET,
    GHE_HOST: new URL(double.url).host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'warn',
  });
  const { middleware } = await import('../../../src/app/middleware.js');
  // As a function platform calls it: no `next`.
  server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await double?.close();
});

it('runs the PR check from the Node middleware, configured by the environment alone', async () => {
  const head = double.state.push(REPO, { branch: 'feature/x', files: { 'src/config.js': CONFIG_WITH_SECRET } });
  const issue = double.state.openPull(REPO, { head: 'feature/x', title: 'x' });
  const payload = retarget(example('pull_request', 'opened'), double, REPO);
  payload.number = issue.number;
  payload.pull_request = { ...payload.pull_request, number: issue.number, head: { ...payload.pull_request.head, sha: head, repo: payload.repository }, base: { ...payload.pull_request.base, sha: issue.pull!.baseSha, repo: payload.repository } };
  const response = await deliverSigned(`${url}/api/github/webhooks`, 'pull_request', payload);
  expect(response.status).toBe(200);
  const runs = [...double.state.repo(REPO).checkRuns.values()];
  expect(runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([['NHI hygiene', 'completed', 'failure']]);
  expect(runs[0].annotations.map((a) => [a.path, a.start_line, a.title])).toEqual([['src/config.js', 3, 'secret/github-classic-pat']]);
  double.assertNoViolations();
});

it('rejects a delivery with a bad signature, and calls GitHub for nothing', async () => {
  const before = double.requests.length;
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'd1', 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) },
    body: JSON.stringify({ zen: 'x' }),
  });
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(double.requests.length).toBe(before);
});

it('answers 200 on /ping and 404 on unknown paths (no request left hanging)', async () => {
  const ping = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(5000) });
  expect([ping.status, await ping.text()]).toEqual([200, 'PONG']);
  for (const path of ['/', '/nope', '/api/github/webhooks/extra']) {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
    expect(response.status, path).toBe(404);
  }
  // A host framework's `next` still gets unknown paths.
  const { middleware } = await import('../../../src/app/middleware.js');
  let passed = false;
  const express = createServer((req, res) => void middleware(req, res, () => ((passed = true), res.writeHead(418).end())));
  await new Promise<void>((resolve) => express.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(express.address() as AddressInfo).port}/elsewhere`, { signal: AbortSignal.timeout(5000) });
    expect([response.status, passed]).toEqual([418, true]);
  } finally {
    await new Promise((resolve) => express.close(resolve));
  }
});
