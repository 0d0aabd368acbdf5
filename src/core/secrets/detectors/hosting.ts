import type { Detector } from '../detector.js';
import { at, lower, near, token, UUID, UUID_ANY_CASE, WORD } from './shapes.js';

const HEROKU_WORDS = ['heroku'];
const CLOUDFLARE_WORDS = ['cloudflare', 'cf_api_token', 'cf_api_key'];
const FASTLY_WORDS = ['fastly'];
const VERCEL_WORDS = ['vercel'];
const NETLIFY_WORDS = ['netlify'];
const RAILWAY_WORDS = ['railway'];

/** Hosting and PaaS: Heroku, DigitalOcean, Cloudflare, Fastly, Netlify, Vercel, Fly.io, Render, Railway, Supabase, PlanetScale, Neon. */
export const hostingDetectors: Detector[] = [
  {
    // Heroku platform API key (2024+): `HRKU-AA` + 58 base64url characters.
    id: 'heroku-platform-key',
    title: 'Heroku platform API key',
    provider: 'Heroku',
    level: 'error',
    keywords: ['hrku-'],
    pattern: token('HRKU-AA[0-9A-Za-z_\\-]{58}'),
    entropy: 3.8,
    redactPrefix: 'HRKU-',
    samples: {
      positive: [at('HEROKU_API_KEY=§', 'HRKU-AAmbdkGDYCEmoGaLPRNyuXZTmBVYjO1s-VVQzFj9uRBibyaIVXphVSMOd0ez'), at('machine api.heroku.com login ci@acme.io password §', 'HRKU-AAn-8UMYTtTjuv0k-CW3r6l-uh2n26P3emwcAqr62RA2dZKQkgry00kbXTiU', '.netrc')],
      negative: ['HEROKU_API_KEY=HRKU-AAawflvcglbtVudWUuvLe5cwkWUCUz1U', 'HEROKU_API_KEY=HRKU-OCeRSOXldHSwS1q-QKUR'],
    },
  },
  {
    // Legacy Heroku API key: a UUID next to a Heroku name.
    id: 'heroku-api-key',
    title: 'Heroku API key (legacy UUID)',
    provider: 'Heroku',
    level: 'error',
    keywords: lower(HEROKU_WORDS),
    pattern: near(HEROKU_WORDS, UUID_ANY_CASE),
    samples: {
      positive: [at('HEROKU_API_KEY=§', 'c8fc20cd-9c25-9695-b6ff-e8e3e5cfea01'), at('      heroku_api_key: "§"', 'd68c78ee-c197-a0c4-50dc-42a28e1d5b2b', '.github/workflows/deploy.yml')],
      negative: ['HEROKU_API_KEY=95e059b3-69db', 'HEROKU_APP_NAME=acme-prod'],
    },
  },
  ...(
    [
      ['digitalocean-pat', 'dop_v1_', 'DigitalOcean personal access token'],
      ['digitalocean-oauth-token', 'doo_v1_', 'DigitalOcean OAuth access token'],
      ['digitalocean-refresh-token', 'dor_v1_', 'DigitalOcean OAuth refresh token'],
    ] as const
  ).map(
    ([id, prefix, title]): Detector => ({
      // DigitalOcean tokens: `do[por]_v1_` + 64 hex.
      id,
      title,
      provider: 'DigitalOcean',
      level: 'error',
      keywords: [prefix],
      pattern: token(`${prefix}[0-9a-f]{64}`),
      entropy: 3.2,
      redactPrefix: prefix,
      samples: {
        positive: [at('DIGITALOCEAN_TOKEN=§', `${prefix}dbff77b8ee84657aa0b22dd177751ac9c53bef86fd1b9ceb8bbadef5d5a8eb00`), at('  access-token: §', `${prefix}83b38297bfe43b0f4b0f3c6498b206bc70cafe55ae487461e251f4c45819866f`, '.config/doctl/config.yaml')],
        negative: [`DIGITALOCEAN_TOKEN=${prefix}8237543e35f62ab732cef27712ddaec804956d9e`, `DIGITALOCEAN_TOKEN=${prefix}aec21c3a0bcfd3c97fd757c166d11f509d3fafc66ce976ba95753dd33910369a11`],
      },
    }),
  ),
  {
    // Cloudflare API token: 40 base64url characters next to a Cloudflare name.
    id: 'cloudflare-api-token',
    title: 'Cloudflare API token',
    provider: 'Cloudflare',
    level: 'error',
    keywords: lower(CLOUDFLARE_WORDS),
    pattern: near(CLOUDFLARE_WORDS, '[0-9A-Za-z_\\-]{40}'),
    entropy: 4,
    samples: {
      positive: [at('CLOUDFLARE_API_TOKEN=§', 'raZPm0vyN3ZJ7bqkC_0oxzr9ABpr40MqJ8T0ufcF'), at('cloudflare_token = "§"', 'ywUlpOGhLxiA1Z5GJxtvfJEScNVPvpPsz2rgT0mK', 'dns.tfvars')],
      negative: ['CLOUDFLARE_API_TOKEN=BoyPIPkw_-wbDfnzhF92T2RAdpi988', 'CLOUDFLARE_ZONE_ID=cb7c4336f23b7c7663931421243d8792'],
    },
  },
  {
    // Cloudflare global API key: 37 lower-case hex next to a Cloudflare name.
    id: 'cloudflare-global-api-key',
    title: 'Cloudflare global API key',
    provider: 'Cloudflare',
    level: 'error',
    keywords: lower(CLOUDFLARE_WORDS),
    pattern: near(CLOUDFLARE_WORDS, '[0-9a-f]{37}'),
    entropy: 3.2,
    samples: {
      positive: [at('CLOUDFLARE_API_KEY=§', 'a7d6c9d1d8e7ffd92d729bc3d3f0c526704bb'), at('CF_API_KEY=§', '7cc25128d2d2d0ff79dba6b80eb204384a1ce')],
      negative: ['CLOUDFLARE_API_KEY=d16efd1dfd4a8d31561b9d2afd1deac5', 'CLOUDFLARE_EMAIL=ops@acme.io'],
    },
  },
  {
    // Cloudflare Origin CA key: `v1.0-` + 24 hex + `-` + 146 hex.
    id: 'cloudflare-origin-ca-key',
    title: 'Cloudflare Origin CA key',
    provider: 'Cloudflare',
    level: 'error',
    keywords: ['v1.0-'],
    pattern: token('v1\\.0-[0-9a-f]{24}-[0-9a-f]{146}'),
    entropy: 3.2,
    redactPrefix: 'v1.0-',
    samples: {
      positive: [at('CF_ORIGIN_CA_KEY=§', 'v1.0-55f0d817e40aa36a4faf444f-3e594a9156872b114ac16ff7acf905989bf1003ece544a43b283dd509a1989958ead34d5af6a4059a98e99afe28acf72dab6cf0dad70cd7899ce1171e3309552cf3459ba2cbc46b978'), at('origin_ca_key = "§"', 'v1.0-f4b5796d732a3eeb992e16b8-8ad6acd37c64e7eb0397f8fb9ce8965124b27d9d76492de85bcd2ef8b785353062dd9d5c1ec26b9fc8755230d5937352a402639b544558d5ee4028939f3bb3fb0482af63ed2286d527', 'certs.tfvars')],
      negative: ['CF_ORIGIN_CA_KEY=v1.0-9da52ddd93587e6a73e30ccc-33744bc9b6dcb5d611fe72ed38c7d535fbc4d72b', 'version = "v1.0-rc1"'],
    },
  },
  {
    // Fastly API token: 32 base64url characters next to a Fastly name.
    id: 'fastly-api-token',
    title: 'Fastly API token',
    provider: 'Fastly',
    level: 'error',
    keywords: lower(FASTLY_WORDS),
    pattern: near(FASTLY_WORDS, '[0-9A-Za-z_\\-]{32}'),
    entropy: 4,
    samples: {
      positive: [at('FASTLY_API_TOKEN=§', 'eqSLio3QFZufvrMRkgYQK3h1sXdRIoXE'), at("headers = {'Fastly-Key': '§'}", 'LM1VW2xoXVbvJp7u3DgYRpZMU1RF8-ms', 'purge.py')],
      negative: ['FASTLY_API_TOKEN=XXT_Uxm3HO5GqGaET-GI', 'FASTLY_SERVICE_ID=TIITBlaSW8WU0Ijtygj24h'],
    },
  },
  {
    // Netlify personal access token: `nfp_` + 36 alphanumerics (legacy tokens: 43–45 chars next to a Netlify name).
    id: 'netlify-pat',
    title: 'Netlify personal access token',
    provider: 'Netlify',
    level: 'error',
    keywords: ['nfp_'],
    pattern: token('nfp_[0-9A-Za-z]{36}'),
    entropy: 3.8,
    redactPrefix: 'nfp_',
    samples: {
      positive: [at('NETLIFY_AUTH_TOKEN=§', 'nfp_Zepk4Dz4Dc1I0LoxtP6qs9fq7I3SwolDrG6O'), at('      NETLIFY_AUTH_TOKEN: §', 'nfp_3tQ0KejljyS4mreRSb6KopommigOWyTmUuA4', '.github/workflows/deploy.yml')],
      negative: ['NETLIFY_AUTH_TOKEN=nfp_SxetCfZYhCbHhn32qEjp', 'NETLIFY_AUTH_TOKEN=nfp_Zn5t5lXXmXyGf80UdmJiRFpdniBfIhiCYqlKxZUz'],
    },
  },
  {
    id: 'netlify-legacy-token',
    title: 'Netlify access token (legacy)',
    provider: 'Netlify',
    level: 'error',
    keywords: lower(NETLIFY_WORDS),
    pattern: near(NETLIFY_WORDS, '[0-9A-Za-z_\\-]{43,45}'),
    entropy: 4,
    samples: {
      positive: [at('NETLIFY_AUTH_TOKEN=§', 'kGn_NDLU0FDS0jU1DP3Sb2bZG3YC264yBHzec2aKmVD'), at('netlify_token: "§"', 'YClO1K_TQv_gXEQrQ1urmilUbu1etihuKjmLEuSXkjJZt', 'deploy.yml')],
      negative: ['NETLIFY_AUTH_TOKEN=zS1iOe9r1-fe2X5F-HdFTpg3bt4v4c', 'NETLIFY_SITE_ID=e3a4918f-7dde-9e33-42b0-91f9e010ffdf'],
    },
  },
  {
    // Vercel access token: 24 alphanumerics next to a Vercel name (`vercel_`/`vcp_` prefixed tokens included).
    id: 'vercel-token',
    title: 'Vercel access token',
    provider: 'Vercel',
    level: 'error',
    keywords: lower(VERCEL_WORDS),
    pattern: near(VERCEL_WORDS, '(?:vc[pkai]_[0-9A-Za-z]{40,60}|[0-9A-Za-z]{24})'),
    entropy: 3.8,
    // A function name of exactly 24 letters in Vercel's own SDK (`getTokenFromOptionsOrEnv`) is not a token.
    validate: (s) => !/^[a-z]+(?:[A-Z][a-z]+)+$/.test(s),
    samples: {
      positive: [at('VERCEL_TOKEN=§', 'EBHvbugnLlHu5GrRfspY8m8M'), at('      - run: npx vercel deploy --prod --token=§', 'YhnH7ZUvrLa3C8IOtOshWJND', '.github/workflows/deploy.yml')],
      negative: ['VERCEL_TOKEN=4D24enDrv4avsDWd', 'VERCEL_ORG_ID=team_XreyPWCu909VNP2dHWqvbPcpx', 'const vercelToken = getTokenFromOptionsOrEnv(options);'],
    },
  },
  {
    // Fly.io macaroon tokens: `FlyV1 fm1r_…` / `fm2_…` (comma-separated base64 macaroons).
    id: 'fly-io-macaroon',
    title: 'Fly.io access token (macaroon)',
    provider: 'Fly.io',
    level: 'error',
    keywords: ['fm1r_', 'fm1a_', 'fm2_'],
    pattern: token('(?:FlyV1 )?fm(?:1[ar]|2)_[0-9A-Za-z+/=_\\-]{100,4000}(?:,fm(?:1[ar]|2)_[0-9A-Za-z+/=_\\-]{100,4000}){0,5}', 'A-Za-z0-9_\\-', 'A-Za-z0-9_\\-+/=,'),
    entropy: 4,
    redactPrefix: 'FlyV1 ',
    samples: {
      positive: [at('FLY_API_TOKEN="§"', 'FlyV1 fm2_lJPECAAAAAAAA8a89AwugdDXkH6Dok81ouGcmyU22+YVdSzTW/hU7wN7G/i4bVd5tgoOPnx+Emfcpk0B9QVntDx0Q6yTjBj/f+8ykGGmOpAtgEd/P5Pfi6fWICWt5E+jeypVTQ1HyeNQyYzitjtl6qcT2P03cXHG+vHqdt/dg+anjw4OlHslhZ4d63uSsxP5E,fm2_lJPEEdVOUsOxSAXyTKDqE1Uik4AYnwGk39dX/l1+VGJn5g7w31cfyi/eQ/lfmjb0gCpQrMmpEC9UfKnzclcjAqruwKK0RttMsyXQuCcftV1gzA+EoesIOnatdVBCwVgqLrolFN3rbvo5bB9xn1aKZ5eiagFr4u31318m8'), at('  FLY_API_TOKEN: §', 'fm2_lJPECAAAAAAAAbMKcg8wown2exTH1Wjh92fSFSIYX0FwhLWzJrFmtXiVmCgNUjoSpvp3SndIZW+0VvNYWb2+shD3Ju7zYIl2DGsHkh5osbXdKW6TPOfko0zaYqBzYvE/+LEpNgVUtkXcBZ82QoH6CC9tiB1SjXIvMS+v3hd3pjlWFguQK+fs+N0qt6FfcW/EVIopQQ7CYMFSdsRIdgdOt', 'ci.yml')],
      negative: ['FLY_API_TOKEN="FlyV1 fm2_hYjJ0J5YZu/S34D9YHYtYVQNMppZCfJKT0IqDDDu"', 'FLY_API_TOKEN="${{ secrets.FLY_API_TOKEN }}"'],
    },
  },
  {
    // Fly.io OAuth token: `fo1_` + 43 base64url.
    id: 'fly-io-token',
    title: 'Fly.io OAuth token',
    provider: 'Fly.io',
    level: 'error',
    keywords: ['fo1_'],
    pattern: token('fo1_[0-9A-Za-z_\\-]{43}'),
    entropy: 3.8,
    redactPrefix: 'fo1_',
    samples: {
      positive: [at('FLY_ACCESS_TOKEN=§', 'fo1_vkBbxcHJl_KFRThWXR5FPHvRgHQcZq2-0xdk9HhtEqd'), at('access_token: §', 'fo1_q4IkNdofD-DALASRAJy_h9Y8c4GDDlENrZZHg56pALb', '.fly/config.yml')],
      negative: ['FLY_ACCESS_TOKEN=fo1_0MxxjnAQ-THIgr3TQ4U_', 'FLY_ACCESS_TOKEN=fo1_7HmJ0p_0iS65RY37WCmekjY4XeQKWoYi4wVTSRO5nmh1HZi9DI'],
    },
  },
  {
    // Render API key: `rnd_` + 32 alphanumerics.
    id: 'render-api-key',
    title: 'Render API key',
    provider: 'Render',
    level: 'error',
    keywords: ['rnd_'],
    pattern: token('rnd_[0-9A-Za-z]{32}'),
    entropy: 3.8,
    redactPrefix: 'rnd_',
    samples: {
      positive: [at('RENDER_API_KEY=§', 'rnd_Jc9XrUJRhdqOB6v194Oct7qxIj0iTZik'), at('Authorization: Bearer §', 'rnd_EaXvwwuc1OHueXFyJ5h6HyisP3Bv3ALc')],
      negative: ['RENDER_API_KEY=rnd_BDfpet4jeXHe7LL4', 'const rnd_seed_value = 42;'],
    },
  },
  {
    // Railway token: a UUID next to a Railway name.
    id: 'railway-token',
    title: 'Railway API token',
    provider: 'Railway',
    level: 'error',
    keywords: lower(RAILWAY_WORDS),
    pattern: near(RAILWAY_WORDS, UUID),
    samples: {
      positive: [at('RAILWAY_TOKEN=§', 'e94d43c8-31f0-a560-ccc0-b0ba04daa108'), at('      RAILWAY_API_TOKEN: §', '014d6099-b1b9-9bc3-814f-0e1c612c6030', 'ci.yml')],
      negative: ['RAILWAY_TOKEN=1ffa482bcd929aed', 'RAILWAY_ENVIRONMENT=production'],
    },
  },
  {
    // Supabase personal access token: `sbp_` + 40 hex.
    id: 'supabase-access-token',
    title: 'Supabase personal access token',
    provider: 'Supabase',
    level: 'error',
    keywords: ['sbp_'],
    pattern: token('sbp_[0-9a-f]{40}'),
    entropy: 3.2,
    redactPrefix: 'sbp_',
    samples: {
      positive: [at('SUPABASE_ACCESS_TOKEN=§', 'sbp_129c2dc2a9c843f9f58069466a63ba2d95ccf682'), at('      SUPABASE_ACCESS_TOKEN: §', 'sbp_0a6ce5f9330dd5a1bc278f6637df7aebcd47461b', 'ci.yml')],
      negative: ['SUPABASE_ACCESS_TOKEN=sbp_1d20d99f5d0c8d6c7956', 'SUPABASE_ACCESS_TOKEN=sbp_RyiQXKyGH5Eg0ci5NzHFtRJZXmPlSFdmzGeobnQ5'],
    },
  },
  {
    // Supabase secret API key: `sb_secret_` + 31+ base64url (the `sb_publishable_` key is public).
    id: 'supabase-secret-key',
    title: 'Supabase secret API key',
    provider: 'Supabase',
    level: 'error',
    keywords: ['sb_secret_'],
    pattern: token('sb_secret_[0-9A-Za-z_\\-]{31,64}'),
    entropy: 3.8,
    redactPrefix: 'sb_secret_',
    samples: {
      positive: [at('SUPABASE_SECRET_KEY=§', 'sb_secret_2txnhTf_a9ECJN2kalZ2GcQxlCelFJJ'), at("createClient(url, '§')", 'sb_secret_8RbnZv5mYIiSZ-hlD4Xl_tZ8kj-R-PezUn1pKLb9', 'admin.ts')],
      negative: ['SUPABASE_PUBLISHABLE_KEY=sb_publishable_ezFrStfFWxV8_SpuAT3twAhaBDu1irO', 'SUPABASE_SECRET_KEY=sb_secret_irLCZ6uuqm'],
    },
  },
  {
    // PlanetScale tokens: `pscale_tkn_` (service token), `pscale_pw_` (password), `pscale_oauth_` + 43 base64url.
    id: 'planetscale-token',
    title: 'PlanetScale service token or password',
    provider: 'PlanetScale',
    level: 'error',
    keywords: ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'],
    pattern: token('pscale_(?:tkn|pw|oauth)_[0-9A-Za-z_\\-.=]{43}', WORD, 'A-Za-z0-9_\\-.='),
    entropy: 3.8,
    redactPrefix: 'pscale_',
    samples: {
      positive: [at('PLANETSCALE_SERVICE_TOKEN=§', 'pscale_tkn_ueu2pL-7JZzOgSlY9-9ctzcDQ6FuEol2EG62tTR8mqC'), at('DATABASE_URL=mysql://acme:§@aws.connect.psdb.cloud/shop', 'pscale_pw__EE6wVXfToY5alOLXjsk30K3hmXo17qJabmssddptoC')],
      negative: ['PLANETSCALE_SERVICE_TOKEN=pscale_tkn_IM6YIXxShFZNcS3aV4kl', 'PLANETSCALE_ORG=pscale_org_fKEeiO3OKFnDBQZyJc1aMr0q9sEJZhMs_It_LXm_qSe'],
    },
  },
  {
    // Neon API key: `napi_` + 64 lower-case alphanumerics.
    id: 'neon-api-key',
    title: 'Neon API key',
    provider: 'Neon',
    level: 'error',
    keywords: ['napi_'],
    pattern: token('napi_[0-9a-z]{64}'),
    entropy: 3.8,
    redactPrefix: 'napi_',
    samples: {
      positive: [at('NEON_API_KEY=§', 'napi_kkp6z92j5o9t2sxu31pskwiyoxsx3xvm4y7f34cg42uvjgn66c2x24jbndw0rpyj'), at('      NEON_API_KEY: §', 'napi_6c10jwwm4p59xgwukdiaa63rrj9rwgfyjj7o0v6tgdfrln2la9e0wayoprs3l4js', 'ci.yml')],
      negative: ['NEON_API_KEY=napi_ohbgpxm9ozk1jd5mqwuzi4nx0lcr969n', 'int napi_create_object(napi_env env);'],
    },
  },
];
