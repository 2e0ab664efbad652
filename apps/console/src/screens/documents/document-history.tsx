import { useInfiniteQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../components/error-notice';
import { formatTime } from '../../components/format';
import { LoadMore } from '../../components/pager';
import type { Topic } from '../../components/topics';
import { useTRPC } from '../../trpc/react';

const OUTCOME_WORDS: Record<string, string> = {
  applied: 'applied',
  duplicate: 'duplicate: already applied, nothing changed',
  stale: 'stale: older than what WMSi holds, skipped',
  parked: 'parked: a Deleted half waiting for its Inserted half',
  removal: 'removal: the row left the inquiry',
  quarantined: 'quarantined: refused, kept for replay',
};

const rowText = (rowKey: Record<string, unknown>) =>
  Object.entries(rowKey)
    .filter(([field]) => field === 'lineNbr')
    .map(([, value]) => `line ${String(value)}`)
    .join('') || 'header';

/**
 * "Why does the WMS show this?": every ERP transaction that touched the document, with what WMSi
 * decided (newest first), then the changes it applied, field by field.
 */
export function DocumentHistory({ topic, documentKey }: { topic: Topic; documentKey: Record<string, string> }) {
  const trpc = useTRPC();
  const input = { topic, documentKey, limit: 20 };
  const decisions = useInfiniteQuery(trpc.documents.history.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
  const changes = useInfiniteQuery(trpc.documents.changeLog.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
  const decided = decisions.data?.pages.flatMap((page) => page.items) ?? [];
  const applied = changes.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <h2>History</h2>
      <ErrorNotice error={decisions.error} />
      {decisions.isSuccess && decided.length === 0 ? (
        <p>No ERP transaction recorded for this document yet.</p>
      ) : (
        <table aria-label="History">
          <thead>
            <tr>
              <th scope="col">Decided</th>
              <th scope="col">ERP TimeStamp</th>
              <th scope="col">Notification Id</th>
              <th scope="col">WMSi decided</th>
              <th scope="col">Rows</th>
            </tr>
          </thead>
          <tbody>
            {decided.map((entry) => (
              <tr key={entry.id}>
                <td>{formatTime(entry.decidedAt)}</td>
                <td>{entry.sourceTimestamp}</td>
                <td>{entry.notificationId}</td>
                <td>{OUTCOME_WORDS[entry.outcome] ?? entry.outcome}</td>
                <td>{(entry.changes as Array<{ rowKey: Record<string, unknown>; kind: string }>).map((c) => `${rowText(c.rowKey)}: ${c.kind}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {decided.length > 0 && <LoadMore hasMore={decisions.hasNextPage} loading={decisions.isFetchingNextPage} onMore={() => void decisions.fetchNextPage()} what="history" />}

      <h2>Applied changes</h2>
      <ErrorNotice error={changes.error} />
      {changes.isSuccess && applied.length === 0 ? (
        <p>No change applied yet.</p>
      ) : (
        <table aria-label="Applied changes">
          <thead>
            <tr>
              <th scope="col">Applied</th>
              <th scope="col">ERP TimeStamp</th>
              <th scope="col">Notification Id</th>
              <th scope="col">Row</th>
              <th scope="col">Kind</th>
              <th scope="col">What changed</th>
            </tr>
          </thead>
          <tbody>
            {applied.map((change) => (
              <tr key={change.seq}>
                <td>{formatTime(change.appliedAt)}</td>
                <td>{change.sourceTimestamp}</td>
                <td>{change.notificationId}</td>
                <td>{rowText(change.rowKey as Record<string, unknown>)}</td>
                <td>{change.kind}</td>
                <td>{fieldsChanged(change.before as Record<string, unknown> | null, change.after as Record<string, unknown> | null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {applied.length > 0 && <LoadMore hasMore={changes.hasNextPage} loading={changes.isFetchingNextPage} onMore={() => void changes.fetchNextPage()} what="changes" />}
    </>
  );
}

function fieldsChanged(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string {
  if (before === null) return 'new';
  if (after === null) return 'left the inquiry';
  const fields = Object.keys({ ...before, ...after }).filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  return fields.map((field) => `${field} ${String(before[field] ?? '—')} → ${String(after[field] ?? '—')}`).join('; ') || '(no field changed)';
}
