import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Apps and tools are found on disk, never imported: a lib may not depend on them.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bundler = join(repoRoot, 'tools/bootstrap/bundle.mjs');

/** Every app `npm start` runs, each its own process. */
export const STACK_APPS = ['gateway', 'worker-receiving', 'worker-fulfillment', 'worker-items', 'worker-adjustments', 'worker-maintenance', 'api'] as const;
export type StackApp = (typeof STACK_APPS)[number];
/** The apps that take no port, so that several processes of one can run side by side. */
export type WorkerApp = Exclude<StackApp, 'gateway' | 'api'>;

export const isWorkerApp = (app: StackApp): app is WorkerApp => app !== 'gateway' && app !== 'api';

export function appFolder(app: StackApp): string {
  return join(repoRoot, 'apps', app);
}

/**
 * Bundles the apps as `npm start` does before it starts them (one esbuild run, under a second),
 * so that what runs is what ships: the bundle with the start script's heap flags, not tsx.
 */
export async function bundleApps(apps: readonly StackApp[]): Promise<void> {
  await promisify(execFile)(process.execPath, [bundler, ...apps.map(appFolder)]);
}

/** Node's arguments in an app's `start` script (`node <flags> bundle/main.js`), run in its folder. */
export function startScriptArguments(app: StackApp): string[] {
  const { scripts } = JSON.parse(readFileSync(join(appFolder(app), 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`${app}'s start script does not run node: ${scripts.start}`);
  return args;
}

/** What runs an app as `npm start` does: bundles it, then its start script's arguments. */
export async function npmStartArguments(app: StackApp): Promise<string[]> {
  await bundleApps([app]);
  return startScriptArguments(app);
}
