/**
 * A second App replica in its own process (as in production: separate processes share nothing
 * but GitHub and Redis). `tsx test/support/replica.ts <double-url> [redis-url]` starts the real
 * Probot server against the GitHub double, prints `READY <webhook-base-url>` and runs until its
 * stdin closes. Used by test/integration/reliability/replicas.test.ts.
 */
import { startApp } from './app-harness.js';
import type { GitHubDouble } from './github-double/index.js';

const [doubleUrl, redisUrl] = process.argv.slice(2);
const app = await startApp({ url: doubleUrl } as GitHubDouble, { ...(redisUrl ? { redisUrl } : {}), concurrency: 2, jitterMs: 0 });
process.stdout.write(`READY ${app.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void app.close().finally(() => process.exit(0));
});
