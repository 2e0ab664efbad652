import { TOPICS, type Topic } from '@wmsi/contracts';
import { statsKey } from '@wmsi/queue';
import type { Redis } from 'ioredis';
import { COUNT_NAMES, type ChangeCounts } from './counts.js';

/**
 * Per-topic processing figures, kept in Redis so every worker process adds to one total that the
 * gateway's /metrics and the API's `sync.status` read. Workers add them after each commit: a crash
 * in between can lose a few from the figures, never from the data.
 */
export interface TopicStats extends ChangeCounts {
  /** Sum and count of the lag from acceptance (202) to commit, for an average. */
  lagMsSum: number;
  lagCount: number;
  /** When this topic last had a change applied (ms since the epoch), or null. */
  lastAppliedAt: number | null;
  /** Notifications the dispatcher handed to the workers, and when it last did. */
  received: number;
  lastReceivedAt: number | null;
  /** Failed job attempts (each retry counts). */
  failures: number;
  /** Jobs taken again after a failed attempt. */
  retries: number;
  /** Attempts that failed on a deadlock between concurrent transactions. */
  deadlocks: number;
}

export async function readTopicStats(redis: Redis, prefix: string, topic: Topic): Promise<TopicStats> {
  return statsOf(await redis.hgetall(statsKey(prefix, topic)));
}

/** Every topic's totals in one round trip; a topic nothing happened to yet reads as zeros. */
export async function readAllTopicStats(redis: Redis, prefix: string): Promise<Record<Topic, TopicStats>> {
  const pipeline = redis.pipeline();
  for (const topic of TOPICS) pipeline.hgetall(statsKey(prefix, topic));
  const replies = (await pipeline.exec()) ?? [];
  return Object.fromEntries(
    TOPICS.map((topic, i) => {
      const [error, hash] = replies[i] ?? [new Error(`no reply for ${topic}`), null];
      if (error) throw error;
      return [topic, statsOf(hash as Record<string, string>)];
    }),
  ) as Record<Topic, TopicStats>;
}

function statsOf(hash: Record<string, string>): TopicStats {
  const number = (name: string) => Number(hash[name] ?? 0);
  const time = (name: string) => (hash[name] === undefined ? null : Number(hash[name]));
  return {
    ...(Object.fromEntries(COUNT_NAMES.map((name) => [name, number(name)])) as unknown as ChangeCounts),
    lagMsSum: number('lagMsSum'),
    lagCount: number('lagCount'),
    lastAppliedAt: time('lastAppliedAt'),
    received: number('received'),
    lastReceivedAt: time('lastReceivedAt'),
    failures: number('failures'),
    retries: number('retries'),
    deadlocks: number('deadlocks'),
  };
}
