import type { Detector } from '../detector.js';
import { lit, prefixed, type PrefixedRow, run, uuid, uuid4 } from './table.js';

/**
 * Tokens with a distinctive prefix, one row each (see table.ts). Formats are the vendors'
 * documented shapes (prefix, alphabet, length); docs/detectors.md lists them all.
 */
const rows: PrefixedRow[] = [
  // CI/CD
  { id: 'cloudflare-scannable-api-token', provider: 'Cloudflare', title: 'Cloudflare API token (user or account)', parts: [lit('cfut_', 'cfat_'), run('base62', 40), run('hex', 8)] },
  { id: 'cloudflare-scannable-global-key', provider: 'Cloudflare', title: 'Cloudflare global API key', parts: [lit('cfk_'), run('base62', 40), run('hex', 8)] },
  { id: 'circleci-pat', provider: 'CircleCI', title: 'CircleCI personal API token', parts: [lit('CCIPAT_'), run('base62', 22), lit('_'), run('hex', 40)], samples: { contexts: ['CIRCLE_TOKEN=§', "    circleci_token: '§'"] } },
  { id: 'buildkite-user-token', provider: 'Buildkite', title: 'Buildkite user API token', parts: [lit('bkua_'), run('lower', 40)] },
  { id: 'harness-token', provider: 'Harness', title: 'Harness personal or service account token', parts: [lit('pat.', 'sat.'), run('b64url', 22), lit('.'), run('hex', 24), lit('.'), run('base62', 20)], keywords: ['pat.', 'sat.'] },
  { id: 'bitbucket-data-center-token', provider: 'Bitbucket', title: 'Bitbucket Data Center HTTP access token', parts: [lit('BBDC-'), run('bbdc', 40, 50)] },
  { id: 'sourcegraph-legacy-token', provider: 'Sourcegraph', title: 'Sourcegraph access token (legacy prefix)', parts: [lit('sgp_'), run('hex', 40)] },
  { id: 'sourcegraph-cody-key', provider: 'Sourcegraph', title: 'Sourcegraph Cody / enterprise key', parts: [lit('slk_'), run('hex', 64)] },
  { id: 'figma-pat-figp', provider: 'Figma', title: 'Figma personal access token', parts: [lit('figp_'), run('b64url', 40, 54)] },
  { id: 'deno-deploy-token', provider: 'Deno', title: 'Deno Deploy access token', parts: [lit('ddp_', 'ddw_'), run('base62', 36)] },
  { id: 'prefect-api-key', provider: 'Prefect', title: 'Prefect Cloud API key', parts: [lit('pnu_'), run('base62', 36)] },
  // `.ico-<hash>.png` asset names: a `.` or `/` before `ico-` means a file name, not a key.
  { id: 'infracost-api-key', provider: 'Infracost', title: 'Infracost API key', parts: [lit('ico-'), run('base62', 32)], edge: 'A-Za-z0-9_\\-./' },
  { id: 'scalingo-api-token', provider: 'Scalingo', title: 'Scalingo API token', parts: [lit('tk-us-'), run('b64url', 48)] },
  { id: 'settlemint-token', provider: 'SettleMint', title: 'SettleMint access token', parts: [lit('sm_pat_', 'sm_aat_', 'sm_sat_'), run('base62', 16)] },
  { id: 'defined-networking-api-key', provider: 'Defined Networking', title: 'Defined Networking API key', parts: [lit('dnkey-'), run('upper', 26), lit('-'), run('upper', 52)] },
  { id: 'rootly-api-key', provider: 'Rootly', title: 'Rootly API key', parts: [lit('rootly_'), run('hex', 64)] },
  { id: 'readme-api-key', provider: 'ReadMe', title: 'ReadMe API key', parts: [lit('rdme_'), run('lower', 70)] },
  { id: 'apify-api-token', provider: 'Apify', title: 'Apify API token', parts: [lit('apify_api_'), run('base62', 36)] },
  { id: 'frameio-developer-token', provider: 'Frame.io', title: 'Frame.io developer token', parts: [lit('fio-u-'), run('b64url', 64)] },
  { id: 'teamwork-api-token', provider: 'Teamwork', title: 'Teamwork API token', parts: [lit('tkn.v1_'), run('base62', 71), lit('=')], tail: 'A-Za-z0-9_\\-=' },
  { id: 'nightfall-api-key', provider: 'Nightfall', title: 'Nightfall API key', parts: [lit('NF-'), run('base62', 32)] },
  { id: 'spectralops-token', provider: 'SpectralOps', title: 'SpectralOps personal token', parts: [lit('spu-'), run('lower', 32)] },
  { id: 'endor-labs-api-key', provider: 'Endor Labs', title: 'Endor Labs API key', parts: [lit('endr+'), run('base62', 16)] },
  // Cloud
  { id: 'aws-appsync-api-key', provider: 'AWS', title: 'AWS AppSync API key', parts: [lit('da2-'), run('lower', 26)] },
  {
    id: 'azure-container-registry-password',
    provider: 'Azure',
    title: 'Azure Container Registry password',
    parts: [run('b64', 42), lit('+ACR'), run('base62', 6)],
    keywords: ['+acr'],
    samples: { contexts: ['ACR_PASSWORD=§', 'docker login acme.azurecr.io -u acme -p §'] },
  },
  { id: 'ubidots-token', provider: 'Ubidots', title: 'Ubidots API token', parts: [lit('BBFF-'), run('base62', 30)] },
  { id: 'robinhood-crypto-api-key', provider: 'Robinhood', title: 'Robinhood Crypto API key', parts: [lit('rh-api-'), uuid()] },
  { id: 'fleetbase-api-key', provider: 'Fleetbase', title: 'Fleetbase live API key', parts: [lit('flb_live_'), run('base62', 20)] },
  { id: 'clickhouse-cloud-secret', provider: 'ClickHouse', title: 'ClickHouse Cloud API secret', parts: [lit('4b1d'), run('base62', 38)], keywords: ['4b1d'] },
  // AI
  { id: 'anthropic-oauth-token', provider: 'Anthropic', title: 'Anthropic OAuth token (Claude Code)', parts: [lit('sk-ant-oat01-'), run('b64url', 93), lit('AA')], samples: { contexts: ['CLAUDE_CODE_OAUTH_TOKEN=§', '  claude_code_oauth_token: "§"'] } },
  { id: 'anthropic-session-key', provider: 'Anthropic', title: 'Anthropic session key', parts: [lit('sk-ant-sid01-'), run('b64url', 90)] },
  { id: 'openai-user-key', provider: 'OpenAI', title: 'OpenAI user API key (legacy)', parts: [lit('sk-None-'), run('base62', 20), lit('T3BlbkFJ'), run('base62', 20)] },
  { id: 'elevenlabs-api-key-v2', provider: 'ElevenLabs', title: 'ElevenLabs API key', parts: [lit('sk_'), run('hex', 48)], samples: { contexts: ['ELEVENLABS_API_KEY=§', 'headers = {"xi-api-key": "§"}'] } },
  // Sales, payments
  { id: 'salesforce-refresh-token', provider: 'Salesforce', title: 'Salesforce refresh token', parts: [lit('5AEP861'), run('dotted', 80, 120)] },
  { id: 'salesforce-consumer-key', provider: 'Salesforce', title: 'Salesforce connected-app consumer key', level: 'warning', parts: [lit('3MVG9'), run('b64dot', 80, 250)] },
  { id: 'razorpay-live-key', provider: 'Razorpay', title: 'Razorpay live key id', parts: [lit('rzp_live_'), run('base62', 14)] },
  { id: 'razorpay-test-key', provider: 'Razorpay', title: 'Razorpay test key id', level: 'info', parts: [lit('rzp_test_'), run('base62', 14)] },
  { id: 'paystack-secret-key', provider: 'Paystack', title: 'Paystack secret key', parts: [lit('sk_live_'), run('hex', 40)], samples: { contexts: ['PAYSTACK_SECRET_KEY=§', "const paystack = require('paystack')('§');"] } },
  { id: 'paystack-test-secret-key', provider: 'Paystack', title: 'Paystack test secret key', level: 'info', parts: [lit('sk_test_'), run('hex', 40)] },
  { id: 'checkout-secret-key', provider: 'Checkout.com', title: 'Checkout.com secret key (sandbox or test)', level: 'warning', parts: [lit('sk_sbox_', 'sk_test_'), uuid()] },
  { id: 'lob-live-api-key', provider: 'Lob', title: 'Lob live API key', parts: [lit('live_'), run('hex', 35)] },
  { id: 'lob-test-api-key', provider: 'Lob', title: 'Lob test API key', level: 'info', parts: [lit('test_'), run('hex', 35)] },
  { id: 'ramp-client-id', provider: 'Ramp', title: 'Ramp client id', level: 'warning', parts: [lit('ramp_id_'), run('base62', 40)] },
  { id: 'ramp-client-secret', provider: 'Ramp', title: 'Ramp client secret', parts: [lit('ramp_sec_'), run('base62', 48)] },
  { id: 'pagarme-api-key', provider: 'Pagar.me', title: 'Pagar.me API key', parts: [lit('ak_live_'), run('base62', 30)] },
  // Klaviyo private API key: `pk_` + 34 hex (newer keys: `pk_` + 6 alphanumerics + `_` + 34 hex). The public
  // key is a 6-character site id, and Stripe's `pk_live_`/`pk_test_` are not hex, so the shape is Klaviyo's.
  { id: 'klaviyo-private-key', provider: 'Klaviyo', title: 'Klaviyo private API key', parts: [lit('pk_'), run('hex', 34)], samples: { contexts: ['KLAVIYO_API_KEY=§', "  private_key: '§'"] } },
  { id: 'klaviyo-private-key-v2', provider: 'Klaviyo', title: 'Klaviyo private API key', parts: [lit('pk_'), run('base62', 6), lit('_'), run('hex', 34)], samples: { contexts: ['KLAVIYO_API_KEY=§', "  private_key: '§'"] } },
  // Observability
  { id: 'new-relic-browser-key', provider: 'New Relic', title: 'New Relic browser key', level: 'warning', parts: [lit('NRJS-', 'NRBR-'), run('hex', 19)] },
  { id: 'new-relic-insights-query-key', provider: 'New Relic', title: 'New Relic Insights query key', parts: [lit('NRIQ-'), run('b64url', 25, 32)] },
  { id: 'new-relic-mobile-token', provider: 'New Relic', title: 'New Relic mobile app token', level: 'warning', parts: [lit('AA'), run('hex', 40), lit('-NRMA')], keywords: ['-nrma'] },
  { id: 'fullstory-api-key', provider: 'FullStory', title: 'FullStory server API key', parts: [lit('na1.', 'eu1.'), run('b64', 100)] },
  { id: 'launchdarkly-key', provider: 'LaunchDarkly', title: 'LaunchDarkly API, SDK or mobile key', parts: [lit('api-', 'sdk-', 'mob-'), uuid4()], keywords: ['api-', 'sdk-', 'mob-'] },
  // Honeycomb ingest key: key id `hc<letter>ik_` + 26, then its 32-character secret, concatenated (docs.honeycomb.io,
  // "API Key Format"; the letter varies per key). Management key ids (`hc<letter>mk_`) are labels; their secret is separate.
  { id: 'honeycomb-ingest-key', provider: 'Honeycomb', title: 'Honeycomb ingest key', parts: [lit(...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => `hc${c}ik_`)), run('lower', 58)], samples: { contexts: ['HONEYCOMB_API_KEY=§', 'OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=§'] } },
  // Messaging
  { id: 'mailersend-api-token', provider: 'MailerSend', title: 'MailerSend API token', parts: [lit('mlsn.'), run('hex', 64)] },
  { id: 'pubnub-secret-key', provider: 'PubNub', title: 'PubNub secret key', parts: [lit('sec-c-'), run('base62', 44)] },
  // Work tools, devtools
  { id: 'zoho-oauth-token', provider: 'Zoho', title: 'Zoho OAuth token', parts: [lit('1000.'), run('hex', 32), lit('.'), run('hex', 32)] },
  { id: 'adafruit-io-key', provider: 'Adafruit', title: 'Adafruit IO key', parts: [lit('aio_'), run('base62', 28)] },
  {
    // Any Slack hook path (incoming webhook, workflow or trigger URL): 43–56 characters after the kind.
    // slack-webhook (chat.ts) names the classic `T…/B…/…` shape; this row catches the other layouts.
    id: 'slack-hook-url',
    provider: 'Slack',
    title: 'Slack webhook, workflow or trigger URL',
    parts: [lit('hooks.slack.com/'), lit('services/', 'workflows/', 'triggers/'), run('b64', 43, 56)],
    keywords: ['hooks.slack.com/'],
    samples: { contexts: ['SLACK_WEBHOOK_URL=https://§', "  url: 'https://§'"] },
  },
  {
    // JFrog access / identity token: a JWT whose header opens with JFrog's own `{"ver":"2","typ":"JWT",
    // "alg":"RS256","kid":…}` (other issuers put `alg` or `typ` first).
    id: 'jfrog-access-token',
    provider: 'JFrog',
    title: 'JFrog access or identity token (JWT)',
    parts: [lit('eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOi'), run('b64url', 20, 200), lit('.'), run('b64url', 100, 1200), lit('.'), run('b64url', 300, 700)],
    keywords: ['eyj2zxiioiiyiiwidhlwijoisldu'],
    samples: { contexts: ['JFROG_ACCESS_TOKEN=§', '  password: §'] },
  },
  { id: 'photoroom-api-key', provider: 'PhotoRoom', title: 'PhotoRoom API key', parts: [lit('sk_pr_'), run('base62', 1, 64), lit('_'), run('hex', 40)] },
  {
    id: 'recharge-api-token',
    provider: 'Recharge',
    title: 'Recharge Payments API token',
    parts: [lit('sk_1x1_', 'sk_1x3_', 'sk_2x1_', 'sk_2x2_', 'sk_3x3_', 'sk_5x3_', 'sk_10x3_'), run('hexAny', 64)],
    samples: { contexts: ['RECHARGE_API_TOKEN=§', "headers: { 'X-Recharge-Access-Token': '§' }"] },
  },
  { id: 'recharge-test-api-token', provider: 'Recharge', title: 'Recharge Payments test API token', level: 'info', parts: [lit('sk_test_1x1_', 'sk_test_1x3_', 'sk_test_2x1_', 'sk_test_2x2_', 'sk_test_3x3_', 'sk_test_5x3_', 'sk_test_10x3_'), run('hexAny', 64)], keywords: ['sk_test_'] },
  { id: 'trufflehog-enterprise-key', provider: 'Truffle Security', title: 'TruffleHog Enterprise API key id', level: 'warning', parts: [lit('thog-key-'), run('hex', 16)] },
  { id: 'trufflehog-enterprise-secret', provider: 'Truffle Security', title: 'TruffleHog Enterprise API secret', parts: [lit('thog-secret-'), run('hex', 32)] },
  {
    id: 'tines-webhook',
    provider: 'Tines',
    title: 'Tines webhook URL',
    parts: [lit('https://'), run('alnumDash', 1, 40), lit('.tines.com/webhook/'), run('lower', 32), lit('/'), run('lower', 32)],
    keywords: ['.tines.com/webhook/'],
    samples: { contexts: ['TINES_WEBHOOK_URL=§', "fetch('§', { method: 'POST' })"] },
  },
  { id: 'maxmind-license-key', provider: 'MaxMind', title: 'MaxMind license key', parts: [run('base62', 6), lit('_'), run('base62', 29), lit('_mmk')], keywords: ['_mmk'] },
];

export const prefixedDetectors: Detector[] = rows.map(prefixed);
