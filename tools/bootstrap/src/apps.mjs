import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
