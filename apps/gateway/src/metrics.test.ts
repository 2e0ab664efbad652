import { addTopicStats } from '@wmsi/changes';
import { noCounts, recordRetentionRun } from '@wmsi/change-feed';
import { statsKey } from '@wmsi/queue';
import { startOwnRedisServer, type OwnRedisServer } from '@wmsi/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

/** The samples of one metric in a /metrics text: labels as `k=v,...` (in exposition order) to value. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => `${key}=${value}`).join(',');
    found.set(labels, Number(match[3]));
  }
  return found;
}

async function scrape(gateway: TestGateway): Promise<string> {
  const reply = await gateway.app.inject({ method: 'GET', url: '/metrics' });
  expect(reply.statusCode).toBe(200);
  return reply.body;
}

describe('GET /metrics: processing totals the workers keep in Redis', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => gateway?.close());

  it('exposes each topic’s counts, pairs by where, failures and lag, read from Redis at each scrape', async () => {
    const { background: redis, prefix } = gateway.bed;
    const counts = { ...noCounts(), applied: 3, duplicates: 1, stale: 2, pairsInNotification: 2, pairsAcrossNotifications: 1, parked: 4, removals: 1, quarantined: 1 };
    await addTopicStats(redis, prefix, 'stock-items', counts, [120, 80]);
    await redis.hincrby(statsKey(prefix, 'stock-items'), 'failures', 2); // as the worker does on a failed job

    const text = await scrape(gateway);
    const stockItems = (name: string) => samples(text, name).get('topic=stock-items');
    expect(stockItems('wmsi_changes_applied_total')).toBe(3);
    expect(stockItems('wmsi_changes_duplicates_total')).toBe(1);
    expect(stockItems('wmsi_changes_stale_total')).toBe(2);
    expect(stockItems('wmsi_changes_parked_total')).toBe(4);
    expect(stockItems('wmsi_changes_removals_total')).toBe(1);
    expect(stockItems('wmsi_changes_quarantined_total')).toBe(1);
    expect(stockItems('wmsi_jobs_failed_total')).toBe(2);
    expect(stockItems('wmsi_processing_lag_seconds_sum')).toBeCloseTo(0.2, 9);
    expect(stockItems('wmsi_processing_lag_seconds_count')).toBe(2);
    const pairs = samples(text, 'wmsi_changes_pairs_total');
    expect(pairs.get('topic=stock-items,where=in_notification')).toBe(2);
    expect(pairs.get('topic=stock-items,where=across_notifications')).toBe(1);
    // Every topic has its series, at zero until something is processed for it.
    expect(samples(text, 'wmsi_changes_applied_total').get('topic=purchase-orders')).toBe(0);
    expect(pairs.get('topic=purchase-orders,where=across_notifications')).toBe(0);
    expect(text).toMatch(/# HELP wmsi_changes_applied_total .*Total across all worker processes/);

    // Another worker process adds to the same totals; the next scrape reads them afresh.
    await addTopicStats(redis, prefix, 'stock-items', { ...noCounts(), applied: 2, pairsAcrossNotifications: 1 }, [300]);
    const next = await scrape(gateway);
    expect(samples(next, 'wmsi_changes_applied_total').get('topic=stock-items')).toBe(5);
    expect(samples(next, 'wmsi_changes_pairs_total').get('topic=stock-items,where=across_notifications')).toBe(2);
    expect(samples(next, 'wmsi_processing_lag_seconds_sum').get('topic=stock-items')).toBeCloseTo(0.5, 9);
    expect(samples(next, 'wmsi_processing_lag_seconds_count').get('topic=stock-items')).toBe(3);
  });

  it('shows what the retention job pruned per table, when it last ran and how long it took', async () => {
    const { background: redis, prefix } = gateway.bed;
    const before = await scrape(gateway);
    expect(samples(before, 'wmsi_retention_pruned_rows_total').get('table=quarantine')).toBe(0);
    expect(samples(before, 'wmsi_retention_last_run_timestamp_seconds').get('')).toBe(0);

    const pruned = { quarantine: 40, processed_notifications: 12_000, change_log: 1_000, document_history: 500 };
    await recordRetentionRun(redis, prefix, { pruned, finishedAt: 1_800_000_000_000, durationMs: 1_500 });
    await recordRetentionRun(redis, prefix, { pruned: { ...pruned, quarantine: 2 }, finishedAt: 1_800_003_600_000, durationMs: 250 });
    const text = await scrape(gateway);
    expect(samples(text, 'wmsi_retention_pruned_rows_total')).toEqual(
      new Map([['table=quarantine', 42], ['table=processed_notifications', 24_000], ['table=change_log', 2_000], ['table=document_history', 1_000]]),
    );
    expect(samples(text, 'wmsi_retention_last_pruned_rows').get('table=quarantine')).toBe(2);
    expect(samples(text, 'wmsi_retention_runs_total').get('')).toBe(2);
    expect(samples(text, 'wmsi_retention_last_run_timestamp_seconds').get('')).toBe(1_800_003_600);
    expect(samples(text, 'wmsi_retention_last_run_duration_seconds').get('')).toBe(0.25);
  });

  it('shows the intake backlog and queue depths next to them', async () => {
    const text = await scrape(gateway);
    expect(samples(text, 'wmsi_intake_backlog').get('')).toBe(0);
    expect(samples(text, 'wmsi_queue_jobs').get('queue=items,state=waiting')).toBe(0);
  });
});

describe('GET /metrics while Redis is down', () => {
  let redisServer: OwnRedisServer;
  let gateway: TestGateway;
  beforeAll(async () => {
    redisServer = await startOwnRedisServer({ appendOnly: true });
    gateway = await startTestGateway({ redisUrl: redisServer.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await redisServer?.destroy();
  });

  it('still answers, without the gauges read from Redis, and has them again once Redis is back', async () => {
    await addTopicStats(gateway.bed.background, gateway.bed.prefix, 'shipments', { ...noCounts(), applied: 7 }, [50]);
    expect(samples(await scrape(gateway), 'wmsi_changes_applied_total').get('topic=shipments')).toBe(7);

    await redisServer.stop({ crash: true });
    const started = Date.now();
    const down = await scrape(gateway);
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const name of ['wmsi_changes_applied_total', 'wmsi_changes_pairs_total', 'wmsi_processing_lag_seconds_sum', 'wmsi_intake_backlog', 'wmsi_queue_jobs']) {
      expect(samples(down, name).size, name).toBe(0);
    }
    // A gap, not a zero, and the rest of the scrape is there.
    expect(down).toMatch(/# TYPE wmsi_changes_applied_total gauge/);
    expect(down).toMatch(/# TYPE wmsi_webhook_received_total counter/);
    expect(down).toMatch(/process_cpu_user_seconds_total/);

    await redisServer.start();
    const deadline = Date.now() + 10_000;
    let applied: number | undefined;
    while (applied === undefined && Date.now() < deadline) {
      applied = samples(await scrape(gateway), 'wmsi_changes_applied_total').get('topic=shipments');
      if (applied === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(applied).toBe(7);
  });
});
