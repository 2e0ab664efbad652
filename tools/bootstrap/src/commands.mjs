import { realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findStartableApps, withWorkerReplicas, workerProcesses } from './apps.mjs';
import { bundleApp } from './bundle.mjs';
import { buildConsole } from './console.mjs';
import { BootstrapError } from './errors.mjs';
import { cliCommand, runForeground, signalNumber } from './foreground.mjs';
import { ensureServices } from './services.mjs';
import { superviseApps } from './supervise.mjs';
import { formatTestSummary, summarizeTestReports } from './test-summary.mjs';

/** @typedef {Record<string, string | undefined>} Env */
/** @typedef {{ root: string, env: Env, signals: SignalRouter }} Context */

const log = (/** @type {string} */ line) => console.log(`wmsi: ${line}`);

/**
 * `npm start`, `npm test` and `npm run wmsi -- ...`, after dependencies are installed.
 * @param {string | undefined} command
 * @param {string[]} args
 * @param {{ root: string, env?: Env }} options
 * @returns {Promise<number>} the exit code
 */
export async function runCommand(command, args, { root, env = process.env }) {
  const signals = routeSignals();
  const context = { root, env, signals };
  switch (command) {
    case 'start':
      return start(context, args);
    case 'test':
      return test(context);
    case 'wmsi':
      return runForeground(cliCommand(root, args), { cwd: root, env, onStart: signals.foreground });
    case 'bench':
      return withServices(context, 'tools/bench/src/report.ts', args);
    default:
      throw new BootstrapError('UNKNOWN_COMMAND', `unknown command ${JSON.stringify(command ?? '')}: use start, test, wmsi or bench`);
  }
}

/**
 * Runs a TypeScript script of the repository in the foreground once PostgreSQL and Redis are there
 * (`npm run bench`: it starts its own apps on databases of its own).
 * @param {Context} context
 * @param {string} script
 * @param {string[]} args
 */
async function withServices({ root, env, signals }, script, args) {
  const services = await ensureServices({ root, env, log });
  try {
    const command = /** @type {[string, string[]]} */ ([process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', script, ...args]]);
    return await runForeground(command, { cwd: root, env: { ...env, ...services.urls }, onStart: signals.foreground });
  } finally {
    await services.stop();
  }
}

/**
 * Migrate, create the per-topic API keys on first run, then run every app until Ctrl-C
 * (`--workers N`: N processes of each worker app).
 * @param {Context} context
 * @param {string[]} args
 */
async function start({ root, env, signals }, args) {
  const workers = workerProcesses(args, env);
  const services = await ensureServices({ root, env, log });
  try {
    const childEnv = { ...env, ...services.urls };
    for (const step of ['migrate', 'setup']) {
      if (signals.received) return 128 + signalNumber(signals.received);
      const code = await runForeground(cliCommand(root, [step]), { cwd: root, env: childEnv, onStart: signals.foreground });
      if (code !== 0) {
        log(`wmsi ${step} failed (exit code ${code}); nothing was started`);
        return code;
      }
    }
    if (signals.received) return 128 + signalNumber(signals.received);
    const apps = findStartableApps(root);
    if (apps.length === 0) throw new BootstrapError('NOTHING_TO_START', 'No app under apps/ has a "start" script yet: nothing to start.');
    // The apps run from their bundles (a few hundred ms to make, see bundle.mjs for why); the API
    // serves the console's build at / (rebuilt only when the console changed).
    await Promise.all([...apps.map((app) => bundleApp(app.dir)), buildConsole(join(root, 'apps', 'console'), { log })]);
    const localServers = services.started.length > 0 ? ' and the project-local servers' : '';
    log(`starting ${withWorkerReplicas(apps, workers).map((app) => app.name).join(', ')}; Ctrl-C stops ${apps.length > 1 ? 'them' : 'it'}${localServers}`);
    const processes = withWorkerReplicas(apps, workers);
    const supervisor = superviseApps(processes, { root, env: childEnv });
    signals.supervise(supervisor);
    process.once('exit', supervisor.abandon);
    return await supervisor.exitCode;
  } finally {
    if (services.started.length > 0) {
      log('stopping the project-local servers');
      await services.stop();
    }
  }
}

/**
 * Migrate (proves the migrations on the configured database), then lint, typecheck and test every
 * project, ending with one summary line over all vitest projects.
 * @param {Context} context
 */
async function test({ root, env, signals }) {
  const reports = join(root, '.wmsi', 'test-results');
  rmSync(reports, { recursive: true, force: true });
  const services = await ensureServices({ root, env, log });
  try {
    const childEnv = { ...env, ...services.urls };
    if (signals.received) return 128 + signalNumber(signals.received);
    const migrated = await runForeground(cliCommand(root, ['migrate']), { cwd: root, env: childEnv, onStart: signals.foreground });
    if (migrated !== 0) {
      log(`wmsi migrate failed (exit code ${migrated}); tests not run`);
      return migrated;
    }
    // What `npx nx` runs, started with this Node.
    const nx = realpathSync(join(root, 'node_modules', '.bin', 'nx'));
    const checks = ['run-many', '-t', 'lint', 'typecheck', 'test', '--output-style=static', '--parallel=2'];
    // CI=true keeps vitest from entering watch mode when the terminal is interactive.
    const nxEnv = { ...childEnv, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: env.CI || 'true' };
    const code = await runForeground([process.execPath, [nx, ...checks]], { cwd: root, env: nxEnv, onStart: signals.foreground });
    console.log(formatTestSummary(summarizeTestReports(reports)));
    return code;
  } finally {
    await services.stop();
  }
}

/**
 * @typedef {object} SignalRouter
 * @property {NodeJS.Signals | undefined} received  the first stop signal, if any
 * @property {(child: import('node:child_process').ChildProcess) => void} foreground
 * @property {(supervisor: import('./supervise.mjs').Supervisor) => void} supervise
 */

/**
 * Keeps this process alive on Ctrl-C, SIGTERM and SIGHUP so it can stop what it started, and passes
 * each signal on exactly once: a foreground child already got Ctrl-C from the terminal (same process
 * group), the supervised apps did not (their own groups).
 * @returns {SignalRouter}
 */
function routeSignals() {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let foreground;
  /** @type {import('./supervise.mjs').Supervisor | undefined} */
  let supervisor;
  /** @type {SignalRouter} */
  const router = {
    received: undefined,
    foreground: (child) => (foreground = child),
    supervise: (next) => (supervisor = next),
  };
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    router.received ??= signal;
    if (supervisor) supervisor.stop(signal);
    else if (foreground && foreground.exitCode === null && signal !== 'SIGINT') foreground.kill(signal);
  };
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, onSignal);
  return router;
}
