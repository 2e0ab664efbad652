import { isTopic, type NotificationChecker, type Topic } from '@wmsi/contracts';
import { quarantineBody, type Database } from '@wmsi/db';
import { appendToIntake, type KeyCheck, type WebhookAuthenticator } from '@wmsi/intake';
import type { IntakeKeys } from '@wmsi/queue';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { GatewayMetrics } from '../metrics.js';

export interface WebhookDeps {
  authHeader: string;
  bodyLimit: number;
  redis: Redis;
  db: Database;
  keys: IntakeKeys;
  authenticate: WebhookAuthenticator;
  /** Refuses exactly what the workers' reader would refuse; builds nothing (the body is stored as sent). */
  checkNotification: NotificationChecker;
  metrics: GatewayMetrics;
}

type WebhookRequest = FastifyRequest<{ Params: { topic: string } }>;

/** Seconds Acumatica (or any client) is asked to wait before resending after a 503. */
const RETRY_AFTER_SECONDS = 5;

const keyRefusals: Record<Exclude<KeyCheck, 'accepted'>, string> = {
  missing: 'missing API key',
  malformed: 'wrong API key',
  unknown: 'wrong or revoked API key',
  'wrong-secret': 'wrong API key',
  'other-topic': 'this API key was issued for another topic',
};

/**
 * POST /webhooks/acumatica/:topic. The order of checks is the order of cost: unknown topic and
 * missing key at once, size and media type while the body arrives (with the key looked up
 * meanwhile), the key's verdict before the body is parsed, then one exact parse and check, then one
 * XADD. 202 is sent only after Redis has stored the notification; anything that could not be stored
 * gets a 503 so Acumatica sends it again.
 */
export async function webhookRoutes(app: FastifyInstance, deps: WebhookDeps): Promise<void> {
  const { metrics } = deps;
  const headerName = deps.authHeader.toLowerCase();

  // Only JSON, read as raw bytes: the body is parsed exactly once, by the exact checker, stored as
  // received, and a body that fails is quarantined byte for byte.
  app.removeAllContentTypeParsers();
  for (const mediaType of ['application/json', /^application\/[\w.+-]+\+json$/]) {
    app.addContentTypeParser(mediaType, { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_request, body, done) => done(null, body));
  }

  app.setErrorHandler((error: FastifyError, request: WebhookRequest, reply) => {
    const topic = request.params.topic;
    if (error.statusCode === 413) return refuse(reply, topic, 413, 'body-too-large', `The body is over the limit of ${deps.bodyLimit} bytes.`);
    if (error.statusCode === 415) return refuse(reply, topic, 415, 'not-json', 'Send the notification as application/json.');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return refuse(reply, topic, error.statusCode, 'bad-request', error.message);
    }
    // Redis or PostgreSQL unreachable, or anything unforeseen: nothing was acknowledged, so asking
    // for a resend loses nothing.
    request.log.error({ err: error }, 'webhook request could not be stored');
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return refuse(reply, topic, 503, 'unavailable', 'WMSi could not store the notification right now; it will be accepted when resent.');
  });

  const refuse = (reply: FastifyReply, topic: string, status: number, reason: string, message: string, extra: object = {}) => {
    metrics.rejected.inc({ topic: isTopic(topic) ? topic : 'unknown', reason });
    return reply.code(status).send({ error: reason, message, ...extra });
  };

  // The key is looked up in Redis while the body arrives; the body is read only once the answer
  // is in, so nothing from a stranger is parsed or quarantined. A lookup that fails (Redis down)
  // is held as its error until then, to become a 503.
  const keyChecks = new WeakMap<FastifyRequest, Promise<KeyCheck | Error>>();
  const unauthorized = (reply: FastifyReply, topic: string, check: Exclude<KeyCheck, 'accepted'>) =>
    refuse(reply, topic, 401, 'unauthorized', `${keyRefusals[check]} (header ${deps.authHeader}).`);

  app.addHook('onRequest', async (request: WebhookRequest, reply) => {
    const { topic } = request.params;
    if (!isTopic(topic)) return refuse(reply, topic, 404, 'unknown-topic', `Unknown topic "${topic}".`);
    metrics.received.inc({ topic });
    const presented = request.headers[headerName];
    if (typeof presented !== 'string' || presented.trim() === '') return unauthorized(reply, topic, 'missing');
    keyChecks.set(request, deps.authenticate(topic, presented.trim()).catch((error: Error) => error));
    return undefined;
  });

  app.addHook('preValidation', async (request: WebhookRequest, reply) => {
    const check = await keyChecks.get(request);
    if (check instanceof Error) throw check;
    if (check !== 'accepted') return unauthorized(reply, request.params.topic, check ?? 'missing');
    return undefined;
  });

  app.post('/webhooks/acumatica/:topic', async (request: WebhookRequest, reply) => {
    const started = process.hrtime.bigint();
    const topic = request.params.topic as Topic;
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const text = body.toString('utf8');
    const outcome = deps.checkNotification(topic, text);

    if (!outcome.ok) {
      const { id } = await quarantineBody(deps.db, {
        topic,
        reason: outcome.reason,
        message: outcome.message,
        issues: outcome.issues,
        rawBody: body,
        contentType: request.headers['content-type'] ?? null,
        ...bestEffortIdentity(body),
      });
      request.log.warn({ topic, reason: outcome.reason, quarantineId: id }, outcome.message);
      return refuse(reply, topic, outcome.status, outcome.reason, outcome.message, { issues: outcome.issues, quarantineId: id });
    }

    const { notification } = outcome;
    if (notification.inserted === 0 && notification.deleted === 0) {
      metrics.empty.inc({ topic });
      return reply.code(202).send({ accepted: true, intakeId: null, note: 'no rows: nothing to do' });
    }
    const intakeId = await appendToIntake(deps.redis, deps.keys, topic, body, outcome.route);
    metrics.accepted.inc({ topic });
    metrics.ackSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return reply.code(202).send({ accepted: true, intakeId });
  });
}

/** Query and Id of a body that failed validation, when they can still be read, to find it later. */
function bestEffortIdentity(body: Buffer): { query: string | null; notificationId: string | null } {
  const text = body.subarray(0, 1_000_000).toString('utf8');
  const field = (name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"\\\\]{1,200})"`).exec(text)?.[1] ?? null;
  return { query: field('Query'), notificationId: field('Id') };
}
