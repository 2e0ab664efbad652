import { appRouter } from '@wmsi/app-router';
import { bearerToken, redeemStreamTicket, verifyToken, type ApiDeps, type Caller } from '@wmsi/trpc';
import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { getErrorShape, getHTTPStatusCodeFromError, transformTRPCResponse } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authFailureLimit } from './auth-failures.js';

/**
 * Who calls /trpc, decided in onRequest, before a byte of the body is read: a call's token comes
 * from its Authorization header, a change stream's from a stream ticket (`auth.streamTicket`) in
 * its connection parameters. A token in a URL (connection parameters or query) is refused unread:
 * URLs end up in proxies' logs. A mutation or stream without a valid token (or ticket) is answered
 * 401 here, a mutation's body unread; a query without one gets UNAUTHORIZED from its procedure.
 *
 * Failed lookups count against the client's address; past AUTH_FAILURES_PER_MINUTE its calls get
 * 429 + Retry-After without a lookup, so bad tokens cannot cost a PostgreSQL query each forever.
 */
export async function resolveCallers(app: FastifyInstance, deps: ApiDeps, authFailuresPerMinute: number) {
  const callers = new WeakMap<FastifyRequest, Caller | null>();
  const failures = await authFailureLimit(app, { redis: deps.redis, prefix: deps.prefix, perMinute: authFailuresPerMinute, app: 'api' });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/trpc/')) return undefined;
    const credential = credentialOf(request);
    if (credential === null) {
      callers.set(request, null);
    } else {
      const waitSeconds = await failures.exhausted(request);
      if (waitSeconds !== null) {
        reply.header('retry-after', String(waitSeconds));
        return refuse(request, reply, 'TOO_MANY_REQUESTS', 'Too many failed tokens from this address; try again later');
      }
      const caller =
        credential.kind === 'token'
          ? await verifyToken(deps.db, credential.value)
          : await redeemStreamTicket(deps.db, deps.redis, deps.prefix, credential.value);
      if (caller === null) await failures.failed(request);
      callers.set(request, caller);
    }
    // A stream refused with HTTP 401 rather than tRPC's error event: an EventSource that reconnects
    // by itself (with its spent ticket) stops there, and the client opens a new stream with a new
    // ticket and its last event id (@wmsi/client's retry).
    if (callers.get(request) === null && (request.method === 'POST' || isStream(request.url))) {
      return refuse(request, reply, 'UNAUTHORIZED', 'A valid bearer token (a stream: a valid stream ticket) is required');
    }
    return undefined;
  });

  return { callerOf: (request: FastifyRequest): Caller | null => callers.get(request) ?? null };
}

const STREAMS = new Set(
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
    .filter(([, procedure]) => procedure._def.type === 'subscription')
    .map(([path]) => path),
);

function isStream(url: string): boolean {
  return STREAMS.has(url.slice('/trpc/'.length).split('?')[0] ?? '');
}

type Credential = { kind: 'token' | 'ticket'; value: string };

/** The one credential a request presents, or null: none, or a token where it must not be. */
function credentialOf(request: FastifyRequest): Credential | null {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const params = connectionParams(query.connectionParams);
  if (params?.token !== undefined || query.token !== undefined) return null;
  const token = bearerToken(request.headers.authorization);
  if (token !== undefined) return { kind: 'token', value: token };
  const ticket = params?.ticket;
  return typeof ticket === 'string' ? { kind: 'ticket', value: ticket } : null;
}

function connectionParams(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A refusal in the very shape tRPC would have answered it, so clients read it as any error. */
function refuse(request: FastifyRequest, reply: FastifyReply, code: TRPC_ERROR_CODE_KEY, message: string) {
  const config = appRouter._def._config;
  const error = new TRPCError({ code, message });
  const paths = (request.url.slice('/trpc/'.length).split('?')[0] ?? '').split(',');
  const type = request.method === 'POST' ? 'mutation' : 'query';
  const shapes = paths.map((path) => ({ error: getErrorShape({ config, error, type, path, input: undefined, ctx: undefined }) }));
  const batched = (request.query as Record<string, unknown> | undefined)?.batch === '1';
  const body = transformTRPCResponse(config, batched ? shapes : shapes[0]!);
  return reply.code(getHTTPStatusCodeFromError(error)).type('application/json').send(JSON.stringify(body));
}
