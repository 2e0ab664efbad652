import { adjustmentsTables } from '@wmsi/adjustments';
import type { TopicTables } from '@wmsi/db';
import type { WmsClient } from '@wmsi/client';
import type { Topic } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import { fulfillmentTables } from '@wmsi/fulfillment';
import { itemsTables } from '@wmsi/items';
import { receivingTables } from '@wmsi/receiving';
import { sql } from 'kysely';
import type { ExpectedRecord, Oracle } from './oracle.js';
import { TOPIC_MODELS } from './topics.js';

const TABLES = new Map<Topic, TopicTables>(
  [...receivingTables, ...fulfillmentTables, ...itemsTables, ...adjustmentsTables].map((tables) => [tables.topic, tables]),
);

export interface CheckReport {
  checked: number;
  /** Records the oracle expects that WMSi does not have. */
  lost: string[];
  /** Records WMSi has in another state (live/removed, TimeStamp or value) than the oracle. */
  wrong: string[];
  /** The same change (record, TimeStamp, kind) logged more than once. */
  appliedTwice: string[];
}

const MAX_LISTED = 20;
const keyOf = (values: unknown[]) => JSON.stringify(values.map((value) => (typeof value === 'string' ? value.trim() : value)));

async function compareTable(
  db: Database,
  table: string,
  keyColumns: readonly string[],
  valueColumn: string,
  expected: Iterable<ExpectedRecord>,
  report: CheckReport,
): Promise<void> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
  const stored = new Map(rows.map((row) => [keyOf(keyColumns.map((column) => row[column])), row]));
  for (const record of expected) {
    report.checked += 1;
    const name = `${record.topic} ${record.key.join('/')}`;
    const row = stored.get(keyOf(record.key));
    if (row === undefined) {
      if (report.lost.length < MAX_LISTED) report.lost.push(name);
      else report.lost.push('');
      continue;
    }
    const problems: string[] = [];
    if ((row.removed_at === null) !== record.live) problems.push(record.live ? 'removed, expected live' : 'live, expected removed');
    if (row.source_timestamp !== record.timeStamp) problems.push(`TimeStamp ${String(row.source_timestamp)}, expected ${record.timeStamp}`);
    const value = row[valueColumn];
    const same = typeof record.value === 'number' ? Number(value) === record.value : value === record.value;
    if (record.live && !same) problems.push(`${valueColumn} ${String(value)}, expected ${String(record.value)}`);
    if (problems.length > 0) report.wrong.push(`${name}: ${problems.join('; ')}`);
  }
}

/** Compares every record of the oracle with PostgreSQL, and looks for changes logged twice. */
export async function checkDatabase(db: Database, oracle: Oracle): Promise<CheckReport> {
  const report: CheckReport = { checked: 0, lost: [], wrong: [], appliedTwice: [] };
  for (const [topic, tables] of TABLES) {
    const model = TOPIC_MODELS[topic];
    const documentKey = tables.document.key.map((c) => c.column);
    const documents = [...oracle.documents.values()].filter((record) => record.topic === topic);
    await compareTable(db, tables.document.table, documentKey, model.hasLines ? 'status' : model.check.column, documents, report);
    if (tables.lines !== undefined) {
      const lines = [...oracle.lines.values()].filter((record) => record.topic === topic);
      await compareTable(db, tables.lines.table, tables.lines.key.map((c) => c.column), model.check.column, lines, report);
    }
  }
  const { rows } = await sql<{ topic: string; row_key: unknown; source_timestamp: string; kind: string; times: string }>`
    select topic, row_key, source_timestamp, kind, count(*) as times from change_log
    -- A document's own events (it went with its last line, or came back with one) follow from its
    -- lines' changes: only the rows' changes are applications of a notification.
    where topic = 'stock-items' or row_key ? 'lineNbr'
    group by topic, row_key, source_timestamp, kind having count(*) > 1 limit ${MAX_LISTED}`.execute(db);
  report.appliedTwice = rows.map((row) => `${row.topic} ${JSON.stringify(row.row_key)} ${row.kind} at ${row.source_timestamp}: ${row.times} times`);
  report.lost = report.lost.filter(Boolean).concat(report.lost.filter((name) => name === '').length > 0 ? [`(and ${report.lost.filter((n) => n === '').length} more)`] : []);
  return report;
}

/** Asks the client API for a sample of documents and compares them with the oracle. */
export async function checkApi(client: WmsClient, oracle: Oracle, perTopic = 10): Promise<CheckReport> {
  const report: CheckReport = { checked: 0, lost: [], wrong: [], appliedTwice: [] };
  const byTopic = new Map<Topic, ExpectedRecord[]>();
  for (const record of oracle.documents.values()) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
  for (const [topic, records] of byTopic) {
    for (const record of records.slice(-perTopic)) {
      report.checked += 1;
      const [a, b] = record.key as string[];
      const found = await lookUp(client, topic, a, b);
      const name = `${topic} ${record.key.join('/')}`;
      if (found === null) {
        report.lost.push(name);
        continue;
      }
      const live = found.removedAt === null;
      if (live !== record.live || found.sourceTimestamp !== record.timeStamp) {
        report.wrong.push(`${name}: ${live ? 'live' : 'removed'} at ${found.sourceTimestamp}, expected ${record.live ? 'live' : 'removed'} at ${record.timeStamp}`);
      }
    }
  }
  return report;
}

type Found = { removedAt: Date | null; sourceTimestamp: string } | null;

async function lookUp(client: WmsClient, topic: Topic, a: string, b: string): Promise<Found> {
  switch (topic) {
    case 'purchase-orders':
      return client.receiving.purchaseOrder.query({ orderType: a, orderNbr: b });
    case 'sales-orders':
      return client.fulfillment.salesOrder.query({ orderType: a, orderNbr: b });
    case 'shipments':
      return client.fulfillment.shipment.query({ shipmentNbr: a });
    case 'assembly-orders':
      return client.fulfillment.assemblyOrder.query({ type: a, referenceNbr: b });
    case 'inventory-adjustments':
      return client.adjustments.adjustment.query({ referenceNbr: a });
    case 'stock-items':
      return client.items.get.query({ inventoryId: a });
  }
}

/** Nothing lost, nothing wrong, nothing applied twice. */
export function isClean(report: CheckReport): boolean {
  return report.lost.length === 0 && report.wrong.length === 0 && report.appliedTwice.length === 0;
}
