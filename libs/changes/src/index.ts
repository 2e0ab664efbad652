export { applyUnits, type AppliedBatch, type AppliedUnit } from './apply-units.js';
export { createChangeEngine, UnknownTopicError, type ChangeEngine, type ChangeEngineOptions, type EngineOutcome, type TopicTally } from './engine.js';
export { startDomainWorker, type DomainWorker, type DomainWorkerOptions } from './domain-worker.js';
export { failsEveryTime } from './failures.js';
export { planTopic, type LogEntry, type RecordWrite, type StoredState, type TopicPlan } from './plan.js';
export { rowsDigest } from './processed.js';
export { addTallies, addTopicStats } from './stats.js';
export { runDomainWorkerProcess } from './worker-process.js';
export type { Candidate, ChangeSource, WorkUnit } from './work-unit.js';
