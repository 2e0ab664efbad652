import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/**
 * A worker thread running a module of this app. The apps run from TypeScript source through tsx, and
 * on Node 20 a worker thread does not get the `--import tsx` hook of its process, so the thread
 * registers tsx itself before importing the module (the `--conditions` flag is inherited).
 */
export function startTypeScriptWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  const path = fileURLToPath(moduleUrl);
  if (!path.endsWith('.ts')) return new Worker(moduleUrl, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
