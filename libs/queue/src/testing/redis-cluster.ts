import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.js';

export interface OwnRedisCluster {
  /** `redis+cluster://` and its first node: what REDIS_URL names it by. */
  url: string;
  ports: number[];
  /** Stops every node and deletes their folders. */
  destroy(): Promise<void>;
}

/**
 * A Redis Cluster of `masters` nodes on loopback, owned by one test: each node a redis-server of its
 * own, the slots spread by `redis-cli --cluster create`, ready once every node says cluster_state:ok.
 */
export async function startRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'wmsi-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort());
  const nodes: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000'],
      { stdio: 'ignore' },
    ),
  );
  const destroy = async () => {
    await Promise.all(
      nodes.map(async (node) => {
        if (node.exitCode !== null) return;
        const exited = new Promise((resolve) => node.once('exit', resolve));
        node.kill('SIGKILL');
        await exited;
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map((port) => until(port, async (redis) => (await redis.ping()) === 'PONG')));
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(ports.map((port) => until(port, async (redis) => String(await redis.call('CLUSTER', 'INFO')).includes('cluster_state:ok'))));
  } catch (error) {
    await destroy();
    throw error;
  }
  return { url: `redis+cluster://127.0.0.1:${ports[0]}`, ports, destroy };
}

async function until(port: number, ready: (redis: Redis) => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if (await ready(probe)) return;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`Redis Cluster node on port ${port} not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
