import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A free TCP port on loopback, as the OS hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface OwnRedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, or SIGKILL with `{ crash: true }`) and waits for it to exit. */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port and data folder (after stop). */
  start(): Promise<void>;
  /** Stops it for good and deletes its data folder. */
  destroy(): Promise<void>;
}

/**
 * A redis-server owned by one test, on its own loopback port, for tests that stop, crash or restart
 * Redis without disturbing anything else. `appendOnly` turns on the persistence the README
 * recommends for production.
 */
export async function startOwnRedisServer(options: { appendOnly?: boolean } = {}): Promise<OwnRedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'wmsi-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push('--appendonly', options.appendOnly ? 'yes' : 'no', '--maxmemory-policy', 'noeviction');
    if (options.appendOnly) args.push('--appendfsync', 'always');
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForPing(port);
  };

  const stop = async ({ crash = false } = {}) => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(crash ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    destroy: async () => {
      await stop({ crash: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
}
