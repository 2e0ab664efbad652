import { startApp } from '@wmsi/stack';

/** The real gateway app as a child process (webhooks and its intake dispatcher), for end-to-end tests. */
export async function startGatewayProcess(env: { databaseUrl: string; prefix: string; redisUrl?: string }) {
  const gateway = await startApp('gateway', {
    env: {
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: env.prefix,
      LOG_LEVEL: 'warn',
    },
  });
  const { url } = gateway;
  return {
    url,
    post: (topic: string, key: string, body: string) =>
      fetch(`${url}/webhooks/acumatica/${topic}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body }),
    stop: async () => {
      await gateway.stop();
    },
  };
}
