import type { Redis } from 'ioredis';
import type { Caller } from './tokens.js';

/**
 * At most `perMinute` calls per token per clock minute, counted in Redis so every API process
 * shares the count. While Redis is unreachable calls are let through: a scanner keeps working.
 */
export function perTokenRateLimit(redis: Redis, prefix: string, perMinute: number): (caller: Caller) => Promise<boolean> {
  return async (caller) => {
    const minute = Math.floor(Date.now() / 60_000);
    const key = `${prefix}:{api-rate}:${caller.tokenId}:${minute}`;
    try {
      const [[, count]] = (await redis.multi().incr(key).pexpire(key, 120_000).exec()) as [[unknown, number], unknown];
      return count <= perMinute;
    } catch {
      return true;
    }
  };
}
