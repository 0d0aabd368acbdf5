import type { Detector } from '../detector.js';
import { at, lower, near, token, UUID } from './shapes.js';

const SNYK_WORDS = ['snyk'];
const OKTA_WORDS = ['okta'];
const AUTH0_WORDS = ['auth0'];
const LAUNCHDARKLY_WORDS = ['launchdarkly'];
const CODECOV_WORDS = ['codecov'];
const ALGOLIA_WORDS = ['algolia_admin', 'algolia_api_key', 'algolia_write', 'algoliaadmin', 'algolia_secret'];
const MIXPANEL_WORDS = ['mixpanel'];
const AMPLITUDE_WORDS = ['amplitude_secret', 'amplitude_api_secret', 'amplitudesecret'];
const CONTENTFUL_WORDS = ['contentful'];
const CONFLUENT_WORDS = ['confluent'];
const ATLAS_WORDS = ['atlas_private_key', 'mongodb_atlas_private', 'atlas_api_private'];

/**
 * Security, identity and product platforms: SonarQube, Snyk, JFrog, Okta, Auth0, Firebase, Mapbox,
 * LaunchDarkly, Codecov, Segment, PostHog, Mixpanel, Amplitude, Algolia, Contentful, Confluent, MongoDB Atlas.
 */
export const securityDetectors: Detector[] = [
  {
    // SonarQube tokens: `squ_` (user), `sqp_` (project analysis), `sqa_` (global analysis) + 40 hex.
    id: 'sonarqube-token',
    title: 'SonarQube token',
    provider: 'SonarQube',
    level: 'error',
    keywords: ['squ_', 'sqp_', 'sqa_'],
    pattern: token('sq[upa]_[0-9a-f]{40}'),
    entropy: 3.2,
    redactPrefix: 'squ_',
    samples: {
      positive: [at('SONAR_TOKEN=§', 'squ_11b70767ea88c86914a9bb58cf46e406397413c6'), at('sonar.token=§', 'sqp_0baf98d285715ea85efbf097c3cd62347957babf', 'sonar-project.properties'), at('  SONAR_TOKEN: §', 'sqa_30545a78bfa3877445edf38295aecc2e89d35ed3', 'ci.yml')],
      negative: ['SONAR_TOKEN=squ_4a82c2a4c40791f18241', 'SONAR_TOKEN=sqx_5759e036bf05a7c4f20392ce01243629370a2bd6'],
    },
  },
  {
    // Snyk API token: a UUID next to a Snyk name.
    id: 'snyk-api-token',
    title: 'Snyk API token',
    provider: 'Snyk',
    level: 'error',
    keywords: lower(SNYK_WORDS),
    pattern: near(SNYK_WORDS, UUID),
    samples: {
      positive: [at('SNYK_TOKEN=§', '6b25cbe6-ada5-c372-f8d4-d7148d01c235'), at('snyk auth §', 'f6d4ba12-2777-b509-fff2-10919fed1d43')],
      negative: ['SNYK_TOKEN=c268397adbc0', 'SNYK_ORG=acme-security'],
    },
  },
  {
    // JFrog Artifactory API key: `AKCp` + 69 base62.
    id: 'jfrog-api-key',
    title: 'JFrog Artifactory API key',
    provider: 'JFrog',
    level: 'error',
    keywords: ['akcp'],
    pattern: token('AKCp[0-9A-Za-z]{69}'),
    entropy: 4,
    redactPrefix: 'AKCp',
    samples: {
      positive: [at('ARTIFACTORY_API_KEY=§', 'AKCpjjcx9wtSlxCf9k3evKU8HEmI35MfmXHjYKGiu8XUG5HYTOHGdnIOfWPtUmTCNF7cYR4sJ'), at('curl -H "X-JFrog-Art-Api: §" https://acme.jfrog.io/artifactory/api/repositories', 'AKCp6pomUrC4riPUJMUbsnkuDpAw28wIHt8l8xjvBzEHugAidqmfwvdDkHPoG7hTiIMbsXWfZ')],
      negative: ['ARTIFACTORY_API_KEY=AKCpysEWsRf6K6oulp2U6Zzd2wQUnPgunIJYqT3RWW7R', 'ARTIFACTORY_API_KEY=AKCpUJFu9KqrfEW84gbtNGh5FRW5biEjsROIjF0rBAP3EdIhCtijZqoIf0TXlUkoReLYH6yYkM8Aa8p'],
    },
  },
  {
    // JFrog reference (access) token: base64 of `reftkn:01:…`, so `cmVmdGtu` + 56 base62.
    id: 'jfrog-reference-token',
    title: 'JFrog reference token',
    provider: 'JFrog',
    level: 'error',
    keywords: ['cmvmdgtu'],
    pattern: token('cmVmdGtu[0-9A-Za-z]{56}'),
    entropy: 4,
    redactPrefix: 'cmVmdGtu',
    samples: {
      positive: [at('JFROG_ACCESS_TOKEN=§', 'cmVmdGtuOjAxOjLH7bdFqSEc5iHVk7vjoyVT9qsItKnfASI9CrtW67tcTGhhurOz'), at('  password: §', 'cmVmdGtuOjAxOjFrqAaWUK4bjtsDAjP0yYWLKr6Chupn4QXDZu4pOnHGXqGIT5UI', '.m2/settings.yml')],
      negative: ['JFROG_ACCESS_TOKEN=cmVmdGtu9kTrV3zcK25e4xECcNdq', 'JFROG_ACCESS_TOKEN=cmVmdGtuzs0AVeYMqkUzbfysC142WDZwmBX2JnZwkKVW7ZHq7iEshPPjD7EM0DNCnHfP'],
    },
  },
  {
    // Okta API token: `00` + 40 base64url, next to an Okta name.
    id: 'okta-api-token',
    title: 'Okta API token',
    provider: 'Okta',
    level: 'error',
    keywords: lower(OKTA_WORDS),
    // `okta` must start a word (`OKTA_`, `oktaToken`, `acme.okta.com`), not sit inside one (`rookTable`).
    pattern: near(OKTA_WORDS, '00[0-9A-Za-z_\\-]{40}', { gap: 60, nameBoundary: true }),
    entropy: 4,
    samples: {
      positive: [at('OKTA_API_TOKEN=§', '00m7dm0EPHRNuS6kpxSwTC8aaHM90xX62J3kOoTipV'), at("okta_token: '§'", '00RiGENOPMHl-hdPtPItTpkEE7GIkX_EckCM4bGvRL', 'sso.yml')],
      negative: ['OKTA_API_TOKEN=00QnHh4FMjKxtdMCG3zkSw', 'OKTA_ORG_URL=https://acme.okta.com'],
    },
  },
  {
    // Auth0 client secret: 64 base64url next to an Auth0 name.
    id: 'auth0-client-secret',
    title: 'Auth0 client secret',
    provider: 'Auth0',
    level: 'error',
    keywords: lower(AUTH0_WORDS),
    pattern: near(AUTH0_WORDS, '[0-9A-Za-z_\\-]{64}'),
    entropy: 4,
    samples: {
      positive: [at('AUTH0_CLIENT_SECRET=§', 'Z3n7ZqrfuhxYbpCej1O0wcTy9uQg55oB_VURBGqn2cQQuV4mCwM_oZJsNPk4xDSI'), at("auth0_client_secret: '§'", 'ManhQbLJssKjn4v4FaAGKVHlCTiCWdVuCgK7kOemmUGZQgxZx7BtTuY7MSawQ4ls', 'auth.yml')],
      negative: ['AUTH0_CLIENT_SECRET=HhahFSAgfHh95wI38iH3eNLpb0RjtCgf', 'AUTH0_DOMAIN=acme.eu.auth0.com'],
    },
  },
  {
    // Firebase Cloud Messaging legacy server key: `AAAA` + 7 base64url + `:APA91b` + 134 base64url.
    id: 'firebase-fcm-server-key',
    title: 'Firebase Cloud Messaging server key',
    provider: 'Firebase',
    level: 'error',
    keywords: [':apa91b'],
    pattern: token('AAAA[0-9A-Za-z_\\-]{7}:APA91b[0-9A-Za-z_\\-]{134}'),
    entropy: 4,
    redactPrefix: 'AAAA',
    samples: {
      positive: [at('FCM_SERVER_KEY=§', 'AAAAtQWfod9:APA91b2V4HRjhFzV7HVAIkRcUdaxpR-iIYhu7IGPhzGSBvT3I1G9SzIPMyX0SOlc-DjqRz5WgSnkKw_VWxNTw4_Y38Q_gYm4ccaKCqKoKnGCZLSRhPa_gxaXBA4NMkr2tqV8NqJI6NhO'), at("headers: { Authorization: 'key=§' }", 'AAAA9CQmQAf:APA91bNOc1gJewZXL3myCr5jM9AteLCRfPYg-4b7XIadHRtJAIteam4ygilb0T3KTozVEYwMm3sTkqjM4arnL-G9_MFXWCXK0HGjmfifLxcBf8HNkNlRBA9mIdqQBVNve-Rd7tEh7BFy', 'push.ts')],
      negative: ['FCM_SERVER_KEY=AAAASKc4RwC:APA91b43aEfbroctmjWGZjAIXQ0Bs0M98_j8IN30RmyKsC', 'FCM_SERVER_KEY=BBBBRNrAoao:APA91bVqdhFiVuTabTT5mLsU7WZ4xOvCiZMKF8OJXILiL4QV9Ttnj9NghtT9VczVLYpUHL-T0HF8kQ_QDlkjf-ULz_r1JJYFKxqxRphDAM3uC0spoTig7_yWpD5YIqGEJhQ1lfjZPTjx'],
    },
  },
  {
    // Mapbox secret token: `sk.eyJ` + base64url claims + `.` + 22 base64url (the `pk.` token is public).
    id: 'mapbox-secret-token',
    title: 'Mapbox secret access token',
    provider: 'Mapbox',
    level: 'error',
    keywords: ['sk.eyj'],
    pattern: token('sk\\.eyJ[0-9A-Za-z_\\-]{50,300}\\.[0-9A-Za-z_\\-]{22}', 'A-Za-z0-9_\\-.'),
    entropy: 4,
    redactPrefix: 'sk.',
    samples: {
      positive: [at('MAPBOX_SECRET_TOKEN=§', 'sk.eyJ1IjoipdMdRB2DeEh3l_NcjC53Owa6i8SV0yXdgsaK02FblAvA37k942t740q6ya62Kjp5_XikV_.Sw11MHuOebw1aECq1vOGoU'), at('MAPBOX_DOWNLOADS_TOKEN=§', 'sk.eyJ1IjoiH3fxT0CRLtr8FCemqJveyGPN_prEBnHUJxCKxDm5TD7UnHyCE0L09bfVLAMJ.yh8Uxo5K7Ry0TvBs3vj9xX', 'gradle.properties')],
      negative: ['MAPBOX_ACCESS_TOKEN=pk.eyJ1IjoiNv5k5eS227l3Xhd8f7lHQwXUAK5OyGce8dmeu6wXXjBflCP2M23dBAYfD8LUfaZ0wuIIT1.Aj4XKo6zeZ5lygoyi-oYpy', 'MAPBOX_SECRET_TOKEN=sk.eyJ1IjoixYbBQ7Zxe3mZYvy_33T7hnkpp5KDbLuVvb4SjBCt4XJ3wx8RPm246N4niwgsTFOfeDFjq8'],
    },
  },
  {
    // LaunchDarkly API access token `api-<uuid>` or server SDK key `sdk-<uuid>`, next to a LaunchDarkly name.
    id: 'launchdarkly-access-token',
    title: 'LaunchDarkly access token or SDK key',
    provider: 'LaunchDarkly',
    level: 'error',
    keywords: lower(LAUNCHDARKLY_WORDS),
    pattern: near(LAUNCHDARKLY_WORDS, `(?:api|sdk)-${UUID}`),
    entropy: 3,
    samples: {
      positive: [at('LAUNCHDARKLY_ACCESS_TOKEN=§', 'api-507335f1-b04b-c368-15c2-b2b1a254476f'), at('LAUNCHDARKLY_SDK_KEY=§', 'sdk-eeddf7c2-69d2-3874-f990-fb6fb49b9301')],
      negative: ['LAUNCHDARKLY_CLIENT_ID=2334d78a4a7b928d97881a3f', 'LAUNCHDARKLY_MOBILE_KEY=mob-72a7eea9-daa1-556a-7486-0c348d4e3113'],
    },
  },
  {
    // Codecov upload token: a UUID next to a Codecov name.
    id: 'codecov-token',
    title: 'Codecov upload token',
    provider: 'Codecov',
    level: 'warning',
    keywords: lower(CODECOV_WORDS),
    pattern: near(CODECOV_WORDS, UUID),
    samples: {
      positive: [at('CODECOV_TOKEN=§', 'a514cdf1-d79c-7bcc-9c41-c7cc5941de43'), at('codecov -t §', 'dddbae70-bcc2-4e56-7cee-dab6bffa5783')],
      negative: ['CODECOV_TOKEN=f204cfa45a465894', 'CODECOV_TOKEN=${{ secrets.CODECOV_TOKEN }}'],
    },
  },
  {
    // Segment Public API token: `sgp_` + 64 base62.
    id: 'segment-public-api-token',
    title: 'Segment Public API token',
    provider: 'Segment',
    level: 'error',
    keywords: ['sgp_'],
    pattern: token('sgp_[0-9A-Za-z]{64}'),
    entropy: 4,
    redactPrefix: 'sgp_',
    samples: {
      positive: [at('SEGMENT_API_TOKEN=§', 'sgp_G7DgiP5rVCYHjVAohqUiWFHrOuOR6xoOGa3rsRv3Sj2EgKwgeZxBRK6VskFbImSi'), at('Authorization: Bearer §', 'sgp_SpVvPnGmEV5IEjOdKTDybob4SQ4dzqEOguiyydejam6WvaZXcS3OU0YpCxWNghsp')],
      negative: ['SEGMENT_API_TOKEN=sgp_qUTQaMoQkHF8ysc9zEPA2Si6MZC1vlPcT4sj754W', 'SEGMENT_WRITE_KEY=lngxtwjpZ8DlJN65aLRuHF2pyBnfTZLC'],
    },
  },
  {
    // PostHog personal API key: `phx_` + 43 base62 (the `phc_` project key is public).
    id: 'posthog-personal-api-key',
    title: 'PostHog personal API key',
    provider: 'PostHog',
    level: 'error',
    keywords: ['phx_'],
    pattern: token('phx_[0-9A-Za-z]{43}'),
    entropy: 4,
    redactPrefix: 'phx_',
    samples: {
      positive: [at('POSTHOG_PERSONAL_API_KEY=§', 'phx_0y13APAlvniwKHeu2X8PQ7W7wqrIePQ1J90vrehEIGF'), at("personal_api_key: '§'", 'phx_BlvylTFx4pTeN1U8LUrEGs1WnIj92hhKPARjBmqKNRw', 'analytics.yml')],
      negative: ['POSTHOG_KEY=phc_09pqGblcccaFfPlGPpDDjXQC3wkzKls3stkhbaNPwBx', 'POSTHOG_PERSONAL_API_KEY=phx_17PqcHihQD9Tp8EgHcpi'],
    },
  },
  {
    // Mixpanel project / service account secret: 32 hex next to a Mixpanel name.
    id: 'mixpanel-secret',
    title: 'Mixpanel API secret',
    provider: 'Mixpanel',
    level: 'error',
    keywords: lower(MIXPANEL_WORDS),
    pattern: near(MIXPANEL_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('MIXPANEL_API_SECRET=§', '8364b6082f2cbe3d38a473b73755e736'), at("mixpanel_secret: '§'", 'ebc6b8f853617164bd7e9c8ea69cd492', 'analytics.yml')],
      negative: ['MIXPANEL_API_SECRET=524e624f670d4932', 'MIXPANEL_PROJECT_ID=5152654'],
    },
  },
  {
    // Amplitude secret key: 32 hex next to an Amplitude secret name (the API key itself is public).
    id: 'amplitude-secret-key',
    title: 'Amplitude secret key',
    provider: 'Amplitude',
    level: 'error',
    keywords: lower(AMPLITUDE_WORDS),
    pattern: near(AMPLITUDE_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('AMPLITUDE_SECRET_KEY=§', '61726bd6c59e223556f31752d8592891'), at("amplitude_api_secret: '§'", '3bf4276a248364831d481e1a35bc6f2e', 'export.yml')],
      negative: ['AMPLITUDE_API_KEY=c185e82b6d1f50f1c42fbe5b3c01d4b4', 'AMPLITUDE_SECRET_KEY=d852906798acdf38977b'],
    },
  },
  {
    // Algolia admin / write API key: 32 hex next to an Algolia admin-key name (search keys are public).
    id: 'algolia-admin-key',
    title: 'Algolia admin API key',
    provider: 'Algolia',
    level: 'error',
    keywords: lower(ALGOLIA_WORDS),
    pattern: near(ALGOLIA_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('ALGOLIA_ADMIN_KEY=§', 'b1eaebcbc134afbd032b28a188bb1791'), at("algolia_api_key: '§'", '6c4172d4132a689e5f4853aa314942d3', 'search.yml')],
      negative: ['ALGOLIA_SEARCH_KEY=bcd97dfbe42bab337d490f45e739919d', 'ALGOLIA_ADMIN_KEY=80d502ef6b84fb15'],
    },
  },
  {
    // The search-only key of a DocSearch / InstantSearch front-end config (Docusaurus, VitePress,
    // `docsearch({…})`): `appId` (10 upper-case alphanumerics), then `apiKey` with 32 hex, and an
    // `indexName` in the same object. Algolia documents search-only keys as safe to ship to browsers;
    // reported at info level (an admin key pasted there would still be listed), so a docs site's
    // config does not fail a check as `generic-api-key` would.
    id: 'algolia-docsearch-search-key',
    title: 'Algolia search-only API key in a DocSearch config (public by design)',
    provider: 'Algolia',
    level: 'info',
    keywords: ['appid'],
    pattern:
      /appId["']?\s{0,3}:\s{0,3}["'][A-Z0-9]{10}["'](?=[\s\S]{0,300}?\bindexName\b)[\s\S]{0,160}?\bapiKey["']?\s{0,3}:\s{0,3}["'](?<secret>[0-9a-f]{32})["']/,
    entropy: 3,
    samples: {
      positive: [
        at("    algolia: {\n      appId: 'X1Z85QJPUV',\n      apiKey: '§',\n      indexName: 'acme-docs',\n    },", 'bf7211c161e8205da2f933a02534105a', 'docusaurus.config.js'),
        at("docsearch({ container: '#search', appId: 'R2IYF7ETH7', indexName: 'acme', apiKey: '§' });", '599cec31baffa4868cae4e79f180729b', 'docs/.vitepress/theme/search.ts'),
      ],
      negative: [
        // No index: an API client set up with what may be an admin key.
        "const client = { appId: 'X1Z85QJPUV', apiKey: 'bf7211c161e8205da2f933a02534105a' };",
      ],
    },
  },
  {
    // Contentful personal access token `CFPAT-` + 43, or a 43-char delivery/management token next to a Contentful name.
    id: 'contentful-token',
    title: 'Contentful access token',
    provider: 'Contentful',
    level: 'error',
    keywords: ['cfpat-', ...lower(CONTENTFUL_WORDS)],
    pattern: token('(?:CFPAT-[0-9A-Za-z_\\-]{43}|(?<=[Cc][Oo][Nn][Tt][Ee][Nn][Tt][Ff][Uu][Ll][^\\n]{0,40})[0-9A-Za-z_\\-]{43})'),
    entropy: 4,
    samples: {
      positive: [at('CONTENTFUL_MANAGEMENT_TOKEN=§', 'CFPAT-IgBySAaflut4kvS1HXIy5zZ8R0XizQnD4Gy016ccgBa'), at('CONTENTFUL_DELIVERY_TOKEN=§', 'boZhZ7Mmk4dmigVdhSnJjATnP3DPpwKRocPkRuiC-uS')],
      negative: ['CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-Qv-uf6y-G3hcLwGz5dVC', 'CONTENTFUL_SPACE_ID=jzt46vvx7a0j'],
    },
  },
  {
    // Confluent Cloud API secret: 64 base64-ish characters next to a Confluent name.
    id: 'confluent-api-secret',
    title: 'Confluent Cloud API secret',
    provider: 'Confluent',
    level: 'error',
    keywords: lower(CONFLUENT_WORDS),
    pattern: near(CONFLUENT_WORDS, '[0-9A-Za-z+/]{64}', { edge: 'A-Za-z0-9_\\-+/', tail: 'A-Za-z0-9_\\-+/=' }),
    entropy: 4,
    samples: {
      positive: [at('CONFLUENT_CLOUD_API_SECRET=§', '1M/ZIAxoNOEuC4lZiH1O8CE9jJbkGMAXfDnVdPODn/uSm1k+nwz10/HqnF/fliEe'), at("confluent_api_secret: '§'", 's6dF6Nql8eZyR3W+HVXdTlTlGmD86flicn2+Qt8PdM4H7M0UP/Nt6r/P1DAfpzFb', 'kafka.yml')],
      negative: ['CONFLUENT_CLOUD_API_KEY=QCIMM7KVWZMGVCQY', 'CONFLUENT_CLOUD_API_SECRET=lOz8IcdzZUhWqF808ZzOJzfcLNGpVGiweP2LF+qO'],
    },
  },
  {
    // MongoDB Atlas Admin API private key: a UUID next to an Atlas private-key name.
    id: 'mongodb-atlas-private-key',
    title: 'MongoDB Atlas API private key',
    provider: 'MongoDB Atlas',
    level: 'error',
    keywords: lower(ATLAS_WORDS),
    pattern: near(ATLAS_WORDS, UUID),
    samples: {
      positive: [at('MONGODB_ATLAS_PRIVATE_KEY=§', 'd2ca330c-1ce1-90bb-2879-1f0a44466dac'), at('atlas_private_key = "§"', 'ec41cd71-b688-f788-47d0-f50dbcc5fd71', 'atlas.tfvars')],
      negative: ['MONGODB_ATLAS_PUBLIC_KEY=8wm46ggj', 'MONGODB_ATLAS_PRIVATE_KEY=cca2ff011479e105'],
    },
  },
];
