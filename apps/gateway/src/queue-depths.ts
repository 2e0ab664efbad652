import { DOMAIN_QUEUES, type DomainQueues } from '@wmsi/queue';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Jobs per domain queue and state, for the queue-depth gauge. */
export async function readQueueDepths(queues: DomainQueues): Promise<Array<{ queue: string; state: string; count: number }>> {
  const readings = await Promise.all(
    DOMAIN_QUEUES.map(async (domain) => {
      const counts = await queues[domain].getJobCounts(...STATES);
      return STATES.map((state) => ({ queue: domain, state, count: counts[state] ?? 0 }));
    }),
  );
  return readings.flat();
}
