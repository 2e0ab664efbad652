import { join } from 'node:path';
import { ensureDatabase } from './database.mjs';
import { BootstrapError } from './errors.mjs';
import { startLocalPostgres, findPostgresTools } from './local-postgres.mjs';
import { findRedisServer, startLocalRedis } from './local-redis.mjs';
import { missingServerMessage, unusableServerMessage } from './missing-server.mjs';
import { probePostgres, probeRedis } from './reachability.mjs';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, databaseName, isLoopback, postgresUser, serverAddress } from './urls.mjs';

/** @typedef {import('./local-redis.mjs').LocalServer} LocalServer */

/**
 * @typedef {object} Services
 * @property {{ DATABASE_URL: string, REDIS_URL: string }} urls  what the child processes must use
 * @property {LocalServer[]} started  the project-local instances this run started
 * @property {() => Promise<void>} stop  stops those instances (servers found running are left alone)
 */

/**
 * Makes PostgreSQL and Redis reachable at the configured URLs: uses running servers, else starts
 * project-local ones under `.wmsi/`, else fails naming every missing server and how to get it.
 * Creates the database the URL names when it is missing.
 * @param {{ root: string, env?: Record<string, string | undefined>, log?: (line: string) => void }} options
 * @returns {Promise<Services>}
 */
export async function ensureServices({ root, env = process.env, log = console.log }) {
  const urls = {
    DATABASE_URL: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    REDIS_URL: env.REDIS_URL || DEFAULT_REDIS_URL,
  };
  const [postgres, redis] = await Promise.all([probePostgres(urls.DATABASE_URL), probeRedis(urls.REDIS_URL)]);
  // Decide for both before starting either, so a missing one leaves nothing half-started behind.
  const plans = [
    postgres.reachable ? undefined : planPostgres(urls.DATABASE_URL, postgres, join(root, '.wmsi', 'postgres')),
    redis.reachable ? undefined : planRedis(urls.REDIS_URL, redis, join(root, '.wmsi', 'redis')),
  ].filter((plan) => plan !== undefined);
  const problems = plans.filter((plan) => typeof plan === 'string');
  if (problems.length > 0) throw new BootstrapError('SERVER_MISSING', problems.join('\n\n'));

  /** @type {LocalServer[]} */
  const started = [];
  const stop = async () => {
    for (const server of [...started].reverse()) await server.stop();
    started.length = 0;
  };
  try {
    for (const plan of plans) {
      if (typeof plan === 'string') continue;
      const server = await plan();
      started.push(server);
      log(`started a project-local ${server.description}; it stops when this command ends`);
    }
    if (await ensureDatabase(urls.DATABASE_URL)) log(`created the database "${databaseName(urls.DATABASE_URL)}"`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, started, stop };
}

/**
 * How to get PostgreSQL running here, or why that is impossible.
 * @param {string} url
 * @param {{ listening: boolean, reason: string }} probe
 * @param {string} dataDir
 * @returns {(() => Promise<LocalServer>) | string}
 */
function planPostgres(url, probe, dataDir) {
  if (probe.listening) throw new BootstrapError('SERVER_UNUSABLE', unusableServerMessage({ server: 'postgres', url, reason: probe.reason }));
  const { host, port, socketDir } = serverAddress(url, 5432);
  const onThisMachine = !socketDir && isLoopback(host);
  const tools = onThisMachine ? findPostgresTools() : undefined;
  if (!tools) return missingServerMessage({ server: 'postgres', url, reason: probe.reason, onThisMachine });
  return () => startLocalPostgres({ tools, dataDir, host, port, superuser: postgresUser(url) });
}

/**
 * How to get Redis running here, or why that is impossible.
 * @param {string} url
 * @param {{ listening: boolean, reason: string }} probe
 * @param {string} dir
 * @returns {(() => Promise<LocalServer>) | string}
 */
function planRedis(url, probe, dir) {
  if (probe.listening) throw new BootstrapError('SERVER_UNUSABLE', unusableServerMessage({ server: 'redis', url, reason: probe.reason }));
  const { host, port } = serverAddress(url, 6379);
  const onThisMachine = isLoopback(host);
  const redisServer = onThisMachine ? findRedisServer() : undefined;
  if (!redisServer) return missingServerMessage({ server: 'redis', url, reason: probe.reason, onThisMachine });
  const password = decodeURIComponent(new URL(url).password) || undefined;
  return () => startLocalRedis({ redisServer, dir, host, port, password });
}
