import type { Detector } from '../detector.js';

/**
 * Secrets recognised by their format, whatever their name: private key blocks, JWTs, age keys,
 * and URLs that carry a password. A key block is reported whole; a URL only by its password, so
 * the redacted form and the fingerprint never depend on the host.
 */

// ---------------------------------------------------------------------------------------------
// Private keys
// ---------------------------------------------------------------------------------------------

/**
 * A PEM body: base64 and line breaks, raw or JSON-escaped (`\n` inside a service-account JSON),
 * also written as per-line string concatenation (`"MIIE…\n" +`, Java/JS) or behind comment
 * prefixes (`# MIIE…`, `// MIIE…`).
 */
const PEM_BODY = String.raw`[A-Za-z0-9+\/=\s\\"'#,]{40,20000}`;
const LINE_BREAK = String.raw`(?:[ \t]*(?:\r?\n|\\r\\n|\\n))+`;

function pem(label: string): RegExp {
  return new RegExp(String.raw`-----BEGIN ${label}-----${PEM_BODY}-----END ${label}-----`);
}

/** The base64 payload of a PEM block, for structure checks. */
function pemPayload(block: string): Buffer {
  const body = block
    .replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/g, '')
    .replace(/\\[rn]/g, '\n')
    .replace(/["'][ \t]*\+?[ \t]*,?[ \t]*(?:\r?\n|$)[ \t]*\+?[ \t]*["']?/g, '\n') // `"…" +` / `+ "…"` line glue
    .replace(/^[ \t]*(?:#|\/\/)[ \t]?/gm, '') // comment prefixes
    .replace(/[\s"',]/g, '');
  return Buffer.from(body, 'base64');
}

/**
 * OpenSSH's own format (PROTOCOL.key): `openssh-key-v1\0`, then the cipher name as an SSH string.
 * `none` means the key is usable as it stands.
 */
export function opensshCipher(block: string): string | undefined {
  const payload = pemPayload(block);
  const magic = 'openssh-key-v1\0';
  if (payload.length < magic.length + 4 || payload.toString('latin1', 0, magic.length) !== magic) return undefined;
  const length = payload.readUInt32BE(magic.length);
  if (length > 64 || payload.length < magic.length + 4 + length) return undefined;
  return payload.toString('latin1', magic.length + 4, magic.length + 4 + length);
}

/** Fresh keys made for these samples only; never used anywhere. */
const SAMPLE_RSA = `-----BEGIN RSA PRIVATE KEY-----
MIICXAIBAAKBgQC/tT/RUApWECBtsIrj6prqbJmlyeBws5U5jjSJBJ7algtgM5yW
1E/YtP549WwI3o+gvZxNSn4cbLSk22fd0smnG87VZf3XslcqpKbJlz5o6hazkFAc
fvC1GIDkmexq856ik1nzwaxlaRULvvdsOnYr513NHfmycbWGz7XFb5zkJwIDAQAB
AoGBAIUNWY5/O71BkhAvICZRFFWxK+5Jr1DpAp+gl8uk/k99JcYN7BcuoYApFhiD
VQjO1uZb0tg95Er8E1/7uxnUiwkPig7140e9gI2TzF6nM3K2f+AYu3fQ2Ls/U6XI
c9xNqGW9FJiuhw9yVfEONKGtCbMfmkNZgRI13ERi/utAERJZAkEA+MhcL/kr0Nyb
QDsXFvjUMpZRBUDLEnzzdLF5fkt95jZqqA62SmEJkxfyGitnijl9ztKxzQM+f5Ia
ZsnuNQAGswJBAMVFAvTjFB9XtD0Bqh4PApX0NeWMHYYi5pbA2hclGcbo2uG9rLIs
N8d7h89TWvoG0ScEWx0RbMxjHHK34SmxRr0CQE/FPvoK9We1NPq1d8Pf6XqHBFeg
3PyCoDWsqn46ipYEoNJeVUkoMD/AD9sgS8TghlyI5oYMIkAZgumumfjYl00CQHOZ
1nq1W4Rme+vIPu2wdB515uOmsWJ6r1AmoWcwyaNDr4jcAwjCWsmefV6khUrBle1c
Yxxsqqo3ZmNfmCY7ia0CQDlwLkMeBXJ4JATkNgyhf+6kxyX277tu99msLu/Lr/h6
sTuM21hr4zOtU6V3a1pW119xNT/LM8wjRJIIA0WWSms=
-----END RSA PRIVATE KEY-----`;

const SAMPLE_RSA_ENCRYPTED = `-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,790F262BADC308FBCFC036A459A4D185

9I6WJNbW1lBJYIbR2x5cumb36mHNvlLWi9MgrxN15aSd6sBvNotd5xKwZcRXKgrY
scPahUfWH3aKanoyU1Q7SpOAyae4Sp1ylAi91BafHGZaTZeQ5rGetTvTMnNDAra6
Nr0EtJ4PG+1xGIax7bDe/91k0wWAT7yshb0AjV6kLc4VPIx/KrO66ahf45gcJpz+
h4YAf3lh99AF7D3KVyiPwsLQAf44arSrIONeRQ/duDSOYj1dI+NXFb7+gXhGRehT
-----END RSA PRIVATE KEY-----`;

const SAMPLE_EC = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEILnZjITG8pvbmTMHPE8UdSXeNRQr1eKBqz3u/pXBdBjdoAoGCCqGSM49
AwEHoUQDQgAEoRytQsAAn8DqTsVU03LbSrs60YRH8L8GaxNrN1i+VYEqJlvd8F+9
prxdLKFTGuk770LEpECQG6ZLHKF5u5kO2Q==
-----END EC PRIVATE KEY-----`;

const SAMPLE_DSA = `-----BEGIN DSA PRIVATE KEY-----
QO2DCWS6EFPA+ix4Za2tAUwRiiUOQIVZiLcLXt+avsCE20i+ywaGWtTlBYsArUfg
i0JTzqXCwhMF1LM83BRcziNRxOZF7moZ8eTZ9SaabdjAG8lQPbt2EDdOkgTTuda7
EKIvIbk9UQw7OxGru2asWO4ONpRiXrCZRbeILUWeyL9AXlT3xDCGjnCG8yPHRgpt
-----END DSA PRIVATE KEY-----`;

const SAMPLE_PKCS8 = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgudmMhMbym9uZMwc8
TxR1Jd41FCvV4oGrPe7+lcF0GN2hRANCAAShHK1CwACfwOpOxVTTcttKuzrRhEfw
vwZrE2s3WL5VgSomW93wX72mvF0soVMa6TvvQsSkQJAbpkscoXm7mQ7Z
-----END PRIVATE KEY-----`;

const SAMPLE_PKCS8_ENCRYPTED = `-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgYwcVI5dTpZwICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEKh3W2NlrlgM6Gh+xSwtqoAEgZBM
Yy2AiOCmXNdA54yZ3n3w88GI8FFTjORThbtZzOWXE/EL8k60aJV2bc/YC1tW57nB
-----END ENCRYPTED PRIVATE KEY-----`;

const SAMPLE_OPENSSH = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCr7uc10+PCw/85rX9LVgItt/HuPtZ+RMmFe/xhTMRSjAAAAIjXj1Hd149R
3QAAAAtzc2gtZWQyNTUxOQAAACCr7uc10+PCw/85rX9LVgItt/HuPtZ+RMmFe/xhTMRSjA
AAAEB6sCi29wY5vF7RcspEWyBDub+GCNQmK9MYmgcDE7DXK6vu5zXT48LD/zmtf0tWAi23
8e4+1n5EyYV7/GFMxFKMAAAAAAECAwQF
-----END OPENSSH PRIVATE KEY-----`;

const SAMPLE_OPENSSH_ENCRYPTED = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAN/YKLtY
LR+JwbtknvrTgeAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIBtXHjUprk6HDamz
CnP7nmOyAzdGfanwgJbfaE+c3mcKAAAAkCe33HMJreHG+aCEKzZotLnQpZnp5+3QNFGZAo
H5NVvhqzBX0g9XRiLittDHwnPLRTiw2CpoAfXtUJmHCIKw/BlzXDDaO0Pe1ZQ3SBLFa/ZA
lv4NIRTcq+oZOQXRx6TudthoEvFtzIUhw5mi+enbaW+hW0VGLcWvwhcR1gznhE9K1aZVLP
DiQ/GNU2fkceqCyg==
-----END OPENSSH PRIVATE KEY-----`;

const SAMPLE_PUTTY_PRIVATE = `61ZtxLErvRAhWa8YJb4UEgZjq2euj/5BbsZs6anmoq9EAUBk7rrFfSaWD3yKr5HS
8GM9E3hWpvmKVP2EXl7YNtxSz76hY/+lwmONlCmM15CVe5t0Jvckmf+mu1ndx5IE
SLWaFa8rpIyuuhsxp1CoYhCZz2ic165otkj8qiYMi0aZisftn5AFuLWyhAw=`;

function puttyFile(encryption: string): string {
  return `PuTTY-User-Key-File-2: ssh-rsa
Encryption: ${encryption}
Comment: deploy-key
Public-Lines: 2
NgTXPmXPBSUFhqjYD2sVBdo+IaKl0LV37jCqUzxy/hZngCBhS8gVAvOx0n420PgF
qcfAs3mOBa3bmiQnYxH9su4TTo1qdpo0LBNlrk2uwrdVYdrvBtNRoQLn
Private-Lines: 3
${SAMPLE_PUTTY_PRIVATE}
Private-MAC: 1be0be2291443a5c667205f754f2267ceb470af3`;
}

const SAMPLE_PGP = `-----BEGIN PGP PRIVATE KEY BLOCK-----

SGcJSxrr5ZVUXhConmQ+6EE4TVlPE7TFNOSY/WM2XSqSbXm7q1/5CsLULOVfbvvv
C5YEMtSXkkcMEblG+I/n2zWEQ4MgRgFksqsqgvPTnbtLcdgw+bmRfXADPVmNMRkt
cvWUINe4rhvl0oR8RQgfuroBTwhySTNmpsBrGaBkpUVOdBurEUeixaq2oEt7WGnP
=Qx8z
-----END PGP PRIVATE KEY BLOCK-----`;

const jsonEscaped = (block: string): string => block.replace(/\n/g, '\\n');

/** PuTTY `.ppk`: the private part follows `Private-Lines: N`; `Encryption: none` means it is clear. */
const PUTTY = (encrypted: boolean): RegExp =>
  new RegExp(
    String.raw`PuTTY-User-Key-File-[23]:[^\n]{1,100}\r?\nEncryption:[ \t]*${encrypted ? String.raw`(?!none\b)[\w-]{2,40}` : 'none'}[ \t]*\r?\n(?:[^\n]{0,200}\r?\n){0,40}?Private-Lines:[ \t]*\d{1,4}[ \t]*\r?\n(?<secret>(?:[A-Za-z0-9+\/=]{1,200}\r?\n){0,200}[A-Za-z0-9+\/=]{1,200})(?=[ \t]*(?:\r?\n|$))`,
  );

const privateKeyDetectors: Detector[] = [
  {
    id: 'private-key-rsa',
    title: 'RSA private key (PKCS#1 PEM)',
    provider: 'Private key',
    level: 'error',
    keywords: ['begin rsa private key'],
    pattern: pem('RSA PRIVATE KEY'),
    samples: {
      positive: [
        { text: SAMPLE_RSA, secret: SAMPLE_RSA, path: 'deploy/id_rsa' },
        { text: `{"key": "${jsonEscaped(SAMPLE_RSA)}\\n"}`, secret: jsonEscaped(SAMPLE_RSA), path: 'creds.json' },
      ],
      negative: [
        '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
        '-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA0fakeButLongEnoughBase64BodyForTheRegexToConsiderIt\n-----END RSA PUBLIC KEY-----',
        SAMPLE_RSA_ENCRYPTED,
      ],
    },
  },
  {
    id: 'private-key-ec',
    title: 'EC private key (SEC1 PEM)',
    provider: 'Private key',
    level: 'error',
    keywords: ['begin ec private key'],
    pattern: pem('EC PRIVATE KEY'),
    samples: {
      positive: [
        { text: SAMPLE_EC, secret: SAMPLE_EC, path: 'certs/server.key' },
        { text: `tls:\n  key: |\n${SAMPLE_EC.replace(/^/gm, '    ')}`, secret: SAMPLE_EC.replace(/^/gm, '    ').trimStart(), path: 'values.yaml' },
      ],
      negative: ['-----BEGIN EC PRIVATE KEY-----\n<your key here>\n-----END EC PRIVATE KEY-----', '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----'],
    },
  },
  {
    id: 'private-key-dsa',
    title: 'DSA private key (PEM)',
    provider: 'Private key',
    level: 'error',
    keywords: ['begin dsa private key'],
    pattern: pem('DSA PRIVATE KEY'),
    samples: {
      positive: [{ text: SAMPLE_DSA, secret: SAMPLE_DSA, path: 'keys/dsa.pem' }],
      negative: ['-----BEGIN DSA PRIVATE KEY-----\nMIIBuwIBAAKBgQ...\n-----END DSA PRIVATE KEY-----'],
    },
  },
  {
    id: 'private-key-pkcs8',
    title: 'Private key (PKCS#8 PEM)',
    provider: 'Private key',
    level: 'error',
    keywords: ['begin private key'],
    pattern: pem('PRIVATE KEY'),
    samples: {
      positive: [
        { text: SAMPLE_PKCS8, secret: SAMPLE_PKCS8, path: 'certs/tls.key' },
        { text: `  "private_key": "${jsonEscaped(SAMPLE_PKCS8)}\\n",`, secret: jsonEscaped(SAMPLE_PKCS8), path: 'service-account.json' },
      ],
      negative: [SAMPLE_PKCS8_ENCRYPTED, '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoRytQsAAn8DqTsVU03LbSrs60YRH8L8G\n-----END PUBLIC KEY-----'],
    },
  },
  {
    id: 'private-key-openssh',
    title: 'OpenSSH private key (unencrypted)',
    provider: 'Private key',
    level: 'error',
    keywords: ['begin openssh private key'],
    pattern: pem('OPENSSH PRIVATE KEY'),
    validate: (block) => opensshCipher(block) === 'none',
    samples: {
      positive: [{ text: SAMPLE_OPENSSH, secret: SAMPLE_OPENSSH, path: '.ssh/id_ed25519' }],
      negative: [SAMPLE_OPENSSH_ENCRYPTED, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvu5zXT48LD/zmtf0tWAi238e4+1n5EyYV7/GFMxFKM deploy@ci'],
    },
  },
  {
    id: 'private-key-putty',
    title: 'PuTTY private key (unencrypted .ppk)',
    provider: 'Private key',
    level: 'error',
    keywords: ['putty-user-key-file'],
    pattern: PUTTY(false),
    samples: {
      positive: [{ text: puttyFile('none'), secret: SAMPLE_PUTTY_PRIVATE, path: 'keys/deploy.ppk' }],
      negative: [puttyFile('aes256-cbc')],
    },
  },
  {
    id: 'private-key-pgp',
    title: 'PGP private key block',
    provider: 'Private key',
    level: 'error',
    keywords: ['begin pgp private key block'],
    pattern: /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{40,40000}?-----END PGP PRIVATE KEY BLOCK-----/,
    samples: {
      positive: [{ text: SAMPLE_PGP, secret: SAMPLE_PGP, path: 'release/signing.asc' }],
      negative: ['-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGXfakeBodyLongEnoughForTheRegexToLookAtIt\n-----END PGP PUBLIC KEY BLOCK-----', '-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----'],
    },
  },
  {
    id: 'private-key-encrypted',
    title: 'Encrypted private key (needs its passphrase, still should not be committed)',
    provider: 'Private key',
    level: 'warning',
    keywords: ['begin encrypted private key', 'begin rsa private key', 'begin ec private key', 'begin dsa private key', 'begin openssh private key'],
    pattern: new RegExp(
      String.raw`-----BEGIN ENCRYPTED PRIVATE KEY-----${PEM_BODY}-----END ENCRYPTED PRIVATE KEY-----` +
        String.raw`|-----BEGIN (?<label>RSA|EC|DSA) PRIVATE KEY-----${LINE_BREAK}Proc-Type:[ \t]*4,ENCRYPTED${LINE_BREAK}DEK-Info:[ \t]*[A-Z0-9-]{3,40},[0-9A-Fa-f]{8,64}${PEM_BODY}-----END \k<label> PRIVATE KEY-----` +
        String.raw`|-----BEGIN OPENSSH PRIVATE KEY-----${PEM_BODY}-----END OPENSSH PRIVATE KEY-----`,
    ),
    validate: (block) => !block.includes('OPENSSH') || (opensshCipher(block) ?? 'none') !== 'none',
    samples: {
      positive: [
        { text: SAMPLE_PKCS8_ENCRYPTED, secret: SAMPLE_PKCS8_ENCRYPTED, path: 'certs/tls.key' },
        { text: SAMPLE_RSA_ENCRYPTED, secret: SAMPLE_RSA_ENCRYPTED, path: 'certs/legacy.key' },
        { text: SAMPLE_OPENSSH_ENCRYPTED, secret: SAMPLE_OPENSSH_ENCRYPTED, path: '.ssh/id_ed25519' },
      ],
      negative: [SAMPLE_OPENSSH, SAMPLE_RSA],
    },
  },
  {
    id: 'private-key-putty-encrypted',
    title: 'Encrypted PuTTY private key (.ppk)',
    provider: 'Private key',
    level: 'warning',
    keywords: ['putty-user-key-file'],
    pattern: PUTTY(true),
    samples: {
      positive: [{ text: puttyFile('aes256-cbc'), secret: SAMPLE_PUTTY_PRIVATE, path: 'keys/deploy.ppk' }],
      negative: [puttyFile('none')],
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Tokens with a self-describing format
// ---------------------------------------------------------------------------------------------

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 7519: base64url(header).base64url(payload).signature. The header must be JSON naming an
 * `alg`; unsigned (`none`) tokens and Supabase `anon` keys (public by design) are not secrets.
 */
export function isSignedJwt(token: string): boolean {
  const [header, payload, signature] = token.split('.');
  const h = decodeJsonPart(header);
  const p = decodeJsonPart(payload);
  if (!h || !p || typeof h.alg !== 'string' || h.alg.toLowerCase() === 'none' || !signature) return false;
  return p.role !== 'anon';
}

const SAMPLE_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsInNjb3BlIjoiaW52b2ljZXM6d3JpdGUiLCJpYXQiOjE3NjQzNzQ0MDB9.Xq3mZ8Lk2vR9tW4nB7pY1sH5dJ0fG6cA2eK8uI3oQ9w';
const SAMPLE_JWT_ANON =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJhbm9uIiwiaWF0IjoxNzY0Mzc0NDAwfQ.Zk4mQ8Lx2vR9tW4nB7pY1sH5dJ0fG6cA2eK8uI3oQ9w';

const tokenDetectors: Detector[] = [
  {
    id: 'jwt',
    title: 'JSON Web Token',
    provider: 'JWT',
    level: 'error',
    keywords: ['eyj'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{8,2000}\.ey[A-Za-z0-9_-]{8,10000}\.[A-Za-z0-9_-]{16,2000})(?![A-Za-z0-9_-])/,
    validate: isSignedJwt,
    redactPrefix: 'eyJ',
    samples: {
      positive: [
        { text: `SERVICE_JWT=${SAMPLE_JWT}`, secret: SAMPLE_JWT, path: '.env' },
        { text: `const token = "${SAMPLE_JWT}";`, secret: SAMPLE_JWT, path: 'src/client.ts' },
      ],
      negative: [
        `SUPABASE_ANON_KEY=${SAMPLE_JWT_ANON}`,
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.c2lnbmF0dXJlLW5vdC11c2Vk',
        'eyJub3QiOiJqd3QifQ.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.c2lnbmF0dXJlLW5vdC11c2Vk',
      ],
    },
  },
  {
    // A JWT wrapped in standard base64 (Kubernetes Secret values, Basic-auth-like headers, CI
    // variables): `eyJ` encodes to `ZXlK`. Reported when the decoded text is a signed JWT.
    id: 'jwt-base64',
    title: 'JSON Web Token (base64-encoded)',
    provider: 'JWT',
    level: 'error',
    keywords: ['zxlk'],
    pattern: /(?<![A-Za-z0-9+/])(?<secret>ZXlK[A-Za-z0-9+/]{60,16000}={0,2})(?![A-Za-z0-9+/=])/,
    validate: (value) => isSignedJwt(Buffer.from(value, 'base64').toString('latin1').trim()),
    redactPrefix: 'ZXlK',
    samples: {
      positive: [
        { text: `SERVICE_AUTH=${Buffer.from(SAMPLE_JWT).toString('base64')}`, secret: Buffer.from(SAMPLE_JWT).toString('base64'), path: '.env' },
        { text: `  token: ${Buffer.from(SAMPLE_JWT).toString('base64')}`, secret: Buffer.from(SAMPLE_JWT).toString('base64'), path: 'k8s/values.yaml' },
      ],
      negative: [
        // Base64 of an unsigned token and of JSON that is not a token.
        `TOKEN=${Buffer.from('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.c2lnbmF0dXJlLW5vdC11c2Vk').toString('base64')}`,
        `DATA=${Buffer.from('eyJuYW1lIjoiYWNtZSIsInBsYW4iOiJwcm8iLCJzZWF0cyI6MTB9 and some more text to be long').toString('base64')}`,
      ],
    },
  },
  {
    id: 'age-secret-key',
    title: 'age encryption secret key',
    provider: 'age',
    level: 'error',
    keywords: ['age-secret-key-1'],
    // age spec: Bech32 with HRP `AGE-SECRET-KEY-`, upper-case, 32-byte key → 58 data+checksum chars.
    pattern: /(?<![A-Z0-9-])AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Z0-9])/,
    redactPrefix: 'AGE-SECRET-KEY-1',
    samples: {
      positive: [
        { text: '# created: 2026-01-04\nAGE-SECRET-KEY-1J99VFDQETA2YPWHWGCGPE98HJUCZ4D2EEVAQ4H8W7WEEDQ8QDN0D2TU8K9', secret: 'AGE-SECRET-KEY-1J99VFDQETA2YPWHWGCGPE98HJUCZ4D2EEVAQ4H8W7WEEDQ8QDN0D2TU8K9', path: 'keys.txt' },
        { text: 'SOPS_AGE_KEY=AGE-SECRET-KEY-1CYX5SYD8CSVKLXGVTPS0KGP2C4SHX3TAXL4M3537X5JN23T8NP25JUR05R', secret: 'AGE-SECRET-KEY-1CYX5SYD8CSVKLXGVTPS0KGP2C4SHX3TAXL4M3537X5JN23T8NP25JUR05R', path: '.env' },
      ],
      negative: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p', 'AGE-SECRET-KEY-1XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'AGE-SECRET-KEY-1...'],
    },
  },
];

// ---------------------------------------------------------------------------------------------
// URLs with credentials
// ---------------------------------------------------------------------------------------------

interface UrlFamily {
  id: string;
  title: string;
  provider: string;
  /** Scheme alternatives (regex source). */
  schemes: string;
  keywords: string[];
  example: { scheme: string; host: string; path: string };
}

const URL_FAMILIES: UrlFamily[] = [
  { id: 'postgres-url-password', title: 'PostgreSQL connection URL with password', provider: 'PostgreSQL', schemes: String.raw`postgres(?:ql)?(?:\+[a-z0-9]+)?|postgis|pgsql|timescaledb|cockroachdb|redshift`, keywords: ['postgres', 'postgis', 'pgsql', 'timescaledb', 'cockroachdb', 'redshift'], example: { scheme: 'postgresql', host: 'db.internal:5432', path: '/billing' } },
  { id: 'mysql-url-password', title: 'MySQL/MariaDB connection URL with password', provider: 'MySQL', schemes: String.raw`mysql(?:x|2)?(?:\+[a-z0-9]+)?|mariadb|tidb`, keywords: ['mysql', 'mariadb', 'tidb'], example: { scheme: 'mysql', host: 'mysql.internal:3306', path: '/shop' } },
  { id: 'mongodb-url-password', title: 'MongoDB connection URL with password', provider: 'MongoDB', schemes: String.raw`mongodb(?:\+srv)?`, keywords: ['mongodb'], example: { scheme: 'mongodb+srv', host: 'cluster0.ab1cd.mongodb.net', path: '/app?retryWrites=true' } },
  { id: 'redis-url-password', title: 'Redis connection URL with password', provider: 'Redis', schemes: String.raw`rediss?|valkey|keydb`, keywords: ['redis', 'valkey', 'keydb'], example: { scheme: 'rediss', host: 'cache.internal:6380', path: '/0' } },
  { id: 'amqp-url-password', title: 'AMQP/message broker URL with password', provider: 'AMQP', schemes: String.raw`amqps?|rabbitmq|mqtts?|nats|stomp|kafka`, keywords: ['amqp', 'rabbitmq', 'mqtt', 'nats', 'stomp', 'kafka'], example: { scheme: 'amqps', host: 'mq.internal:5671', path: '/%2F' } },
  { id: 'database-url-password', title: 'Database connection URL with password', provider: 'Database', schemes: String.raw`mssql|sqlserver|oracle|db2|clickhouse|snowflake|cassandra|neo4j(?:\+s)?|bolt|couchbases?|couchdb|influxdb|elasticsearch|opensearch|cockroach|memcached|sqlalchemy`, keywords: ['mssql', 'sqlserver', 'oracle', 'db2', 'clickhouse', 'snowflake', 'cassandra', 'neo4j', 'bolt', 'couchbase', 'couchdb', 'influxdb', 'elasticsearch', 'opensearch', 'cockroach', 'memcached', 'sqlalchemy'], example: { scheme: 'sqlserver', host: 'sql.internal:1433', path: '/erp' } },
  { id: 'ftp-url-password', title: 'FTP/SSH/SMB URL with password', provider: 'File transfer', schemes: String.raw`s?ftps?|ssh|scp|rsync|smb|cifs|webdavs?|davs?`, keywords: ['ftp', 'ssh', 'scp', 'rsync', 'smb', 'cifs', 'dav'], example: { scheme: 'sftp', host: 'files.partner.com', path: '/outbound' } },
  { id: 'smtp-url-password', title: 'Mail server URL with password', provider: 'Mail', schemes: String.raw`smtps?|submission|imaps?|pop3s?`, keywords: ['smtp', 'submission', 'imap', 'pop3'], example: { scheme: 'smtps', host: 'smtp.mailhost.com:465', path: '' } },
  { id: 'ldap-url-password', title: 'LDAP URL with password', provider: 'LDAP', schemes: String.raw`ldaps?`, keywords: ['ldap'], example: { scheme: 'ldaps', host: 'ldap.corp.internal:636', path: '/dc=corp,dc=internal' } },
  { id: 'basic-auth-url', title: 'HTTP URL with basic-auth credentials', provider: 'HTTP', schemes: String.raw`https?|wss?|git\+https?|svn\+https?`, keywords: ['://'], example: { scheme: 'https', host: 'nexus.corp.internal', path: '/repository/npm/' } },
];

/** `user:password@`: the user may be empty (`redis://:pw@host`); the password may hold `@` and `:`. */
const URL_CREDENTIALS = String.raw`:\/\/[^\s:@\/?#'"\x60<>{}\[\]\\]{0,200}:(?<secret>[^\s\/?#'"\x60<>{}\[\]\\]{3,200})@(?=[A-Za-z0-9\[_-])`;
const ALL_KNOWN_SCHEMES = URL_FAMILIES.map((f) => f.schemes).join('|');

function urlDetector(family: UrlFamily, index: number): Detector {
  return {
    id: family.id,
    title: family.title,
    provider: family.provider,
    level: 'error',
    keywords: family.keywords,
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9+.-])(?:${family.schemes})${URL_CREDENTIALS}`, 'i'),
    samples: urlSamples(family, index),
  };
}

/** A URL family's samples, read only from `samples` (so that the bundles leave them out: scripts/drop-samples.mjs). */
function urlSamples(family: UrlFamily, index: number): Detector['samples'] {
  const { scheme, host, path } = family.example;
  const passwords = ['Xq9mL2vR7kZt', 'p4Ss-W0rd!82kQ'];
  const user = index % 2 === 0 ? 'svc_app' : 'deploy';
  return {
    positive: [
      { text: `DATABASE_URL=${scheme}://${user}:${passwords[0]}@${host}${path}`, secret: passwords[0], path: '.env' },
      { text: `  url: "${scheme}://${user}:${passwords[1]}@${host}${path}"`, secret: passwords[1], path: 'config/app.yaml' },
    ],
    negative: [
      `${scheme}://${user}:\${DB_PASSWORD}@${host}${path}`,
      `${scheme}://user:password@${host}${path}`,
      `${scheme}://${host}${path}`,
      `${scheme}://{{ .Values.user }}:{{ .Values.password }}@${host}${path}`,
      `${scheme}://${user}:<password>@${host}${path}`,
    ],
  };
}

const urlDetectors: Detector[] = [
  ...URL_FAMILIES.map(urlDetector),
  {
    id: 'url-password',
    title: 'URL with embedded password',
    provider: 'URL',
    level: 'error',
    keywords: ['://'],
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9+.-])(?!(?:${ALL_KNOWN_SCHEMES}):\/\/)[A-Za-z][A-Za-z0-9+.-]{1,30}${URL_CREDENTIALS}`, 'i'),
    samples: {
      positive: [
        { text: 'VAULT_ADDR_WITH_CREDS=consul://agent:Hk8Lq2Zm9Xr4@consul.internal:8500', secret: 'Hk8Lq2Zm9Xr4', path: '.env' },
        { text: 'broker: "zookeeper://admin:Zt7Rk2Lm9Xq4@zk.internal:2181"', secret: 'Zt7Rk2Lm9Xq4', path: 'config.yaml' },
      ],
      negative: ['https://user:pass@example.com', 'consul://consul.internal:8500', 'git@github.com:acme/repo.git', 'consul://agent:${CONSUL_TOKEN}@consul.internal'],
    },
  },
];

export const formatDetectors: Detector[] = [...privateKeyDetectors, ...tokenDetectors, ...urlDetectors];
