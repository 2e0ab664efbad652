import { hostname } from 'node:os';
import { z } from 'zod';

const MiB = 1024 * 1024;

/** "16MiB", "512KiB", "1048576": a size in bytes, as people write it in an .env file. */
const byteSize = z
  .string()
  .trim()
  .regex(/^\d+\s*(B|KB|KiB|MB|MiB)?$/i, 'expected bytes, e.g. 16777216 or 16MiB')
  .transform((text) => {
    const [, digits, unit = 'B'] = /^(\d+)\s*([a-z]*)$/i.exec(text) ?? [];
    const factor = /^k/i.test(unit) ? 1024 : /^m/i.test(unit) ? MiB : 1;
    return Number(digits) * factor;
  })
  .pipe(z.number().int().positive());

const port = z.coerce.number().int().min(0).max(65535);
const httpHeaderName = z.string().trim().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name');

/**
 * How many partitions a domain's queue has unless QUEUE_PARTITIONS says otherwise. One: on the
 * 2-core machine of the benchmark, once the dispatcher sized jobs by the load, 1 partition per domain
 * (4 transactions at once) made fewer and bigger jobs than 2 and took less CPU for the same rate
 * (see the README's "Scaling out"). Raise it with the cores and worker processes.
 */
export const DEFAULT_QUEUE_PARTITIONS = 1;

export const envSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://127.0.0.1:5432/wmsi'),
  /** One Redis server, or a Redis Cluster as `redis+cluster://` and one of its nodes. */
  REDIS_URL: z.url({ protocol: /^rediss?(\+cluster)?$/ }).default('redis://127.0.0.1:6379'),
  /** Every Redis key WMSi writes starts with this, so several installations (or test runs) share a server. */
  REDIS_PREFIX: z.string().trim().regex(/^[A-Za-z0-9_.-]+$/).default('wmsi'),
  GATEWAY_HOST: z.string().trim().min(1).default('0.0.0.0'),
  GATEWAY_PORT: port.default(3000),
  API_PORT: port.default(3001),
  API_HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** Client API calls allowed per token per minute, across all API processes (shared in Redis). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1_200),
  /** The address Acumatica posts to, printed by `keys create`; defaults to this host and GATEWAY_PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  PAIRING_WINDOW_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /**
   * Partitions of each domain's queue: a document's notifications go to one partition, and each
   * partition applies one job at a time across all worker processes, so this is how many jobs of a
   * domain run at once. Every process must use the same value. A worker refuses to start with a
   * lower value than before while the partitions beyond it still hold jobs.
   */
  QUEUE_PARTITIONS: z.coerce.number().int().min(1).max(64).default(DEFAULT_QUEUE_PARTITIONS),
  /**
   * How long a worker may go silent before its jobs are taken over: BullMQ's lock duration. A worker
   * that crashed mid-job has its job retried by another after about this long.
   */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Days a quarantined body is kept after it was last seen (a resend counts as seen). */
  QUARANTINE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  /**
   * Days a processed-notification mark is kept. Acumatica resends a failed notification for up to
   * 2 days (SM502000), and a resend must still find its mark to be skipped: at least 2.
   */
  PROCESSED_RETENTION_DAYS: z.coerce.number().int().min(2).max(3650).default(7),
  /** Days the change log and the document history are kept; a feed cursor older than that gets RESYNC_REQUIRED. */
  CHANGE_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often worker-maintenance runs the retention job (minutes). */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  WEBHOOK_AUTH_HEADER: httpHeaderName.default('X-Api-Key'),
  WEBHOOK_BODY_LIMIT: byteSize.default(16 * MiB),
  /**
   * Request bodies one gateway process reads at once, in bytes (by their Content-Length, or
   * WEBHOOK_BODY_LIMIT when it is not given). Past it a request gets 503 + Retry-After before a byte
   * of its body is read: memory stays bounded whatever arrives, and Acumatica resends.
   */
  WEBHOOK_BYTES_IN_FLIGHT: byteSize.default(64 * MiB),
  /**
   * Failed webhook key or API token lookups allowed per client address per minute (counted in
   * Redis, shared by all processes); past it that address gets 429 + Retry-After without a lookup.
   */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /** JSON file that maps canonical fields to the column captions of a customer's inquiries. */
  COLUMN_MAPPING_FILE: z.string().trim().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).refine((env) => env.WEBHOOK_BYTES_IN_FLIGHT >= env.WEBHOOK_BODY_LIMIT, {
  path: ['WEBHOOK_BYTES_IN_FLIGHT'],
  message: 'must be at least WEBHOOK_BODY_LIMIT, or a body of the largest size could never be read',
});

export type Env = z.infer<typeof envSchema> & { PUBLIC_URL: string };

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/**
 * Reads and validates the environment once. Every process calls this at start-up; nothing else in
 * the code base reads process.env. Empty strings count as "not set" so a blank line in an .env file
 * falls back to the default instead of failing.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const known = Object.keys(envSchema.shape);
  const relevant = Object.fromEntries(
    known.filter((name) => source[name] !== undefined && source[name] !== '').map((name) => [name, source[name]]),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    // The variable and what is wrong with it, never its value: a URL may carry a password, and
    // an error ends up in logs and terminals.
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return `  ${name}: ${withoutValue(issue.message, source[name])}`;
    });
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return { ...env, PUBLIC_URL: env.PUBLIC_URL ?? `http://${hostname()}:${env.GATEWAY_PORT}` };
}

/** A validation message with the offending value taken out, should a message ever quote it. */
function withoutValue(message: string, value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  return trimmed.length >= 3 ? message.split(trimmed).join('(its value)') : message;
}
