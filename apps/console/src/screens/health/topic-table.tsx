import { formatAge, formatTime } from '../../components/format';
import type { Outputs } from '../../trpc/react';

type Topic = Outputs['sync']['status']['topics'][number];

/** Per topic: what came in, what WMSi made of it, and how late. */
export function TopicTable({ topics }: { topics: readonly Topic[] }) {
  return (
    <table aria-label="Topics">
      <thead>
        <tr>
          <th scope="col">Topic</th>
          <th scope="col">Received</th>
          <th scope="col">Applied</th>
          <th scope="col">Duplicates</th>
          <th scope="col">Stale</th>
          <th scope="col">Pairs</th>
          <th scope="col">Removals</th>
          <th scope="col">Quarantined</th>
          <th scope="col">Failures</th>
          <th scope="col">Last received</th>
          <th scope="col">Last applied</th>
          <th scope="col">Lag</th>
        </tr>
      </thead>
      <tbody>
        {topics.map((t) => (
          <tr key={t.topic}>
            <th scope="row">{t.topic}</th>
            <td>{t.received}</td>
            <td>{t.applied}</td>
            <td>{t.duplicates}</td>
            <td>{t.stale}</td>
            <td title="in one notification + across two">{t.pairs.inNotification + t.pairs.acrossNotifications}</td>
            <td>{t.removals}</td>
            <td className={t.quarantined > 0 ? 'warn' : undefined}>{t.quarantined}</td>
            <td className={t.failedAttempts > 0 ? 'warn' : undefined}>{t.failedAttempts}</td>
            <td>{formatTime(t.lastReceivedAt)}</td>
            <td>{formatTime(t.lastAppliedAt)}</td>
            <td>{formatAge(t.averageLagMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
