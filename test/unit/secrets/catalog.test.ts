import { describe, expect, it } from 'vitest';
import type { Detector } from '../../../src/core/secrets/detector.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { redact, secretFingerprint } from '../../../src/core/secrets/redact.js';
import { defaultSettings } from '../../../src/core/types.js';

/**
 * The catalog carries its own evidence (CONTRIBUTING.md, "Adding a detector"): every detector's positive samples must be found
 * by the real engine with exactly the documented secret, and its near-misses must not be.
 */

function scanWith(d: Detector, text: string, path = 'sample.txt') {
  const settings = defaultSettings({ detectors: { enabled: [d.id], disabled: [] } });
  return scanSecrets({ path, content: text }, settings).filter((f) => f.detector === d.id);
}

function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits;
}

/** The detector's own regex, entropy floor and validator, without the engine: pins what the regex captures. */
function directSecrets(d: Detector, text: string, path = 'sample.txt'): string[] {
  if (d.pathPattern && !d.pathPattern.test(path)) return [];
  const re = new RegExp(d.pattern.source, d.pattern.flags + 'g');
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    const secret = m.groups?.secret ?? m[0];
    if (d.entropy !== undefined && entropy(secret) < d.entropy) continue;
    if (d.validate && !d.validate(secret)) continue;
    out.push(secret);
  }
  return out;
}

const negativeText = (n: Detector['samples']['negative'][number]) => (typeof n === 'string' ? { text: n, path: undefined } : n);

/** Keywords so common that every file would become a candidate. */
const GENERIC_WORDS = ['key', 'token', 'secret', 'api', 'apikey', 'api_key', 'password', 'pass', 'auth', 'bearer', 'access', 'private'];

/** Providers the issue requires the catalog to cover (by `provider`). */
const REQUIRED_PROVIDERS = [
  'AWS', 'Google Cloud', 'Azure', 'GitHub', 'GitLab', 'Bitbucket', 'npm', 'PyPI', 'RubyGems', 'NuGet', 'Docker Hub',
  'Slack', 'Discord', 'Telegram', 'Microsoft Teams', 'Twilio', 'SendGrid', 'Mailgun', 'Mailchimp', 'Stripe', 'Square',
  'PayPal Braintree', 'Shopify', 'Plaid', 'OpenAI', 'Anthropic', 'Hugging Face', 'Cohere', 'Perplexity', 'Databricks',
  'Datadog', 'New Relic', 'Sentry', 'Grafana', 'Dynatrace', 'PagerDuty', 'Heroku', 'DigitalOcean', 'Cloudflare',
  'Fastly', 'Netlify', 'Vercel', 'Fly.io', 'HashiCorp Vault', 'Terraform Cloud', 'Pulumi', 'Doppler', '1Password',
  'Atlassian', 'Linear', 'Notion', 'Airtable', 'Asana', 'Postman', 'SonarQube', 'Snyk', 'JFrog', 'Okta', 'Auth0',
  'Firebase', 'Mapbox', 'Twitter', 'Facebook',
];

/** Token kinds the issue names explicitly (by detector id). */
const REQUIRED_IDS = [
  'aws-access-key-id', 'aws-secret-access-key', 'aws-session-token', 'gcp-api-key', 'gcp-service-account-key',
  'azure-storage-connection-string', 'azure-storage-account-key', 'azure-ad-client-secret', 'azure-sas-token',
  'github-classic-pat', 'github-oauth-token', 'github-user-to-server-token', 'github-installation-token',
  'github-refresh-token', 'github-fine-grained-pat', 'github-installation-token-jwt',
  'gitlab-pat', 'gitlab-deploy-token', 'gitlab-runner-token', 'gitlab-pipeline-trigger-token', 'gitlab-feed-token',
  'gitlab-incoming-mail-token', 'gitlab-scim-oauth-token', 'gitlab-ci-build-token', 'gitlab-agent-token',
  'gitlab-runner-registration-token', 'gitlab-feature-flags-client-token',
  'npm-access-token', 'pypi-upload-token', 'rubygems-api-key', 'nuget-api-key', 'dockerhub-pat',
  'slack-bot-token', 'slack-user-token', 'slack-workspace-access-token', 'slack-refresh-token', 'slack-config-token',
  'slack-app-token', 'slack-webhook', 'discord-bot-token', 'discord-webhook', 'telegram-bot-token', 'teams-webhook',
  'twilio-account-sid', 'twilio-auth-token', 'sendgrid-api-key', 'mailgun-api-key', 'mailchimp-api-key',
  'stripe-secret-key', 'stripe-restricted-key', 'stripe-test-secret-key', 'stripe-test-restricted-key',
  'square-access-token', 'square-oauth-secret', 'braintree-access-token', 'shopify-access-token',
  'shopify-shared-secret', 'shopify-custom-app-token', 'shopify-private-app-token', 'plaid-secret',
  'openai-project-key', 'openai-service-account-key', 'openai-legacy-key', 'anthropic-api-key', 'anthropic-admin-key',
  'huggingface-token', 'cohere-api-key', 'perplexity-api-key', 'databricks-token', 'datadog-api-key',
  'new-relic-user-key', 'new-relic-insert-key', 'sentry-org-token', 'sentry-user-token', 'sentry-dsn-secret',
  'grafana-cloud-token', 'grafana-service-account-token', 'dynatrace-token', 'pagerduty-api-key',
  'heroku-platform-key', 'digitalocean-pat', 'digitalocean-oauth-token', 'digitalocean-refresh-token',
  'cloudflare-api-token', 'fastly-api-token', 'netlify-pat', 'vercel-token', 'fly-io-token', 'fly-io-macaroon',
  'vault-service-token', 'vault-batch-token', 'vault-recovery-token', 'terraform-cloud-token', 'pulumi-access-token',
  'doppler-personal-token', 'doppler-service-token', 'onepassword-service-account-token', 'onepassword-secret-key',
  'atlassian-api-token', 'linear-api-key', 'notion-integration-token', 'airtable-pat', 'asana-pat', 'postman-api-key',
  'sonarqube-token', 'snyk-api-token', 'jfrog-api-key', 'jfrog-reference-token', 'okta-api-token',
  'auth0-client-secret', 'firebase-fcm-server-key', 'mapbox-secret-token', 'twitter-bearer-token',
  'facebook-access-token', 'facebook-app-secret',
];

describe('provider detector catalog', () => {
  it('holds at least 150 detectors with unique kebab-case ids', () => {
    expect(allDetectors.length).toBeGreaterThanOrEqual(150);
    const ids = allDetectors.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers the providers and token kinds the issue requires', () => {
    const providers = new Set(allDetectors.map((d) => d.provider));
    expect(REQUIRED_PROVIDERS.filter((p) => !providers.has(p))).toEqual([]);
    const ids = new Set(allDetectors.map((d) => d.id));
    expect(REQUIRED_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('declares every pair against an existing detector', () => {
    const ids = new Set(allDetectors.map((d) => d.id));
    for (const d of allDetectors.filter((x) => x.pair)) expect(ids.has(d.pair!.with), d.id).toBe(true);
  });

  describe.each(allDetectors.map((d) => [d.id, d] as const))('%s', (_id, d) => {
    it('has a valid shape', () => {
      expect(d.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(d.title.length).toBeGreaterThan(0);
      expect(d.provider.length).toBeGreaterThan(0);
      // Only a detector scoped to a file name may go without keywords: the engine then runs it over
      // the whole of those files only (config/master.key holds nothing but its key).
      if (!d.pathPattern) expect(d.keywords.length).toBeGreaterThanOrEqual(1);
      for (const k of d.keywords) {
        expect(k).toBe(k.toLowerCase());
        // Generic assignment detectors are keyed on exactly these words; provider detectors never are.
        if (!d.id.startsWith('generic-')) expect(GENERIC_WORDS, `keyword "${k}" is too generic`).not.toContain(k);
        expect(k.length).toBeGreaterThanOrEqual(2);
      }
      expect(d.samples.positive.length).toBeGreaterThanOrEqual(1);
      expect(d.samples.negative.length).toBeGreaterThanOrEqual(1);
      expect(d.pattern.flags).not.toMatch(/[gy]/);
    });

    it.each(d.samples.positive.map((s, i) => [i, s] as const))('finds positive #%i', (_i, sample) => {
      const path = sample.path ?? 'sample.txt';
      // The keyword prefilter must be able to see the sample at all.
      const lowered = sample.text.toLowerCase();
      if (d.keywords.length > 0 || !d.pathPattern) expect(d.keywords.some((k) => lowered.includes(k)), 'no keyword in sample').toBe(true);
      expect(directSecrets(d, sample.text, path), 'regex capture').toContain(sample.secret);
      const findings = scanWith(d, sample.text, path);
      const hit = findings.find((f) => f.fingerprint === secretFingerprint(d.id, sample.secret));
      expect(hit, `engine finding for ${redact(sample.secret, d.redactPrefix)}`).toBeDefined();
      expect(hit!.redacted).toBe(redact(sample.secret, d.redactPrefix));
      expect(hit!.level).toBe(d.level);
    });

    it.each(d.samples.negative.map((s, i) => [i, negativeText(s)] as const))('ignores negative #%i', (_i, sample) => {
      const findings = scanWith(d, sample.text, sample.path ?? 'sample.txt');
      expect(findings.map((f) => f.redacted)).toEqual([]);
    });
  });
});
