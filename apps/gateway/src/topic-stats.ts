import { COUNT_NAMES, statsKey, type TopicStats } from '@wmsi/changes';
import { TOPICS, type Topic } from '@wmsi/contracts';
import type { Redis } from 'ioredis';

/** A topic's processing counts as the workers keep them in Redis, plus the failed job attempts. */
export interface TopicStatsReading extends Omit<TopicStats, 'lastAppliedAt'> {
  topic: Topic;
  /** Job attempts that failed while carrying this topic's notifications (retried ones included). */
  failures: number;
}

/**
 * Every topic's counts in one round trip (a pipeline of HGETALL): the totals that all worker
 * processes add to with `addTopicStats`, and the `failures` field the worker adds on a failed job.
 * A topic nothing was processed for yet has no hash and reads as zeros. Rejects if Redis does.
 */
export async function readAllTopicStats(redis: Redis, prefix: string): Promise<TopicStatsReading[]> {
  const pipeline = redis.pipeline();
  for (const topic of TOPICS) pipeline.hgetall(statsKey(prefix, topic));
  const replies = (await pipeline.exec()) ?? [];
  return TOPICS.map((topic, i) => {
    const [error, reply] = replies[i] ?? [new Error(`no reply for ${topic}`), null];
    if (error) throw error;
    const hash = reply as Record<string, string>;
    const number = (name: string) => Number(hash[name] ?? 0);
    const counts = Object.fromEntries(COUNT_NAMES.map((name) => [name, number(name)])) as Record<(typeof COUNT_NAMES)[number], number>;
    return { topic, ...counts, lagMsSum: number('lagMsSum'), lagCount: number('lagCount'), failures: number('failures') };
  });
}
