import type { ErpTransaction } from './erp.js';
import type { Random } from './random.js';
import type { Fields } from './topics.js';

/** How notifications travel, as shares of all notifications (0..1). */
export interface DeliveryOptions {
  /** Updates sent as two requests, Deleted half and Inserted half, in either order. */
  split: number;
  /** Notifications delivered a second time (at-least-once, manual resends). */
  duplicates: number;
  /** Notifications held back and delivered after newer ones (retries overtaken by later changes). */
  reorder: number;
  /** The second half of a split pair follows within this many ms (keep it inside the window). */
  splitGapMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { split: 0.2, duplicates: 0.05, reorder: 0.05, splitGapMs: 2_000 };

/** One HTTP request to make: the body exactly as sent, and when, relative to the transaction. */
export interface PlannedRequest {
  transaction: ErpTransaction;
  body: string;
  delayMs: number;
  /** Whether it carries Inserted rows (the half a change event's latency is measured from). */
  carriesInserted: boolean;
  duplicate: boolean;
}

const ID_CAPTIONS = new Set(['OrderNbr', 'InventoryID', 'ShipmentNbr', 'ReferenceNbr', 'Warehouse', 'VendorID', 'CustomerID', 'Location', 'ComponentID']);

/**
 * Acumatica pads selector values with trailing spaces (and the two halves of a pair differently),
 * and has sent element names with a trailing space too.
 */
function padded(random: Random, row: Fields): Fields {
  if (!random.chance(0.3)) return row;
  const spaces = ' '.repeat(random.int(1, 2));
  return Object.fromEntries(
    Object.entries(row).map(([caption, value]) => [
      caption === 'LineDescription' ? `${caption} ` : caption,
      ID_CAPTIONS.has(caption) && typeof value === 'string' ? `${value}${spaces}` : value,
    ]),
  );
}

/** The body as Acumatica writes it, the TimeStamp a bare 64-bit number (never through a JS number). */
export function bodyOf(random: Random, transaction: ErpTransaction, inserted: Fields[], deleted: Fields[]): string {
  return (
    `{"Inserted":${JSON.stringify(inserted.map((row) => padded(random, row)))},` +
    `"Deleted":${JSON.stringify(deleted.map((row) => padded(random, row)))},` +
    `"Query":${JSON.stringify(transaction.query)},"CompanyId":"SimTenant","Id":"${transaction.id}",` +
    `"TimeStamp":${transaction.timeStamp},"AdditionalInfo":{}}`
  );
}

/** Decides how one notification travels: whole or split, once or twice, on time or late. */
export function planDelivery(random: Random, transaction: ErpTransaction, options: DeliveryOptions): PlannedRequest[] {
  const late = random.chance(options.reorder) ? random.int(500, 3_000) : 0;
  const { inserted, deleted } = transaction;
  let requests: PlannedRequest[];
  if (inserted.length > 0 && deleted.length > 0 && random.chance(options.split)) {
    const deletedFirst = random.chance(0.5);
    const gap = random.int(0, options.splitGapMs);
    requests = [
      { transaction, body: bodyOf(random, transaction, [], deleted), delayMs: late + (deletedFirst ? 0 : gap), carriesInserted: false, duplicate: false },
      { transaction, body: bodyOf(random, transaction, inserted, []), delayMs: late + (deletedFirst ? gap : 0), carriesInserted: true, duplicate: false },
    ];
  } else {
    requests = [{ transaction, body: bodyOf(random, transaction, inserted, deleted), delayMs: late, carriesInserted: inserted.length > 0, duplicate: false }];
  }
  if (random.chance(options.duplicates)) {
    const again = random.pick(requests);
    requests.push({ ...again, delayMs: again.delayMs + random.int(50, 5_000), duplicate: true });
  }
  return requests;
}
