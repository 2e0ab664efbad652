import { connect } from 'node:net';
import { serverAddress, withLoginUser } from './urls.mjs';

// pg and ioredis are imported inside the probes, never at the top: run.mjs loads this module
// before `npm ci` may have run.

/**
 * @typedef {{ reachable: true, databaseExists: boolean }
 *   | { reachable: false, listening: boolean, reason: string }} PostgresProbe
 * @typedef {{ reachable: true } | { reachable: false, listening: boolean, reason: string }} RedisProbe
 */

/**
 * Whether anything accepts a TCP connection there: tells "no server" apart from "a server that
 * says no", which need different advice.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs]
 * @returns {Promise<{ listening: true } | { listening: false, reason: string }>}
 */
export function tcpListening(host, port, timeoutMs = 2_000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (/** @type {{ listening: true } | { listening: false, reason: string }} */ result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ listening: false, reason: `no answer within ${timeoutMs} ms` }));
    socket.once('connect', () => done({ listening: true }));
    socket.once('error', (error) => done({ listening: false, reason: describeError(error) }));
  });
}

/**
 * Connects as the URL says and runs `select 1`. A missing database still counts as reachable:
 * the server answered and can create it.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<PostgresProbe>}
 */
export async function probePostgres(url, { timeoutMs = 3_000 } = {}) {
  const address = serverAddress(url, 5432);
  if (!address.socketDir) {
    const tcp = await tcpListening(address.host, address.port, timeoutMs);
    if (!tcp.listening) return { reachable: false, listening: false, reason: tcp.reason };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: withLoginUser(url), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // a dropped connection after the probe is not news
  try {
    await client.connect();
    await client.query('select 1');
    return { reachable: true, databaseExists: true };
  } catch (error) {
    if (errorCode(error) === '3D000') return { reachable: true, databaseExists: false };
    const listening = !['ECONNREFUSED', 'ENOENT'].includes(String(errorCode(error)));
    return { reachable: false, listening, reason: describeError(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects as the URL says (password, TLS, database number) and sends PING.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<RedisProbe>}
 */
export async function probeRedis(url, { timeoutMs = 3_000 } = {}) {
  const { host, port } = serverAddress(url, 6379);
  const tcp = await tcpListening(host, port, timeoutMs);
  if (!tcp.listening) return { reachable: false, listening: false, reason: tcp.reason };
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // the awaited calls below report it
  try {
    await redis.connect();
    const answer = await redis.ping();
    return answer === 'PONG' ? { reachable: true } : { reachable: false, listening: true, reason: `PING answered ${answer}` };
  } catch (error) {
    return { reachable: false, listening: true, reason: describeError(error) };
  } finally {
    redis.disconnect();
  }
}

/** @param {unknown} error */
function errorCode(error) {
  return error && typeof error === 'object' && 'code' in error ? error.code : undefined;
}

/** @param {unknown} error */
function describeError(error) {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  if (error instanceof Error) return error.message || String(errorCode(error) ?? error.name);
  return String(error);
}
