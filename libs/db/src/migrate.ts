import { type Kysely, Migrator } from 'kysely';
import { MigrationError } from './errors.js';
import { migrationProvider } from './migrations/index.js';

/**
 * Applies every pending migration and returns the names it applied, oldest first. Several processes
 * may call this at once: Kysely's migrator holds a PostgreSQL advisory lock while it runs, so the
 * second one waits and then finds nothing left to do.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<{ applied: string[] }> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const cause = error instanceof Error ? error.message : String(error);
    const message = failed
      ? `Migration ${failed} failed: ${cause}`
      : `Migrating the database failed before any migration ran: ${cause}`;
    throw new MigrationError(failed, message, { cause: error });
  }
  return { applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
