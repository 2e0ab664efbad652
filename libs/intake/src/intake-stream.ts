import type { Topic } from '@wmsi/contracts';
import type { AcceptedNotification, IntakeKeys } from '@wmsi/queue';
import type { Redis } from 'ioredis';

/** One accepted webhook request, as the durable intake keeps it until it is on its domain queue. */
export type IntakeEntry = AcceptedNotification;

/**
 * Stores an accepted notification durably: once this resolves, the body is in Redis (and in its
 * AOF, as the README recommends) and the gateway may answer 202. One XADD, auto-pipelined with the
 * other requests in flight, is the whole cost on the request path; the fan-out to the domain queues
 * happens later in the dispatcher. The body is kept as sent rather than re-serialized (pass the
 * received bytes: no re-encoding): it is the exact record, and its reader is deterministic, so the
 * workers read it again at no risk.
 */
/** `route`: the notification's first document (see the checker), by which the dispatcher picks its partition. */
export async function appendToIntake(redis: Redis, keys: IntakeKeys, topic: Topic, body: string | Buffer, route?: string | null): Promise<string> {
  const routing = route === undefined || route === null ? [] : ['route', route];
  const id = await redis.xadd(keys.stream, '*', 'topic', topic, 'acceptedAt', new Date().toISOString(), ...routing, 'body', body);
  if (!id) throw new Error('Redis did not store the intake entry');
  return id;
}

/** Turns XREADGROUP / XAUTOCLAIM entries ([id, [field, value, ...]]) into intake entries. */
export function readIntakeEntries(raw: Array<[string, string[]]>): IntakeEntry[] {
  return raw.map(([intakeId, fields]) => {
    const entry: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i] as string] = fields[i + 1] as string;
    const routed = entry['route'] === undefined ? {} : { route: entry['route'] };
    return { intakeId, topic: entry['topic'] ?? '', acceptedAt: entry['acceptedAt'] ?? '', body: entry['body'] ?? '', ...routed };
  });
}

/** How much is accepted but not yet on a domain queue, and since when (entry ids carry their time). */
export async function intakeBacklog(redis: Redis, keys: IntakeKeys): Promise<{ intakeLength: number; oldestAcceptedMs: number | null }> {
  const [intakeLength, first] = await Promise.all([redis.xlen(keys.stream), redis.xrange(keys.stream, '-', '+', 'COUNT', 1)]);
  const firstId = first[0]?.[0];
  return { intakeLength, oldestAcceptedMs: firstId ? Number(firstId.split('-')[0]) : null };
}
