import type { Detector } from '../detector.js';
import { at, BASE64_TAIL, lower, near, token, UUID_ANY_CASE, WORD } from './shapes.js';

/** Left boundary for base64 bodies with a word-like prefix. */
const WORD_PLUS = `${WORD}+/`;

const DATADOG_API_WORDS = ['datadog', 'dd_api_key', 'dd-api-key'];
const DATADOG_APP_WORDS = ['datadog_app', 'datadog_application', 'dd_app_key', 'dd_application_key', 'dd-application-key'];
const PAGERDUTY_WORDS = ['pagerduty'];
const HONEYCOMB_WORDS = ['honeycomb'];
const ROLLBAR_WORDS = ['rollbar'];
const BUGSNAG_WORDS = ['bugsnag'];
const SUMO_WORDS = ['sumo'];
/** `sumo` inside `sumOf…` is a sum: the name goes on with `logic`, a separator or a capital (`sumoToken`). */
const SUMO_TAIL = '[Ll][Oo][Gg][Ii][Cc]|[_.\\-A-Z]';
const SPLUNK_WORDS = ['splunk'];

/** Observability and data platforms: Databricks, Datadog, New Relic, Sentry, Grafana, Dynatrace… */
export const observabilityDetectors: Detector[] = [
  {
    // Databricks personal access token: `dapi` + 32 hex, optionally `-<digit>`.
    id: 'databricks-token',
    title: 'Databricks personal access token',
    provider: 'Databricks',
    level: 'error',
    keywords: ['dapi'],
    pattern: token('dapi[0-9a-f]{32}(?:-[0-9])?'),
    entropy: 3.2,
    redactPrefix: 'dapi',
    samples: {
      positive: [at('DATABRICKS_TOKEN=§', 'dapicb18958d29bc2b09c95cce3621d2e177'), at('token = §', 'dapid70d05d74c10d99ba8e10f7c11add923-2', '.databrickscfg')],
      negative: ['DATABRICKS_TOKEN=dapi324e9a0d99dec3465b96', 'DATABRICKS_TOKEN=dapiK8f97IMFhbe6aFJzk3XnA9blIY6VEcCf'],
    },
  },
  {
    // Datadog API key: 32 hex, no prefix; only next to a Datadog name.
    id: 'datadog-api-key',
    title: 'Datadog API key',
    provider: 'Datadog',
    level: 'error',
    keywords: lower(DATADOG_API_WORDS),
    pattern: near(DATADOG_API_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('DD_API_KEY=§', '73970f023972a85f2d8028927f1af96c'), at('datadog_api_key = "§"', '4eb7506c8bbd7f927083e788983dbaf4', 'main.tfvars')],
      negative: ['DD_API_KEY=2e66b251e87b9c6252e7', 'DD_SITE=datadoghq.eu', 'build_id = "e130c1e0fa2dcfaad87a83849cedd1ef"'],
    },
  },
  {
    // Datadog application key: 40 hex next to a Datadog application-key name.
    id: 'datadog-app-key',
    title: 'Datadog application key',
    provider: 'Datadog',
    level: 'error',
    keywords: lower(DATADOG_APP_WORDS),
    pattern: near(DATADOG_APP_WORDS, '[0-9a-f]{40}'),
    entropy: 3.2,
    samples: {
      positive: [at('DD_APP_KEY=§', 'bc9a4d28fb878413021fa4d171d8f94d16328e17'), at('datadog_app_key = "§"', '4746207d25f4d3a2508a91a8f03f646af023779d', 'provider.tfvars')],
      negative: ['DD_APP_KEY=55fb0c15ad163ddc8dee6315660b27c3', 'commit = "54f2a2b33f2dfc8cf4655302c704f7a1f00bbd3c"'],
    },
  },
  {
    // New Relic user API key: `NRAK-` + 27 upper-case alphanumerics.
    id: 'new-relic-user-key',
    title: 'New Relic user API key',
    provider: 'New Relic',
    level: 'error',
    keywords: ['nrak-'],
    pattern: token('NRAK-[0-9A-Z]{27}'),
    entropy: 3.5,
    redactPrefix: 'NRAK-',
    samples: {
      positive: [at('NEW_RELIC_API_KEY=§', 'NRAK-TP2XM9VZH7NRZQ7XJR1N7X3TQSI'), at('  api_key: "§"', 'NRAK-PPV0I67GAJK9XXF0R7K5AVRZXFQ', 'newrelic.yml')],
      negative: ['NEW_RELIC_API_KEY=NRAK-JYG66MJ6F882TP3Y5PU7', 'NEW_RELIC_API_KEY=NRAK-tmye6hhmo1tejqcvzjws56w6sbf'],
    },
  },
  {
    // New Relic Insights insert key: `NRII-` + 32 base64url (older keys: 25).
    id: 'new-relic-insert-key',
    title: 'New Relic Insights insert key',
    provider: 'New Relic',
    level: 'error',
    keywords: ['nrii-'],
    pattern: token('NRII-[0-9A-Za-z_\\-]{25,32}'),
    entropy: 3.5,
    redactPrefix: 'NRII-',
    samples: {
      positive: [at('NEW_RELIC_INSERT_KEY=§', 'NRII-7Gy6N5SNUWaatjzVNe4ZezF8U-d41Tj8'), at("insertKey: '§',", 'NRII-CFTK0AaHfkspzpUzE3QqlWkQyQ6JPNaV', 'events.ts')],
      negative: ['NEW_RELIC_INSERT_KEY=NRII-Rfu13SNKsg6VOZZ3', 'NEW_RELIC_INSERT_KEY=NRII-4OulJG4z0mHAIqG2XtvqlDjQ62Qn5jI8NGRftNTg'],
    },
  },
  {
    // New Relic ingest license key: 40 characters ending `NRAL`: 36 hex, or 32 hex (`eu01xx` + 26 for
    // EU accounts) + `FFFF`.
    id: 'new-relic-license-key',
    title: 'New Relic ingest license key',
    provider: 'New Relic',
    level: 'error',
    keywords: ['nral'],
    pattern: token('(?:[0-9a-f]{36}|[0-9a-f]{32}FFFF|eu01xx[0-9a-f]{26}FFFF|eu01xx[0-9a-f]{30})NRAL'),
    entropy: 3.2,
    samples: {
      positive: [at('NEW_RELIC_LICENSE_KEY=§', 'd42de45d20d51a0f959248e68934f8b127a1NRAL'), at("license_key: '§'", '8b0664560314f28db4d745b667e3e9d38939NRAL', 'newrelic.yml'), at('NEW_RELIC_LICENSE_KEY=§', 'eu01xx5c0e9a7d41b8f2c63e90d1a4b7FFFFNRAL'), at('license_key: §', '4f1e8c02b9d7a3e65c10f8b2d94e7a31FFFFNRAL', 'newrelic.yml')],
      negative: ['NEW_RELIC_LICENSE_KEY=b3e369e1f4757b08033fNRAL', 'NEW_RELIC_LICENSE_KEY=0df311c42dfcb158844764d5c390ef653de195e6'],
    },
  },
  {
    // New Relic admin API key (legacy): `NRAA-` + 27 hex.
    id: 'new-relic-admin-key',
    title: 'New Relic admin API key',
    provider: 'New Relic',
    level: 'error',
    keywords: ['nraa-'],
    pattern: token('NRAA-[0-9a-f]{27}'),
    entropy: 3.2,
    redactPrefix: 'NRAA-',
    samples: {
      positive: [at('NEW_RELIC_ADMIN_KEY=§', 'NRAA-aeceda6f63c432bdb44acc7cedf'), at('admin_api_key: §', 'NRAA-cf8a6dabb575d0d1c8902148399', 'nr.yml')],
      negative: ['NEW_RELIC_ADMIN_KEY=NRAA-887b8733b0', 'NEW_RELIC_ADMIN_KEY=NRAA-VP3P646UGO7AWEO02KKYQH5JSP5'],
    },
  },
  {
    // Sentry organization auth token: `sntrys_` + base64 JSON claims (`eyJ…`) + `_` + 43-char secret.
    id: 'sentry-org-token',
    title: 'Sentry organization auth token',
    provider: 'Sentry',
    level: 'error',
    keywords: ['sntrys_'],
    pattern: token('sntrys_eyJ[0-9A-Za-z+/=]{50,800}_[0-9A-Za-z+/]{43}', WORD_PLUS, BASE64_TAIL),
    entropy: 4,
    redactPrefix: 'sntrys_',
    samples: {
      positive: [
        at('SENTRY_AUTH_TOKEN=§', 'sntrys_eyJpYXQiOjE3LZDxmVAvrjdLcKpHnOneF39hFWgmUgA+G0PCYJvJwX8iU4L5dNf9EwZLDbY3RCxozQ0TVxzjgLEnRtA1pPen/vmc2njP8Fn+32hOYNoRyRh0FkEACXLyY+tn4bp8lZNfA5SsOSgPU4lxQqfIMPQuua_GJ+rjSj/MWfxsBwSNEWLcNFJnKM4EtlEjhfn3B3hg2h'),
        at('auth.token=§', 'sntrys_eyJpYXQiOjE3LCguD1kluH+guGHkodxBPU83Om6mgzPKGyBb9ojreRPcNpdIjYqSgmztBNVRqZ6+j0Bap4Ta9abzf09WfE8PX1VV+qCHHJ1NhQtM8C+fCLEnO1lZSH6vLG3R=_bvBbfR4hFyRtjdSUzQJ2HRx2FJion2bGmA7IB6JiCS6', '.sentryclirc'),
      ],
      negative: ['SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3HdRZQQ7eHRq7DPVmcSmx1asdVwiffy7D5ZDSMVndkiuXvaHKFIIbiQ00JZm+t276E/7f02sRhqQGKklnEBy1xrKC2u3YwdrNlQw1LCwxXtje73GHymWqcw9sgSZj9GIcc+1B4C8JX9QlUstyTkAccQ', 'SENTRY_AUTH_TOKEN=sntrys_jhkGiw8JH1sknQkPry9zZgdorPq57SpS8VuFbMEgNA/3N/89tNvgkfw45ezR_H1FSrLbMim5zgI9HG1wmZ33+pY6Z6D3SiHHDeb5vnx0'],
    },
  },
  {
    // Sentry user auth token: `sntryu_` + 64 hex.
    id: 'sentry-user-token',
    title: 'Sentry user auth token',
    provider: 'Sentry',
    level: 'error',
    keywords: ['sntryu_'],
    pattern: token('sntryu_[0-9a-f]{64}'),
    entropy: 3.2,
    redactPrefix: 'sntryu_',
    samples: {
      positive: [at('SENTRY_AUTH_TOKEN=§', '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'), at('token=§', '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', '.sentryclirc')],
      negative: ['SENTRY_AUTH_TOKEN=sntryu_f1a19706009df2d76fb4f91ade6f782f5a221425', 'SENTRY_AUTH_TOKEN=sntryu_YiIDe1bp3dep7foPi3VRiv4MeE1ANKKCDYj1apbeOGQhL0ex7mDylHdFuFmbZ5Cp'],
    },
  },
  {
    // Legacy Sentry DSN with a secret: `https://<public key>:<secret key>@host/<project>`. A DSN with
    // only the public key is meant to ship in client code and is not a finding.
    id: 'sentry-dsn-secret',
    title: 'Sentry DSN secret key',
    provider: 'Sentry',
    level: 'error',
    keywords: ['sentry'],
    pattern: /https?:\/\/[0-9a-f]{32}:(?<secret>[0-9a-f]{32})@[0-9A-Za-z.\-]{1,100}(?::[0-9]{1,5})?\/[0-9]{1,12}(?![0-9])/,
    entropy: 3.2,
    samples: {
      positive: [
        at('SENTRY_DSN=https://5a260d2b3857451a0d0fc1c57c867f35:§@o123456.ingest.sentry.io/4504', '225c04d1cc532b038c38ee063c83e545'),
        at("Raven.config('https://6febd526d82dc7590bbadc8d315c5d03:§@sentry.acme.io/12').install();", '3e0ddf81a2cb28ed7fe270dbf7114eb4', 'app.js'),
      ],
      negative: ['SENTRY_DSN=https://b58d613a10881f8fdaf8bad993e75149@o123456.ingest.sentry.io/4504', 'SENTRY_DSN=https://e9140721c7f7e9f04c8fc90ac26d074d:0be25deaf3@sentry.io/1'],
    },
  },
  {
    // Grafana Cloud access policy token: `glc_` + base64 of JSON claims.
    id: 'grafana-cloud-token',
    title: 'Grafana Cloud access policy token',
    provider: 'Grafana',
    level: 'error',
    keywords: ['glc_'],
    pattern: token('glc_[0-9A-Za-z+/]{32,400}={0,2}', WORD_PLUS, BASE64_TAIL),
    entropy: 4,
    redactPrefix: 'glc_',
    samples: {
      positive: [at('GRAFANA_CLOUD_TOKEN=§', 'glc_eyJvIjoims9oRZCQ+sftHJ+4GUYDWUz1lZrst2gnU7Ol3vKrAxOk2haeHK1lFIFJpgAJXuhT2QE21uc6+wxNGycvqNSUm31yxnl86kftddqIBofx8AUSM++QyU+OzJ6akJyMbGCUPC2PrsyyBJsA=='), at('  password: §', 'glc_eyJvIjoiTUPlLf5bYa74IUBTOEHt3NdzqcDJbW249Tri6Ei6/8+xyKruElD8PcP0AO0T4oy6I/9VhfqAD6Zy9Vb6CBs8q9+aD94kHl1wqNEZbFzhZ19LIe', 'alloy/config.yaml')],
      negative: ['GRAFANA_CLOUD_TOKEN=glc_0nfBFD1WK9TXlJe2', 'GRAFANA_CLOUD_TOKEN=xglc_eyJvIjoim41dRfNd47ail21Udm1aXipRg1QGm+jcDnqO3RwhkypTeTzl42rzvB812pRZeua6fjoNedIlVGDbEw5k6LK997N8BANZBu5CmxmjqGCV8W8iK1'],
    },
  },
  {
    // Grafana service account token: `glsa_` + 32 alphanumerics + `_` + 8 hex checksum.
    id: 'grafana-service-account-token',
    title: 'Grafana service account token',
    provider: 'Grafana',
    level: 'error',
    keywords: ['glsa_'],
    pattern: token('glsa_[0-9A-Za-z]{32}_[0-9a-fA-F]{8}'),
    entropy: 3.8,
    redactPrefix: 'glsa_',
    samples: {
      positive: [at('GRAFANA_TOKEN=§', 'glsa_DWekLYcJeuAVzbu7vUmPAi8MHjnKX6J9_630f4623'), at('Authorization: Bearer §', 'glsa_TzTnmgGpxA1Zla2YWYgiN7a5lahzt3RG_5dae6f0b')],
      negative: ['GRAFANA_TOKEN=glsa_mvSx94cLdFZGx0ZaDDbsXSwKIDoepI0g', 'GRAFANA_TOKEN=glsa_XBF5ZPN5JEVSq5AxfaCC_7898a07f'],
    },
  },
  {
    // Grafana API key (legacy): base64 of `{"k":"…","n":"…","id":…}`, so it starts `eyJrIjoi`.
    id: 'grafana-api-key',
    title: 'Grafana API key (legacy)',
    provider: 'Grafana',
    level: 'error',
    keywords: ['eyjrijoi'],
    pattern: token('eyJrIjoi[0-9A-Za-z+/]{50,300}={0,2}', WORD_PLUS, BASE64_TAIL),
    entropy: 4,
    redactPrefix: 'eyJrIjoi',
    samples: {
      positive: [at('GRAFANA_API_KEY=§', 'eyJrIjoiza0nwP5ssvFaAxVsDuix4Oo8lVHDvpLygHzx5SisODR/P7eiIqAxWlTPOvL4eFWero0WO7+jdSeMusHp6umGOqsTtk=='), at('  apiKey: §', 'eyJrIjoixXQqgNgLrPvh24ij35mL/8IKvAHf0yDLYF2bSrxAVswVHPDPAZof4VFUoENhLlc9nSXz2eF8BwhZtv35IToB', 'grafana.yml')],
      negative: ['GRAFANA_API_KEY=eyJrIjoii4rwq7AGEHDFOD3AYnIs', 'GRAFANA_API_KEY=eyJhbGciOivZ9k+D4qaYN4bPIl6P9FNiOzinzd0hMQsIoE0EGxHPLmSJ9vcCsz9sRvdZwPRNCB3xMLb6UHcZHWkL+X588Xfva4sV'],
    },
  },
  {
    // Dynatrace token: `dt0c01.` (classic) or `dt0s0x.` (platform) + 24 + `.` + 64 upper alphanumerics.
    id: 'dynatrace-token',
    title: 'Dynatrace API token',
    provider: 'Dynatrace',
    level: 'error',
    keywords: ['dt0c0', 'dt0s0'],
    pattern: token('dt0[cs]0[0-9]\\.[0-9A-Z]{24}\\.[0-9A-Z]{64}', 'A-Za-z0-9_\\-.'),
    entropy: 4,
    redactPrefix: 'dt0c01.',
    samples: {
      positive: [at('DT_API_TOKEN=§', 'dt0c01.6NCN4P3TIQ4FRMB0DEOFPQ2J.34ZWVA9YXOPYVHBENMQ6PML948Z4YEZLNEU1UIE6QJOKVFK2KQZE9JPUB35WOERJ'), at('  apiToken: "§"', 'dt0s02.HW5OGPPT64ELXNBJI2B4SJ9Y.XNXN71DN8MOTILXCL2QQLL5AU093D8CONMDNG8CHAPG5QG7Z9H28OSXYPND17NMV', 'dynakube.yaml')],
      negative: ['DT_API_TOKEN=dt0c01.X0M27766RS6LF57NWTKFLIDA', 'DT_API_TOKEN=dt0c01.ZAPAFKDNT7ISNIU1752AE8O9.k5fw58l8x8phc182m4xhipcirpt7xh8v0h4shvax0rxw5mru4nprtk0t6fo052j9'],
    },
  },
  {
    // PagerDuty REST API key: 20 chars of [A-Za-z0-9_+-] (user keys start `u+`), next to a PagerDuty name.
    id: 'pagerduty-api-key',
    title: 'PagerDuty API key',
    provider: 'PagerDuty',
    level: 'error',
    keywords: lower(PAGERDUTY_WORDS),
    pattern: near(PAGERDUTY_WORDS, '[0-9A-Za-z_+\\-]{20}', { edge: 'A-Za-z0-9_+\\-' }),
    entropy: 3.5,
    samples: {
      positive: [at('PAGERDUTY_TOKEN=§', 'u+yskDnh9kzapCX-442N'), at('pagerduty_api_key = "§"', 'wqULUd8TvOyMzHoufrqD', 'main.tfvars')],
      negative: ['PAGERDUTY_TOKEN=HD-yv_nXHLvu', 'PAGERDUTY_SERVICE_ID=P8KIF3I'],
    },
  },
  {
    // Honeycomb API key: 22 alphanumerics (environment keys) or 32 hex (classic), next to a Honeycomb name.
    id: 'honeycomb-api-key',
    title: 'Honeycomb API key',
    provider: 'Honeycomb',
    level: 'error',
    keywords: lower(HONEYCOMB_WORDS),
    pattern: near(HONEYCOMB_WORDS, '(?:[0-9A-Za-z]{22}|[0-9a-f]{32})'),
    entropy: 3.5,
    samples: {
      positive: [at('HONEYCOMB_API_KEY=§', 'Fs5WKB2HOf5LsopvZmfDI9'), at('OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=§', 'e1cac1d727cd098c0a11cb0d1d6654b4')],
      negative: ['HONEYCOMB_API_KEY=Q4hGI733Yr5s', 'HONEYCOMB_DATASET=production-traces'],
    },
  },
  {
    // Rollbar access token: 32 hex next to a Rollbar name.
    id: 'rollbar-access-token',
    title: 'Rollbar access token',
    provider: 'Rollbar',
    level: 'error',
    keywords: lower(ROLLBAR_WORDS),
    pattern: near(ROLLBAR_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('ROLLBAR_ACCESS_TOKEN=§', '18859ea5999ca909b535cafa86fb8435'), at("rollbar.init('§')", '2371d9a3cc5949a83f4ed31ad32af199', 'app.py')],
      negative: ['ROLLBAR_ACCESS_TOKEN=b8b474c41a881f09', 'ROLLBAR_ENV=production'],
    },
  },
  {
    // Bugsnag API key: 32 hex next to a Bugsnag name.
    id: 'bugsnag-api-key',
    title: 'Bugsnag API key',
    provider: 'Bugsnag',
    level: 'warning',
    keywords: lower(BUGSNAG_WORDS),
    pattern: near(BUGSNAG_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('BUGSNAG_API_KEY=§', '3807772aec66a5193a122cda59dddedd'), at("Bugsnag.start({ apiKey: '§' })", '4dfba9a7f043e06709dc6c13398686a8', 'main.ts')],
      negative: ['BUGSNAG_API_KEY=7567ca0269cdcce6c564', 'BUGSNAG_RELEASE_STAGE=production'],
    },
  },
  {
    // Sumo Logic access id: `su` + 12 alphanumerics, next to a Sumo name.
    id: 'sumologic-access-id',
    title: 'Sumo Logic access ID',
    provider: 'Sumo Logic',
    level: 'warning',
    keywords: lower(SUMO_WORDS),
    pattern: near(SUMO_WORDS, 'su[0-9A-Za-z]{12}', { wordTail: SUMO_TAIL }),
    entropy: 3,
    pair: { with: 'sumologic-access-key', id: 'sumologic-access-pair', title: 'Sumo Logic access ID + key' },
    samples: {
      positive: [at('SUMOLOGIC_ACCESSID=§', 'suC7kljyw3IRZ7'), at('sumo_access_id: "§"', 'suJHM25nrwviN5', 'sumo.yml')],
      negative: ['SUMOLOGIC_ACCESSID=suPy439q', 'SUMOLOGIC_ENV=us2'],
    },
  },
  {
    // Sumo Logic access key: 64 alphanumerics next to a Sumo name.
    id: 'sumologic-access-key',
    title: 'Sumo Logic access key',
    provider: 'Sumo Logic',
    level: 'error',
    keywords: lower(SUMO_WORDS),
    pattern: near(SUMO_WORDS, '[0-9A-Za-z]{64}', { wordTail: SUMO_TAIL }),
    entropy: 4,
    samples: {
      positive: [at('SUMOLOGIC_ACCESSKEY=§', 'HkNGT8pJK4mbeKt2y4nsKEtLzoPWuAucgk4utT5RfwDsvIUJOHHl5hruGe56rd6C'), at('sumo_access_key: "§"', 'vNFOaG4ahGqS14NwqkMecQMZv26rfpBrZBJ5XUGLgiFAgcr7gPwqjk2ccDnKjpRQ', 'sumo.yml')],
      negative: ['SUMOLOGIC_ACCESSKEY=yZn1Ol7iW8K1r3QPKHQOHQaXg14TCV9jZB3mTvLb', 'SUMOLOGIC_ACCESSKEY=GhmrWs81JyV9gWNoBFWZ1Tbp05k0kadQAL7Kh0ngViXxDYrXwARcw2sYcuI7nDzOgE2BMe'],
    },
  },
  {
    // Splunk HTTP Event Collector token: a UUID next to a Splunk name.
    id: 'splunk-hec-token',
    title: 'Splunk HTTP Event Collector token',
    provider: 'Splunk',
    level: 'error',
    keywords: lower(SPLUNK_WORDS),
    pattern: near(SPLUNK_WORDS, UUID_ANY_CASE),
    samples: {
      positive: [at('SPLUNK_HEC_TOKEN=§', '7e497cde-eb64-1927-d2e6-be1eba3ced1c'), at('Authorization: Splunk §', 'd715a2c8-244c-2ff3-09ee-cf07de027e78')],
      negative: ['SPLUNK_HEC_TOKEN=4e35e4ad-dea7', 'SPLUNK_INDEX=main'],
    },
  },
  {
    // Axiom API token `xaat-` / personal token `xapt-` + UUID.
    id: 'axiom-token',
    title: 'Axiom API or personal token',
    provider: 'Axiom',
    level: 'error',
    keywords: ['xaat-', 'xapt-'],
    pattern: token('xa[ap]t-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'),
    entropy: 3,
    redactPrefix: 'xaat-',
    samples: {
      positive: [at('AXIOM_TOKEN=§', 'xaat-da4aeacb-de9d-2480-6fd9-85e3972e0936'), at('  token: §', 'xapt-ab34ef1f-eb16-9f17-dc5d-a2ee3ff27753', 'vector.yaml')],
      negative: ['AXIOM_TOKEN=xaat-6c5eef6c', 'AXIOM_DATASET=xaat-logs'],
    },
  },
];
