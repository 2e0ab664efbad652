export { createRedisChangeFeed, type ChangeFeed } from './change-feed.js';
export { followChanges, matches, type ChangeFilter } from './change-stream.js';
export { listDeadLetters, replayDeadLetter, replayQuarantined } from './replay.js';
export { syncRouter } from './router.js';
export { syncStatus } from './status.js';
