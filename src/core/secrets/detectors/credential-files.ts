import type { Detector } from '../detector.js';
import { freeFormValueReason } from '../false-positives.js';
import { isBasicCredential } from './generic.js';

/**
 * Credentials in the files tools read them from: `.npmrc`, `.yarnrc.yml`, `.netrc`, `.pypirc`,
 * `.git-credentials`, Docker's `config.json` `auths`, and Kubernetes `Secret` manifests. Where the
 * file name decides, `pathPattern` keeps the detector off every other file.
 */

/** Strict base64 decode: undefined unless the text round-trips (so `abcd` words are not "base64"). */
export function decodeBase64(encoded: string): Buffer | undefined {
  const decoded = Buffer.from(encoded, 'base64');
  return decoded.length > 0 && decoded.toString('base64').replace(/=+$/, '') === encoded.replace(/=+$/, '') ? decoded : undefined;
}

/**
 * A decoded value worth reporting: printable text that is not a placeholder (`admin`, `changeme`),
 * or binary of key size (a keystore, a raw key).
 */
export function isSecretBytes(decoded: Buffer | undefined): boolean {
  if (!decoded) return false;
  const text = decoded.toString('utf8');
  if (!/^[\x20-\x7e\t\r\n]+$/.test(text)) return decoded.length >= 16;
  const trimmed = text.trim();
  return trimmed.length >= 4 && (/\n/.test(trimmed) || freeFormValueReason(trimmed) === undefined);
}


// ---------------------------------------------------------------------------------------------
// Kubernetes Secret manifests
// ---------------------------------------------------------------------------------------------

/** `kind: Secret` earlier or later in the same YAML document (documents split at `---`). */
const KIND_SECRET = String.raw`(?:(?<=^kind:[ \t]*["']?Secret["']?[ \t]*\r?\n(?:(?!---)[^\n]*\n){0,300})|(?=[^\n]*(?:\n(?!---)[^\n]*){0,300}\nkind:[ \t]*["']?Secret["']?[ \t]*\r?$))`;
/** Entries of a top-level `data:` / `stringData:` map: every line between is indented, a comment or blank. */
const IN_SECTION = (section: string): string => String.raw`(?<=^${section}:[ \t]*\r?\n(?:(?:[ \t][^\n]*|#[^\n]*|\r?)\n){0,200})`;
/** Keys that name where, not what: connection facts and public certificates. */
const PUBLIC_KEYS = String.raw`(?!(?:[\w.-]{0,40}?(?:[uU]ser(?:[nN]ame)?|USER(?:NAME)?)|user-?id|host(?:name)?|port|database|db(?:-?name)?|namespace|region|email|endpoint|server|schema|ssl-?mode|driver|url|ca\.crt|tls\.crt|ca-bundle\.crt|[\w.-]*\.pub)["']?:)`;
const ENTRY_KEY = String.raw`[ \t]+${PUBLIC_KEYS}["']?[A-Za-z0-9_.-]{1,253}["']?:[ \t]+`;
/**
 * What every matching line looks like (an indented `key: value` whose value is one token), checked
 * before the look-behinds: those walk back up to 200 and 300 lines from each line start, which on
 * a bundled JavaScript file that mentions `kind: Secret` (this project's own dist/, a Kubernetes
 * client) cost ~2 s per file; the guard rejects nearly every line first (69 ms on dist/index.js).
 * It is implied by ENTRY_KEY and either value below (lengths 4-20002 and 6-1000), so it changes
 * no match.
 */
const ENTRY_LINE = String.raw`(?=[ \t]+["']?[A-Za-z0-9_.-]{1,253}["']?:[ \t]+["']?[^\s"'#|>{}]{4,20002}["']?[ \t]*\r?$)`;

const SECRET_MANIFEST = `apiVersion: v1
kind: Secret
metadata:
  name: billing-db
  namespace: payments
type: Opaque
data:
  username: YmlsbGluZw==
  password: Wm04cUx4MnZSN2tU`;

const STRING_DATA_MANIFEST = `apiVersion: v1
kind: Secret
metadata:
  name: billing-api
stringData:
  api-url: https://billing.internal
  api-token: Lq9Xm2Vk7Tn4Wp8Bs1Hd`;

/** kubectl output sorts keys, so `data:` comes before `kind:`. */
const SORTED_MANIFEST = `apiVersion: v1
data:
  DB_PASSWORD: UTdtWjJ4TDlrUjR2
kind: Secret
metadata:
  name: app-env`;

const kubernetesDetectors: Detector[] = [
  {
    id: 'kubernetes-secret-data',
    title: 'Kubernetes Secret data value (base64)',
    provider: 'Kubernetes',
    level: 'error',
    keywords: ['kind: secret', 'kind: "secret"', "kind: 'secret'"],
    pattern: new RegExp(String.raw`^${ENTRY_LINE}${IN_SECTION('data')}${KIND_SECRET}${ENTRY_KEY}["']?(?<secret>[A-Za-z0-9+\/]{4,20000}={0,2})["']?[ \t]*\r?$`, 'm'),
    validate: (value) => isSecretBytes(decodeBase64(value)),
    samples: {
      positive: [
        { text: SECRET_MANIFEST, secret: 'Wm04cUx4MnZSN2tU', path: 'k8s/billing-secret.yaml' },
        { text: SORTED_MANIFEST, secret: 'UTdtWjJ4TDlrUjR2', path: 'k8s/app-env.yaml' },
      ],
      negative: [
        { text: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  LOG_LEVEL: ZGVidWc=\n  TOKEN_TTL: MzYwMA==', path: 'k8s/config.yaml' },
        { text: 'apiVersion: v1\nkind: Secret\ndata:\n  password: cGFzc3dvcmQ=\n  username: YWRtaW4=', path: 'k8s/secret.yaml' },
        { text: 'apiVersion: v1\nkind: Secret\ndata:\n  password: {{ .Values.password | b64enc }}', path: 'templates/secret.yaml' },
      ],
    },
  },
  {
    id: 'kubernetes-secret-string-data',
    title: 'Kubernetes Secret stringData value',
    provider: 'Kubernetes',
    level: 'error',
    keywords: ['kind: secret', 'kind: "secret"', "kind: 'secret'"],
    pattern: new RegExp(String.raw`^${ENTRY_LINE}${IN_SECTION('stringData')}${KIND_SECRET}${ENTRY_KEY}(?<q>["']?)(?<secret>[^\s"'#|>{}]{6,1000})\k<q>[ \t]*\r?$`, 'm'),
    samples: {
      positive: [{ text: STRING_DATA_MANIFEST, secret: 'Lq9Xm2Vk7Tn4Wp8Bs1Hd', path: 'k8s/billing-api.yaml' }],
      negative: [
        { text: 'kind: Secret\nstringData:\n  password: changeme\n  token: ${TOKEN}', path: 'k8s/secret.yaml' },
        { text: 'kind: ConfigMap\nstringData:\n  api-token: Lq9Xm2Vk7Tn4Wp8Bs1Hd', path: 'k8s/config.yaml' },
      ],
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Tool credential files
// ---------------------------------------------------------------------------------------------

const NPMRC = /(?:^|\/)\.npmrc$/;

const toolFileDetectors: Detector[] = [
  {
    id: 'npmrc-auth-token',
    title: 'npm registry token in .npmrc',
    provider: 'npm',
    level: 'error',
    keywords: ['_authtoken'],
    pathPattern: NPMRC,
    pattern: /_authToken[ \t]*=[ \t]*["']?(?<secret>[^\s"'#;]{8,500})/,
    samples: {
      positive: [
        { text: '//npm.pkg.github.com/:_authToken=3f9a1c2e-7b4d-4e8a-9c1f-5d6e7a8b9c0d', secret: '3f9a1c2e-7b4d-4e8a-9c1f-5d6e7a8b9c0d', path: '.npmrc' },
        { text: 'registry=https://npm.corp.io/\n//npm.corp.io/:_authToken="Lq9Xm2Vk7Tn4Wp8Bs1Hd"', secret: 'Lq9Xm2Vk7Tn4Wp8Bs1Hd', path: 'web/.npmrc' },
      ],
      negative: [{ text: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}', path: '.npmrc' }, { text: '//npm.corp.io/:_authToken=Lq9Xm2Vk7Tn4Wp8Bs1Hd', path: 'README.md' }],
    },
  },
  {
    id: 'npmrc-auth',
    title: 'npm basic credentials (_auth) in .npmrc',
    provider: 'npm',
    level: 'error',
    keywords: ['_auth'],
    pathPattern: NPMRC,
    pattern: /(?<![A-Za-z])_auth[ \t]*=[ \t]*["']?(?<secret>[A-Za-z0-9+\/]{8,1000}={0,2})(?![A-Za-z0-9+\/=])/,
    validate: isBasicCredential,
    samples: {
      positive: [{ text: '_auth=ZGVwbG95OlRxOUx6MlhtOFZrNA==\nalways-auth=true', secret: 'ZGVwbG95OlRxOUx6MlhtOFZrNA==', path: '.npmrc' }],
      negative: [{ text: '_auth=${NPM_AUTH}', path: '.npmrc' }, { text: '_auth=dXNlcjpwYXNzd29yZA==', path: '.npmrc' }],
    },
  },
  {
    id: 'npmrc-password',
    title: 'npm registry password (_password, base64) in .npmrc',
    provider: 'npm',
    level: 'error',
    keywords: ['_password'],
    pathPattern: NPMRC,
    pattern: /_password[ \t]*=[ \t]*["']?(?<secret>[A-Za-z0-9+\/]{4,1000}={0,2})(?![A-Za-z0-9+\/=])/,
    validate: (value) => isSecretBytes(decodeBase64(value)),
    samples: {
      positive: [{ text: '//nexus.corp.io/repository/npm/:username=deploy\n//nexus.corp.io/repository/npm/:_password=VHE5THoyWG04Vms0', secret: 'VHE5THoyWG04Vms0', path: '.npmrc' }],
      negative: [{ text: '//nexus.corp.io/:_password=cGFzc3dvcmQ=', path: '.npmrc' }, { text: '//nexus.corp.io/:_password=${NEXUS_PASSWORD_B64}', path: '.npmrc' }],
    },
  },
  {
    id: 'yarnrc-auth-token',
    title: 'npm registry token in .yarnrc.yml',
    provider: 'Yarn',
    level: 'error',
    keywords: ['npmauthtoken', 'npmauthident'],
    pathPattern: /(?:^|\/)\.yarnrc\.yml$/,
    pattern: /npmAuth(?:Token|Ident):[ \t]*["']?(?<secret>[^\s"'#]{8,500})/,
    samples: {
      positive: [{ text: 'npmScopes:\n  corp:\n    npmRegistryServer: "https://npm.corp.io"\n    npmAuthToken: "Lq9Xm2Vk7Tn4Wp8Bs1Hd"', secret: 'Lq9Xm2Vk7Tn4Wp8Bs1Hd', path: '.yarnrc.yml' }],
      negative: [{ text: 'npmAuthToken: "${NPM_TOKEN}"', path: '.yarnrc.yml' }],
    },
  },
  {
    id: 'netrc-password',
    title: 'Password in .netrc',
    provider: 'netrc',
    level: 'error',
    keywords: ['machine', 'login'],
    pathPattern: /(?:^|\/)[._]netrc$/,
    credentialFile: true,
    pattern: /(?:^|\s)password[ \t]+(?<secret>\S{3,500})/,
    samples: {
      positive: [
        { text: 'machine api.heroku.com\n  login ci@acme.io\n  password Zm8qLx2vR7kT', secret: 'Zm8qLx2vR7kT', path: '.netrc' },
        { text: 'machine nexus.corp.io login deploy password Tq9Lz2Xm8Vk4', secret: 'Tq9Lz2Xm8Vk4', path: 'ci/_netrc' },
      ],
      negative: [{ text: 'machine x login y password $NETRC_PASSWORD', path: '.netrc' }, { text: 'machine x login y password Tq9Lz2Xm8Vk4', path: 'notes.txt' }],
    },
  },
  {
    id: 'netrc-inline-password',
    title: 'netrc credentials written by a script',
    provider: 'netrc',
    level: 'error',
    keywords: ['machine'],
    pattern: /\bmachine[ \t]+\S{1,200}[ \t]+login[ \t]+\S{1,200}[ \t]+password[ \t]+(?<secret>[^\s"'>]{3,500})/,
    samples: {
      positive: [{ text: 'echo "machine github.com login ci-bot password Tq9Lz2Xm8Vk4" > ~/.netrc', secret: 'Tq9Lz2Xm8Vk4', path: 'ci/setup.sh' }],
      negative: ['echo "machine github.com login ci-bot password ${GH_TOKEN}" > ~/.netrc', 'machine example.com login user password password'],
    },
  },
  {
    id: 'pypirc-password',
    title: 'Password in .pypirc',
    provider: 'PyPI',
    level: 'error',
    keywords: ['username', 'repository', 'index-servers'],
    pathPattern: /(?:^|\/)\.pypirc$/,
    pattern: /^[ \t]*password[ \t]*[=:][ \t]*(?<secret>\S{3,500})[ \t]*\r?$/m,
    samples: {
      positive: [{ text: '[distutils]\nindex-servers = corp\n\n[corp]\nrepository = https://pypi.corp.io/\nusername = deploy\npassword = Zm8qLx2vR7kT', secret: 'Zm8qLx2vR7kT', path: '.pypirc' }],
      negative: [{ text: '[pypi]\nusername = __token__\npassword = <your-token>', path: '.pypirc' }],
    },
  },
  {
    id: 'pgpass-password',
    title: 'Password in a PostgreSQL .pgpass file',
    provider: 'PostgreSQL',
    level: 'error',
    // The file name decides; keywords are the usual port fields (and the `*` wildcard) of its lines.
    keywords: [':5432:', ':5433:', ':6432:', ':25060:', ':26257:', ':*:', 'localhost:'],
    pathPattern: /(?:^|\/)\.?pgpass(?:\.conf)?$/,
    // hostname:port:database:username:password, one entry a line; `*` wildcards in the first four.
    credentialFile: true,
    pattern: /^[ \t]*[^:#\s]{1,255}:[^:\s]{1,10}:[^:\s]{1,255}:[^:\s]{1,255}:(?<secret>\S{3,500})[ \t]*\r?$/m,
    samples: {
      positive: [{ text: '# ledger\ndb.internal:5432:ledger:ledger_app:Zm8qLx2vR7kT\n', secret: 'Zm8qLx2vR7kT', path: '.pgpass' }],
      // A weak stored value (`postgres`) is still reported, at warning (test/unit/secrets/known-forms.test.ts).
      negative: [{ text: 'localhost:5432:*:postgres:${PGPASSWORD}', path: '.pgpass' }, { text: 'db.internal:5432:ledger:ledger_app:Zm8qLx2vR7kT', path: 'notes.txt' }],
    },
  },
  {
    // Rails encrypted credentials: config/master.key (or config/credentials/<env>.key) holds the
    // 32-hex key that decrypts credentials.yml.enc — committing it publishes every credential in
    // the encrypted file. The file name decides; the file holds nothing but the key.
    id: 'rails-master-key',
    title: 'Rails master key (decrypts credentials.yml.enc)',
    provider: 'Ruby on Rails',
    level: 'error',
    keywords: [],
    pathPattern: /(?:^|\/)config\/(?:master|credentials\/[\w.-]+)\.key$/,
    credentialFile: true,
    pattern: /^[ \t]*(?<secret>[0-9a-f]{32})[ \t]*\r?$/m,
    samples: {
      positive: [
        { text: 'fc366e33335e726c46004168016780d9\n', secret: 'fc366e33335e726c46004168016780d9', path: 'config/master.key' },
        { text: '73b5dab4895ec5fe84c093c4a187f8d2', secret: '73b5dab4895ec5fe84c093c4a187f8d2', path: 'apps/shop/config/credentials/production.key' },
      ],
      negative: [{ text: 'fc366e33335e726c46004168016780d9', path: 'config/secrets.yml' }, { text: '# put the key here\n', path: 'config/master.key' }],
    },
  },
  {
    id: 'git-credentials-password',
    title: 'Password or token in .git-credentials',
    provider: 'Git',
    level: 'error',
    keywords: ['://'],
    pathPattern: /(?:^|\/)\.?git-credentials$/,
    credentialFile: true,
    pattern: /^[ \t]*[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:\/@]{0,200}:(?<secret>[^\s@\/]{3,500})@/m,
    samples: {
      positive: [{ text: 'https://ci-bot:Zm8qLx2vR7kTq9Lz@git.corp.io\n', secret: 'Zm8qLx2vR7kTq9Lz', path: '.git-credentials' }],
      negative: [{ text: 'https://ci-bot@git.corp.io', path: '.git-credentials' }],
    },
  },
  {
    id: 'docker-config-auth',
    title: 'Registry credentials in a Docker config (auths)',
    provider: 'Docker',
    level: 'error',
    keywords: ['"auth"'],
    pattern: /"auth"[ \t]*:[ \t]*"(?<secret>[A-Za-z0-9+\/]{8,2000}={0,2})"/,
    validate: isBasicCredential,
    samples: {
      positive: [
        { text: '{"auths":{"registry.corp.io":{"auth":"ZGVwbG95OlRxOUx6MlhtOFZrNA=="}}}', secret: 'ZGVwbG95OlRxOUx6MlhtOFZrNA==', path: '.docker/config.json' },
        { text: '  "auths": {\n    "ghcr.io": { "auth": "Y2ktYm90OlpyNExxOVhtMlZrNw==" }\n  }', secret: 'Y2ktYm90OlpyNExxOVhtMlZrNw==', path: 'ci/dockerconfig.json' },
      ],
      negative: ['{"auths":{"registry.corp.io":{"auth":"dXNlcm5hbWU6cGFzc3dvcmQ="}}}', '{"auth": "oauth2"}', '{"auths":{"ghcr.io":{}}}'],
    },
  },
  {
    id: 'docker-config-identity-token',
    title: 'Registry identity token in a Docker config',
    provider: 'Docker',
    level: 'error',
    keywords: ['identitytoken'],
    pattern: /"identitytoken"[ \t]*:[ \t]*"(?<secret>[^"\s]{16,4000})"/,
    entropy: 3,
    samples: {
      positive: [{ text: '{"auths":{"acme.azurecr.io":{"identitytoken":"Lq9Xm2Vk7Tn4Wp8Bs1HdZr4Lq9Xm2Vk7"}}}', secret: 'Lq9Xm2Vk7Tn4Wp8Bs1HdZr4Lq9Xm2Vk7', path: '.docker/config.json' }],
      negative: ['{"identitytoken": "<token>"}'],
    },
  },
];

export const credentialFileDetectors: Detector[] = [...kubernetesDetectors, ...toolFileDetectors];

/**
 * Files that are credential stores by their very name: whatever they hold is reported (a weak or
 * placeholder-like value at warning), since the file should not be in a repository at all.
 */
export const credentialStoreDetectors: Detector[] = [
  {
    id: 'htpasswd-hash',
    title: 'Password hash in an .htpasswd file (credential file)',
    provider: 'HTTP',
    level: 'warning',
    keywords: [':$apr1$', ':$2y$', ':$2a$', ':$2b$', ':{sha}'],
    pathPattern: /(?:^|\/)\.htpasswd$/,
    credentialFile: true,
    pattern: /^[^:\s#]{1,64}:(?<secret>(?:\$apr1\$|\$2[aby]\$|\{SHA\})[^\s:]{8,200})[ \t]*\r?$/m,
    samples: {
      positive: [{ text: 'admin:$apr1$Zq8Lm2Xv$9Rk4Tw5Nc1Hd7Pq3Lv8Nb0', secret: '$apr1$Zq8Lm2Xv$9Rk4Tw5Nc1Hd7Pq3Lv8Nb0', path: 'deploy/.htpasswd' }],
      negative: [{ text: 'admin:$apr1$Zq8Lm2Xv$9Rk4Tw5Nc1Hd7Pq3Lv8Nb0', path: 'docs/htpasswd.md' }],
    },
  },
  {
    id: 'shadow-password-hash',
    title: 'Password hash in a shadow file (credential file)',
    provider: 'Linux',
    level: 'warning',
    keywords: [':$6$', ':$5$', ':$y$', ':$1$', ':$2b$'],
    pathPattern: /(?:^|\/)g?shadow-?$/,
    credentialFile: true,
    pattern: /^[a-z_][a-z0-9_.-]{0,31}:(?<secret>\$(?:1|5|6|y|2[aby])\$[^:\s]{8,200}):/m,
    samples: {
      positive: [{ text: 'deploy:$6$Zq8Lm2Xv$9Rk4Tw5Nc1Hd7Pq3Lv8Nb0Gk3Vw8Nz1Qp7:19700:0:99999:7:::', secret: '$6$Zq8Lm2Xv$9Rk4Tw5Nc1Hd7Pq3Lv8Nb0Gk3Vw8Nz1Qp7', path: 'rootfs/etc/shadow' }],
      negative: [{ text: 'deploy:!:19700:0:99999:7:::', path: 'rootfs/etc/shadow' }],
    },
  },
  {
    id: 's3cfg-secret-key',
    title: 'Secret key in an .s3cfg file (credential file)',
    provider: 'AWS',
    level: 'error',
    keywords: ['secret_key', 'access_token'],
    pathPattern: /(?:^|\/)\.?s3cfg$/,
    credentialFile: true,
    pattern: /^(?:secret_key|access_token)[ \t]*=[ \t]*(?<secret>\S{3,500})[ \t]*\r?$/m,
    samples: {
      positive: [{ text: '[default]\nsecret_key = Zq8Lm2Xv9Rk4Tw5Nc1Hd7Pq3Lv8Nb0Gk3Vw8Nz1Q', secret: 'Zq8Lm2Xv9Rk4Tw5Nc1Hd7Pq3Lv8Nb0Gk3Vw8Nz1Q', path: '.s3cfg' }],
      negative: [{ text: 'secret_key = ', path: '.s3cfg' }, { text: 'secret_key = ${S3_SECRET}', path: '.s3cfg' }],
    },
  },
  {
    id: 'wp-config-db-password',
    title: 'Database password in wp-config.php (credential file)',
    provider: 'WordPress',
    level: 'error',
    keywords: ['db_password'],
    pathPattern: /(?:^|\/)wp-config\.php$/,
    credentialFile: true,
    pattern: /define\([ \t]*["']DB_PASSWORD["'][ \t]*,[ \t]*(?<q>["'])(?<secret>(?:(?!\k<q>)[^\n]){1,200})\k<q>/,
    samples: {
      positive: [{ text: "define( 'DB_PASSWORD', 'Zq8Lm2Xv9Rk4' );", secret: 'Zq8Lm2Xv9Rk4', path: 'wp-config.php' }],
      negative: [{ text: "define( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );", path: 'wp-config.php' }, { text: "define('DB_PASSWORD', 'root');", path: 'wp-config-sample.txt' }],
    },
  },
  {
    id: 'robomongo-password',
    title: 'Stored password in a Robo 3T / Robomongo connection file (credential file)',
    provider: 'MongoDB',
    level: 'error',
    keywords: ['userpassword'],
    pathPattern: /(?:^|\/)(?:robo3t|robomongo)[\w.-]*\.json$/,
    credentialFile: true,
    pattern: /"userPassword"[ \t]*:[ \t]*"(?<secret>[^"\n]{1,500})"/,
    samples: {
      positive: [{ text: '  "userName" : "app", "userPassword" : "Zq8Lm2Xv9Rk4",', secret: 'Zq8Lm2Xv9Rk4', path: '.3T/robo-3t/1.4.4/robo3t.json' }],
      negative: [{ text: '"userPassword" : ""', path: 'robo3t.json' }],
    },
  },
  {
    id: 'dbeaver-password',
    title: 'Stored password in a DBeaver data-sources file (credential file)',
    provider: 'Database',
    level: 'error',
    keywords: ['"password"'],
    pathPattern: /(?:^|\/)\.dbeaver\/(?:data-sources|credentials)[\w.-]*\.json$/,
    credentialFile: true,
    pattern: /"password"[ \t]*:[ \t]*"(?<secret>[^"\n]{1,500})"/,
    samples: {
      positive: [{ text: '"auth-model": "native", "user": "app", "password": "Zq8Lm2Xv9Rk4"', secret: 'Zq8Lm2Xv9Rk4', path: '.dbeaver/data-sources.json' }],
      negative: [{ text: '"password": "Zq8Lm2Xv9Rk4"', path: 'config/data-sources.json' }],
    },
  },
  {
    id: 'firefox-logins-export',
    title: 'Saved browser password in a Firefox logins.json (credential file)',
    provider: 'Firefox',
    level: 'error',
    keywords: ['encryptedpassword'],
    pathPattern: /(?:^|\/)logins(?:-backup)?\.json$/,
    credentialFile: true,
    // Encrypted blobs (NSS key id, often zero-filled) are not judged by their characters.
    skipGenericFilters: true,
    pattern: /"encryptedPassword"[ \t]*:[ \t]*"(?<secret>[A-Za-z0-9+/=]{16,4000})"/,
    samples: {
      positive: [{ text: '{"hostname":"https://ci.acme.io","encryptedUsername":"MDoEEPgAAAA","encryptedPassword":"MEIEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECBq8Lm2Xv9RkTw5Nc1Hd7Pq3"}', secret: 'MEIEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECBq8Lm2Xv9RkTw5Nc1Hd7Pq3', path: 'profile/logins.json' }],
      negative: [{ text: '{"encryptedPassword":"MEIEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECBq8Lm2Xv9Rk"}', path: 'src/fixtures.json' }],
    },
  },
];
