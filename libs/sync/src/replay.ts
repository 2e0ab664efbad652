import { isTopic } from '@wmsi/contracts';
import { getQuarantined, markReplayed } from '@wmsi/db';
import { appendToIntake } from '@wmsi/intake';
import type { DomainQueue } from '@wmsi/queue';
import type { Job } from 'bullmq';
import { AppError, type ApiDeps } from '@wmsi/trpc';

/**
 * Sends a quarantined body through the intake again, as if Acumatica had resent it, once it passes
 * the column contract with the current mapping. Replaying twice is harmless: the workers apply a
 * notification once.
 */
export async function replayQuarantined(deps: Pick<ApiDeps, 'db' | 'redis' | 'intake' | 'checkNotification'>, id: string) {
  const kept = await getQuarantined(deps.db, id);
  if (kept === undefined) throw new AppError('NOT_FOUND', `No quarantined notification ${id}`);
  if (!isTopic(kept.topic)) throw new AppError('NOT_REPLAYABLE', `Quarantined under an unknown topic "${kept.topic}"`);
  const body = kept.raw_body.toString('utf8');
  const check = deps.checkNotification(kept.topic, body);
  if (!check.ok) {
    throw new AppError('NOT_REPLAYABLE', `Still refused: ${check.message}`, { reason: check.reason, issues: check.issues });
  }
  const intakeId = await appendToIntake(deps.redis, deps.intake, kept.topic, body, check.route);
  await markReplayed(deps.db, id);
  return { replayed: 'quarantine' as const, id, topic: kept.topic, intakeId };
}

/** Moves a dead-lettered job back to its queue for another round of attempts. */
export async function replayDeadLetter(deps: Pick<ApiDeps, 'queues'>, domain: DomainQueue, jobId: string) {
  const job = await deps.queues[domain].getJob(jobId);
  if (job === undefined) throw new AppError('NOT_FOUND', `No job ${jobId} in the ${domain} queue`);
  if (!(await job.isFailed())) throw new AppError('NOT_REPLAYABLE', `Job ${jobId} is not in the dead-letter set`);
  await job.retry('failed');
  return { replayed: 'dead-letter' as const, domain, jobId };
}

/** A dead-lettered job as listed: why it failed, how often it was tried, what it carried. */
function deadLetter(domain: DomainQueue, job: Job) {
  const data = job.data as Record<string, unknown>;
  const notifications = Array.isArray(data.notifications) ? (data.notifications as Array<{ intakeId: string; topic: string }>) : [];
  return {
    domain,
    jobId: job.id ?? '',
    name: job.name,
    reason: job.failedReason,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn),
    notifications: notifications.map((n) => ({ intakeId: n.intakeId, topic: n.topic })),
    parkedKey: typeof data.parkedKey === 'string' ? data.parkedKey : null,
  };
}

export type DeadLetter = ReturnType<typeof deadLetter>;

/** Failed jobs read per round trip while looking for those that match a reason. */
const SCAN_BATCH = 200;
/** A filter never walks more than this many failed jobs in one call (a page says where it stopped). */
const SCAN_LIMIT = 10_000;

const matchesReason = (job: Job, reason: string | undefined) =>
  reason === undefined || (job.failedReason ?? '').toLowerCase().includes(reason.toLowerCase());

/**
 * One page of a domain's dead-letter set, newest first, optionally only the jobs whose reason
 * contains `reason` (case-insensitive). `offset` is where the previous page stopped in the set;
 * `nextOffset` is null at the end.
 */
export async function listDomainDeadLetters(
  deps: Pick<ApiDeps, 'queues'>,
  domain: DomainQueue,
  options: { reason?: string; offset?: number; limit: number },
): Promise<{ items: DeadLetter[]; nextOffset: number | null }> {
  const queue = deps.queues[domain];
  const items: DeadLetter[] = [];
  let offset = options.offset ?? 0;
  const stopAt = offset + SCAN_LIMIT;
  while (items.length < options.limit && offset < stopAt) {
    const jobs = await queue.getFailed(offset, offset + SCAN_BATCH - 1);
    if (jobs.length === 0) return { items, nextOffset: null };
    for (const [index, job] of jobs.entries()) {
      if (!matchesReason(job, options.reason)) continue;
      items.push(deadLetter(domain, job));
      if (items.length === options.limit) {
        const next = offset + index + 1;
        return { items, nextOffset: (await queue.getFailedCount()) > next ? next : null };
      }
    }
    offset += jobs.length;
    if (jobs.length < SCAN_BATCH) return { items, nextOffset: null };
  }
  return { items, nextOffset: offset };
}

/** The dead-letter set of each domain queue: failed jobs with their reason, newest first. */
export async function listDeadLetters(deps: Pick<ApiDeps, 'queues'>, domains: readonly DomainQueue[], limit: number) {
  const perDomain = await Promise.all(domains.map(async (domain) => (await listDomainDeadLetters(deps, domain, { limit })).items));
  return perDomain.flat().slice(0, limit);
}

/**
 * Moves every dead-lettered job of a domain whose reason contains `reason` (all of them without
 * one) back to its queue, as `replayDeadLetter` does for one. Walks at most SCAN_LIMIT jobs.
 */
export async function replayDeadLetters(deps: Pick<ApiDeps, 'queues'>, domain: DomainQueue, reason: string | undefined) {
  const queue = deps.queues[domain];
  const matching: Job[] = [];
  for (let offset = 0; offset < SCAN_LIMIT; offset += SCAN_BATCH) {
    const jobs = await queue.getFailed(offset, offset + SCAN_BATCH - 1);
    matching.push(...jobs.filter((job) => matchesReason(job, reason)));
    if (jobs.length < SCAN_BATCH) break;
  }
  // Retried after the walk: a retried job leaves the failed set, which would shift the offsets.
  let replayed = 0;
  for (const job of matching) {
    // A job another admin replayed meanwhile is no longer failed: skipped, not an error.
    if (!(await job.isFailed())) continue;
    await job.retry('failed');
    replayed += 1;
  }
  return { domain, replayed };
}
