import type { Detector } from '../detector.js';
import { at, lower, near, token, UUID } from './shapes.js';

const TWILIO_WORDS = ['twilio'];
const MAILGUN_WORDS = ['mailgun'];
const MANDRILL_WORDS = ['mandrill'];
const POSTMARK_WORDS = ['postmark'];
const MAILJET_WORDS = ['mailjet', 'mj_apikey_private', 'mj_api_secret'];
const MESSAGEBIRD_WORDS = ['messagebird'];
const SPARKPOST_WORDS = ['sparkpost'];
const VONAGE_WORDS = ['vonage', 'nexmo'];
const PLIVO_WORDS = ['plivo'];

/** Messaging and e-mail: Twilio, SendGrid, Mailgun, Mailchimp, Postmark, Mailjet, Brevo, Resend… */
export const messagingDetectors: Detector[] = [
  {
    // Account SID: `AC` + 32 hex. Not secret alone, but it names the account its auth token
    // unlocks, so it is reported (warning) and paired with a nearby auth token (one error finding).
    id: 'twilio-account-sid',
    title: 'Twilio account SID',
    provider: 'Twilio',
    level: 'warning',
    keywords: lower(TWILIO_WORDS),
    pattern: near(TWILIO_WORDS, 'AC[0-9a-f]{32}', { gap: 60 }),
    entropy: 3.2,
    redactPrefix: 'AC',
    pair: { with: 'twilio-auth-token', id: 'twilio-credentials-pair', title: 'Twilio account SID + auth token' },
    samples: {
      positive: [at('TWILIO_ACCOUNT_SID=§', 'ACc5c2b1fccbfd3648f6d8a2924842e99c'), at("const client = twilio('§', authToken);", 'AC03d493fa696d7dea4e7e470c15b88a6c', 'sms.js')],
      negative: ['TWILIO_ACCOUNT_SID=ACfcb36bc3058136cc3db5', 'TWILIO_ACCOUNT_SID=AC8ce4500f86ffb848ad1b4c8d919f8a0607'],
    },
  },
  {
    // Auth token: 32 lower-case hex, no prefix; only next to a Twilio name.
    id: 'twilio-auth-token',
    title: 'Twilio auth token',
    provider: 'Twilio',
    level: 'error',
    keywords: lower(TWILIO_WORDS),
    pattern: near(TWILIO_WORDS, '[0-9a-f]{32}', { gap: 30 }),
    entropy: 3.2,
    samples: {
      positive: [at('TWILIO_AUTH_TOKEN=§', '871975038ef21bc8da10da3c3eeadebf'), at("twilio_auth_token: '§'", '95a78e9ca745f3fe5b549ed31dbbfd49', 'config/sms.yml')],
      negative: ['TWILIO_AUTH_TOKEN=d3a60528dae0b4cf40c8', 'TWILIO_PHONE_NUMBER=+15005550006'],
    },
  },
  {
    // API key secret: its SID is `SK` + 32 hex; the secret is 32 base62 next to a Twilio name.
    id: 'twilio-api-key',
    title: 'Twilio API key SID',
    provider: 'Twilio',
    level: 'warning',
    keywords: lower(TWILIO_WORDS),
    pattern: near(TWILIO_WORDS, 'SK[0-9a-f]{32}', { gap: 60 }),
    entropy: 3.2,
    redactPrefix: 'SK',
    samples: {
      positive: [at('TWILIO_API_KEY=§', 'SK4c2e4a090dd7f90fc677421bbc577969'), at("twilio_api_key_sid: '§'", 'SKa70f018e8ec81a6bbfe774fdaada7f7d', 'voice.yml')],
      negative: ['TWILIO_API_KEY=SKd9ab244e57c13512', 'TWILIO_API_KEY=SKeexavsBRw4xRjCtg9BJLRLh18z5g6lix'],
    },
  },
  {
    // SendGrid API key: `SG.` + 22 base64url (key id) + `.` + 43 base64url (secret).
    id: 'sendgrid-api-key',
    title: 'SendGrid API key',
    provider: 'SendGrid',
    level: 'error',
    keywords: ['sg.'],
    pattern: token('SG\\.[0-9A-Za-z_\\-]{22}\\.[0-9A-Za-z_\\-]{43}', 'A-Za-z0-9_\\-.'),
    entropy: 4,
    redactPrefix: 'SG.',
    samples: {
      positive: [at('SENDGRID_API_KEY=§', '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'), at("sgMail.setApiKey('§');", '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', 'mail.js')],
      negative: ['SENDGRID_API_KEY=SG.iYUoo4NRwSg3_kGPOkKTnU.URrs_Ys3qscaUgcYaL1k', 'import 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.x'],
    },
  },
  {
    // Mailgun private API key: legacy `key-` + 32 hex, or the current 32 hex + `-` + 8 hex + `-` + 8 hex.
    id: 'mailgun-api-key',
    title: 'Mailgun API key',
    provider: 'Mailgun',
    level: 'error',
    keywords: lower(MAILGUN_WORDS),
    pattern: near(MAILGUN_WORDS, '(?:key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})', { gap: 60 }),
    entropy: 3.2,
    samples: {
      positive: [at('MAILGUN_API_KEY=§', 'key-b8dd9e1357ef1bb619ec1daae837542c'), at("mailgun_api_key: '§'", '609ed875ef583cd5d613b520b7ff63df-5fb061a9-7ab3f42c', 'mail.yml')],
      negative: ['MAILGUN_API_KEY=key-ebc41600fbe9b0c1ac5a', 'MAILGUN_DOMAIN=mg.acme.io'],
    },
  },
  {
    // Mailchimp Marketing API key: 32 hex + `-us` + datacenter number.
    id: 'mailchimp-api-key',
    title: 'Mailchimp API key',
    provider: 'Mailchimp',
    level: 'error',
    keywords: ['-us'],
    pattern: token('[0-9a-f]{32}-us[0-9]{1,2}'),
    entropy: 3.2,
    samples: {
      positive: [at('MAILCHIMP_API_KEY=§', 'fa6ca47c9eecd5627e423084bcd3a043-us6'), at("mailchimp.setConfig({ apiKey: '§', server: 'us21' });", '4d7f51e29c4474bb4f20b8fec7c23a29-us21', 'news.js')],
      negative: ['MAILCHIMP_API_KEY=8e67233037bacfc47f71-us6', 'MAILCHIMP_API_KEY=c27347b23658091468a0f148d3e816fb-eu6'],
    },
  },
  {
    // Mailchimp Transactional (Mandrill) API key: 22 base64url next to a Mandrill name.
    id: 'mandrill-api-key',
    title: 'Mailchimp Transactional (Mandrill) API key',
    provider: 'Mailchimp',
    level: 'error',
    keywords: lower(MANDRILL_WORDS),
    pattern: near(MANDRILL_WORDS, '(?:md-)?[0-9A-Za-z_\\-]{22}'),
    entropy: 3.8,
    samples: {
      positive: [at('MANDRILL_API_KEY=§', 'md-Hoh_Y_6cVML3npr22QdOtY'), at("mandrill.Mandrill('§')", '4Cm5mK6ko4Th9XPaOPz9u3', 'mail.py')],
      negative: ['MANDRILL_API_KEY=md-2mk2suF_gg', 'MANDRILL_API_KEY=xMZY8wmbAmVBcJgSab7rRWCelYMOaj'],
    },
  },
  {
    // Postmark server / account token: a UUID next to a Postmark name.
    id: 'postmark-server-token',
    title: 'Postmark server token',
    provider: 'Postmark',
    level: 'error',
    keywords: lower(POSTMARK_WORDS),
    pattern: near(POSTMARK_WORDS, UUID),
    samples: {
      positive: [at('POSTMARK_SERVER_TOKEN=§', '47d018f1-cdc0-93b7-1617-ee48b9400f8b'), at("new postmark.ServerClient('§')", 'c5232b55-fe7d-cf4a-a2e9-787aa8b60119', 'mail.js')],
      negative: ['POSTMARK_SERVER_TOKEN=bcca6227-5205-73f5', 'POSTMARK_SERVER_TOKEN=POSTMARK_API_TEST'],
    },
  },
  {
    // Mailjet API secret key: 32 hex next to a Mailjet name.
    id: 'mailjet-api-secret',
    title: 'Mailjet API secret key',
    provider: 'Mailjet',
    level: 'error',
    keywords: lower(MAILJET_WORDS),
    pattern: near(MAILJET_WORDS, '[0-9a-f]{32}'),
    entropy: 3.2,
    samples: {
      positive: [at('MJ_APIKEY_PRIVATE=§', 'b4f9e3842c8d94bffa092d1ad0b0c3a1'), at("mailjet_secret = '§'", '5c37478dd274a080401666d75fdec7a6', 'mail.py')],
      negative: ['MJ_APIKEY_PRIVATE=9fa7ced2a153f3b6', 'MAILJET_SENDER=noreply@acme.io'],
    },
  },
  {
    // Brevo (Sendinblue) API key: `xkeysib-` + 64 hex + `-` + 16 base62.
    id: 'brevo-api-key',
    title: 'Brevo (Sendinblue) API key',
    provider: 'Brevo',
    level: 'error',
    keywords: ['xkeysib-'],
    pattern: token('xkeysib-[0-9a-f]{64}-[0-9A-Za-z]{16}'),
    entropy: 3.5,
    redactPrefix: 'xkeysib-',
    samples: {
      positive: [at('BREVO_API_KEY=§', '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'), at("apiKey.apiKey = '§';", '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', 'mail.js')],
      negative: ['BREVO_API_KEY=xkeysib-8ad915c60bd58ce3e691e336ac1df94bb4c2ecf3a2833657cee25e5364683cc9', 'BREVO_API_KEY=xkeysib-2c1e4d411922e648e6b7e063ef78afe091b3a8d9-5E9yD2covIakEUaV'],
    },
  },
  {
    // Brevo SMTP key: `xsmtpsib-` + 64 hex + `-` + 16 base62.
    id: 'brevo-smtp-key',
    title: 'Brevo (Sendinblue) SMTP key',
    provider: 'Brevo',
    level: 'error',
    keywords: ['xsmtpsib-'],
    pattern: token('xsmtpsib-[0-9a-f]{64}-[0-9A-Za-z]{16}'),
    entropy: 3.5,
    redactPrefix: 'xsmtpsib-',
    samples: {
      positive: [at('SMTP_PASSWORD=§', 'xsmtpsib-0aa960a9df2139f055b3521b83255121a573c0cd1640baa2a86e013e22a4cf74-3LclCqhmVAsNnF3k'), at('  password: §', 'xsmtpsib-e1cdf644bee01f772e3a2649acf5f31f752f02af69262542039b7af0c872952c-ZWwUwRLbo7nADE7m', 'mailer.yml')],
      negative: ['SMTP_PASSWORD=xsmtpsib-234fbc7e5456934fbc60269a9d5388-7HRc9N6MfcckqQP8', 'SMTP_PASSWORD=xsmtpsib-52c5cb9507adda0e71126b5591158e5ce365265bd70d903e23a515eba1f12f58-440v'],
    },
  },
  {
    // Resend API key: `re_` + 8 base62 + `_` + 24 base62.
    id: 'resend-api-key',
    title: 'Resend API key',
    provider: 'Resend',
    level: 'error',
    keywords: ['re_'],
    pattern: token('re_[0-9A-Za-z]{8}_[0-9A-Za-z]{24}'),
    entropy: 3.8,
    redactPrefix: 're_',
    samples: {
      positive: [at('RESEND_API_KEY=§', 're_5kqRrPs4_hWdFKQ5804DwYoVuHNdWkWRj'), at("const resend = new Resend('§');", 're_N9mh5KmS_sSL0l8b4FCDBh3RbXXlsWQ6r', 'email.ts')],
      negative: ['RESEND_API_KEY=re_RXbZoBRv_UWmBtGsIjm', 'pattern = re_compile_pattern_for_matching_names_ok', 'RESEND_API_KEY=re_gg8ORb2gjlJgBxpOrYce4zZNNEyzT3nn'],
    },
  },
  {
    // MessageBird / Bird access key: 25 base62 next to a MessageBird name.
    id: 'messagebird-api-key',
    title: 'MessageBird access key',
    provider: 'MessageBird',
    level: 'error',
    keywords: lower(MESSAGEBIRD_WORDS),
    pattern: near(MESSAGEBIRD_WORDS, '[0-9A-Za-z]{25}'),
    entropy: 3.8,
    samples: {
      positive: [at('MESSAGEBIRD_ACCESS_KEY=§', 'o7SSQxWj5ZyjX9BnC0umaDhmz'), at("messagebird.initClient('§')", 'Gd64OmlvPJdwhziGJHR4dqcqy', 'sms.js')],
      negative: ['MESSAGEBIRD_ACCESS_KEY=rAIVSfnoRRVA', 'MESSAGEBIRD_ORIGINATOR=AcmeShop'],
    },
  },
  {
    // SparkPost API key: 40 hex next to a SparkPost name.
    id: 'sparkpost-api-key',
    title: 'SparkPost API key',
    provider: 'SparkPost',
    level: 'error',
    keywords: lower(SPARKPOST_WORDS),
    pattern: near(SPARKPOST_WORDS, '[0-9a-f]{40}'),
    entropy: 3.2,
    samples: {
      positive: [at('SPARKPOST_API_KEY=§', '2ed82a96879e517b1509cb8158ddc3537e243e95'), at("new SparkPost('§')", 'cde04d7abe18d3b493e0a6beeaf95980e97d94fe', 'mail.js')],
      negative: ['SPARKPOST_API_KEY=e56f7d4431869254c29ed9aa1d4d9881', 'SPARKPOST_HOST=api.eu.sparkpost.com'],
    },
  },
  {
    // Vonage (Nexmo) API secret: 16 base62 next to a Vonage/Nexmo name.
    id: 'vonage-api-secret',
    title: 'Vonage (Nexmo) API secret',
    provider: 'Vonage',
    level: 'error',
    keywords: lower(VONAGE_WORDS),
    pattern: near(VONAGE_WORDS, '[0-9A-Za-z]{16}', { gap: 25 }),
    entropy: 3.5,
    samples: {
      positive: [at('VONAGE_API_SECRET=§', 'qDiha94rQpG7JJtB'), at("nexmo_api_secret: '§'", '812ZHB1JXbGPJgCp', 'sms.yml')],
      negative: ['VONAGE_API_SECRET=Xi2zBKOZBu', 'VONAGE_API_SECRET=suOiSYkJn18W4GfMNU1vrDqW'],
    },
  },
  {
    // Plivo auth token: 40 base62 next to a Plivo name.
    id: 'plivo-auth-token',
    title: 'Plivo auth token',
    provider: 'Plivo',
    level: 'error',
    keywords: lower(PLIVO_WORDS),
    pattern: near(PLIVO_WORDS, '[0-9A-Za-z]{40}'),
    entropy: 4,
    samples: {
      positive: [at('PLIVO_AUTH_TOKEN=§', '4OvgjBwx3UGCNpEG3YW6b0E8p1mzKqFnf7b1oPJj'), at("plivo.RestClient(auth_id, '§')", 'Oi1ZEJV9tDWhY2Y4yvYKQ9YCwfyrb28P902UNQHh', 'voice.py')],
      negative: ['PLIVO_AUTH_TOKEN=AWWlQNEvc3ZKUJuwoYh0', 'PLIVO_AUTH_ID=MA5M6VBEA3HA0UAJKM22'],
    },
  },
];
