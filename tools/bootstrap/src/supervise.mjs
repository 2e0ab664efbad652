import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findExecutable, pathFolders } from './binaries.mjs';

/** @typedef {import('./apps.mjs').StartableApp} StartableApp */

/**
 * @typedef {object} Supervisor
 * @property {Promise<number>} exitCode  0 when every app stopped because it was asked to, else 1
 * @property {(signal: NodeJS.Signals) => void} stop  forwards a stop signal once; a second call kills
 * @property {() => void} abandon  last resort when this process dies: SIGTERM to every app still running
 */

/**
 * Runs the apps side by side, each line of their output prefixed with the app's name. An app that
 * exits on its own stops the others: a half-running warehouse is worse than a stopped one.
 * @param {StartableApp[]} apps
 * @param {{ root: string, env: Record<string, string | undefined>, stdout?: NodeJS.WritableStream,
 *   stderr?: NodeJS.WritableStream, graceMs?: number }} options
 * @returns {Supervisor}
 */
export function superviseApps(apps, { root, env, stdout = process.stdout, stderr = process.stderr, graceMs = 30_000 }) {
  const width = Math.max(...apps.map((app) => app.name.length));
  /** @type {Map<string, import('node:child_process').ChildProcess>} */
  const running = new Map();
  /** @type {NodeJS.Signals | undefined} */
  let requested;
  let failed = false;
  /** @type {NodeJS.Timeout | undefined} */
  let graceTimer;
  /** @type {(code: number) => void} */
  let finish = () => undefined;
  /** @type {Promise<number>} */
  const exitCode = new Promise((resolve) => (finish = resolve));

  const say = (/** @type {string} */ line) => stderr.write(`wmsi: ${line}\n`);
  const signalGroups = (/** @type {NodeJS.Signals} */ signal) => {
    for (const child of running.values()) {
      try {
        // Each app leads its own process group: the signal reaches it and whatever it started, once.
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  };

  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    if (requested) {
      say(`stopping now (${signal} again)`);
      signalGroups('SIGKILL');
      return;
    }
    requested = signal;
    if (running.size === 0) return;
    signalGroups(signal);
    graceTimer = setTimeout(() => {
      say(`${[...running.keys()].join(', ')} still running after ${graceMs} ms: killing`);
      signalGroups('SIGKILL');
    }, graceMs);
  };

  for (const app of apps) {
    const [program, args] = commandLine(app.script, app.dir, root, env.PATH);
    const child = spawn(program, args, {
      cwd: app.dir,
      env: { ...env, PATH: [join(app.dir, 'node_modules', '.bin'), join(root, 'node_modules', '.bin'), env.PATH].join(delimiter) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.set(app.name, child);
    const prefix = `${app.name.padEnd(width)} | `;
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => stdout.write(prefix + line + '\n'));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => stderr.write(prefix + line + '\n'));

    let ended = false;
    const end = (/** @type {number | null} */ code, /** @type {NodeJS.Signals | null} */ signal, /** @type {string} */ how) => {
      if (ended) return;
      ended = true;
      running.delete(app.name);
      const asked = requested !== undefined && (code === 0 || signal === requested || code === 128 + constants.signals[requested]);
      if (!asked) {
        failed = true;
        say(`${app.name} ${requested ? 'failed while stopping' : 'stopped unexpectedly'} (${how})`);
        if (!requested) stop('SIGTERM');
      }
      if (running.size === 0) {
        clearTimeout(graceTimer);
        finish(failed ? 1 : 0);
      }
    };
    child.once('error', (error) => end(null, null, `could not start: ${error.message}`));
    child.once('close', (code, signal) => end(code, signal, signal ? `signal ${signal}` : `exit code ${code}`));
  }
  if (apps.length === 0) finish(0);

  return { exitCode, stop, abandon: () => signalGroups('SIGTERM') };
}

/**
 * The program and arguments for a package.json script. A plain command runs directly, so the
 * signal reaches the app itself and its exit code is the app's; anything needing a shell goes
 * through sh, as npm would run it.
 * @param {string} script
 * @param {string} dir
 * @param {string} root
 * @param {string} [path]
 * @returns {[string, string[]]}
 */
export function commandLine(script, dir, root, path) {
  const words = script.split(/\s+/);
  const needsShell = /[|&;<>()$`\\"'*?[\]{}~#\n]/.test(script) || words[0].includes('=');
  if (needsShell) return ['/bin/sh', ['-c', script]];
  const [name, ...args] = words;
  if (name === 'node') return [process.execPath, args];
  if (name.includes('/')) return [isAbsolute(name) ? name : resolve(dir, name), args];
  const folders = [join(dir, 'node_modules', '.bin'), join(root, 'node_modules', '.bin'), ...pathFolders(path)];
  return [findExecutable(name, folders) ?? name, args];
}
