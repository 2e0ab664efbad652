export { accepted, createChangesTestbed, outcomeOf, type ChangesTestbed, type TopicOutcome } from './testbed.js';
export { schemaMismatches } from './schema.js';
export { startWorkerProcess, type WorkerProcess } from './worker-process.js';
export { applyThroughWorkerApp } from './worker-app.js';
