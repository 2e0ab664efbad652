import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';

/**
 * Failed key lookups per client address, counted in Redis by @fastify/rate-limit (so every gateway
 * process shares the count). Only failures are counted: an address whose keys check out is never
 * limited. Once an address has used up its failures for the minute, its requests are refused before
 * any lookup, until the window ends.
 */
export interface AuthFailureLimit {
  /** Seconds to wait when the address has no failures left (429 + Retry-After), else null. */
  exhausted(request: FastifyRequest): Promise<number | null>;
  /** Counts one failed lookup of the address. */
  failed(request: FastifyRequest): Promise<void>;
}

export async function authFailureLimit(
  app: FastifyInstance,
  options: { redis: Redis; prefix: string; perMinute: number; app: string },
): Promise<AuthFailureLimit> {
  await app.register(rateLimit, {
    global: false,
    redis: options.redis,
    nameSpace: `${options.prefix}:{auth-failures}:${options.app}:`,
    max: options.perMinute,
    timeWindow: 60_000,
    // Redis unreachable: the lookup itself fails and answers 503; the count is not what stops it.
    skipOnError: true,
  });
  const check = app.createRateLimit();
  return {
    async exhausted(request) {
      const state = await check(request, { increment: false });
      if (state.isAllowed || state.remaining > 0) return null;
      return Math.max(1, state.ttlInSeconds);
    },
    async failed(request) {
      await check(request);
    },
  };
}
