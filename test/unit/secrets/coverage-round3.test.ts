import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { defaultSettings, type Finding } from '../../../src/core/types.js';

/**
 * Known misses of the previous catalog (issue 9): each case failed before its fix. Values are made
 * up for these tests, drawn from each provider's documented shape.
 */
const scan = (content: string, path = 'app/settings.env'): Finding[] => scanSecrets({ path, content }, defaultSettings());
const ids = (content: string, path?: string): string[] => scan(content, path).map((f) => f.detector ?? f.rule);
const secretsOf = (content: string, path?: string): string[] => scan(content, path).map((f) => f.redacted ?? '');

describe('passwords containing `&`', () => {
  it('takes the whole quoted or bare value, `&` included', () => {
    const cases: [string, string][] = [
      ['DB_PASSWORD="p4ss&w0rdX9q"', 'p4ss&w0rdX9q'],
      ['DB_PASSWORD=p4ss&w0rdX9q', 'p4ss&w0rdX9q'],
      ["  password: 'Zx8&qL2#vR7kT'", 'Zx8&qL2#vR7kT'],
      ['<add key="Password" value="Hq7&Lm2Zp9Xc" />', 'Hq7&Lm2Zp9Xc'],
    ];
    for (const [line, value] of cases) {
      const findings = scan(line);
      expect(findings.length, line).toBe(1);
      // The redacted form keeps the value's last characters: the part after `&`, so the value was not cut.
      expect(findings[0].redacted, line).toBe(`…${value.slice(-3)}`);
      expect(findings[0].redacted).not.toContain(value);
    }
  });

  it('still ends a value where the next URL query parameter, an HTML entity or a shell operator starts', () => {
    expect(secretsOf('url = "https://api.acme.io/login?password=Zm8qLx2vR7kT&user=bob"')).toEqual(['…7kT']);
    expect(secretsOf('<a href="/reset?token=Zm8qLx2vR7kTq9&amp;next=/home">', 'web/reset.html')).toEqual(['…Tq9']);
    expect(secretsOf('curl "https://x.io/api?api_key=Zm8qLx2vR7kTq9Lz&format=json&page[size]=10"', 'scripts/fetch.sh')).toEqual(['…q9Lz']);
    expect(secretsOf('export PASSWORD=Zm8qLx2vR7kT&& ./run.sh', 'scripts/run.sh')).toEqual(['…7kT']);
  });

  it('reports nothing new on URLs whose query strings carry no secret', () => {
    const clean = [
      'const url = "https://api.acme.io/search?q=tokens&page=2&per_page=50";',
      '<a href="/docs?section=passwords&amp;lang=en">password rules</a>',
      'fetch(`/api/items?sort=name&order=asc&token_type=bearer`)',
      'redirect_uri=https://app.acme.io/cb?state=xyz&code=abc',
    ];
    for (const line of clean) expect(ids(line, 'src/client.ts'), line).toEqual([]);
  });
});

describe('provider attribution of sk_live_ / sk_test_ keys', () => {
  const body = 'JXsI8q6fsX6T4QktWblXM2hyJZTZUPAcAJ7bBwc54F';
  it('is Clerk with a Clerk name on the line, Stripe otherwise, Paystack for 40 hex', () => {
    expect(ids(`CLERK_SECRET_KEY=sk_live_${body}`)).toEqual(['clerk-secret-key']);
    expect(ids(`CLERK_SECRET_KEY=sk_test_${body}`)).toEqual(['clerk-test-secret-key']);
    expect(ids(`STRIPE_SECRET_KEY=sk_live_${body}`)).toEqual(['stripe-secret-key']);
    expect(ids('PAYSTACK_SECRET_KEY=sk_live_8c6f1f4e2b0d9a7c3e5f1a2b4c6d8e0f1a3b5c7d')).toEqual(['paystack-secret-key']);
  });
});

describe('Discord bot token without a Discord name', () => {
  it('is found when its first part decodes to a user id', () => {
    expect(ids('TOKEN=MTYxMTU2MDQ5MTk1NjA2MjExNA.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf')).toEqual(['discord-bot-token-bare']);
  });
  it('is not found when the first part is base64 of anything else', () => {
    // base64url of "101abcdefghijklmnop": right shape, not an id.
    // (The generic detector may still report a long value named TOKEN; it is not called a Discord token.)
    expect(ids('TOKEN=MTAxYWJjZGVmZ2hpamtsbW5vcA.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf')).not.toContain('discord-bot-token-bare');
    expect(ids('const id = "MTAxYWJjZGVmZ2hpamtsbW5vcA.qjWvQn.kqDQLL_g_Yz9Eo0JQD6-hLxmd9ioAskYZ9FXaf";', 'src/a.ts')).toEqual([]);
  });
});

describe('Rails master key', () => {
  it('is the content of config/master.key and config/credentials/<env>.key', () => {
    expect(ids('fc366e33335e726c46004168016780d9\n', 'config/master.key')).toEqual(['rails-master-key']);
    expect(ids('73b5dab4895ec5fe84c093c4a187f8d2', 'shop/config/credentials/production.key')).toEqual(['rails-master-key']);
    expect(ids('RAILS_MASTER_KEY=fc366e33335e726c46004168016780d9', '.github/workflows/deploy.env')).toEqual(['rails-master-key-env']);
  });
  it('is not a bare 32-hex value in any other file', () => {
    expect(ids('fc366e33335e726c46004168016780d9', 'config/cache.key.txt')).toEqual([]);
    expect(ids('fc366e33335e726c46004168016780d9', 'spec/fixtures/digest.txt')).toEqual([]);
  });
});

describe('tokens with no provider name of their own', () => {
  it('finds an Entra ID refresh token', () => {
    const rt = `0.AV74OWBhhkKrpGbSUtzE00K9VjUUAgIofREO23S_9ldMZNONZjjs7lQCVLvcgnN0ME5FnQh.AgABAAEAAAD02UjTVt-Z_U1m9GTnPc8Y0_lme_9jXS8Z6UNoGtaCgrFE_4Ja-ArGRnwwjUMMLxVHRlnXYBCVDRghEFyNTQDHnD798Lyl1Sa_SdlGLiOHICoiCGXpSRHepnv__hiYPqcNZWF2JYfuzU7vrij-YTPnXQkPfrxoZLQn1S9J2V85MFL3bcru7DoQnM09Kf1-7xz2tX6brWsX0BUuwvx_VdiHYusc-gPjfpUGQDEoXymHHptpWC3pYN4Ey2NMMGg094QJYnfOO97IJ8d19WTRY3hp_I9vTkBGHSAnGM7tdPbDx47fWKDhheAl2TJ1rqygoE8`;
    expect(ids(`{"secret": "${rt}"}`, '.azure/msal_token_cache.json')).toEqual(['azure-entra-refresh-token']);
  });
  it('finds an Asana PAT by its gid structure alone', () => {
    expect(ids('token: 2/1207483920156734/1208837465102938:9f2c4e6a8b0d1f3a5c7e9b2d4f6a8c0e')).toEqual(['asana-pat-bare']);
    expect(ids('ratio = 1/1207483920156734', 'src/math.ts')).toEqual([]);
  });
});

describe('false alarms found on the rebuilt npm corpus (2026-12-03)', () => {
  it('does not take a 24-letter camelCase function of Vercel’s SDK for a Vercel token', () => {
    expect(ids('const s=getTokenFromOptionsOrEnv(t);const vercelToken=s;', 'next/dist/compiled/@vercel/blob/index.cjs')).toEqual([]);
  });
  it('does not take code quoted in a comment about a compiler pass for a password', () => {
    expect(ids('\t * one pass: `d===t?a:b`, or `x=d===t?a:b`, where each case runs one', 'webpack/lib/javascript/syntax-printer.js')).toEqual([]);
  });
});

describe('gitleaks must-not samples we used to report', () => {
  it('reads provider names only where they start a name', () => {
    expect(ids('rookTable = 0023452Lllk2KqjLBvaxANWEgTd7bqjsxjo8aZj0wd', 'src/chess.ts')).toEqual([]);
    expect(ids('const myOktaToken = "00m7dm0EPHRNuS6kpxSwTC8aaHM90xX62J3kOoTipV";', 'src/sso.ts')).toEqual(['okta-api-token']);
    expect(ids('sumOfExposures = 3Kof2VffNQ0QgYIhXUPJosVlCaQKm2hfpWE6F1fT9YGY74blQBIPsrkCcf1TwKE5;', 'src/stats.ts')).toEqual([]);
    expect(ids('sumoToken = "suC7kljyw3IRZ7"', 'src/logs.ts')).toEqual(['sumologic-access-id']);
  });
  it('does not take asset names, CSRF tokens, package versions, public tokens or spelled-out stand-ins for keys', () => {
    expect(ids('http://assets.acme.io/media/video_box.ico-7a388b69018576d24b59331fd60aab0c.png', 'src/assets.ts')).toEqual([]);
    expect(ids('<input type="hidden" name="authenticity_token" value="7SWa-Fo1_hsC6oovfBsJFLGPUl2EhkSWPbJhWANwgaJWBDl1vxd9VNqXTNAefsJq" />', 'app/views/form.html')).toEqual([]);
    expect(ids('notes = "Maven - io.jsonwebtoken:jjwt-jackson-0.11.2"', 'build.tf')).toEqual([]);
    expect(ids('publicToken = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"', 'src/embed.ts')).toEqual([]);
    // (Assigned to a key name, the generic detector still has its say; it is not called an Anthropic key.)
    expect(ids('ANTHROPIC_API_KEY=sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde-1234fghijklmnopby56aaaogaopaaaabc123xyzAA')).not.toContain('anthropic-api-key');
  });
});
