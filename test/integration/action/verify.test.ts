import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { VERIFY_SPECS } from '../../../src/verify/index.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { startStandIn, type StandIn } from '../../support/verify/stand-in.js';
import { REPO, schedulePayload } from './fixtures.js';
import { makeRepo } from './git-repo.js';
import { buildBundle, runAction } from './runner.js';

const sample = (id: string) => allDetectors.find((d) => d.id === id)!.samples.positive[0];
const GITHUB = sample('github-classic-pat');
const STRIPE = sample('stripe-test-secret-key');

let bundle: ReturnType<typeof buildBundle>;
let standIn: StandIn;
let double: GitHubDouble;
beforeAll(async () => {
  bundle = buildBundle();
  standIn = await startStandIn(VERIFY_SPECS);
  double = await startGitHubDouble({ seed: { repos: [{ repo: REPO, files: {} }] } });
});
afterAll(async () => {
  bundle?.cleanup();
  await standIn?.close();
  await double?.close();
});

function workspace(verify: string) {
  const endpoints = standIn.endpoints(['github', 'stripe']);
  return makeRepo({
    base: {
      '.github/nhi-steward.yml': `verify:\n  enabled: ${verify}\n  endpoints:\n    github: ${endpoints.github}\n    stripe: ${endpoints.stripe}\n`,
      'ci/token.env': `${GITHUB.text}\n`,
      'billing/test.env': `${STRIPE.text}\n`,
    },
  });
}

describe('the Action with verify: on (bundled, as the runner runs it)', () => {
  it('verifies found secrets: a live test-mode key becomes an error that says rotate now; the output counts live secrets', async () => {
    const ws = workspace('on');
    try {
      standIn.modes.set('github', 'revoked');
      const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'schedule', payload: schedulePayload(), repository: REPO, sha: ws.headSha, ref: 'refs/heads/main', inputs: { 'fail-on': 'error' } });
      expect(standIn.requests.map((r) => r.provider).sort()).toEqual(['github', 'stripe']);
      expect(run.outputs.live).toBe('1');
      const stripe = run.annotations.find((a) => a.properties.title === 'secret/stripe-test-secret-key')!;
      expect(stripe.kind).toBe('error'); // an `info` detector, raised because it is live
      expect(stripe.message).toContain('live: rotate now');
      expect(run.annotations.find((a) => a.properties.title === 'secret/github-classic-pat')!.message).toContain('revoked (the provider refused it)');
      expect(run.stdout).toContain('verified secrets: 1 live, 1 revoked, 0 unknown (2 request(s) sent)');
      expect(run.code).toBe(1);
      const written = [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)].join('\n');
      expect(written).not.toContain(GITHUB.secret);
      expect(written).not.toContain(STRIPE.secret);
    } finally {
      ws.cleanup();
      standIn.modes.clear();
      standIn.requests.length = 0;
    }
  });

  it('sends nothing when the config leaves verification off', async () => {
    const ws = workspace('off');
    try {
      const run = await runAction({ entry: bundle.entry, workspace: ws.workspace, apiUrl: double.url, event: 'schedule', payload: schedulePayload(), repository: REPO, sha: ws.headSha, ref: 'refs/heads/main', inputs: {} });
      expect(run.annotations.length).toBeGreaterThanOrEqual(2);
      expect(standIn.requests).toHaveLength(0);
      expect(run.outputs.live).toBeUndefined();
    } finally {
      ws.cleanup();
    }
  });
});
