import { retentionStatsKey } from '@wmsi/queue';
import type { Redis } from 'ioredis';

/** The tables the retention job prunes, as they are named in its figures and metric labels. */
export const RETAINED_TABLES = ['quarantine', 'processed_notifications', 'change_log', 'document_history'] as const;
export type RetainedTable = (typeof RETAINED_TABLES)[number];

/** What one run of the retention job did. */
export interface RetentionRun {
  pruned: Record<RetainedTable, number>;
  /** When it ended (ms since the epoch). */
  finishedAt: number;
  durationMs: number;
}

/**
 * The retention job's figures, kept in Redis by worker-maintenance so that /metrics (served by the
 * gateway) reads them as it reads the workers' topic totals.
 */
export interface RetentionStats {
  /** Rows pruned per table since the figures began (only grows: rate() and increase() work on it). */
  prunedTotal: Record<RetainedTable, number>;
  /** Rows pruned per table by the last run that finished. */
  lastPruned: Record<RetainedTable, number>;
  runs: number;
  failures: number;
  lastRunAt: number | null;
  lastDurationMs: number | null;
  lastFailureAt: number | null;
}

export async function recordRetentionRun(redis: Redis, prefix: string, run: RetentionRun): Promise<void> {
  const key = retentionStatsKey(prefix);
  const pipeline = redis.multi();
  for (const table of RETAINED_TABLES) {
    pipeline.hincrby(key, `pruned:${table}`, run.pruned[table]);
    pipeline.hset(key, `lastPruned:${table}`, run.pruned[table]);
  }
  pipeline.hincrby(key, 'runs', 1);
  pipeline.hset(key, 'lastRunAt', run.finishedAt, 'lastDurationMs', Math.round(run.durationMs));
  await pipeline.exec();
}

export async function recordRetentionFailure(redis: Redis, prefix: string, at = Date.now()): Promise<void> {
  await redis.multi().hincrby(retentionStatsKey(prefix), 'failures', 1).hset(retentionStatsKey(prefix), 'lastFailureAt', at).exec();
}

export async function readRetentionStats(redis: Redis, prefix: string): Promise<RetentionStats> {
  const hash = await redis.hgetall(retentionStatsKey(prefix));
  const number = (name: string) => Number(hash[name] ?? 0);
  const time = (name: string) => (hash[name] === undefined ? null : Number(hash[name]));
  const perTable = (field: string) => Object.fromEntries(RETAINED_TABLES.map((table) => [table, number(`${field}:${table}`)])) as Record<RetainedTable, number>;
  return {
    prunedTotal: perTable('pruned'),
    lastPruned: perTable('lastPruned'),
    runs: number('runs'),
    failures: number('failures'),
    lastRunAt: time('lastRunAt'),
    lastDurationMs: time('lastDurationMs'),
    lastFailureAt: time('lastFailureAt'),
  };
}
