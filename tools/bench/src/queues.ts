import { loadEnv } from '@wmsi/config';
import { allQueueNames } from '@wmsi/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * The name of every BullMQ queue notifications travel through (every partition of every domain's
 * queue), from @wmsi/queue: never spelled out here.
 */
export function pipelineQueueNames(partitions?: number): string[] {
  return allQueueNames(partitions);
}

/**
 * Every pipeline queue, opened on one connection for reading (close them before the connection):
 * the partitions of this environment's QUEUE_PARTITIONS, which the stacks the bench starts inherit.
 */
export function openPipelineQueues(redis: Redis, prefix: string): Queue[] {
  return pipelineQueueNames(loadEnv().QUEUE_PARTITIONS).map((name) => new Queue(name, { connection: redis, prefix }));
}
