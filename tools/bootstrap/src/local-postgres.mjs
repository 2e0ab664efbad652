import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { findExecutable, pathFolders, postgresInstallFolders } from './binaries.mjs';
import { BootstrapError } from './errors.mjs';
import { logTail } from './local-redis.mjs';

/** @typedef {import('./local-redis.mjs').LocalServer} LocalServer */
/** @typedef {{ uid: number, gid: number, name: string }} OsAccount */

/**
 * initdb and pg_ctl from one installation: PATH first, then the package folders that are not on it.
 * @param {string} [path]
 * @returns {{ initdb: string, pgCtl: string } | undefined}
 */
export function findPostgresTools(path) {
  for (const folder of [...pathFolders(path), ...postgresInstallFolders()]) {
    const initdb = findExecutable('initdb', [folder]);
    const pgCtl = findExecutable('pg_ctl', [folder]);
    if (initdb && pgCtl) return { initdb, pgCtl };
  }
  return undefined;
}

/**
 * initdb and postgres refuse to run as root. As root, the server runs as the `postgres` OS account
 * (which every PostgreSQL package creates) and owns its data folder; otherwise as ourselves.
 * @returns {OsAccount | undefined}
 */
export function serverAccount() {
  if (process.getuid?.() !== 0) return undefined;
  const fields = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((entry) => entry[0] === 'postgres');
  if (!fields) {
    throw new BootstrapError(
      'LOCAL_SERVER_FAILED',
      'PostgreSQL refuses to run as root, and there is no `postgres` OS user to run a project-local server as.\n' +
        'Run the command as a normal user, or create that user (useradd --system postgres), or set DATABASE_URL to a running server.',
    );
  }
  return { name: 'postgres', uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * Starts PostgreSQL on loopback with its data in `dataDir` (created by initdb on first use), trusting
 * every connection from this machine for `superuser`, the user the URL logs in as.
 * @param {{ tools: { initdb: string, pgCtl: string }, dataDir: string, host: string, port: number, superuser: string }} options
 * @returns {Promise<LocalServer>}
 */
export async function startLocalPostgres({ tools, dataDir, host, port, superuser }) {
  const account = serverAccount();
  prepareDataFolder(dataDir, account);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await runAs(account, tools.initdb, ['-D', dataDir, '-U', superuser, '--auth=trust', '--encoding=UTF8', '--locale=C'], dataDir);
  }
  const logFile = join(dataDir, 'server.log');
  // No Unix socket: its path could clash with a system server's, and clients here use TCP anyway.
  const serverOptions = `-p ${port} -c listen_addresses=${host === 'localhost' ? '127.0.0.1' : host} -c unix_socket_directories=''`;
  try {
    await runAs(account, tools.pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start'], dataDir);
  } catch (error) {
    throw new BootstrapError('LOCAL_SERVER_FAILED', `${error instanceof Error ? error.message : error}\n${logTail(logFile)}`, { cause: error });
  }
  return {
    description: `PostgreSQL on ${host}:${port} (data in ${dataDir})`,
    async stop() {
      await runAs(account, tools.pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], dataDir).catch(() => undefined);
    },
  };
}

/**
 * @param {string} dataDir
 * @param {OsAccount | undefined} account
 */
function prepareDataFolder(dataDir, account) {
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!account) return;
  // The server account must be able to pass through the parent to reach its own folder.
  chmodSync(dirname(dataDir), 0o755);
  chownSync(dataDir, account.uid, account.gid);
}

/**
 * Runs a PostgreSQL program, as `account` when given, and fails with its own words.
 * @param {OsAccount | undefined} account
 * @param {string} program
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<void>}
 */
function runAs(account, program, args, cwd) {
  const options = { cwd, timeout: 120_000, ...(account ? { uid: account.uid, gid: account.gid } : {}) };
  return new Promise((resolve, reject) => {
    execFile(program, args, options, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const who = account ? ` (as the ${account.name} OS user)` : '';
      const said = stderr.trim() || error.message;
      const hint = account && /permission denied|EACCES/i.test(said)
        ? `\nThe ${account.name} user must be able to reach ${cwd}: every folder above it needs o+x (a clone under /root is not reachable).`
        : '';
      reject(new BootstrapError('LOCAL_SERVER_FAILED', `${basename(program)} failed${who}:\n${said}${hint}`, { cause: error }));
    });
  });
}
