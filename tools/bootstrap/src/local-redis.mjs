import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findExecutable, pathFolders } from './binaries.mjs';
import { BootstrapError } from './errors.mjs';
import { probeRedis, tcpListening } from './reachability.mjs';

/**
 * @typedef {object} LocalServer
 * @property {string} description  e.g. "Redis at redis://127.0.0.1:6379 (data in .wmsi/redis)"
 * @property {() => Promise<void>} stop
 */

/** @param {string} [path] */
export function findRedisServer(path) {
  return findExecutable('redis-server', pathFolders(path));
}

/**
 * Starts redis-server on loopback with its data in `dir`, configured as production should be:
 * AOF on, fsync on every write, and noeviction so a full memory refuses new notifications
 * (the gateway then answers 503 and Acumatica resends) instead of silently dropping queued ones.
 * @param {{ redisServer: string, dir: string, host: string, port: number, password?: string, timeoutMs?: number }} options
 * @returns {Promise<LocalServer>}
 */
export async function startLocalRedis({ redisServer, dir, host, port, password, timeoutMs = 15_000 }) {
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'redis.log');
  const args = [
    '--bind', host === 'localhost' ? '127.0.0.1' : host,
    '--port', String(port),
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--logfile', logFile,
    ...(password ? ['--requirepass', password] : []),
  ];
  const taken = await tcpListening(host, port);
  if (taken.listening) throw new BootstrapError('LOCAL_SERVER_FAILED', `Cannot start Redis on ${host}:${port}: something already listens there.`);
  // Errors in the arguments go to stderr before Redis opens its log: both end up in the same file.
  const output = openSync(logFile, 'a');
  // Its own process group: Ctrl-C in the terminal must not stop Redis under apps still shutting down.
  const server = spawn(redisServer, args, { detached: true, stdio: ['ignore', output, output] });
  closeSync(output);
  server.unref();
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => server.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  server.once('error', () => (running = false));

  const url = `redis://${password ? `:${encodeURIComponent(password)}@` : ''}${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running) throw new BootstrapError('LOCAL_SERVER_FAILED', `redis-server stopped right after starting.\n${logTail(logFile)}`);
    const probe = await probeRedis(url, { timeoutMs: 1_000 });
    if (probe.reachable) break;
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new BootstrapError('LOCAL_SERVER_FAILED', `redis-server did not answer PING within ${timeoutMs} ms (${probe.reason}).\n${logTail(logFile)}`);
    }
    await sleep(100);
  }

  return {
    description: `Redis on ${host}:${port} (data in ${dir})`,
    async stop() {
      if (!running) return;
      server.kill('SIGTERM'); // Redis flushes the AOF and exits on SIGTERM
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) server.kill('SIGKILL');
    },
  };
}

/**
 * The last lines of a server log, to show with a failure.
 * @param {string} file
 */
export function logTail(file, lines = 8) {
  try {
    const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
    return `Last lines of ${file}:\n${tail.map((line) => `  ${line}`).join('\n')}`;
  } catch {
    return `(no log at ${file})`;
  }
}
