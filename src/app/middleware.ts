import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNodeMiddleware, createProbot } from 'probot';
import { createApp } from './index.js';

/**
 * The App as a plain Node request handler, for serverless platforms and existing HTTP servers
 * (`http.createServer(middleware)`, an Express `app.use(middleware)`, a Vercel/Netlify function).
 * Credentials come from the environment (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET). Functions do not
 * keep timers alive, so the in-process scheduler is off: run full scans with REDIS_URL workers
 * elsewhere, or with the GitHub Action on a schedule.
 *
 * Webhooks are served at `/api/github/webhooks` (the URL to give GitHub: `https://<host>/api/github/webhooks`),
 * a health check at `GET /ping` (200 `PONG`), and every other path gets 404 — or goes to `next`
 * when the host framework passes one — so no request is left hanging.
 */
const probot = await createNodeMiddleware(createApp({ autoStart: false }), { probot: createProbot() });

export async function middleware(req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/ping' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : 'PONG');
    return true;
  }
  return (await probot(req, res, next ?? (() => void res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found')))) === true;
}

export default middleware;
