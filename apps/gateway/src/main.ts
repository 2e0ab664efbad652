import { extname } from 'node:path';
import { readRetentionStats } from '@wmsi/change-feed';
import { loadEnv, loggerOptions } from '@wmsi/config';
import { createNotificationChecker, loadColumnMapping } from '@wmsi/contracts';
import { createDb } from '@wmsi/db';
import { createWebhookAuthenticator, intakeBacklog } from '@wmsi/intake';
import {
  closeDomainQueues,
  connectForBackgroundWork,
  connectForRequests,
  intakeKeys,
  openDomainQueues,
  redisDurabilityWarnings,
  waitUntilReady,
} from '@wmsi/queue';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import type { DispatcherMessage } from './dispatcher-thread.js';
import { createGatewayMetrics } from './metrics.js';
import { readQueueDepths } from './queue-depths.js';
import { readAllTopicStatsList } from './topic-stats.js';
import { startTypeScriptWorker } from './typescript-worker.js';

const env = loadEnv();
const keys = intakeKeys(env.REDIS_PREFIX);
const db = createDb(env.DATABASE_URL, { applicationName: 'wmsi-gateway' });
// Connections report errors through the app's logger, which exists only once the app is built.
const started: { app?: Awaited<ReturnType<typeof buildApp>> } = {};
const logError = (what: string) => (error: unknown) => started.app?.log.error({ err: error }, what);

const requestRedis = connectForRequests(env.REDIS_URL, logError('redis (requests)'));
const queueRedis = connectForBackgroundWork(env.REDIS_URL, logError('redis (queues)'));
const queues = openDomainQueues(queueRedis, env.REDIS_PREFIX, env.QUEUE_PARTITIONS);

const metrics = createGatewayMetrics({
  readBacklog: async () => ({ ...(await intakeBacklog(requestRedis, keys)), queues: await readQueueDepths(queues) }),
  readTopicStats: () => readAllTopicStatsList(requestRedis, env.REDIS_PREFIX),
  readRetentionStats: () => readRetentionStats(requestRedis, env.REDIS_PREFIX),
  onReadError: (what, error) => started.app?.log.warn({ err: error }, `/metrics goes without the ${what} gauges: reading them failed`),
});

const gateway = await buildApp({
  logger: loggerOptions(env.LOG_LEVEL),
  authHeader: env.WEBHOOK_AUTH_HEADER,
  bodyLimit: env.WEBHOOK_BODY_LIMIT,
  bytesInFlight: env.WEBHOOK_BYTES_IN_FLIGHT,
  authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
  redis: requestRedis,
  db,
  keys,
  authenticate: createWebhookAuthenticator({ db, redis: requestRedis, keys }),
  checkNotification: createNotificationChecker(loadColumnMapping(env.COLUMN_MAPPING_FILE)),
  metrics,
});
started.app = gateway;

await waitUntilReady(requestRedis, 10_000).catch((error: Error) => gateway.log.warn(`${error.message}; webhooks answer 503 until Redis is reachable`));
for (const warning of await redisDurabilityWarnings(requestRedis).catch(() => [])) gateway.log.warn(warning);

// The thread's module sits beside this one: dispatcher-thread.ts in the source (npm run dev, tests),
// dispatcher-thread.js in the bundle (npm start, Docker).
const dispatcher = startTypeScriptWorker(new URL(`./dispatcher-thread${extname(import.meta.url)}`, import.meta.url), {
  // As the process's own heap (the start script's --max-semi-space-size=1 --max-old-space-size=512):
  // a young generation of 3 MB instead of V8's 48, and a ceiling on the old one, which makes V8
  // collect it at a fraction of what it lets it grow to without one. Measured at 1,000
  // notifications/s, peak RSS: 382 MB from source with V8's defaults, about 250 MB bundled, 140 to
  // 154 MB bundled with a 6 MB young generation, 143 MB with 3 MB (the intake bench's ratio to bare
  // Fastify unchanged, 0.21x). 512 MB still holds a few bodies of WEBHOOK_BODY_LIMIT in flight.
  resourceLimits: { maxYoungGenerationSizeMb: 3, maxOldGenerationSizeMb: 512 },
});
let dispatcherStopped: () => void = () => undefined;
dispatcher.on('message', (message: DispatcherMessage) => {
  if (message.type === 'stopped') return dispatcherStopped();
  if (message.type === 'error') return gateway.log.error(`intake dispatcher: ${message.message}`);
  metrics.dispatched.inc({ queue: message.domain }, message.count);
  metrics.dispatchLagSeconds.observe(Math.max(0, Date.now() - Date.parse(message.oldestAcceptedAt)) / 1000);
});
dispatcher.on('error', (error) => gateway.log.error({ err: error }, 'intake dispatcher thread failed'));

closeWithGrace({ delay: 10_000, logger: gateway.log }, async ({ signal, err }) => {
  if (err) gateway.log.error({ err }, 'stopping after an unexpected error');
  else gateway.log.info(`${signal}: finishing in-flight requests`);
  // Stop taking requests and finish those in flight first, then the dispatcher's batch in hand.
  // A keep-alive connection that turns idle after close began would hold the server open until
  // its timeout, so idle connections are closed as they appear.
  const sweepIdle = setInterval(() => gateway.server.closeIdleConnections(), 100);
  await gateway.close();
  clearInterval(sweepIdle);
  // The thread finishes its batch in hand and closes its connections; whatever it has not moved
  // stays in the intake stream for the next dispatcher, so ending the thread after that is safe.
  const stopped = new Promise<boolean>((resolve) => {
    dispatcherStopped = () => resolve(true);
    setTimeout(() => resolve(false), 5_000).unref();
  });
  dispatcher.postMessage('stop');
  if (!(await stopped)) gateway.log.warn('intake dispatcher did not stop within 5 s; ending its thread');
  await dispatcher.terminate();
  await closeDomainQueues(queues);
  await Promise.all([requestRedis.quit(), queueRedis.quit()].map((quit) => quit.catch(() => undefined)));
  await db.destroy();
  gateway.log.info('stopped');
});

await gateway.listen({ host: env.GATEWAY_HOST, port: env.GATEWAY_PORT });
gateway.log.info(`Acumatica webhooks: ${env.PUBLIC_URL}/webhooks/acumatica/<topic> (header ${env.WEBHOOK_AUTH_HEADER})`);
