import type { Detector } from '../detector.js';
import { freeFormValueReason, hasPlaceholderWord } from '../false-positives.js';
import { decodeBase64 } from './credential-files.js';
import { at } from './shapes.js';

/**
 * Credentials recognised by the form they are written in rather than by a provider's token shape:
 * connection strings (JDBC, ADO.NET, Azure App Configuration), framework secrets (Django,
 * WordPress), config-file syntaxes (`password "…"`, FileZilla `<Pass>`), HTTP header schemes, SAS
 * URLs with `sig=` first, and base64-wrapped private keys and service-account files.
 */

/** Longest base64 blob decoded to look for a wrapped key (a 4096-bit PEM key is ~4.4 KB, base64 ~6 KB). */
const MAX_WRAPPED = 24_000;

/** base64 text whose decoding is a PEM private key or a service-account JSON with a private key. */
export function wrapsPrivateKey(encoded: string): boolean {
  if (encoded.length > MAX_WRAPPED) return false;
  const decoded = decodeBase64(encoded.replace(/\s+/g, ''))?.toString('utf8');
  if (!decoded) return false;
  if (/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[A-Za-z0-9+/=\s\\]{40,}-----END (?:[A-Z]+ )?PRIVATE KEY-----/.test(decoded)) return true;
  return /"type"\s*:\s*"service_account"/.test(decoded) && /"private_key"\s*:\s*"-----BEGIN PRIVATE KEY-----/.test(decoded);
}

/** base64-wrapped-private-key's samples, read only from `samples` (so that the bundles leave them out: scripts/drop-samples.mjs). */
function wrappedKeySamples(): Detector['samples'] {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const pem = base64('-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAwJx0t9ZfVq3kYbqX1r8Qh2mZ\nn4cVb7W3pXk1Lq9sT0yH2uR5eD6aJ8fG4iK7oM3nB1vC9xZ2wQ5eR8tY6uI0pA==\n-----END PRIVATE KEY-----\n');
  const serviceAccount = base64(
    JSON.stringify({ type: 'service_account', project_id: 'acme-ci', private_key_id: '4f1c0e3b9a7d', private_key: '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA3kYbqX1r8Qh2mZn4cVb7W3pX\n-----END PRIVATE KEY-----\n', client_email: 'ci@acme-ci.iam.gserviceaccount.com' }, null, 2),
  );
  const certificate = base64('-----BEGIN CERTIFICATE-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAwJx0t9ZfVq3kYbqX1r8Qh2mZ\n-----END CERTIFICATE-----\n');
  return {
    positive: [at('private_key_base64 = "§"', pem, 'vars.tf'), at('GOOGLE_CREDENTIALS=§', serviceAccount)],
    negative: [`ca_bundle_base64 = "${certificate}"`],
  };
}

/** Django's `get_random_secret_key()` alphabet: lower-case letters, digits and `!@#$%^&*(-_=+)`. */
const DJANGO_KEY = String.raw`[a-z0-9!@#$%^&*(\-_=+)]{50}`;

const WORDPRESS_NAMES = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'];

export const formDetectors: Detector[] = [
  {
    // JDBC URLs: `jdbc:<driver>:…password=…` (query or `;`-separated properties) or `//user:pass@host`.
    id: 'jdbc-connection-password',
    title: 'Password in a JDBC connection URL',
    provider: 'Database',
    level: 'error',
    keywords: ['jdbc:'],
    pattern: /jdbc:[a-z0-9]{2,20}:(?:(?:[a-z0-9]{2,20}:)?\/\/[^\s:/@"'<>]{1,80}:(?=[^\s@/"'<>]{1,200}@)|[^\s"'<>]{0,300}?[?;&:](?:password|pwd)=)(?<secret>[^\s@/"'<>;&]{1,200})/i,
    samples: {
      positive: [
        at('spring.datasource.url=jdbc:postgresql://db.acme.internal:5432/app?user=app&password=§', 'Vq8Zm2Lx9Tk4'),
        at('url: "jdbc:sqlserver://sql.acme.io:1433;databaseName=billing;user=svc;password=§;encrypt=true"', 'Kd7Rt2Wq9Zm5', 'application.yml'),
        at('DB_URL=jdbc:mysql://svc:§@mysql.acme.io:3306/shop', 'Pq3Lm8Xv2Nr6'),
      ],
      negative: ['url=jdbc:postgresql://db.acme.internal:5432/app?user=app', 'url=jdbc:postgresql://db:5432/app?user=app&password=${DB_PASSWORD}'],
    },
  },
  {
    // ADO.NET / ODBC connection strings: `Server=…;…;Password=…;` (or `Pwd=`).
    id: 'adonet-connection-password',
    title: 'Password in an ADO.NET / ODBC connection string',
    provider: 'Database',
    level: 'error',
    keywords: ['password=', 'pwd='],
    pattern: /(?<![A-Za-z])(?:server|data source|host|address|addr|dsn|driver)[ \t]*=[^;\n"'=]{1,200};(?:[^;\n"']{0,200};){0,12}?[ \t]*(?:password|pwd)[ \t]*=[ \t]*(?<secret>[^;\n"'\s][^;\n"']{0,199})/i,
    samples: {
      positive: [
        at('"Default": "Server=sql.acme.io;Database=billing;User Id=svc;Password=§;TrustServerCertificate=true"', 'Rf6&Tq2Zm9Lx', 'appsettings.json'),
        at('DSN=billing;Uid=svc;Pwd=§;', 'Gk3Vw8Nz1Qp7', 'odbc.ini'),
      ],
      negative: ['"Default": "Server=sql.acme.io;Database=billing;Integrated Security=true"', '"Default": "Server=sql;Database=b;User Id=sa;Password=password;"'],
    },
  },
  {
    // Azure App Configuration: `Endpoint=https://<n>.azconfig.io;Id=<id>;Secret=<44 base64>`.
    id: 'azure-app-configuration-connection-string',
    title: 'Azure App Configuration connection string',
    provider: 'Azure',
    level: 'error',
    keywords: ['.azconfig.io'],
    pattern: /Endpoint=https:\/\/[a-z0-9-]{1,60}\.azconfig\.io;Id=[^;\s"']{1,60};Secret=(?<secret>[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/,
    entropy: 4,
    samples: {
      positive: [at('APPCONFIG=Endpoint=https://acme-cfg.azconfig.io;Id=2xY9-l0-s0:Qp7Lm2Xv;Secret=§', 'q8Zm2Lx9Tk4Rn7Wp1Bs3Hd6Vf0Gy5Jc8Ku2Nx4Pa7Ed=')],
      negative: ['APPCONFIG=Endpoint=https://acme-cfg.azconfig.io;Id=2xY9;Secret=short='],
    },
  },
  {
    // SAS URLs whose query starts with the signature: `?sig=…&se=…&sp=…&sv=…`.
    id: 'azure-sas-token-sig-first',
    title: 'Azure shared access signature (SAS) token',
    provider: 'Azure',
    level: 'error',
    keywords: ['?sig='],
    pattern: /\?sig=(?<secret>[A-Za-z0-9%/+]{40,100}=?)(?:&(?:se|sp|sv|sr|st|spr|srt|ss|skoid|sktid|skt|ske|sks|skv|sdd)=[^\s"'<>&?]{0,100}){2,}/,
    entropy: 4,
    samples: {
      positive: [at('BACKUP_URL=https://acme.blob.core.windows.net/b/f.zip?sig=§&se=2027-01-01T00%3A00%3A00Z&sp=r&sv=2022-11-02&sr=b', 'Us7UL8NQD+u0RWKyOGu2K2dwfNgglC/J/DFvrKM898Q%3D')],
      negative: ['https://api.acme.dev/callback?sig=9soLoaVT3Q/T9dym+gCn4t55brZZHQNOUb48TNDqo14%3D&page=2'],
    },
  },
  {
    // Django settings: `SECRET_KEY = '…'` (50 chars of get_random_secret_key's alphabet), also as an env default.
    id: 'django-secret-key',
    title: 'Django SECRET_KEY',
    provider: 'Django',
    level: 'error',
    keywords: ['secret_key'],
    pattern: new RegExp(String.raw`\bSECRET_KEY[ \t]*=[ \t]*(?:[\w.]{1,40}\([ \t]*["'][A-Z_]{1,40}["'][ \t]*,[ \t]*(?:default[ \t]*=[ \t]*)?)?r?(?<q>["'])(?<secret>(?:django-insecure-)?${DJANGO_KEY})\k<q>`),
    entropy: 4,
    pathPattern: /\.py$/,
    samples: {
      positive: [
        at("SECRET_KEY = '§'", 'k#8v@2x!q9m(z4r&l7t^w1y=p3n+c6b)e0d-j5h_s8f%g2a$u7', 'acme/settings.py'),
        at("SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', '§')", '9x!m2q@z7v(4k&r1t^l8w=y3p+n6c)b0e-d5j_h8s%f2g$a7u3', 'acme/settings/base.py'),
      ],
      negative: [{ text: "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']", path: 'acme/settings.py' }, { text: "SECRET_KEY = 'k#8v@2x!q9m(z4r&l7t^w1y=p3n+c6b)e0d-j5h_s8f%g2a$u7'", path: 'README.md' }],
    },
  },
  {
    // WordPress salts: `define( 'AUTH_KEY', '…' );` with any printable characters and aligned arguments.
    id: 'wordpress-salt',
    title: 'WordPress authentication key or salt',
    provider: 'WordPress',
    level: 'error',
    keywords: WORDPRESS_NAMES.map((n) => n.toLowerCase()),
    pattern: new RegExp(String.raw`define\([ \t]*["'](?:${WORDPRESS_NAMES.join('|')})["'][ \t]*,[ \t]*(?<q>["'])(?<secret>(?:(?!\k<q>)[\x20-\x7e]){32,100})\k<q>[ \t]*\)`),
    entropy: 4,
    // Salts are any printable characters (`<…>`, `{…}` included), so the generic placeholder filters would misread them.
    validate: (secret) => !/unique phrase|put your|^\s|\s$|\$\{|\{\{/i.test(secret),
    skipGenericFilters: true,
    samples: {
      positive: [
        at("define('AUTH_KEY',         '§');", 'q8|Zm2 Lx9<Tk4>Rn7{Wp1}Bs3;Hd6,Vf0&Gy5(Jc8)Ku2[Nx4]Pa7', 'wp-config.php'),
        at("define( 'NONCE_SALT', '§' );", 'M#3v@Lq!8z(Xr&2t^Kw=9y+Pn)4c-Jb_7d%Hs$1f~Gg.5a:Tu`6', 'wp-config.php'),
      ],
      negative: [{ text: "define('AUTH_KEY',         'put your unique phrase here');", path: 'wp-config-sample.php' }],
    },
  },
  {
    // `password "…"` in esmtprc / fetchmailrc / msmtprc-like files (keyword, space, quoted value).
    id: 'config-password-quoted',
    title: 'Password in a mail or tool configuration file',
    provider: 'Generic',
    level: 'error',
    keywords: ['password "', 'password  "'],
    pattern: /(?:^[ \t]*(?:set[ \t]+)?|[ \t]user(?:name)?[ \t]+"[^"\n]{1,80}"[ \t]+)password[ \t]+"(?<secret>[^"\s][^"\n]{3,200})"/m,
    samples: {
      positive: [
        at('poll mail.acme.io protocol imap user "ops" password "§"', 'Zq8Lm2Xv9Rk4', '.fetchmailrc'),
        at('  password "§"', 'Tw5Nc1Hd7Pq3', '.esmtprc'),
      ],
      negative: ['  password "$MAIL_PASSWORD"', 'throw new Error("Wrong password " + user)'],
    },
  },
  {
    // FileZilla site manager / recent servers: `<Pass>…</Pass>` or `<Pass encoding="base64">…</Pass>`.
    // The file itself should never be in a repository, so even a weak value is reported.
    id: 'filezilla-password',
    title: 'Stored password in a FileZilla export (credential file)',
    provider: 'File transfer',
    level: 'error',
    keywords: ['<pass>', '<pass '],
    pattern: /<Pass(?:[ \t]+encoding="base64")?>(?<secret>[^<\s]{1,500})<\/Pass>/,
    // Any password may be stored, weak ones too (no generic filters), but not a stand-in: `<Pass>…</Pass>`, `<Pass>***</Pass>`.
    validate: (secret) => !/\$\{|\{\{|%\w+%/.test(secret) && !hasPlaceholderWord(secret),
    skipGenericFilters: true,
    samples: {
      positive: [at('      <Pass encoding="base64">§</Pass>', 'UXo4TG0yWHY5Ums0', 'sitemanager.xml'), at('<Pass>§</Pass>', 'ftpuser2024', 'recentservers.xml')],
      negative: ['<Password>Qz8Lm2Xv9Rk4</Password>', '<Pass></Pass>', '<Pass>${FTP_PASSWORD}</Pass>', '<Pass>…</Pass>', '<Pass encoding="base64">***</Pass>'],
    },
  },
  {
    // Authorization headers with other schemes: `Api-Token …`, `Token …`, `Key …`, and `Api-Token: …`.
    id: 'generic-authorization-header',
    title: 'Credential in an HTTP Authorization header',
    provider: 'Generic',
    level: 'error',
    keywords: ['authorization', 'api-token'],
    pattern: /(?:\bauthorization["']?[ \t]*[:=,][ \t]*["']?(?:api-token|token|key|apikey|sso-key)[ \t]+|(?<![\w-])(?:x-)?api-token["']?[ \t]*[:=,][ \t]*["']?)(?<secret>[A-Za-z0-9._~+/:-]{11,500}=*)(?![A-Za-z0-9._~+/=:-])/i,
    entropy: 3,
    samples: {
      positive: [
        { text: 'curl -H "Authorization: Api-Token Vq8Zm2Lx9Tk4Rn7Wp1" https://acme.live.dynatrace.com/api/v2/metrics', secret: 'Vq8Zm2Lx9Tk4Rn7Wp1', path: 'ci.sh' },
        { text: "headers = {'Authorization': 'Token Kd7Rt2Wq9Zm5Px3Lv8Nb'}", secret: 'Kd7Rt2Wq9Zm5Px3Lv8Nb', path: 'client.py' },
        { text: 'Api-Token: Hq4Nv7Xc2Lw', secret: 'Hq4Nv7Xc2Lw', path: 'request.http' },
      ],
      negative: ['Authorization: Token {{ api_token }}', 'Authorization: Bearer Vq8Zm2Lx9Tk4Rn7Wp1Bs3'],
    },
  },
  {
    // A PEM private key or a service-account JSON, base64-wrapped (Terraform `*_base64`, CI variables):
    // the blob is decoded (bounded) and the decoded text must hold the key.
    id: 'base64-wrapped-private-key',
    title: 'Base64-encoded private key or service-account key file',
    provider: 'Private key',
    level: 'error',
    keywords: ['ls0tls1crudjti', 'ewogicj0exblijoginnlcnzpy2vfywnjb3vudcis', 'eyj0exblijoginnlcnzpy2vfywnjb3vudci', 'eyj0exblijoic2vydmljzv9hy2nvdw50i'],
    pattern: /(?<![A-Za-z0-9+/])(?<secret>(?:LS0tLS1CRUdJTi|ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs|eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCI|eyJ0eXBlIjoic2VydmljZV9hY2NvdW50I)[A-Za-z0-9+/]{60,24000}={0,2})(?![A-Za-z0-9+/=])/,
    validate: wrapsPrivateKey,
    skipGenericFilters: true,
    samples: wrappedKeySamples(),
  },
];

/** The decoded value of a credential-file entry is weak or a placeholder: still reported, at warning. */
export function weakStoredValue(value: string): boolean {
  return freeFormValueReason(value) !== undefined;
}
