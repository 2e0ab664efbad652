import { domainOf, isTopic } from '@wmsi/contracts';
import { INTAKE_DISPATCH_GROUP, MAX_NOTIFICATIONS_PER_JOB, statsKey, type DomainQueue, type DomainQueues, type IntakeKeys } from '@wmsi/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { readIntakeEntries, type IntakeEntry } from './intake-stream.js';

export interface DispatcherOptions {
  /** A connection of its own: XREADGROUP blocks it. */
  redis: Redis;
  queues: DomainQueues;
  keys: IntakeKeys;
  /** Unique per process (e.g. host-pid), so a restarted process's unfinished entries can be claimed. */
  consumer: string;
  batchSize?: number;
  blockMs?: number;
  /** Entries another consumer has held this long are taken over (it most likely died). */
  claimIdleMs?: number;
  /**
   * After a batch smaller than batchSize, wait this long before reading again, so the next batch
   * (and each job made of it) gathers more notifications. BullMQ's cost is per job, in the
   * dispatcher, in Redis and in the worker; without the wait, a steady stream becomes a job of one
   * or two notifications per read. It adds at most this much to a notification's latency.
   */
  lingerMs?: number;
  /**
   * A partition whose queue still has a job waiting gets no second one: its new notifications are
   * held here (unacknowledged in the stream) and go out as one bigger job once the waiting one has
   * started, or at this age at the latest (a domain with no worker running must not hold them until
   * another dispatcher's claim takes them over).
   */
  maxHoldMs?: number;
  onDispatched?: (batch: { domain: DomainQueue; count: number; oldestAcceptedAt: string }) => void;
  onError: (error: unknown) => void;
}

export interface IntakeDispatcher {
  /** Finishes the batch in hand, then returns; entries not yet moved stay in the stream. */
  stop(): Promise<void>;
}

/**
 * Moves accepted notifications from the durable intake stream to their domain's BullMQ queue, in
 * batches, off the webhook request path. An entry leaves the stream only after its job is in the
 * queue. A job's id is made of its first entry's id and its size, so moving the same batch twice (a
 * crash between the two steps) enqueues it once; should a retried batch come out differently, its
 * notifications are queued again, which the workers' deduplication makes harmless.
 *
 * The size of a job follows the load: a partition gets a new job only once it has none waiting
 * (see maxHoldMs), so a busy worker finds everything that came meanwhile in its next job instead of
 * a queue of small ones, each paying the per-job round trips of BullMQ, Redis and PostgreSQL.
 */
export function startIntakeDispatcher(options: DispatcherOptions): IntakeDispatcher {
  const { redis, keys, consumer, batchSize = 500, blockMs = 1_000, claimIdleMs = 30_000, lingerMs = 20, maxHoldMs = 2_000 } = options;
  let stopping = false;
  let lastClaim = 0;
  // Entries this consumer read but did not finish exist only after a failure (or, for a reused
  // consumer name, from an earlier run), so they are looked for at start and after errors only.
  let ownUnfinishedPossible = true;
  const held = new Holding();

  const readBatch = async (): Promise<IntakeEntry[]> => {
    // First anything this consumer read before but did not finish, then entries abandoned by dead
    // consumers, then new ones.
    if (ownUnfinishedPossible) {
      const own = await readGroup('0', 0);
      if (own.length > 0) return own;
      ownUnfinishedPossible = false;
    }
    if (Date.now() - lastClaim >= Math.min(claimIdleMs, 10_000)) {
      lastClaim = Date.now();
      const claimed = (await redis.xautoclaim(keys.stream, INTAKE_DISPATCH_GROUP, consumer, claimIdleMs, '0-0', 'COUNT', batchSize)) as [string, Array<[string, string[]] | null>];
      const entries = claimed[1].filter((entry): entry is [string, string[]] => entry !== null);
      if (entries.length > 0) return readIntakeEntries(entries);
    }
    // While holding, the loop comes back after its linger to see whether the held can go.
    return readGroup('>', held.size() > 0 ? 0 : blockMs);
  };

  const readGroup = async (from: '0' | '>', block: number): Promise<IntakeEntry[]> => {
    const args: Array<string | number> = ['GROUP', INTAKE_DISPATCH_GROUP, consumer, 'COUNT', batchSize];
    if (block > 0) args.push('BLOCK', block);
    args.push('STREAMS', keys.stream, from);
    const reply = (await redis.call('XREADGROUP', ...args)) as Array<[string, Array<[string, string[]]>]> | null;
    return readIntakeEntries(reply?.[0]?.[1] ?? []);
  };

  /** A job's notifications all go to one partition of their domain's queue: the one of their document. */
  const hold = (entries: readonly IntakeEntry[]): IntakeEntry[] => {
    const unroutable: IntakeEntry[] = [];
    for (const entry of entries) {
      if (!isTopic(entry.topic)) {
        unroutable.push(entry);
        continue;
      }
      const domain = domainOf(entry.topic);
      held.add(domain, options.queues[domain].partitionFor({ notifications: [entry] }), entry);
    }
    return unroutable;
  };

  /** Queues what may go now (everything, when stopping), then lets it leave the stream. */
  const dispatch = async (unroutable: readonly IntakeEntry[], everything: boolean) => {
    const due = everything ? held.takeAll() : held.take(await partitionsWithJobWaiting(held.partitions()), Date.now() - maxHoldMs);
    await Promise.all(
      due.map(async ({ domain, partition, entries: batch }) => {
        const jobs = [];
        for (let start = 0; start < batch.length; start += MAX_NOTIFICATIONS_PER_JOB) {
          const notifications = batch.slice(start, start + MAX_NOTIFICATIONS_PER_JOB);
          const first = notifications[0] as IntakeEntry;
          jobs.push({ name: domain, data: { notifications }, opts: { jobId: `${first.intakeId}-n${notifications.length}` } });
        }
        await partition.addBulk(jobs);
        options.onDispatched?.({ domain, count: batch.length, oldestAcceptedAt: batch[0]?.acceptedAt ?? '' });
      }),
    );
    const entries = [...unroutable, ...due.flatMap((group) => group.entries)];
    if (entries.length === 0) return;
    const ids = entries.map((entry) => entry.intakeId);
    // The entries leave the stream in one transaction; the received counts are another key's (the
    // {stats} slot on Redis Cluster), counted after: a crash in between loses a figure, not an entry.
    const finish = redis.multi();
    // The gateway never stores an unknown topic; should one appear anyway it is set aside, not lost.
    for (const entry of unroutable) finish.xadd(`${keys.stream}:unroutable`, '*', 'intakeId', entry.intakeId, 'topic', entry.topic, 'body', entry.body);
    await finish.xack(keys.stream, INTAKE_DISPATCH_GROUP, ...ids).xdel(keys.stream, ...ids).exec();
    const received = new Map<string, number>();
    for (const entry of entries) received.set(entry.topic, (received.get(entry.topic) ?? 0) + 1);
    const counts = redis.multi();
    for (const [topic, count] of received) {
      counts.hincrby(statsKey(keys.prefix, topic), 'received', count).hset(statsKey(keys.prefix, topic), 'lastReceivedAt', Date.now());
    }
    await counts.exec();
  };

  /** One LLEN per partition holding entries, sent together (each its own slot on Redis Cluster). */
  const partitionsWithJobWaiting = async (partitions: ReadonlyArray<Queue>): Promise<Set<Queue>> => {
    const lengths = await Promise.all(partitions.map((partition) => redis.llen(partition.keys.wait)));
    return new Set(partitions.filter((_, i) => (lengths[i] ?? 0) > 0));
  };

  const ensureGroup = async () => {
    try {
      await redis.xgroup('CREATE', keys.stream, INTAKE_DISPATCH_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  };

  const loop = (async () => {
    let groupReady = false;
    while (!stopping) {
      try {
        if (!groupReady) {
          await ensureGroup();
          groupReady = true;
        }
        const entries = await readBatch();
        await dispatch(hold(entries), false);
        const more = entries.length >= batchSize;
        if ((entries.length > 0 || held.size() > 0) && !more && lingerMs > 0 && !stopping) {
          await new Promise((resolve) => setTimeout(resolve, lingerMs));
        }
      } catch (error) {
        // NOGROUP: Redis lost the stream (restart without persistence); create the group again.
        if (String(error).includes('NOGROUP')) groupReady = false;
        // What was held is still this consumer's in the stream: it is read again from there.
        held.clear();
        ownUnfinishedPossible = true;
        if (!stopping) {
          options.onError(error);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    }
    // Held entries go out now rather than wait for another dispatcher's claim.
    await dispatch([], true).catch(options.onError);
  })();

  return {
    stop: async () => {
      stopping = true;
      await loop;
    },
  };
}

interface HeldGroup {
  domain: DomainQueue;
  partition: Queue;
  entries: IntakeEntry[];
  since: number;
}

/** Notifications read from the stream and not yet queued, per partition, in the order read. */
class Holding {
  private readonly groups = new Map<Queue, HeldGroup>();
  private readonly ids = new Set<string>();

  add(domain: DomainQueue, partition: Queue, entry: IntakeEntry): void {
    // Claimed back from the stream while still held here (held longer than the claim's idle time).
    if (this.ids.has(entry.intakeId)) return;
    this.ids.add(entry.intakeId);
    const group = this.groups.get(partition);
    if (group) group.entries.push(entry);
    else this.groups.set(partition, { domain, partition, entries: [entry], since: Date.now() });
  }

  size(): number {
    return this.ids.size;
  }

  partitions(): Queue[] {
    return [...this.groups.keys()];
  }

  /**
   * What may be queued now: every partition without a job waiting, full jobs of the others, and
   * all of a group held since before `heldBefore`.
   */
  take(withJobWaiting: ReadonlySet<Queue>, heldBefore: number): HeldGroup[] {
    const due: HeldGroup[] = [];
    for (const group of this.groups.values()) {
      const all = !withJobWaiting.has(group.partition) || group.since < heldBefore;
      const count = all ? group.entries.length : group.entries.length - (group.entries.length % MAX_NOTIFICATIONS_PER_JOB);
      if (count === 0) continue;
      due.push({ ...group, entries: group.entries.splice(0, count) });
      if (group.entries.length === 0) this.groups.delete(group.partition);
      else group.since = Date.now();
    }
    for (const group of due) for (const entry of group.entries) this.ids.delete(entry.intakeId);
    return due;
  }

  takeAll(): HeldGroup[] {
    return this.take(new Set(), Number.POSITIVE_INFINITY);
  }

  clear(): void {
    this.groups.clear();
    this.ids.clear();
  }
}
