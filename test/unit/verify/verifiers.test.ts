import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { createVerifier, resolveTarget, UNVERIFIABLE, VERIFY_SPECS, type VerifyResult } from '../../../src/verify/index.js';
import type { VerifySpec } from '../../../src/verify/spec.js';
import { sampleParts, startStandIn, type Mode, type StandIn } from '../../support/verify/stand-in.js';

const keys = Object.keys(VERIFY_SPECS);
const providers = new Set(Object.values(VERIFY_SPECS).map((s) => s.provider));
const secretOf = (key: string, salt = '') => {
  const parts = sampleParts(key);
  return { fingerprint: createHash('sha256').update(`${key}\0${parts.join('\n')}${salt}`).digest('hex'), detector: key, parts };
};

let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn(VERIFY_SPECS);
});
afterAll(() => standIn.close());

async function runAll(mode: Mode, options: { timeoutMs?: number } = {}): Promise<Map<string, VerifyResult>> {
  standIn.modes.clear();
  for (const p of providers) standIn.modes.set(p, mode);
  const verifier = createVerifier({ endpoints: standIn.endpoints(providers), minIntervalMs: 0, concurrency: 16, timeoutMs: options.timeoutMs ?? 2000 });
  const results = new Map<string, VerifyResult>();
  await Promise.all(keys.map(async (key) => results.set(key, await verifier.verify(secretOf(key, mode)))));
  return results;
}

describe('the verifier catalog', () => {
  it('covers at least 20 providers, each keyed by a real detector (or pair) id with a sample', () => {
    expect(providers.size).toBeGreaterThanOrEqual(20);
    const ids = new Set(allDetectors.flatMap((d) => [d.id, ...(d.pair ? [d.pair.id] : [])]));
    for (const key of [...keys, ...Object.keys(UNVERIFIABLE)]) expect(ids, key).toContain(key);
    for (const key of keys) expect(sampleParts(key).length).toBeGreaterThan(0);
  });

  it('includes every provider the issue names', () => {
    for (const p of ['github', 'gitlab', 'aws', 'slack', 'stripe', 'openai', 'anthropic', 'npm', 'sendgrid', 'twilio', 'mailgun', 'datadog', 'huggingface', 'digitalocean', 'cloudflare', 'heroku', 'shopify', 'notion', 'linear']) expect(providers).toContain(p);
    expect(UNVERIFIABLE['pypi-upload-token']).toMatch(/read-only/);
  });

  it('sends each default request to an https host on its own allowlist, with read-only methods', () => {
    for (const [key, spec] of Object.entries(VERIFY_SPECS)) {
      expect(['GET', 'POST'], key).toContain(spec.request.method);
      if (!spec.base) {
        expect(spec.needsEndpoint, key).toBeTruthy();
        continue;
      }
      const target = resolveTarget(spec, undefined);
      expect('url' in target && target.url.protocol, key).toBe('https:');
    }
  });
});

describe('every verifier against its stand-in provider (real HTTP on loopback)', () => {
  it('live: the provider accepts the credential; facts come back, never the secret', async () => {
    const results = await runAll('live');
    for (const key of keys) {
      const result = results.get(key)!;
      expect(result.verification, `${key}: ${result.detail.reason}`).toBe('live');
      const facts = result.detail.facts ?? {};
      const rule = VERIFY_SPECS[key].live[0];
      for (const [label, where] of Object.entries(VERIFY_SPECS[key].facts ?? {})) {
        // A fact read from the very field the live rule checks carries the rule's value.
        const expected = where === `json:${rule.field}` ? String(rule.values![0]) : `fact-${label}`;
        expect(facts[label], `${key} fact ${label}`).toBe(expected);
      }
      for (const part of sampleParts(key)) expect(JSON.stringify(result)).not.toContain(part);
    }
  });

  it('revoked: the provider refuses it', async () => {
    const results = await runAll('revoked');
    for (const key of keys) expect(results.get(key)!.verification, `${key}: ${results.get(key)!.detail.reason}`).toBe('revoked');
  });

  it('rate-limited (429), 5xx and timeout are unknown, with the reason', async () => {
    for (const [mode, reason] of [['rate-limited', /429/], ['server-error', /server error \(HTTP 503\)/], ['timeout', /did not answer within 300 ms/]] as const) {
      const results = await runAll(mode, { timeoutMs: 300 });
      for (const key of keys) {
        expect(results.get(key)!.verification, `${key} ${mode}`).toBe('unknown');
        expect(results.get(key)!.detail.reason, `${key} ${mode}`).toMatch(reason);
      }
    }
  });

  it('a redirect to another host is not followed', async () => {
    const other = await listenRecorder();
    standIn.redirectTo = `${other.base}/steal`;
    const results = await runAll('redirect');
    for (const key of keys) expect(results.get(key)!.detail.reason, key).toMatch(/redirect \(HTTP 302\), which is never followed/);
    expect(other.count()).toBe(0);
    await other.close();
  });

  it('a verifier whose request misplaces the secret is not told live (the stand-in checks placement)', async () => {
    const broken: VerifySpec = { ...VERIFY_SPECS['github-classic-pat'], request: { ...VERIFY_SPECS['github-classic-pat'].request, headers: { Authorization: 'Bearer nothing' } } };
    standIn.modes.clear();
    const verifier = createVerifier({ specs: { 'github-classic-pat': broken }, endpoints: standIn.endpoints(['github']), minIntervalMs: 0 });
    expect((await verifier.verify(secretOf('github-classic-pat', 'misplaced'))).verification).toBe('revoked');
  });

  it('no request carries a secret that belongs to another provider (headers, URL and body scanned)', async () => {
    standIn.requests.length = 0;
    await runAll('live');
    await runAll('revoked');
    expect(standIn.requests.length).toBeGreaterThanOrEqual(keys.length * 2);
    const partsByProvider = new Map<string, string[]>();
    for (const key of keys) partsByProvider.set(VERIFY_SPECS[key].provider, [...(partsByProvider.get(VERIFY_SPECS[key].provider) ?? []), ...sampleParts(key)]);
    const awsSecretKey = sampleParts('aws-access-key-pair')[1];
    for (const request of standIn.requests) {
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
      const text = [request.url, request.body, ...Object.entries(request.headers).flat(), basic ? Buffer.from(basic[1], 'base64').toString('utf8') : ''].join('\n');
      for (const [provider, parts] of partsByProvider) {
        if (provider === request.provider) continue;
        for (const part of parts) {
          expect(text, `${provider} secret sent to ${request.provider}`).not.toContain(part);
          expect(text).not.toContain(encodeURIComponent(part));
        }
      }
      // SigV4: the AWS secret access key is never sent, not even to AWS.
      expect(text).not.toContain(awsSecretKey);
      expect(request.headers['user-agent']).toMatch(/^nhi-steward/);
    }
  });
});

describe('safety rules', () => {
  it('refuses a default endpoint that is not https, or not on the allowlist, without any request', async () => {
    const spec = VERIFY_SPECS['npm-access-token'];
    const http: VerifySpec = { ...spec, base: `${standIn.base}/p/npm` };
    standIn.requests.length = 0;
    const verifier = createVerifier({ specs: { 'npm-access-token': http }, minIntervalMs: 0 });
    const result = await verifier.verify(secretOf('npm-access-token', 'http'));
    expect(result.detail.reason).toMatch(/not https/);
    expect(standIn.requests).toHaveLength(0);
    expect(verifier.requests).toBe(0);
    // A path that would move the request to another host is refused before anything is sent.
    const moving: VerifySpec = { ...spec, request: { ...spec.request, path: '.evil.example/steal' } };
    const refused = await createVerifier({ specs: { 'npm-access-token': moving }, minIntervalMs: 0 }).verify(secretOf('npm-access-token', 'moving'));
    expect(refused.detail.reason).toMatch(/the request left registry\.npmjs\.org/);
  });

  it('an override must be https, or http to loopback only, with no credentials in it', () => {
    const spec = VERIFY_SPECS['github-classic-pat'];
    expect(resolveTarget(spec, 'http://ghes.example.com/api/v3')).toEqual({ error: expect.stringMatching(/must use https/) });
    expect(resolveTarget(spec, 'https://user:pw@ghes.example.com/api/v3')).toEqual({ error: expect.stringMatching(/plain base URL/) });
    expect(resolveTarget(spec, 'not a url')).toEqual({ error: expect.stringMatching(/not a URL/) });
    expect(resolveTarget(spec, 'https://ghes.example.com/api/v3')).toMatchObject({ override: true });
    expect(resolveTarget(spec, 'http://127.0.0.1:9/x')).toMatchObject({ override: true });
  });

  it('Shopify has no default host: unknown with the reason, no request', async () => {
    const verifier = createVerifier({ minIntervalMs: 0 });
    const result = await verifier.verify(secretOf('shopify-access-token'));
    expect(result).toMatchObject({ verification: 'unknown', detail: { reason: expect.stringMatching(/verify\.endpoints\.shopify/) } });
    expect(verifier.requests).toBe(0);
  });

  it('logs an override once, by host only', async () => {
    const lines: string[] = [];
    standIn.modes.clear();
    const verifier = createVerifier({ endpoints: standIn.endpoints(['npm']), log: (l) => lines.push(l), minIntervalMs: 0 });
    await verifier.verify(secretOf('npm-access-token', 'log1'));
    await verifier.verify(secretOf('npm-access-token', 'log2'));
    expect(lines).toEqual([`verify: npm secrets go to the configured endpoint host 127.0.0.1:${standIn.port}`]);
  });

  it('sends one request per unique secret per run', async () => {
    standIn.requests.length = 0;
    standIn.modes.clear();
    const verifier = createVerifier({ endpoints: standIn.endpoints(['npm']), minIntervalMs: 0 });
    const secret = secretOf('npm-access-token', 'once');
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => verifier.verify(secret)));
    await verifier.verify(secret);
    expect(results.every((r) => r.verification === 'live')).toBe(true);
    expect(standIn.requests).toHaveLength(1);
    expect(verifier.requests).toBe(1);
  });

  it('bounds concurrency across providers', async () => {
    standIn.requests.length = 0;
    standIn.modes.clear();
    standIn.maxInFlight = 0;
    standIn.delayMs = 80;
    try {
      const verifier = createVerifier({ endpoints: standIn.endpoints(providers), minIntervalMs: 0, concurrency: 2 });
      await Promise.all(['github-classic-pat', 'npm-access-token', 'notion-integration-token', 'sendgrid-api-key', 'heroku-api-key', 'vercel-token'].map((k) => verifier.verify(secretOf(k, 'conc'))));
      expect(standIn.requests).toHaveLength(6);
      expect(standIn.maxInFlight).toBe(2);
    } finally {
      standIn.delayMs = 0;
    }
  });

  it('spaces requests to one provider (rate limit) and stops calling a provider that answered 429', async () => {
    standIn.requests.length = 0;
    standIn.modes.clear();
    const spaced = createVerifier({ endpoints: standIn.endpoints(['npm']), minIntervalMs: 120, concurrency: 8 });
    await Promise.all([1, 2, 3].map((i) => spaced.verify(secretOf('npm-access-token', `space${i}`))));
    const times = standIn.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(100);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(100);

    standIn.requests.length = 0;
    standIn.modes.set('npm', 'rate-limited');
    const limited = createVerifier({ endpoints: standIn.endpoints(['npm']), minIntervalMs: 0, concurrency: 1 });
    const results = [];
    for (const i of [1, 2, 3]) results.push(await limited.verify(secretOf('npm-access-token', `limited${i}`)));
    expect(standIn.requests).toHaveLength(1);
    expect(results[2].detail.reason).toMatch(/rate-limited this run; not retried/);
  });

  it.skipIf(spawnSync('openssl', ['version']).status !== 0)('checks TLS certificates: an untrusted (self-signed) HTTPS endpoint gets no HTTP request, so no secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhi-verify-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      let requests = 0;
      const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
        requests++;
        res.end('{"username":"x"}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await createVerifier({ endpoints: { npm: url }, minIntervalMs: 0 }).verify(secretOf('npm-access-token', 'tls'));
      server.close();
      expect(result.verification).toBe('unknown');
      expect(result.detail.reason).toMatch(/unreachable \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
      expect(requests).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreachable provider is unknown, not an error', async () => {
    const closed = await listenRecorder();
    await closed.close();
    const verifier = createVerifier({ endpoints: { npm: closed.base }, minIntervalMs: 0 });
    const result = await verifier.verify(secretOf('npm-access-token', 'closed'));
    expect(result).toMatchObject({ verification: 'unknown', detail: { reason: expect.stringMatching(/unreachable \(ECONNREFUSED\)/) } });
  });

  it('a detector without a verifier is unknown with the reason, and nothing is sent', async () => {
    const verifier = createVerifier();
    expect((await verifier.verify({ fingerprint: 'x', detector: 'pypi-upload-token', parts: ['pypi-x'] })).detail.reason).toMatch(/PyPI offers no read-only call/);
    expect((await verifier.verify({ fingerprint: 'y', detector: 'generic-password', parts: ['hunter2'] })).detail.reason).toBe('no verifier for generic-password');
    expect(verifier.requests).toBe(0);
  });

  it('a failing cache (Redis down) costs only a cache miss', async () => {
    standIn.modes.clear();
    const broken = { get: () => Promise.reject(new Error('ECONNREFUSED')), set: () => Promise.reject(new Error('ECONNREFUSED')) };
    const verifier = createVerifier({ endpoints: standIn.endpoints(['npm']), cache: broken, minIntervalMs: 0 });
    expect((await verifier.verify(secretOf('npm-access-token', 'broken-cache'))).verification).toBe('live');
    expect(verifier.requests).toBe(1);
  });

  it('keeps verdicts in the cache it is given and does not ask again', async () => {
    standIn.requests.length = 0;
    standIn.modes.clear();
    const store = new Map<string, VerifyResult>();
    const cache = { get: async (k: string) => store.get(k), set: async (k: string, v: VerifyResult) => void store.set(k, v) };
    const secret = secretOf('npm-access-token', 'cache');
    await createVerifier({ endpoints: standIn.endpoints(['npm']), cache, minIntervalMs: 0 }).verify(secret);
    const second = createVerifier({ endpoints: standIn.endpoints(['npm']), cache, minIntervalMs: 0 });
    expect((await second.verify(secret)).verification).toBe('live');
    expect(second.requests).toBe(0);
    expect(standIn.requests).toHaveLength(1);
  });
});

async function listenRecorder(): Promise<{ base: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((_req, res) => {
    count++;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, count: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
