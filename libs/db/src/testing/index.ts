import { randomBytes } from 'node:crypto';
import { loadEnv } from '@wmsi/config';
import { type Database, createDb, databaseUrl, dropDatabase, ensureDatabaseExists, withDefaultUser } from '../client.js';
import { migrateToLatest } from '../migrate.js';

export interface TestDatabase {
  url: string;
  db: Database;
  /** Closes the pool and drops the database; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own (wmsi_test_<random>) on the server of DATABASE_URL, so test
 * files can run in parallel against one PostgreSQL without seeing each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  // Spelled out in full (user included) so other clients, such as kysely-codegen, can use it as is.
  const url = withDefaultUser(databaseUrl(loadEnv().DATABASE_URL, `wmsi_test_${randomBytes(6).toString('hex')}`));
  await ensureDatabaseExists(url);
  const db = createDb(url, { maxConnections: 5, applicationName: 'wmsi-test' });
  let dropped: Promise<void> | undefined;
  const drop = () => {
    dropped ??= db.destroy().then(() => dropDatabase(url));
    return dropped;
  };
  try {
    await migrateToLatest(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, db, drop };
}
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
