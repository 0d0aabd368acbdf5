import type { VerdictCache, VerifyResult } from '../verify/index.js';

/**
 * The App verifies a secret at most once per fingerprint per day (docs/verification.md): verdicts
 * are kept for VERDICT_TTL_MS, in Redis when REDIS_URL is set (shared by every replica), in memory
 * otherwise. Only fingerprints and verdicts are stored, never a secret.
 */
export const VERDICT_TTL_MS = 24 * 60 * 60 * 1000;
const KEY_PREFIX = 'nhi-steward:verdict:';
const MAX_MEMORY_ENTRIES = 50_000;

export class MemoryVerdictCache implements VerdictCache {
  readonly #entries = new Map<string, { result: VerifyResult; until: number }>();
  constructor(private readonly now: () => number = Date.now) {}
  async get(fingerprint: string): Promise<VerifyResult | undefined> {
    const entry = this.#entries.get(fingerprint);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.#entries.delete(fingerprint);
      return undefined;
    }
    return entry.result;
  }
  async set(fingerprint: string, result: VerifyResult): Promise<void> {
    if (this.#entries.size >= MAX_MEMORY_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(fingerprint, { result, until: this.now() + VERDICT_TTL_MS });
  }
}

interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  quit(): Promise<unknown>;
}

export class RedisVerdictCache implements VerdictCache {
  constructor(private readonly redis: RedisLike) {}
  static async connect(url: string): Promise<RedisVerdictCache> {
    const { redisConnection } = await import('./queue.js');
    const { Redis } = await import('ioredis');
    // A cache must fail fast: a miss costs one request, a hung command would hold up the scan.
    const client = new Redis({ ...redisConnection(url), maxRetriesPerRequest: 1, commandTimeout: 2000 });
    // A lost connection only costs cache misses (each command fails fast); ioredis reconnects by itself.
    client.on('error', () => undefined);
    return new RedisVerdictCache(client);
  }
  async get(fingerprint: string): Promise<VerifyResult | undefined> {
    const text = await this.redis.get(KEY_PREFIX + fingerprint);
    if (!text) return undefined;
    try {
      const parsed = JSON.parse(text) as VerifyResult;
      return parsed.verification === 'live' || parsed.verification === 'revoked' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  async set(fingerprint: string, result: VerifyResult): Promise<void> {
    await this.redis.set(KEY_PREFIX + fingerprint, JSON.stringify(result), 'PX', VERDICT_TTL_MS);
  }
  close(): Promise<unknown> {
    return this.redis.quit();
  }
}

let redisUrl: string | undefined;
let shared: Promise<VerdictCache> | undefined;

/**
 * The App's verdict cache, made on first use (only a repository with `verify: on` needs it):
 * Redis when `configureVerdictCache` (createApp) was given a URL, memory otherwise or when Redis
 * cannot be reached.
 */
export function appVerdictCache(): Promise<VerdictCache> {
  return (shared ??= redisUrl ? RedisVerdictCache.connect(redisUrl).catch(() => new MemoryVerdictCache()) : Promise.resolve(new MemoryVerdictCache()));
}

export function configureVerdictCache(url: string | undefined): void {
  redisUrl = url;
  shared = undefined;
}
