import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectForBackgroundWork } from './connections.js';
import { redisDurabilityWarnings } from './persistence-check.js';
import { ignoreConnectionErrors, startOwnRedisServer, type OwnRedisServer } from './testing/index.js';

describe('redisDurabilityWarnings', () => {
  let volatile: OwnRedisServer;
  let durable: OwnRedisServer;
  beforeAll(async () => {
    [volatile, durable] = await Promise.all([startOwnRedisServer(), startOwnRedisServer({ appendOnly: true })]);
  });
  afterAll(async () => {
    await Promise.all([volatile?.destroy(), durable?.destroy()]);
  });

  it('warns when Redis keeps no AOF or may evict keys', async () => {
    const redis = connectForBackgroundWork(volatile.url, ignoreConnectionErrors);
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const warnings = await redisDurabilityWarnings(redis);
    redis.disconnect();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/appendonly yes/);
    expect(warnings[1]).toMatch(/allkeys-lru/);
  });

  it('is quiet for a Redis configured as the README recommends', async () => {
    const redis = connectForBackgroundWork(durable.url, ignoreConnectionErrors);
    const warnings = await redisDurabilityWarnings(redis);
    redis.disconnect();
    expect(warnings).toEqual([]);
  });
});
