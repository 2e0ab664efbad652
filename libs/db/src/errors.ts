/** Machine-readable reasons the database layer refuses or fails; the edges map them to HTTP/tRPC codes. */
export type DbErrorCode =
  | 'DB_MIGRATION_FAILED'
  | 'DB_UNKNOWN_TOPIC'
  | 'DB_API_KEY_ID_TAKEN'
  | 'DB_INVALID_SECRET_HASH'
  | 'DB_INVALID_DATABASE_URL';

export class DbError extends Error {
  override readonly name = 'DbError';

  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A migration failed (or the migrator could not start); `migration` names it when known. */
export class MigrationError extends DbError {
  constructor(
    readonly migration: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DB_MIGRATION_FAILED', message, options);
  }
}

/** The SQLSTATE and constraint of a pg error, or undefined for anything else. */
export function pgErrorDetails(error: unknown): { code: string; constraint?: string } | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || typeof error.code !== 'string') {
    return undefined;
  }
  const constraint = 'constraint' in error && typeof error.constraint === 'string' ? error.constraint : undefined;
  return { code: error.code, constraint };
}
