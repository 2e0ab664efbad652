import { changesChannel, type ChangeEvent } from '@wmsi/changes';
import type { ChangeSource } from '@wmsi/trpc';
import type { Redis } from 'ioredis';

export interface ChangeFeed extends ChangeSource {
  /** Resolves once the subscription to the workers' channel is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The changes every worker publishes, fanned out to this API process's subscribers: one Redis
 * subscription per process however many clients follow `sync.changes`, and any number of API
 * processes behind a load balancer each get every change.
 */
export function createRedisChangeFeed(subscriber: Redis, prefix: string, onError: (error: unknown) => void): ChangeFeed {
  const channel = changesChannel(prefix);
  const listeners = new Set<(events: readonly ChangeEvent[]) => void>();
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let events: ChangeEvent[];
    try {
      events = JSON.parse(message) as ChangeEvent[];
    } catch (error) {
      onError(error);
      return;
    }
    for (const listener of listeners) listener(events);
  });
  const ready = subscriber.subscribe(channel).then(() => undefined);
  return {
    ready,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await subscriber.unsubscribe(channel).catch(() => undefined);
      subscriber.disconnect();
    },
  };
}
