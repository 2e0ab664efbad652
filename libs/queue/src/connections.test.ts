import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectForRequests, waitUntilReady } from './connections.js';
import { ignoreConnectionErrors, startOwnRedisServer, type OwnRedisServer } from './testing/index.js';

describe('connectForRequests', () => {
  let server: OwnRedisServer;
  beforeAll(async () => {
    server = await startOwnRedisServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('fails fast while Redis is down and works again once it is back', async () => {
    const redis = connectForRequests(server.url, ignoreConnectionErrors);
    await waitUntilReady(redis);
    expect(await redis.ping()).toBe('PONG');

    await server.stop();
    const started = Date.now();
    await expect(redis.set('k', 'v')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_500);

    await server.start();
    await waitUntilReady(redis, 10_000);
    expect(await redis.set('k', 'v')).toBe('OK');
    redis.disconnect();
  });
});
