import { appRouter } from '@wmsi/app-router';
import { pingDb } from '@wmsi/db';
import { bearerToken, createContextInner, perTokenRateLimit, refuseMalformedSubscriptions, requestIdOf, verifyToken, type ApiDeps } from '@wmsi/trpc';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import fastify, { LogController, type FastifyServerOptions } from 'fastify';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { serveConsole } from './console.js';

export interface ApiOptions {
  deps: ApiDeps;
  logger?: FastifyServerOptions['logger'];
  rateLimitPerMinute: number;
  /** The console's build, served at `/` (see console.ts); none: the API alone. */
  consoleDir?: string;
}

/**
 * The client API: tRPC at /trpc (queries, handheld actions, the `sync.changes` SSE stream), behind
 * bearer-token auth and a per-token rate limit, plus /healthz, /readyz and /metrics.
 */
export async function buildApi({ deps, logger = false, rateLimitPerMinute, consoleDir }: ApiOptions) {
  // No per-request logs: a subscription's URL carries its token as a connection parameter.
  const app = fastify({ logger, logController: new LogController({ disableRequestLogging: true }), routerOptions: { maxParamLength: 5_000 } });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const calls = new Counter({
    name: 'wmsi_api_calls_total',
    help: 'Client API calls, per procedure path and outcome.',
    labelNames: ['path', 'outcome'],
    registers: [registry],
  });

  const admitCall = perTokenRateLimit(deps.redis, deps.prefix, rateLimitPerMinute);

  // tRPC would answer 200 and put the error in the stream: a malformed subscription input gets 400.
  app.addHook('preHandler', refuseMalformedSubscriptions(appRouter, '/trpc'));
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      async createContext({ req, info }) {
        // Browsers' EventSource cannot set headers: subscriptions may carry the token as a
        // connection parameter instead.
        const token = bearerToken(req.headers.authorization) ?? info.connectionParams?.token;
        const caller = token === undefined ? null : await verifyToken(deps.db, token);
        return createContextInner({ ...deps, admitCall }, caller);
      },
      onError({ path, error }) {
        calls.inc({ path: path ?? 'unknown', outcome: error.code });
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error, path, requestId: requestIdOf(error) }, 'procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<typeof appRouter>['trpcOptions'],
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/trpc') && reply.statusCode < 400) {
      const path = request.url.slice('/trpc/'.length).split('?')[0];
      calls.inc({ path, outcome: 'OK' });
    }
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_, reply) => {
    const [postgres, redis] = await Promise.all([
      pingDb(deps.db).then(() => true, () => false),
      deps.redis.ping().then(() => true, () => false),
    ]);
    return reply.code(postgres && redis ? 200 : 503).send({ postgres, redis });
  });
  app.get('/metrics', async (_, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  if (consoleDir !== undefined) await serveConsole(app, consoleDir);
  return app;
}
