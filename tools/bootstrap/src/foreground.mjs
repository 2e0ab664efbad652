import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { BootstrapError } from './errors.mjs';

/** The CLI runs from source: the @wmsi/source condition resolves sibling packages to their .ts files. */
export const CLI_ENTRY = 'apps/cli/src/main.ts';

/**
 * How to run the CLI from the repository root.
 * @param {string} root
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
export function cliCommand(root, args) {
  if (!existsSync(join(root, CLI_ENTRY))) {
    throw new BootstrapError('CLI_MISSING', `The command line (${CLI_ENTRY}) is missing from this checkout.`);
  }
  return [process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', CLI_ENTRY, ...args]];
}

/**
 * Runs a program in the foreground (same terminal, same process group, so Ctrl-C reaches it
 * directly) and resolves with its exit code, 128 + n when a signal ended it.
 * @param {[string, string[]]} command
 * @param {{ cwd: string, env: Record<string, string | undefined>, onStart?: (child: import('node:child_process').ChildProcess) => void }} options
 * @returns {Promise<number>}
 */
export function runForeground([program, args], { cwd, env, onStart }) {
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd, env, stdio: 'inherit' });
    onStart?.(child);
    child.once('error', (error) => {
      process.stderr.write(`wmsi: could not run ${program}: ${error.message}\n`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
  });
}

/** @param {NodeJS.Signals | null} signal */
export function signalNumber(signal) {
  return signal ? constants.signals[signal] : 1;
}
