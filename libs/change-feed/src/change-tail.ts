import type { Database } from '@wmsi/db';
import { waitUntilReady } from '@wmsi/queue';
import type { Redis } from 'ioredis';
import { changesChannel, type ChangeEvent } from './change-event.js';
import { matches, positionOf, readChanges, type ChangeFilter } from './log-reader.js';
import { comparePositions, START, type Position } from './positions.js';

export interface ChangeTailOptions {
  db: Database;
  /** A connection of its own: it is put in subscriber mode. */
  subscriber: Redis;
  prefix: string;
  /** How many of the newest changes are kept in memory for every stream of this process to read. */
  keep?: number;
  /** How often the log is read even without a wake-up (a lost message, a transaction that held the horizon). */
  pollMs?: number;
  onError: (error: unknown) => void;
}

/** A page of changes for one follower, and where it now stands. */
export interface TailPage {
  events: ChangeEvent[];
  /** The position after the last change examined: resume from here. */
  cursor: Position;
}

export interface ChangeTail {
  /** Resolves once the first read and the subscription are in place. */
  ready: Promise<void>;
  /** The newest final position this process has read. */
  head(): Position;
  /** How many changes it keeps in memory now (at most `keep`). */
  kept(): number;
  /** The changes after `cursor` matching `filter`, from memory; undefined when they are no longer kept (read the log). */
  after(cursor: Position, filter: ChangeFilter, limit: number): TailPage | undefined;
  /** Resolves when the head moves past `cursor`, after `timeoutMs`, or when `signal` aborts. */
  waitBeyond(cursor: Position, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Pages of the log read at once when catching up. */
const READ_LIMIT = 1_000;
/** After a read that saw changes still hidden behind a running transaction, read again this soon. */
const HIDDEN_RETRY_MS = 10;

/**
 * One reader of the change log per API process, however many clients follow it. Workers publish a
 * wake-up after each commit; the tail then reads what became final and keeps the newest changes in
 * a bounded ring that every stream reads at its own pace. A stream that falls behind the ring
 * reads the log itself. Pub/sub only wakes: a lost message delays a change by at most `pollMs`.
 */
export function startChangeTail(options: ChangeTailOptions): ChangeTail {
  const { db, subscriber, prefix, onError } = options;
  const keep = options.keep ?? 10_000;
  const pollMs = options.pollMs ?? 1_000;
  const ring: Array<{ position: Position; event: ChangeEvent }> = [];
  /** Every change after this position is in the ring. */
  let ringStart: Position = START;
  let head: Position = START;
  const waiters = new Set<() => void>();
  let reading: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (ms: number) => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void readNewChanges(), ms);
  };

  async function readOnce(): Promise<void> {
    for (;;) {
      const page = await readChanges(db, { after: head, limit: READ_LIMIT });
      for (const event of page.events) ring.push({ position: positionOf(event), event });
      const last = ring.at(-1)?.position;
      const newHead = page.events.length >= READ_LIMIT && last !== undefined ? last : page.head;
      const moved = comparePositions(newHead, head) > 0;
      head = comparePositions(newHead, head) > 0 ? newHead : head;
      if (ring.length > keep) {
        const dropped = ring.splice(0, ring.length - keep);
        ringStart = dropped.at(-1)!.position;
      }
      if (moved) for (const wake of [...waiters]) wake();
      if (page.events.length < READ_LIMIT) {
        schedule(page.hidden ? HIDDEN_RETRY_MS : pollMs);
        return;
      }
    }
  }

  /** One read at a time; a wake-up during a read makes one more read after it. */
  function readNewChanges(): Promise<void> {
    if (closed) return Promise.resolve();
    if (reading !== undefined) {
      again = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          await readOnce();
        } while (again && !closed);
      } catch (error) {
        onError(error);
        schedule(pollMs);
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  }

  const channel = changesChannel(prefix);
  subscriber.on('message', (from: string) => {
    if (from === channel) void readNewChanges();
  });
  // After a reconnection the subscription is renewed by ioredis; what was published meanwhile is
  // read by the next poll or wake-up, since the log is the truth.
  subscriber.on('ready', () => void readNewChanges());

  const ready = (async () => {
    const start = await readChanges(db, { after: START, limit: 1 }).catch((error: unknown) => {
      onError(error);
      return { head: START };
    });
    // Streams start from what is final now; the ring fills from here on.
    head = start.head;
    ringStart = start.head;
    // SUBSCRIBE only on a connection that is ready. ioredis 5.8.2 and later (BullMQ pins 5.11.1)
    // write a SUBSCRIBE sent during the handshake before their own ready check (INFO); Redis refuses
    // that INFO in subscriber mode, and the connection ends up ready but subscribed to nothing
    // (ioredis issue #2037): no wake-up ever came, every change waited for the poll (0.55 s at p50
    // instead of 22 ms, in half of the runs). Like the subscription, this waits for Redis however long.
    await waitUntilReady(subscriber, Number.POSITIVE_INFINITY);
    await subscriber.subscribe(channel);
    schedule(pollMs);
  })();

  return {
    ready,
    head: () => head,
    kept: () => ring.length,
    after(cursor, filter, limit) {
      if (comparePositions(cursor, ringStart) < 0) return undefined;
      const events: ChangeEvent[] = [];
      let at = firstAfter(ring, cursor);
      let scanned = cursor;
      for (; at < ring.length && events.length < limit; at++) {
        const entry = ring[at]!;
        if (matches(filter, entry.event)) events.push(entry.event);
        scanned = entry.position;
      }
      // Scanned to the end of the ring: the follower stands at the head.
      return { events, cursor: at >= ring.length ? laterPosition(head, scanned) : scanned };
    },
    waitBeyond(cursor, timeoutMs, signal) {
      if (comparePositions(head, cursor) > 0 || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timeout);
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timeout = setTimeout(done, timeoutMs);
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const wake of [...waiters]) wake();
      await reading;
      await subscriber.unsubscribe(channel).catch(() => undefined);
      subscriber.disconnect();
    },
  };
}

/** The index of the first ring entry after `cursor` (binary search: the ring is in log order). */
function firstAfter(ring: ReadonlyArray<{ position: Position }>, cursor: Position): number {
  let low = 0;
  let high = ring.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (comparePositions(ring[middle]!.position, cursor) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function laterPosition(a: Position, b: Position): Position {
  return comparePositions(a, b) >= 0 ? a : b;
}
