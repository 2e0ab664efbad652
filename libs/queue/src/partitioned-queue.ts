import { DEFAULT_QUEUE_PARTITIONS } from '@wmsi/config';
import { Queue, type ConnectionOptions, type Job, type JobsOptions, type JobType } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DomainJobData } from './queues.js';
import { partitionCountsKey } from './redis-keys.js';

// A domain's queue is several BullMQ queues, its partitions. The notifications of one document are
// routed to one partition (by a hash of the document key), and each partition runs one job at a
// time across every worker process (BullMQ's global concurrency): one document's changes are applied
// in the order they came, different documents' in parallel, and concurrent jobs never wait on each
// other's rows. Everything that reads or moves jobs sees the partitions as one queue through this.

/** How many partitions a domain's queue has unless QUEUE_PARTITIONS says otherwise (defined with it). */
export { DEFAULT_QUEUE_PARTITIONS };

/** The default before 2026-11-30: a deployment that never recorded its count may hold jobs up to it. */
const EARLIER_DEFAULT_PARTITIONS = 4;

/** QUEUE_PARTITIONS is lower than before while the partitions beyond it still hold jobs. */
export class PartitionCountError extends Error {
  readonly code = 'QUEUE_PARTITIONS_LOWERED';
}

/**
 * Before a domain's workers start: a lower QUEUE_PARTITIONS than the one they last ran with would
 * leave the jobs of the partitions beyond it (waiting, delayed or dead-lettered) with no worker and
 * out of sight of replay. Refuses, saying how many and what to do; else records the count.
 */
export async function checkPartitionCount(redis: Redis, prefix: string, domain: string, count: number): Promise<void> {
  const key = partitionCountsKey(prefix);
  const recorded = await redis.hget(key, domain);
  const before = recorded === null ? EARLIER_DEFAULT_PARTITIONS : Number(recorded);
  let left = 0;
  for (let partition = count; partition < before; partition++) {
    const queue = new Queue(partitionName(domain, partition), { connection: redis, prefix });
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'paused', 'active', 'delayed', 'waiting-children', 'failed');
    await queue.close();
    left += Object.values(counts).reduce((a, b) => a + b, 0);
  }
  if (left > 0) {
    throw new PartitionCountError(
      `QUEUE_PARTITIONS is ${count}, but partitions ${count} to ${before - 1} of the ${domain} queue still hold ${left} jobs ` +
        `(waiting, delayed or dead-lettered): run with QUEUE_PARTITIONS=${before} until they are applied and its dead letters replayed or discarded, then lower it`,
    );
  }
  await redis.hset(key, domain, String(count));
}

/** One partition's BullMQ queue name; the braces make it the Redis Cluster hash tag (one slot each). */
export function partitionName(domain: string, partition: number): string {
  return `{${domain}-${partition}}`;
}

/** The partition a routing key (a notification's first document) goes to: FNV-1a, modulo the count. */
export function partitionOf(route: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < route.length; i++) {
    hash ^= route.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

type Counts = Record<string, number>;

/** The partitions of one domain's queue, read and written as one. */
export class PartitionedQueue {
  readonly partitions: ReadonlyArray<Queue<DomainJobData>>;

  constructor(
    readonly domain: string,
    count: number,
    connection: ConnectionOptions,
    prefix: string,
    defaultJobOptions?: JobsOptions,
  ) {
    this.partitions = Array.from({ length: count }, (_, i) => new Queue<DomainJobData>(partitionName(domain, i), { connection, prefix, defaultJobOptions }));
  }

  /** The partition a job goes to: its first notification's document, or the first partition. */
  partitionFor(data: DomainJobData): Queue<DomainJobData> {
    const route = 'notifications' in data ? data.notifications[0]?.route : undefined;
    return this.partitions[route === undefined ? 0 : partitionOf(route, this.partitions.length)]!;
  }

  add(name: string, data: DomainJobData, opts?: JobsOptions): Promise<Job<DomainJobData>> {
    return this.partitionFor(data).add(name, data, opts);
  }

  async addBulk(jobs: Array<{ name: string; data: DomainJobData; opts?: JobsOptions }>): Promise<Array<Job<DomainJobData>>> {
    const byPartition = new Map<Queue<DomainJobData>, typeof jobs>();
    for (const job of jobs) {
      const queue = this.partitionFor(job.data);
      byPartition.set(queue, [...(byPartition.get(queue) ?? []), job]);
    }
    return (await Promise.all([...byPartition].map(([queue, list]) => queue.addBulk(list)))).flat();
  }

  async getJobCounts(...types: JobType[]): Promise<Counts> {
    return sum(await Promise.all(this.partitions.map((queue) => queue.getJobCounts(...types))));
  }

  async getJobCountByTypes(...types: JobType[]): Promise<number> {
    return (await Promise.all(this.partitions.map((queue) => queue.getJobCountByTypes(...types)))).reduce((a, b) => a + b, 0);
  }

  /** Jobs waiting to be processed, in every partition (BullMQ's count()). */
  async count(): Promise<number> {
    return (await Promise.all(this.partitions.map((queue) => queue.count()))).reduce((a, b) => a + b, 0);
  }

  getWaitingCount = () => this.getJobCountByTypes('waiting');
  getActiveCount = () => this.getJobCountByTypes('active');
  getFailedCount = () => this.getJobCountByTypes('failed');
  getCompletedCount = () => this.getJobCountByTypes('completed');

  /** Failed jobs of every partition, the newest first (start and end index into that list). */
  async getFailed(start = 0, end = -1): Promise<Array<Job<DomainJobData>>> {
    const last = end < 0 ? -1 : end;
    const jobs = (await Promise.all(this.partitions.map((queue) => queue.getFailed(0, last)))).flat();
    jobs.sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0));
    return jobs.slice(start, end < 0 ? undefined : end + 1);
  }

  async getJobs(types: JobType[], start = 0, end = -1, asc = false): Promise<Array<Job<DomainJobData>>> {
    return (await Promise.all(this.partitions.map((queue) => queue.getJobs(types, start, end, asc)))).flat();
  }

  /** The job with this id in whichever partition holds it. */
  async getJob(id: string): Promise<Job<DomainJobData> | undefined> {
    for (const queue of this.partitions) {
      const job = await queue.getJob(id);
      if (job !== undefined) return job;
    }
    return undefined;
  }

  /** One job at a time per partition, across every worker process. */
  async limitToOneJobPerPartition(): Promise<void> {
    await Promise.all(this.partitions.map((queue) => queue.setGlobalConcurrency(1)));
  }

  async obliterate(opts?: { force?: boolean }): Promise<void> {
    await Promise.all(this.partitions.map((queue) => queue.obliterate(opts)));
  }

  on(event: 'error', listener: (error: Error) => void): this {
    for (const queue of this.partitions) queue.on(event, listener);
    return this;
  }

  async close(): Promise<void> {
    await Promise.all(this.partitions.map((queue) => queue.close()));
  }
}

function sum(all: readonly Counts[]): Counts {
  const total: Counts = {};
  for (const counts of all) for (const [state, count] of Object.entries(counts)) total[state] = (total[state] ?? 0) + count;
  return total;
}
