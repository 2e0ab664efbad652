import type { AddressInfo } from 'node:net';
import type { ChangesTestbed } from '@wmsi/changes/testing';
import { buildApi, type ApiOptions } from '../app.js';
import { openApiDependencies } from '../dependencies.js';

/**
 * The real API (Fastify + tRPC) listening on a free loopback port, on a testbed's database and
 * key prefix, with its own Redis connections and change feed, as main.ts wires them.
 */
export async function startTestApi(
  bed: Pick<ChangesTestbed, 'databaseUrl' | 'prefix'>,
  options: { rateLimitPerMinute?: number; redisUrl?: string; consoleDir?: string; authFailuresPerMinute?: number; logger?: ApiOptions['logger'] } = {},
) {
  const opened = await openApiDependencies({
    databaseUrl: bed.databaseUrl,
    redisUrl: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: bed.prefix,
    onError: () => () => undefined,
  });
  const app = await buildApi({
    deps: opened.deps,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 10_000,
    // Tests present bad tokens on purpose: unlimited unless a test is about the limit.
    authFailuresPerMinute: options.authFailuresPerMinute ?? 1_000_000,
    consoleDir: options.consoleDir,
    logger: options.logger,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    deps: opened.deps,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
      await opened.close();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
