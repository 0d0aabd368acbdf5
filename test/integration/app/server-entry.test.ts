import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APP_ID, deliverSigned, freePort, privateKey, WEBHOOK_SECRET } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { BASE_FILES, REPO } from './fixtures.js';

let double: GitHubDouble;
let child: ChildProcess;
let url: string;
let output = '';

/** The server entry that `npm start` and the container run (src/app/server.ts), as its own process. */
beforeAll(async () => {
  double = await startGitHubDouble({ seed: { installations: [{ id: 1, account: 'acme', accountType: 'Organization' }], repos: [{ repo: REPO, files: BASE_FILES, installationId: 1 }] } });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--max-old-space-size=256', '--initial-old-space-size=96', '--import', 'tsx', 'src/app/server.ts'], {
    env: { ...process.env, APP_ID: String(APP_ID), PRIVATE_KEY: privateKey(), WEBHOOK_SECRET, GHE_HOST: new URL(double.url).host, GHE_PROTOCOL: 'http', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NHI_SCHEDULE_MS: String(24 * 3600_000) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/ping`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 90_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await double?.close();
});

it('serves /ping (the HEALTHCHECK), 404 elsewhere, and signed webhooks at /api/github/webhooks', async () => {
  const ping = await fetch(`${url}/ping`);
  expect([ping.status, await ping.text()]).toEqual([200, 'PONG']);
  expect((await fetch(`${url}/nope`, { signal: AbortSignal.timeout(5000) })).status).toBe(404);
  const delivery = await deliverSigned(`${url}/api/github/webhooks`, 'ping', { zen: 'Keep it logically awesome.', hook_id: 1 });
  expect(delivery.status).toBe(200);
});

it('npm start and the container run node directly with the same heap settings', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  expect(pkg.scripts.start).toBe('node --max-old-space-size=256 --initial-old-space-size=96 lib/app/server.js');
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  expect(dockerfile).toContain('CMD ["node", "--max-old-space-size=256", "--initial-old-space-size=96", "lib/app/server.js"]');
  expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/ping/m);
  expect(dockerfile).toMatch(/apt-get install .*\bgit\b/);
  expect(dockerfile.split('\n').filter((line) => !line.startsWith('#')).join('\n')).not.toMatch(/\bnpx\b/);
});
