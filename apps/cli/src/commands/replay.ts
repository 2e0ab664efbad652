import type { NotificationChecker } from '@wmsi/contracts';
import { replayQuarantined } from '@wmsi/sync';
import { AppError } from '@wmsi/trpc';
import type { KeyStores } from '@wmsi/intake';
import { CommandError, UsageError, type Output } from '../output.js';

/** The CLI twin of `sync.replay` for a quarantined body, for an integrator at a terminal. */
export async function replay(stores: KeyStores, checkNotification: NotificationChecker, out: Output, id: string | undefined): Promise<void> {
  if (!id || !/^\d+$/.test(id)) throw new UsageError('replay <quarantine id>: the id of a quarantined notification (sync.quarantine lists them)');
  try {
    const replayed = await replayQuarantined({ db: stores.db, redis: stores.redis, intake: stores.keys, checkNotification }, id);
    out.result(replayed);
    out.line(`Replayed quarantined notification ${id} (${replayed.topic}): back in the intake as ${replayed.intakeId}.`);
  } catch (error) {
    if (error instanceof AppError) throw new CommandError(error.code, error.message);
    throw error;
  }
}
