import underPressure from '@fastify/under-pressure';
import fastify, { LogController, type FastifyServerOptions } from 'fastify';
import { healthRoutes } from './routes/health.js';
import { webhookRoutes, type WebhookDeps } from './routes/webhooks.js';

export type GatewayDeps = WebhookDeps & {
  logger?: FastifyServerOptions['logger'];
  /** When the event loop lags this much, requests get 503 + Retry-After instead of waiting. */
  overload?: { maxEventLoopDelayMs: number; sampleIntervalMs: number };
};

/**
 * The gateway as a Fastify instance, built from its dependencies; main.ts wires real connections,
 * tests wire their own (own database, own key prefix) and use app.inject or a real port.
 */
export async function buildApp(deps: GatewayDeps) {
  const app = fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit,
    // Acumatica's bursts would put a log line per request on the hot path; refusals and failures
    // are logged where they happen instead.
    logController: new LogController({ disableRequestLogging: true }),
  });

  // An overloaded process answers 503 + Retry-After instead of timing out: Acumatica resends later.
  const overload = deps.overload ?? { maxEventLoopDelayMs: 2_000, sampleIntervalMs: 1_000 };
  await app.register(underPressure, {
    maxEventLoopDelay: overload.maxEventLoopDelayMs,
    sampleInterval: overload.sampleIntervalMs,
    retryAfter: 5,
    pressureHandler: (_request, reply, type, value) => {
      reply.header('retry-after', '5');
      reply.code(503).send({ error: 'overloaded', message: `WMSi is overloaded (${type} ${value}); resend later.` });
    },
  });
  await app.register(healthRoutes, { redis: deps.redis, db: deps.db, metrics: deps.metrics });
  await app.register(webhookRoutes, deps);
  return app;
}
