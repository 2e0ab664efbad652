import { loadEnv, redactCredentials } from '@wmsi/config';
import { createNotificationChecker, loadColumnMapping } from '@wmsi/contracts';
import { createDb, type Database } from '@wmsi/db';
import { connectForRequests, intakeKeys } from '@wmsi/queue';
import type { Redis } from 'ioredis';
import { runCli, UsageError } from './cli.js';
import { consoleOutput } from './output.js';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const out = consoleOutput(json);

let db: Database | undefined;
let redis: Redis | undefined;

try {
  const env = loadEnv();
  await runCli(
    argv,
    {
      databaseUrl: env.DATABASE_URL,
      settings: { publicUrl: env.PUBLIC_URL, headerName: env.WEBHOOK_AUTH_HEADER },
      keys: intakeKeys(env.REDIS_PREFIX),
      checkNotification: createNotificationChecker(loadColumnMapping(env.COLUMN_MAPPING_FILE)),
      db: async () => (db ??= createDb(env.DATABASE_URL, { maxConnections: 2, applicationName: 'wmsi-cli' })),
      redis: async () => {
        if (redis) return redis;
        // One attempt: a command-line tool should say Redis is down, not wait for it.
        redis = connectForRequests(env.REDIS_URL, () => undefined, { lazyConnect: true, retryStrategy: () => null });
        await redis.connect().catch((error: Error) => {
          throw new Error(`Redis at ${redactCredentials(env.REDIS_URL)} is not reachable (${error.message}). Start it, or set REDIS_URL.`);
        });
        return redis;
      },
    },
    out,
  );
} catch (error) {
  // Drivers may quote the URL, password included: whatever is printed is redacted.
  const message = redactCredentials(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown }).code;
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: typeof code === 'string' ? code : 'FAILED', message } })}\n`);
  else process.stderr.write(`wmsi: ${message}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
} finally {
  redis?.disconnect();
  await db?.destroy();
}
