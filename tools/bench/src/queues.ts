import { DOMAIN_QUEUES, queueName } from '@wmsi/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * The name of every BullMQ queue notifications travel through, from @wmsi/queue (never spelled
 * out here). When a domain's queue is partitioned into several, this is the one place to list them.
 */
export function pipelineQueueNames(): string[] {
  return DOMAIN_QUEUES.map(queueName);
}

/** Every pipeline queue, opened on one connection for reading (close them before the connection). */
export function openPipelineQueues(redis: Redis, prefix: string): Queue[] {
  return pipelineQueueNames().map((name) => new Queue(name, { connection: redis, prefix }));
}
