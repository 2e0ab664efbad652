import { RETAINED_TABLES, type RetentionStats } from '@wmsi/change-feed';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TopicStatsReading } from './topic-stats.js';

export interface BacklogReading {
  intakeLength: number;
  oldestAcceptedMs: number | null;
  queues: Array<{ queue: string; state: string; count: number }>;
}

/** Where the gauges read at scrape time come from; each is read once per scrape. */
export interface GatewayMetricSources {
  /** The intake backlog and the domain queues' depths. */
  readBacklog?: () => Promise<BacklogReading>;
  /** Every topic's processing totals, as the worker processes keep them in Redis. */
  readTopicStats?: () => Promise<TopicStatsReading[]>;
  /** The retention job's figures, as worker-maintenance keeps them in Redis. */
  readRetentionStats?: () => Promise<RetentionStats>;
  /** Told when a read failed or timed out (Redis down): that scrape goes without those gauges. */
  onReadError?: (what: string, error: unknown) => void;
  /** How long a scrape waits for a read before going without it. */
  readTimeoutMs?: number;
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one) so that
 * several apps can be built side by side in one test process.
 */
export function createGatewayMetrics(sources: GatewayMetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });

  const metrics = {
    registry,
    received: counter('wmsi_webhook_received_total', 'Webhook requests received, per topic.', ['topic']),
    accepted: counter('wmsi_webhook_accepted_total', 'Notifications stored durably and acknowledged with 202.', ['topic']),
    empty: counter('wmsi_webhook_empty_total', 'Notifications with no rows at all: acknowledged, nothing to do.', ['topic']),
    rejected: counter('wmsi_webhook_rejected_total', 'Webhook requests refused, per topic and reason.', ['topic', 'reason']),
    dispatched: counter('wmsi_intake_dispatched_total', 'Notifications moved from the intake to a domain queue.', ['queue']),
    ackSeconds: new Histogram({
      name: 'wmsi_webhook_ack_seconds',
      help: 'Time from request to 202, for accepted notifications.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    dispatchLagSeconds: new Histogram({
      name: 'wmsi_intake_dispatch_lag_seconds',
      help: 'Time from 202 to the notification being on its domain queue.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers: [registry],
    }),
  };

  const once = <T>(what: string, read: () => Promise<T>) => oncePerScrape(what, read, sources);

  if (sources.readBacklog) {
    const read = once('intake backlog', sources.readBacklog);
    new Gauge({
      name: 'wmsi_intake_backlog',
      help: 'Accepted notifications not yet on a domain queue.',
      registers: [registry],
      async collect() {
        const reading = await read();
        if (reading) this.set(reading.intakeLength);
        else this.remove();
      },
    });
    new Gauge({
      name: 'wmsi_intake_oldest_age_seconds',
      help: 'Age of the oldest notification still in the intake (processing lag).',
      registers: [registry],
      async collect() {
        const reading = await read();
        const oldest = reading?.oldestAcceptedMs;
        if (oldest === undefined) this.remove();
        else this.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    });
    new Gauge({
      name: 'wmsi_queue_jobs',
      help: 'Jobs per domain queue and state.',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { queue, state, count } of (await read())?.queues ?? []) this.set({ queue, state }, count);
      },
    });
  }

  if (sources.readTopicStats) {
    const read = once('topic stats', sources.readTopicStats);
    // Totals kept in Redis by every worker process together, so gauges set to the total at each
    // scrape: rate() and increase() work on them as on counters (the totals only ever grow).
    const totals = ' Total across all worker processes, kept in Redis and read at scrape time.';
    const perTopic = (name: string, help: string, value: (stats: TopicStatsReading) => number) =>
      new Gauge({
        name,
        help: help + totals,
        labelNames: ['topic'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const stats of (await read()) ?? []) this.set({ topic: stats.topic }, value(stats));
        },
      });
    perTopic('wmsi_changes_applied_total', 'Row changes written (inserts, updates and removals), per topic.', (s) => s.applied);
    perTopic('wmsi_changes_duplicates_total', 'Notifications already processed (redeliveries), per topic.', (s) => s.duplicates);
    perTopic('wmsi_changes_stale_total', 'Row changes skipped because the record holds a newer TimeStamp, per topic.', (s) => s.stale);
    new Gauge({
      name: 'wmsi_changes_pairs_total',
      help:
        'Updates made of a Deleted and an Inserted row, per topic: where="in_notification" when both came in one ' +
        'notification, where="across_notifications" when a parked Deleted row was claimed by a later one.' +
        totals,
      labelNames: ['topic', 'where'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const stats of (await read()) ?? []) {
          this.set({ topic: stats.topic, where: 'in_notification' }, stats.pairsInNotification);
          this.set({ topic: stats.topic, where: 'across_notifications' }, stats.pairsAcrossNotifications);
        }
      },
    });
    perTopic('wmsi_changes_parked_total', 'Lone Deleted rows parked for their pairing window, per topic.', (s) => s.parked);
    perTopic('wmsi_changes_removals_total', 'Parked rows whose window ended without a partner and removed their record, per topic.', (s) => s.removals);
    perTopic('wmsi_changes_quarantined_total', 'Bodies the workers could not read (kept in the quarantine table), per topic.', (s) => s.quarantined);
    perTopic('wmsi_jobs_failed_total', 'Failed job attempts (retried ones included) that carried notifications of the topic.', (s) => s.failures);
    perTopic(
      'wmsi_processing_lag_seconds_sum',
      'Sum of the lags from acceptance (202) to commit, per topic; divide by wmsi_processing_lag_seconds_count for the average.',
      (s) => s.lagMsSum / 1000,
    );
    perTopic('wmsi_processing_lag_seconds_count', 'Notifications whose lag from acceptance (202) to commit was measured, per topic.', (s) => s.lagCount);
  }
  if (sources.readRetentionStats) addRetentionGauges(registry, once('retention', sources.readRetentionStats));
  return metrics;
}

/** What worker-maintenance's retention job pruned, when it last ran and how long that took. */
function addRetentionGauges(registry: Registry, read: () => Promise<RetentionStats | undefined>): void {
  const gauge = (name: string, help: string, value: (stats: RetentionStats) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const stats = await read();
        // An unlabelled gauge always has its sample: 0 stands for "never ran"; no reading, no update.
        if (stats !== undefined) this.set(value(stats) ?? 0);
      },
    });
  const perTable = (name: string, help: string, value: (stats: RetentionStats) => Record<string, number>) =>
    new Gauge({
      name,
      help,
      labelNames: ['table'],
      registers: [registry],
      async collect() {
        this.reset();
        const stats = await read();
        if (stats !== undefined) for (const table of RETAINED_TABLES) this.set({ table }, value(stats)[table] ?? 0);
      },
    });
  perTable('wmsi_retention_pruned_rows_total', 'Rows the retention job deleted, per table, since the figures began (kept in Redis).', (s) => s.prunedTotal);
  perTable('wmsi_retention_last_pruned_rows', 'Rows the last finished retention run deleted, per table.', (s) => s.lastPruned);
  gauge('wmsi_retention_runs_total', 'Retention runs finished.', (s) => s.runs);
  gauge('wmsi_retention_failures_total', 'Retention runs that failed (each is retried; the next run prunes what one left).', (s) => s.failures);
  gauge('wmsi_retention_last_run_timestamp_seconds', 'When the last retention run finished (Unix time); 0 before the first.', (s) => (s.lastRunAt === null ? null : s.lastRunAt / 1000));
  gauge('wmsi_retention_last_run_duration_seconds', 'How long the last retention run took; 0 before the first.', (s) => (s.lastDurationMs === null ? null : s.lastDurationMs / 1000));
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/**
 * One reading per scrape, shared by the gauges it feeds (the registry collects them all at once).
 * A read that fails or times out (Redis down) gives undefined: those gauges have no samples in that
 * scrape, which still answers with everything else, and a graph shows a gap rather than a zero.
 */
function oncePerScrape<T>(what: string, read: () => Promise<T>, sources: GatewayMetricSources): () => Promise<T | undefined> {
  const timeoutMs = sources.readTimeoutMs ?? 3_000;
  let reading: Promise<T | undefined> | undefined;
  const readOrGiveUp = async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      sources.onReadError?.(what, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
  return () => (reading ??= readOrGiveUp().finally(() => setTimeout(() => (reading = undefined), 0)));
}
