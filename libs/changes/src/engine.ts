import type { ChangeEvent } from '@wmsi/change-feed';
import type { NotificationReader, Topic } from '@wmsi/contracts';
import { quarantineBody, type Database, type TopicTables } from '@wmsi/db';
import type { Domain } from '@wmsi/contracts';
import type { EndedWindow, ParkingLot } from '@wmsi/pairing';
import type { AcceptedNotification } from '@wmsi/queue';
import { applyUnits, type AppliedBatch } from './apply-units.js';
import { noCounts, type ChangeCounts } from '@wmsi/change-feed';
import { prepareNotifications, removalUnit, type Unreadable } from './prepare.js';

/**
 * Statement texts each connection of an engine's database keeps prepared (createDb's
 * preparedStatements): a domain's statements come in a few dozen shapes (its topics, the columns a
 * batch sets), each parsed once per connection instead of at every job.
 */
export const ENGINE_PREPARED_STATEMENTS = 200;

export interface ChangeEngineOptions {
  db: Database;
  parking: ParkingLot;
  domain: Domain;
  /** The tables of every topic this engine applies. */
  tables: readonly TopicTables[];
  read: NotificationReader;
}

/** Per topic: what a batch did, and the lag from each applied notification's 202 to its commit. */
export type TopicTally = ChangeCounts & { lagsMs: number[] };

export interface EngineOutcome {
  tallies: Map<Topic, TopicTally>;
  /** The changes committed, in log order. */
  events: ChangeEvent[];
}

export interface ChangeEngine {
  readonly topics: readonly Topic[];
  /** Applies a job's notifications as one batch (one transaction); throws when any of it fails. */
  applyNotifications(batch: readonly AcceptedNotification[]): Promise<EngineOutcome>;
  /** Applies the removals of pairing windows that ended (taken with ParkingLot.takeEnded), then settles them. */
  applyEndedWindows(ended: readonly EndedWindow[]): Promise<EngineOutcome>;
  /** One window, claimed here: the path of a removal that failed on its own and was handed to a job. */
  endWindow(parkedKey: string): Promise<EngineOutcome>;
}

/** A topic this engine does not apply: a routing mistake no retry can fix. */
export class UnknownTopicError extends Error {
  readonly code = 'UNKNOWN_TOPIC';
}

/**
 * A domain's write engine: resolves notifications' rows into inserts, updates and removals
 * (pairing) and writes them newest-wins, a batch at a time, logging every change that took effect.
 */
export function createChangeEngine(options: ChangeEngineOptions): ChangeEngine {
  const { db, parking, domain, read } = options;
  const byTopic = new Map(options.tables.map((tables) => [tables.topic, tables]));
  const tablesOf = (topic: string): TopicTables => {
    const tables = byTopic.get(topic as Topic);
    if (tables === undefined) throw new UnknownTopicError(`This worker does not apply topic "${topic}"`);
    return tables;
  };
  const prepareDeps = { db, parking, read, tablesOf };

  async function applyNotifications(batch: readonly AcceptedNotification[]): Promise<EngineOutcome> {
    for (const accepted of batch) tablesOf(accepted.topic);
    const prepared = await prepareNotifications(prepareDeps, batch);
    const applied = await applyUnits(db, tablesOf, prepared.units);
    await parking.settle(domain, prepared.claimedKeys);
    // The gateway checked these bodies with its own mapping; a worker refusing one means the
    // mapping changed in between. Keep it for a replay rather than retry what cannot succeed.
    for (const { accepted, outcome } of prepared.unreadable) {
      await quarantineBody(db, { topic: accepted.topic, reason: outcome.reason, message: outcome.message, issues: outcome.issues, rawBody: Buffer.from(accepted.body) });
    }
    return tally(applied, prepared.unreadable);
  }

  async function applyEndedWindows(ended: readonly EndedWindow[]): Promise<EngineOutcome> {
    for (const window of ended) tablesOf(window.parked.topic);
    const applied = await applyUnits(db, tablesOf, ended.map(removalUnit));
    await parking.settle(domain, ended.map((window) => window.key));
    return tally(applied, []);
  }

  async function endWindow(parkedKey: string): Promise<EngineOutcome> {
    const parked = await parking.claimForRemoval(parkedKey);
    // Claimed by its Inserted half: the update was applied and counted there.
    if (parked === undefined) {
      await parking.settle(domain, [parkedKey]);
      return { tallies: new Map(), events: [] };
    }
    return applyEndedWindows([{ key: parkedKey, parked }]);
  }

  return { topics: [...byTopic.keys()], applyNotifications, applyEndedWindows, endWindow };
}

function tally(applied: AppliedBatch, unreadable: readonly Unreadable[]): EngineOutcome {
  const tallies = new Map<Topic, TopicTally>();
  const of = (topic: Topic) => {
    let entry = tallies.get(topic);
    if (entry === undefined) tallies.set(topic, (entry = { ...noCounts(), lagsMs: [] }));
    return entry;
  };
  const now = Date.now();
  for (const { unit, duplicate, outcome } of applied.units) {
    const entry = of(unit.topic);
    if (duplicate || outcome === undefined) {
      entry.duplicates += unit.origin === 'notification' ? 1 : 0;
      continue;
    }
    entry.applied += outcome.applied;
    entry.stale += outcome.stale;
    entry.removals += outcome.removals;
    entry.pairsAcrossNotifications += outcome.pairsAcross;
    entry.pairsInNotification += unit.pairsInNotification;
    entry.parked += unit.parked.length;
    if (outcome.applied > 0 && unit.origin === 'notification' && unit.source.acceptedAt !== null) {
      entry.lagsMs.push(now - Date.parse(unit.source.acceptedAt));
    }
  }
  for (const { accepted } of unreadable) of(accepted.topic as Topic).quarantined += 1;
  return { tallies, events: applied.events };
}
