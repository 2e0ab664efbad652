import { isTopic } from '@wmsi/contracts';
import { getQuarantined, markReplayed } from '@wmsi/db';
import { appendToIntake } from '@wmsi/intake';
import type { DomainQueue } from '@wmsi/queue';
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

/** The dead-letter set of each domain queue: failed jobs with their reason, newest first. */
export async function listDeadLetters(deps: Pick<ApiDeps, 'queues'>, domains: readonly DomainQueue[], limit: number) {
  const perDomain = await Promise.all(
    domains.map(async (domain) => {
      const jobs = await deps.queues[domain].getFailed(0, limit - 1);
      return jobs.map((job) => ({
        domain,
        jobId: job.id ?? '',
        name: job.name,
        reason: job.failedReason,
        attempts: job.attemptsMade,
        failedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn),
        notifications: 'notifications' in job.data ? job.data.notifications.map((n) => ({ intakeId: n.intakeId, topic: n.topic })) : [],
        parkedKey: 'parkedKey' in job.data ? job.data.parkedKey : null,
      }));
    }),
  );
  return perDomain.flat().slice(0, limit);
}
