import { freePort } from '@wmsi/queue/testing';
import { appFolder, isWorkerApp, npmStartArguments, startScriptArguments, type StackApp } from './apps.js';
import { startProcess, type RunningProcess } from './process.js';

export interface AppOptions {
  /** On top of this process's environment: DATABASE_URL, REDIS_URL, REDIS_PREFIX, LOG_LEVEL, ... */
  env?: Record<string, string>;
  /** gateway and api: the loopback port to listen on; a free one when not given. */
  port?: number;
  /** Its name in messages and peak RSS figures (default: the app; replicas are `app#2`, ...). */
  name?: string;
  /** Node flags before the start script's own (say --cpu-prof). */
  nodeFlags?: readonly string[];
  /** The caller bundled the app already (a stack bundles all of its apps at once). */
  bundled?: boolean;
  readyTimeoutMs?: number;
}

export interface RunningApp extends RunningProcess {
  readonly app: StackApp;
  /** gateway and api: where it listens. */
  readonly url?: string;
}

/** The variables an app that serves HTTP listens by. */
const LISTEN_ENV = { gateway: ['GATEWAY_HOST', 'GATEWAY_PORT'], api: ['API_HOST', 'API_PORT'] } as const;
/** Levels that would hide the info line a worker says it is ready with. */
const QUIET_LEVELS = new Set(['warn', 'error', 'fatal', 'silent']);

/**
 * One app as `npm start` runs it (its bundle, with its start script's flags, in its folder), ready
 * when it is: gateway and api once /healthz answers, a worker once it logged "worker ready".
 */
export async function startApp(app: 'gateway' | 'api', options?: AppOptions): Promise<RunningApp & { url: string }>;
export async function startApp(app: StackApp, options?: AppOptions): Promise<RunningApp>;
export async function startApp(app: StackApp, options: AppOptions = {}): Promise<RunningApp> {
  const args = options.bundled ? startScriptArguments(app) : await npmStartArguments(app);
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  let url: string | undefined;
  if (!isWorkerApp(app)) {
    const port = options.port ?? (await freePort());
    const [hostVariable, portVariable] = LISTEN_ENV[app];
    Object.assign(env, { [hostVariable]: '127.0.0.1', [portVariable]: String(port) });
    url = `http://127.0.0.1:${port}`;
  } else if (QUIET_LEVELS.has(env.LOG_LEVEL ?? 'info')) {
    env.LOG_LEVEL = 'info';
  }
  const running = await startProcess({
    name: options.name ?? app,
    args: [...(options.nodeFlags ?? []), ...args],
    cwd: appFolder(app),
    env,
    ready: url === undefined ? { logLine: 'worker ready' } : { url: `${url}/healthz` },
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return Object.assign(running, { app, url });
}
