import { cell, formatTime, keyLabel } from '../../components/format';
import { changedFields, type FeedEvent } from './feed-event';

/** Changes, newest first: when, what document and row, and what changed. */
export function ChangeTable({ events, label }: { events: readonly FeedEvent[]; label: string }) {
  if (events.length === 0) return <p>No changes yet: they appear here as the workers apply them.</p>;
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Applied</th>
          <th scope="col">Topic</th>
          <th scope="col">Kind</th>
          <th scope="col">Document</th>
          <th scope="col">Row</th>
          <th scope="col">Warehouse</th>
          <th scope="col">ERP TimeStamp</th>
          <th scope="col">What changed</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={`${event.topic}:${JSON.stringify(event.rowKey)}:${event.sourceTimestamp}:${event.kind}:${event.appliedAt}`}>
            <td>{formatTime(event.appliedAt)}</td>
            <td>{event.topic}</td>
            <td>{event.kind}</td>
            <td>{keyLabel(event.documentKey)}</td>
            <td>{rowLabel(event)}</td>
            <td>{cell(event.warehouse)}</td>
            <td>{event.sourceTimestamp}</td>
            <td>{event.kind === 'update' ? changedFields(event).join('; ') || '(no field changed)' : event.kind === 'insert' ? 'new' : 'left the inquiry'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The part of the row key beyond the document key (a line number), or "header". */
function rowLabel(event: FeedEvent): string {
  const extra = Object.entries(event.rowKey).filter(([field]) => !(field in event.documentKey));
  return extra.length === 0 ? 'header' : extra.map(([field, value]) => `${field === 'lineNbr' ? 'line' : field} ${String(value)}`).join(', ');
}
