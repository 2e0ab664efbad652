import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootstrapError } from './errors.mjs';

/**
 * @typedef {object} StartableApp
 * @property {string} name     the folder name, used to prefix its output (gateway)
 * @property {string} dir      absolute path of the app's folder
 * @property {string} script   its package.json scripts.start
 */

/**
 * Every app under apps/ that says how to start it (scripts.start), in name order. Apps without one
 * (the CLI) are tools, not services.
 * @param {string} root
 * @returns {StartableApp[]}
 */
export function findStartableApps(root) {
  const appsDir = join(root, 'apps');
  if (!existsSync(appsDir)) return [];
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, dir: join(appsDir, entry.name) }))
    .flatMap(({ name, dir }) => {
      const script = startScript(join(dir, 'package.json'));
      return script ? [{ name, dir, script }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** @param {string} packageJson */
function startScript(packageJson) {
  try {
    const script = JSON.parse(readFileSync(packageJson, 'utf8'))?.scripts?.start;
    return typeof script === 'string' && script.trim() ? script.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** worker-maintenance runs a scheduled job: more processes would add nothing but idle connections. */
const SINGLE_WORKER = 'worker-maintenance';

/**
 * The processes to run: every app once, and each domain worker app `workers` times (`worker-items`,
 * `worker-items#2`, ...). The workers of one domain share its queue's partitions, each partition
 * applying one job at a time across all of them, so more processes only add cores, never disorder.
 * @param {StartableApp[]} apps
 * @param {number} workers
 * @returns {StartableApp[]}
 */
export function withWorkerReplicas(apps, workers) {
  return apps.flatMap((app) => {
    if (!app.name.startsWith('worker-') || app.name === SINGLE_WORKER || workers <= 1) return [app];
    return Array.from({ length: workers }, (_, i) => ({ ...app, name: i === 0 ? app.name : `${app.name}#${i + 1}` }));
  });
}

/**
 * How many processes of each worker app `npm start` runs: `--workers N` or WORKER_PROCESSES, else 1.
 * @param {string[]} args
 * @param {Record<string, string | undefined>} env
 * @returns {number}
 */
export function workerProcesses(args, env) {
  const flag = args.indexOf('--workers');
  const given = flag >= 0 ? args[flag + 1] : env.WORKER_PROCESSES;
  if (given === undefined || given === '') return 1;
  const count = Number(given);
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new BootstrapError('BAD_WORKERS', `worker processes must be a whole number from 1 to 16 (--workers or WORKER_PROCESSES), got ${JSON.stringify(given)}`);
  }
  return count;
}
