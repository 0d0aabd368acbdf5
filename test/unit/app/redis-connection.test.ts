import { describe, expect, it } from 'vitest';
import { redisConnection, scanJobId } from '../../../src/app/queue.js';

describe('redisConnection', () => {
  it.each([
    ['redis://127.0.0.1:6380', { host: '127.0.0.1', port: 6380 }],
    ['redis://cache.internal', { host: 'cache.internal', port: 6379 }],
    ['redis://:s%40cret@cache:6379/2', { host: 'cache', port: 6379, password: 's@cret', db: 2 }],
    ['rediss://app:pw@cache.example:6380/0', { host: 'cache.example', port: 6380, username: 'app', password: 'pw', db: 0, tls: {} }],
  ])('reads %s', (url, expected) => {
    expect(redisConnection(url)).toEqual({ ...expected, maxRetriesPerRequest: null });
  });

  it.each([
    ['http://cache:6379', 'REDIS_URL must start with redis:// or rediss://, got http://'],
    ['redis://cache:6379/zero', 'REDIS_URL database must be a number, got "zero"'],
  ])('refuses %s', (url, message) => {
    expect(() => redisConnection(url)).toThrow(message);
  });
});

describe('scanJobId', () => {
  it('names the repository, the commit and the interval, with the two colons BullMQ allows', () => {
    const id = scanJobId({ installationId: 1, repository: { name: 'api', full_name: 'acme/api', owner: { login: 'acme' }, html_url: '' }, sha: 'f'.repeat(40) }, 20415);
    expect(id).toBe(`scan:acme/api:${'f'.repeat(40)}@20415`);
    expect(id.split(':')).toHaveLength(3);
    expect(scanJobId({ installationId: 1, repository: { name: 'api', full_name: 'acme/api', owner: { login: 'acme' }, html_url: '' }, sha: 'e'.repeat(40) }, 'push')).toBe(`scan:acme/api:${'e'.repeat(40)}@push`);
  });
});
