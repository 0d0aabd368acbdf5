import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import aws4 from 'aws4';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import type { VerifySpec } from '../../../src/verify/spec.js';

/**
 * Local stand-ins for the providers the verifiers call, over real HTTP on loopback. One server
 * serves every provider under `/p/<provider>`; tests point `verify.endpoints.<provider>` there.
 * Each provider answers as the test's `mode` says; a "live" answer is given only when the request
 * carries the credential where the provider expects it (an AWS request must carry a valid SigV4
 * signature), so a verifier that misplaces the secret fails.
 */
export type Mode = 'live' | 'revoked' | 'rate-limited' | 'server-error' | 'timeout' | 'redirect';

export interface Recorded {
  provider: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface StandIn {
  base: string;
  port: number;
  requests: Recorded[];
  /** Provider → mode (default live). */
  modes: Map<string, Mode>;
  /** Where `redirect` points. */
  redirectTo: string;
  /** Milliseconds each answer is held back (concurrency tests). */
  delayMs: number;
  inFlight: number;
  maxInFlight: number;
  endpoints(providers: Iterable<string>): Record<string, string>;
  close(): Promise<void>;
}

/** Credential parts the stand-in expects per spec key: the detector's own sample secrets. */
export function sampleParts(key: string): string[] {
  const detector = allDetectors.find((d) => d.id === key);
  if (detector) return [detector.samples.positive[0].secret];
  const first = allDetectors.find((d) => d.pair?.id === key);
  if (!first) throw new Error(`no detector or pair ${key}`);
  const second = allDetectors.find((d) => d.id === first.pair!.with)!;
  return [first.samples.positive[0].secret, second.samples.positive[0].secret];
}

const REVOKED_BODIES: Record<string, string> = {
  aws: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>',
};

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** The provider's answer, built from the spec's own first rule so every spec is exercised. */
export function answerFor(spec: VerifySpec, verdict: 'live' | 'revoked'): { status: number; headers: Record<string, string>; body: string } {
  const rule = (verdict === 'live' ? spec.live : spec.revoked)[0];
  const json: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  let xml = '';
  if (verdict === 'live') {
    for (const [label, where] of Object.entries(spec.facts ?? {})) {
      const [kind, key] = [where.slice(0, where.indexOf(':')), where.slice(where.indexOf(':') + 1)];
      if (kind === 'json') setPath(json, key, `fact-${label}`);
      else if (kind === 'header') headers[key] = `fact-${label}`;
      else xml += `<${key}>fact-${label}</${key}>`;
    }
  }
  if (rule.field) setPath(json, rule.field, rule.values ? rule.values[0] : 'present');
  let body = xml ? `<GetCallerIdentityResponse><GetCallerIdentityResult>${xml}</GetCallerIdentityResult></GetCallerIdentityResponse>` : JSON.stringify(json);
  if (rule.body) body = REVOKED_BODIES[spec.provider] ?? `{"error":"${rule.body.source.split('|')[0]}"}`;
  return { status: rule.status[0], headers: { 'content-type': xml ? 'text/xml' : 'application/json', ...headers }, body };
}

/** True when the request carries `parts` the way `spec` says the provider expects them. */
export function carriesCredential(spec: VerifySpec, parts: string[], request: Recorded): boolean {
  if (spec.request.sigv4) {
    const auth = request.headers.authorization ?? '';
    if (!auth.includes(`Credential=${parts[0]}/`)) return false;
    const url = new URL(request.url, 'http://x');
    const resigned = aws4.sign(
      {
        host: request.headers.host,
        path: url.pathname + url.search,
        method: request.method,
        service: spec.request.sigv4.service,
        region: spec.request.sigv4.region,
        headers: { 'Content-Type': request.headers['content-type'], 'X-Amz-Date': request.headers['x-amz-date'] },
        body: request.body,
      },
      { accessKeyId: parts[0], secretAccessKey: parts[1] },
    );
    return (resigned.headers as Record<string, string>).Authorization === auth;
  }
  const seen = [request.url, request.body, ...Object.values(request.headers)];
  const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  if (basic) seen.push(Buffer.from(basic[1], 'base64').toString('utf8'));
  return parts.every((part) => seen.some((text) => text.includes(part) || text.includes(encodeURIComponent(part))));
}

export async function startStandIn(specs: Readonly<Record<string, VerifySpec>>): Promise<StandIn> {
  const byProvider = new Map<string, { spec: VerifySpec; parts: string[] }[]>();
  for (const [key, spec] of Object.entries(specs)) {
    let parts: string[];
    try {
      parts = sampleParts(key);
    } catch {
      continue; // test-only specs without catalog samples
    }
    const list = byProvider.get(spec.provider) ?? [];
    list.push({ spec, parts });
    byProvider.set(spec.provider, list);
  }
  const hanging = new Set<ServerResponse>();
  const state: Omit<StandIn, 'base' | 'port' | 'endpoints' | 'close'> = { requests: [], modes: new Map(), redirectTo: '', delayMs: 0, inFlight: 0, maxInFlight: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const match = /^\/p\/([^/]+)(\/.*)?$/.exec(req.url ?? '');
      const provider = match?.[1] ?? '';
      const record: Recorded = {
        provider,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      state.requests.push(record);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      const finish = (status: number, headers: Record<string, string>, body: string) => {
        state.inFlight--;
        res.writeHead(status, headers).end(body);
      };
      const mode = state.modes.get(provider) ?? 'live';
      if (mode === 'timeout') {
        hanging.add(res);
        state.inFlight--;
        return;
      }
      if (mode === 'rate-limited') return finish(429, { 'retry-after': '60' }, '{"message":"rate limited"}');
      if (mode === 'server-error') return finish(503, {}, 'upstream unavailable');
      if (mode === 'redirect') return finish(302, { location: state.redirectTo }, '');
      // The answer follows the spec whose credential the request carries (a key id in the path, a token in a header…).
      const known = byProvider.get(provider) ?? [];
      const entry = known.find((k) => carriesCredential(k.spec, k.parts, record));
      if (!entry) return finish(401, { 'content-type': 'application/json' }, '{"message":"Bad credentials"}');
      const answer = answerFor(entry.spec, mode === 'revoked' ? 'revoked' : 'live');
      finish(answer.status, answer.headers, answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    base,
    port,
    endpoints: (providers: Iterable<string>) => Object.fromEntries([...providers].map((p) => [p, `${base}/p/${p}`])),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
