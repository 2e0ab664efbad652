import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_QUEUE_PARTITIONS, PartitionedQueue, partitionName } from './partitioned-queue.js';
import { partitionCountsKey } from './redis-keys.js';

/** One BullMQ queue per domain worker; the topic is the job name. */
export const DOMAIN_QUEUES = ['receiving', 'fulfillment', 'items', 'adjustments'] as const;
export type DomainQueue = (typeof DOMAIN_QUEUES)[number];

/**
 * BullMQ names its keys `<prefix>:<queue>:...`. Wrapping the queue name in braces makes it the hash
 * tag, so each queue's keys live in one cluster slot, as BullMQ's Lua scripts require. A domain's
 * queue has partitions (see partitioned-queue.ts): this is the name of one of them.
 */
export function queueName(domain: DomainQueue, partition = 0): string {
  return partitionName(domain, partition);
}

/** Every partition's queue name of every domain (for tools that read BullMQ's records directly). */
export function allQueueNames(partitions = DEFAULT_QUEUE_PARTITIONS): string[] {
  return DOMAIN_QUEUES.flatMap((domain) => Array.from({ length: partitions }, (_, i) => queueName(domain, i)));
}

/**
 * Every queue name this installation's workers read: the partitions of the largest count a domain's
 * workers started with (checkPartitionCount records it), and at least the default's.
 */
export async function queueNamesInUse(redis: Redis, prefix: string): Promise<string[]> {
  const recorded = Object.values(await redis.hgetall(partitionCountsKey(prefix))).map(Number);
  return allQueueNames(Math.max(DEFAULT_QUEUE_PARTITIONS, ...recorded));
}

/** Every queue in use (queueNamesInUse), opened on one connection for reading: close them before the connection. */
export async function openQueuesInUse(redis: Redis, prefix: string): Promise<Queue[]> {
  return (await queueNamesInUse(redis, prefix)).map((name) => new Queue(name, { connection: redis, prefix }));
}

/** An accepted notification, as the intake stored it. */
export interface AcceptedNotification {
  /** The intake stream entry id: unique per accepted request. */
  intakeId: string;
  topic: string;
  /** ISO time the gateway acknowledged it (for processing lag). */
  acceptedAt: string;
  /** The notification body exactly as Acumatica sent it; read it with the contracts' reader. */
  body: string;
  /** Its first document's topic and key, by which it is routed to a partition (absent: the first). */
  route?: string;
}

/**
 * What a domain worker's job carries: the notifications of its domain that the dispatcher moved
 * together, oldest first. One per job when the intake is quiet; during a burst up to
 * MAX_NOTIFICATIONS_PER_JOB, because BullMQ's cost is per job (about 60 µs of Redis time each,
 * measured), not per notification, and a worker applies a batch in one transaction anyway.
 */
export interface NotificationJobData {
  notifications: AcceptedNotification[];
}

/** A burst goes to a busy worker in jobs of up to this many (with one partition per domain, 100 was reached at 500/s). */
export const MAX_NOTIFICATIONS_PER_JOB = 250;

/**
 * The durable timer of a parked lone `Deleted` row: a delayed job in the same domain queue, so the
 * worker that applies the domain's notifications also turns the row into a removal when its pairing
 * window ends, and the timer survives any crash (it is a Redis entry, not a setTimeout).
 */
export const WINDOW_ENDED_JOB = 'pairing-window-ended';

export interface WindowEndedJobData {
  /** The Redis key of the parked row (see @wmsi/pairing). */
  parkedKey: string;
}

/** Everything a domain queue carries: notification batches (job name = domain) and window timers. */
export type DomainJobData = NotificationJobData | WindowEndedJobData;

export function isWindowEnded(data: DomainJobData): data is WindowEndedJobData {
  return 'parkedKey' in data;
}

export const notificationJobOptions: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  // Failed jobs are the dead-letter set: kept until replayed or removed by an admin.
  removeOnFail: false,
};

/**
 * A window timer retries like a notification job (PostgreSQL may be down when it fires) and is
 * dead-lettered with its reason when it keeps failing; done, it is forgotten (its id is per row).
 */
export const windowTimerJobOptions: JobsOptions = {
  attempts: notificationJobOptions.attempts,
  backoff: notificationJobOptions.backoff,
  removeOnComplete: true,
  removeOnFail: false,
};

export type DomainQueues = Record<DomainQueue, PartitionedQueue>;

export function openDomainQueues(connection: ConnectionOptions, prefix: string, partitions = DEFAULT_QUEUE_PARTITIONS): DomainQueues {
  const open = (domain: DomainQueue) => new PartitionedQueue(domain, partitions, connection, prefix, notificationJobOptions);
  return {
    receiving: open('receiving'),
    fulfillment: open('fulfillment'),
    items: open('items'),
    adjustments: open('adjustments'),
  };
}

export async function closeDomainQueues(queues: DomainQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
