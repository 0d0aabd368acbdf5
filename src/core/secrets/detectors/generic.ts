import type { Detector } from '../detector.js';
import { freeFormValueReason } from '../false-positives.js';

/**
 * Generic detection: a literal value assigned to a secret-like name, in every syntax we meet in
 * repositories — `.env`, shell `export`, Dockerfile `ENV`, YAML, JSON, INI, Java properties, TOML,
 * HCL, connection strings, CLI flags, and code (JS/TS, Python, Go, Java, C#, Ruby, PHP, Kotlin…).
 *
 * The regexes only find *assignments*; precision comes from the false-positive filters
 * (false-positives.ts), which know templating, references, placeholders, hashes and UUIDs, and
 * which treat an unquoted value in a code file as a variable. Ids start with `generic-`, so the
 * engine lets a provider detector win on the same span.
 */

/**
 * Characters of a value: no whitespace, quotes, escapes, brackets or list separators. `&` belongs to
 * the value (`p4ss&w0rd`) unless it separates URL query parameters (`&user=`) or opens an HTML
 * entity (`&amp;`) or is a shell operator (`&&`, `cmd &`), so query strings still end a value where the
 * next parameter starts.
 */
const VALUE_CHAR = String.raw`(?:[^\s"'\x60\\<>;,(){}\[\]&|]|&(?![&\s]|$|[\w.\-\[\]]{1,80}=|#?\w{1,10};))`;

/**
 * The name must end in a secret word (an optional `_key`-like suffix aside), so `password_hash`,
 * `tokenizer`, `author`, `secretName` and `PASSWORD_FILE` are not secret names.
 */
function name(words: string): string {
  // The name may not say the value is public (`publicToken`, `PUBLISHABLE_KEY`): those are meant to be
  // shipped. (A lookbehind after the words, so the leading name part keeps the shape compile.ts anchors on.)
  return String.raw`(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]{0,40}?(?:${words})(?<!publi(?:c|shable)[A-Za-z0-9_.-]{0,40})(?:[_.-]?(?:key|value|str|string|base|text|b64|base64)){0,2}(?![A-Za-z0-9_])`;
}

/**
 * Name → value glue: `=`, `:`, `:=`, `=>`, `??=`, `||=`, a typed declaration (`password: string =`),
 * a C# auto-property (`ApiKey { get; set; } =`), a call argument (`setPassword("…")`, `define('API_KEY', '…')`), a CLI flag (`--password …`)
 * and Dockerfile's legacy `ENV NAME value`. Never `==`, `!=`, `=~`.
 */
const ASSIGN = String.raw`(?:["'\x60]\]?|\])?(?:[ \t]*\{[ \t]*get;[ \t]*(?:(?:private|protected|internal)[ \t]+)?(?:set|init);[ \t]*\})?(?:[ \t]{0,3}:[ \t]{0,3}[A-Za-z_][\w.<>?]{0,30})?(?:[ \t]{0,5}(?::=|=>|\?\?=|\|\|=|=(?![=~>])|:(?![:\/\\])|\()|(?<=\([ \t]{0,3}["'][A-Za-z0-9_.-]{1,80}["'])[ \t]{0,3},|(?<=(?:^|\s)--[A-Za-z0-9_.-]{1,60})[ \t]|(?<=^[ \t]{0,20}ENV[ \t]{1,10}[A-Za-z0-9_.-]{1,80})[ \t])[ \t]{0,5}`;

/** The value: quoted or bare; bare values must end at a delimiter (no partial captures). */
function value(min: number): string {
  return String.raw`(?:[bruf@]{1,2}(?=["']))?(?<q>["'\x60]?)(?:(?:bearer|token)[ \t]+)?(?<secret>${VALUE_CHAR}{${min},500})(?!${VALUE_CHAR})\k<q>(?![\\(<{\[])`;
}

function assignment(words: string, min: number): RegExp {
  return new RegExp(name(words) + ASSIGN + value(min), 'im');
}

/**
 * Any `…_KEY` / `…Key` name (`SENTRY_KEY`, `gradlePublishKey`, `STORAGE_ACCOUNT_KEY`). Case matters
 * here: the `Key` of camelCase must start a word, so `monkey` and `hockey` are not names of keys.
 */
const KEY_NAME = String.raw`(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]{1,40}?(?:[_.-][Kk][Ee][Yy]|(?<=[a-z0-9])Key)(?![A-Za-z0-9_])`;

const charClasses = (s: string): number => [/\p{Ll}/u, /\p{Lu}/u, /\d/, /[^\p{L}\d]/u].filter((re) => re.test(s)).length;

/**
 * Machine-made values mix character classes (`mysecretvalue` is a word, not a key), and a short
 * one is mixed-case, hex or punctuated: short lower-case-and-digit strings (`sdf0o9823sjdfsdf`) are
 * typed by hand, usually in docs.
 */
/** A package and its version (`jjwt-jackson-0.11.2` after `io.jsonwebtoken:` in a Maven coordinate). */
const PACKAGE_VERSION = /^[a-z][a-z0-9]*(?:[-_.][a-z][a-z0-9]*)*[-@]v?\d+\.\d+(?:\.\d+)?(?:[-.+][0-9A-Za-z.]+)?$/;
const looksGenerated = (s: string): boolean =>
  !PACKAGE_VERSION.test(s) && charClasses(s) >= 2 && (s.length >= 20 || (/[a-z]/.test(s) && /[A-Z]/.test(s)) || /^[0-9a-f]+$/i.test(s) || /[^A-Za-z0-9]/.test(s));

/** Human passwords are shorter; two classes (or a long passphrase) are enough. */
/** Code, not a password: a strict comparison (`d===t?a:b` quoted in a comment about a compiler pass). */
const CODE_EXPRESSION = /[=!]==/;
const looksLikePassword = (s: string): boolean => !CODE_EXPRESSION.test(s) && (charClasses(s) >= 2 || s.length >= 14);

/** `user:pass` inside base64, the shape of HTTP Basic credentials. */
export function decodesToUserPass(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) return false;
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && /^[\x21-\x7e]+$/.test(decoded);
}

/** Base64 `user:pass` whose password is itself a real value (not `password`, not `1234567890abcdef`). */
export function isBasicCredential(encoded: string): boolean {
  if (!decodesToUserPass(encoded)) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return freeFormValueReason(decoded.slice(decoded.indexOf(':') + 1)) === undefined;
}

/**
 * `stem_key`, `stemkey`, `stem-key`, `stem.key`: every spelling of `stem[_.-]?key`. The keywords
 * must cover every name the regex accepts: the engine runs these regexes only where a name runs
 * into a keyword hit (compile.ts `NameAnchor`).
 */
const keySpellings = (...stems: string[]): string[] => stems.flatMap((stem) => ['_', '', '-', '.'].map((sep) => `${stem}${sep}key`));

const PASSWORD_WORDS = String.raw`password|passwd|passphrase|pwd|(?<![A-Za-z])pass`;
const SECRET_WORDS = String.raw`secret|credentials?|(?:private|encryption|signing|master|hmac|shared|client)[_.-]?key`;
const API_KEY_WORDS = String.raw`api[_.-]?key|apikey|access[_.-]?key|app[_.-]?key|account[_.-]?key|subscription[_.-]?key`;
const TOKEN_WORDS = String.raw`token|auth|authorization|bearer|(?<=[_.-])pat`;

export const genericDetectors: Detector[] = [
  {
    id: 'generic-password',
    title: 'Password assigned in code or config',
    provider: 'Generic',
    level: 'error',
    keywords: ['pass', 'pwd'],
    pattern: assignment(PASSWORD_WORDS, 6),
    entropy: 2.3,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: 'DB_PASSWORD=Tz8#qLw2vR', secret: 'Tz8#qLw2vR', path: '.env' },
        { text: 'export MYSQL_ROOT_PASSWORD="h7Gk2pQ9zW"', secret: 'h7Gk2pQ9zW', path: 'deploy.sh' },
        { text: '  password: "r3Dw00d-Qx7"', secret: 'r3Dw00d-Qx7', path: 'config/database.yml' },
        { text: '{ "dbPassword": "Vq8mZ2#kL0p" }', secret: 'Vq8mZ2#kL0p', path: 'settings.json' },
        { text: 'spring.datasource.password=Ns4v!Jk29xQ', secret: 'Ns4v!Jk29xQ', path: 'application.properties' },
        { text: 'db_password = "k9Qz!m2Lr8"', secret: 'k9Qz!m2Lr8', path: 'terraform.tfvars' },
        { text: 'ENV ADMIN_PASSWORD=Pq7wX2z9Rt', secret: 'Pq7wX2z9Rt', path: 'Dockerfile' },
        { text: 'ENV ADMIN_PASSWORD Pq7wX2z9Rt', secret: 'Pq7wX2z9Rt', path: 'Dockerfile' },
        { text: 'conn = psycopg2.connect(host="db", password="Lk3mN8qZ2w")', secret: 'Lk3mN8qZ2w', path: 'app/db.py' },
        { text: 'private static final String PASSWORD = "xR7!kP2mQ9";', secret: 'xR7!kP2mQ9', path: 'src/Main.java' },
        { text: 'dbPassword := "Zq8Lm3Xv1K"', secret: 'Zq8Lm3Xv1K', path: 'main.go' },
        { text: '"Server=db;Database=app;User Id=sa;Password=Ab9Kx2Lm7Q;"', secret: 'Ab9Kx2Lm7Q', path: 'appsettings.json' },
        { text: "$password = 'M2x!Qp8zLw';", secret: 'M2x!Qp8zLw', path: 'config.php' },
        { text: 'config.setPassword("Wd3Rk9Lz2Q");', secret: 'Wd3Rk9Lz2Q', path: 'Client.kt' },
        { text: 'mysqldump --password=Qm7Rx2Lk9P app', secret: 'Qm7Rx2Lk9P', path: 'backup.sh' },
      ],
      negative: [
        { text: 'DB_PASSWORD=${DB_PASSWORD}', path: '.env' },
        { text: 'password: "{{ .Values.db.password }}"', path: 'templates/secret.yaml' },
        { text: 'password = os.environ["DB_PASSWORD"]', path: 'settings.py' },
        { text: 'const password = process.env.DB_PASSWORD;', path: 'db.ts' },
        { text: 'password := os.Getenv("DB_PASSWORD")', path: 'main.go' },
        { text: 'String password = System.getenv("DB_PASSWORD");', path: 'Main.java' },
        { text: 'password: changeme', path: 'values.yaml' },
        { text: 'DB_PASSWORD=your_password_here', path: '.env' },
        { text: 'password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"', path: 'users.py' },
        { text: 'if password == "Tz8#qLw2vR":', path: 'check.py' },
        { text: 'PASSWORD_MIN_LENGTH = 12', path: 'settings.py' },
        { text: 'user.password = hashed_password', path: 'models.py' },
        { text: 'password: "********"', path: 'docs.yml' },
        { text: 'password_file: /run/secrets/db_password', path: 'compose.yml' },
        { text: 'passwordless: true', path: 'config.yml' },
        { text: 'const password = req.body.password;', path: 'routes.js' },
        { text: 'password: $2b$12$KIXQj2s9lQ8m7v1rQ0yZ5u0oG5v6mQ2P8nS4tW1x3yZ7aB9cD0eF2', path: 'users.yml' },
      ],
    },
  },
  {
    id: 'generic-secret',
    title: 'Secret or private key value assigned in code or config',
    provider: 'Generic',
    level: 'error',
    keywords: ['secret', 'credential', ...keySpellings('private', 'encryption', 'signing', 'master', 'hmac', 'shared', 'client')],
    pattern: assignment(SECRET_WORDS, 10),
    entropy: 3,
    validate: looksGenerated,
    samples: {
      positive: [
        { text: "SECRET_KEY = 'q8vN3zL0xR7kW2mT9pY4sB6d'", secret: 'q8vN3zL0xR7kW2mT9pY4sB6d', path: 'settings.py' },
        { text: 'CLIENT_SECRET=Zk4tQ9wLm2Xr8Vn5Bq7Jd3Hs', secret: 'Zk4tQ9wLm2Xr8Vn5Bq7Jd3Hs', path: '.env' },
        { text: '  clientSecret: "Hd8Kq2Lm9Zx4Vr7Tn1Wp5Ys"', secret: 'Hd8Kq2Lm9Zx4Vr7Tn1Wp5Ys', path: 'config.yaml' },
        { text: 'const jwtSecret = "mQ3xL9zR2kV7wN4tB8pH";', secret: 'mQ3xL9zR2kV7wN4tB8pH', path: 'src/auth.ts' },
        { text: 'encryption_key = "b4Xk9LmQ2zR8vT1wN7pY"', secret: 'b4Xk9LmQ2zR8vT1wN7pY', path: 'config.toml' },
        { text: 'webhook_secret = "whk_8Tq2mZ9xL4rV7nB3"', secret: 'whk_8Tq2mZ9xL4rV7nB3', path: 'main.tf' },
        { text: 'config.secret_key_base = "a9F3kQ7zL2mX8vR4tW1n"', secret: 'a9F3kQ7zL2mX8vR4tW1n', path: 'config/application.rb' },
        { text: 'jwt.signing.key=Rk8Zq2Lm9Xv4Tn7Wp1Bs', secret: 'Rk8Zq2Lm9Xv4Tn7Wp1Bs', path: 'application.properties' },
      ],
      negative: [
        { text: 'secretName: db-credentials', path: 'deployment.yaml' },
        { text: 'client_secret = "${var.client_secret}"', path: 'main.tf' },
        { text: 'SECRET_KEY = "django-insecure-change-me"', path: 'settings.py' },
        { text: 'secret: ${{ secrets.DEPLOY_SECRET }}', path: '.github/workflows/deploy.yml' },
        { text: 'CLIENT_SECRET=<your-client-secret>', path: '.env' },
        { text: 'api_secret = settings.API_SECRET', path: 'client.py' },
        { text: 'secret_key: 550e8400-e29b-41d4-a716-446655440000', path: 'config.yml' },
        { text: 'secret_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', path: 'config.yml' },
        { text: 'secretKey: mysupersecretkey', path: 'config.yml' },
      ],
    },
  },
  {
    id: 'generic-api-key',
    title: 'API key assigned in code or config',
    provider: 'Generic',
    level: 'error',
    keywords: keySpellings('api', 'access', 'app', 'account', 'subscription'),
    pattern: assignment(API_KEY_WORDS, 10),
    entropy: 3,
    validate: looksGenerated,
    samples: {
      positive: [
        { text: 'WEATHER_API_KEY=7f3k9QzL2mX8vR4tW1nB', secret: '7f3k9QzL2mX8vR4tW1nB', path: '.env' },
        { text: 'const apiKey = "k2Vq9Zm4Lx7Tr1Wn8Bp3";', secret: 'k2Vq9Zm4Lx7Tr1Wn8Bp3', path: 'src/client.js' },
        { text: 'api_key: "Qz7mL2xR9vK4tW8nB1pY"', secret: 'Qz7mL2xR9vK4tW8nB1pY', path: 'config.yaml' },
        { text: '"apiKey": "Lm4Xq8Zr2Vk7Tn9Wp1Bs"', secret: 'Lm4Xq8Zr2Vk7Tn9Wp1Bs', path: 'config.json' },
        { text: 'curl -H "X-API-Key: Rk8Zq2Lm9Xv4Tn7Wp1Bs" https://api.acme.io', secret: 'Rk8Zq2Lm9Xv4Tn7Wp1Bs', path: 'scripts/call.sh' },
        { text: "define('API_KEY', 'Vt3Lq9Zm2Xk8Rn4Wp7Bs');", secret: 'Vt3Lq9Zm2Xk8Rn4Wp7Bs', path: 'wp-config.php' },
        { text: 'maps.app.key: "Hd8Kq2Lm9Zx4Vr7Tn1Wp"', secret: 'Hd8Kq2Lm9Zx4Vr7Tn1Wp', path: 'config.yaml' },
        { text: 'val apiKey = "Pz9Lq2Xm7Vk4Rn8Wt1Bs"', secret: 'Pz9Lq2Xm7Vk4Rn8Wt1Bs', path: 'Config.kt' },
      ],
      negative: [
        { text: 'api_key = os.getenv("API_KEY")', path: 'client.py' },
        { text: 'API_KEY=your_api_key_here', path: '.env.example' },
        { text: 'apiKey: process.env.API_KEY,', path: 'config.js' },
        { text: 'api_key = "xxxxxxxxxxxxxxxxxxxx"', path: 'config.py' },
        { text: 'apiKeyHeader: "X-Api-Key"', path: 'config.yml' },
        { text: 'const apiKey = getApiKey();', path: 'client.ts' },
        { text: 'access_key = "1234567890abcdef"', path: 'config.ini' },
      ],
    },
  },
  {
    id: 'generic-key',
    title: 'Key value assigned in code or config',
    provider: 'Generic',
    level: 'error',
    keywords: ['key'],
    // A bare `*_KEY` name says less than `api_key`, so the value must look machine-made: long,
    // high-entropy, letters and digits. Public keys and bookkeeping keys are filtered by name.
    pattern: new RegExp(KEY_NAME + ASSIGN + value(20), 'm'),
    entropy: 3.5,
    validate: (s) => /\d/.test(s) && /[A-Za-z]/.test(s) && looksGenerated(s),
    samples: {
      positive: [
        { text: 'SENTRY_KEY=9f3k2QzL7mX8vR4tW1nB5cD0', secret: '9f3k2QzL7mX8vR4tW1nB5cD0', path: '.env' },
        { text: '  "gradlePublishKey": "w8cSPvfuhajGhf30NSKQihdI48ZD4A6m",', secret: 'w8cSPvfuhajGhf30NSKQihdI48ZD4A6m', path: 'gradle.json' },
        { text: 'storage_account_key = "E+3kzwWnyaSZ/qnJGnCI/LWJryzmO2kwWPl0EJIj3Hq=="', secret: 'E+3kzwWnyaSZ/qnJGnCI/LWJryzmO2kwWPl0EJIj3Hq==', path: 'main.tf' },
      ],
      negative: [
        { text: 'const cacheKey = "user-profile-v2";', path: 'cache.ts' },
        { text: 'publicKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoRytQsAAn8DqTsVU03LbSrs60YRH8L8G"', path: 'config.yml' },
        { text: 'monkey = "a9F3kQ7zL2mX8vR4tW1nB5cD"', path: 'zoo.py' },
        { text: 'PRIMARY_KEY = "9f3k2QzL7mX8vR4tW1nB5cD0"', path: 'schema.py' },
        { text: 'idempotencyKey: "9f3k2QzL7mX8vR4tW1nB5cD0"', path: 'payment.ts' },
        { text: 'SSH_KEY=/home/ci/.ssh/id_ed25519', path: '.env' },
      ],
    },
  },
  {
    id: 'generic-token',
    title: 'Access token assigned in code or config',
    provider: 'Generic',
    level: 'error',
    keywords: ['token', 'auth', 'bearer', '_pat', '-pat', '.pat'],
    pattern: assignment(TOKEN_WORDS, 12),
    entropy: 3,
    validate: looksGenerated,
    samples: {
      positive: [
        { text: 'AUTH_TOKEN=Xk9Lq2Zm7Vr4Tn8Wp1Bs3Hd', secret: 'Xk9Lq2Zm7Vr4Tn8Wp1Bs3Hd', path: '.env' },
        { text: 'access_token = "Qm7Zx2Lk9Vr4Tn8Wp1Bs3H"', secret: 'Qm7Zx2Lk9Vr4Tn8Wp1Bs3H', path: 'client.py' },
        { text: '  refreshToken: "Lz8Xq3Km9Vr2Tn7Wp4Bs1H",', secret: 'Lz8Xq3Km9Vr2Tn7Wp4Bs1H', path: 'src/session.ts' },
        { text: 'headers = {"Authorization": "token", "auth_token": "Zr4Lq9Xm2Vk7Tn8Wp1Bs3H"}', secret: 'Zr4Lq9Xm2Vk7Tn8Wp1Bs3H', path: 'api.py' },
        { text: 'var AccessToken = "Km2Zq8Xl4Vr9Tn7Wp1Bs3H"', secret: 'Km2Zq8Xl4Vr9Tn7Wp1Bs3H', path: 'Program.cs' },
        { text: 'export SERVICE_TOKEN=Tq9Lz2Xm8Vk4Rn7Wp1Bs3H', secret: 'Tq9Lz2Xm8Vk4Rn7Wp1Bs3H', path: 'env.sh' },
      ],
      negative: [
        { text: 'token = request.headers.get("Authorization")', path: 'api.py' },
        { text: 'next_token = "Zr4Lq9Xm2Vk7Tn8Wp1Bs3H"', path: 'pager.py' },
        { text: 'max_tokens = 4096', path: 'llm.py' },
        { text: 'tokenizer = AutoTokenizer.from_pretrained("bert")', path: 'nlp.py' },
        { text: 'author: "Jane Doe <jane@example.org>"', path: 'package.yml' },
        { text: 'token: ${{ secrets.GITHUB_TOKEN }}', path: '.github/workflows/ci.yml' },
        { text: 'csrf_token = "a9Zk3Lq8Xm2Vr7Tn4Wp1Bs"', path: 'form.py' },
        { text: 'token_url: https://auth.acme.io/oauth/token', path: 'config.yml' },
        { text: 'auth: true', path: 'config.yml' },
      ],
    },
  },
  {
    id: 'generic-bearer',
    title: 'Bearer token in an Authorization header',
    provider: 'Generic',
    level: 'error',
    keywords: ['bearer'],
    pattern: /(?<![A-Za-z0-9])bearer\s+(?<secret>[A-Za-z0-9._~+\/-]{16,1000}=*)(?![A-Za-z0-9._~+\/=-])/i,
    entropy: 3.2,
    validate: looksGenerated,
    samples: {
      positive: [
        { text: 'curl -H "Authorization: Bearer Vq8Zm2Lx9Tk4Rn7Wp1Bs3Hd" https://api.acme.io/v1', secret: 'Vq8Zm2Lx9Tk4Rn7Wp1Bs3Hd', path: 'README.md' },
        { text: "headers: { Authorization: 'Bearer Lk9Zq2Xm7Vr4Tn8Wp1Bs3H' }", secret: 'Lk9Zq2Xm7Vr4Tn8Wp1Bs3H', path: 'src/api.js' },
      ],
      negative: [
        'Authorization: Bearer ${TOKEN}',
        'Authorization: Bearer <token>',
        'Authorization: Bearer YOUR_ACCESS_TOKEN',
        '"Authorization": "Bearer " + token',
      ],
    },
  },
  {
    id: 'generic-basic-auth',
    title: 'HTTP Basic credentials in an Authorization header',
    provider: 'Generic',
    level: 'error',
    keywords: ['basic'],
    pattern: /(?<![A-Za-z0-9])basic\s+(?<secret>[A-Za-z0-9+\/]{8,500}={0,2})(?![A-Za-z0-9+\/=])/i,
    validate: isBasicCredential,
    samples: {
      positive: [
        { text: 'Authorization: Basic ZGVwbG95OlRxOUx6MlhtOFZrNA==', secret: 'ZGVwbG95OlRxOUx6MlhtOFZrNA==', path: 'requests.http' },
        { text: "headers['Authorization'] = 'Basic YXBpOk1tN1pxMkxrOVhyNA=='", secret: 'YXBpOk1tN1pxMkxrOVhyNA==', path: 'client.py' },
      ],
      negative: ['Authorization: Basic <credentials>', 'This is a basic example of the API', 'Authorization: Basic dXNlcm5hbWU='],
    },
  },
  {
    id: 'generic-curl-user',
    title: 'Credentials passed to curl with -u',
    provider: 'Generic',
    level: 'error',
    keywords: ['curl'],
    // `-u user:pass`, `--user  "u:p"`, `-u admin:'p w'`, `-u :p`, `--user=u:p`, passwords with `@`,
    // and the flag on a continuation line (`curl … \` newline `-u …`).
    pattern: /curl\b(?:[^\n]|\\\r?\n){0,300}?\s(?:-u|--user)(?:[ \t]+|=)?["']?[^\s:"']{0,80}:(?<q>['"]?)(?<secret>(?<=')[^'\n]{6,200}(?=')|(?<=")[^"\n]{6,200}(?=")|[^\s"']{6,200}(?![^\s"']))\k<q>/i,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: 'curl -u deploy:Xq9Lz2Km8Vr4 https://nexus.acme.io/repository/', secret: 'Xq9Lz2Km8Vr4', path: 'publish.sh' },
        { text: 'curl -s --user "admin:Pz7Lq2Xm9Vk4" https://jenkins.acme.io/api/json', secret: 'Pz7Lq2Xm9Vk4', path: 'Makefile' },
        { text: "curl -u admin:'Rq7 mZ2x@L9vK' https://nexus.acme.io/", secret: 'Rq7 mZ2x@L9vK', path: 'publish.sh' },
        { text: 'curl --user  deploy:Tz8Kp3Lw@9Vm https://nexus.acme.io/', secret: 'Tz8Kp3Lw@9Vm', path: 'publish.sh' },
        { text: 'curl -u :Wq4Zr8Nx2Lb7 https://api.acme.io/', secret: 'Wq4Zr8Nx2Lb7', path: 'ci.sh' },
        { text: 'curl -sS \\\n  -u deploy:Hy6Vd1Qs8Kc3 \\\n  https://nexus.acme.io/', secret: 'Hy6Vd1Qs8Kc3', path: 'ci.sh' },
      ],
      negative: ['curl -u "$USER:$PASS" https://x.acme.io', 'curl -u admin:password https://x.acme.io', 'curl -u user: https://x.acme.io'],
    },
  },
  {
    id: 'generic-name-value',
    title: 'Secret in a name/value pair (Kubernetes env, ECS task, Terraform environment)',
    provider: 'Generic',
    level: 'error',
    keywords: ['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'access_key', 'private_key', 'credential'],
    // `- name: DB_PASSWORD` then `value: "…"` on the next line, or `{"name": "DB_PASSWORD", "value": "…"}`.
    pattern: new RegExp(
      // Not a form's CSRF token (`name="authenticity_token" value="…"`): it is per-session and public in the page.
      String.raw`\bname["']?[ \t]*[:=][ \t]*["']?(?![A-Za-z0-9_.-]{0,40}?(?:authenticity|csrf|xsrf))[A-Za-z0-9_.-]{0,40}?(?:password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|authorization)["']?[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?["']?value["']?[ \t]*[:=][ \t]*` + value(6),
      'i',
    ),
    entropy: 2.3,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: '        env:\n          - name: DB_PASSWORD\n            value: "Xq9Lz2Km8Vr4"', secret: 'Xq9Lz2Km8Vr4', path: 'k8s/deployment.yaml' },
        { text: '{ "name": "STRIPE_API_KEY", "value": "Lz8Xq3Km9Vr2Tn7Wp4Bs1H" },', secret: 'Lz8Xq3Km9Vr2Tn7Wp4Bs1H', path: 'ecs/task-definition.json' },
        { text: '    { name = "SERVICE_TOKEN", value = "Tq9Lz2Xm8Vk4Rn7Wp1Bs3H" },', secret: 'Tq9Lz2Xm8Vk4Rn7Wp1Bs3H', path: 'ecs.tf' },
      ],
      negative: [
        { text: '          - name: DB_PASSWORD\n            valueFrom:\n              secretKeyRef: { name: db, key: password }', path: 'k8s/deployment.yaml' },
        { text: '          - name: DB_PASSWORD\n            value: "${DB_PASSWORD}"', path: 'k8s/deployment.yaml' },
        { text: '          - name: DB_PASSWORD_FILE\n            value: /run/secrets/db', path: 'k8s/deployment.yaml' },
      ],
    },
  },
  {
    id: 'generic-terraform-variable-default',
    title: 'Secret as the default of a Terraform variable',
    provider: 'Generic',
    level: 'error',
    keywords: ['variable'],
    // `variable "db_password" { default = "…" }`: the name and the value sit on different lines.
    pattern: new RegExp(
      String.raw`\bvariable[ \t]+"[A-Za-z0-9_-]{0,60}?(?:password|passwd|secret|token|api_?key|access_?key|private_?key|credentials?)[A-Za-z0-9_-]{0,20}"[ \t]*\{(?:[^{}"\n]|\n|"[^"\n]{0,200}"){0,600}?\bdefault[ \t]*=[ \t]*"(?<secret>[^"\s\\$]{6,500})"`,
      'i',
    ),
    entropy: 2.3,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: 'variable "db_password" {\n  type      = string\n  sensitive = true\n  default   = "Xq9Lz2Km8Vr4"\n}', secret: 'Xq9Lz2Km8Vr4', path: 'variables.tf' },
        { text: 'variable "datadog_api_key" {\n  description = "Datadog key"\n  default = "Lz8Xq3Km9Vr2Tn7Wp4Bs1H"\n}', secret: 'Lz8Xq3Km9Vr2Tn7Wp4Bs1H', path: 'main.tf' },
      ],
      negative: [
        { text: 'variable "db_password" {\n  type      = string\n  sensitive = true\n}', path: 'variables.tf' },
        { text: 'variable "db_password" {\n  default = ""\n}', path: 'variables.tf' },
        { text: 'variable "token_ttl" {\n  default = "3600s"\n}', path: 'variables.tf' },
      ],
    },
  },
  {
    id: 'generic-basic-auth-call',
    title: 'Password passed as HTTP basic-auth credentials in code',
    provider: 'Generic',
    level: 'error',
    keywords: ['auth', 'networkcredential', 'getconnection', 'usernamepasswordcredentials'],
    // requests `auth=("user", "pw")`, `HTTPBasicAuth("user", "pw")`, Java `setBasicAuth("user", "pw")`, axios `auth: { username, password }` is the generic-password case.
    pattern: /(?:\bauth[ \t]*=[ \t]*\(|\b(?:HTTPBasicAuth|HTTPDigestAuth|BasicAuth|basic_auth|basicAuth|setBasicAuth|withBasicAuth|NetworkCredential|PasswordAuthentication|UsernamePasswordCredentials)[ \t]*\(|\bbasic_auth[ \t]*=[ \t]*[(\[]|\bgetConnection[ \t]*\([^,()\n]{1,200},)[ \t]*["'][^"'\n]{1,100}["'][ \t]*,[ \t]*["'](?<secret>[^"'\s]{6,200})["']/,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: 'r = requests.get(url, auth=("deploy", "Xq9Lz2Km8Vr4"))', secret: 'Xq9Lz2Km8Vr4', path: 'sync.py' },
        { text: "session.auth = HTTPBasicAuth('api', 'Pz7Lq2Xm9Vk4')", secret: 'Pz7Lq2Xm9Vk4', path: 'client.py' },
        { text: 'headers.setBasicAuth("svc", "Zt7Rk2Lm9Xq4");', secret: 'Zt7Rk2Lm9Xq4', path: 'Client.java' },
        { text: 'client.Credentials = new NetworkCredential("svc-mail", "Hk8Lq2Zm9Xr4");', secret: 'Hk8Lq2Zm9Xr4', path: 'Mailer.cs' },
        { text: 'Connection c = DriverManager.getConnection(url, "app", "Vk4Rn8Wt1Bs3");', secret: 'Vk4Rn8Wt1Bs3', path: 'Db.java' },
      ],
      negative: ['requests.get(url, auth=(user, password))', 'auth=("user", "password")', 'HTTPBasicAuth(os.environ["U"], os.environ["P"])'],
    },
  },
  {
    id: 'generic-cli-password',
    title: 'Password on a command line (docker login -p, mysql -p, sshpass -p)',
    provider: 'Generic',
    level: 'error',
    keywords: ['docker', 'mysql', 'sshpass', 'mariadb'],
    pattern: /\b(?:(?:docker|podman|helm|buildah)[ \t]+(?:registry[ \t]+)?login\b[^\n]{0,200}?[ \t]-p[ \t]+|(?:mysql|mysqldump|mariadb|mysqladmin)\b[^\n]{0,200}?[ \t]-p|sshpass[ \t]+-p[ \t]*)["']?(?<secret>[^\s"'$;|&]{6,200})(?![^\s"';|&])/,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: 'docker login -u ci -p Xq9Lz2Km8Vr4 registry.corp.io', secret: 'Xq9Lz2Km8Vr4', path: 'ci/push.sh' },
        { text: 'mysql -h db -u root -pZt7Rk2Lm9Xq4 shop < dump.sql', secret: 'Zt7Rk2Lm9Xq4', path: 'restore.sh' },
        { text: "sshpass -p 'Pz7Lq2Xm9Vk4' ssh deploy@10.0.0.5", secret: 'Pz7Lq2Xm9Vk4', path: 'deploy.sh' },
      ],
      negative: ['docker login -u ci -p "$REGISTRY_PASSWORD" registry.corp.io', 'mysql -u root -p shop', 'docker login -u ci --password-stdin'],
    },
  },
  {
    id: 'generic-xml-secret',
    title: 'Secret in an XML element or .NET app setting',
    provider: 'Generic',
    level: 'error',
    keywords: ['password>', 'passwd>', 'secret>', 'token>', 'key>'],
    pattern: /<(?<tag>[A-Za-z0-9_.:-]{0,40}?(?:password|passwd|secret|token|(?:api|access|app|account|private)[_.-]?key|apikey))>(?<secret>[^<>\s]{6,500})<\/\k<tag>>/i,
    entropy: 2.3,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: '<password>Xq9Lz2Km8Vr4</password>', secret: 'Xq9Lz2Km8Vr4', path: 'settings.xml' },
        { text: '    <apiToken>Lz8Xq3Km9Vr2Tn7Wp4Bs1H</apiToken>', secret: 'Lz8Xq3Km9Vr2Tn7Wp4Bs1H', path: 'config.xml' },
      ],
      negative: ['<password>${env.NEXUS_PASSWORD}</password>', '<password></password>', '<passwordPolicy>strict</passwordPolicy>'],
    },
  },
  {
    id: 'generic-app-setting',
    title: 'Secret in an XML key/value setting (.NET appSettings, Spring/Hibernate properties)',
    provider: 'Generic',
    level: 'error',
    keywords: ['key=', 'name='],
    pattern: /\b(?:key|name)=["'](?![A-Za-z0-9_.:-]{0,40}?(?:authenticity|csrf|xsrf))[A-Za-z0-9_.:-]{0,40}?(?:password|passwd|secret|token|api[_.-]?key|apikey)["']\s+value=["'](?<secret>[^"'\s<>]{6,500})["']/i,
    entropy: 2.3,
    validate: looksLikePassword,
    samples: {
      positive: [
        { text: '<add key="SmtpPassword" value="Xq9Lz2Km8Vr4" />', secret: 'Xq9Lz2Km8Vr4', path: 'Web.config' },
        { text: '    <add key="PaymentApiKey" value="Lz8Xq3Km9Vr2Tn7Wp4Bs1H"/>', secret: 'Lz8Xq3Km9Vr2Tn7Wp4Bs1H', path: 'App.config' },
        { text: '<property name="hibernate.connection.password" value="Pz7Lq2Xm9Vk4"/>', secret: 'Pz7Lq2Xm9Vk4', path: 'hibernate.cfg.xml' },
      ],
      negative: ['<add key="SmtpPassword" value="" />', '<add key="ApiKeyHeader" value="X-Api-Key" />', '<add key="SmtpPassword" value="#{SmtpPassword}#" />'],
    },
  },
];
