export { accepted, createChangesTestbed, type ChangesTestbed } from './testbed.js';
export { schemaMismatches } from './schema.js';
export { startWorkerProcess, type WorkerProcess } from './worker-process.js';
export { applyThroughWorkerApp } from './worker-app.js';
