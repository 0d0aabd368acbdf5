import type { Detector } from '../detector.js';
import { hasBase62Crc32 } from './checksum.js';
import { at, token } from './shapes.js';

/**
 * GitHub tokens (docs: "About authentication to GitHub › GitHub's token formats").
 * Classic `gh[pousr]_` tokens are the prefix + 36 base62 characters; the last 6 are the base62
 * CRC32 of the 30 random characters before them, so `validate` rejects made-up values.
 */
const classic: { id: string; prefix: string; title: string; samples: Detector['samples'] }[] = [
  {
    id: 'github-classic-pat',
    prefix: 'ghp_',
    title: 'GitHub personal access token (classic)',
    samples: {
      positive: [
        at('GITHUB_TOKEN=§', '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'),
        at('  token: "§"', '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', 'config/deploy.yml'),
        at("const octokit = new Octokit({ auth: '§' });", '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', 'src/client.ts'),
      ],
      negative: [
        'GITHUB_TOKEN=ghp_MOD4uoyzhxiaQdOq9hL9oagYRUx7Oy1hLyYA',
        'GITHUB_TOKEN=ghp_yOhitLb4ssWTENXTJ7IZl7bcmnXnbA',
        'token = "x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"',
        'GITHUB_TOKEN=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nE',
        'GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}',
      ],
    },
  },
  {
    id: 'github-oauth-token',
    prefix: 'gho_',
    title: 'GitHub OAuth access token',
    samples: {
      positive: [at('oauth_token: §', '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', 'hosts.yml'), at('{"access_token":"§","token_type":"bearer"}', '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')],
      negative: ['oauth_token: gho_fCuKC6mFZcVnvMVQhbe6xbSFRqJIHV2dZLmA', 'oauth_token: gho_1PGvYj6gbZtbvFcEawOWUnq9DWjpddYPyTRAjYSz'],
    },
  },
  {
    id: 'github-user-to-server-token',
    prefix: 'ghu_',
    title: 'GitHub App user access token',
    samples: {
      positive: [at('export GH_USER_TOKEN=§', 'ghu_vpyycD7kR7oAVEyqeViQo5xtovqTBg36EgMH'), at('headers["Authorization"] = "token §"', 'ghu_ZafXhhi0r3u9VZl2ao73Rbt2QRYHH91XQ5gn', 'app.py')],
      negative: ['export GH_USER_TOKEN=ghu_3jkPyZp2S7J7aVOvDpuHWHUkawkG040NLYWA', 'ghu_jk0v9kOphQo8SX6M7qSSvnnBS7SlKWQgzx0'],
    },
  },
  {
    id: 'github-installation-token',
    prefix: 'ghs_',
    title: 'GitHub App installation access token',
    samples: {
      positive: [at('GH_APP_TOKEN="§"', 'ghs_FmVmlK0ObJC65ku2iB0gAM2OllzWzV0xMabk'), at('git clone https://x-access-token:§@github.com/acme/api.git', 'ghs_VFHa1C54CFaWHSV3H1Q2oiw1onjOXk0vS43W')],
      negative: ['GH_APP_TOKEN="ghs_aYpsJNnh8eONHKOBP0Iiw8IE6EzuD41LIiXA"', 'GH_APP_TOKEN="ghs_iNrxnm35hLYjAcr98kjGBMRQngcZ7wDhnbJ5_"'],
    },
  },
  {
    id: 'github-refresh-token',
    prefix: 'ghr_',
    title: 'GitHub refresh token',
    samples: {
      positive: [at('refresh_token=§', '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'), at('"refresh_token": "§"', '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', 'token.json')],
      negative: ['refresh_token=ghr_kqo6HfZkXrcP1g59VcAP8kdinYxldM2nzUWA', 'refresh_token=ghr_6kHRQy3mocVU6JbYBGB9'],
    },
  },
];

const classicDetectors: Detector[] = classic.map(({ id, prefix, title, samples }) => ({
  id,
  title,
  provider: 'GitHub',
  level: 'error',
  keywords: [prefix],
  pattern: token(`${prefix}[0-9A-Za-z]{36}`),
  validate: (secret: string) => hasBase62Crc32(secret, prefix),
  redactPrefix: prefix,
  samples,
}));

export const githubDetectors: Detector[] = [
  ...classicDetectors,
  {
    // `github_pat_` + 22 base62 (token id) + `_` + 59 base62 (secret and checksum).
    id: 'github-fine-grained-pat',
    title: 'GitHub fine-grained personal access token',
    provider: 'GitHub',
    level: 'error',
    keywords: ['github_pat_'],
    pattern: token('github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}'),
    entropy: 3.5,
    redactPrefix: 'github_pat_',
    samples: {
      positive: [
        at('GH_PAT=§', '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'),
        at('      token: §', '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', '.github/workflows/release.yml'),
      ],
      negative: ['GH_PAT=github_pat_LaODmpPYEJKINSsH7YgCBA_QgBYmqoTwWGxTU2l4gbBVPSU0gzUxH64fV0uswpv', 'GH_PAT=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', 'my_github_pat_setting = true'],
    },
  },
  {
    // 2026 stateless installation token: `ghs_<APPID>_<JWT>` (~520 chars, header.payload.signature
    // in base64url). The JWT is GitHub-internal; we only rely on its three-part base64url shape.
    id: 'github-installation-token-jwt',
    title: 'GitHub App installation access token (stateless JWT format)',
    provider: 'GitHub',
    level: 'error',
    keywords: ['ghs_'],
    pattern: token('ghs_[0-9]{1,12}_eyJ[A-Za-z0-9_\\-]{10,1000}\\.eyJ[A-Za-z0-9_\\-]{10,2000}\\.[A-Za-z0-9_\\-]{20,1000}', 'A-Za-z0-9_\\-.'),
    entropy: 4,
    redactPrefix: 'ghs_',
    samples: {
      positive: [
        at('GITHUB_TOKEN=§', 'ghs_1298374_eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJTcAoIlmw-VOt2PhsJBLwtUmvnpS2VEtQDKEZ9J0NL7wT0AuLFecusjggNaHDKPaeknQNOO2OX_7qFSO6wtbqzPSzG0da7VTnwBx1xs8xoNhDizi7KhqDn3XwNB4MTBLoHIIbiRsiPNmm457_zPo_5aE7zpQJLx_FukCwtSvuTZnEohsxJ_rsOZqjx5PV9yvfiU0Cr9D-hnRUJ3QBJZIIMNyI_Y4n.dHi-QrDeYyRA74JQpc1wSe3tnCd9ZAV9WU9ekXeUk2AgZe8bvN-VzvkemPRtSwxXgfZjIjyqFOybEAWzLHGNSUql_YnSqR30fvlmtMCdWon2FJkveNXJR3ryKhXKJrJm5VM6teW9y-KgINelM8FYr6xedJ10MoOIP-kh7tROYNwEpjn-0sHAaORrTc8b4C2HfunxI7iy0iNMOgLnK_akySDblhzN8mhCHHHfePS4c3YFrY2fYYaoDZ-7LDB0gY3CQV25P4GPcjPboF69Y3aaSlEptBDMPo5Dqccx8LIMIs7GUScVK9HZhbBac3L5HooSrSpqJ9mL73x5n3n9G23sl1'),
        at('Authorization: Bearer §', 'ghs_88123_eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJVzqtKs8I3SCSx6Zq34Xx53Fotn1SGx0MAJDn3dVxjk5Di3cacBb6pI9j0aUEXSuEGiXcTKJAd6Fb9L8vESauzAn55hkx1EMSiW3-owIHhHlrigyuPkZm8IIKvAtPHn7qmiGCXYkD4iOjL1GsMBXsa1-D97CJszf9-jHbD1w_h9RF5sCnDftG.u2tEPJ0-6aJwLzqogZY4iRmafE_qWYAngVnU2H5NboSDQvUVr5AYfFFXyrJKAOH8xV3HOABjMcnPB8Bl9wpJSk'),
      ],
      negative: [
        'GITHUB_TOKEN=ghs_1298374_eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9',
        'GITHUB_TOKEN=ghs_appid_eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzGqsBNguRSFrSNg0hn7ouJI0HnY9yGXKYc31XKyVeBZh2oXBQOhKpr_HJbY7xId8Eq6Vh0G9nU91uk1WZc3PJWcebdE7YHHLHxafZ6I8GTztZ4K3-DPYM_O0.oUi3qMKq6SyaasS7hrzK6RsX5VncRLSu6aaf2fMjlidNVMEQJNqcfOnfcdYu_gsB0-E24L1CmZD6CyvBcex0T7',
      ],
    },
  },
];
