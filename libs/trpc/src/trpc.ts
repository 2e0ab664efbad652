import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { Context } from './context.js';
import { APP_ERROR_CODES, AppError } from './errors.js';
import type { Role } from './tokens.js';

/** Field messages from a zod error: `{ "qty": ["Too small: expected number to be >0"] }`. */
function fieldErrors(error: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) (fields[issue.path.join('.') || '(input)'] ??= []).push(issue.message);
  return fields;
}

// The one initTRPC of the backend. superjson carries Dates (appliedAt, removedAt) as Dates.
const t = initTRPC.context<Context>().create({
  transformer: superjson,
  sse: { ping: { enabled: true, intervalMs: 15_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        fieldErrors: cause instanceof ZodError ? fieldErrors(cause) : null,
        appCode: cause instanceof AppError ? cause.code : null,
        details: cause instanceof AppError ? cause.details : null,
        // Never a server stack trace to a client.
        stack: undefined,
      },
    };
  },
});

/** App errors thrown in a resolver become their tRPC code, with the app code kept for the client. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: APP_ERROR_CODES[cause.code], message: cause.message, cause });
  }
  return result;
});

const authenticated = t.procedure.use(appErrors).use(async ({ ctx, next }) => {
  if (ctx.caller === null) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'A valid bearer token is required' });
  if (ctx.admitCall !== undefined && !(await ctx.admitCall(ctx.caller))) {
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'Too many calls with this token; try again in a minute' });
  }
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

function forRoles(...roles: Role[]) {
  return authenticated.use(({ ctx, next }) => {
    if (!roles.includes(ctx.caller.role)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Only ${roles.join(' or ')} tokens may do this` });
    }
    return next();
  });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Queries: every role. */
export const readProcedure = authenticated;
/** Handheld actions (receive, pick, count): handheld and admin tokens. */
export const handheldProcedure = forRoles('handheld', 'admin');
/** Desktop work: desktop and admin tokens. */
export const desktopProcedure = forRoles('desktop', 'admin');
/** Sync administration (quarantine, replay): admin tokens. */
export const adminProcedure = forRoles('admin');
