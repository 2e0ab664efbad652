import { createNotificationChecker } from '@wmsi/contracts';
import { createDb } from '@wmsi/db';
import { createWebhookAuthenticator } from '@wmsi/intake';
import { connectForRequests, intakeKeys } from '@wmsi/queue';
import fastify from 'fastify';
import { buildApp } from '../../../apps/gateway/src/app.js';
import { createGatewayMetrics } from '../../../apps/gateway/src/metrics.js';
const mode = process.argv[2] ?? '';
if (mode === 'bare') {
  const app = fastify({ logger: false });
  app.post('/webhooks/acumatica/:topic', async (_r, reply) => reply.code(202).send({ accepted: true }));
  await app.listen({ port: 3951, host: '127.0.0.1' });
} else {
const db = createDb('postgres://127.0.0.1:5432/wmsi_manual');
const keys = intakeKeys('manual');
const redis = connectForRequests('redis://127.0.0.1:6379', () => {});
const realAuth = createWebhookAuthenticator({ db, redis, keys });
const realCheck = createNotificationChecker();
const app = await buildApp({
  authHeader: 'X-Api-Key', bodyLimit: 16 << 20,
  redis: mode.includes('noxadd') ? (new Proxy(redis, { get: (t, p) => p === 'xadd' ? async () => '1-0' : (t as any)[p] }) as any) : redis,
  db, keys,
  authenticate: mode.includes('noauth') ? async () => 'accepted' : realAuth,
  checkNotification: mode.includes('nocheck') ? ((_t: any, b: string) => { JSON.parse(b); return { ok: true, notification: { inserted: 1, deleted: 0 } }; }) as any : realCheck,
  metrics: createGatewayMetrics(),
});
await app.listen({ port: 3951, host: '127.0.0.1' });
}
