import { freePort } from '@wmsi/queue/testing';
import { startApp, type RunningApp } from './app.js';
import { bundleApps, isWorkerApp, STACK_APPS, type StackApp, type WorkerApp } from './apps.js';

export interface StackOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** For every app (LOG_LEVEL, PAIRING_WINDOW_MS, QUEUE_PARTITIONS, ...). */
  env?: Record<string, string>;
  /** For one app, on top of `env`. */
  appEnv?: Partial<Record<StackApp, Record<string, string>>>;
  /** Which apps run (default: all of them). */
  apps?: readonly StackApp[];
  /** Processes per worker app (scale-out), default 1: `{ 'worker-fulfillment': 2 }`. */
  replicas?: Partial<Record<WorkerApp, number>>;
  /** Node flags for every app, before its start script's own (say CPU profiling). */
  nodeFlags?: readonly string[];
}

export interface Stack {
  readonly gatewayUrl: string;
  readonly apiUrl: string;
  /** The process names: each app, and `app#2`, `app#3`, ... for its further replicas. */
  instances(): string[];
  /** Starts every app of the stack (the first start also bundles them). */
  startAll(): Promise<void>;
  /** Starts an app (all of its replicas) that is not running. */
  start(app: StackApp): Promise<void>;
  /** Stops an app (all of its replicas); its exit code, the first that is not 0 with replicas. */
  stop(app: StackApp, signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL, then start again: a crash and its restart. */
  crash(app: StackApp): Promise<void>;
  /** What a process printed last (`replica` counts from 1). */
  output(app: StackApp, replica?: number): string;
  /** Peak RSS per process so far, across its restarts, in MB (Linux: VmHWM). */
  peakRssMb(): Record<string, number>;
  pids(): Record<string, number>;
  /** Stops every process (SIGTERM, SIGKILL after 30 s); the exit code of each. */
  stopAll(): Promise<Record<string, number | null>>;
}

/**
 * The whole of WMSi as `npm start` runs it, each app its own process from its bundle, on a given
 * database, Redis and key prefix, started and ready. Kill, crash and restart per app for fault
 * tests; peak RSS per process for benchmarks. If an app does not start, the others are stopped.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const stack = await createStack(options);
  await stack.startAll();
  return stack;
}

/**
 * A stack with its ports chosen, not started yet: for a caller that must be able to stop it while
 * it is still starting (a benchmark interrupted with Ctrl-C).
 */
export async function createStack(options: StackOptions): Promise<Stack> {
  const apps = options.apps ?? STACK_APPS;
  const ports = { gateway: await freePort(), api: await freePort() };
  const running = new Map<string, RunningApp>();
  // A process's peak stays in the figures after a crash replaced it.
  const earlierPeaks = new Map<string, number>();
  let bundled: Promise<void> | undefined;

  const replicas = (app: StackApp) => (isWorkerApp(app) ? Math.max(1, options.replicas?.[app] ?? 1) : 1);
  const instancesOf = (app: StackApp) => Array.from({ length: replicas(app) }, (_, i) => (i === 0 ? app : `${app}#${i + 1}`));
  const envOf = (app: StackApp) => ({
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.prefix,
    LOG_LEVEL: 'info',
    ...options.env,
    ...options.appEnv?.[app],
  });

  /** The running processes in the stack's order (apps as given, replicas in turn). */
  const inOrder = () =>
    apps.flatMap(instancesOf).flatMap((name) => {
      const launched = running.get(name);
      return launched === undefined ? [] : [[name, launched] as const];
    });

  function remember(name: string): void {
    const previous = running.get(name);
    if (previous !== undefined) earlierPeaks.set(name, Math.max(earlierPeaks.get(name) ?? 0, previous.peakRssMb()));
  }

  async function start(app: StackApp): Promise<void> {
    if (!apps.includes(app)) throw new Error(`${app} is not one of this stack's apps (${apps.join(', ')})`);
    await (bundled ??= bundleApps(apps));
    const started = await Promise.allSettled(
      instancesOf(app).map(async (name) => {
        if (running.get(name)?.isRunning()) return;
        const port = app === 'gateway' || app === 'api' ? ports[app] : undefined;
        const launched = await startApp(app, { env: envOf(app), port, name, nodeFlags: options.nodeFlags, bundled: true });
        remember(name);
        running.set(name, launched);
      }),
    );
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async function stop(app: StackApp, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const codes = await Promise.all(instancesOf(app).map((name) => running.get(name)?.stop(signal) ?? null));
    return codes.find((code) => code !== 0) ?? 0;
  }

  async function stopAll(): Promise<Record<string, number | null>> {
    return Object.fromEntries(await Promise.all(inOrder().map(async ([name, launched]) => [name, await launched.stop()] as const)));
  }

  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    instances: () => apps.flatMap(instancesOf),
    async startAll() {
      const started = await Promise.allSettled(apps.map(start));
      const failed = started.find((outcome) => outcome.status === 'rejected');
      if (failed === undefined) return;
      await stopAll();
      throw failed.reason;
    },
    start,
    stop,
    async crash(app) {
      await stop(app, 'SIGKILL');
      await start(app);
    },
    output: (app, replica = 1) => running.get(instancesOf(app)[replica - 1] ?? '')?.output() ?? '',
    peakRssMb: () =>
      Object.fromEntries(inOrder().map(([name, launched]) => [name, Math.round(Math.max(earlierPeaks.get(name) ?? 0, launched.peakRssMb()))])),
    pids: () => Object.fromEntries(inOrder().map(([name, launched]) => [name, launched.pid])),
    stopAll,
  };
}
