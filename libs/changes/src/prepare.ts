import { createHash } from 'node:crypto';
import { compareTimeStamps, type Notification, type NotificationReader, type ParseOutcome, type Row, type Topic } from '@wmsi/contracts';
import type { Database, TopicTables } from '@wmsi/db';
import { pairWithinNotification, type Claim, type EndedWindow, type ParkedRow, type ParkingLot } from '@wmsi/pairing';
import type { AcceptedNotification } from '@wmsi/queue';
import { rowsDigest, type ProcessedMark } from './processed.js';
import { storedRowTimeStamps } from './stored-timestamps.js';
import type { Candidate, WorkUnit } from './work-unit.js';

// Turning a job's notifications into units of work, with every pairing decision made for the batch
// at once: Deleted/Inserted halves of one transaction that arrived in separate notifications of
// the same job are paired in memory; the other lone Inserted rows claim their parked halves in one
// script; the other lone Deleted rows are parked in one script. Redis first, PostgreSQL after.

/** A notification this worker could not read with its mapping: kept in quarantine, not applied. */
export interface Unreadable {
  accepted: AcceptedNotification;
  outcome: Extract<ParseOutcome, { ok: false }>;
}

export interface PreparedBatch {
  units: WorkUnit[];
  unreadable: Unreadable[];
  /** Parked rows the batch claimed: settled once it is committed. */
  claimedKeys: string[];
}

interface Reading {
  accepted: AcceptedNotification;
  notification: Notification;
  mark: ProcessedMark;
  updates: Array<{ before: Row; after: Row }>;
  loneInserted: Row[];
  loneDeleted: Row[];
  /** Lone Inserted rows that found their Deleted half, with it. */
  partners: Map<string, Row>;
  pairedInBatch: Row[];
}

export interface PrepareDeps {
  db: Database;
  parking: ParkingLot;
  read: NotificationReader;
  tablesOf(topic: string): TopicTables;
}

/** Reads, pairs and parks the notifications of one job (one domain), oldest first. */
export async function prepareNotifications(deps: PrepareDeps, batch: readonly AcceptedNotification[]): Promise<PreparedBatch> {
  const readings: Reading[] = [];
  const unreadable: Unreadable[] = [];
  for (const accepted of batch) {
    const tables = deps.tablesOf(accepted.topic);
    const outcome = deps.read(tables.topic, accepted.body);
    if (!outcome.ok) unreadable.push({ accepted, outcome });
    else readings.push(readingOf(accepted, outcome.notification));
  }

  pairAcrossTheBatch(readings);
  const claimedKeys = await claimParkedHalves(deps.parking, readings);
  const { parked, superseded } = await parkLoneDeleted(deps, readings);

  const units = readings.map((reading, i): WorkUnit => ({
    topic: reading.notification.topic,
    mark: reading.mark,
    source: {
      timeStamp: reading.notification.timeStamp,
      notificationId: reading.notification.id,
      query: reading.notification.query,
      intakeId: reading.accepted.intakeId,
      acceptedAt: reading.accepted.acceptedAt,
    },
    origin: 'notification',
    candidates: candidatesOf(reading),
    parked: parked[i] ?? [],
    superseded: superseded[i] ?? [],
    pairedInBatch: reading.pairedInBatch,
    pairsInNotification: reading.updates.length,
  }));
  return { units, unreadable, claimedKeys };
}

/** A pairing window that ended without its Inserted half: the row's removal, applied exactly once. */
export function removalUnit({ parked }: Pick<EndedWindow, 'parked'>): WorkUnit {
  return {
    topic: parked.topic,
    mark: {
      query: parked.query,
      notificationId: parked.notificationId,
      rowsDigest: `window-ended:${createHash('sha256').update(parked.row.rowKey).digest('hex')}`,
      topic: parked.topic,
      timeStamp: parked.timeStamp,
      intakeId: parked.intakeId,
    },
    source: {
      timeStamp: parked.timeStamp,
      notificationId: parked.notificationId,
      query: parked.query,
      intakeId: parked.intakeId,
      acceptedAt: parked.acceptedAt,
    },
    origin: 'window',
    candidates: [{ kind: 'removal', before: parked.row }],
    parked: [],
    superseded: [],
    pairedInBatch: [],
    pairsInNotification: 0,
  };
}

function readingOf(accepted: AcceptedNotification, notification: Notification): Reading {
  const { updates, loneInserted, loneDeleted } = pairWithinNotification(notification.inserted, notification.deleted);
  return {
    accepted,
    notification,
    mark: {
      query: notification.query,
      notificationId: notification.id,
      rowsDigest: rowsDigest(notification),
      topic: notification.topic,
      timeStamp: notification.timeStamp,
      intakeId: accepted.intakeId,
    },
    updates,
    loneInserted,
    loneDeleted,
    partners: new Map(),
    pairedInBatch: [],
  };
}

/** The halves of one transaction (topic, TimeStamp, row key) that came in two notifications of this job. */
function pairAcrossTheBatch(readings: Reading[]): void {
  const halfKey = (reading: Reading, row: Row) => `${reading.notification.topic}|${reading.notification.timeStamp}|${row.rowKey}`;
  const deletedHalves = new Map<string, { reading: Reading; row: Row }>();
  for (const reading of readings) for (const row of reading.loneDeleted) deletedHalves.set(halfKey(reading, row), { reading, row });
  for (const reading of readings) {
    for (const row of reading.loneInserted) {
      const half = deletedHalves.get(halfKey(reading, row));
      if (half === undefined || half.reading === reading) continue;
      deletedHalves.delete(halfKey(reading, row));
      reading.partners.set(row.rowKey, half.row);
      half.reading.loneDeleted = half.reading.loneDeleted.filter((deleted) => deleted !== half.row);
      half.reading.pairedInBatch.push(half.row);
    }
  }
}

/**
 * The other lone Inserted rows may be the late halves of split updates whose Deleted waits in
 * Redis. The claimant is the notification (Query, Id and rows), not this delivery of it: a
 * redelivery processed at the same time claims the same partner, so whichever delivery is applied
 * first makes the update, and the other finds it processed.
 */
async function claimParkedHalves(parking: ParkingLot, readings: readonly Reading[]): Promise<string[]> {
  const claims: Array<Claim & { reading: Reading }> = [];
  for (const reading of readings) {
    const claimant = `${reading.mark.query}|${reading.mark.notificationId}|${reading.mark.rowsDigest}`;
    for (const row of reading.loneInserted) {
      if (!reading.partners.has(row.rowKey)) claims.push({ topic: reading.notification.topic, timeStamp: reading.notification.timeStamp, row, claimant, reading });
    }
  }
  const claimed = await parking.claimForUpdate(claims);
  for (const claim of claims) {
    const parked = claimed.get(parking.keyOf(claim));
    if (parked !== undefined) claim.reading.partners.set(claim.row.rowKey, parked.row);
  }
  return [...claimed.keys()];
}

/**
 * The remaining lone Deleted rows wait for their window, but for those whose record already holds
 * this TimeStamp or a newer one (their Inserted half came first, or this is an old retry): they
 * remove nothing, so they are not parked.
 */
async function parkLoneDeleted(deps: PrepareDeps, readings: readonly Reading[]): Promise<{ parked: Row[][]; superseded: Row[][] }> {
  const parked = readings.map(() => [] as Row[]);
  const superseded = readings.map(() => [] as Row[]);
  const byTopic = new Map<Topic, Array<{ reading: number; row: Row }>>();
  readings.forEach((reading, i) => {
    for (const row of reading.loneDeleted) {
      const list = byTopic.get(reading.notification.topic) ?? [];
      byTopic.set(reading.notification.topic, list);
      list.push({ reading: i, row });
    }
  });
  const toPark: ParkedRow[] = [];
  for (const [topic, rows] of byTopic) {
    const stored = await storedRowTimeStamps(deps.db, deps.tablesOf(topic), rows.map(({ row }) => row));
    for (const { reading: i, row } of rows) {
      const reading = readings[i]!;
      const current = stored.get(row.rowKey);
      if (current !== undefined && compareTimeStamps(current, reading.notification.timeStamp) >= 0) {
        superseded[i]!.push(row);
        continue;
      }
      parked[i]!.push(row);
      toPark.push({
        topic,
        query: reading.notification.query,
        notificationId: reading.notification.id,
        timeStamp: reading.notification.timeStamp,
        row,
        intakeId: reading.accepted.intakeId,
        acceptedAt: reading.accepted.acceptedAt,
      });
    }
  }
  await deps.parking.park(toPark);
  return { parked, superseded };
}

function candidatesOf(reading: Reading): Candidate[] {
  return [
    ...reading.updates.map(({ before, after }): Candidate => ({ kind: 'live', change: 'update', before, after, pairedAcross: false })),
    ...reading.loneInserted.map((after): Candidate => {
      const before = reading.partners.get(after.rowKey);
      return before === undefined
        ? { kind: 'live', change: 'insert', after, pairedAcross: false }
        : { kind: 'live', change: 'update', before, after, pairedAcross: true };
    }),
  ];
}
