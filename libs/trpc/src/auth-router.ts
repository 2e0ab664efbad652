import { issueStreamTicket } from './tokens.js';
import { readProcedure, router } from './trpc.js';

/** How a client that holds a token opens a change stream without putting the token in a URL. */
export const authRouter = router({
  /**
   * A short-lived, single-use ticket for one `sync.changes` (or `sync.changeBatches`) connection:
   * present it as the connection parameter `ticket`. Every role may have one.
   */
  streamTicket: readProcedure.mutation(({ ctx }) => issueStreamTicket(ctx.redis, ctx.prefix, ctx.caller)),
});
