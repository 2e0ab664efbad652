import { DOMAINS, TOPICS, type Topic } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import { issueApiKey } from '@wmsi/intake';
import { deadlinesKey } from '@wmsi/pairing';
import { connectForBackgroundWork, intakeKeys, openQueuesInUse, statsKey } from '@wmsi/queue';
import { issueToken } from '@wmsi/trpc';

/** One API key per topic and an admin token, as an integrator would set WMSi up for a demo. */
export async function issueCredentials(db: Database, redisUrl: string, prefix: string) {
  const redis = connectForBackgroundWork(redisUrl, () => undefined);
  try {
    const keys: Partial<Record<Topic, string>> = {};
    for (const topic of TOPICS) keys[topic] = (await issueApiKey({ db, redis, keys: intakeKeys(prefix) }, topic, 'acumatica-sim')).key;
    const { token } = await issueToken(db, 'admin', 'acumatica-sim');
    return { keys, token };
  } finally {
    redis.disconnect();
  }
}

/**
 * Waits until WMSi has nothing left to do: the intake empty, no job waiting, active or delayed
 * (pairing windows ended), and no stats changing for a moment.
 */
export async function waitUntilSettled(redisUrl: string, prefix: string, timeoutMs = 120_000): Promise<void> {
  const redis = connectForBackgroundWork(redisUrl, () => undefined);
  const queues = await openQueuesInUse(redis, prefix);
  try {
    const deadline = Date.now() + timeoutMs;
    let quietSince = 0;
    let last = '';
    let state = '';
    while (Date.now() < deadline) {
      const backlog = await redis.xlen(intakeKeys(prefix).stream);
      const jobs = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
      // Parked rows wait for their pairing window in each domain's deadlines.
      const parked = (await Promise.all(DOMAINS.map((domain) => redis.zcard(deadlinesKey(prefix, domain))))).reduce((a, b) => a + b, 0);
      const pending = parked + jobs.reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0);
      state = `intake ${backlog}, parked ${parked}, jobs ${JSON.stringify(queues.map((queue, i) => [queue.name, jobs[i]]))}`;
      const stats = JSON.stringify(await Promise.all(TOPICS.map((topic) => redis.hget(statsKey(prefix, topic), 'applied'))));
      if (backlog === 0 && pending === 0 && stats === last) {
        quietSince ||= Date.now();
        if (Date.now() - quietSince > 1_000) return;
      } else {
        quietSince = 0;
      }
      last = stats;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`WMSi did not settle within ${timeoutMs} ms: ${state}`);
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    redis.disconnect();
  }
}
