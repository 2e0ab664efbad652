import { followChangePages, NoLongerAllowed, pullChanges, ResyncRequired, startingPoint, type ChangeFilter, type PullRequest } from '@wmsi/change-feed';
import { findApiToken } from '@wmsi/db';
import { APP_ERROR_CODES, AppError, type Caller, type Context } from '@wmsi/trpc';
import { TRPCError } from '@trpc/server';

/** How often a stream checks that its token is still valid: a revoked token's streams end within this. */
const RECHECK_TOKEN_MS = 2_000;

/** The pages of changes one `sync.changes` stream follows, with the feed's errors in the API's words. */
export async function* changeFollower(
  ctx: Context & { caller: Caller },
  input: ChangeFilter & { lastEventId?: string; pageSize?: number },
  signal: AbortSignal | undefined,
) {
  const deps = {
    db: ctx.db,
    tail: ctx.changes,
    pageSize: input.pageSize,
    recheckMs: RECHECK_TOKEN_MS,
    stillAllowed: async () => {
      const token = await findApiToken(ctx.db, ctx.caller.tokenId);
      return token !== undefined && token.revoked_at === null;
    },
  };
  try {
    const from = await startingPoint(deps, input.lastEventId);
    yield* followChangePages(deps, { topics: input.topics, warehouse: input.warehouse, document: input.document }, from, signal);
  } catch (error) {
    throw inApiWords(error);
  }
}

export async function pullPage(ctx: Context, input: PullRequest) {
  try {
    return await pullChanges({ db: ctx.db, tail: ctx.changes }, input);
  } catch (error) {
    throw inApiWords(error);
  }
}

/** Errors thrown while a subscription streams skip the procedures' middleware: mapped here. */
function inApiWords(error: unknown): unknown {
  if (error instanceof ResyncRequired) {
    const cause = new AppError('RESYNC_REQUIRED', error.message);
    return new TRPCError({ code: APP_ERROR_CODES.RESYNC_REQUIRED, message: error.message, cause });
  }
  if (error instanceof NoLongerAllowed) return new TRPCError({ code: 'UNAUTHORIZED', message: error.message });
  return error;
}
