import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { defaultSettings, type Finding } from '../../../src/core/types.js';

/**
 * Issue 9, fourth round: each case failed before its fix. Values are made up for these tests,
 * drawn from each provider's documented shape, except the published example keys named as such.
 */
const scan = (content: string, path = 'app/settings.env'): Finding[] => scanSecrets({ path, content }, defaultSettings());
const ids = (content: string, path?: string): string[] => scan(content, path).map((f) => f.detector ?? f.rule);

describe('Braintree 32-hex private keys', () => {
  it('are reported: `tree` inside `braintree` is not a git tree', () => {
    expect(ids('BRAINTREE_PRIVATE_KEY=9c1e5a7b3f2d48e6a0b7c4d1e8f2a6b3')).toEqual(['braintree-private-key']);
    expect(ids('  braintreeKey := "4b8e2f6a1c9d3e7b5a0f8c2d6e4a1b9f"', 'pay/client.go')).toEqual(['braintree-private-key']);
  });

  it('a 32-hex value beside a git tree is still a digest', () => {
    const digests = ['tree_sha = "9c1e5a7b3f2d48e6a0b7c4d1e8f2a6b3"', 'treeHash: 4b8e2f6a1c9d3e7b5a0f8c2d6e4a1b9f', 'GIT_TREE_TOKEN=4b8e2f6a1c9d3e7b5a0f8c2d6e4a1b9f'];
    for (const line of digests) expect(ids(line), line).toEqual([]);
  });
});

describe('published Firebase SDK example API keys', () => {
  it('are documented examples, not findings; another key of the same format still is one', () => {
    // From the Firebase SDKs' own tests (API key format checks), copied into many repositories.
    expect(ids('GOOGLE_API_KEY=AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs')).toEqual([]);
    expect(ids('  .setApiKey("AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE")', 'app/src/test/java/OptionsTest.java')).toEqual([]);
    expect(ids('GOOGLE_API_KEY=AIzaSyQk7Vx2Lm9Rt4Wp8Bs1Hd6Nc3Fy5Jg0Ze2')).toEqual(['gcp-api-key']);
  });

  it('a Firebase web config key is reported at info level (public by design), the same key elsewhere at error', () => {
    const config = 'const firebaseConfig = {\n  apiKey: "AIzaSyQk7Vx2Lm9Rt4Wp8Bs1Hd6Nc3Fy5Jg0Ze2",\n  authDomain: "acme-prod.firebaseapp.com",\n  projectId: "acme-prod",\n};';
    expect(scan(config, 'web/src/firebase.js').map((f) => [f.detector, f.level])).toEqual([['firebase-web-api-key', 'info']]);
    expect(scan('const maps = new Client({ apiKey: "AIzaSyQk7Vx2Lm9Rt4Wp8Bs1Hd6Nc3Fy5Jg0Ze2" });', 'src/maps.ts').map((f) => [f.detector, f.level])).toEqual([['gcp-api-key', 'error']]);
    const android = '{\n  "client": [{\n    "api_key": [\n      { "current_key": "AIzaSyQk7Vx2Lm9Rt4Wp8Bs1Hd6Nc3Fy5Jg0Ze2" }\n    ]\n  }]\n}';
    expect(scan(android, 'app/google-services.json').map((f) => [f.detector, f.level])).toEqual([['firebase-android-api-key', 'info']]);
  });
});

describe('a `#` inside a quoted key', () => {
  it('is part of the value when the value carries digits like a key, a type reference when it reads like names', () => {
    expect(ids("    'secret_key' => 'sk_4gXnZgDedtS9F0#I0ATNhnySU_9e1',", 'wp-content/plugins/acme/init.php')).toEqual(['generic-secret']);
    expect(ids("api_key = 'java.util.List#add'", 'docs/conf.py')).toEqual([]);
    expect(ids("token = 'com.acme.TokenService#refreshToken2'", 'src/main.py')).toEqual([]);
  });
});

describe('formats added this round', () => {
  it('Discord bot tokens passed to client.login() whatever the id length, when the first part decodes to an id', () => {
    // 18-digit id (a bot made before 2022): its base64 opens with `Nz`, not the `MT` of 19-digit ids.
    expect(ids("client.login('Nzk4MjE2NDYyNjEyMzQ1Njc4.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf');", 'bot.js')).toEqual(['discord-bot-token-login']);
    expect(ids("client.login('TXlCb3ROYW1lSXNOb3RBbklkWFg.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf');", 'bot.js')).toEqual([]);
  });

  it('Klaviyo private keys, Honeycomb ingest keys, Mollie API keys and InfluxDB tokens', () => {
    expect(ids('KLAVIYO_API_KEY=pk_3f9a0c1e7b2d4f6a8c0e1b3d5f7a9c2e4b')).toEqual(['klaviyo-private-key']);
    expect(ids('KEY=pk_Ab3xY9_3f9a0c1e7b2d4f6a8c0e1b3d5f7a9c2e4b')).toEqual(['klaviyo-private-key-v2']);
    expect(ids('STRIPE_PUBLISHABLE_KEY=pk_live_51H8xYzAbCdEfGhIjKlMnOpQr')).toEqual([]);
    expect(ids('OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=hcxik_01jd3k8v9q2w5r7t0y4u6i8o1p0123456789abcdefghijklmnopqrstuv')).toEqual(['honeycomb-ingest-key']);
    expect(ids("$mollie->setApiKey('live_9Hq2Lx7Vk4Tn8Wp3Bs1Hd6Nc5Fy0Jg');", 'app/pay.php')).toEqual(['mollie-api-key']);
    expect(ids('INFLUX_TOKEN=3XhEpIKTLTRU899iz-rDekx5X2EFF16SYylRRIMR_sDZPkR0Nx4kgAK1dj0Ln5u8Jd0tIf4ca43o2X9uxW7qlw==')).toEqual(['influxdb-token']);
  });

  it('a JWT wrapped in base64 is reported as a JWT when it decodes to a signed token', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtcmVwb3J0cyIsImlhdCI6MTc2NTAwMDAwMH0.Q2m9Zx4Lk7vR2tW8nB5pY3sH1dJ6fG0cA9eK4uI7oXw';
    const wrapped = Buffer.from(jwt).toString('base64');
    const findings = scan(`  REPORTS_AUTH: ${wrapped}`, 'deploy/values.yaml');
    expect(findings.map((f) => f.detector)).toEqual(['jwt-base64']);
    expect(JSON.stringify(findings)).not.toContain(wrapped);
    const unsigned = Buffer.from('eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdmMtcmVwb3J0cyJ9.c2lnbmF0dXJlLW5vdC11c2Vk').toString('base64');
    expect(ids(`  REPORTS_DATA: ${unsigned}`, 'deploy/values.yaml')).toEqual([]);
  });
});

describe('curl -u passwords without a digit', () => {
  it('are passwords when they mix cases and symbols; placeholders and words stay quiet', () => {
    expect(ids('curl --user "svc-deploy:CC!qqyMKTG!-AdMWxW" -X POST https://api.acme.io/v1/items', 'scripts/deploy.sh')).toEqual(['generic-curl-user']);
    const quiet = ['curl -u user:password https://x.io', 'curl -u apikey:YourApiKey https://x.io', 'curl -u user:My-Password https://x.io', 'curl -u USER:PASSWORD https://x.io', 'curl -u elastic:changeme https://x.io'];
    for (const line of quiet) expect(ids(line, 'scripts/deploy.sh'), line).toEqual([]);
  });
});

describe('tokens that start with an underscore', () => {
  it('are values when digits are scattered through them; underscore-wrapped names stay quiet', () => {
    expect(ids('COINBASE_TOKEN="_rrizayrcndyv9gmhtapvgfss6lv0he_l3me8t5fu3buhmtujf6k3oj9vmu53jgc"')).toEqual(['generic-token']);
    expect(ids('api_token = "_babel_runtime_helpers_es2015_class"', 'app/config.py')).toEqual([]);
    expect(ids('secret: "__webpack_chunk_v2_cache__"', 'app/config.yml')).toEqual([]);
  });
});

describe('Algolia DocSearch configs', () => {
  it('report the search-only key at info level; the same key without an index stays an error', () => {
    const docusaurus = "    algolia: {\n      appId: 'X1Z85QJPUV',\n      apiKey: 'bf7211c161e8205da2f933a02534105a',\n      indexName: 'acme-docs',\n    },";
    expect(scan(docusaurus, 'docusaurus.config.js').map((f) => [f.detector, f.level])).toEqual([['algolia-docsearch-search-key', 'info']]);
    const client = "const client = { appId: 'X1Z85QJPUV', apiKey: 'bf7211c161e8205da2f933a02534105a' };";
    expect(scan(client, 'scripts/index.js').map((f) => f.level)).toEqual(['error']);
  });
});
