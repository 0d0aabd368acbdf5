import type { Detector } from '../detector.js';
import { at, lower, near, token, UUID } from './shapes.js';

const PLAID_WORDS = ['plaid'];
const GOCARDLESS_WORDS = ['gocardless'];

/**
 * Stripe API keys (docs: "API keys"): secret `sk_`, restricted `rk_`, each `live`/`test`, + 24–247
 * base62. Live keys move money, so error; test-mode keys are info (docs/architecture.md, "Secrets"). Publishable
 * `pk_live_`/`pk_test_` keys are public by design and are not detectors (they are negatives).
 */
const stripeKinds: { id: string; prefix: string; title: string; level: Detector['level'] }[] = [
  { id: 'stripe-secret-key', prefix: 'sk_live_', title: 'Stripe live secret key', level: 'error' },
  { id: 'stripe-restricted-key', prefix: 'rk_live_', title: 'Stripe live restricted key', level: 'error' },
  { id: 'stripe-test-secret-key', prefix: 'sk_test_', title: 'Stripe test-mode secret key', level: 'info' },
  { id: 'stripe-test-restricted-key', prefix: 'rk_test_', title: 'Stripe test-mode restricted key', level: 'info' },
];

const stripeSamples: Record<string, string[]> = {
  'stripe-secret-key': ['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', 'sk_live_wvOucAEB5NNJEprepXApuJk3'],
  'stripe-restricted-key': ['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', 'rk_live_PndfzKJjc3BCROLijFtu76FT'],
  'stripe-test-secret-key': ['sk_test_512APfSeoStwHueMlnXWSpBsMofbF4a1pISHva6d91AnbHqrDdCUPdxmXJ2uCHOY7RAKFuJgyCx558ZkRy9SHvqJMo8m0ru1SR4', 'sk_test_eoqNhIHKujWkIEYlajPKNEuM'],
  'stripe-test-restricted-key': ['rk_test_51A6pUu643N5hpOviS504yY2IPg39lZ075skddi9XOP0HHPJqlfXa1j0cvD2WfSB6hXrLavAf3eS6bZINez7yjTdWTKaEo1cIwl', 'rk_test_b9DFCzsx6JHiLMPw1RAua0tU'],
};

/** No Clerk name earlier on the line (`CLERK_SECRET_KEY=sk_live_…`, `clerk: { secretKey: 'sk_…' }`). */
const NOT_AFTER_CLERK = '(?<![Cc][Ll][Ee][Rr][Kk][^\\n]{0,80})';

const stripeDetectors: Detector[] = stripeKinds.map(({ id, prefix, title, level }) => ({
  id,
  title,
  provider: 'Stripe',
  level,
  keywords: [prefix],
  // Clerk issues `sk_live_`/`sk_test_` keys too: with a Clerk name before the key on its line, the
  // key is Clerk's (clerk-secret-key below), not Stripe's.
  pattern: token(`${NOT_AFTER_CLERK}${prefix}[0-9A-Za-z]{24,247}`),
  entropy: 3.5,
  // Paystack issues `sk_live_` + 40 lower-case hex (prefixed.ts): never a Stripe key, whose bodies mix cases.
  validate: (secret) => !/^[0-9a-f]{40}$/.test(secret.slice(prefix.length)),
  redactPrefix: prefix,
  samples: {
    positive: [
      at('STRIPE_SECRET_KEY=§', stripeSamples[id][0]),
      at("const stripe = require('stripe')('§');", stripeSamples[id][1], 'server.js'),
    ],
    negative: [
      `STRIPE_PUBLISHABLE_KEY=pk_${prefix.slice(3)}51PY9KRCUaLFUnLR4moozstMEo9xYbA5jKy8MwqR89ODCBwEJct3KnzIrT8FWW9fYb4MDHT7pSJDmqF3cMAUt12zM1zi1liKbW1`,
      `STRIPE_SECRET_KEY=${prefix}0hzlENwR6lRR`,
      `STRIPE_SECRET_KEY=${prefix}\${STRIPE_KEY}`,
      `PAYSTACK_SECRET_KEY=${prefix}8c6f1f4e2b0d9a7c3e5f1a2b4c6d8e0f1a3b5c7d`,
    ],
  },
}));

export const paymentDetectors: Detector[] = [
  ...stripeDetectors,
  ...(['live', 'test'] as const).map(
    (mode): Detector => ({
      // Clerk secret key: `sk_live_` / `sk_test_` + base62, the same prefixes as Stripe's. Told apart
      // by the Clerk name on the line (or the `name:` line before it) so that rotation advice goes
      // to the right provider.
      id: mode === 'live' ? 'clerk-secret-key' : 'clerk-test-secret-key',
      title: mode === 'live' ? 'Clerk secret key (production instance)' : 'Clerk secret key (development instance)',
      provider: 'Clerk',
      level: mode === 'live' ? 'error' : 'warning',
      keywords: ['clerk'],
      pattern: near(['clerk'], `sk_${mode}_[0-9A-Za-z]{30,80}`, { gap: 80 }),
      entropy: 3.5,
      redactPrefix: `sk_${mode}_`,
      samples: {
        positive: [
          at('CLERK_SECRET_KEY=§', `sk_${mode}_JXsI8q6fsX6T4QktWblXM2hyJZTZUPAcAJ7bBwc54F`),
          at("clerkClient = createClerkClient({ secretKey: '§' });", `sk_${mode}_Mc3hYYqxDKvNtsSDX9LlSC5fzPYNtO9OGJ1KoW8NUR`, 'server.ts'),
        ],
        negative: [`STRIPE_SECRET_KEY=sk_${mode}_vHbxW1efky4wqBHVDcDY48YUcqipLVqpgxxn6JHuEi`, `CLERK_SECRET_KEY=sk_${mode}_your_secret_key_here`],
      },
    }),
  ),
  {
    // Webhook signing secret: `whsec_` + 32+ base64ish characters.
    id: 'stripe-webhook-secret',
    title: 'Stripe webhook signing secret',
    provider: 'Stripe',
    level: 'error',
    keywords: ['whsec_'],
    pattern: token('whsec_[0-9A-Za-z+/]{32,64}'),
    entropy: 3.8,
    redactPrefix: 'whsec_',
    samples: {
      positive: [at('STRIPE_WEBHOOK_SECRET=§', 'whsec_NmG8JGpZL8OuSCPecmHIXF97QkoSgbEE'), at("endpointSecret = '§'", 'whsec_P2a3bQMl2SegBABZh3qud48DX0o3yoZsNpdpHF0G', 'webhooks.js')],
      negative: ['STRIPE_WEBHOOK_SECRET=whsec_rxYcXLFI9IvUetEQ', 'STRIPE_WEBHOOK_SECRET=whsec_...'],
    },
  },
  {
    // Square access token: `EAAA` + 60 base64url (current) or `sq0atp-` + 22 (legacy).
    id: 'square-access-token',
    title: 'Square access token',
    provider: 'Square',
    level: 'error',
    keywords: ['eaaa', 'sq0atp-'],
    pattern: token('(?:EAAA[0-9A-Za-z_\\-]{60}|sq0atp-[0-9A-Za-z_\\-]{22})'),
    entropy: 3.5,
    redactPrefix: 'EAAA',
    samples: {
      positive: [at('SQUARE_ACCESS_TOKEN=§', 'EAAAQos6DmNs4OlxR0Xy8BQchZzgUUhnfb_kgECD7H5TE9roFDTaLffkU7UoedNt'), at("accessToken: '§',", 'sq0atp--b_y1qgECt4cDmtyhX2r4M', 'square.ts')],
      negative: ['SQUARE_ACCESS_TOKEN=EAAAc2tA1b78qsaeSFeZzLDF2pm9XpKT5EBHyoO2_U2c', 'SQUARE_ACCESS_TOKEN=sq0atp-kb4iKEQsh3'],
    },
  },
  {
    // Square OAuth application secret: `sq0csp-` + 43 base64url.
    id: 'square-oauth-secret',
    title: 'Square OAuth application secret',
    provider: 'Square',
    level: 'error',
    keywords: ['sq0csp-'],
    pattern: token('sq0csp-[0-9A-Za-z_\\-]{43}'),
    entropy: 3.5,
    redactPrefix: 'sq0csp-',
    samples: {
      positive: [at('SQUARE_APP_SECRET=§', 'sq0csp-c8_FSlo7GtYW16jRnaaA_-sHd3ZRK2RC60CqbWCEceD'), at('  "application_secret": "§"', 'sq0csp-kXk0hjPWSdZ-Wxzzqte8KSlYrfpT9RK3LonVsg9aYnT', 'square.json')],
      negative: ['SQUARE_APP_SECRET=sq0csp-o8AwJvdEYd4b09e2jtCH', 'SQUARE_APP_ID=sq0idp-cUNanOem1maef5bZwnsChw'],
    },
  },
  {
    // Braintree (PayPal) access token: `access_token$production$<16 merchant>$<32 hex>`.
    id: 'braintree-access-token',
    title: 'PayPal Braintree production access token',
    provider: 'PayPal Braintree',
    level: 'error',
    keywords: ['access_token$production$'],
    pattern: token('access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}'),
    entropy: 3.5,
    redactPrefix: 'access_token$production$',
    samples: {
      positive: [at('BRAINTREE_ACCESS_TOKEN=§', 'access_token$production$z1472z7dx211ii6l$1f9e83330e4aacdf66c992e9beefc2ca'), at('  accessToken: "§"', 'access_token$production$schqf42y9kznfou7$454f70cbb4cea2d1014f1894133230c1', 'pay.yml')],
      negative: ['BRAINTREE_ACCESS_TOKEN=access_token$production$vlqms10cimfgffbz$5d8214ee80', 'BRAINTREE_ACCESS_TOKEN=access_token$production$<merchant_id>$<secret>'],
    },
  },
  {
    // Braintree sandbox access token: same shape for the sandbox environment (no real money).
    id: 'braintree-sandbox-access-token',
    title: 'PayPal Braintree sandbox access token',
    provider: 'PayPal Braintree',
    level: 'info',
    keywords: ['access_token$sandbox$'],
    pattern: token('access_token\\$sandbox\\$[0-9a-z]{16}\\$[0-9a-f]{32}'),
    entropy: 3.5,
    redactPrefix: 'access_token$sandbox$',
    samples: {
      positive: [at('BRAINTREE_ACCESS_TOKEN=§', 'access_token$sandbox$ryxtyx90ud5ubl08$4a135b81968f4553ea65b9a98e941f21'), at("gateway = braintree.BraintreeGateway(access_token='§')", 'access_token$sandbox$24v6rw40bsog7qci$cd60b19616dd78931afc3ca06fee8a64', 'pay.py')],
      negative: ['BRAINTREE_ACCESS_TOKEN=access_token$sandbox$3r6gwe778qpgo9wo', 'BRAINTREE_ENV=sandbox'],
    },
  },
  {
    // Shopify Admin API access token: `shpat_` + 32 hex.
    id: 'shopify-access-token',
    title: 'Shopify Admin API access token',
    provider: 'Shopify',
    level: 'error',
    keywords: ['shpat_'],
    pattern: token('shpat_[0-9a-fA-F]{32}'),
    entropy: 3.2,
    redactPrefix: 'shpat_',
    samples: {
      positive: [at('SHOPIFY_ACCESS_TOKEN=§', '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'), at("headers: { 'X-Shopify-Access-Token': '§' }", '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', 'shop.ts')],
      negative: ['SHOPIFY_ACCESS_TOKEN=shpat_7473eedf6423c4513870', 'SHOPIFY_ACCESS_TOKEN=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2f33'],
    },
  },
  {
    // Shopify app shared secret: `shpss_` + 32 hex.
    id: 'shopify-shared-secret',
    title: 'Shopify app shared secret',
    provider: 'Shopify',
    level: 'error',
    keywords: ['shpss_'],
    pattern: token('shpss_[0-9a-fA-F]{32}'),
    entropy: 3.2,
    redactPrefix: 'shpss_',
    samples: {
      positive: [at('SHOPIFY_API_SECRET=§', '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'), at('shopify_secret: "§"', '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', 'shopify.app.yml')],
      negative: ['SHOPIFY_API_SECRET=shpss_8d06446092d74754', 'SHOPIFY_API_SECRET=shpss_42djJ44LgQ7gB8MdCxUjbFikRSJsjT6T'],
    },
  },
  {
    // Shopify custom app access token: `shpca_` + 32 hex.
    id: 'shopify-custom-app-token',
    title: 'Shopify custom app access token',
    provider: 'Shopify',
    level: 'error',
    keywords: ['shpca_'],
    pattern: token('shpca_[0-9a-fA-F]{32}'),
    entropy: 3.2,
    redactPrefix: 'shpca_',
    samples: {
      positive: [at('SHOPIFY_TOKEN=§', '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'), at('token = "§"', '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', 'shop.py')],
      negative: ['SHOPIFY_TOKEN=shpca_80c233f28a6845d8987f3eeb66dffe9', 'SHOPIFY_TOKEN=x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'],
    },
  },
  {
    // Shopify private app password: `shppa_` + 32 hex.
    id: 'shopify-private-app-token',
    title: 'Shopify private app password',
    provider: 'Shopify',
    level: 'error',
    keywords: ['shppa_'],
    pattern: token('shppa_[0-9a-fA-F]{32}'),
    entropy: 3.2,
    redactPrefix: 'shppa_',
    samples: {
      positive: [at('SHOPIFY_PASSWORD=§', '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'), at('  password: §', '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', 'config/shopify.yml')],
      negative: ['SHOPIFY_PASSWORD=shppa_dfd147bf', 'SHOPIFY_PASSWORD=shppa_{{ password }}'],
    },
  },
  {
    // Plaid secret: 30 lower-case hex next to a Plaid name.
    id: 'plaid-secret',
    title: 'Plaid API secret',
    provider: 'Plaid',
    level: 'error',
    keywords: lower(PLAID_WORDS),
    pattern: near(PLAID_WORDS, '[0-9a-f]{30}'),
    entropy: 3.2,
    samples: {
      positive: [at('PLAID_SECRET=§', '5c269ff9db84d53dae20ca6bdef1b7'), at("plaid_secret: '§'", 'd16863aa4cc69df1fcaa6fcf5786e4', 'config.yml')],
      negative: ['PLAID_SECRET=91e760a9d7a9cb027ca2', 'PLAID_CLIENT_ID=24eb58fef6b6a90e221efc49'],
    },
  },
  {
    // Plaid item access token: `access-(production|development|sandbox)-<uuid>`.
    id: 'plaid-access-token',
    title: 'Plaid access token',
    provider: 'Plaid',
    level: 'error',
    keywords: ['access-production-', 'access-development-'],
    pattern: token(`access-(?:production|development)-${UUID}`),
    redactPrefix: 'access-production-',
    samples: {
      positive: [at('PLAID_ACCESS_TOKEN=§', 'access-production-88962fd7-c9b0-66e9-c661-c31b88e8f49d'), at('"access_token": "§"', 'access-development-7887589b-1459-1bc1-b48d-7a0c5dfa4958', 'item.json')],
      negative: ['PLAID_ACCESS_TOKEN=access-production-b89cf278', 'PLAID_ACCESS_TOKEN=access-sandbox-9ecf1590-cde5-0318-9e2f-d3af4a99a438'],
    },
  },
  {
    // Flutterwave live secret key: `FLWSECK-` + 32 hex + `-X`.
    id: 'flutterwave-secret-key',
    title: 'Flutterwave live secret key',
    provider: 'Flutterwave',
    level: 'error',
    keywords: ['flwseck-'],
    pattern: token('FLWSECK-[0-9a-f]{32}-X'),
    entropy: 3.2,
    redactPrefix: 'FLWSECK-',
    samples: {
      positive: [at('FLW_SECRET_KEY=§', 'FLWSECK-2f4788ddc228680c22fa0a0316665e76-X'), at("secret_key: '§'", 'FLWSECK-55233b0dd4fcfd81577304090a131dae-X', 'flw.yml')],
      negative: ['FLW_SECRET_KEY=FLWSECK-350b5b67b15fb4bf7e3c-X', 'FLW_PUBLIC_KEY=FLWPUBK-ad67957b6c9b2187f6a568967448afbd-X'],
    },
  },
  {
    // Flutterwave test secret key: `FLWSECK_TEST-` + 32 hex + `-X`.
    id: 'flutterwave-test-secret-key',
    title: 'Flutterwave test-mode secret key',
    provider: 'Flutterwave',
    level: 'info',
    keywords: ['flwseck_test-'],
    pattern: token('FLWSECK_TEST-[0-9a-f]{32}-X'),
    entropy: 3.2,
    redactPrefix: 'FLWSECK_TEST-',
    samples: {
      positive: [at('FLW_SECRET_KEY=§', 'FLWSECK_TEST-a8c304132c74a3169c76147763816bfb-X'), at('secret: "§"', 'FLWSECK_TEST-133bd27e286ce235e9ad0f4b5114dc34-X', 'flw.yml')],
      negative: ['FLW_SECRET_KEY=FLWSECK_TEST-997834ed2e86-X', 'FLW_PUBLIC_KEY=FLWPUBK_TEST-349ae1c0942bb8767dad1b2cab55d773-X'],
    },
  },
  {
    // GoCardless access token: `live_` + 40 base64url next to a GoCardless name.
    id: 'gocardless-access-token',
    title: 'GoCardless live access token',
    provider: 'GoCardless',
    level: 'error',
    keywords: lower(GOCARDLESS_WORDS),
    pattern: near(GOCARDLESS_WORDS, 'live_[0-9A-Za-z_\\-=]{40}'),
    entropy: 3.8,
    redactPrefix: 'live_',
    samples: {
      positive: [at('GOCARDLESS_ACCESS_TOKEN=§', 'live_hor9S-QgX3EFXajto_P7L93LyEdhb0FsOG6Nc7j3'), at("gocardless_pro.Client(access_token='§', environment='live')", 'live_u8CHzH76gFg1WXuD0MLGOnPO_ZBC74BGG5aVHPr1', 'billing.py')],
      negative: ['GOCARDLESS_ACCESS_TOKEN=sandbox_t4cskwrZ6sekE5G9zanpuHs2HLXQrZ-aefS-V9aA', 'GOCARDLESS_ACCESS_TOKEN=live_uA1scgJgORI5xySrd3F-'],
    },
  },
  {
    // Duffel live access token: `duffel_live_` + 43 base64url.
    id: 'duffel-live-token',
    title: 'Duffel live access token',
    provider: 'Duffel',
    level: 'error',
    keywords: ['duffel_live_'],
    pattern: token('duffel_live_[0-9A-Za-z_\\-=]{43}'),
    entropy: 3.8,
    redactPrefix: 'duffel_live_',
    samples: {
      positive: [at('DUFFEL_ACCESS_TOKEN=§', 'duffel_live_jlfQbgL5jrUGN96l_hMwJfhuQw07RnxX1G1wvPDccDm'), at("new Duffel({ token: '§' })", 'duffel_live_lndrQ3G6DxjPH-7xUYXSLQ2qdixhwYXECJ45Mtz4l3w', 'flights.ts')],
      negative: ['DUFFEL_ACCESS_TOKEN=duffel_live_Vkd86qKHsTd8b0UzlLf3', 'DUFFEL_ACCESS_TOKEN=duffel_test_FFTHbmvM6Cchwm6VsaqhfzWVaX7dVRnQ7ocgcLvnQp9'],
    },
  },
  {
    // Duffel test access token: `duffel_test_` + 43 base64url.
    id: 'duffel-test-token',
    title: 'Duffel test-mode access token',
    provider: 'Duffel',
    level: 'info',
    keywords: ['duffel_test_'],
    pattern: token('duffel_test_[0-9A-Za-z_\\-=]{43}'),
    entropy: 3.8,
    redactPrefix: 'duffel_test_',
    samples: {
      positive: [at('DUFFEL_ACCESS_TOKEN=§', 'duffel_test_mbkx-JNjw7r35nvfkU80v0Yi0Q-uBEj8NkAdBP1u1vj'), at('token: §', 'duffel_test_1Rx_MkHlxi6TxhnUIjwQPC2bW1TtsyG8zk1nK1pRVBF', 'duffel.yml')],
      negative: ['DUFFEL_ACCESS_TOKEN=duffel_test_LgmSE5Feu9', 'DUFFEL_ENV=duffel_test'],
    },
  },
  {
    // EasyPost production API key: `EZAK` + 54 alphanumerics.
    id: 'easypost-api-key',
    title: 'EasyPost production API key',
    provider: 'EasyPost',
    level: 'error',
    keywords: ['ezak'],
    pattern: token('EZAK[0-9A-Za-z]{54}'),
    entropy: 3.8,
    redactPrefix: 'EZAK',
    samples: {
      positive: [at('EASYPOST_API_KEY=§', 'EZAKN3MPHY98c6MvLguAxWSivQ6bS7efzMX6rsiQvwpEAHhaTqgNq9ujel'), at("client = easypost.EasyPostClient('§')", 'EZAK8NoueLqmg8h6FeKKH5TwXM4tgvhxs7XvpHoKpIncBidRAcMh12mIxQ', 'ship.py')],
      negative: ['EASYPOST_API_KEY=EZAKeyEC3HX3K4c3HtdzqDGDo9aoUvnAbn', 'EASYPOST_API_KEY=EZAKYQyM1skc9etmd6nEkLhPn0uS663dqlmb8PNIVCnDYOA0qaoAzYqcvzSRoCAI'],
    },
  },
  {
    // EasyPost test API key: `EZTK` + 54 alphanumerics.
    id: 'easypost-test-api-key',
    title: 'EasyPost test API key',
    provider: 'EasyPost',
    level: 'info',
    keywords: ['eztk'],
    pattern: token('EZTK[0-9A-Za-z]{54}'),
    entropy: 3.8,
    redactPrefix: 'EZTK',
    samples: {
      positive: [at('EASYPOST_TEST_KEY=§', 'EZTK0wHnjGnWpJZnTN88QViVYGJLEKYOlYBF7XAr2eUVul8mgmbEl4KV51'), at('api_key: §', 'EZTKgaA1yttbLmDw4pukdPuBdZD4Ci0FB4CMXAJNTrCLMwtMVPlNRuFJ3v', 'easypost.yml')],
      negative: ['EASYPOST_TEST_KEY=EZTKpu5U4T7Ch45Ol4mAgdjB', 'EASYPOST_TEST_KEY=EZTKjFsdLa7p3SYv0IFicMj5snfAJCJFgIAnUgtpMeNXPt95ego5o7n5pO_1'],
    },
  },
  {
    // Shippo API token: `shippo_live_` + 40 hex (live) — test tokens are `shippo_test_`.
    id: 'shippo-live-token',
    title: 'Shippo live API token',
    provider: 'Shippo',
    level: 'error',
    keywords: ['shippo_live_'],
    pattern: token('shippo_live_[0-9a-f]{40}'),
    entropy: 3.2,
    redactPrefix: 'shippo_live_',
    samples: {
      positive: [at('SHIPPO_API_TOKEN=§', 'shippo_live_9d38964c5f4c2c5de5d597e8aaeb5bae6c22befd'), at("Authorization: 'ShippoToken §'", 'shippo_live_efd6e4e5937e6d88f3f022f449eb1fd565caa243', 'ship.ts')],
      negative: ['SHIPPO_API_TOKEN=shippo_live_1b8aa433c65b10ccaed1', 'SHIPPO_API_TOKEN=shippo_test_5181bfbb644c8cd7a0c018fa6e532b08a55e0f9b'],
    },
  },
  {
    // Shippo test API token: `shippo_test_` + 40 hex.
    id: 'shippo-test-token',
    title: 'Shippo test API token',
    provider: 'Shippo',
    level: 'info',
    keywords: ['shippo_test_'],
    pattern: token('shippo_test_[0-9a-f]{40}'),
    entropy: 3.2,
    redactPrefix: 'shippo_test_',
    samples: {
      positive: [at('SHIPPO_API_TOKEN=§', 'shippo_test_9cc7673df0e18050693f58c0ac041fd2d12c271b'), at('token: §', 'shippo_test_f4334c4fd834d68637644ffcae182944eb72bb16', 'shippo.yml')],
      negative: ['SHIPPO_API_TOKEN=shippo_test_a49a40658255', 'SHIPPO_API_TOKEN=shippo_test_2f83c45c60903600ccc313f8a82b186066e558fb7f'],
    },
  },
];
