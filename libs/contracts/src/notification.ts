import type { ColumnMapping } from './column-mapping.js';
import { COLUMN_CONTRACTS } from './columns/index.js';
import { envelopeSchema } from './envelope.js';
import { readJsonExactly } from './exact-json.js';
import { compileRowReader, type Row, type RowIssue, type RowReader } from './row-reader.js';
import { DEFAULT_INQUIRY_TITLES, TOPICS, type Topic } from './topics.js';

export type { Row, RowIssue } from './row-reader.js';
export { compareTimeStamps, timeStampToDate } from './timestamp.js';

/** One push notification, read exactly and through its topic's column contract. */
export interface Notification {
  topic: Topic;
  /** The inquiry title as sent; with `id` it identifies the notification. */
  query: string;
  companyId: string | null;
  /** GUID of the ERP transaction; shared by the notifications of every inquiry it touched. */
  id: string;
  /** The 64-bit TimeStamp as an exact decimal string, e.g. "638465233453014192". */
  timeStamp: string;
  inserted: Row[];
  deleted: Row[];
  additionalInfo: Record<string, unknown>;
}

export type ParseFailureReason = 'unparseable-json' | 'invalid-envelope' | 'invalid-rows';

export type ParseOutcome =
  | { ok: true; notification: Notification }
  | {
      ok: false;
      status: 400 | 422;
      reason: ParseFailureReason;
      /** For the integrator: Acumatica shows it on Process Push Notifications (SM502000). */
      message: string;
      issues: Array<{ path: string; message: string }>;
    };

export type NotificationReader = (topic: Topic, body: string) => ParseOutcome;

/** What the gateway needs from a body it stores as sent: whether a reader would accept it, and why not. */
export type CheckOutcome =
  | {
      ok: true;
      notification: Omit<Notification, 'inserted' | 'deleted'> & { inserted: number; deleted: number };
      /** The topic and document key of its first row: notifications of one document share it (queue routing). */
      route: string | null;
    }
  | Extract<ParseOutcome, { ok: false }>;

export type NotificationChecker = (topic: Topic, body: string) => CheckOutcome;

/** A body with thousands of bad rows still gets a bounded reply; the count says how many there were. */
const MAX_ISSUES = 100;
const ISSUES_IN_MESSAGE = 5;

/**
 * Compiles the row readers of every topic for one column mapping, once; the returned reader is
 * what the gateway calls per request. It never throws on input: every refusal is an outcome.
 */
export function createNotificationReader(mapping: ColumnMapping = {}): NotificationReader {
  const read = compileNotificationReader(mapping, false);
  return (topic, body) => {
    const { firstRow: _firstRow, ...outcome } = read(topic, body);
    return outcome as ParseOutcome;
  };
}

/**
 * The same reading as createNotificationReader, refusing exactly the same bodies with the same
 * outcome, but building no rows: only their counts. The gateway uses it on the request path and
 * stores the body as sent; the workers read it in full.
 */
export function createNotificationChecker(mapping: ColumnMapping = {}): NotificationChecker {
  const read = compileNotificationReader(mapping, true);
  const readOneRow = Object.fromEntries(TOPICS.map((topic) => [topic, compileRowReader(COLUMN_CONTRACTS[topic], mapping[topic])])) as Record<Topic, RowReader>;
  return (topic, body) => {
    const outcome = read(topic, body);
    if (!outcome.ok) return outcome;
    const { inserted, deleted, ...envelope } = outcome.notification;
    return { ok: true, notification: { ...envelope, inserted: inserted.length, deleted: deleted.length }, route: routeOf(topic, readOneRow[topic], outcome.firstRow) };
  };
}

/** The first row's document, read in full (one row: the checker builds no other). */
function routeOf(topic: Topic, readRow: RowReader, firstRow: unknown): string | null {
  if (firstRow === undefined) return null;
  const row = readRow(firstRow, '');
  if (Array.isArray(row)) return null;
  return `${topic}|${JSON.stringify(COLUMN_CONTRACTS[topic].documentKeyFields.map((field) => row.key[field]))}`;
}

function compileNotificationReader(mapping: ColumnMapping, checkOnly: boolean): (topic: Topic, body: string) => ParseOutcome & { firstRow?: unknown } {
  const rowReaders = Object.fromEntries(
    TOPICS.map((topic) => [topic, compileRowReader(COLUMN_CONTRACTS[topic], mapping[topic], { checkOnly })]),
  ) as Record<Topic, RowReader>;

  return function readNotification(topic, body) {
    const rowReader = rowReaders[topic];
    if (rowReader === undefined) throw new TypeError(`Unknown topic "${String(topic)}"; check it with isTopic() first`);

    const json = readJsonExactly(body);
    if (!json.ok) {
      return refuse(400, 'unparseable-json', `The body is not valid JSON: ${json.message}.`, [
        { path: '', message: json.message },
      ]);
    }
    const top = trimElementNames(json.value);
    if (top === undefined) {
      const message = 'the body must be one JSON object (a push notification), not a list or a single value';
      return refuse(400, 'unparseable-json', `The body is not a notification: ${message}.`, [{ path: '', message }]);
    }

    const envelope = envelopeSchema.safeParse(top);
    if (!envelope.success) {
      const issues = envelope.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return refuse(422, 'invalid-envelope', `The notification envelope is invalid: ${summarize(issues, false)}.`, issues);
    }
    const { Query, Id, TimeStamp, CompanyId, Inserted, Deleted, AdditionalInfo } = envelope.data;

    const issues: RowIssue[] = [];
    let issueCount = 0;
    const readRows = (list: unknown[], name: string): Row[] => {
      const rows: Row[] = [];
      for (let i = 0; i < list.length; i++) {
        const row = rowReader(list[i], `${name}[${i}]`);
        if (!Array.isArray(row)) {
          rows.push(row);
          continue;
        }
        issueCount += row.length;
        for (const issue of row) if (issues.length < MAX_ISSUES) issues.push(issue);
      }
      return rows;
    };
    const inserted = readRows(Inserted, 'Inserted');
    const deleted = readRows(Deleted, 'Deleted');

    if (issueCount > 0) {
      const problems = issueCount === 1 ? 'One row value does' : `${issueCount} row values do`;
      const message =
        `${problems} not match the ${DEFAULT_INQUIRY_TITLES[topic]} column contract: ${summarize(issues, true, issueCount)}. ` +
        'Fix the inquiry or the WMSi column mapping, then resend.';
      return refuse(422, 'invalid-rows', message, issues);
    }

    return {
      ok: true,
      firstRow: Inserted[0] ?? Deleted[0],
      notification: {
        topic,
        query: Query,
        companyId: CompanyId,
        id: Id,
        timeStamp: TimeStamp,
        inserted,
        deleted,
        additionalInfo: AdditionalInfo,
      },
    };
  };
}

function refuse(status: 400 | 422, reason: ParseFailureReason, message: string, issues: RowIssue[]): ParseOutcome {
  return { ok: false, status, reason, message, issues };
}

function summarize(issues: readonly RowIssue[], withPath: boolean, total = issues.length): string {
  const shown = issues
    .slice(0, ISSUES_IN_MESSAGE)
    .map((issue) => (withPath && issue.path !== '' ? `${issue.path}: ${issue.message}` : issue.message));
  const more = total - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

/**
 * The top-level object with its element names trimmed (Acumatica may pad keys), or undefined when
 * the body is not an object. Copies only when a name needs trimming; on a clash the exact name wins.
 */
function trimElementNames(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  if (names.every((name) => name === name.trim())) return record;
  const trimmed: Record<string, unknown> = {};
  // None of the envelope's elements is called __proto__; copying one would set the prototype.
  for (const name of names) if (name === name.trim() && name !== '__proto__') trimmed[name] = record[name];
  for (const name of names) {
    const clean = name.trim();
    if (!Object.hasOwn(trimmed, clean) && clean !== '__proto__') trimmed[clean] = record[name];
  }
  return trimmed;
}
