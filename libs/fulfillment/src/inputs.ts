import { keyPart, readCursor } from '@wmsi/trpc';
import { z } from 'zod';

/**
 * An ERP identifier as a scanner sends it: trimmed (Acumatica pads keys with spaces) and bounded,
 * with room beyond Acumatica's longest key (30 characters) for a renamed label.
 */
export const erpId = z.string().trim().min(1).max(50);

/** Acumatica line numbers are positive and fit the `integer` column. */
export const lineNbr = z.number().int().min(1).max(2_147_483_647);

/** A pick list cursor's key: (shipment_nbr, line_nbr), each within its column. */
const lineKey = z.tuple([keyPart.text, keyPart.int4]);

/** A client's id of one tap (a UUID, say): a retry with it books nothing more. */
export const operationId = z.string().trim().min(1).max(100);

/** One scan's quantity: positive, and no single scan books a million. */
export const scanQty = z.number().positive().max(1_000_000);

/** The (shipment_nbr, line_nbr) a page cursor stands for; a cursor that is not one is a bad request. */
export function afterLineKey(cursor: string | undefined): readonly [string, number] | undefined {
  return readCursor(cursor, lineKey, 'fulfillment.pickList');
}
