export { STACK_APPS, appFolder, isWorkerApp, npmStartArguments, type StackApp, type WorkerApp } from './apps.js';
export { startApp, type AppOptions, type RunningApp } from './app.js';
export { peakRssOf, startProcess, STOP_GRACE_MS, type ProcessSpec, type Readiness, type RunningProcess } from './process.js';
export { createStack, startStack, type Stack, type StackOptions } from './stack.js';
