import type { Detector } from '../detector.js';
import { at, lower, near, token } from './shapes.js';

const DISCORD_WORDS = ['discord'];

/** The first part of a Discord token is a user id (17–20 digits) in base64url. */
function isSnowflakeToken(secret: string): boolean {
  const id = Buffer.from(secret.slice(0, secret.indexOf('.')), 'base64url').toString('latin1');
  return /^[1-9][0-9]{16,19}$/.test(id);
}

/** Chat: Slack, Discord, Telegram, Microsoft Teams, Mattermost, Zulip. */
export const chatDetectors: Detector[] = [
  {
    // Slack bot token: `xoxb-` + team id digits + `-` + bot id digits + `-` + 24 base62.
    id: 'slack-bot-token',
    title: 'Slack bot token',
    provider: 'Slack',
    level: 'error',
    keywords: ['xoxb-'],
    pattern: token('xoxb-[0-9]{10,13}-[0-9]{10,13}-[0-9A-Za-z]{24}'),
    entropy: 3.5,
    redactPrefix: 'xoxb-',
    samples: {
      positive: [
        at('SLACK_BOT_TOKEN=§', 'xoxb-883187598138-9065190262276-jd4T2d2eAYtyYnAgk4QhVwbO'),
        at("const slack = new WebClient('§');", 'xoxb-62543336502-198089101816-jif8vXlhtZVdYDhB7tUiP7eI', 'src/notify.ts'),
      ],
      negative: ['SLACK_BOT_TOKEN=xoxb-106242464231-8930170294176-yMBaSeAgdL', 'SLACK_BOT_TOKEN=xoxb-not-a-real-token', 'SLACK_BOT_TOKEN=xoxb-{{ .Values.slackToken }}'],
    },
  },
  {
    // Slack user token: `xoxp-` + three digit groups + 32 hex.
    id: 'slack-user-token',
    title: 'Slack user token',
    provider: 'Slack',
    level: 'error',
    keywords: ['xoxp-'],
    pattern: token('xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[0-9a-f]{32}'),
    entropy: 3.5,
    redactPrefix: 'xoxp-',
    samples: {
      positive: [
        at('SLACK_USER_TOKEN=§', 'xoxp-606723085057-385388753338-9768122179438-27fd4b6f0321f30ae54755611a15dfeb'),
        at('  "token": "§"', 'xoxp-86463330593-936840407922-706951044156-2fb533e7dc0b1051e488a4dca0f65a03', 'slack.json'),
      ],
      negative: ['SLACK_USER_TOKEN=xoxp-386555854583-462341164250-d3016109e7f391b9fc347d5ec1ee49ba', 'SLACK_USER_TOKEN=xoxp-110810099676-447194503087-1196543520948-c9d0b81fb5d85e27cd31'],
    },
  },
  {
    // Legacy workspace app token: `xoxa-` (optionally `xoxa-2-`) + digit groups + secret.
    id: 'slack-workspace-access-token',
    title: 'Slack workspace access token',
    provider: 'Slack',
    level: 'error',
    keywords: ['xoxa-'],
    pattern: token('xoxa-(?:2-)?[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[0-9a-f]{32,64}'),
    entropy: 3.5,
    redactPrefix: 'xoxa-',
    samples: {
      positive: [at('SLACK_TOKEN=§', 'xoxa-2-194314491099-722055111171-590908754304-2ae00ca3869677b93b1477f77622d0440111f6c57a60d8c0cf12d0f739c5972c'), at('token: §', 'xoxa-15021943597-776651293697-127362347126-893af3e99afe316f32a623a3f79e1c0f', 'slack.yml')],
      negative: ['SLACK_TOKEN=xoxa-006924894034-ab43278cfa6d9987c1b9d85d41f388bd2c49feae9c2013407097e6cfd29679fd', 'SLACK_TOKEN=xoxa-2-339322418944'],
    },
  },
  {
    // Refresh token for rotating Slack tokens: `xoxr-` + digit groups + secret.
    id: 'slack-refresh-token',
    title: 'Slack refresh token',
    provider: 'Slack',
    level: 'error',
    keywords: ['xoxr-'],
    pattern: token('xoxr-(?:[0-9]{1,2}-)?[0-9]{10,13}-[0-9A-Za-z\\-]{20,200}'),
    entropy: 3.5,
    redactPrefix: 'xoxr-',
    samples: {
      positive: [at('SLACK_REFRESH_TOKEN=§', 'xoxr-1-374051813488-qvpvbTGIhT1JvOJXwrYuWg9xJYBCmATAFCmUr8VrrGqmoBiqV5nqeS4ovX9f'), at('refresh_token: "§"', 'xoxr-133581750218-OWayHnx95Hr65bPgOs0tumdFlppkDgpitGXN9JQnQxlnehjT', 'slack.yml')],
      negative: ['SLACK_REFRESH_TOKEN=xoxr-819725365157-YFFCASPu', 'SLACK_REFRESH_TOKEN=xoxr-'],
    },
  },
  {
    // App configuration tokens: access `xoxe.xoxp-1-…` / `xoxe.xoxb-1-…` and refresh `xoxe-1-…`.
    id: 'slack-config-token',
    title: 'Slack app configuration token',
    provider: 'Slack',
    level: 'error',
    keywords: ['xoxe'],
    pattern: token('xoxe(?:\\.xox[bp])?-1-[0-9A-Za-z]{100,300}'),
    entropy: 4,
    redactPrefix: 'xoxe',
    samples: {
      positive: [at('SLACK_CONFIG_TOKEN=§', 'xoxe.xoxp-1-jPStUkWYLP2Vfjon0wl8cNGli8CzA1qWKGMfdsqLBkUU7GC3U6V8BH7udYU6iLb9q2aiQ7S6pL95DuKAsR9pUbaxJkW3jczF5UqpJJ0QkYWSk8HM2z0dZeLAvxh9fZln8swqgIrEJGpvFG61ixioqXUVNWrEpVJR'), at('SLACK_CONFIG_REFRESH_TOKEN=§', 'xoxe-1-gOBAPbPkN5G6D2bsiknOn21RVnxS5QdyPMWnrfOw6mzSt4k4H3FqqEXwilpOLa7GRvc6I3znK5zSVzGEgqqvC6HzatXJ51VnlPq58gEmiH2P6B7ktNBogjtIH69pDBkMLcWa9zKOLymZTaDiAa')],
      negative: ['SLACK_CONFIG_TOKEN=xoxe.xoxp-1-X1PoZYy4y5FN7VqayGKXC6bffS6LHkNHBFyclYnp', 'SLACK_CONFIG_TOKEN=xoxe.xoxz-1-sHgKm10P84P1d6P430GYX0SmqcJODA62cQrHjI3isjPMd6cHe6wHwYGgwGYLGhw1xPKn5aInmKBFYL6Hv3yLRaI0zx0G169g78d6gEeJKPGOK7k5KEjUiw1VSOIfuxxb7Wirv5arI3hzJfkvYmxC9WYrr6pe8NV2'],
    },
  },
  {
    // Legacy user session token `xoxs-`; still accepted by some APIs.
    id: 'slack-legacy-token',
    title: 'Slack legacy token',
    provider: 'Slack',
    level: 'error',
    keywords: ['xoxs-', 'xoxo-'],
    pattern: token('xox[so]-[0-9]{9,13}-[0-9]{9,13}-[0-9]{9,13}-[0-9a-f]{32,64}'),
    entropy: 3.5,
    redactPrefix: 'xoxs-',
    samples: {
      positive: [at('SLACK_LEGACY_TOKEN=§', 'xoxs-1326205137-16484331087-704617753523-c7d8a2b844a953575593c894958d96354c1ed2d605999c3774b98c128c1056b4'), at("token = '§'", 'xoxo-3987576096-94272576771-105118275741-bdfe71a52ced4362af43ffdae4fb0818', 'bot.py')],
      negative: ['SLACK_LEGACY_TOKEN=xoxs-1223342072-c2f60c448a4d5dd6d668dcb1ab83c668a9af102fe08a96495be3e76a96f765ed', 'SLACK_LEGACY_TOKEN=xoxs-6081080901-40328622586-452635646208-9ff7310b5a'],
    },
  },
  {
    // App-level (Socket Mode) token: `xapp-1-A…-<digits>-<64 hex>`.
    id: 'slack-app-token',
    title: 'Slack app-level token',
    provider: 'Slack',
    level: 'error',
    keywords: ['xapp-'],
    pattern: token('xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[0-9a-f]{64}'),
    entropy: 3.5,
    redactPrefix: 'xapp-',
    samples: {
      positive: [at('SLACK_APP_TOKEN=§', 'xapp-1-AUPW1UJYLSJ-0797305288043-36285e548f9d03a6814f24cf946cf545f54f7af7d5adbb58c5b0cb74cab60019'), at('  appToken: "§",', 'xapp-1-AUB2T9SOUB-816405460267-0dc7d3ef3932243e27736f735fee731e0a3855662dfa40031622c9243e4bb785', 'src/app.ts')],
      negative: ['SLACK_APP_TOKEN=xapp-1-ASPLT5X3DNO-8477316616438-17514d09a3ed311756fdf8fe3126fd', 'SLACK_APP_TOKEN=xapp-1-ah1fqymtx7x-5446331470854-d62ead08a72032ff5b7f6b78086591af6401dbf6c497b1e7646662b74f6d7b48'],
    },
  },
  {
    // Incoming webhook: the URL itself is the credential (team, bot and a 24-char secret).
    id: 'slack-webhook',
    title: 'Slack incoming webhook URL',
    provider: 'Slack',
    level: 'error',
    keywords: ['hooks.slack.com/services/'],
    pattern: token('https://hooks\\.slack\\.com/services/T[0-9A-Z]{8,12}/B[0-9A-Z]{8,12}/[0-9A-Za-z]{24}', 'A-Za-z0-9_\\-/'),
    entropy: 4,
    redactPrefix: 'https://hooks.slack.com/services/',
    samples: {
      positive: [
        at('SLACK_WEBHOOK_URL=§', 'https://hooks.slack.com/services/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'),
        at('  slack_api_url: "§"', 'https://hooks.slack.com/services/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', 'alertmanager.yml'),
      ],
      negative: [
        'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
        'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/TWPEC295A1W/BYBLJXCP3QI/c2taQ1LK2TC9',
      ],
    },
  },
  {
    // Workflow Builder webhook trigger: `hooks.slack.com/triggers/` or `/workflows/` + ids + secret.
    id: 'slack-workflow-webhook',
    title: 'Slack workflow webhook URL',
    provider: 'Slack',
    level: 'error',
    keywords: ['hooks.slack.com/triggers/', 'hooks.slack.com/workflows/'],
    // Workflow webhooks also carry the app id and a 24-char base62 secret: `/workflows/T…/A…/<digits>/<24>`.
    pattern: token('https://hooks\\.slack\\.com/(?:(?:triggers|workflows)/T[0-9A-Z]{8,12}/[0-9]{8,20}/[0-9a-f]{32}|workflows/T[0-9A-Z]{8,12}/A[0-9A-Z]{8,12}/[0-9]{8,20}/[0-9A-Za-z]{24})', 'A-Za-z0-9_\\-/'),
    entropy: 3.5,
    redactPrefix: 'https://hooks.slack.com/',
    samples: {
      positive: [
        at('SLACK_TRIGGER_URL=§', 'https://hooks.slack.com/triggers/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'),
        at('webhook: §', 'https://hooks.slack.com/workflows/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', 'notify.yml'),
      ],
      negative: ['SLACK_TRIGGER_URL=https://hooks.slack.com/triggers/TS7EHVB95F2/6226254827127/', 'https://hooks.slack.com/triggers/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'],
    },
  },
  {
    // Discord bot token: base64 user id (starts M/N/O) + `.` + 6-char timestamp + `.` + 27–38 HMAC chars.
    // The first part has no fixed prefix, so a Discord name must sit before it.
    id: 'discord-bot-token',
    title: 'Discord bot token',
    provider: 'Discord',
    level: 'error',
    keywords: lower(DISCORD_WORDS),
    pattern: near(DISCORD_WORDS, '[MNO][0-9A-Za-z_\\-]{23,27}\\.[0-9A-Za-z_\\-]{6}\\.[0-9A-Za-z_\\-]{27,38}', { gap: 60, edge: 'A-Za-z0-9_\\-.' }),
    entropy: 4,
    samples: {
      positive: [
        at('DISCORD_TOKEN=§', 'MT0vqJUtvJvtki97odMKl4ylVD.G-HE-5.GMcRccjhexsYtlvpKc7gcvvvE3Wxk9jP0GKAGD'),
        at("discordClient.login('§');", 'ODk0Ug5ymFeJCzIg9gtbmPINHa.YBISSg.14DV_XyJ81XmDVFOAZIogn67-gJ', 'bot.js'),
      ],
      negative: ['DISCORD_TOKEN=MTlnfBTVTEeLIAFr7T1gounWVe.GGGciz', 'DISCORD_TOKEN=xTvfYVYJJb3rrvFP6mAFqDuVCU.GUyOzT.a3W9XNET3vLRZNV8zT_mZy895aco46Ctmqd0iV'],
    },
  },
  {
    // The same token with no Discord name nearby (`TOKEN=…` in a bot's .env). Its first part is the
    // bot's user id in base64; ids issued since 2022 have 19 digits starting with 1, so the part
    // opens with `MT` + one of ten letters (the keywords, rare in code). The part must decode to
    // the digits of an id, which no random base64 or identifier does.
    id: 'discord-bot-token-bare',
    title: 'Discord bot token',
    provider: 'Discord',
    level: 'error',
    keywords: ['mta', 'mte', 'mti', 'mtm', 'mtq', 'mtu', 'mty', 'mtc', 'mtg', 'mtk'],
    pattern: token('MT[AEIMQUYcgk][0-9A-Za-z_\\-]{21,23}\\.[0-9A-Za-z_\\-]{6}\\.[0-9A-Za-z_\\-]{27,38}', 'A-Za-z0-9_\\-.'),
    entropy: 4,
    validate: isSnowflakeToken,
    samples: {
      positive: [
        at('TOKEN=§', 'MTYxMTU2MDQ5MTk1NjA2MjExNA.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf'),
        at("client.login('§');", 'MTIyODcwMzQzMzA4MjE2NDYyNg.9Vv9pP.lzC2qbF_7y-Z8QQozfW8EycHVrzCLb3I3AEGJL', 'index.js'),
        at('  bot_token: "§"', 'MTE4NjI2OTIwODM3NzQxMDUwMQ.m72SRa.0_-980w9-nXaOk13cO-VLEjnoKn7K8nX9ooDHP', 'config.yml'),
      ],
      negative: [
        // First part is base64 of letters, not of an id; and a two-part string.
        'TOKEN=MTAxYWJjZGVmZ2hpamtsbW5vcA.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf',
        'TOKEN=MTYxMTU2MDQ5MTk1NjA2MjExNA.qjWvQn',
      ],
    },
  },
  {
    // A bot token handed to discord.js's `client.login('…')`, for ids of any length: ids of 17–18
    // digits (bots made before 2022) encode to a first part opening with M, N or O and any letter,
    // too common a start for a keyword of its own; the call names what the value is. The first part
    // must still decode to the digits of an id.
    id: 'discord-bot-token-login',
    title: 'Discord bot token',
    provider: 'Discord',
    level: 'error',
    keywords: ['.login('],
    pattern: /\.login\(\s{0,5}["'\x60](?<secret>[MNO][0-9A-Za-z_-]{22,26}\.[0-9A-Za-z_-]{6}\.[0-9A-Za-z_-]{27,38})["'\x60]/,
    entropy: 4,
    validate: isSnowflakeToken,
    samples: {
      positive: [
        at("client.login('§');", 'Nzk4MjE2NDYyNjEyMzQ1Njc4.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf', 'bot.js'),
        at('await bot.login("§")', 'NDcyMzE5ODA1NTI3NjQ4MjU3.Xm2k9Q.Rk4v7Lq2Zx8Wn3Tp6Jd1Hs5Bc0Fg9Ma', 'src/index.ts'),
      ],
      negative: [
        // First part decodes to letters, not an id; a user name and password.
        "client.login('TXlCb3ROYW1lSXNOb3RBbklkWFg.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf');",
        "auth.login('admin', 'Xq9Lz2Km8Vr4');",
      ],
    },
  },
  {
    // Discord webhook: `discord.com/api/webhooks/<snowflake id>/<68-char token>`.
    id: 'discord-webhook',
    title: 'Discord webhook URL',
    provider: 'Discord',
    level: 'error',
    keywords: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    pattern: token('https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[0-9A-Za-z_\\-]{60,80}', 'A-Za-z0-9_\\-/'),
    entropy: 4,
    redactPrefix: 'https://discord.com/api/webhooks/',
    samples: {
      positive: [
        at('DISCORD_WEBHOOK=§', 'https://discord.com/api/webhooks/3932065917578464392/elnU35ZnFgmbmCwJSdSbNdJAnD73zrbygzwN2pKuzcY7aX0xgRC04Lcet9hcoQaca0BB'),
        at('  url: "§"', 'https://discordapp.com/api/webhooks/787329621069970326/Q4D6fPPkSl_4dIrTDq_17yDNnFOwyWDQlQPvH690pC4X0PSZCNCxP0tfawoilbJyX6AV', 'notify.yml'),
      ],
      negative: ['DISCORD_WEBHOOK=https://discord.com/api/webhooks/4630176138626296952/', 'DISCORD_WEBHOOK=https://discord.com/api/webhooks/6430765120408099199/sXUjuFAMnIxzEJ-lNoVo'],
    },
  },
  {
    // Telegram bot token from BotFather: `<bot id digits>:AA` + 33 base64url characters.
    id: 'telegram-bot-token',
    title: 'Telegram bot token',
    provider: 'Telegram',
    level: 'error',
    keywords: [':aa'],
    pattern: token('[0-9]{8,10}:AA[0-9A-Za-z_\\-]{33}', 'A-Za-z0-9_\\-:'),
    entropy: 3.5,
    samples: {
      positive: [
        at('TELEGRAM_BOT_TOKEN=§', '4176857945:AA5AZgMPuPcFx0e4mWUxZ3HbayEo41_D2Vm'),
        at('bot = telebot.TeleBot("§")', '783540361:AAZA3QJ99PdZhsgy1cPthBJQFbmDcLPHqEg', 'notify.py'),
      ],
      negative: ['TELEGRAM_BOT_TOKEN=3470216892:AApYzOEBtJPqx7lqQHdJDq', 'TELEGRAM_BOT_TOKEN=5263721809:BBrs4S5dhybYPiUZPAZ4TniAFB2g4ow70VI', 'time=5009887747:AAnz2KnGtK6fM4_jLh6B68UBPaj4T2j9luq0odp'],
    },
  },
  {
    // Teams incoming webhook (Office 365 connector): tenant/group GUIDs, a 32-hex id and a GUID.
    id: 'teams-webhook',
    title: 'Microsoft Teams incoming webhook URL',
    provider: 'Microsoft Teams',
    level: 'error',
    keywords: ['webhook.office.com/webhookb2/', 'outlook.office.com/webhook/'],
    pattern: token(
      'https://(?:[0-9a-z\\-]{1,60}\\.webhook|outlook)\\.office\\.com/webhook(?:b2)?/[0-9a-f\\-]{36}@[0-9a-f\\-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f\\-]{36}(?:/[0-9A-Za-z_\\-]{20,80})?',
      'A-Za-z0-9_\\-/',
    ),
    entropy: 3.5,
    samples: {
      positive: [
        at('TEAMS_WEBHOOK_URL=§', 'https://acme.webhook.office.com/webhookb2/56474587-93d9-14b4-f2da-55286bdcea3a@5e34d508-037d-8d9e-1b18-0c4e5d028832/IncomingWebhook/3f4033db460c34152cfca9641c78346d/3567b99b-2f15-f26c-3c2c-e5b2c80c470d/V2dyJkCLnYuXphl4HVtllC-O0LXBcrXh5a4kaOVVRWMIQK'),
        at('  teams_url: "§"', 'https://outlook.office.com/webhook/1c763adf-96c4-dc02-ec2d-d3a4a9b53065@675c13ff-017f-3588-c17a-57a74b4160dc/IncomingWebhook/e119c466f79d0dfbd1bec5e48860cfbe/b62205a5-0a47-97a7-a95a-9a33f68b5ce4', 'alerts.yml'),
      ],
      negative: ['TEAMS_WEBHOOK_URL=https://acme.webhook.office.com/webhookb2/ad35d49d-6560-b58c-7ef8-f4375a8da6ec@6a41bdb2-45df-76f7-7277-7ef241d3455e/IncomingWebhook/', 'see https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/'],
    },
  },
  {
    // Mattermost incoming webhook: `/hooks/` + 26 lower-case alphanumerics on a Mattermost host.
    id: 'mattermost-webhook',
    title: 'Mattermost incoming webhook URL',
    provider: 'Mattermost',
    level: 'error',
    keywords: ['mattermost'],
    pattern: /https:\/\/[0-9A-Za-z.\-]{0,60}mattermost[0-9A-Za-z.\-]{0,60}\/hooks\/(?<secret>[0-9a-z]{26})(?![0-9A-Za-z])/,
    entropy: 3.5,
    samples: {
      positive: [
        at('MATTERMOST_WEBHOOK=https://mattermost.acme.io/hooks/§', 'g2dk3hym7rzzm5dnikm4vvv5dc'),
        at('  url: https://chat-mattermost.internal/hooks/§', 'mf7rxcyfnk9tdri5kipm94hgvi', 'alerts.yml'),
      ],
      negative: ['MATTERMOST_WEBHOOK=https://mattermost.acme.io/hooks/on1xqcxy3c5e', 'https://mattermost.acme.io/channels/town-square'],
    },
  },
  {
    // Zulip API key: 32 base62 next to a Zulip name (zuliprc or env).
    id: 'zulip-api-key',
    title: 'Zulip API key',
    provider: 'Zulip',
    level: 'error',
    keywords: ['zulip'],
    pattern: near(['zulip'], '[0-9A-Za-z]{32}'),
    entropy: 4,
    samples: {
      positive: [at('ZULIP_API_KEY=§', 'X5nujsgdb7c5lKdQvEuqqvSqttbUSgRC'), at('zulip_key = "§"', 'dUrBz5sAEuHR4sy153GUOzlXJWqi9mAH', 'bot.py')],
      negative: ['ZULIP_API_KEY=7PIlRxwq4hoU7jNJTi3J', 'ZULIP_SITE=https://acme.zulipchat.com'],
    },
  },
];
