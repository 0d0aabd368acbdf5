#!/usr/bin/env node
import { run } from 'probot';
import app from './index.js';

/**
 * The App's server entry, for `npm start` and the container: `node lib/app/server.js` (run it with
 * `--max-old-space-size=256`, as both do). Probot reads the environment: APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, PORT; WEBHOOK_PROXY_URL forwards deliveries from a smee.io channel in development
 * (smee-client, a development dependency); with no APP_ID it serves the page that registers the App
 * from app.yml. Webhooks arrive at `/api/github/webhooks`; `GET /ping` answers `PONG` (HEALTHCHECK).
 */
await run(app);
