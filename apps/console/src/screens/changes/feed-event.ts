import type { Topic } from '../../components/topics';

/**
 * A change as `sync.changes` delivers it. Only these fields are relied on: the event id is opaque
 * (the feed resumes from it, nothing else), quantities are decimal strings.
 */
export interface FeedEvent {
  topic: Topic;
  kind: 'insert' | 'update' | 'removal';
  rowKey: Record<string, unknown>;
  documentKey: Record<string, unknown>;
  warehouse: string | null;
  sourceTimestamp: string;
  appliedAt: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The fields an update changed, "orderQty 10 → 3"; every field for an insert or a removal. */
export function changedFields(event: FeedEvent): string[] {
  const before = event.before ?? {};
  const after = event.after ?? {};
  if (event.kind !== 'update') return [];
  return Object.keys({ ...before, ...after })
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => `${field} ${show(before[field])} → ${show(after[field])}`);
}

const show = (value: unknown) => (value === undefined ? '(not sent)' : value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Whether two document keys name the same document (values compared as text, trimmed). */
export function sameDocument(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (String(a[key] ?? '').trim() !== String(b[key] ?? '').trim()) return false;
  return true;
}
