import type { VerifySpec } from './spec.js';

/**
 * Verification specs, keyed by detector id (src/core/secrets/detectors). Each calls the provider's
 * documented "who am I" or cheapest read-only endpoint; docs/verification.md lists them. Every
 * `sample` is a trimmed copy of the provider's documented answer, used by the stand-in providers
 * in test/unit/verify.
 */
const bearer = { Authorization: 'Bearer {0}' };
const json = { Accept: 'application/json' };

const github = (path: string, facts: Record<string, string>): VerifySpec => ({
  provider: 'github',
  title: 'GitHub',
  base: 'https://api.github.com',
  request: { method: 'GET', path, headers: { ...bearer, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' } },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  facts,
  docs: 'https://docs.github.com/en/rest/users/users#get-the-authenticated-user',
});

const githubUser = github('/user', { account: 'json:login', scopes: 'header:x-oauth-scopes', expires: 'header:github-authentication-token-expiration' });
const githubInstallation = {
  ...github('/installation/repositories?per_page=1', { repositories: 'json:total_count', expires: 'header:github-authentication-token-expiration' }),
  docs: 'https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation',
};

const slack: VerifySpec = {
  provider: 'slack',
  title: 'Slack',
  base: 'https://slack.com',
  request: { method: 'POST', path: '/api/auth.test', headers: { ...bearer, 'Content-Type': 'application/x-www-form-urlencoded' } },
  live: [{ status: [200], field: 'ok', values: [true] }],
  revoked: [
    { status: [200], field: 'error', values: ['invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'not_authed'] },
    { status: [401] },
  ],
  facts: { team: 'json:team', user: 'json:user', url: 'json:url' },
  docs: 'https://api.slack.com/methods/auth.test',
};

const stripe: VerifySpec = {
  provider: 'stripe',
  title: 'Stripe',
  base: 'https://api.stripe.com',
  request: { method: 'GET', path: '/v1/account', headers: bearer },
  // A restricted key without the account permission answers 403, which still proves the key works.
  live: [{ status: [200] }, { status: [403], body: /permission/i }],
  revoked: [{ status: [401] }],
  facts: { account: 'json:id', name: 'json:settings.dashboard.display_name' },
  docs: 'https://docs.stripe.com/api/accounts/retrieve',
};

const openai: VerifySpec = {
  provider: 'openai',
  title: 'OpenAI',
  base: 'https://api.openai.com',
  request: { method: 'GET', path: '/v1/models', headers: bearer },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  docs: 'https://platform.openai.com/docs/api-reference/models/list',
};

const anthropicHeaders = { 'x-api-key': '{0}', 'anthropic-version': '2023-06-01' };
const anthropic: VerifySpec = {
  provider: 'anthropic',
  title: 'Anthropic',
  base: 'https://api.anthropic.com',
  request: { method: 'GET', path: '/v1/models?limit=1', headers: anthropicHeaders },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  docs: 'https://docs.anthropic.com/en/api/models-list',
};

const huggingface: VerifySpec = {
  provider: 'huggingface',
  title: 'Hugging Face',
  base: 'https://huggingface.co',
  request: { method: 'GET', path: '/api/whoami-v2', headers: bearer },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  facts: { account: 'json:name', token: 'json:auth.accessToken.displayName', role: 'json:auth.accessToken.role' },
  docs: 'https://huggingface.co/docs/hub/api#get-apiwhoami-v2',
};

const digitalocean: VerifySpec = {
  provider: 'digitalocean',
  title: 'DigitalOcean',
  base: 'https://api.digitalocean.com',
  request: { method: 'GET', path: '/v2/account', headers: bearer },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  facts: { team: 'json:account.team.name', status: 'json:account.status' },
  docs: 'https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account/operation/account_get',
};

const heroku: VerifySpec = {
  provider: 'heroku',
  title: 'Heroku',
  base: 'https://api.heroku.com',
  request: { method: 'GET', path: '/account', headers: { ...bearer, Accept: 'application/vnd.heroku+json; version=3' } },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  facts: { account: 'json:email' },
  docs: 'https://devcenter.heroku.com/articles/platform-api-reference#account-info',
};

const shopify: VerifySpec = {
  provider: 'shopify',
  title: 'Shopify',
  base: '',
  needsEndpoint: 'a Shopify token works only against its own shop: set verify.endpoints.shopify to https://<shop>.myshopify.com',
  request: { method: 'GET', path: '/admin/api/2024-10/shop.json', headers: { 'X-Shopify-Access-Token': '{0}', ...json } },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  facts: { shop: 'json:shop.name', domain: 'json:shop.myshopify_domain' },
  docs: 'https://shopify.dev/docs/api/admin-rest/latest/resources/shop#get-shop',
};

const linear = (authorization: string): VerifySpec => ({
  provider: 'linear',
  title: 'Linear',
  base: 'https://api.linear.app',
  // A GraphQL query (read-only) for the key's own user.
  request: { method: 'POST', path: '/graphql', headers: { Authorization: authorization, 'Content-Type': 'application/json' }, body: '{"query":"{ viewer { id name } }"}' },
  live: [{ status: [200], field: 'data.viewer.id' }],
  revoked: [{ status: [401] }, { status: [400], body: /AUTHENTICATION_ERROR|authentication/i }],
  facts: { account: 'json:data.viewer.name' },
  docs: 'https://linear.app/developers/graphql#authentication',
});

/** Model-listing APIs that answer 200 for a working key and 401 for a dead one. */
const modelsList = (provider: string, title: string, base: string, path: string, docs: string): VerifySpec => ({
  provider,
  title,
  base,
  request: { method: 'GET', path, headers: bearer },
  live: [{ status: [200] }],
  revoked: [{ status: [401] }],
  docs,
});

export const VERIFY_SPECS: Readonly<Record<string, VerifySpec>> = {
  // GitHub: every token kind that authenticates as a user, plus installation tokens (which /user refuses).
  'github-classic-pat': githubUser,
  'github-oauth-token': githubUser,
  'github-user-to-server-token': githubUser,
  'github-fine-grained-pat': githubUser,
  'github-installation-token': githubInstallation,
  'github-installation-token-jwt': githubInstallation,
  'gitlab-pat': {
    provider: 'gitlab',
    title: 'GitLab',
    base: 'https://gitlab.com',
    request: { method: 'GET', path: '/api/v4/personal_access_tokens/self', headers: { 'PRIVATE-TOKEN': '{0}' } },
    live: [{ status: [200], field: 'active', values: [true] }],
    revoked: [{ status: [401] }, { status: [200], field: 'active', values: [false] }],
    facts: { name: 'json:name', scopes: 'json:scopes', expires: 'json:expires_at' },
    docs: 'https://docs.gitlab.com/api/personal_access_tokens/#get-single-personal-access-token',
  },
  'aws-access-key-pair': {
    provider: 'aws',
    title: 'AWS STS',
    base: 'https://sts.amazonaws.com',
    request: {
      method: 'POST',
      path: '/',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      sigv4: { service: 'sts', region: 'us-east-1' },
    },
    live: [{ status: [200] }],
    // InvalidClientTokenId: no such (or a deactivated) key id; SignatureDoesNotMatch: the secret is not this key's.
    revoked: [{ status: [403], body: /InvalidClientTokenId|SignatureDoesNotMatch/ }],
    facts: { arn: 'xml:Arn', account: 'xml:Account' },
    docs: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html',
  },
  'slack-bot-token': slack,
  'slack-user-token': slack,
  'slack-legacy-token': slack,
  'stripe-secret-key': stripe,
  'stripe-restricted-key': stripe,
  'stripe-test-secret-key': stripe,
  'stripe-test-restricted-key': stripe,
  'openai-project-key': openai,
  'openai-service-account-key': openai,
  'openai-legacy-key': openai,
  'openai-admin-key': { ...openai, request: { ...openai.request, path: '/v1/organization/projects?limit=1' }, docs: 'https://platform.openai.com/docs/api-reference/projects/list' },
  'anthropic-api-key': anthropic,
  'anthropic-admin-key': {
    ...anthropic,
    request: { method: 'GET', path: '/v1/organizations/me', headers: anthropicHeaders },
    facts: { organization: 'json:name' },
    docs: 'https://docs.anthropic.com/en/api/admin-api/organization/get-me',
  },
  'npm-access-token': {
    provider: 'npm',
    title: 'npm',
    base: 'https://registry.npmjs.org',
    request: { method: 'GET', path: '/-/whoami', headers: { ...bearer, ...json } },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { account: 'json:username' },
    docs: 'https://docs.npmjs.com/cli/commands/npm-whoami',
  },
  'sendgrid-api-key': {
    provider: 'sendgrid',
    title: 'SendGrid',
    base: 'https://api.sendgrid.com',
    request: { method: 'GET', path: '/v3/scopes', headers: bearer },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { scopes: 'json:scopes' },
    docs: 'https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access',
  },
  'twilio-credentials-pair': {
    provider: 'twilio',
    title: 'Twilio',
    base: 'https://api.twilio.com',
    request: { method: 'GET', path: '/2010-04-01/Accounts/{0}.json', basic: ['{0}', '{1}'], headers: json },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { account: 'json:friendly_name', status: 'json:status' },
    docs: 'https://www.twilio.com/docs/iam/api/account#fetch-an-account-resource',
  },
  'mailgun-api-key': {
    provider: 'mailgun',
    title: 'Mailgun',
    base: 'https://api.mailgun.net',
    request: { method: 'GET', path: '/v4/domains?limit=1', basic: ['api', '{0}'], headers: json },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { domains: 'json:total_count' },
    docs: 'https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Domains/',
  },
  'datadog-api-key': {
    provider: 'datadog',
    title: 'Datadog',
    base: 'https://api.datadoghq.com',
    request: { method: 'GET', path: '/api/v1/validate', headers: { 'DD-API-KEY': '{0}', ...json } },
    live: [{ status: [200], field: 'valid', values: [true] }],
    revoked: [{ status: [403] }],
    docs: 'https://docs.datadoghq.com/api/latest/authentication/#validate-api-key',
  },
  'huggingface-token': huggingface,
  'huggingface-org-token': huggingface,
  'digitalocean-pat': digitalocean,
  'digitalocean-oauth-token': digitalocean,
  'cloudflare-api-token': {
    provider: 'cloudflare',
    title: 'Cloudflare',
    base: 'https://api.cloudflare.com',
    request: { method: 'GET', path: '/client/v4/user/tokens/verify', headers: bearer },
    live: [{ status: [200], field: 'result.status', values: ['active'] }],
    revoked: [{ status: [200], field: 'result.status', values: ['disabled', 'expired'] }, { status: [401] }, { status: [400], body: /Invalid API Token/i }],
    facts: { status: 'json:result.status', expires: 'json:result.expires_on' },
    docs: 'https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/',
  },
  'heroku-platform-key': heroku,
  'heroku-api-key': heroku,
  'shopify-access-token': shopify,
  'shopify-custom-app-token': shopify,
  'shopify-private-app-token': shopify,
  'notion-integration-token': {
    provider: 'notion',
    title: 'Notion',
    base: 'https://api.notion.com',
    request: { method: 'GET', path: '/v1/users/me', headers: { ...bearer, 'Notion-Version': '2022-06-28' } },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { bot: 'json:name', workspace: 'json:bot.workspace_name' },
    docs: 'https://developers.notion.com/reference/get-self',
  },
  'linear-api-key': linear('{0}'),
  'linear-oauth-token': linear('Bearer {0}'),
  'vercel-token': {
    provider: 'vercel',
    title: 'Vercel',
    base: 'https://api.vercel.com',
    request: { method: 'GET', path: '/v2/user', headers: bearer },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }, { status: [403], body: /invalidToken|forbidden/i }],
    facts: { account: 'json:user.username' },
    docs: 'https://vercel.com/docs/rest-api/reference/endpoints/user/get-the-user',
  },
  'netlify-pat': {
    provider: 'netlify',
    title: 'Netlify',
    base: 'https://api.netlify.com',
    request: { method: 'GET', path: '/api/v1/user', headers: bearer },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { account: 'json:slug' },
    docs: 'https://open-api.netlify.com/#tag/user/operation/getCurrentUser',
  },
  'terraform-cloud-token': {
    provider: 'terraform-cloud',
    title: 'HCP Terraform',
    base: 'https://app.terraform.io',
    request: { method: 'GET', path: '/api/v2/account/details', headers: { ...bearer, 'Content-Type': 'application/vnd.api+json' } },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { account: 'json:data.attributes.username' },
    docs: 'https://developer.hashicorp.com/terraform/cloud-docs/api-docs/account#get-your-account-details',
  },
  'discord-bot-token': {
    provider: 'discord',
    title: 'Discord',
    base: 'https://discord.com',
    request: { method: 'GET', path: '/api/v10/users/@me', headers: { Authorization: 'Bot {0}' } },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { bot: 'json:username' },
    docs: 'https://discord.com/developers/docs/resources/user#get-current-user',
  },
  'replicate-api-token': {
    provider: 'replicate',
    title: 'Replicate',
    base: 'https://api.replicate.com',
    request: { method: 'GET', path: '/v1/account', headers: bearer },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { account: 'json:username' },
    docs: 'https://replicate.com/docs/reference/http#accounts.get',
  },
  'asana-pat': {
    provider: 'asana',
    title: 'Asana',
    base: 'https://app.asana.com',
    request: { method: 'GET', path: '/api/1.0/users/me', headers: bearer },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { account: 'json:data.name' },
    docs: 'https://developers.asana.com/reference/getuser',
  },
  'postman-api-key': {
    provider: 'postman',
    title: 'Postman',
    base: 'https://api.getpostman.com',
    request: { method: 'GET', path: '/me', headers: { 'X-Api-Key': '{0}' } },
    live: [{ status: [200] }],
    revoked: [{ status: [401] }],
    facts: { account: 'json:user.username' },
    docs: 'https://learning.postman.com/docs/developer/postman-api/authentication/',
  },
  'groq-api-key': modelsList('groq', 'Groq', 'https://api.groq.com', '/openai/v1/models', 'https://console.groq.com/docs/api-reference#models-list'),
  'mistral-api-key': modelsList('mistral', 'Mistral AI', 'https://api.mistral.ai', '/v1/models', 'https://docs.mistral.ai/api/#tag/models'),
};

/**
 * Detectors deliberately left unverified, and why (shown as the `unknown` reason). A provider
 * whose only check would change something is never called.
 */
export const UNVERIFIABLE: Readonly<Record<string, string>> = {
  'pypi-upload-token': 'PyPI offers no read-only call that checks an upload token (the only check is an upload attempt)',
  'testpypi-upload-token': 'TestPyPI offers no read-only call that checks an upload token',
  'github-refresh-token': 'using a refresh token would spend it (GitHub issues a new one and revokes the old)',
  'digitalocean-refresh-token': 'using a refresh token would spend it',
  'aws-access-key-id': 'a key id alone cannot be checked: its secret access key was not found beside it',
  'aws-secret-access-key': 'a secret access key alone cannot be checked: its key id was not found beside it',
  'twilio-account-sid': 'an account SID alone is not a credential: its auth token was not found beside it',
  'twilio-auth-token': 'an auth token is checked only with its account SID, which was not found beside it',
  'slack-webhook': 'the only check posts a message to the channel',
  'slack-workflow-webhook': 'the only check starts the workflow',
  'discord-webhook': 'the only check posts a message',
  'teams-webhook': 'the only check posts a message',
  'cloudflare-global-api-key': 'a global API key is checked only with its account email, which the scan does not know',
  'datadog-app-key': 'an application key is checked only together with an API key',
  'stripe-webhook-secret': 'a webhook signing secret is not sent to Stripe by any API',
};
