import type { Redis } from 'ioredis';

/**
 * A 202 promises the notification survives a crash; that only holds when Redis keeps its data (AOF)
 * and never evicts keys. Returns the warnings to log at start-up; an empty list means all is well.
 */
export async function redisDurabilityWarnings(redis: Redis): Promise<string[]> {
  const warnings: string[] = [];
  const config = async (name: string): Promise<string | undefined> => {
    try {
      const reply = (await redis.config('GET', name)) as string[];
      return reply[1];
    } catch {
      return undefined; // managed Redis often forbids CONFIG; nothing to conclude then
    }
  };
  const appendOnly = await config('appendonly');
  if (appendOnly !== undefined && appendOnly !== 'yes') {
    warnings.push('Redis runs without AOF (appendonly no): accepted notifications can be lost if Redis restarts. Set appendonly yes.');
  }
  const policy = await config('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(`Redis maxmemory-policy is ${policy}: it may evict queued notifications. Set maxmemory-policy noeviction.`);
  }
  return warnings;
}
