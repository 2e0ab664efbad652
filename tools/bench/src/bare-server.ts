import fastify from 'fastify';

/**
 * The yardstick: a bare Fastify JSON-POST route that parses the body with Fastify's default JSON
 * parser and answers 202, doing nothing else. The gateway is measured against it in the same run.
 */
const port = Number(process.argv[2] ?? 0);
const app = fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
app.post('/webhooks/acumatica/:topic', async (request, reply) => {
  const body = request.body as { Id?: string };
  return reply.code(202).send({ accepted: true, id: body.Id ?? null });
});
// How the bench knows it is up, as it knows the gateway is.
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
