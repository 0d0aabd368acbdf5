#!/usr/bin/env node
import './early.js'; // first: keeps V8's young generation small (docs/performance.md, "The App's full scan")
import { run } from 'probot';
import app from './index.js';
import { AppOctokit } from './octokit.js';

/**
 * The App's server entry, for `npm start` and the container: `node lib/app/server.js` (run it with
 * `npm start`'s heap flags, as the container does). Probot reads the environment: APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, PORT; WEBHOOK_PROXY_URL forwards deliveries from a smee.io channel in development
 * (smee-client, a development dependency); with no APP_ID it serves the page that registers the App
 * from app.yml. Octokit is nhi-steward's configured one (octokit.ts). Webhooks arrive at `/api/github/webhooks`; `GET /ping` answers `PONG` (HEALTHCHECK).
 */
await run(app, { Octokit: AppOctokit });
