export { TOPICS, DOMAINS, DEFAULT_INQUIRY_TITLES, isTopic, domainOf, defaultInquiryTitle, topicsOf } from './topics.js';
export type { Topic, Domain } from './topics.js';
export { COLUMN_CONTRACTS, COLUMN_KINDS, columnsOf } from './columns/index.js';
export type { ColumnContract, ColumnKind, ColumnLevel, TopicContract } from './columns/index.js';
export { columnMappingSchema, loadColumnMapping, parseColumnMapping } from './column-mapping.js';
export type { ColumnMapping } from './column-mapping.js';
export { compileRowReader } from './row-reader.js';
export type { RowReader } from './row-reader.js';
export { envelopeSchema } from './envelope.js';
export type { Envelope } from './envelope.js';
export { createNotificationChecker, createNotificationReader } from './notification.js';
export type {
  CheckOutcome,
  Notification,
  NotificationChecker,
  NotificationReader,
  ParseFailureReason,
  ParseOutcome,
  Row,
  RowIssue,
} from './notification.js';
export { compareTimeStamps, dateToTimeStamp, isTimeStamp, readTimeStamp, timeStampToDate } from './timestamp.js';
export { MAX_JSON_DEPTH, readJsonExactly, readJsonWithLosslessJson, exactNumber } from './exact-json.js';
export type { JsonReading } from './exact-json.js';
export { ContractError } from './errors.js';
export type { ContractErrorCode } from './errors.js';
export { hasUnstorableCharacters, storableText, MAX_ID_LENGTH, MAX_KEY_LENGTH, MAX_QUERY_LENGTH } from './storable.js';
