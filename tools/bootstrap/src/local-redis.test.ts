import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { findRedisServer, startLocalRedis } from './local-redis.mjs';
import { probeRedis } from './reachability.mjs';
import { freePort, temporaryFolder } from './test-support.js';

const redisServer = findRedisServer();
const missing = redisServer ? '' : ' [skipped: redis-server is not installed]';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startHere() {
  const folder = temporaryFolder('redis');
  cleanups.push(folder.remove);
  const port = await freePort();
  const dir = join(folder.dir, '.wmsi', 'redis');
  const start = () => startLocalRedis({ redisServer: redisServer ?? 'redis-server', dir, host: '127.0.0.1', port });
  return { port, dir, start };
}

function connect(port: number) {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  cleanups.push(() => redis.disconnect());
  return redis;
}

describe.skipIf(!redisServer)(`a project-local Redis${missing}`, () => {
  it('answers PING on loopback, with AOF on (fsync always) and noeviction, and is gone after stop', async () => {
    const { port, start } = await startHere();
    const server = await start();
    cleanups.push(() => server.stop());
    const redis = connect(port);
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    redis.disconnect();

    await server.stop();
    expect(await probeRedis(`redis://127.0.0.1:${port}`)).toMatchObject({ reachable: false, listening: false });
  });

  it('keeps what was written across a stop and a start, from its folder', async () => {
    const { port, start } = await startHere();
    const first = await start();
    cleanups.push(() => first.stop());
    const before = connect(port);
    await before.set('wmsi:stored', 'still here');
    before.disconnect();
    await first.stop();

    const second = await start();
    cleanups.push(() => second.stop());
    expect(await connect(port).get('wmsi:stored')).toBe('still here');
  });

  it('refuses a port something else already listens on', async () => {
    const { start } = await startHere();
    const first = await start();
    cleanups.push(() => first.stop());
    await expect(start()).rejects.toMatchObject({ code: 'LOCAL_SERVER_FAILED', message: expect.stringContaining('already listens') });
  });
});

describe('a project-local Redis that cannot start', () => {
  it('reports that redis-server stopped, with the end of its log', async () => {
    const { dir, port } = await startHere();
    const fakeServer = join(dir, '..', 'redis-server');
    mkdirSync(dir, { recursive: true });
    writeFileSync(fakeServer, '#!/bin/sh\necho "FATAL CONFIG FILE ERROR (Redis 7): no such option" >&2\nexit 1\n', { mode: 0o755 });
    const failing = startLocalRedis({ redisServer: fakeServer, dir, host: '127.0.0.1', port });
    await expect(failing).rejects.toMatchObject({
      code: 'LOCAL_SERVER_FAILED',
      message: expect.stringMatching(/stopped right after starting[\s\S]*FATAL CONFIG FILE ERROR/),
    });
  });
});
