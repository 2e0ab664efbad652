import { readRetentionStats } from '@wmsi/change-feed';
import { TOPICS, createNotificationChecker, type Topic } from '@wmsi/contracts';
import { createWebhookAuthenticator, intakeBacklog, issueApiKey, readIntakeEntries } from '@wmsi/intake';
import { createIntakeTestbed, type IntakeTestbed } from '@wmsi/intake/testing';
import { buildApp, type GatewayDeps } from '../app.js';
import { createGatewayMetrics } from '../metrics.js';
import { readQueueDepths } from '../queue-depths.js';
import { readAllTopicStatsList } from '../topic-stats.js';

/** A gateway on a testbed of its own (fresh database, own Redis prefix) with one key per topic. */
export async function startTestGateway(
  options: {
    bodyLimit?: number;
    redisUrl?: string;
    overload?: GatewayDeps['overload'];
    quarantineDb?: GatewayDeps['db'];
    bytesInFlight?: number;
    /** Tests post many wrong keys on purpose: unlimited unless a test is about the limit. */
    authFailuresPerMinute?: number;
    /** Told of every key lookup that reaches the authenticator (to see which requests cost one). */
    onKeyLookup?: () => void;
  } = {},
) {
  const bed: IntakeTestbed = await createIntakeTestbed({ redisUrl: options.redisUrl });
  const apiKeys = {} as Record<Topic, string>;
  for (const topic of TOPICS) apiKeys[topic] = (await issueApiKey(bed.stores, topic)).key;
  // Read the same way as main.ts does, so tests see what a real scrape shows.
  const metrics = createGatewayMetrics({
    readBacklog: async () => ({ ...(await intakeBacklog(bed.redis, bed.keys)), queues: await readQueueDepths(bed.queues) }),
    readTopicStats: () => readAllTopicStatsList(bed.redis, bed.prefix),
    readRetentionStats: () => readRetentionStats(bed.redis, bed.prefix),
  });
  const app = await buildApp({
    authHeader: 'X-Api-Key',
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    redis: bed.redis,
    db: options.quarantineDb ?? bed.db,
    keys: bed.keys,
    authenticate: ((authenticate) => (topic: Topic, presented: string | undefined) => {
      options.onKeyLookup?.();
      return authenticate(topic, presented);
    })(createWebhookAuthenticator(bed.stores)),
    checkNotification: createNotificationChecker(),
    metrics,
    overload: options.overload,
    bytesInFlight: options.bytesInFlight,
    authFailuresPerMinute: options.authFailuresPerMinute ?? 1_000_000,
  });

  const post = (topic: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `/webhooks/acumatica/${topic}`,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKeys[topic as Topic] ?? '', ...headers },
      payload: body,
    });

  /** Every notification stored in the intake stream, oldest first. */
  const storedEntries = async () => {
    return readIntakeEntries(await bed.background.xrange(bed.keys.stream, '-', '+'));
  };

  return {
    app,
    bed,
    apiKeys,
    metrics,
    post,
    storedEntries,
    close: async () => {
      await app.close();
      await bed.cleanup();
    },
  };
}

export type TestGateway = Awaited<ReturnType<typeof startTestGateway>>;
