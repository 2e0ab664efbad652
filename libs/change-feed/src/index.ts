export { changesChannel, LOGGED_CHANGE_COLUMNS, loggedChangeColumns, toChangeEvent, type ChangeEvent, type ChangeKind, type LoggedChange } from './change-event.js';
export { startChangeTail, type ChangeTail, type ChangeTailOptions, type TailPage } from './change-tail.js';
export { addCounts, COUNT_NAMES, EFFORT_NAMES, noCounts, type ChangeCounts } from './counts.js';
export { followChangePages, followChanges, NoLongerAllowed, ResyncRequired, startingPoint, type FollowDeps } from './follow.js';
export { currentHead, cursorAfter, matches, prunedThrough, readChanges, type ChangeFilter } from './log-reader.js';
export { comparePositions, decodePosition, encodePosition, START, type Position } from './positions.js';
export { pruneChangeLog, pruneDocumentHistory } from './prune.js';
export { pullChanges, type PulledRecord, type PullPage, type PullRequest } from './pull.js';
export { readAllTopicStats, readTopicStats, type TopicStats } from './stats.js';
export {
  readRetentionStats,
  recordRetentionFailure,
  recordRetentionRun,
  RETAINED_TABLES,
  type RetainedTable,
  type RetentionRun,
  type RetentionStats,
} from './retention-stats.js';
