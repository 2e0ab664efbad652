import { COUNT_NAMES, type ChangeCounts } from '@wmsi/change-feed';
import type { Topic } from '@wmsi/contracts';
import { statsKey } from '@wmsi/queue';
import type { Redis } from 'ioredis';
import type { TopicTally } from './engine.js';

/**
 * Adds a batch's figures to every topic's totals in Redis, in one round trip (read by /metrics and
 * `sync.status` through @wmsi/change-feed's readAllTopicStats), with `publish` in the same round
 * trip when given (PUBLISH names no key, so it may join the transaction on Redis Cluster too).
 */
export async function addTallies(
  redis: Redis,
  prefix: string,
  tallies: ReadonlyMap<Topic, TopicTally>,
  publish?: { channel: string; message: string },
): Promise<void> {
  if (tallies.size === 0 && publish === undefined) return;
  const pipeline = redis.multi();
  if (publish !== undefined) pipeline.publish(publish.channel, publish.message);
  for (const [topic, tally] of tallies) {
    const key = statsKey(prefix, topic);
    for (const name of COUNT_NAMES) if (tally[name] !== 0) pipeline.hincrby(key, name, tally[name]);
    if (tally.lagsMs.length > 0) {
      pipeline.hincrby(key, 'lagMsSum', Math.round(tally.lagsMs.reduce((sum, lag) => sum + lag, 0)));
      pipeline.hincrby(key, 'lagCount', tally.lagsMs.length);
    }
    if (tally.applied > 0) pipeline.hset(key, 'lastAppliedAt', Date.now());
  }
  await pipeline.exec();
}

/** Counts one event of how the work went (`failures`, `retries`, `deadlocks`) for each topic. */
export async function countEffort(redis: Redis, prefix: string, topics: Iterable<Topic>, name: 'failures' | 'retries' | 'deadlocks'): Promise<void> {
  const pipeline = redis.multi();
  for (const topic of new Set(topics)) pipeline.hincrby(statsKey(prefix, topic), name, 1);
  await pipeline.exec();
}

/** One topic's counts and lags added to its totals (what a batch of that topic alone adds). */
export async function addTopicStats(redis: Redis, prefix: string, topic: Topic, counts: ChangeCounts, lagsMs: readonly number[]): Promise<void> {
  await addTallies(redis, prefix, new Map([[topic, { ...counts, lagsMs: [...lagsMs] }]]));
}
