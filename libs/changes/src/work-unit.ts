import type { Row, Topic } from '@wmsi/contracts';
import type { ProcessedMark } from './processed.js';

/** The ERP transaction a change comes from, and the delivery that brought it. */
export interface ChangeSource {
  /** The 64-bit TimeStamp, as its decimal string. */
  timeStamp: string;
  notificationId: string;
  query: string;
  intakeId: string | null;
  /** When the gateway acknowledged it (ISO), for the processing lag. */
  acceptedAt: string | null;
}

/** A row's new state (an insert, or an update with its old state) or its removal. */
export type Candidate =
  | {
      kind: 'live';
      change: 'insert' | 'update';
      before?: Row;
      after: Row;
      /** The old half came in another notification (claimed from the parking lot, or from this batch). */
      pairedAcross: boolean;
    }
  | { kind: 'removal'; before: Row };

/**
 * What is applied exactly once: one notification, or one pairing window that ended. Its mark is
 * written in the transaction that applies it; a unit whose mark is already there is a duplicate.
 */
export interface WorkUnit {
  topic: Topic;
  mark: ProcessedMark;
  source: ChangeSource;
  origin: 'notification' | 'window';
  candidates: Candidate[];
  /** Lone Deleted rows parked for their window (nothing to write yet). */
  parked: Row[];
  /** Lone Deleted rows not parked: their record already holds this TimeStamp or a newer one. */
  superseded: Row[];
  /** Lone Deleted rows paired with an Inserted half of another notification of the same batch. */
  pairedInBatch: Row[];
  /** Deleted/Inserted pairs within the notification itself. */
  pairsInNotification: number;
}

export function rowsOf(unit: WorkUnit): Row[] {
  return [
    ...unit.candidates.map((candidate) => (candidate.kind === 'live' ? candidate.after : candidate.before)),
    ...unit.parked,
    ...unit.superseded,
    ...unit.pairedInBatch,
  ];
}
