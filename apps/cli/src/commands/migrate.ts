import { ensureDatabaseExists, migrateToLatest, type Database } from '@wmsi/db';
import type { Output } from '../output.js';

export async function migrate(databaseUrl: string, db: Database, out: Output): Promise<void> {
  const created = await ensureDatabaseExists(databaseUrl);
  const { applied } = await migrateToLatest(db);
  out.result({ createdDatabase: created, applied });
  if (created) out.line(`Created database ${new URL(databaseUrl).pathname.slice(1)}.`);
  out.line(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database schema is up to date.');
}
