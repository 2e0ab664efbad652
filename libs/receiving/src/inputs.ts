import { keyPart, readCursor } from '@wmsi/trpc';
import { z } from 'zod';

/**
 * An ERP identifier as a scanner sends it: trimmed (Acumatica pads keys with spaces) and bounded,
 * with room beyond Acumatica's longest key (30 characters) for a renamed label.
 */
export const erpId = z.string().trim().min(1).max(50);

/** Acumatica line numbers are positive and fit the `integer` column. */
export const lineNbr = z.number().int().min(1).max(2_147_483_647);

/** An expected-list cursor's key: (order_type, order_nbr). */
const orderKey = z.tuple([keyPart.text, keyPart.text]);

/** A client's id of one tap (a UUID, say): a retry with it books nothing more. */
export const operationId = z.string().trim().min(1).max(100);

/** One scan's quantity: positive, and no single scan books a million. */
export const scanQty = z.number().positive().max(1_000_000);

/** The (order_type, order_nbr) a page cursor stands for; a cursor that is not one is a bad request. */
export function afterOrderKey(cursor: string | undefined): readonly [string, string] | undefined {
  return readCursor(cursor, orderKey, 'receiving.expected');
}
