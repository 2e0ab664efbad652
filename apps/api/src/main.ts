import { loadEnv, loggerOptions } from '@wmsi/config';
import closeWithGrace from 'close-with-grace';
import { buildApi } from './app.js';
import { builtConsoleDir } from './console.js';
import { openApiDependencies } from './dependencies.js';

const env = loadEnv();
const started: { log?: { error(o: object, m: string): void } } = {};
const opened = await openApiDependencies({
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  prefix: env.REDIS_PREFIX,
  columnMappingFile: env.COLUMN_MAPPING_FILE,
  queuePartitions: env.QUEUE_PARTITIONS,
  webhook: { publicUrl: env.PUBLIC_URL, headerName: env.WEBHOOK_AUTH_HEADER },
  onError: (what) => (error) => started.log?.error({ err: error }, `${what} error`),
});
const consoleDir = builtConsoleDir();
const api = await buildApi({
  deps: opened.deps,
  logger: loggerOptions(env.LOG_LEVEL),
  rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
  authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
  consoleDir,
});
started.log = api.log;
await api.listen({ host: env.API_HOST, port: env.API_PORT });
api.log.info(`Client API: http://${env.API_HOST}:${env.API_PORT}/trpc (Authorization: Bearer <token>)`);
api.log.info(consoleDir !== undefined ? `Console: http://${env.API_HOST}:${env.API_PORT}/` : 'Console not built (npx nx run @wmsi/console:build): only the API is served');

closeWithGrace({ delay: 10_000, logger: api.log }, async ({ signal, err }) => {
  if (err) api.log.error({ err }, 'stopping after an unexpected error');
  else api.log.info(`${signal}: finishing in-flight calls`);
  // Change streams never end by themselves: after a second of grace they are cut, and clients
  // reconnect (to another API process) with their last event id, missing nothing.
  const cutStreams = setTimeout(() => api.server.closeAllConnections(), 1_000);
  await api.close();
  clearTimeout(cutStreams);
  await opened.close();
  api.log.info('stopped');
});
