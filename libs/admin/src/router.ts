import { TOPICS } from '@wmsi/contracts';
import { adminProcedure, readProcedure, ROLES, router } from '@wmsi/trpc';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createKey, listKeys, revokeKey } from './keys.js';
import { createToken, listTokens, revokeTokenById } from './tokens.js';

const keyId = z.string().trim().regex(/^ak_[0-9a-f]{10}$/, 'a key id looks like ak_1b6d813ad1');
const tokenId = z.string().trim().regex(/^wt_[0-9a-f]{10}$/, 'a token id looks like wt_1b6d813ad1');

/** What `npm run wmsi -- keys ...` and `tokens ...` do, for an admin in the console. */
export const adminRouter = router({
  keys: router({
    list: adminProcedure.query(({ ctx }) => listKeys(ctx)),
    /** A new webhook key; the answer carries Address, Header Name and Header Value, shown once. */
    create: adminProcedure
      .input(z.object({ topic: z.enum(TOPICS), label: z.string().trim().min(1).max(200).optional() }))
      .mutation(({ ctx, input }) => createKey(ctx, input.topic, input.label ?? null)),
    revoke: adminProcedure.input(z.object({ id: keyId })).mutation(({ ctx, input }) => revokeKey(ctx, input.id)),
  }),
  tokens: router({
    list: adminProcedure.query(({ ctx }) => listTokens(ctx.db)),
    /** A new client token; the answer carries the token itself, shown once. */
    create: adminProcedure
      .input(z.object({ role: z.enum(ROLES), name: z.string().trim().min(1).max(200) }))
      .mutation(({ ctx, input }) => createToken(ctx.db, input.role, input.name)),
    revoke: adminProcedure.input(z.object({ id: tokenId })).mutation(({ ctx, input }) => {
      // Revoking the token in hand would sign the admin out in the middle of the screen.
      if (input.id === ctx.caller.tokenId) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'This is the token you are signed in with: sign in with another admin token to revoke it' });
      }
      return revokeTokenById(ctx.db, input.id);
    }),
  }),
});

/** Who the signed-in token is: the console shows the screens of its role. */
export const sessionRouter = router({
  me: readProcedure.query(({ ctx }) => ({ tokenId: ctx.caller.tokenId, role: ctx.caller.role, name: ctx.caller.name })),
});
