import type { Topic } from '@wmsi/contracts';
import type { Redis } from 'ioredis';
import { COUNT_NAMES, type ChangeCounts } from './counts.js';

/**
 * Per-topic processing counts, kept in Redis so every worker process adds to one total that the
 * gateway's /metrics and the API's `sync.status` read. Counts are added after the commit: a crash in
 * between can lose a few from the figures, never from the data.
 */
export function statsKey(prefix: string, topic: Topic): string {
  return `${prefix}:{stats}:topic:${topic}`;
}

export interface TopicStats extends ChangeCounts {
  /** Sum and count of the lag from acceptance (202) to commit, for an average. */
  lagMsSum: number;
  lagCount: number;
  /** When this topic last had a change applied (ms since the epoch), or null. */
  lastAppliedAt: number | null;
}

export async function addTopicStats(
  redis: Redis,
  prefix: string,
  topic: Topic,
  counts: ChangeCounts,
  lagsMs: readonly number[],
): Promise<void> {
  const key = statsKey(prefix, topic);
  const pipeline = redis.multi();
  for (const name of COUNT_NAMES) if (counts[name] !== 0) pipeline.hincrby(key, name, counts[name]);
  if (lagsMs.length > 0) {
    pipeline.hincrby(key, 'lagMsSum', Math.round(lagsMs.reduce((sum, lag) => sum + lag, 0)));
    pipeline.hincrby(key, 'lagCount', lagsMs.length);
  }
  if (counts.applied > 0) pipeline.hset(key, 'lastAppliedAt', Date.now());
  await pipeline.exec();
}

export async function readTopicStats(redis: Redis, prefix: string, topic: Topic): Promise<TopicStats> {
  const hash = await redis.hgetall(statsKey(prefix, topic));
  const number = (name: string) => Number(hash[name] ?? 0);
  return {
    ...(Object.fromEntries(COUNT_NAMES.map((name) => [name, number(name)])) as unknown as ChangeCounts),
    lagMsSum: number('lagMsSum'),
    lagCount: number('lagCount'),
    lastAppliedAt: hash.lastAppliedAt === undefined ? null : Number(hash.lastAppliedAt),
  };
}
