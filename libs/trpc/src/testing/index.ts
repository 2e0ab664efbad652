import { startChangeTail } from '@wmsi/change-feed';
import type { ChangesTestbed } from '@wmsi/changes/testing';
import { loadEnv } from '@wmsi/config';
import { createNotificationChecker } from '@wmsi/contracts';
import { connectForBackgroundWork, intakeKeys, openDomainQueues, closeDomainQueues } from '@wmsi/queue';
import type { AnyRouter } from '@trpc/server';
import type { ApiDeps } from '../context.js';
import { createContextInner } from '../context.js';
import { issueToken, type Caller, type Role } from '../tokens.js';
import { createCallerFactory } from '../trpc.js';

/**
 * Procedures called through `createCaller` on the stores of a changes testbed (real PostgreSQL
 * filled by the real write engine, real Redis, and a real change tail following the log):
 * `as(role)` issues a real token of that role.
 */
export function createRouterTestbed<TRouter extends AnyRouter>(bed: ChangesTestbed, appRouter: TRouter) {
  const queues = openDomainQueues(bed.redis, bed.prefix);
  const tail = startChangeTail({
    db: bed.db,
    subscriber: connectForBackgroundWork(loadEnv().REDIS_URL, () => undefined),
    prefix: bed.prefix,
    pollMs: 50,
    onError: () => undefined,
  });
  const deps: ApiDeps = {
    db: bed.db,
    redis: bed.redis,
    prefix: bed.prefix,
    intake: intakeKeys(bed.prefix),
    queues,
    changes: tail,
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
    close: async () => {
      await tail.close();
      await closeDomainQueues(queues);
    },
  };
}
