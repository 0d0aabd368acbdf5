import { ProbotOctokit } from 'probot';
import { octokitOptions } from '../github/octokit.js';

/**
 * Probot's Octokit with its bundled retry and throttling plugins configured as the Action's are
 * (github/octokit.ts): bounded rate-limit retries, secondary limits retried too, and a timeout on
 * every HTTP request. Passed to Probot as its `Octokit` (server.ts, middleware.ts): configured,
 * not stacked. The function form runs after Probot's own defaults, so these settings win while
 * Probot's (a Redis connection for clustering) are kept.
 */
export const AppOctokit = ProbotOctokit.defaults((options: Record<string, any>) => octokitOptions(options));
