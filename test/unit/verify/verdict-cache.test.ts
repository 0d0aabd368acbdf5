import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVerdictCache, RedisVerdictCache, VERDICT_TTL_MS } from '../../../src/app/verdict-cache.js';
import { SecretVault, type VerifyResult } from '../../../src/verify/index.js';
import { REDIS_AVAILABLE, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../../support/redis-server.js';

const live: VerifyResult = { verification: 'live', detail: { provider: 'github', facts: { account: 'octocat' }, checkedAt: '2026-01-01T00:00:00.000Z' } };

describe('verdict caches (App: once per fingerprint per day)', () => {
  it('memory: keeps a verdict for a day, then forgets it', async () => {
    let now = 1_000;
    const cache = new MemoryVerdictCache(() => now);
    await cache.set('fp', live);
    now += VERDICT_TTL_MS - 1;
    expect(await cache.get('fp')).toEqual(live);
    now += 1;
    expect(await cache.get('fp')).toBeUndefined();
  });

  describe.skipIf(!REDIS_AVAILABLE)(`redis (${REDIS_AVAILABLE ? 'real redis-server' : REDIS_SKIP_REASON})`, () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(() => redis?.stop());

    it('stores verdicts by fingerprint with a one-day expiry, shared by every replica', async () => {
      const a = await RedisVerdictCache.connect(redis.url);
      const b = await RedisVerdictCache.connect(redis.url);
      await a.set('fp1', live);
      expect(await b.get('fp1')).toEqual(live);
      const ttl = Number((await redis.command('PTTL', 'nhi-steward:verdict:fp1')).replace(/\D/g, ''));
      expect(ttl).toBeGreaterThan(VERDICT_TTL_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(VERDICT_TTL_MS);
      await a.close();
      await b.close();
    });
  });
});

describe('SecretVault', () => {
  it('never prints or serialises the secrets it holds', () => {
    const vault = new SecretVault();
    vault.sink({ fingerprint: 'fp', detector: 'npm-access-token', parts: ['npm_secretvalue123'] });
    expect(vault.get('fp')?.parts).toEqual(['npm_secretvalue123']);
    expect(JSON.stringify({ vault })).not.toContain('npm_secretvalue123');
    expect(inspect(vault, { depth: 10, showHidden: true })).not.toContain('npm_secretvalue123');
    expect(String(vault)).not.toContain('npm_secretvalue123');
  });
});
