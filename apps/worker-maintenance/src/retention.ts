import { pruneChangeLog, pruneDocumentHistory, type RetentionRun } from '@wmsi/change-feed';
import type { Env } from '@wmsi/config';
import { deleteOlderThan, pruneQuarantine, type Database } from '@wmsi/db';

/** How long each kind of row is kept, in days (see the README's Retention section). */
export interface RetentionSettings {
  quarantineDays: number;
  processedDays: number;
  changeLogDays: number;
  /** Rows per delete statement: each statement holds its locks only that long. */
  batchSize: number;
}

export function retentionSettings(
  env: Pick<Env, 'QUARANTINE_RETENTION_DAYS' | 'PROCESSED_RETENTION_DAYS' | 'CHANGE_LOG_RETENTION_DAYS'>,
  batchSize = 5_000,
): RetentionSettings {
  return {
    quarantineDays: env.QUARANTINE_RETENTION_DAYS,
    processedDays: env.PROCESSED_RETENTION_DAYS,
    changeLogDays: env.CHANGE_LOG_RETENTION_DAYS,
    batchSize,
  };
}

/**
 * Deletes the processed-notification marks older than `retentionDays`, oldest first, a batch per
 * statement. A mark is what lets a worker skip a notification Acumatica delivers again; past the
 * days Acumatica resends (2, SM502000) it has nothing left to catch.
 */
export async function pruneProcessedMarks(db: Database, { retentionDays, batchSize = 5_000 }: { retentionDays: number; batchSize?: number }): Promise<number> {
  return deleteOlderThan(db, { table: 'processed_notifications', key: ['query', 'notification_id', 'rows_digest'], agesBy: 'processed_at' }, { retentionDays, batchSize });
}

/**
 * One run of the retention job: every table pruned to its retention, one after the other (each
 * in batches, so the workers writing meanwhile wait for one batch at most). The change log and the
 * document history share a retention: a document's history explains the changes the feed still has.
 */
export async function runRetention(db: Database, settings: RetentionSettings, now: () => number = Date.now): Promise<RetentionRun> {
  const started = now();
  const batchSize = settings.batchSize;
  const quarantine = await pruneQuarantine(db, { retentionDays: settings.quarantineDays, batchSize: Math.min(batchSize, 1_000) });
  const processed = await pruneProcessedMarks(db, { retentionDays: settings.processedDays, batchSize });
  const changeLog = await pruneChangeLog(db, { retentionDays: settings.changeLogDays, batchSize });
  const history = await pruneDocumentHistory(db, { retentionDays: settings.changeLogDays, batchSize });
  const finishedAt = now();
  return {
    pruned: { quarantine, processed_notifications: processed, change_log: changeLog, document_history: history },
    finishedAt,
    durationMs: finishedAt - started,
  };
}
