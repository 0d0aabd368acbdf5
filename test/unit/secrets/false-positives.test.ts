import { describe, expect, it } from 'vitest';
import type { Detector } from '../../../src/core/secrets/detector.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { falsePositiveReason, freeFormValueReason, isLockFile, sequentialShare } from '../../../src/core/secrets/false-positives.js';
import { defaultSettings } from '../../../src/core/types.js';

function detector(id: string, redactPrefix?: string): Detector {
  return { id, title: id, provider: 'Test', level: 'error', keywords: ['x'], pattern: /x/, redactPrefix, samples: { positive: [], negative: [] } };
}

const generic = detector('generic-api-key');
const provider = detector('acme-token', 'acme_');
const urlPassword = detector('postgres-url-password');

/** [detector, secret, line, path, expected reason (a substring) or undefined for "keep"]. */
type Row = [Detector, string, string, string, string | undefined];

const ROWS: Row[] = [
  // Templating and placeholders, for every detector
  [generic, '${API_KEY}', 'API_KEY=${API_KEY}', '.env', 'templating'],
  [generic, '{{api_key}}', 'api_key: "{{api_key}}"', 'config.yml', 'templating'],
  [generic, '%(api_key)s', 'api_key = %(api_key)s', 'settings.ini', 'templating'],
  [generic, '#{ApiKey}#', '<add key="ApiKey" value="#{ApiKey}#" />', 'Web.config', 'templating'],
  [generic, '__API_KEY__', 'API_KEY=__API_KEY__', '.env', 'templating'],
  [generic, '@api.key@', 'api.key=@api.key@', 'application.properties', 'templating'],
  [generic, '$API_KEY', 'api_key: $API_KEY', 'config.yml', 'templating'],
  [generic, '<your-api-key>', 'API_KEY=<your-api-key>', '.env', 'placeholder'],
  [generic, 'your_api_key_here', 'API_KEY=your_api_key_here', '.env', 'placeholder'],
  [generic, 'xxxxxxxxxxxxxxxx', 'api_key = "xxxxxxxxxxxxxxxx"', 'config.py', 'placeholder'],
  [generic, 'REPLACE_ME', 'API_KEY=REPLACE_ME', '.env', 'placeholder'],
  [generic, 'changeme123', 'API_KEY=changeme123', '.env', 'placeholder'],
  [generic, 'dummy-key-1234', 'API_KEY=dummy-key-1234', '.env', 'placeholder'],
  [generic, '****************', 'API_KEY=****************', '.env', 'placeholder'],
  [generic, '[REDACTED]', 'API_KEY=[REDACTED]', 'log.txt', 'placeholder'],
  [provider, 'acme_EXAMPLEEXAMPLEEXAMPLE12', 'ACME=acme_EXAMPLEEXAMPLEEXAMPLE12', '.env', 'placeholder'],
  [provider, 'acme_xxxxxxxxxxxxxxxxxxxxxxxx', 'ACME=acme_xxxxxxxxxxxxxxxxxxxxxxxx', '.env', 'placeholder'],
  // Documented examples
  [detector('aws-access-key-id', 'AKIA'), 'AKIAIOSFODNN7EXAMPLE', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'credentials', 'documented example'],
  [detector('aws-secret-access-key'), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'credentials', 'documented example'],
  // References, not values (generic and free-form only)
  [generic, 'process.env.API_KEY', 'apiKey: process.env.API_KEY', 'config.js', 'reference'],
  [generic, 'settings.DB_PASSWORD', 'password = settings.DB_PASSWORD', 'app.py', 'reference'],
  [generic, 'vault:secret/data/app#api_key', 'api_key: vault:secret/data/app#api_key', 'config.yml', 'reference'],
  [generic, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app', 'api_key: arn:aws:secretsmanager:us-east-1:123456789012:secret:app', 'config.yml', 'reference'],
  [generic, 'GITHUB_TOKEN', 'token: GITHUB_TOKEN', 'config.yml', 'environment variable name'],
  [generic, 'apiKeyFromVault', 'const apiKey = apiKeyFromVault;', 'src/a.ts', 'identifier'],
  [generic, 'loadKey2024', 'const apiKey = loadKey2024', 'src/a.ts', 'variable in code'],
  [generic, 'loadKey2024', 'api_key: loadKey2024', 'config.yml', undefined],
  // Hashes, UUIDs, digests
  [generic, '$2b$12$KIXQj2s9lQ8m7v1rQ0yZ5u0oG5v6mQ2P8nS4tW1x3yZ7aB9cD0eF2', 'password: $2b$12$KIXQj2s9lQ8m7v1rQ0yZ5u0oG5v6mQ2P8nS4tW1x3yZ7aB9cD0eF2', 'users.yml', 'password hash'],
  [generic, 'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==', 'token: sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==', 'x.yml', 'integrity'],
  [generic, '550e8400-e29b-41d4-a716-446655440000', 'api_key: 550e8400-e29b-41d4-a716-446655440000', 'config.yml', 'UUID'],
  [provider, 'acme_550e8400-e29b-41d4-a716-446655440000', 'k: acme_550e8400-e29b-41d4-a716-446655440000', 'config.yml', undefined],
  [generic, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'token_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"', 'a.py', 'hex digest'],
  [generic, '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'token: 4b825dc642cb6eb9a060e54bf8d69288fbee4904 # commit', 'a.yml', 'hex digest'],
  // A hex value without any digest context is a plausible key (secrets.token_hex)
  [generic, '9f86d081884c7d659a2feaa0c55ad015', 'API_KEY=9f86d081884c7d659a2feaa0c55ad015', '.env', undefined],
  // Sequential, repeated, low entropy, booleans, numbers
  [generic, '1234567890', 'api_key=1234567890', '.env', 'boolean or number'],
  [generic, 'abcdefghijklmnop', 'api_key=abcdefghijklmnop', '.env', 'sequential'],
  [generic, 'abcabcabcabc', 'api_key=abcabcabcabc', '.env', 'sequential'],
  [provider, 'acme_aaaaaaaaaaaaaaaaaaaaaaaa', 'ACME=acme_aaaaaaaaaaaaaaaaaaaaaaaa', '.env', 'sequential'],
  [generic, 'true', 'auth: true', 'a.yml', 'boolean'],
  [generic, 'aabbaabbaa12', 'api_key=aabbaabbaa12', '.env', 'low entropy'],
  // Paths and URLs without credentials
  [generic, '/run/secrets/api_key', 'api_key: /run/secrets/api_key', 'compose.yml', 'file path'],
  [generic, './keys/service-account.json', 'credentials: ./keys/service-account.json', 'config.yml', 'file path'],
  [generic, 'https://vault.corp.io/v1/secret/app', 'token: https://vault.corp.io/v1/secret/app', 'config.yml', 'URL without credentials'],
  // Free-form detectors: weak words, user repeated as password
  [urlPassword, 'postgres', 'postgres://postgres:postgres@localhost/app', '.env', 'placeholder'],
  [urlPassword, 'Zt7Rk2Lm9Xq4', 'postgres://app:Zt7Rk2Lm9Xq4@db.internal/app', '.env', undefined],
  [urlPassword, 'qa-runner', 'postgres://qa-runner:qa-runner@db/app', '.env', 'repeated'],
  // Example, test and template paths drop generic matches only
  [generic, 'Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'API_KEY=Vt3Lq9Zm2Xk8Rn4Wp7Bs', '.env.example', 'example'],
  [generic, 'Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'API_KEY = "Vt3Lq9Zm2Xk8Rn4Wp7Bs"', 'tests/test_client.py', 'example'],
  [generic, 'Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'API_KEY=Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'deploy/example.env', 'example'],
  [generic, 'Vt3Lq9Zm2Xk8Rn4Wp7Bs', '"apiKey": "Vt3Lq9Zm2Xk8Rn4Wp7Bs"', 'config/settings.sample.json', 'example'],
  [provider, 'acme_Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'ACME=acme_Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'tests/fixtures/.env', undefined],
  // Shapes seen in real code: docs values, identifiers, call arguments, interpolation defaults
  [generic, 'czZCaGRSa3F0MzpnWDFmQmF0M2JW', 'Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW', 'oauth/client.py', 'documented example'],
  [generic, 'google_oauth2_credentials', "_CREDENTIALS_KEY = 'google_oauth2_credentials'", 'flask_util.py', 'identifier'],
  [generic, '?NonExpressionParenEnd', 'nextLastSignificantToken = "?NonExpressionParenEnd";', 'dist/node.js', 'identifier'],
  [generic, 'privateKeyPkcs8', 'privateKey: privateKeyPkcs8,', 'README.md', 'placeholder'],
  [generic, 'clientConfig2', 'auth: clientConfig2,', 'README.md', 'identifier'],
  [generic, 'service1', "self.set_password('service1', 'user1', 'pw-Xq9Lz2Km')", 'backend.py', 'argument'],
  [generic, '-postgres', 'POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}', 'docker-compose.yml', 'templating'],
  [generic, 'Schlüssel-Übersicht', '"apiKey": "Schlüssel-Übersicht",', 'locales/de.json', 'identifier'],
  [generic, 'Xk9Lq2Zm000000007Vr4', 'token: "Xk9Lq2Zm000000007Vr4"', 'README.md', 'repeated'],
  [generic, 'personal-access-token123', 'auth: "personal-access-token123",', 'README.md', 'placeholder'],
  [generic, 'secret_GnPgIGYFYYjDkY8c4tpEGwrIMPw1PyQ42mOTXeGi0YZ', 'NOTION_TOKEN = "secret_GnPgIGYFYYjDkY8c4tpEGwrIMPw1PyQ42mOTXeGi0YZ"', 'app.py', undefined],
  [detector('generic-key'), 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', 'publicKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"', 'config.yml', 'public or bookkeeping key'],
  [generic, 'AgBy3i4OJSWK' + 'x9Lq2Zm7Vr4Tn8Wp1Bs3H'.repeat(12), `  password: AgBy3i4OJSWK${'x9Lq2Zm7Vr4Tn8Wp1Bs3H'.repeat(12)}`, 'k8s/sealed.yaml', 'SealedSecret'],
  // Real-looking values are kept
  [generic, 'Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'API_KEY=Vt3Lq9Zm2Xk8Rn4Wp7Bs', '.env', undefined],
  [generic, 'Vt3Lq9Zm2Xk8Rn4Wp7Bs', 'const apiKey = "Vt3Lq9Zm2Xk8Rn4Wp7Bs";', 'src/a.ts', undefined],
  [provider, 'acme_Xk9Lq2Zm7Vr4Tn8Wp1Bs3H', 'token = "acme_Xk9Lq2Zm7Vr4Tn8Wp1Bs3H" # test', 'src/a.py', undefined],
];

describe('falsePositiveReason', () => {
  it.each(ROWS.map((r) => [r[0].id, r[1], r[4] ?? 'keep', r] as const))('%s %s → %s', (_id, _secret, _expected, row) => {
    const [d, secret, line, path, expected] = row;
    const reason = falsePositiveReason({ detector: d, secret, line, path });
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toContain(expected);
  });

  it('never calls a random provider token a placeholder by chance', () => {
    // 2,000 random base62 tokens behind a provider prefix: none may be dropped.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
    const dropped: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const secret = 'acme_' + Array.from({ length: 36 }, () => alphabet[next()]).join('');
      const reason = falsePositiveReason({ detector: provider, secret, line: `T=${secret}`, path: '.env' });
      if (reason) dropped.push(`${reason}`);
    }
    expect(dropped).toEqual([]);
  });
});

describe('freeFormValueReason', () => {
  it.each([
    ['admin', 'placeholder'],
    ['password', 'placeholder'],
    ['${PASS}', 'templating'],
    ['Zt7Rk2Lm9Xq4', undefined],
  ])('%s → %s', (value, expected) => {
    const reason = freeFormValueReason(value);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toContain(expected);
  });
});

describe('sequentialShare', () => {
  it.each([
    ['123456789', 1],
    ['abcdefgh', 1],
    ['aaaa1b2c', 0.5],
    ['Xk9Lq2Zm', 0],
  ])('%s → %d', (value, share) => expect(sequentialShare(value)).toBeCloseTo(share, 2));
});

describe('isLockFile', () => {
  it.each([
    ['package-lock.json', true],
    ['web/yarn.lock', true],
    ['go.sum', true],
    ['src/lock.json', false],
  ])('%s → %s', (path, expected) => expect(isLockFile(path)).toBe(expected));
});

describe("real-code false alarms (aws-sdk's bundled API models and sources)", () => {
  it.each([
    ['key name holding a header name', "      SSECustomerKey: 'x-amz-server-side-encryption-customer-key-MD5',", 'lib/services/s3.js'],
    ['key name holding a PascalCase member name', '      "result_key": "Ipv6CidrAssociations"', 'apis/ec2-2016-11-15.paginators.json'],
    ['key holding an artifact path', '                "S3Key": "my-app/5026-stage-150723_224258.war"', 'apis/eb.json'],
    ['documentation examples file', '          "LocalConsolePassword": "PassWordMustBeAtLeast6Chars."', 'apis/storagegateway-2013-06-30.examples.json'],
  ])('%s', (_name, line, path) => {
    expect(scanSecrets({ path, content: `${line}\n` }, defaultSettings())).toEqual([]);
  });

  it('still finds a random key under the same names', () => {
    const findings = scanSecrets({ path: 'config/app.json', content: '  "result_key": "Xk9Lq2Vm7Tn4Wp8BzR5sQ1"\n' }, defaultSettings());
    expect(findings.map((f) => f.rule)).toEqual(['secret/generic-key']);
  });
});

describe('real-code false alarms (Python packages: botocore, django, kombu, google-api-python-client, attrs, jupyter)', () => {
  const minified = `!function(e){${'var a=e.map(function(t){return t.id});'.repeat(30)}var o={token:"Qm7vT2xWc9LpZr4KsHd1NbYe6Jf"};}`;
  it.each([
    ['the name of a stored secret in an ARN', '  "ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3",', 'src/config.json'],
    ['a Django migration name', '        ("auth", "0002_alter_permission_name_max_length"),', 'django/contrib/auth/migrations/0003_alter_user_email_max_length.py'],
    ['a minified bundle', minified, 'static/main.9e5855478f2c316b.js'],
    ['a format string', '_INIT_FACTORY_PAT = "__attr_factory_%s"', 'attr/_make.py'],
    ['an underscore-wrapped name', 'callback_secret = "__dash_callback_secret__"', 'dash/managers.py'],
    ['scott/tiger demo credentials', '    sqla+postgresql://scott:tiger@localhost/mydb', 'kombu/transport/sqlalchemy/__init__.py'],
    ['an URL-escaped stand-in password', '    postgres://user:p%23ssword!@localhost/db', 'dj_database_url/METADATA'],
    ['a resource name in API prose', '"description": "Specify an encrypted password by using a Secret Manager secret: `projects/*/secrets/*/versions/*`. Warning: x",', 'googleapiclient/discovery_cache/documents/batch.v1.json'],
    ['an example file with a number', '      "GrantToken": "AQpAM2RhZWE0ZDJiZDI3MjQ1NTk0YzVmNWNhMWNjN2VmODE",', 'botocore/data/kms/2014-11-01/examples-1.json'],
    ['a generic assignment in a README', 'export API_TOKEN="Qm7vT2xWc9LpZr4KsHd1NbYe6Jf"', 'README.md'],
  ])('%s', (_name, line, path) => {
    expect(scanSecrets({ path, content: `${line}\n` }, defaultSettings())).toEqual([]);
  });

  it.each([
    ['the same token in a config file', 'export API_TOKEN="Qm7vT2xWc9LpZr4KsHd1NbYe6Jf"', 'deploy/env.sh', 'secret/generic-token'],
    ['a Bearer header in a README', 'curl -H "Authorization: Bearer Qm7vT2xWc9LpZr4KsHd1NbYe6Jf" https://api.acme.io', 'README.md', 'secret/generic-bearer'],
    ['a real password in a database URL', '    postgres://billing:Qm7vT2xWc9LpZr4K@db.internal/billing', 'services/billing/settings.py', 'secret/postgres-url-password'],
  ])('still finds %s', (_name, line, path, rule) => {
    expect(scanSecrets({ path, content: `${line}\n` }, defaultSettings()).map((f) => f.rule)).toEqual([rule]);
  });
});
