// A position in the change log: the id of the transaction that wrote the change, then its seq.
//
// seq alone is no cursor: it is taken when a row is inserted, and workers commit in parallel, so 105
// can become visible before 103. Ordered by transaction id instead, and read only below the oldest
// transaction of this database still running (change_log_horizon()), the log grows only at its
// end: every position a reader has seen is final, and "everything after C" is complete at every
// moment.

export interface Position {
  /** The writing transaction's id (xid8), as its decimal text. */
  xid: string;
  /** The change-log row's seq, as its decimal text. */
  seq: string;
}

const ENCODED = /^(\d{1,20})-(\d{1,19})$/;
const MAX_XID = (1n << 64n) - 1n;
const MAX_SEQ = (1n << 63n) - 1n;

export function encodePosition(position: Position): string {
  return `${position.xid}-${position.seq}`;
}

/** The position an event id stands for, or undefined when the text is not one (a crafted or old id). */
export function decodePosition(id: string): Position | undefined {
  const match = ENCODED.exec(id);
  if (match === null) return undefined;
  const [, xid, seq] = match as unknown as [string, string, string];
  if (BigInt(xid) > MAX_XID || BigInt(seq) > MAX_SEQ) return undefined;
  return { xid: BigInt(xid).toString(), seq: BigInt(seq).toString() };
}

export function comparePositions(a: Position, b: Position): -1 | 0 | 1 {
  const [ax, bx, as, bs] = [BigInt(a.xid), BigInt(b.xid), BigInt(a.seq), BigInt(b.seq)];
  if (ax !== bx) return ax < bx ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** Before every change ever logged. */
export const START: Position = { xid: '0', seq: '0' };
