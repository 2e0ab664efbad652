import { createHash } from 'node:crypto';
import { compareTimeStamps, timeStampToDate, type Notification, type NotificationReader, type Row, type Topic } from '@wmsi/contracts';
import { quarantineBody, type Database } from '@wmsi/db';
import { pairWithinNotification, type ParkedRow, type ParkingLot } from '@wmsi/pairing';
import type { AcceptedNotification, DomainJobData } from '@wmsi/queue';
import type { Queue } from 'bullmq';
import { logChanges, type AppliedChange, type ChangeEvent } from './change-log.js';
import { noCounts, type ChangeCounts } from './counts.js';
import { markProcessed, rowsDigest, type ProcessedMark } from './processed.js';
import { applyChanges, storedRowTimeStamps, writeLiveRows, writeRemovedRows } from './record-changes.js';
import type { TopicTables } from './record-tables.js';
import type { Executor } from './record-writes.js';

export interface ChangeHandlerOptions {
  db: Database;
  parking: ParkingLot;
  /** The domain queue, where the durable timers of parked rows are scheduled. */
  timers: Queue<DomainJobData>;
  /** The tables of every topic this handler applies. */
  tables: readonly TopicTables[];
  read: NotificationReader;
}

export interface ChangeHandler {
  readonly topics: readonly Topic[];
  /** Applies one accepted notification in one transaction, exactly once. */
  applyNotification(accepted: AcceptedNotification): Promise<ChangeOutcome>;
  /** A parked row's window ended: unless an update claimed it, it becomes a removal. */
  endWindow(parkedKey: string): Promise<ChangeOutcome & { topic?: Topic }>;
}

/** What applying did: the counts, and the changes committed (to publish to clients). */
export type ChangeOutcome = ChangeCounts & { events: ChangeEvent[] };

/** A topic this handler does not apply: a routing mistake no retry can fix. */
export class UnknownTopicError extends Error {
  readonly code = 'UNKNOWN_TOPIC';
}

/**
 * A domain's change handler: resolves each notification's rows into inserts, updates and removals
 * (pairing) and writes them newest-wins, logging every change that took effect.
 */
export function createChangeHandler(options: ChangeHandlerOptions): ChangeHandler {
  const { db, parking, timers, read } = options;
  const byTopic = new Map(options.tables.map((tables) => [tables.topic, tables]));
  const tablesOf = (topic: string) => {
    const tables = byTopic.get(topic as Topic);
    if (tables === undefined) throw new UnknownTopicError(`This worker does not apply topic "${topic}"`);
    return tables;
  };

  async function applyNotification(accepted: AcceptedNotification): Promise<ChangeOutcome> {
    const tables = tablesOf(accepted.topic);
    const counts: ChangeOutcome = { ...noCounts(), events: [] };
    const outcome = read(tables.topic, accepted.body);
    if (!outcome.ok) {
      // The gateway checked this body with its own mapping; a worker refusing it means the mapping
      // changed in between. Keep it for a replay rather than retry what cannot succeed.
      await quarantineBody(db, {
        topic: tables.topic,
        reason: outcome.reason,
        message: outcome.message,
        issues: outcome.issues,
        rawBody: Buffer.from(accepted.body),
      });
      counts.quarantined = 1;
      return counts;
    }
    const notification = outcome.notification;
    const stamp = { timeStamp: notification.timeStamp, notificationId: notification.id };
    const mark: ProcessedMark = {
      query: notification.query,
      notificationId: notification.id,
      rowsDigest: rowsDigest(notification),
      topic: tables.topic,
      timeStamp: notification.timeStamp,
      intakeId: accepted.intakeId,
    };
    const { updates, loneInserted, loneDeleted } = pairWithinNotification(notification.inserted, notification.deleted);

    // A lone Inserted may be the late half of a split update whose Deleted waits in Redis. The
    // claimant is the notification (Query, Id and rows), not this delivery of it: a redelivery
    // processed at the same time claims the same partner, so whichever delivery is applied first
    // makes the update, and the other finds it processed.
    const claimant = `${mark.query}|${mark.notificationId}|${mark.rowsDigest}`;
    const partners = await parking.claimForUpdate(tables.topic, notification.timeStamp, loneInserted, claimant);
    const claimed = loneInserted
      .filter((row) => partners.has(row.rowKey))
      .map((row) => parking.keyOf({ topic: tables.topic, timeStamp: notification.timeStamp, row }));

    // A lone Deleted whose record already holds this TimeStamp or a newer one removes nothing (its
    // Inserted half came first, or it is an old retry or a redelivery): no need to park it. Parking
    // again what is parked changes nothing, and a row parked by a redelivery whose first delivery
    // was applied long ago ends in a removal that is stale (not newer than the record).
    const stored = await storedRowTimeStamps(db, tables, loneDeleted);
    const toPark = loneDeleted.filter((row) => {
      const current = stored.get(row.rowKey);
      return current === undefined || compareTimeStamps(current, notification.timeStamp) < 0;
    });
    await parking.park(
      toPark.map((row) => parkedRow(notification, row, accepted)),
      timers,
    );

    const changes: AppliedChange[] = [
      ...updates.map(({ before, after }) => ({ kind: 'update' as const, before, after })),
      ...loneInserted.map((after) => {
        const before = partners.get(after.rowKey)?.row;
        return before === undefined ? { kind: 'insert' as const, after } : { kind: 'update' as const, before, after };
      }),
    ];
    const source = { ...stamp, query: notification.query };
    const { first, events } =
      (await applyChanges(db, tables, mark, changes, source)) ??
      (await db.transaction().execute(async (trx) => {
        if (!(await markProcessed(trx, mark))) return { first: false, events: [] };
        return { first: true, events: await writeThenLog(trx, tables, changes, source) };
      }));

    await parking.settle(claimed);
    if (!first) {
      counts.duplicates = 1;
      return counts;
    }
    counts.events = events;
    counts.applied = events.length;
    counts.stale = loneDeleted.length - toPark.length + changes.length - events.length;
    counts.parked = toPark.length;
    counts.pairsInNotification = updates.length;
    counts.pairsAcrossNotifications = partners.size;
    return counts;
  }

  async function endWindow(parkedKey: string): Promise<ChangeOutcome & { topic?: Topic }> {
    const counts: ChangeOutcome = { ...noCounts(), events: [] };
    const parked = await parking.claimForRemoval(parkedKey);
    // Claimed by its Inserted half: the update was applied and counted there.
    if (parked === undefined) return counts;
    const tables = tablesOf(parked.topic);

    await db.transaction().execute(async (trx) => {
      const first = await markProcessed(trx, {
        query: parked.query,
        notificationId: parked.notificationId,
        rowsDigest: `window-ended:${createHash('sha256').update(parked.row.rowKey).digest('hex')}`,
        topic: parked.topic,
        timeStamp: parked.timeStamp,
        intakeId: parked.intakeId,
      });
      if (!first) return;
      const stamp = {
        timeStamp: parked.timeStamp,
        notificationId: parked.notificationId,
        removedAt: timeStampToDate(parked.timeStamp),
      };
      const written = await writeRemovedRows(trx, tables, [parked.row], stamp);
      if (written.has(parked.row.rowKey)) {
        counts.events = await logChanges(trx, tables, [{ kind: 'removal', before: parked.row }], { ...stamp, query: parked.query });
        counts.applied = 1;
        counts.removals = 1;
      } else {
        counts.stale = 1;
      }
    });

    await parking.settle([parkedKey]);
    return { ...counts, topic: parked.topic };
  }

  return { topics: [...byTopic.keys()], applyNotification, endWindow };
}

/** The changes' rows written, then the applied ones logged: two statements or more (see applyChanges). */
async function writeThenLog(
  trx: Executor,
  tables: TopicTables,
  changes: readonly AppliedChange[],
  source: { timeStamp: string; notificationId: string; query: string },
): Promise<ChangeEvent[]> {
  const written = await writeLiveRows(trx, tables, changes.map((change) => change.after!), source);
  const applied = changes.filter((change) => written.has(change.after!.rowKey));
  return logChanges(trx, tables, applied, source);
}

function parkedRow(notification: Notification, row: Row, accepted: AcceptedNotification): ParkedRow {
  return {
    topic: notification.topic,
    query: notification.query,
    notificationId: notification.id,
    timeStamp: notification.timeStamp,
    row,
    intakeId: accepted.intakeId,
    acceptedAt: accepted.acceptedAt,
  };
}
