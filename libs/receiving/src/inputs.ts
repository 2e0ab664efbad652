import { TRPCError } from '@trpc/server';
import { decodeCursor } from '@wmsi/trpc';
import { z } from 'zod';

/**
 * An ERP identifier as a scanner sends it: trimmed (Acumatica pads keys with spaces) and bounded,
 * with room beyond Acumatica's longest key (30 characters) for a renamed label.
 */
export const erpId = z.string().trim().min(1).max(50);

/** Acumatica line numbers are positive and fit the `integer` column. */
export const lineNbr = z.number().int().min(1).max(2_147_483_647);

/** A client's id of one tap (a UUID, say): a retry with it books nothing more. */
export const operationId = z.string().trim().min(1).max(100);

/** One scan's quantity: positive, and no single scan books a million. */
export const scanQty = z.number().positive().max(1_000_000);

/** The (order_type, order_nbr) a page cursor stands for; a cursor that is not one is a bad request. */
export function afterOrderKey(cursor: string | undefined): readonly [string, string] | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor);
  if (key === undefined || key.length !== 2 || !key.every((part) => typeof part === 'string')) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Not a cursor this list returned' });
  }
  return [key[0] as string, key[1] as string];
}
