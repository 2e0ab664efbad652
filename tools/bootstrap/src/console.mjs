import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The newest modification time among a folder's files (recursively), skipping what a build or an
 * install writes.
 * @param {string} path
 * @returns {number}
 */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'out-tsc') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Why the console must be built, or undefined when its build is newer than every source file.
 * @param {string} consoleDir  absolute path of apps/console
 * @returns {string | undefined}
 */
export function consoleBuildReason(consoleDir) {
  const built = join(consoleDir, 'dist', 'index.html');
  if (!existsSync(built)) return 'the console was never built';
  const sources = ['src', 'index.html', 'package.json', 'vite.config.ts'].map((name) => join(consoleDir, name)).filter((path) => existsSync(path));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs ? 'the console changed since its last build' : undefined;
}

/**
 * Builds the console (Vite) into apps/console/dist, where the API serves it from, when its build
 * is missing or older than its sources. Vite is loaded only then: `npm start` on an unchanged tree
 * costs a directory walk.
 * @param {string} consoleDir  absolute path of apps/console
 * @param {{ log?: (line: string) => void, force?: boolean }} [options]
 */
export async function buildConsole(consoleDir, { log = () => undefined, force = false } = {}) {
  const reason = force ? 'asked to' : consoleBuildReason(consoleDir);
  if (reason === undefined) return false;
  log(`building the console (${reason})`);
  const { build } = await import('vite');
  await build({ root: consoleDir, configFile: join(consoleDir, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
