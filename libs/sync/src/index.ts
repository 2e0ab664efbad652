export { listDeadLetters, replayDeadLetter, replayQuarantined } from './replay.js';
export { syncRouter } from './router.js';
export { syncStatus } from './status.js';
