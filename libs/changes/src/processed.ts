import { createHash } from 'node:crypto';
import type { Notification, Row } from '@wmsi/contracts';
import type { Executor } from './record-writes.js';

/**
 * A digest of a notification's rows. A redelivery carries the same rows and so the same digest;
 * the two halves of one transaction sent in separate requests share Query and Id but not rows.
 */
export function rowsDigest(notification: Pick<Notification, 'inserted' | 'deleted'>): string {
  const side = (rows: readonly Row[]) => rows.map((row) => [row.rowKey, row.values, row.extra]);
  return createHash('sha256')
    .update(JSON.stringify([side(notification.inserted), side(notification.deleted)]))
    .digest('hex');
}

export interface ProcessedMark {
  query: string;
  notificationId: string;
  rowsDigest: string;
  topic: string;
  timeStamp: string;
  intakeId?: string;
}

/**
 * Records, inside the transaction that applies it, that a notification is processed. Returns false
 * when it already was: a concurrent redelivery waits here on the primary key until the first commits,
 * then sees it, so two deliveries never both apply.
 */
export async function markProcessed(db: Executor, mark: ProcessedMark): Promise<boolean> {
  const inserted = await db
    .insertInto('processed_notifications')
    .values({
      query: mark.query,
      notification_id: mark.notificationId,
      rows_digest: mark.rowsDigest,
      topic: mark.topic,
      source_timestamp: mark.timeStamp,
      intake_id: mark.intakeId ?? null,
    })
    .onConflict((conflict) => conflict.doNothing())
    .returning('rows_digest')
    .executeTakeFirst();
  return inserted !== undefined;
}
