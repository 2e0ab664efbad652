/** What processing did, counted per topic: the figures `sync.status` and /metrics report. */
export interface ChangeCounts {
  /** Row changes written (inserts, updates and removals). */
  applied: number;
  /** Notifications already processed (redeliveries). */
  duplicates: number;
  /** Row changes skipped because the record holds a newer TimeStamp. */
  stale: number;
  /** Updates whose Deleted and Inserted halves came in one notification. */
  pairsInNotification: number;
  /** Updates whose halves came in separate notifications (a parked Deleted claimed). */
  pairsAcrossNotifications: number;
  /** Lone Deleted rows parked for their pairing window. */
  parked: number;
  /** Parked rows whose window ended without a partner and that removed their record. */
  removals: number;
  /** Bodies the worker could not read (kept in the quarantine table). */
  quarantined: number;
}

/** Per topic, besides the counts: how the work went. */
export const EFFORT_NAMES = ['received', 'failures', 'retries', 'deadlocks'] as const;

export const COUNT_NAMES = [
  'applied',
  'duplicates',
  'stale',
  'pairsInNotification',
  'pairsAcrossNotifications',
  'parked',
  'removals',
  'quarantined',
] as const satisfies ReadonlyArray<keyof ChangeCounts>;

export function noCounts(): ChangeCounts {
  return Object.fromEntries(COUNT_NAMES.map((name) => [name, 0])) as unknown as ChangeCounts;
}

export function addCounts(total: ChangeCounts, more: Partial<ChangeCounts>): ChangeCounts {
  for (const name of COUNT_NAMES) total[name] += more[name] ?? 0;
  return total;
}
