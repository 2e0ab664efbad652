import { loadEnv, loggerOptions } from '@wmsi/config';
import { PartitionCountError, type DomainQueue } from '@wmsi/queue';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { startDomainWorker } from './domain-worker.js';

/**
 * The whole life of a worker app's process: config, start, and a graceful stop on SIGTERM/SIGINT
 * (the jobs in hand finish; a job cut short by a crash is retried by BullMQ, exactly once in effect).
 */
export async function runDomainWorkerProcess(domain: DomainQueue): Promise<void> {
  const env = loadEnv();
  const logger = pino({ name: `worker-${domain}`, ...loggerOptions(env.LOG_LEVEL) });
  let running;
  try {
    running = await startDomainWorker({ domain, env, logger });
  } catch (error) {
    // A configuration the queues cannot run with: say what to do, without a stack.
    if (!(error instanceof PartitionCountError)) throw error;
    logger.fatal(error.message);
    process.exitCode = 1;
    return;
  }
  closeWithGrace({ delay: 20_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'stopping after an unexpected error');
    else logger.info(`${signal}: finishing the jobs in hand`);
    await running.close();
    logger.info('stopped');
  });
}
