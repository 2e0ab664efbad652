import { userInfo } from 'node:os';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DbError, pgErrorDetails } from './errors.js';
import { prepareRepeatedStatements } from './prepared-statements.js';
import type { DB } from './generated/db.js';

export type Database = Kysely<DB>;

type PgTypeId = Parameters<typeof pg.types.getTypeParser>[0];

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_INT8_ARRAY = 1016;
const PG_NUMERIC_ARRAY = 1231;
const PG_TEXT_ARRAY = 1009 as number as PgTypeId;

/**
 * TimeStamps are 64-bit and quantities are decimals: a JS number would round either one silently
 * (pg's own default already turns numeric[] into floats). These parsers are set per pool, not through
 * pg.types globally, so no other library in the process can turn them back into numbers.
 */
const exactTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (value: string) => value;
    if (oid === PG_INT8_ARRAY || oid === PG_NUMERIC_ARRAY) return pg.types.getTypeParser(PG_TEXT_ARRAY, format);
    return pg.types.getTypeParser(oid as PgTypeId, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface DbOptions {
  maxConnections?: number;
  applicationName?: string;
  /**
   * Distinct statement texts each connection keeps prepared (see prepared-statements.ts); 0, the
   * default, prepares none. For the processes whose statements repeat: the workers and the API.
   */
  preparedStatements?: number;
}

export function createDb(url: string, options: DbOptions = {}): Database {
  const pool = new pg.Pool({
    ...connectionConfig(url),
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'wmsi',
    types: exactTypes,
  });
  // An idle connection dropped by the server (restart, failover) is emitted here; without a listener
  // it would crash the process. The pool discards that client and the next query reconnects or fails
  // with an error the caller sees.
  pool.on('error', () => undefined);
  // A connection that dies while checked out (a transaction waiting on Redis, say) emits 'error'
  // on its client, where the pool's listener does not reach: without one it is an uncaught
  // exception that kills the process. The query in flight, or the next one, fails by itself.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    if ((options.preparedStatements ?? 0) > 0) prepareRepeatedStatements(client, options.preparedStatements ?? 0);
  });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Throws when PostgreSQL cannot answer a trivial query; used by /readyz. */
export async function pingDb(db: Database): Promise<void> {
  await sql`select 1`.execute(db);
}

/** The same server and credentials as `url`, another database. */
export function databaseUrl(url: string, database: string): string {
  const parsed = parseUrl(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(parseUrl(url).pathname.replace(/^\//, ''));
  if (name === '') throw new DbError('DB_INVALID_DATABASE_URL', `The database URL names no database: ${redact(url)}`);
  return name;
}

/**
 * Creates the database named in `url` when it is missing; returns true when this call created it.
 * Several processes starting at once may all try: the losers see "already exists" and return false.
 */
export async function ensureDatabaseExists(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withMaintenanceClient(url, async (client) => {
    const existing = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      // 42P04 duplicate_database; a race lost inside the catalog shows up as 23505 unique_violation.
      const code = pgErrorDetails(error)?.code;
      if (code === '42P04' || code === '23505') return false;
      throw error;
    }
  });
}

/** Drops the database named in `url`, disconnecting whoever still uses it. */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withMaintenanceClient(url, async (client) => {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  });
}

/** CREATE/DROP DATABASE cannot run inside the target database, so they go through `postgres`. */
async function withMaintenanceClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...connectionConfig(databaseUrl(url, 'postgres')), application_name: 'wmsi-admin' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function connectionConfig(url: string): pg.ClientConfig {
  return { connectionString: withDefaultUser(url) };
}

/**
 * A URL without a user name means "the OS user", as for psql (libpq); node-postgres would instead
 * take $USER, which service managers and containers often leave unset. The user is written into the
 * URL itself because pg lets every field of a connection string override a separate `user` option.
 */
export function withDefaultUser(url: string): string {
  const parsed = parseUrl(url);
  const user = parsed.username === '' ? osUserName() : undefined;
  if (user === undefined) return url;
  parsed.username = encodeURIComponent(user);
  return parsed.toString();
}

function osUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // no passwd entry for this uid: let pg fall back to its own default
  }
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (cause) {
    throw new DbError('DB_INVALID_DATABASE_URL', 'The database URL is not a valid URL', { cause });
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
