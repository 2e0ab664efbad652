import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface BacklogReading {
  intakeLength: number;
  oldestAcceptedMs: number | null;
  queues: Array<{ queue: string; state: string; count: number }>;
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one) so that
 * several apps can be built side by side in one test process.
 */
export function createGatewayMetrics(readBacklog?: () => Promise<BacklogReading>) {
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

  if (readBacklog) {
    // One reading per scrape, shared by the three gauges.
    let reading: Promise<BacklogReading> | undefined;
    const read = () => (reading ??= readBacklog().finally(() => setTimeout(() => (reading = undefined), 0)));
    new Gauge({
      name: 'wmsi_intake_backlog',
      help: 'Accepted notifications not yet on a domain queue.',
      registers: [registry],
      async collect() {
        this.set((await read()).intakeLength);
      },
    });
    new Gauge({
      name: 'wmsi_intake_oldest_age_seconds',
      help: 'Age of the oldest notification still in the intake (processing lag).',
      registers: [registry],
      async collect() {
        const oldest = (await read()).oldestAcceptedMs;
        this.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    });
    new Gauge({
      name: 'wmsi_queue_jobs',
      help: 'Jobs per domain queue and state.',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { queue, state, count } of (await read()).queues) this.set({ queue, state }, count);
      },
    });
  }
  return metrics;
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
