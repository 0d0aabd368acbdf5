import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialFileDetectors } from '../../../src/core/secrets/detectors/credential-files.js';
import { formatDetectors, isSignedJwt, opensshCipher } from '../../../src/core/secrets/detectors/formats.js';
import { scanSecrets } from '../../../src/core/secrets/engine.js';
import { secretFingerprint } from '../../../src/core/secrets/redact.js';
import { defaultSettings } from '../../../src/core/types.js';

const ours = [...formatDetectors, ...credentialFileDetectors].map((d) => d.id);
const settings = defaultSettings({ detectors: { enabled: ours, disabled: [] } });
const scan = (path: string, content: string) => scanSecrets({ path, content }, settings);

/** Filler that pushes a file past the engine's whole-file threshold, so windowed search is used. */
const FILLER = Array.from({ length: 400 }, (_, i) => `# line ${i} of configuration notes, nothing secret here`).join('\n');

function rule(findings: ReturnType<typeof scan>, secret: string) {
  return findings.filter((f) => f.fingerprint === secretFingerprint(f.detector!, secret)).map((f) => `${f.rule}@${f.line}`);
}

describe('private keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const cases: [string, string, string][] = [
    ['RSA PKCS#1', rsa.export({ type: 'pkcs1', format: 'pem' }) as string, 'secret/private-key-rsa'],
    ['PKCS#8', rsa.export({ type: 'pkcs8', format: 'pem' }) as string, 'secret/private-key-pkcs8'],
    ['EC SEC1', ec.export({ type: 'sec1', format: 'pem' }) as string, 'secret/private-key-ec'],
    ['encrypted PKCS#8', ec.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string, 'secret/private-key-encrypted'],
    ['encrypted PKCS#1', rsa.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }) as string, 'secret/private-key-encrypted'],
  ];

  it.each(cases)('%s block in a large file (windowed search)', (_name, pem, expected) => {
    const block = pem.trim();
    const findings = scan('deploy/keys.pem', `${FILLER}\n${block}\n${FILLER}\n`);
    expect(rule(findings, block)).toEqual([`${expected}@401`]);
    expect(findings[0].level).toBe(expected.endsWith('encrypted') ? 'warning' : 'error');
  });

  it('finds a JSON-escaped key in a service-account file', () => {
    const block = (rsa.export({ type: 'pkcs8', format: 'pem' }) as string).trim().replace(/\n/g, '\\n');
    const json = `{\n  "type": "service_account",\n  "private_key": "${block}\\n",\n  "client_email": "ci@p.iam.gserviceaccount.com"\n}`;
    expect(rule(scan('sa.json', json), block)).toEqual(['secret/private-key-pkcs8@3']);
  });

  it('reads the OpenSSH cipher name', () => {
    const payload = Buffer.concat([Buffer.from('openssh-key-v1\0'), Buffer.from([0, 0, 0, 10]), Buffer.from('aes256-ctr'), randomBytes(64)]);
    expect(opensshCipher(`-----BEGIN OPENSSH PRIVATE KEY-----\n${payload.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----`)).toBe('aes256-ctr');
    expect(opensshCipher('-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----')).toBeUndefined();
  });

  it('ignores public keys, certificates and elided examples', () => {
    const pub = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(scan('key.pub', pub)).toEqual([]);
    expect(scan('README.md', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----')).toEqual([]);
  });
});

describe('JWTs', () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sig = randomBytes(32).toString('base64url');
  it.each([
    [{ alg: 'RS256', typ: 'JWT' }, { sub: 'svc', exp: 2000000000 }, true],
    [{ alg: 'none' }, { sub: 'svc' }, false],
    [{ typ: 'JWT' }, { sub: 'svc' }, false],
    [{ alg: 'HS256' }, { role: 'anon', iss: 'supabase' }, false],
  ])('%j %j → %s', (header, payload, expected) => {
    expect(isSignedJwt(`${b64(header)}.${b64(payload)}.${sig}`)).toBe(expected);
  });
});

describe('URLs with credentials', () => {
  it.each([
    ['postgresql+asyncpg://billing:Zt7Rk2Lm9Xq4@db.internal:5432/billing', 'Zt7Rk2Lm9Xq4', 'secret/postgres-url-password'],
    ['mysql://root:p@ss-W0rd!82@mysql:3306/shop', 'p@ss-W0rd!82', 'secret/mysql-url-password'],
    ['mongodb+srv://app:Hk8Lq2Zm9Xr4@cluster0.ab1cd.mongodb.net/app?retryWrites=true', 'Hk8Lq2Zm9Xr4', 'secret/mongodb-url-password'],
    ['redis://:Qx7mZ2Lk9R4v@cache:6379/0', 'Qx7mZ2Lk9R4v', 'secret/redis-url-password'],
    ['amqps://svc:Vk4Rn8Wt1Bs3@mq.internal/%2F', 'Vk4Rn8Wt1Bs3', 'secret/amqp-url-password'],
    ['https://ci-bot:Lm9Xq4Zt7Rk2@nexus.corp.io/repository/npm/', 'Lm9Xq4Zt7Rk2', 'secret/basic-auth-url'],
    ['zookeeper://admin:Zt7Rk2Lm9Xq4@zk:2181', 'Zt7Rk2Lm9Xq4', 'secret/url-password'],
  ])('%s', (url, password, expected) => {
    const findings = scan('.env', `SERVICE_URL=${url}\n`);
    expect(rule(findings, password)).toEqual([`${expected}@1`]);
    expect(JSON.stringify(findings)).not.toContain(password);
  });

  it.each([
    'postgres://user:password@localhost:5432/db',
    'postgres://${DB_USER}:${DB_PASSWORD}@db/app',
    'https://github.com/acme/repo.git',
    'mysql://root:root@127.0.0.1/test',
    'redis://:%s@%s:%d',
  ])('ignores %s', (url) => {
    expect(scan('.env', `URL=${url}\n`)).toEqual([]);
  });
});

describe('credential files', () => {
  it('reports every real value of a kubectl-style multi-document Secret file', () => {
    const doc = [
      'apiVersion: v1',
      'data:',
      '  password: UTdtWjJ4TDlrUjR2',
      '  username: YmlsbGluZw==',
      'kind: Secret',
      'metadata:',
      '  name: billing',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      '  TOKEN_TTL: MzYwMDAwMA==',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'stringData:',
      '  api-token: Lq9Xm2Vk7Tn4Wp8Bs1Hd',
      '  host: db.internal',
    ].join('\n');
    const findings = scan('k8s/all.yaml', doc);
    expect(findings.map((f) => `${f.rule}@${f.line}`)).toEqual(['secret/kubernetes-secret-data@3', 'secret/kubernetes-secret-string-data@17']);
  });

  it.each([
    ['.npmrc', '//npm.corp.io/:_authToken=Lq9Xm2Vk7Tn4Wp8Bs1Hd', 'Lq9Xm2Vk7Tn4Wp8Bs1Hd', 'secret/npmrc-auth-token'],
    ['home/.netrc', 'machine api.corp.io login ci password Zm8qLx2vR7kT', 'Zm8qLx2vR7kT', 'secret/netrc-password'],
    ['.pypirc', '[corp]\nusername = deploy\npassword = Zm8qLx2vR7kT', 'Zm8qLx2vR7kT', 'secret/pypirc-password'],
    // A .git-credentials line is also a basic-auth URL: that detector reports it, once.
    ['.git-credentials', 'https://ci-bot:Zm8qLx2vR7kTq9Lz@git.corp.io', 'Zm8qLx2vR7kTq9Lz', 'secret/basic-auth-url'],
    ['.docker/config.json', '{"auths":{"r.corp.io":{"auth":"ZGVwbG95OlRxOUx6MlhtOFZrNA=="}}}', 'ZGVwbG95OlRxOUx6MlhtOFZrNA==', 'secret/docker-config-auth'],
  ])('%s', (path, content, secret, expected) => {
    const found = rule(scan(path, content), secret);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${expected}@`));
  });

  it('keeps file-bound detectors to their files', () => {
    expect(scan('notes.md', '_authToken=Lq9Xm2Vk7Tn4Wp8Bs1Hd\npassword = Zm8qLx2vR7kT')).toEqual([]);
  });
});
