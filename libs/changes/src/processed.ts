import { createHash } from 'node:crypto';
import type { Notification, Row } from '@wmsi/contracts';

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
