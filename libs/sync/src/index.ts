export { createRedisChangeFeed, type ChangeFeed } from './change-feed.js';
export { followChanges, matches, type ChangeFilter } from './change-stream.js';
export { listDeadLetters, listDomainDeadLetters, replayDeadLetter, replayDeadLetters, replayQuarantined, type DeadLetter } from './replay.js';
export { readReplayAction, startQuarantineReplay, type ReplayActionProgress } from './replay-action.js';
export { syncRouter } from './router.js';
export { syncStatus } from './status.js';
