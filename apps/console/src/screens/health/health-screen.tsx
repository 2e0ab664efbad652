import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { formatAge } from '../../components/format';
import { useTRPC } from '../../trpc/react';
import { LagChart } from './lag-chart';
import { intervals, remember, sampleOf, type StatusSample } from './rate-history';
import { TopicTable } from './topic-table';

const POLL_MS = 2_000;

/** The integration at a glance: per topic, the intake, the queues, and a live chart. */
export function HealthScreen() {
  const trpc = useTRPC();
  const status = useQuery(trpc.sync.status.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const [samples, setSamples] = useState<StatusSample[]>([]);
  const { data, dataUpdatedAt } = status;
  useEffect(() => {
    if (data !== undefined) setSamples((kept) => remember(kept, sampleOf(dataUpdatedAt, data.topics)));
  }, [data, dataUpdatedAt]);

  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Health</h1>
      <ErrorNotice error={status.error} prefix="Status unavailable" />
      {data === undefined ? (
        <p>Loading…</p>
      ) : (
        <>
          <p role="status" className={data.healthy ? 'ok' : 'warn'}>
            {data.healthy ? 'Healthy: nothing needs attention.' : `${data.problems.length} problem(s) need attention.`}
          </p>
          {data.problems.length > 0 && (
            <ul aria-label="Problems">
              {data.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
          <TopicTable topics={data.topics} />
          <h2>Throughput and lag</h2>
          <LagChart points={intervals(samples)} now={dataUpdatedAt} />
          <h2>Intake and queues</h2>
          <p>
            Intake backlog: <strong>{data.intake.backlog}</strong> notification(s)
            {data.intake.oldestAgeMs === null ? ': nothing waits to be dispatched.' : `, the oldest ${formatAge(data.intake.oldestAgeMs)} old.`}
          </p>
          <table aria-label="Queues">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Waiting</th>
                <th scope="col">Active</th>
                <th scope="col">Delayed</th>
                <th scope="col">Dead letters</th>
              </tr>
            </thead>
            <tbody>
              {data.queues.map((q) => (
                <tr key={q.domain}>
                  <th scope="row">{q.domain}</th>
                  <td>{q.waiting}</td>
                  <td>{q.active}</td>
                  <td>{q.delayed}</td>
                  <td className={q.failed > 0 ? 'warn' : undefined}>{q.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
