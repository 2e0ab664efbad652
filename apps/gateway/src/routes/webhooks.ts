import { isTopic, type NotificationChecker, type Topic } from '@wmsi/contracts';
import { quarantineBody, type Database } from '@wmsi/db';
import { appendToIntake, type KeyCheck, type WebhookAuthenticator } from '@wmsi/intake';
import type { IntakeKeys } from '@wmsi/queue';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { authFailureLimit } from '../auth-failures.js';
import { announcedBodyBytes, createBodyBudget } from '../body-budget.js';
import type { GatewayMetrics } from '../metrics.js';
import { leaveBodyUnread } from '../unread-body.js';

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
  /** Body bytes this process reads at once (WEBHOOK_BYTES_IN_FLIGHT); past it, 503 + Retry-After. */
  bytesInFlight?: number;
  /** Failed key lookups per client address per minute (AUTH_FAILURES_PER_MINUTE); past it, 429. */
  authFailuresPerMinute?: number;
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
 * missing key at once, then the key's verdict (one Redis read) and room for the body in the
 * process's budget, all before a byte of the body is read, so a forged key or a flood of large
 * bodies costs a header read. Then size and media type while the body arrives, one exact parse and
 * check, one XADD. 202 is sent only after Redis has stored the notification; anything that could not
 * be stored gets a 503 so Acumatica sends it again.
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

  const unauthorized = (reply: FastifyReply, topic: string, check: Exclude<KeyCheck, 'accepted'>) =>
    refuse(reply, topic, 401, 'unauthorized', `${keyRefusals[check]} (header ${deps.authHeader}).`);
  const failures = await authFailureLimit(app, {
    redis: deps.redis,
    prefix: deps.keys.prefix,
    perMinute: deps.authFailuresPerMinute ?? 30,
    app: 'gateway',
  });
  const budget = createBodyBudget(Math.max(deps.bytesInFlight ?? 64 * 1024 * 1024, deps.bodyLimit));

  // Everything here runs before Fastify reads the body, so nothing from a stranger is buffered,
  // parsed or quarantined; a refusal leaves the body unread (see leaveBodyUnread).
  app.addHook('onRequest', async (request: WebhookRequest, reply) => {
    const refuseUnread = () => leaveBodyUnread(request.raw, reply.raw);
    const { topic } = request.params;
    if (!isTopic(topic)) {
      refuseUnread();
      return refuse(reply, topic, 404, 'unknown-topic', `Unknown topic "${topic}".`);
    }
    metrics.received.inc({ topic });
    const presented = request.headers[headerName];
    if (typeof presented !== 'string' || presented.trim() === '') {
      refuseUnread();
      return unauthorized(reply, topic, 'missing');
    }
    const waitSeconds = await failures.exhausted(request);
    if (waitSeconds !== null) {
      refuseUnread();
      reply.header('retry-after', String(waitSeconds));
      return refuse(reply, topic, 429, 'too-many-failures', 'Too many wrong API keys from this address; try again later.');
    }
    // A lookup that fails (Redis down) throws: the error handler answers 503.
    const check = await deps.authenticate(topic, presented.trim());
    if (check !== 'accepted') {
      await failures.failed(request);
      refuseUnread();
      return unauthorized(reply, topic, check);
    }
    const release = budget.reserve(announcedBodyBytes(request.headers['content-length'], deps.bodyLimit));
    if (release === null) {
      refuseUnread();
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return refuse(reply, topic, 503, 'busy', 'WMSi is reading as many bodies as it can hold right now; it will be accepted when resent.');
    }
    // 'close' comes once the response is done or the connection is gone, whichever happens.
    reply.raw.once('close', release);
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
