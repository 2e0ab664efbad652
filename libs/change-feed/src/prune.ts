import { deleteInBatches, deleteOlderThan, type Database } from '@wmsi/db';
import { sql } from 'kysely';

/**
 * Deletes the change log's oldest entries, those applied more than `retentionDays` ago, a batch at a
 * time and in log order, and moves the horizon past them: a client resuming from before it is told
 * RESYNC_REQUIRED instead of silently missing what was deleted. Returns how many were deleted.
 */
export async function pruneChangeLog(db: Database, { retentionDays, batchSize = 5_000 }: { retentionDays: number; batchSize?: number }): Promise<number> {
  return deleteInBatches(
    db,
    batchSize,
    sql<{ deleted: string }>`
    with oldest as (
      select c.xid, c.seq, c.applied_at < now() - make_interval(days => ${retentionDays}) as expired
      from change_log c order by c.xid, c.seq limit ${batchSize}),
    -- Only the leading run of expired entries: the horizon must have nothing kept before it.
    doomed as (
      select o.xid, o.seq from oldest o
      where o.expired and not exists (select 1 from oldest k where not k.expired and (k.xid, k.seq) < (o.xid, o.seq))),
    gone as (delete from change_log c using doomed d where c.seq = d.seq returning c.xid, c.seq),
    horizon as (
      insert into change_log_horizon (singleton, pruned_through_xid, pruned_through_seq)
      select true, g.xid, g.seq from gone g order by g.xid desc, g.seq desc limit 1
      on conflict (singleton) do update set
        pruned_through_xid = excluded.pruned_through_xid, pruned_through_seq = excluded.pruned_through_seq, pruned_at = now()
      where (excluded.pruned_through_xid, excluded.pruned_through_seq) > (change_log_horizon.pruned_through_xid, change_log_horizon.pruned_through_seq))
    select count(*)::text as deleted from gone`,
  );
}

/** Deletes the decision history of documents older than `retentionDays`, a batch at a time. */
export async function pruneDocumentHistory(db: Database, { retentionDays, batchSize = 5_000 }: { retentionDays: number; batchSize?: number }): Promise<number> {
  return deleteOlderThan(db, { table: 'document_history', key: ['id'], agesBy: 'decided_at' }, { retentionDays, batchSize });
}
