import { pingDb, type Database } from '@wmsi/db';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { GatewayMetrics } from '../metrics.js';

export async function healthRoutes(app: FastifyInstance, deps: { redis: Redis; db: Database; metrics: GatewayMetrics }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [redis, postgres] = await Promise.all([
      deps.redis.ping().then(() => 'ok', (error: Error) => `unreachable: ${error.message}`),
      pingDb(deps.db).then(() => 'ok', (error: Error) => `unreachable: ${error.message}`),
    ]);
    const ready = redis === 'ok' && postgres === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', redis, postgres });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
