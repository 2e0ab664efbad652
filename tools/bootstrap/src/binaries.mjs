import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The folders of a PATH string, in order.
 * @param {string} [path]
 */
export function pathFolders(path = process.env.PATH ?? '') {
  return path.split(delimiter).filter(Boolean);
}

/**
 * The first executable of that name in the folders, or undefined.
 * @param {string} name
 * @param {string[]} folders
 */
export function findExecutable(name, folders) {
  return folders.map((folder) => join(folder, name)).find(isExecutable);
}

/** @param {string} file */
export function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where PostgreSQL packages put their programs without adding them to PATH: Debian
 * (/usr/lib/postgresql/15/bin), Homebrew (postgresql@15) and Postgres.app; newest version first.
 * @returns {string[]}
 */
export function postgresInstallFolders() {
  const versioned = [
    ...subfolders('/usr/lib/postgresql', /^\d+$/).map((dir) => join(dir, 'bin')),
    ...subfolders('/opt/homebrew/opt', /^postgresql(@\d+)?$/).map((dir) => join(dir, 'bin')),
    ...subfolders('/usr/local/opt', /^postgresql(@\d+)?$/).map((dir) => join(dir, 'bin')),
  ];
  return [...versioned.sort(byVersionDescending), '/Applications/Postgres.app/Contents/Versions/latest/bin'];
}

/**
 * @param {string} parent
 * @param {RegExp} pattern
 */
function subfolders(parent, pattern) {
  try {
    return readdirSync(parent).filter((name) => pattern.test(name)).map((name) => join(parent, name));
  } catch {
    return [];
  }
}

/**
 * @param {string} a
 * @param {string} b
 */
function byVersionDescending(a, b) {
  const version = (/** @type {string} */ dir) => Number(/(\d+)(?:\/bin)?$/.exec(dir)?.[1] ?? 0);
  return version(b) - version(a);
}
