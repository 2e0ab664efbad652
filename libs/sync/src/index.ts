export { listDeadLetters, listDomainDeadLetters, replayDeadLetter, replayDeadLetters, replayQuarantined, type DeadLetter } from './replay.js';
export { readReplayAction, startQuarantineReplay, type ReplayActionProgress } from './replay-action.js';
export { syncRouter } from './router.js';
export { syncStatus } from './status.js';
