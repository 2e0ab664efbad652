import { Redis, type RedisOptions } from 'ioredis';

/**
 * The webhook request path: a command either reaches Redis now or fails fast, so the gateway can
 * answer 503 (and Acumatica resends) instead of holding the request or acknowledging what was never
 * stored. Nothing is queued while disconnected and nothing is silently resent after a reconnect
 * (a resent XADD could store a request twice behind the caller's back).
 */
export function connectForRequests(url: string, onError: ErrorListener, options: RedisOptions = {}): Redis {
  return listen(new Redis(url, {
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
  return listen(new Redis(url, {
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

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitUntilReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
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
