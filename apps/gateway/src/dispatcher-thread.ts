/**
 * The intake dispatcher, in a worker thread of the gateway process: moving entries to BullMQ costs
 * CPU (serializing jobs, BullMQ's scripts), and on the gateway's own event loop it would slow the
 * webhook replies that Acumatica is waiting for.
 */
import { readlinkSync } from 'node:fs';
import { hostname, setPriority } from 'node:os';
import { parentPort, threadId } from 'node:worker_threads';
import { loadEnv } from '@wmsi/config';
import { startIntakeDispatcher } from '@wmsi/intake';
import { closeDomainQueues, connectForBackgroundWork, intakeKeys, openDomainQueues } from '@wmsi/queue';

// Nice 19 starved it once the workers, PostgreSQL and the API kept both cores busy: at 100/s a
// notification waited 141 ms (p50) to be dispatched, 54 ms at nice 5; at 500/s 1.2 s, 121 ms.
const DISPATCHER_NICE = 5;

export type DispatcherMessage =
  | { type: 'dispatched'; domain: string; count: number; oldestAcceptedAt: string }
  | { type: 'error'; message: string }
  | { type: 'stopped' };

yieldToRequests();

const port = parentPort;
if (!port) throw new Error('dispatcher-thread.ts runs as a worker thread of the gateway');
const tell = (message: DispatcherMessage) => port.postMessage(message);
const reportError = (error: unknown) => tell({ type: 'error', message: error instanceof Error ? error.message : String(error) });

const env = loadEnv();
const readerRedis = connectForBackgroundWork(env.REDIS_URL, reportError);
const queueRedis = connectForBackgroundWork(env.REDIS_URL, reportError);
const queues = openDomainQueues(queueRedis, env.REDIS_PREFIX, env.QUEUE_PARTITIONS);
const dispatcher = startIntakeDispatcher({
  redis: readerRedis,
  queues,
  keys: intakeKeys(env.REDIS_PREFIX),
  consumer: `${hostname()}-${process.pid}-${threadId}`,
  onDispatched: (batch) => tell({ type: 'dispatched', ...batch }),
  onError: reportError,
});

/**
 * Under a burst, CPU goes to answering Acumatica first: the intake is durable, so the dispatcher can
 * fall behind and catch up afterwards. On Linux a thread has its own nice value; elsewhere this is
 * a no-op.
 */
function yieldToRequests(): void {
  try {
    const threadIdOnLinux = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadIdOnLinux)) setPriority(threadIdOnLinux, DISPATCHER_NICE);
  } catch {
    // not Linux, or not allowed: the dispatcher runs at the gateway's priority
  }
}

port.once('message', async () => {
  await dispatcher.stop();
  await closeDomainQueues(queues);
  await Promise.all([readerRedis.quit(), queueRedis.quit()].map((quit) => quit.catch(() => undefined)));
  tell({ type: 'stopped' });
});
