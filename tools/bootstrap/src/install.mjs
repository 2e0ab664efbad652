import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BootstrapError } from './errors.mjs';

/**
 * Why dependencies must be installed before anything else can run, or undefined when they are
 * current. npm writes node_modules/.package-lock.json on every install, so a package-lock.json
 * newer than it means the lock changed (a pull, a branch switch) since the last install.
 * @param {string} root
 * @returns {string | undefined}
 */
export function installReason(root) {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installed)) return 'node_modules was not installed by npm';
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs) return 'package-lock.json changed since the last install';
  return undefined;
}

/**
 * Runs `npm ci` (or `npm install` without a lock file) when installReason says so.
 * @param {string} root
 * @param {{ log?: (line: string) => void, env?: Record<string, string | undefined> }} [options]
 */
export async function ensureDependencies(root, { log = console.log, env = process.env } = {}) {
  const reason = installReason(root);
  if (!reason) return;
  const command = existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install';
  log(`${reason}: running npm ${command}`);
  const code = await runNpm([command], { cwd: root, env });
  if (code !== 0) {
    throw new BootstrapError(
      'INSTALL_FAILED',
      `npm ${command} failed (exit code ${code}); its messages are above. The usual causes: a package.json out of step ` +
        `with package-lock.json, no access to the npm registry, or a Node version other than ^20.19 or >=22.12 (this is ${process.version}).`,
    );
  }
}

/**
 * npm itself: the one that launched us when there is one (npm start), else the one on PATH.
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string | undefined> }} options
 * @returns {Promise<number>}
 */
function runNpm(args, { cwd, env }) {
  const npmCli = env.npm_execpath;
  const [program, programArgs] = npmCli?.endsWith('.js') ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  return new Promise((resolve) => {
    const child = spawn(program, programArgs, { cwd, env, stdio: 'inherit', shell: process.platform === 'win32' });
    child.once('error', () => resolve(127));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
