import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { keyedFingerprint } from '../../../src/core/secrets/fingerprint.js';
import { defaultSettings, type Finding } from '../../../src/core/types.js';

/**
 * Forms the catalog used to miss, misattribute or misread, scanned with the whole catalog (so
 * overlap resolution and the shared filters take part). Values are made up for these tests.
 */
const scan = (content: string, path = 'config.env'): Finding[] => scanSecrets({ path, content }, defaultSettings());
const rules = (content: string, path?: string): string[] => scan(content, path).map((f) => f.rule);

describe('known misses are found', () => {
  it('Intercom tokens whose UUID starts with a letter (dG9rOm…)', () => {
    const token = Buffer.from('tok:af3c2e1d-9b8a-4c7d-8e6f-5a4b3c2d1e0f:1:0').toString('base64').replace(/=+$/, '');
    expect(token.startsWith('dG9rOm')).toBe(true);
    expect(rules(`INTERCOM_TOKEN=${token}`)).toContain('secret/intercom-access-token');
  });

  it('Slack workflow webhooks with the app id', () => {
    expect(rules('SLACK_WEBHOOK=https://hooks.slack.com/workflows/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')).toContain('secret/slack-workflow-webhook');
  });

  it('Facebook app id|secret', () => {
    expect(rules('FACEBOOK_ACCESS_TOKEN=1234567890123456|9f3a51c0b7e2d4a86c15e0f2a7b3c9d1')).toContain('secret/facebook-app-access-token');
  });

  it('Vault s. tokens and MailerSend mlsn. tokens are not taken for dotted identifiers', () => {
    expect(rules('X_TOKEN=s.Vq8Zm2Lx9Tk4Rn7Wp1Bs3Hd6')).toContain('secret/generic-token');
    expect(rules('MAILERSEND_API_TOKEN=mlsn.9f3a51c0b7e2d4a86c15e0f2a7b3c9d18e4f6a2b0c7d5e3f1a9b8c6d4e2f0a17')).toContain('secret/mailersend-api-token');
    expect(rules('DB_PASSWORD=settings.database.password')).toEqual([]);
  });

  it('Paystack sk_live_ + 40 hex is Paystack, not Stripe', () => {
    expect(rules('PAYSTACK_SECRET_KEY=sk_live_9f3a51c0b7e2d4a86c15e0f2a7b3c9d18e4f6a2b')).toEqual(['secret/paystack-secret-key']);
    expect(rules('STRIPE_SECRET_KEY=sk_live_wvOucAEB5NNJEprepXApuJk3')).toEqual(['secret/stripe-secret-key']);
  });

  it('curl -u forms: quotes, spaces, @, empty user, line continuations', () => {
    expect(rules("curl -u admin:'Rq7 mZ2x@L9vK' https://nexus.acme.io/", 'ci.sh')).toContain('secret/generic-curl-user');
    expect(rules('curl -sS \\\n  --user  deploy:Hy6Vd1Qs8@Kc3 \\\n  https://nexus.acme.io/', 'ci.sh')).toContain('secret/generic-curl-user');
  });

  it('Authorization header schemes Api-Token, Token, Key', () => {
    expect(rules('curl -H "Authorization: Api-Token Vq8Zm2Lx9Tk4Rn7Wp1" https://x.acme.io', 'ci.sh')).toContain('secret/generic-authorization-header');
    expect(rules("headers = {'Authorization': 'Key Kd7Rt2Wq9Zm5Px3Lv8Nb'}", 'client.py')).toContain('secret/generic-authorization-header');
  });

  it('Django SECRET_KEY and aligned WordPress salts', () => {
    expect(rules("SECRET_KEY = 'k#8v@2x!q9m(z4r&l7t^w1y=p3n+c6b)e0d-j5h_s8f%g2a$u7'", 'app/settings.py')).toContain('secret/django-secret-key');
    expect(rules("define('AUTH_KEY',         'q8|Zm2 Lx9<Tk4>Rn7{Wp1}Bs3;Hd6,Vf0&Gy5(Jc8)Ku2[Nx4]Pa7');", 'wp-config.php')).toContain('secret/wordpress-salt');
  });

  it('FileZilla <Pass>, password "…", JDBC and ADO.NET strings', () => {
    expect(rules('<Pass encoding="base64">UXo4TG0yWHY5Ums0</Pass>', 'sitemanager.xml')).toContain('secret/filezilla-password');
    expect(rules('poll mail.acme.io user "ops" password "Zq8Lm2Xv9Rk4"', '.fetchmailrc')).toContain('secret/config-password-quoted');
    expect(rules('url: jdbc:postgresql://db:5432/app?user=app&password=Vq8Zm2Lx9Tk4', 'application.yml')).toContain('secret/jdbc-connection-password');
    expect(rules('"Db": "Server=sql.acme.io;Database=b;User Id=svc;Password=Rf6&Tq2Zm9Lx;"', 'appsettings.json')).toContain('secret/adonet-connection-password');
  });

  it('PEM keys as string concatenation and behind comment prefixes', () => {
    const body = ['MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu', 'KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm', 'o3qGy0t6z09AIJtH+5OeRV1be+N4cDYJKffGzDa88vQENZiRm0GRq6a+HPGQMd2k'];
    const concatenated = ['"-----BEGIN RSA PRIVATE KEY-----\\n" +', ...body.map((l) => `"${l}\\n" +`), '"-----END RSA PRIVATE KEY-----\\n"'].join('\n');
    expect(rules(`const key = ${concatenated};`, 'src/keys.js')).toContain('secret/private-key-rsa');
    const commented = ['# -----BEGIN RSA PRIVATE KEY-----', ...body.map((l) => `# ${l}`), '# -----END RSA PRIVATE KEY-----'].join('\n');
    expect(rules(commented, 'notes.sh')).toContain('secret/private-key-rsa');
  });

  it('base64-wrapped PEM keys and service-account JSON', () => {
    const pem = Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAwJx0t9ZfVq3kYbqX1r8Qh2mZ\n-----END PRIVATE KEY-----\n').toString('base64');
    expect(rules(`tls_key_base64 = "${pem}"`, 'main.tf')).toContain('secret/base64-wrapped-private-key');
  });

  it('Kubernetes Secret data with a comment line before the key', () => {
    const manifest = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ceph\ndata:\n# from ceph auth get-key\n  key: UTdtWjJ4TDlrUjR2Vm44WHE=\n';
    expect(rules(manifest, 'ceph-secret.yaml')).toContain('secret/kubernetes-secret-data');
  });

  it('Azure SAS with sig= first', () => {
    expect(rules('URL=https://a.blob.core.windows.net/b/f?sig=Us7UL8NQD%2Bu0RWKyOGu2K2dwfNgglC%2FJ%2FDFvrKM898Q%3D&se=2027-01-01&sp=r&sv=2022-11-02')).toContain('secret/azure-sas-token-sig-first');
  });

  it('a UUID key anchored by its provider name', () => {
    expect(rules('HUBSPOT_API_KEY=3f8a1c2e-9b7d-4e6f-a5c4-1d2e3f4a5b6c')).toEqual(['secret/hubspot-api-key']);
  });
});

describe('false-positive classes stay quiet', () => {
  it.each([
    ['Go enum constant', 'const Oauth2ClientSecret ClientSecret = "Oauth2ClientSecret"', 'types.go'],
    ['ALL_CAPS constant near cloudflare', 'cloudflare_token = "CLOUDFLARE_API_TOKEN_ENVIRONMENT_VARIAB"', 'dns.tf'],
    ['camelCase function near vercel', 'vercel token: useVercelDeploymentHook', 'hooks.md'],
    ['$-joined generated names', 'secret: Resource$Projects$Locations$Credentials', 'api.yml'],
    ['Terraform count index', 'password = random_password.db.0.result', 'main.tf'],
    ['entry point', 'api_key = acme.auth.plugins:ApiKeyPlugin', 'setup.cfg'],
    ['base64 of a placeholder', 'password: cGFzc3dvcmQ=', 'values.yml'],
    ['next CLI flag', 'RUN adduser --password --no-create-home app', 'Dockerfile'],
    ['class inheritance', 'class SigV4Token(SigV4QueryAuth):', 'auth.py'],
    ['Mapbox public token', 'token: pk.eyJ1IjoiYWNtZSIsImEiOiJjbDR6eHZ5a3cwMDAwM2lwN2h4Z3h4eHh4In0.Vq8Zm2Lx9Tk4Rn7Wp1Bs3H', 'map.yml'],
    ['Kubernetes Secret user name', 'apiVersion: v1\nkind: Secret\ndata:\n  apiUsername: YmlsbGluZy1zdmMtMjAyNA==\n', 'secret.yaml'],
    ['UUID under a provider name without a credential word', 'HUBSPOT_PORTAL_ID=3f8a1c2e-9b7d-4e6f-a5c4-1d2e3f4a5b6c', '.env'],
  ])('%s', (_name, content, path) => {
    expect(scan(content, path).map((f) => `${f.rule} ${f.redacted}`)).toEqual([]);
  });
});

describe('credential files are credentials', () => {
  it('reports weak stored values at warning and says why', () => {
    const [pg] = scan('localhost:5432:*:postgres:postgres\n', '.pgpass');
    expect(pg).toMatchObject({ rule: 'secret/pgpass-password', level: 'warning' });
    expect(pg.message).toMatch(/credential file should not be in the repository; the value looks weak/);
    const [wp] = scan("define('DB_PASSWORD', 'root');\n", 'site/wp-config.php');
    expect(wp).toMatchObject({ rule: 'secret/wp-config-db-password', level: 'warning' });
    const [ht] = scan('admin:$apr1$Zq8Lm2Xv$9Rk4Tw5Nc1Hd7Pq3Lv8Nb0\n', '.htpasswd');
    expect(ht).toMatchObject({ rule: 'secret/htpasswd-hash', level: 'warning' });
    expect(ht.message).toMatch(/password hash/);
  });

  it('names a value under the key each scan gives (the wording remembers the last key\'s fingerprint, never another key\'s)', () => {
    const content = 'db:5432:*:app:Zq8Lm2Xv9Rk4\n';
    const keys = ['a'.repeat(64), 'b'.repeat(64), 'a'.repeat(64)];
    const ids = keys.map((key) => {
      const [byContent] = scanSecrets({ path: '.pgpass', content }, { ...defaultSettings(), fingerprint: { kind: 'location' }, contentKey: key });
      const [keyed] = scanSecrets({ path: '.pgpass', content }, { ...defaultSettings(), fingerprint: { kind: 'keyed', key }, contentKey: 'c'.repeat(64) });
      expect(byContent.contentId).toBe(keyedFingerprint(key, byContent.detector!, 'Zq8Lm2Xv9Rk4'));
      expect(keyed.fingerprint).toBe(keyedFingerprint(key, keyed.detector!, 'Zq8Lm2Xv9Rk4'));
      expect(keyed.contentId).toBe(keyedFingerprint('c'.repeat(64), keyed.detector!, 'Zq8Lm2Xv9Rk4'));
      return byContent.contentId;
    });
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe(ids[0]);
  });

  it('words each finding from its own value, however many values were worded before (the wording memo and its bound)', () => {
    // 30,000 distinct passwords (more than the memo holds), each in two files: every finding's
    // redacted tail is its own value's, and a weak value's message keeps its reason.
    const levels = { warning: 0, error: 0 };
    for (let round = 0; round < 2; round++) {
      for (let file = 0; file < 60; file++) {
        const values = Array.from({ length: 250 }, (_, i) => `Zq8Lm2Xv9R${String(file * 250 + i).padStart(6, '0')}k`);
        const found = scan(values.map((v, i) => `db${i}:5432:*:app:${v}\n`).join('') + 'localhost:5432:*:postgres:postgres\n', '.pgpass');
        expect(found).toHaveLength(251);
        found.slice(0, 250).forEach((f, i) => {
          expect(f.redacted).toBe(`…${values[i].slice(-4)}`);
          // Some of these values look weak (runs of one digit): the reason, and the level, are the value's own.
          expect(f.message.startsWith(`Password in a PostgreSQL .pgpass file: …${values[i].slice(-4)} (a credential file should not be in the repository`)).toBe(true);
          expect(f.level).toBe(f.message.includes('; the value looks weak: ') ? 'warning' : 'error');
          levels[f.level as 'warning' | 'error']++;
        });
        expect(found[250]).toMatchObject({ level: 'warning' });
        expect(found[250].message).toMatch(/; the value looks weak: /);
      }
    }
    expect(levels.warning).toBeGreaterThan(0);
    expect(levels.error).toBeGreaterThan(10_000);
    // One value, weak in a fixture's credential file and not elsewhere: each file words it its own way.
    for (const path of ['.pgpass', 'test/fixtures/.pgpass', '.pgpass', 'test/fixtures/.pgpass']) {
      const [f] = scan('db:5432:*:app:Zq8Lm2Xv9Rk4\n', path);
      const weak = path.startsWith('test/');
      expect(f.level, path).toBe(weak ? 'warning' : 'error');
      expect(f.message, path).toBe(`Password in a PostgreSQL .pgpass file: …Rk4 (a credential file should not be in the repository${weak ? '; the value looks weak: example, test or template file' : ''})`);
    }
  });

  it('reports strong stored values at error and drops templated ones', () => {
    expect(scan('machine ci.acme.io\n  login deploy\n  password Zq8Lm2Xv9Rk4\n', '.netrc').map((f) => [f.rule, f.level])).toEqual([['secret/netrc-password', 'error']]);
    expect(scan('localhost:5432:*:postgres:${PGPASSWORD}\n', '.pgpass')).toEqual([]);
  });

  it('finds generic assignments in .txt files that are not documentation', () => {
    expect(rules('DB_PASSWORD=Zq8Lm2Xv9Rk4Tw5\n', 'ops/credentials.txt')).toEqual(['secret/generic-password']);
    expect(rules('DB_PASSWORD=Zq8Lm2Xv9Rk4Tw5\n', 'README.txt')).toEqual([]);
    expect(rules('DB_PASSWORD=changeme\n', 'notes.txt')).toEqual([]);
  });
});

describe('false positives seen on published npm packages stay quiet', () => {
  it.each([
    ['API path enum', '  RESET_PASSWORD = "/v1/accounts:resetPassword",', 'dist/src/api/index.d.ts'],
    ['type name enum', '  VerifyCustomToken = "identitytoolkit#VerifyCustomTokenResponse",', 'dist/auth.d.ts'],
    ['VAPID public key', "const DEFAULT_VAPID_KEY = 'BDOU99-h67HcA6JeFXHbSNMu7e2yNNu3RzoMj8TM4W88jITfq7ZmPvIM1Iv-4_l2LxQcYwhqby2xGpWwzjfAnG4';", 'dist/index.js'],
    ['regex replacement', '  { token: "keyword.tag-$1" }', 'vb.js'],
    ['doc comment in a declaration file', '   * Specifies a 256-bit encryption key, encoded in base64, e.g. key: SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0=', 'apis/compute/v1.d.ts'],
  ])('%s', (_name, content, path) => {
    expect(scan(content, path).map((f) => `${f.rule} ${f.redacted}`)).toEqual([]);
  });
});

describe('provider-name-anchored keys', () => {
  it('do not take a digest on the next line for a key', () => {
    const xml = '  <testingbotApiKey>xbyz8wray9vq81r3r58tw2mpkuabrxah</testingbotApiKey>\n  <passwordHash>0d24cf2f7becdb54156a50fad2c1e49b</passwordHash>\n';
    expect(scan(xml, 'conf/settings.xml').map((f) => f.rule)).toEqual(['secret/testingbot-secret']);
  });

  it('find a key whose provider name is on the line before', () => {
    expect(rules('shodan:\n  api_key: 28tEbDdpkFvftp9XkMzAf7O7uVTYlPYD\n', 'config.yml')).toEqual(['secret/shodan-api-key']);
  });
});
