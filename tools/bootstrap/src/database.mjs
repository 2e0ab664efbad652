import { BootstrapError } from './errors.mjs';
import { databaseName, redactUrl, withDatabase, withLoginUser } from './urls.mjs';

/**
 * Creates the database the URL names when it does not exist yet, from the server's `postgres`
 * database. Returns whether it created it.
 * @param {string} url
 * @returns {Promise<boolean>}
 */
export async function ensureDatabase(url) {
  const name = databaseName(url);
  if (!name) return false; // the server's default (the user's own database) is used as it is
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: withLoginUser(withDatabase(url, 'postgres')) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`create database "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && error.code === '42P04') return false; // created meanwhile
    const reason = error instanceof Error ? error.message : String(error);
    throw new BootstrapError(
      'DATABASE_NOT_CREATED',
      `Could not create the database "${name}" on ${redactUrl(url)}: ${reason}.\n` +
        `Create it yourself (createdb ${name}) or set DATABASE_URL to a user that may.`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
