import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { findPostgresTools, serverAccount, startLocalPostgres } from './local-postgres.mjs';
import { probePostgres } from './reachability.mjs';
import { freePort, temporaryFolder } from './test-support.js';

const tools = findPostgresTools();
const runnable = (() => {
  try {
    serverAccount();
    return true;
  } catch {
    return false; // root without a postgres OS user
  }
})();
const skipReason = !tools ? ' [skipped: initdb and pg_ctl are not installed]' : !runnable ? ' [skipped: root and no postgres OS user]' : '';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(skipReason !== '')(`a project-local PostgreSQL${skipReason}`, () => {
  it('is created on first use, listens on loopback only, trusts the URL user, and is gone after stop', async () => {
    const folder = temporaryFolder('postgres');
    cleanups.push(folder.remove);
    chmodSync(folder.dir, 0o755); // as root, the server runs as the postgres user, which must get through
    const port = await freePort();
    const server = await startLocalPostgres({
      tools: tools ?? { initdb: 'initdb', pgCtl: 'pg_ctl' },
      dataDir: join(folder.dir, '.wmsi', 'postgres'),
      host: '127.0.0.1',
      port,
      superuser: 'warehouse',
    });
    cleanups.push(() => server.stop());

    const client = new pg.Client({ connectionString: `postgres://warehouse@127.0.0.1:${port}/postgres` });
    await client.connect();
    const { rows } = await client.query(
      "select current_user as user, current_setting('listen_addresses') as listen, (select rolsuper from pg_roles where rolname = current_user) as superuser",
    );
    await client.end();
    expect(rows).toEqual([{ user: 'warehouse', listen: '127.0.0.1', superuser: true }]);

    await server.stop();
    expect(await probePostgres(`postgres://warehouse@127.0.0.1:${port}/postgres`)).toMatchObject({ reachable: false, listening: false });
  });
});
