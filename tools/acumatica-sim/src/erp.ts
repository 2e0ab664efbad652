import { randomUUID } from 'node:crypto';
import { TOPICS, type Topic } from '@wmsi/contracts';
import { transactionClock } from './clock.js';
import { createOracle, type Oracle } from './oracle.js';
import type { Random } from './random.js';
import { TOPIC_MODELS, type Fields, type TopicModel } from './topics.js';

/** One ERP transaction's notification for one inquiry, before delivery decides how it travels. */
export interface ErpTransaction {
  topic: Topic;
  query: string;
  id: string;
  timeStamp: string;
  inserted: Fields[];
  deleted: Fields[];
}

interface SimDocument {
  model: TopicModel;
  header: Fields;
  /** LineNbr -> line fields (empty for stock items). */
  lines: Map<number, Fields>;
  nextLineNbr: number;
}

/** How often each topic moves, roughly as a warehouse's ERP would: many order lines, few kits. */
const TOPIC_WEIGHTS: Record<Topic, number> = {
  'purchase-orders': 25,
  'stock-items': 15,
  'sales-orders': 20,
  shipments: 20,
  'assembly-orders': 10,
  'inventory-adjustments': 10,
};

/** Lines per new document: mostly a few, now and then up to 50. */
const linesFor = (random: Random) => 1 + Math.floor(random.next() ** 3 * 50);

/**
 * A simulated Acumatica: documents with lines that go through their workflows (On Hold -> Open ->
 * Completed and the like), quantities edited, lines added and deleted, the odd document deleted,
 * item master edits. Each change is one transaction with a fresh Id and an exact 64-bit TimeStamp,
 * and is recorded in the oracle: the state WMSi must end up with.
 */
export function createErp(random: Random, options: { topics?: readonly Topic[] } = {}) {
  const topics = options.topics ?? TOPICS;
  const clock = transactionClock();
  const oracle: Oracle = createOracle();
  const live = new Map<Topic, SimDocument[]>(topics.map((topic) => [topic, []]));
  let documentNumber = 0;
  const totalWeight = topics.reduce((sum, topic) => sum + TOPIC_WEIGHTS[topic], 0);

  const pickTopic = (): Topic => {
    let roll = random.next() * totalWeight;
    for (const topic of topics) {
      roll -= TOPIC_WEIGHTS[topic];
      if (roll < 0) return topic;
    }
    return topics[topics.length - 1];
  };
  const rowOf = (document: SimDocument, lineNbr?: number): Fields =>
    lineNbr === undefined ? { ...document.header } : { ...document.header, LineNbr: lineNbr, ...document.lines.get(lineNbr) };
  const allRows = (document: SimDocument) =>
    document.model.hasLines ? [...document.lines.keys()].map((lineNbr) => rowOf(document, lineNbr)) : [rowOf(document)];

  function commit(document: SimDocument, inserted: Fields[], deleted: Fields[]): ErpTransaction {
    const transaction = { topic: document.model.topic, query: document.model.query, id: randomUUID(), timeStamp: clock(), inserted, deleted };
    oracle.record(document.model, transaction);
    return transaction;
  }

  function create(topic: Topic): ErpTransaction {
    const model = TOPIC_MODELS[topic];
    documentNumber += 1;
    const document: SimDocument = { model, header: model.newHeader(random, documentNumber), lines: new Map(), nextLineNbr: 1 };
    if (model.hasLines) for (let i = linesFor(random); i > 0; i--) document.lines.set(document.nextLineNbr++, model.newLine(random));
    live.get(topic)!.push(document);
    return commit(document, allRows(document), []);
  }

  /** The whole document changes (status, a header field): every row, old and new. */
  function changeHeader(document: SimDocument, header: Fields): ErpTransaction {
    const before = allRows(document);
    document.header = header;
    return commit(document, allRows(document), before);
  }

  function change(document: SimDocument): ErpTransaction {
    const { model } = document;
    const roll = random.next();
    const status = model.statuses.indexOf(String(document.header[model.statusCaption]));
    if (roll < 0.35 && status < model.statuses.length - 1) {
      return changeHeader(document, { ...document.header, [model.statusCaption]: model.statuses[status + 1] });
    }
    if (!model.hasLines || roll < 0.45) {
      if (roll > 0.97) return remove(document);
      return changeHeader(document, model.editHeader(random, document.header));
    }
    const lineNbrs = [...document.lines.keys()];
    if (roll < 0.8) {
      const edited = lineNbrs.filter(() => random.chance(Math.min(1, 2 / lineNbrs.length)));
      const lines = edited.length > 0 ? edited : [random.pick(lineNbrs)];
      const before = lines.map((lineNbr) => rowOf(document, lineNbr));
      for (const lineNbr of lines) document.lines.set(lineNbr, model.editLine(random, document.lines.get(lineNbr)!));
      return commit(document, lines.map((lineNbr) => rowOf(document, lineNbr)), before);
    }
    if (roll < 0.9 || lineNbrs.length < 2) {
      const lineNbr = document.nextLineNbr++;
      document.lines.set(lineNbr, model.newLine(random));
      return commit(document, [rowOf(document, lineNbr)], []);
    }
    if (roll < 0.97) {
      const lineNbr = random.pick(lineNbrs);
      const before = rowOf(document, lineNbr);
      document.lines.delete(lineNbr);
      return commit(document, [], [before]);
    }
    return remove(document);
  }

  /** The document is deleted (or leaves the inquiry): every row in Deleted only. */
  function remove(document: SimDocument): ErpTransaction {
    const documents = live.get(document.model.topic)!;
    documents.splice(documents.indexOf(document), 1);
    return commit(document, [], allRows(document));
  }

  return {
    oracle,
    /** The next transaction: a new document now and then, otherwise a change to a live one. */
    next(): ErpTransaction {
      const topic = pickTopic();
      const documents = live.get(topic)!;
      if (documents.length < 3 || random.chance(0.25)) return create(topic);
      return change(random.pick(documents));
    },
  };
}

export type Erp = ReturnType<typeof createErp>;
