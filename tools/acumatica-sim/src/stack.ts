import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@wmsi/queue/testing';

const appsRoot = fileURLToPath(new URL('../../../apps', import.meta.url));
const bundler = fileURLToPath(new URL('../../bootstrap/bundle.mjs', import.meta.url));

/** The node arguments of an app's `start` script (`node bundle/main.js` and any flags it sets). */
function startArguments(app: StackApp): string[] {
  const { scripts } = JSON.parse(readFileSync(`${appsRoot}/${app}/package.json`, 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`${app}'s start script does not run node: ${scripts.start}`);
  return args;
}

let bundling: Promise<unknown> | undefined;
/** Bundles every app once per process, as `npm start` does before it starts them. */
const bundleApps = () => (bundling ??= promisify(execFile)(process.execPath, [bundler, ...STACK_APPS.map((app) => `${appsRoot}/${app}`)]));

/** What runs an app as `npm start` does (node's arguments; its folder is the working directory). */
export async function npmStartArguments(app: StackApp): Promise<string[]> {
  await bundleApps();
  return startArguments(app);
}

export const STACK_APPS = ['gateway', 'worker-receiving', 'worker-fulfillment', 'worker-items', 'worker-adjustments', 'api'] as const;
export type StackApp = (typeof STACK_APPS)[number];

interface Running {
  child: ChildProcess;
  output: string;
  /** Highest VmHWM (peak resident set) seen for this app across its restarts, in MB. */
  peakRssMb: number;
}

/**
 * The whole of WMSi as `npm start` runs it (each app its own process, from its bundle) on a given
 * database, Redis and key prefix, with kill and restart per app for fault tests and benchmarks.
 */
export async function startStack(options: { databaseUrl: string; redisUrl: string; prefix: string; env?: Record<string, string>; apps?: readonly StackApp[] }) {
  const [gatewayPort, apiPort] = [await freePort(), await freePort()];
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.prefix,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(gatewayPort),
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const running = new Map<StackApp, Running>();

  const peakOf = (child: ChildProcess): number => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  };

  async function start(app: StackApp): Promise<void> {
    // BENCH_PROFILE_DIR=<folder>: every app writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, ...(await npmStartArguments(app))], {
      cwd: `${appsRoot}/${app}`,
      // A worker says it is ready at info level, which is how this knows it is up.
      env: app.startsWith('worker-') ? { ...env, LOG_LEVEL: 'info' } : env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const entry: Running = { child, output: '', peakRssMb: running.get(app)?.peakRssMb ?? 0 };
    running.set(app, entry);
    child.stdout?.on('data', (chunk) => (entry.output = (entry.output + chunk).slice(-20_000)));
    child.stderr?.on('data', (chunk) => (entry.output = (entry.output + chunk).slice(-20_000)));
    const ready = app === 'gateway' ? `${gatewayUrl}/healthz` : app === 'api' ? `${apiUrl}/healthz` : undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = ready === undefined ? entry.output.includes('worker ready') : await fetch(ready).then((r) => r.ok, () => false);
      if (up) return;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${app} did not start:\n${entry.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function stop(app: StackApp, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const entry = running.get(app);
    if (entry === undefined || entry.child.exitCode !== null || entry.child.signalCode !== null) return entry?.child.exitCode ?? null;
    entry.peakRssMb = Math.max(entry.peakRssMb, peakOf(entry.child));
    const exited = new Promise<number | null>((resolve) => entry.child.once('exit', (code) => resolve(code)));
    entry.child.kill(signal);
    // An app that does not stop within its grace period (30 s at most) is killed: a stack never
    // outlives the test or benchmark that started it.
    const hung = setTimeout(() => entry.child.kill('SIGKILL'), 30_000);
    return exited.finally(() => clearTimeout(hung));
  }

  const apps = options.apps ?? STACK_APPS;
  await Promise.all(apps.map(start));
  return {
    gatewayUrl,
    apiUrl,
    start,
    stop,
    /** SIGKILL, then start again: a crash and its restart. */
    async crash(app: StackApp): Promise<void> {
      await stop(app, 'SIGKILL');
      await start(app);
    },
    output: (app: StackApp) => running.get(app)?.output ?? '',
    /** Peak RSS per app so far, in MB (Linux: VmHWM). */
    peakRssMb(): Record<string, number> {
      return Object.fromEntries(
        [...running].map(([app, entry]) => [app, Math.round(Math.max(entry.peakRssMb, entry.child.exitCode === null ? peakOf(entry.child) : 0))]),
      );
    },
    pids: () => Object.fromEntries([...running].map(([app, entry]) => [app, entry.child.pid])),
    async stopAll(): Promise<Record<string, number | null>> {
      const codes = await Promise.all([...running.keys()].map(async (app) => [app, await stop(app)] as const));
      return Object.fromEntries(codes);
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
