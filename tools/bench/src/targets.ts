/** The targets of issue 12 ("Live under load"), as the report judges them. */
export const TARGETS = {
  /** Notifications/s sustained end to end with the simulator's mix, and the stretch. */
  sustainedRate: 1000,
  stretchRate: 2000,
  /** How long a rate must hold. */
  sustainedSeconds: 60,
  /** p99 from 202 to change event (removals excluded) at a given rate. */
  p99AtRate: [
    { rate: 500, p99Ms: 250 },
    { rate: 100, p99Ms: 100 },
  ],
  /** Worker rows/s against PostgreSQL's own batched upsert, same run. */
  workerApplyRatio: 0.25,
  intakeThroughputRatio: 0.7,
  intakeP99Ratio: 2,
  gatewayRssMb: 150,
  workerRssMb: 200,
} as const;
