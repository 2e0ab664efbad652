export {
  createDb,
  databaseName,
  databaseUrl,
  dropDatabase,
  ensureDatabaseExists,
  pingDb,
  withDefaultUser,
  type Database,
} from './client.js';
export { deleteInBatches, deleteOlderThan } from './batch-delete.js';
export { DbError, MigrationError, type DbErrorCode } from './errors.js';
export type * from './generated/db.js';
export { migrateToLatest } from './migrate.js';
export { migrationProvider, migrations } from './migrations/index.js';
export {
  activeApiKeys,
  findApiKey,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKey,
  type NewApiKey,
} from './api-keys.js';
export {
  countQuarantined,
  getQuarantined,
  listQuarantined,
  quarantinedIds,
  markReplayed,
  pruneQuarantine,
  quarantineBody,
  type NewQuarantinedBody,
  type QuarantinedBody,
  type QuarantinedSummary,
  type QuarantineFilter,
  type QuarantineReason,
} from './quarantine.js';
export { findApiToken, insertApiToken, listApiTokens, revokeApiToken, type ApiToken } from './api-tokens.js';
export {
  columnName,
  documentKeyOf,
  documentKeyValues,
  isHeaderOnly,
  topicTables,
  TOPIC_TABLES,
  type RecordTable,
  type SqlType,
  type StoredColumn,
  type TopicTables,
} from './record-tables.js';
