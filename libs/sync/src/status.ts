import { readAllTopicStats } from '@wmsi/change-feed';
import { TOPICS, domainOf } from '@wmsi/contracts';
import { intakeBacklog } from '@wmsi/intake';
import { DOMAIN_QUEUES } from '@wmsi/queue';
import type { ApiDeps } from '@wmsi/trpc';

/** An intake entry older than this means the dispatcher is not keeping up (or not running). */
const STUCK_INTAKE_MS = 60_000;

/**
 * The integration at a glance, per topic and per domain queue, with the problems an admin should
 * look at spelled out (`healthy` is true when there are none).
 */
export async function syncStatus(deps: ApiDeps) {
  const [stats, backlog, quarantined, queues] = await Promise.all([
    readAllTopicStats(deps.redis, deps.prefix),
    intakeBacklog(deps.redis, deps.intake),
    deps.db
      .selectFrom('quarantine')
      .select(['topic', (eb) => eb.fn.countAll<string>().as('count')])
      .where('replayed_at', 'is', null)
      .groupBy('topic')
      .execute(),
    Promise.all(
      DOMAIN_QUEUES.map(async (domain) => {
        const counts = await deps.queues[domain].getJobCounts('waiting', 'active', 'delayed', 'failed');
        // delayed: pairing-window timers and retries waiting for their back-off; failed: dead letters.
        return { domain, waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 };
      }),
    ),
  ]);
  const quarantinedBy = new Map(quarantined.map((row) => [row.topic, Number(row.count)]));

  const topics = TOPICS.map((topic) => {
    const s = stats[topic];
    return {
      topic,
      domain: domainOf(topic),
      received: s.received,
      applied: s.applied,
      duplicates: s.duplicates,
      stale: s.stale,
      pairs: { inNotification: s.pairsInNotification, acrossNotifications: s.pairsAcrossNotifications },
      parked: s.parked,
      removals: s.removals,
      quarantined: quarantinedBy.get(topic) ?? 0,
      failedAttempts: s.failures,
      lastReceivedAt: s.lastReceivedAt === null ? null : new Date(s.lastReceivedAt),
      lastAppliedAt: s.lastAppliedAt === null ? null : new Date(s.lastAppliedAt),
      averageLagMs: s.lagCount === 0 ? null : Math.round(s.lagMsSum / s.lagCount),
      // The running sums behind the average: a client polling status gets the lag of each interval.
      lagMsSum: s.lagMsSum,
      lagCount: s.lagCount,
    };
  });
  const oldestAgeMs = backlog.oldestAcceptedMs === null ? null : Math.max(0, Date.now() - backlog.oldestAcceptedMs);

  const problems: string[] = [];
  if (oldestAgeMs !== null && oldestAgeMs > STUCK_INTAKE_MS) {
    problems.push(`The intake holds ${backlog.intakeLength} notification(s), the oldest ${Math.round(oldestAgeMs / 1000)} s old: is the gateway's dispatcher running?`);
  }
  for (const queue of queues) {
    if (queue.failed > 0) problems.push(`${queue.failed} job(s) in the ${queue.domain} dead-letter set: see sync.deadLetters, then sync.replay`);
  }
  for (const topic of topics) {
    if (topic.quarantined > 0) problems.push(`${topic.quarantined} ${topic.topic} notification(s) in quarantine: see sync.quarantine`);
  }

  return {
    healthy: problems.length === 0,
    problems,
    intake: { backlog: backlog.intakeLength, oldestAgeMs },
    queues,
    topics,
  };
}
