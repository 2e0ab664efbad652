import type { ChangeTail } from '@wmsi/change-feed';
import type { NotificationChecker } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import type { DomainQueues, IntakeKeys } from '@wmsi/queue';
import type { Redis } from 'ioredis';
import type { Caller } from './tokens.js';

/** What every procedure may use: the stores, never a global. */
export interface ApiDeps {
  db: Database;
  redis: Redis;
  prefix: string;
  intake: IntakeKeys;
  queues: DomainQueues;
  /** The change log as this process follows it: every `sync.changes` stream reads from it. */
  changes: ChangeTail;
  /** The gateway's check with the current column mapping: what a replay must pass. */
  checkNotification: NotificationChecker;
  /** What an integrator pastes into Acumatica with a new key (`admin.keys.create`); absent: unknown. */
  webhook?: { publicUrl: string; headerName: string };
  /** The per-token rate limit: false when the caller used up its calls for now. */
  admitCall?: (caller: Caller) => Promise<boolean>;
}

/** The context of one call: the dependencies and who is calling. Tests build it directly. */
export function createContextInner(deps: ApiDeps, caller: Caller | null) {
  return { ...deps, caller };
}

export type Context = ReturnType<typeof createContextInner>;
