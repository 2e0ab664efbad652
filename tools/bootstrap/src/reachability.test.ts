import { loadEnv } from '@wmsi/config';
import { describe, expect, it } from 'vitest';
import { probePostgres, probeRedis, tcpListening } from './reachability.mjs';
import { freePort } from './test-support.js';
import { serverAddress, withDatabase } from './urls.mjs';

const env = loadEnv();

describe('reachability', () => {
  it('says the running PostgreSQL is reachable', async () => {
    expect(await probePostgres(withDatabase(env.DATABASE_URL, 'postgres'))).toEqual({ reachable: true, databaseExists: true });
  });

  it('counts a server without the named database as reachable, the database as missing', async () => {
    const url = withDatabase(env.DATABASE_URL, 'wmsi_bootstrap_never_created');
    expect(await probePostgres(url)).toEqual({ reachable: true, databaseExists: false });
  });

  it('says the running Redis is reachable', async () => {
    expect(await probeRedis(env.REDIS_URL)).toEqual({ reachable: true });
  });

  it('says nothing is reachable on a closed port, and that nothing listens there', async () => {
    const port = await freePort();
    const postgres = await probePostgres(`postgres://127.0.0.1:${port}/wmsi`);
    const redis = await probeRedis(`redis://127.0.0.1:${port}`);
    expect(postgres).toMatchObject({ reachable: false, listening: false, reason: expect.stringContaining('ECONNREFUSED') });
    expect(redis).toMatchObject({ reachable: false, listening: false, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('does not mistake another server on the port for Redis: it listens but does not answer PING', async () => {
    const { host, port } = serverAddress(env.DATABASE_URL, 5432);
    expect(await tcpListening(host, port)).toEqual({ listening: true });
    expect(await probeRedis(`redis://${host}:${port}`)).toMatchObject({ reachable: false, listening: true });
  });
});
