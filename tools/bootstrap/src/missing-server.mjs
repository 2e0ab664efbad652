import { redactUrl } from './urls.mjs';

/** @typedef {'postgres' | 'redis'} ServerKind */

/** What a user needs to know to get each server, in one place. */
export const SERVERS = {
  postgres: {
    title: 'PostgreSQL',
    variable: 'DATABASE_URL',
    programs: 'initdb and pg_ctl',
    debian: 'sudo apt-get install postgresql',
    homebrew: 'brew install postgresql@15',
    composeUrl: 'postgres://wmsi:wmsi@127.0.0.1:5432/wmsi',
    localData: '.wmsi/postgres',
  },
  redis: {
    title: 'Redis',
    variable: 'REDIS_URL',
    programs: 'redis-server',
    debian: 'sudo apt-get install redis-server',
    homebrew: 'brew install redis',
    composeUrl: 'redis://127.0.0.1:6379',
    localData: '.wmsi/redis',
  },
};

/**
 * Why the server is missing and the two ways to get one: Docker, or the package to install (after
 * which the next run starts a project-local instance by itself).
 * @param {{ server: ServerKind, url: string, reason: string, onThisMachine: boolean }} problem
 */
export function missingServerMessage({ server, url, reason, onThisMachine }) {
  const about = SERVERS[server];
  const why = onThisMachine
    ? `${about.programs} ${about.programs.includes(' and ') ? 'are' : 'is'} not installed, so no project-local ${about.title} can be started. Either:`
    : `${about.variable} points at another machine, so nothing can be started here. Start that server, or use one here:`;
  const useIt = url === about.composeUrl ? '' : `\n    and point at it:   export ${about.variable}=${about.composeUrl}`;
  const again = onThisMachine ? 'run the command again' : `unset ${about.variable} and run the command again`;
  return [
    `${about.title} is not reachable at ${redactUrl(url)} (${reason}).`,
    why,
    `  - run it in Docker:  docker compose up -d postgres redis${useIt}`,
    `  - or install it:     ${about.debian.padEnd(36)} (Debian, Ubuntu)`,
    `                       ${about.homebrew.padEnd(36)} (macOS, Homebrew)`,
    `    then ${again}: it starts a project-local ${about.title} with its data in ${about.localData}.`,
  ].join('\n');
}

/**
 * A server answers on the port but will not serve us (wrong password, not that kind of server).
 * @param {{ server: ServerKind, url: string, reason: string }} problem
 */
export function unusableServerMessage({ server, url, reason }) {
  const about = SERVERS[server];
  const lines = [
    `${about.title} at ${redactUrl(url)} answers but cannot be used: ${reason.replace(/\.$/, '')}.`,
    `Set ${about.variable} to a server and login that work${server === 'postgres' ? ' (the user must be allowed to create the database)' : ''}.`,
  ];
  if (server === 'postgres' && /authentication|role .* does not exist|pg_hba/i.test(reason)) {
    lines.push(
      "On Debian's packaged server, log in as yourself through its socket:",
      '  sudo -u postgres createuser --superuser "$USER"',
      "  export DATABASE_URL='postgres:///wmsi?host=/var/run/postgresql'",
    );
  }
  return lines.join('\n');
}
