import { createHash } from 'node:crypto';
import { compareTimeStamps, timeStampToDate, type Notification, type NotificationReader, type Row, type Topic } from '@wmsi/contracts';
import { quarantineBody, type Database } from '@wmsi/db';
import { pairWithinNotification, type ParkedRow, type ParkingLot } from '@wmsi/pairing';
import type { AcceptedNotification, DomainJobData } from '@wmsi/queue';
import type { Queue } from 'bullmq';
import { logChanges, type AppliedChange, type ChangeEvent } from './change-log.js';
import { noCounts, type ChangeCounts } from './counts.js';
import { markProcessed, rowsDigest } from './processed.js';
import { storedRowTimeStamps, writeLiveRows, writeRemovedRows } from './record-changes.js';
import type { TopicTables } from './record-tables.js';

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
    const claimed: string[] = [];

    await db.transaction().execute(async (trx) => {
      const first = await markProcessed(trx, {
        query: notification.query,
        notificationId: notification.id,
        rowsDigest: rowsDigest(notification),
        topic: tables.topic,
        timeStamp: notification.timeStamp,
        intakeId: accepted.intakeId,
      });
      if (!first) {
        counts.duplicates = 1;
        return;
      }
      const { updates, loneInserted, loneDeleted } = pairWithinNotification(notification.inserted, notification.deleted);

      // A lone Inserted may be the late half of a split update whose Deleted waits in Redis.
      const partners = await parking.claimForUpdate(tables.topic, notification.timeStamp, loneInserted, accepted.intakeId);
      for (const row of loneInserted) {
        if (partners.has(row.rowKey)) claimed.push(parking.keyOf({ topic: tables.topic, timeStamp: notification.timeStamp, row }));
      }

      // A lone Deleted whose record already holds this TimeStamp or a newer one removes nothing (its
      // Inserted half came first, or it is an old retry): no need to park it.
      const stored = await storedRowTimeStamps(trx, tables, loneDeleted);
      const toPark = loneDeleted.filter((row) => {
        const current = stored.get(row.rowKey);
        return current === undefined || compareTimeStamps(current, notification.timeStamp) < 0;
      });
      counts.stale += loneDeleted.length - toPark.length;
      counts.parked = toPark.length;
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
      const written = await writeLiveRows(trx, tables, changes.map((change) => change.after!), stamp);
      const applied = changes.filter((change) => written.has(change.after!.rowKey));
      counts.events = await logChanges(trx, tables, applied, { ...stamp, query: notification.query });

      counts.applied = applied.length;
      counts.stale += changes.length - applied.length;
      counts.pairsInNotification = updates.length;
      counts.pairsAcrossNotifications = partners.size;
    });

    await parking.settle(claimed);
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
