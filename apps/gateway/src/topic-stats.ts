import { readAllTopicStats, type TopicStats } from '@wmsi/change-feed';
import { TOPICS, type Topic } from '@wmsi/contracts';
import type { Redis } from 'ioredis';

/** A topic's processing totals as the workers (and the dispatcher) keep them in Redis. */
export interface TopicStatsReading extends TopicStats {
  topic: Topic;
}

/** Every topic's totals in one round trip. Rejects if Redis does. */
export async function readAllTopicStatsList(redis: Redis, prefix: string): Promise<TopicStatsReading[]> {
  const stats = await readAllTopicStats(redis, prefix);
  return TOPICS.map((topic) => ({ topic, ...stats[topic] }));
}
