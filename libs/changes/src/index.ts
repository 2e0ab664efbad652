export {
  createChangeHandler,
  UnknownTopicError,
  type ChangeHandler,
  type ChangeHandlerOptions,
  type ChangeOutcome,
} from './change-handler.js';
export { changesChannel, toChangeEvent, type AppliedChange, type ChangeEvent, type ChangeKind } from './change-log.js';
export { COUNT_NAMES, addCounts, noCounts, type ChangeCounts } from './counts.js';
export { startDomainWorker, type DomainWorker, type DomainWorkerOptions } from './domain-worker.js';
export { rowsDigest } from './processed.js';
export { columnName, topicTables, type RecordTable, type StoredColumn, type TopicTables } from './record-tables.js';
export { addTopicStats, readAllTopicStats, readTopicStats, statsKey, type TopicStats } from './stats.js';
export { runDomainWorkerProcess } from './worker-process.js';
