import { run } from 'probot';
import app from './index.js';
import { AppOctokit } from './octokit.js';

/**
 * The App's server entry (`npm start`, the Docker image): `probot run` with nhi-steward's
 * configured Octokit (octokit.ts). Credentials and port come from the environment as for `probot run`.
 */
await run(app, { Octokit: AppOctokit });
