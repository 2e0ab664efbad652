import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@wmsi/queue/testing';

const gatewayRoot = fileURLToPath(new URL('../../../gateway', import.meta.url));

/** The real gateway app as a child process (webhooks and its intake dispatcher), for end-to-end tests. */
export async function startGatewayProcess(env: { databaseUrl: string; prefix: string; redisUrl?: string }) {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: gatewayRoot,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: env.prefix,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    post: (topic: string, key: string, body: string) =>
      fetch(`${url}/webhooks/acumatica/${topic}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
