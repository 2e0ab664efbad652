import { appRouter } from '@wmsi/app-router';
import { pingDb } from '@wmsi/db';
import { createContextInner, perTokenRateLimit, refuseMalformedSubscriptions, requestIdOf, type ApiDeps } from '@wmsi/trpc';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import fastify, { LogController, type FastifyServerOptions } from 'fastify';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { procedureLabel, procedureLabels } from './call-metrics.js';
import { resolveCallers } from './callers.js';
import { serveConsole } from './console.js';

export interface ApiOptions {
  deps: ApiDeps;
  logger?: FastifyServerOptions['logger'];
  rateLimitPerMinute: number;
  /** Failed token lookups per client address per minute (AUTH_FAILURES_PER_MINUTE); past it, 429. */
  authFailuresPerMinute?: number;
  /** The console's build, served at `/` (see console.ts); none: the API alone. */
  consoleDir?: string;
}

/**
 * The client API: tRPC at /trpc (queries, handheld actions, the `sync.changes` SSE stream), behind
 * bearer-token auth and a per-token rate limit, plus /healthz, /readyz and /metrics.
 */
export async function buildApi({ deps, logger = false, rateLimitPerMinute, authFailuresPerMinute = 30, consoleDir }: ApiOptions) {
  // No per-request logs: a stream's URL carries its (single-use) ticket as a connection parameter.
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
  const { callerOf } = await resolveCallers(app, deps, authFailuresPerMinute);

  // tRPC would answer 200 and put the error in the stream: a malformed subscription input gets 400.
  app.addHook('preHandler', refuseMalformedSubscriptions(appRouter, '/trpc'));
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      // The caller was decided before the body was read (callers.ts).
      createContext: ({ req }) => createContextInner({ ...deps, admitCall }, callerOf(req)),
      onError({ path, error }) {
        calls.inc({ path: procedureLabel(path), outcome: error.code });
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error, path, requestId: requestIdOf(error) }, 'procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<typeof appRouter>['trpcOptions'],
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/trpc/') && reply.statusCode < 400) {
      for (const path of procedureLabels(request.url)) calls.inc({ path, outcome: 'OK' });
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
