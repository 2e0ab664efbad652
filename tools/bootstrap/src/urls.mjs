import { userInfo } from 'node:os';

export const DEFAULT_DATABASE_URL = 'postgres://127.0.0.1:5432/wmsi';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * @typedef {object} ServerAddress
 * @property {string} host  host name or IP, without IPv6 brackets; '' for a Unix socket
 * @property {number} port
 * @property {string | undefined} socketDir  set when the URL connects through a Unix socket (?host=/run/...)
 */

/**
 * Where a server URL points.
 * @param {string} text
 * @param {number} defaultPort
 * @returns {ServerAddress}
 */
export function serverAddress(text, defaultPort) {
  const url = new URL(text);
  const socketHost = url.searchParams.get('host');
  if (url.hostname === '' && socketHost?.startsWith('/')) return { host: '', port: Number(url.port || defaultPort), socketDir: socketHost };
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: Number(url.port || defaultPort),
    socketDir: undefined,
  };
}

/**
 * Only a loopback address can be served by an instance this script starts: it never listens on a
 * network interface, so "this machine" by any other name is out of reach.
 * @param {string} host
 */
export function isLoopback(host) {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The URL as it may be printed: the password is replaced, everything else kept.
 * @param {string} text
 */
export function redactUrl(text) {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * The PostgreSQL user a URL logs in as. Without one in the URL it is the OS user, as for psql
 * (libpq); node-postgres would take $USER instead, which containers and service managers often leave unset.
 * @param {string} text
 */
export function postgresUser(text) {
  const named = decodeURIComponent(new URL(text).username);
  if (named) return named;
  try {
    return userInfo().username;
  } catch {
    return 'postgres'; // no passwd entry for this uid
  }
}

/**
 * The URL with its login user spelled out, for node-postgres (which would read $USER).
 * @param {string} text
 */
export function withLoginUser(text) {
  const url = new URL(text);
  if (url.username || url.searchParams.has('user')) return text;
  // A socket URL (postgres:///db?host=/run/postgresql) has no authority to hold a user name.
  if (url.hostname) url.username = encodeURIComponent(postgresUser(text));
  else url.searchParams.set('user', postgresUser(text));
  return url.toString();
}

/**
 * The database a URL names ('' when it names none).
 * @param {string} text
 */
export function databaseName(text) {
  return decodeURIComponent(new URL(text).pathname.replace(/^\//, ''));
}

/**
 * The same server and user, another database: used to reach `postgres` when the target is missing.
 * @param {string} text
 * @param {string} name
 */
export function withDatabase(text, name) {
  const url = new URL(text);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
