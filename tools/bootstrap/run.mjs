#!/usr/bin/env node
// `npm start`, `npm test` and `npm run wmsi -- ...` land here, on a fresh clone too. Until
// `npm ci` has run, only Node's own modules may be imported: src/commands.mjs is loaded after it.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootstrapError } from './src/errors.mjs';
import { ensureDependencies } from './src/install.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [command, ...args] = process.argv.slice(2);

try {
  requireSupportedNode(process.versions.node);
  await ensureDependencies(root, { log: (line) => console.log(`wmsi: ${line}`) });
  const { runCommand } = await import('./src/commands.mjs');
  process.exit(await runCommand(command, args, { root }));
} catch (error) {
  if (!(error instanceof BootstrapError)) throw error;
  console.error(`wmsi: ${error.message}`);
  process.exit(1);
}

/** @param {string} version */
function requireSupportedNode(version) {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if ((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23) return;
  throw new BootstrapError('NODE_TOO_OLD', `Node ${version} is too old: this project needs Node ^20.19 or >=22.12.`);
}
