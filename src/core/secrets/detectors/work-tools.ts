import type { Detector } from '../detector.js';
import { at, lower, near, token, UUID, WORD } from './shapes.js';

const NOTION_WORDS = ['notion'];
const ASANA_WORDS = ['asana'];
const ZENDESK_WORDS = ['zendesk'];
const DROPBOX_WORDS = ['dropbox'];
const BOX_WORDS = ['box_client_secret', 'box_developer_token', 'box_access_token', 'box-client-secret'];
const TRELLO_WORDS = ['trello'];
const AIRTABLE_WORDS = ['airtable'];

/** Work tools: Atlassian, Linear, Notion, Airtable, Asana, Postman, HubSpot, Intercom, Zendesk, Dropbox, Box, Figma… */
export const workToolDetectors: Detector[] = [
  {
    // Atlassian API token (Jira/Confluence Cloud): `ATATT3` + base64url, ending `=` + 8 hex checksum.
    id: 'atlassian-api-token',
    title: 'Atlassian API token',
    provider: 'Atlassian',
    level: 'error',
    keywords: ['atatt3'],
    pattern: token('ATATT3[0-9A-Za-z_\\-=]{150,250}', 'A-Za-z0-9_\\-', 'A-Za-z0-9_\\-='),
    entropy: 4,
    redactPrefix: 'ATATT3',
    samples: {
      positive: [at('JIRA_API_TOKEN=§', 'ATATT3xFfGF04Gr7JhIvl54SsG1kXmZu96aN4GO4WbbjOgupueQjtRtLrRi8zjRul51oncZxmjetHwqKs51dZfjPHs4YVdusd5kDUTnm1D4Kt8b0JkWTnScN5jGTgbjmvdsr5xfswNsShbOPGvdIsSE8KrLEWcT70vmtX8Bh6NEU_NFB-QzskZ=43D01DAD'), at('confluence_token: "§"', 'ATATT3xFfGF0kWOVs1nW-LypvR49UlVDcsM4oDMdep_VZMfB78czXhca2Iesp_nrbsc6xFKomlH-1RB84nN8Wz_e7uQR5A_9mjBgTAfnwSj5uIrme-PhPwao0SsUCxv6O2Kri5GWxhOYdo6Rguuez0oR3CamIxDNkDp4UHZRJ1GDhBsNI=41657BE1', 'docs.yml')],
      negative: ['JIRA_API_TOKEN=ATATT3xFfGF04aTMRoa85jDMIkMkEsnbgBY2TmTZUeoHEADALJZw', 'JIRA_API_TOKEN=ATATT2Vs3FLD3QnfQWibr3jaTD_Rm1sb2Em0vP6LeLJmg1xUenRaPrz4x1sDj8JwIYbmonFSqPqCABLwJ4d3sn4TzpxpKT_OnOnSV8lmoH0EwpIwC962vic_2y-AMF3PdXZydvUTMR0Tm4UheR9vjCtK6vX5a5rQckaQ3c_54TqW82Z77xLfie1Xdu'],
    },
  },
  {
    // Linear personal API key: `lin_api_` + 40 alphanumerics.
    id: 'linear-api-key',
    title: 'Linear API key',
    provider: 'Linear',
    level: 'error',
    keywords: ['lin_api_'],
    pattern: token('lin_api_[0-9A-Za-z]{40}'),
    entropy: 3.8,
    redactPrefix: 'lin_api_',
    samples: {
      positive: [at('LINEAR_API_KEY=§', 'lin_api_tVtqRD7b31XgB85agFwY2LkbY8Qvvwzemhnao1fy'), at("new LinearClient({ apiKey: '§' })", 'lin_api_XIrFjvBLLr4zwrEPSqSS8QyAJkGdeFUNyMTFpLsm', 'issues.ts')],
      negative: ['LINEAR_API_KEY=lin_api_X4vdTXJjo8OLffMGwZHu', 'LINEAR_API_KEY=lin_api_KOFRJ3UsIz4n3V7CsIzzee4S1JGsEWnVHWUIVxVzPylA6gcZ'],
    },
  },
  {
    // Linear OAuth access token: `lin_oauth_` + 64 hex.
    id: 'linear-oauth-token',
    title: 'Linear OAuth access token',
    provider: 'Linear',
    level: 'error',
    keywords: ['lin_oauth_'],
    pattern: token('lin_oauth_[0-9a-f]{64}'),
    entropy: 3.2,
    redactPrefix: 'lin_oauth_',
    samples: {
      positive: [at('LINEAR_OAUTH_TOKEN=§', 'lin_oauth_6cccce2c3a7020eaa1088354a48539f473f1736fe4d86a2db8651b9c5b6ce4ab'), at('access_token: §', 'lin_oauth_a2756a5369653c5706d49ffed8da420484abf357c751b79131c6ee5f50ec7eaf', 'linear.yml')],
      negative: ['LINEAR_OAUTH_TOKEN=lin_oauth_14bd7e4ec2fde52868aba9c301bee360', 'LINEAR_OAUTH_TOKEN=lin_oauth_y1q2uQuehzYUhzLEjZORYkdkPsE8IqLgsf69tbp5K0uWLnFiwSTBuJWi5dtJwM47'],
    },
  },
  {
    // Notion integration token: `ntn_` + 11 digits + 35 base62 (2024+), or legacy `secret_` + 43 base62
    // (legacy only next to a Notion name: `secret_` alone is too common a word).
    id: 'notion-integration-token',
    title: 'Notion integration token',
    provider: 'Notion',
    level: 'error',
    keywords: ['ntn_', ...lower(NOTION_WORDS)],
    pattern: token('(?:ntn_[0-9]{11}[0-9A-Za-z]{35}|(?<=[Nn][Oo][Tt][Ii][Oo][Nn][^\\n]{0,40})secret_[0-9A-Za-z]{43})'),
    entropy: 3.8,
    redactPrefix: 'ntn_',
    samples: {
      positive: [at('NOTION_TOKEN=§', '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'), at("const notion = new Client({ auth: '§' });", 'secret_GnPgIGYFYYjDkY8c4tpEGwrIMPw1PyQ42mOTXeGi0YZ', 'sync.ts')],
      negative: ['NOTION_TOKEN=ntn_35307161186Aceu5srC4R', 'config.secret_rgvGkEZ6lBIXbSJXoNKji2nj52l2yZfgN5lJeU7rUnM = 1', 'NOTION_TOKEN=secret_S8RFbmsTR35hY0tKJ3bm'],
    },
  },
  {
    // Airtable personal access token: `pat` + 14 base62 + `.` + 64 hex.
    id: 'airtable-pat',
    title: 'Airtable personal access token',
    provider: 'Airtable',
    level: 'error',
    // `pat` alone would make every file with "path" a candidate; the provider name keeps the prefilter sharp.
    keywords: lower(AIRTABLE_WORDS),
    pattern: token('pat[0-9A-Za-z]{14}\\.[0-9a-f]{64}', 'A-Za-z0-9_\\-.'),
    entropy: 3.5,
    redactPrefix: 'pat',
    samples: {
      positive: [at('AIRTABLE_TOKEN=§', 'pat1Rv9vDExEilHrh.bd6ebb39f181d67cd1451ec2d461988e471de7e35db35853907157af2c8f1df7'), at("const base = new Airtable({ apiKey: '§' }).base(id);", 'patP27Y27wGbrx9Mk.8482472abe2fe677da57863dc4e51d093c56766582beec6e61c9c92063aef107', 'crm.ts')],
      negative: ['AIRTABLE_TOKEN=patALvgdpznY9yLz0.824336d061c308263535cbb71c0f93', 'AIRTABLE_TOKEN=patkS18YsXJ.10420204dfc64924b4bf444f8736923747d57ee676f9ca036449e4b62cc02f73'],
    },
  },
  {
    // Airtable API key (deprecated): `key` + 14 base62, next to an Airtable name.
    id: 'airtable-api-key',
    title: 'Airtable API key (legacy)',
    provider: 'Airtable',
    level: 'error',
    keywords: lower(AIRTABLE_WORDS),
    pattern: near(AIRTABLE_WORDS, 'key[0-9A-Za-z]{14}'),
    entropy: 3.5,
    samples: {
      positive: [at('AIRTABLE_API_KEY=§', 'keyExwx1txkXj2d0k'), at("airtable_api_key: '§'", 'keyFqTeM8vmiP0FkP', 'crm.yml')],
      negative: ['AIRTABLE_API_KEY=keyMl0zV1EL', 'AIRTABLE_BASE=apptY3kbcnUlg82lP'],
    },
  },
  {
    // The same token with no Asana name nearby: `1/<gid>:<32 hex>` (legacy) or `2/<gid>/<gid>:<32 hex>`,
    // Asana ids being 16 digits that start with 1 — distinctive enough on its own.
    id: 'asana-pat-bare',
    title: 'Asana personal access token',
    provider: 'Asana',
    level: 'error',
    keywords: ['1/1', '2/1'],
    pattern: token('(?:1/1[0-9]{15}|2/1[0-9]{15}/1[0-9]{15}):[0-9a-f]{32}', 'A-Za-z0-9_\\-/:', 'A-Za-z0-9_\\-'),
    entropy: 3,
    samples: {
      positive: [at('ACCESS_TOKEN=§', '2/1207483920156734/1208837465102938:9f2c4e6a8b0d1f3a5c7e9b2d4f6a8c0e'), at("headers: { Authorization: 'Bearer §' }", '1/1199384756102934:3e5a7c9f1b2d4e6a8c0f2b4d6e8a1c3f', 'client.ts')],
      negative: ['ratio = 1/1207483920156734', 'TOKEN=2/1207483920156734/1208837465102938:9f2c4e6a'],
    },
  },
  {
    // Asana personal access token: `<0|1|2>/<digits>(/<digits>)?:<32 hex>`, next to an Asana name.
    id: 'asana-pat',
    title: 'Asana personal access token',
    provider: 'Asana',
    level: 'error',
    keywords: lower(ASANA_WORDS),
    pattern: near(ASANA_WORDS, '[0-2]/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32}', { edge: 'A-Za-z0-9_\\-/' }),
    entropy: 3,
    samples: {
      positive: [at('ASANA_ACCESS_TOKEN=§', '2/9726530738140011/7463091396603707:3d8a4697c9e31551e3158b1f7882e669'), at("asana.Client.access_token('§')", '1/8941076513715077:09316aaaf300683c3957497df7576fba', 'tasks.py')],
      negative: ['ASANA_ACCESS_TOKEN=2/4164044878203144/3031443201275555', 'ASANA_WORKSPACE=6192517579460772'],
    },
  },
  {
    // Postman API key: `PMAK-` + 24 hex + `-` + 34 hex.
    id: 'postman-api-key',
    title: 'Postman API key',
    provider: 'Postman',
    level: 'error',
    keywords: ['pmak-'],
    pattern: token('PMAK-[0-9a-f]{24}-[0-9a-f]{34}'),
    entropy: 3.2,
    redactPrefix: 'PMAK-',
    samples: {
      positive: [at('POSTMAN_API_KEY=§', 'PMAK-09e39fb81e46dcb8e2d7cd92-c8f1900575bdf703f25593414f113cd766'), at('newman run https://api.getpostman.com/collections/1?apikey=§', 'PMAK-932044580ae065f5bcd0f841-75b026f8237e747b1d9f3345120152909f')],
      negative: ['POSTMAN_API_KEY=PMAK-b795440faf53eaa0bb56c40d', 'POSTMAN_API_KEY=PMAK-46c140420655cd650709376f-ce1c223ce4706a5e52ff'],
    },
  },
  {
    // HubSpot private app token: `pat-<region>-` + UUID.
    id: 'hubspot-private-app-token',
    title: 'HubSpot private app access token',
    provider: 'HubSpot',
    level: 'error',
    keywords: ['pat-na', 'pat-eu', 'pat-ap'],
    pattern: token(`pat-(?:na|eu|ap)[0-9]{1,2}-${UUID}`),
    entropy: 3,
    redactPrefix: 'pat-',
    samples: {
      positive: [at('HUBSPOT_ACCESS_TOKEN=§', 'pat-na1-c4221aa0-ebdf-804e-c0ea-f04d149ff737'), at("new hubspot.Client({ accessToken: '§' })", 'pat-eu1-e3432fbc-0422-8f14-5530-f59557a9c531', 'crm.ts')],
      negative: ['HUBSPOT_ACCESS_TOKEN=pat-na1-a07691fb', 'HUBSPOT_ACCESS_TOKEN=pat-xx1-406d9876-6e43-20b1-5490-506485df00ff'],
    },
  },
  {
    // Intercom access token: base64 of `tok:<uuid>:…`, so it starts `dG9rOj`.
    id: 'intercom-access-token',
    title: 'Intercom access token',
    provider: 'Intercom',
    level: 'error',
    // `tok:` then a UUID: base64 gives `dG9rOj` when the UUID starts with a digit, `dG9rOm` with a-f.
    keywords: ['dg9roj', 'dg9rom'],
    pattern: token('dG9rO[jm][0-9A-Za-z+/_\\-]{50,70}={0,2}', 'A-Za-z0-9_\\-+/', 'A-Za-z0-9_\\-+/='),
    entropy: 4,
    redactPrefix: 'dG9rOj',
    samples: {
      positive: [at('INTERCOM_ACCESS_TOKEN=§', 'dG9rOjlrJH2FrqQohmlPL6GzvS2tcAkuDm61+TEFUTTR337XaEAuMXScvv39='), at("new Client({ tokenAuth: { token: '§' } })", 'dG9rOjKKXBedNSAQ1hCkve8UMf1m5cmI2jZqzUtRTzpWW/VvRIHj4svGLYVn5IPFs+', 'support.ts')],
      negative: ['INTERCOM_ACCESS_TOKEN=dG9rOjhUS4nNhzx9V2bTYddtKL', 'INTERCOM_APP_ID=593rug5t'],
    },
  },
  {
    // Zendesk API token: 40 base62 next to a Zendesk name.
    id: 'zendesk-api-token',
    title: 'Zendesk API token',
    provider: 'Zendesk',
    level: 'error',
    keywords: lower(ZENDESK_WORDS),
    pattern: near(ZENDESK_WORDS, '[0-9A-Za-z]{40}'),
    entropy: 4,
    samples: {
      positive: [at('ZENDESK_API_TOKEN=§', 'DqhCZ7CznL4SK63lfEcYzTAWBF4ADaZlJzmrK8SK'), at("zendesk_token: '§'", 'U3QVQukh6agxxkf6UZJcBmfBrvJKDYKsjfYTzfHc', 'support.yml')],
      negative: ['ZENDESK_API_TOKEN=IuP0biduHbtS85Qih9bX', 'ZENDESK_SUBDOMAIN=acme'],
    },
  },
  {
    // Dropbox short-lived access token: `sl.` (or `sl.u.`) + 130+ base64url.
    id: 'dropbox-access-token',
    title: 'Dropbox access token',
    provider: 'Dropbox',
    level: 'error',
    keywords: ['sl.u.', 'sl.a', 'sl.b'],
    pattern: token('sl\\.(?:u\\.)?[0-9A-Za-z_\\-]{130,1500}', 'A-Za-z0-9_\\-.'),
    entropy: 4,
    redactPrefix: 'sl.',
    samples: {
      positive: [at('DROPBOX_ACCESS_TOKEN=§', 'sl.BfkwUUNfXgnwMAB1SrSQrqlXMLNLQBxmTK0x6uXIJTzQUCgy1PXQ1bb05IX04qLpdurTQUmAKNC-VOnWQXYOIAMSmP8-0ZGsTsKG3qw0rxc4Y4eyC8nh2CTFFrzVso1dN1m1_eZH'), at("dbx = dropbox.Dropbox('§')", 'sl.u.AF8RsKVmSzSjYUanigVmmFLEiMAPjWUaXgVvX9dBgu68OSoVd-6tGV-BaBpGQMB7BTlqnFIMtOfbWRbXaOHTO1AODm5M3nj_y-iP4lF5k3amjLaJqS9wjvLI-6FvjmlkY4nSD9zK5E-VNtAmmLZQkwVPEp2LcvQYk7Glmxwu8bpdoZU7tri-UAUvRI4aR3LkjMkUZUtWG0', 'backup.py')],
      negative: ['DROPBOX_ACCESS_TOKEN=sl.wUgE1Tn8NH2NjEsutFJmP7uc-caWMnB27MLr1rsY', 'import sl.6WIQTv7V8kjff5QFkQZGpoS3QRrPCpSrFAsKeKoR_B_f5qdhbu-QPToQkHMqi-2RrJ-Hw5qfCz-_SW82YV1pg1naRnjZ_f5CeR7v4oa_XB90tMBYMNqY9SutLQoJBYqmpCYD244.x'],
    },
  },
  {
    // Dropbox long-lived token: 11 base62 + `AAAAAAAAAA` + 43 base64url (`=` allowed), next to a Dropbox name.
    id: 'dropbox-long-lived-token',
    title: 'Dropbox long-lived access token',
    provider: 'Dropbox',
    level: 'error',
    keywords: lower(DROPBOX_WORDS),
    pattern: near(DROPBOX_WORDS, '[0-9A-Za-z]{11}AAAAAAAAAA[0-9A-Za-z_\\-=]{43}', { tail: 'A-Za-z0-9_\\-=' }),
    entropy: 3.5,
    samples: {
      positive: [at('DROPBOX_TOKEN=§', 'bDPeGZH9s4aAAAAAAAAAAvkK7qtO6tra4753hKB74KJJvIEgjSr8iMhIWkLhU9kc'), at("dropbox_token: '§'", 'XRjMSkw9B7mAAAAAAAAAAw6x0p7tGKIQI3OAMq7Y_rHrGVvfBGOzLgbGPayCaIbD', 'sync.yml')],
      negative: ['DROPBOX_TOKEN=kdw8lX0nezhAAAAAAAAAAvFuvtWTTDSkngS-ej7Vi', 'DROPBOX_APP_KEY=qw0n7wih9ne9hgb'],
    },
  },
  {
    // Box client secret or developer token: 32 alphanumerics next to a Box credential name.
    id: 'box-client-secret',
    title: 'Box client secret or developer token',
    provider: 'Box',
    level: 'error',
    keywords: lower(BOX_WORDS),
    pattern: near(BOX_WORDS, '[0-9A-Za-z]{32}'),
    entropy: 4,
    samples: {
      positive: [at('BOX_CLIENT_SECRET=§', 'Ak4uu4EW6KL1UIq9BlTohwkhGgLSvKwP'), at("box_developer_token: '§'", 'SAepZO9FkeInKuGQb9F5XeEqFSKdNYkY', 'box.yml')],
      negative: ['BOX_CLIENT_SECRET=m96rRreUa8fogEwILGUK', 'BOX_CLIENT_ID=scgk8g1x1s'],
    },
  },
  {
    // Figma personal access token: `figd_` + 40 base64url.
    id: 'figma-pat',
    title: 'Figma personal access token',
    provider: 'Figma',
    level: 'error',
    keywords: ['figd_'],
    pattern: token('figd_[0-9A-Za-z_\\-]{40}'),
    entropy: 3.8,
    redactPrefix: 'figd_',
    samples: {
      positive: [at('FIGMA_TOKEN=§', 'figd_fbP7XLGq1AYD8mf4FUX0omXAvvqCVAUPf7aU_zuG'), at("headers: { 'X-Figma-Token': '§' }", 'figd_U5CbmOyg41dgLe8zuFaQ4Wri78_s5gcfzx7hbyOO', 'tokens.ts')],
      negative: ['FIGMA_TOKEN=figd_H_3-Om_RoC06dZ-FXEfD', 'FIGMA_TOKEN=figd_552_LEObymhYDhvz-0qK4vy3zW51T7oUBPBB4St4ZW49L6jVZ1'],
    },
  },
  {
    // Typeform personal access token: `tfp_` + 59 base64url-ish characters.
    id: 'typeform-pat',
    title: 'Typeform personal access token',
    provider: 'Typeform',
    level: 'error',
    keywords: ['tfp_'],
    pattern: token('tfp_[0-9A-Za-z_\\-.=]{59}', WORD, 'A-Za-z0-9_\\-.='),
    entropy: 3.8,
    redactPrefix: 'tfp_',
    samples: {
      positive: [at('TYPEFORM_TOKEN=§', 'tfp_MPLXYOtisbdPEctLDup_jHJcsqhy4GGmjfu628d-7YD8_Kt4SRscrzpAgN3'), at('typeform_token: §', 'tfp_nReqsyrXaDQuJogXknbP1nPcDD3O7sg56eD_ZeXKmAfEnSgzc_Saf1SbiJD', 'forms.yml')],
      negative: ['TYPEFORM_TOKEN=tfp_yyhOjSeHAe_cZ0tbbBVjoVGoA3CcOc', 'TYPEFORM_TOKEN=tfp_SPDXDl_6F5lgxASmwBtZzrRbSx90N_ZdcT-rQZ4nkahkuOHt25oizgN0teK4EcRCqMJ7hi'],
    },
  },
  {
    // ClickUp personal token: `pk_` + 6–10 digits + `_` + 32 upper alphanumerics.
    id: 'clickup-pat',
    title: 'ClickUp personal API token',
    provider: 'ClickUp',
    level: 'error',
    keywords: ['pk_'],
    pattern: token('pk_[0-9]{6,10}_[0-9A-Z]{32}'),
    entropy: 3.5,
    redactPrefix: 'pk_',
    samples: {
      positive: [at('CLICKUP_API_TOKEN=§', 'pk_47062600_PFC8ENQ27UYHHXK9DCFMS6W2SR9NMUA3'), at("headers: { Authorization: '§' }", 'pk_766578929_7H69JW7CYAAG3TMM85NMESADRTS0YYK8', 'clickup.ts')],
      negative: ['STRIPE_PUBLISHABLE_KEY=pk_live_8rNnaw1rEgUQqrXN6DPfocw3', 'CLICKUP_API_TOKEN=pk_15405545_610ATO4WBVQVH5BXZVXX'],
    },
  },
  {
    // Trello API token: 64 hex (or `ATTA` + 64 hex + 8 hex), next to a Trello name.
    id: 'trello-api-token',
    title: 'Trello API token',
    provider: 'Trello',
    level: 'error',
    keywords: lower(TRELLO_WORDS),
    pattern: near(TRELLO_WORDS, '(?:ATTA[0-9a-f]{64}[0-9A-F]{8}|[0-9a-f]{64})'),
    entropy: 3.2,
    samples: {
      positive: [at('TRELLO_TOKEN=§', '5067566aba900a5af2b66885512f22a549f90df7a33c26559743ce80e2201fe0'), at("trello_token: '§'", 'ATTA1a372a4e22e30aee9b986976fcd6910df305e6645c1c15a4447a81460af4dcea8C12BB67', 'board.yml')],
      negative: ['TRELLO_TOKEN=39d714077a3e7c9c5eae2bda59331cb6', 'TRELLO_BOARD_ID=P4SpFtwL'],
    },
  },
  {
    // Zapier catch hook URL: the URL is the credential.
    id: 'zapier-webhook',
    title: 'Zapier webhook URL',
    provider: 'Zapier',
    level: 'warning',
    keywords: ['hooks.zapier.com/hooks/catch/'],
    pattern: token('https://hooks\\.zapier\\.com/hooks/catch/[0-9]{5,12}/[0-9a-z]{6,12}/?', 'A-Za-z0-9_\\-/'),
    entropy: 3.5,
    redactPrefix: 'https://hooks.zapier.com/hooks/catch/',
    samples: {
      positive: [at('ZAPIER_HOOK=§', 'https://hooks.zapier.com/hooks/catch/12832149/zsy5vy6/'), at("fetch('§', { method: 'POST' })", 'https://hooks.zapier.com/hooks/catch/3339534/vl9svb/', 'lead.ts')],
      negative: ['ZAPIER_HOOK=https://hooks.zapier.com/hooks/catch/', 'ZAPIER_HOOK=https://hooks.zapier.com/hooks/catch/44255795/'],
    },
  },
];
