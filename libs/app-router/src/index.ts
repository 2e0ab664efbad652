import { adjustmentsRouter } from '@wmsi/adjustments';
import { adminRouter, sessionRouter } from '@wmsi/admin';
import { documentsRouter } from '@wmsi/documents';
import { fulfillmentRouter } from '@wmsi/fulfillment';
import { itemsRouter } from '@wmsi/items';
import { receivingRouter } from '@wmsi/receiving';
import { syncRouter } from '@wmsi/sync';
import { authRouter, router } from '@wmsi/trpc';

/** The client API: one shallow router per domain, plus sync administration and the change stream. */
export const appRouter = router({
  items: itemsRouter,
  receiving: receivingRouter,
  fulfillment: fulfillmentRouter,
  adjustments: adjustmentsRouter,
  sync: syncRouter,
  /** Every kind of document by its number, and its history (the console's Documents screen). */
  documents: documentsRouter,
  /** Webhook keys and client tokens, as the command line manages them (admin tokens). */
  admin: adminRouter,
  /** Who the caller is. */
  session: sessionRouter,
  /** Stream tickets: how a change stream is opened without the token in its URL. */
  auth: authRouter,
});

/** The only thing clients import from the server: the API's shape, as a type. */
export type AppRouter = typeof appRouter;
