import type { Topic } from '@wmsi/contracts';
import type { ErpTransaction } from './erp.js';
import type { Fields, TopicModel } from './topics.js';

/** What WMSi must hold for one record after the run. */
export interface ExpectedRecord {
  topic: Topic;
  /** Trimmed key values in row-key order (document key, then LineNbr for lines). */
  key: Array<string | number>;
  live: boolean;
  /** The TimeStamp of the last transaction that wrote it. */
  timeStamp: string;
  /** For lines and items: the checked field's value; for documents: the status. */
  value: unknown;
}

const trim = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

/**
 * The expected final state, kept as the simulated ERP commits: newest wins per record, a removed
 * line is a tombstone, and a document is removed with its last line. Delivery order, duplicates
 * and split pairs must make no difference to it; that is what the check proves.
 */
export function createOracle() {
  const lines = new Map<string, ExpectedRecord>();
  const documents = new Map<string, ExpectedRecord & { liveLines: Set<number> }>();
  let transactions = 0;
  let changedRows = 0;

  const documentKey = (model: TopicModel, row: Fields) => model.keyCaptions.map((caption) => trim(row[caption]) as string);

  return {
    lines,
    documents,
    get transactions() {
      return transactions;
    },
    get changedRows() {
      return changedRows;
    },
    record(model: TopicModel, transaction: ErpTransaction): void {
      transactions += 1;
      changedRows += transaction.inserted.length + Math.max(0, transaction.deleted.length - transaction.inserted.length);
      const { timeStamp, topic } = transaction;
      const insertedKeys = new Set<string>();
      for (const row of transaction.inserted) {
        const docKey = documentKey(model, row);
        const document = documents.get(`${topic}|${JSON.stringify(docKey)}`) ?? { topic, key: docKey, live: true, timeStamp, value: null, liveLines: new Set<number>() };
        Object.assign(document, { live: true, timeStamp, value: row[model.statusCaption] });
        documents.set(`${topic}|${JSON.stringify(docKey)}`, document);
        if (!model.hasLines) {
          Object.assign(document, { value: row[model.check.caption] });
          continue;
        }
        const key = [...docKey, row.LineNbr as number];
        insertedKeys.add(JSON.stringify(key));
        document.liveLines.add(row.LineNbr as number);
        lines.set(`${topic}|${JSON.stringify(key)}`, { topic, key, live: true, timeStamp, value: row[model.check.caption] });
      }
      for (const row of transaction.deleted) {
        const docKey = documentKey(model, row);
        const document = documents.get(`${topic}|${JSON.stringify(docKey)}`)!;
        if (!model.hasLines) {
          if (transaction.inserted.length === 0) Object.assign(document, { live: false, timeStamp });
          continue;
        }
        const key = [...docKey, row.LineNbr as number];
        if (insertedKeys.has(JSON.stringify(key))) continue;
        const line = lines.get(`${topic}|${JSON.stringify(key)}`)!;
        Object.assign(line, { live: false, timeStamp });
        document.liveLines.delete(row.LineNbr as number);
        if (document.liveLines.size === 0) Object.assign(document, { live: false, timeStamp });
      }
    },
  };
}

export type Oracle = ReturnType<typeof createOracle>;
