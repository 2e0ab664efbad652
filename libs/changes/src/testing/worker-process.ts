import { basename } from 'node:path';
import { STACK_APPS, startApp, type StackApp } from '@wmsi/stack';

export interface WorkerProcess {
  readonly pid: number;
  /** Everything it printed so far (the last 200,000 characters). */
  output(): string;
  /** Sends the signal and waits for the end (SIGKILL after 30 s); the exit code. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * A real worker app as a child process, as `npm start` runs it (see @wmsi/stack), ready once it
 * logged "worker ready". `appRoot` is the app's folder (apps/worker-receiving, ...).
 */
export async function startWorkerProcess(appRoot: string, env: Record<string, string>): Promise<WorkerProcess> {
  const app = basename(appRoot.replace(/[\\/]+$/, ''));
  if (!(STACK_APPS as readonly string[]).includes(app)) throw new Error(`${appRoot} is not an app folder (${STACK_APPS.join(', ')})`);
  const worker = await startApp(app as StackApp, { env: { LOG_LEVEL: 'info', ...env } });
  return { pid: worker.pid, output: worker.output, kill: (signal) => worker.stop(signal) };
}
