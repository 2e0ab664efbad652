/**
 * Every Redis key WMSi uses, in one place. The part in braces is a Redis Cluster hash tag: keys that a
 * single command or script touches together share a tag, so the same code runs on Redis Cluster and
 * managed Redis. The prefix separates installations (and test runs) sharing one server.
 */
export interface IntakeKeys {
  /** The installation's prefix (REDIS_PREFIX), for the keys derived elsewhere (statsKey). */
  prefix: string;
  /** The durable intake: one entry per accepted webhook request. */
  stream: string;
  /** Mirror of the active API keys (id -> "topic sha256hex"), read on every webhook request. */
  apiKeys: string;
  /** Present once the mirror has been loaded from PostgreSQL; absent after Redis lost its data. */
  apiKeysLoaded: string;
}

export function intakeKeys(prefix: string): IntakeKeys {
  const tag = `${prefix}:{intake}`;
  return { prefix, stream: `${tag}:stream`, apiKeys: `${tag}:api-keys`, apiKeysLoaded: `${tag}:api-keys:loaded` };
}

/** The consumer group that moves intake entries on to the domain queues. */
export const INTAKE_DISPATCH_GROUP = 'dispatch';

/**
 * Per-topic processing totals (received by the dispatcher; applied, duplicates, stale, pairs...
 * by the workers), one hash per topic, read by /metrics and `sync.status`.
 */
export function statsKey(prefix: string, topic: string): string {
  return `${prefix}:{stats}:topic:${topic}`;
}

/** The retention job's figures (rows pruned per table, last run, duration), one hash, read by /metrics. */
export function retentionStatsKey(prefix: string): string {
  return `${prefix}:{stats}:retention`;
}

/** The progress of one console action that replays a set of quarantined bodies (a hash, expiring). */
export function replayActionKey(prefix: string, actionId: string): string {
  return `${prefix}:{console}:replay-action:${actionId}`;
}

/** The QUEUE_PARTITIONS each domain's workers last started with (a hash: domain -> count). */
export function partitionCountsKey(prefix: string): string {
  return `${prefix}:{queue-partitions}`;
}
