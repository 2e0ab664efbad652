import { randomBytes } from 'node:crypto';
import { loadEnv } from '@wmsi/config';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { missingServerMessage } from './missing-server.mjs';
import { ensureServices } from './services.mjs';
import { temporaryFolder } from './test-support.js';
import { withDatabase, withLoginUser } from './urls.mjs';

const env = loadEnv();

async function dropDatabase(url: string, name: string) {
  const client = new pg.Client({ connectionString: withLoginUser(withDatabase(url, 'postgres')) });
  await client.connect();
  await client.query(`drop database if exists "${name}"`);
  await client.end();
}

describe('ensureServices', () => {
  it('uses the running servers as they are, and creates the database the URL names', async () => {
    const name = `wmsi_bootstrap_${randomBytes(5).toString('hex')}`;
    const databaseUrl = withDatabase(env.DATABASE_URL, name);
    const folder = temporaryFolder('services');
    const lines: string[] = [];
    try {
      const services = await ensureServices({ root: folder.dir, env: { DATABASE_URL: databaseUrl, REDIS_URL: env.REDIS_URL }, log: (line) => lines.push(line) });
      expect(services.started).toEqual([]);
      expect(services.urls).toEqual({ DATABASE_URL: databaseUrl, REDIS_URL: env.REDIS_URL });
      expect(lines).toEqual([`created the database "${name}"`]);
      await services.stop();
    } finally {
      await dropDatabase(env.DATABASE_URL, name);
      folder.remove();
    }
  });

  it('names every missing server and both fixes, and starts nothing', async () => {
    const folder = temporaryFolder('services');
    try {
      const attempt = ensureServices({
        root: folder.dir,
        env: { DATABASE_URL: 'postgres://db.invalid:5432/wmsi', REDIS_URL: 'redis://cache.invalid:6379' },
        log: () => undefined,
      });
      await expect(attempt).rejects.toMatchObject({ code: 'SERVER_MISSING' });
      const message = (await attempt.catch((error: Error) => error.message)) as string;
      expect(message).toContain('PostgreSQL is not reachable at postgres://db.invalid:5432/wmsi');
      expect(message).toContain('Redis is not reachable at redis://cache.invalid:6379');
      expect(message).toContain('docker compose up -d postgres redis');
      expect(message).toContain('DATABASE_URL points at another machine');
    } finally {
      folder.remove();
    }
  });
});

describe('the missing-server message', () => {
  it('names PostgreSQL, the Docker command and the packages to install', () => {
    const message = missingServerMessage({ server: 'postgres', url: 'postgres://127.0.0.1:5432/wmsi', reason: 'connect ECONNREFUSED 127.0.0.1:5432', onThisMachine: true });
    expect(message).toMatch(/^PostgreSQL is not reachable at postgres:\/\/127\.0\.0\.1:5432\/wmsi \(connect ECONNREFUSED/);
    expect(message).toContain('initdb and pg_ctl are not installed');
    expect(message).toContain('docker compose up -d postgres redis');
    expect(message).toContain('export DATABASE_URL=postgres://wmsi:wmsi@127.0.0.1:5432/wmsi');
    expect(message).toContain('sudo apt-get install postgresql');
    expect(message).toContain('brew install postgresql@15');
  });

  it('names Redis, the Docker command and the packages to install, without repeating a URL that already fits', () => {
    const message = missingServerMessage({ server: 'redis', url: 'redis://127.0.0.1:6379', reason: 'connect ECONNREFUSED 127.0.0.1:6379', onThisMachine: true });
    expect(message).toMatch(/^Redis is not reachable at redis:\/\/127\.0\.0\.1:6379/);
    expect(message).toContain('redis-server is not installed');
    expect(message).toContain('docker compose up -d postgres redis');
    expect(message).not.toContain('export REDIS_URL');
    expect(message).toContain('sudo apt-get install redis-server');
    expect(message).toContain('brew install redis');
  });

  it('never prints a password from the URL', () => {
    const message = missingServerMessage({ server: 'postgres', url: 'postgres://wms:s3cret@127.0.0.1:5432/wmsi', reason: 'refused', onThisMachine: true });
    expect(message).not.toContain('s3cret');
    expect(message).toContain('postgres://wms:***@127.0.0.1:5432/wmsi');
  });
});
