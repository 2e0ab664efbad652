import type { Topic } from '@wmsi/contracts';
import { notificationJobOptions, type DomainQueue } from '@wmsi/queue';
import type { TopicTables } from '@wmsi/db';
import { accepted, createChangesTestbed } from './testbed.js';
import { startWorkerProcess } from './worker-process.js';

/**
 * Runs a worker app as a process on a fresh database and key prefix, puts one notification on its
 * queue, waits until it is applied, and stops the process with SIGTERM. Returns what the process
 * wrote to the change log and its exit code: enough to show the app is wired to its domain.
 */
export async function applyThroughWorkerApp(options: {
  appRoot: string;
  domain: DomainQueue;
  tables: readonly TopicTables[];
  topic: Topic;
  body: string;
}): Promise<{ changes: Array<{ topic: string; kind: string }>; exitCode: number | null; output: string }> {
  const bed = await createChangesTestbed({ domain: options.domain, tables: options.tables });
  try {
    const worker = await startWorkerProcess(options.appRoot, {
      DATABASE_URL: bed.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: bed.prefix,
      WORKER_LOCK_MS: '1000',
    });
    await bed.queue.add(options.domain, { notifications: [accepted(options.topic, options.body)] }, notificationJobOptions);
    const deadline = Date.now() + 15_000;
    while ((await bed.changeLog()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const exitCode = await worker.kill('SIGTERM');
    const changes = (await bed.changeLog()).map((change) => ({ topic: change.topic, kind: change.kind }));
    return { changes, exitCode, output: worker.output() };
  } finally {
    await bed.cleanup();
  }
}
