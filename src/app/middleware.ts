import { createNodeMiddleware, createProbot } from 'probot';
import { createApp } from './index.js';
import { AppOctokit } from './octokit.js';

/**
 * The App as a plain Node request handler, for serverless platforms and existing HTTP servers
 * (`http.createServer(middleware)`, an Express `app.use(middleware)`, a Vercel/Netlify function).
 * Credentials come from the environment (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET). Functions do not
 * keep timers alive, so the in-process scheduler is off: run full scans with REDIS_URL workers
 * elsewhere, or with the GitHub Action on a schedule.
 */
export const middleware = await createNodeMiddleware(createApp({ autoStart: false }), { probot: createProbot({ overrides: { Octokit: AppOctokit } }) });

export default middleware;
