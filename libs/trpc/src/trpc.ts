import { randomUUID } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, ZodRealError } from 'zod';
import type { Context } from './context.js';
import { APP_ERROR_CODES, AppError } from './errors.js';
import { inputProblem } from './inputs.js';
import type { Role } from './tokens.js';
import { apiTransformer, UNSAFE_KEYS } from './transformer.js';

/** The name of the field an issue is about, as fieldErrors keys it: `filter.reason`, `(input)`, and `(input).<name>` for a name superjson refuses. */
export function fieldName(path: readonly PropertyKey[]): string {
  const name = path.map(String).join('.');
  return name === '' ? '(input)' : UNSAFE_KEYS.has(name) ? `(input).${name}` : name;
}

/** Field messages from a zod error: `{ "qty": ["Too small: expected number to be >0"] }`. */
function fieldErrors(error: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) (fields[fieldName(issue.path)] ??= []).push(issue.message);
  return fields;
}

/** One line naming each field and what is wrong with it: `limit: Too big: expected number to be <=200`. */
function fieldMessage(fields: Record<string, string[]>): string {
  const text = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
    .join('; ');
  return `Invalid input: ${text.length > 1_000 ? `${text.slice(0, 1_000)}…` : text}`;
}

const requestIds = new WeakMap<object, string>();

/**
 * The id under which an internal error is logged and answered: the same for the same error,
 * whichever asks first (the API's onError logs it, the error formatter answers it).
 */
export function requestIdOf(error: object): string {
  let id = requestIds.get(error);
  if (id === undefined) requestIds.set(error, (id = randomUUID()));
  return id;
}

// The one initTRPC of the backend. superjson carries Dates (appliedAt, removedAt) as Dates; plain
// JSON (the change feed) skips its walk (see transformer.ts).
const t = initTRPC.context<Context>().create({
  transformer: apiTransformer,
  sse: { ping: { enabled: true, intervalMs: 15_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fields = cause instanceof ZodError ? fieldErrors(cause) : null;
    // An unexpected error's message is PostgreSQL's, Redis' or a bug's: it stays in the log, under
    // the request id the client gets instead.
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    const requestId = internal ? requestIdOf(error) : null;
    // Never a server stack trace to a client.
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal ? `Internal server error; the API log has the details under request id ${requestId}` : fields !== null ? fieldMessage(fields) : shape.message,
      data: {
        ...data,
        fieldErrors: fields,
        appCode: cause instanceof AppError ? cause.code : null,
        details: cause instanceof AppError ? cause.details : null,
        requestId,
      },
    };
  },
});

/**
 * Inputs no procedure takes, refused before zod and PostgreSQL see them: nesting deeper than any
 * input has, and U+0000 in a string (a `text` column cannot hold it), the field named.
 */
const boundedInput = t.middleware(async ({ getRawInput, next }) => {
  const problem = inputProblem(await getRawInput());
  if (problem !== undefined) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: problem.message,
      cause: new ZodRealError([{ code: 'custom', path: problem.path, message: problem.message, input: undefined }]),
    });
  }
  return next();
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
}).use(boundedInput);

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
