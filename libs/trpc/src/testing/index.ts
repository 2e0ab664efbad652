import type { ChangeEvent } from '@wmsi/changes';
import type { ChangesTestbed } from '@wmsi/changes/testing';
import { createNotificationChecker } from '@wmsi/contracts';
import { intakeKeys, openDomainQueues, closeDomainQueues } from '@wmsi/queue';
import type { AnyRouter } from '@trpc/server';
import type { ApiDeps, ChangeSource } from '../context.js';
import { createContextInner } from '../context.js';
import { issueToken, type Caller, type Role } from '../tokens.js';
import { createCallerFactory } from '../trpc.js';

/** An in-process change source a test feeds by hand (`emit`), for routers that only read. */
export function createLocalChangeSource(): ChangeSource & { emit(events: readonly ChangeEvent[]): void } {
  const listeners = new Set<(events: readonly ChangeEvent[]) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(events) {
      for (const listener of listeners) listener(events);
    },
  };
}

/**
 * Procedures called through `createCaller` on the stores of a changes testbed (real PostgreSQL
 * filled by the real change handlers, real Redis): `as(role)` issues a real token of that role.
 */
export function createRouterTestbed<TRouter extends AnyRouter>(bed: ChangesTestbed, appRouter: TRouter) {
  const queues = openDomainQueues(bed.redis, bed.prefix);
  const deps: ApiDeps = {
    db: bed.db,
    redis: bed.redis,
    prefix: bed.prefix,
    intake: intakeKeys(bed.prefix),
    queues,
    changes: createLocalChangeSource(),
    checkNotification: createNotificationChecker(),
  };
  type RouterCaller = ReturnType<TRouter['createCaller']>;
  const createCaller = (context: ReturnType<typeof createContextInner>) => createCallerFactory(appRouter)(context) as RouterCaller;
  const callers = new Map<Role, Caller>();
  return {
    deps,
    /** A caller with a fresh token of `role` (one per role per testbed). */
    as: async (role: Role): Promise<RouterCaller> => {
      let caller = callers.get(role);
      if (caller === undefined) {
        const { token: _token, ...issued } = await issueToken(bed.db, role, `test ${role}`);
        caller = issued;
        callers.set(role, caller);
      }
      return createCaller(createContextInner(deps, caller));
    },
    anonymous: (): RouterCaller => createCaller(createContextInner(deps, null)),
    close: () => closeDomainQueues(queues),
  };
}
