import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis Cluster is named by `redis+cluster://` (or `rediss+cluster://`) and one of its nodes: the
 * client finds the others. Every key WMSi touches carries a hash tag ({intake}, {pairing}, a queue
 * partition's name...), so each command and script stays within one slot.
 */
export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:/.test(url);
}

/**
 * A connection to the Redis of `url`: one server, or a cluster. A cluster's client answers the same
 * commands (it routes each to the node of its slot), so it is used under the one Redis type.
 */
function connect(url: string, options: RedisOptions): Redis {
  if (!isClusterUrl(url)) return new Redis(url, options);
  const seed = new URL(url.replace('+cluster', ''));
  // The failing-fast options are the cluster's (a command waits for no node); each node's own
  // connection keeps its queue, or the cluster could not even ask a node for the slots.
  const { enableOfflineQueue = true, enableAutoPipelining = false, lazyConnect, retryStrategy: _retry, ...nodeOptions } = options;
  const redisOptions: RedisOptions = {
    ...nodeOptions,
    username: seed.username ? decodeURIComponent(seed.username) : undefined,
    password: seed.password ? decodeURIComponent(seed.password) : undefined,
    ...(seed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const cluster = new Cluster([{ host: seed.hostname, port: Number(seed.port || 6379) }], {
    redisOptions,
    enableOfflineQueue,
    enableAutoPipelining,
    lazyConnect,
    clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    // The default second is too short for a node on a busy machine: asking for the slots fails,
    // and the first command waits for a retry.
    slotsRefreshTimeout: 5_000,
  });
  return cluster as unknown as Redis;
}

/**
 * The webhook request path: a command either reaches Redis now or fails fast, so the gateway can
 * answer 503 (and Acumatica resends) instead of holding the request or acknowledging what was never
 * stored. Nothing is queued while disconnected and nothing is silently resent after a reconnect
 * (a resent XADD could store a request twice behind the caller's back).
 */
export function connectForRequests(url: string, onError: ErrorListener, options: RedisOptions = {}): Redis {
  return listen(connect(url, {
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
    lazyConnect: false,
    ...options,
  }), onError);
}

/** Background work (BullMQ, the dispatcher): wait for Redis to come back rather than fail. */
export function connectForBackgroundWork(url: string, onError: ErrorListener, options: RedisOptions = {}): Redis {
  return listen(connect(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    ...options,
  }), onError);
}

export type ErrorListener = (error: Error) => void;

/** ioredis prints "Unhandled error event" for a connection without a listener; every one gets one. */
function listen(redis: Redis, onError: ErrorListener): Redis {
  redis.on('error', onError);
  return redis;
}

/** Resolves once the connection is ready, or rejects after `timeoutMs` (Infinity: waits as long as it takes). */
export async function waitUntilReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const fail = () => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    };
    const timer = Number.isFinite(timeoutMs) ? setTimeout(fail, timeoutMs) : undefined;
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
