import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorNotice } from '../../components/error-notice';
import { formatTime } from '../../components/format';
import { LoadMore } from '../../components/pager';
import { useSession } from '../../session/session';
import { useTRPC } from '../../trpc/react';

const DOMAINS = ['receiving', 'fulfillment', 'items', 'adjustments'] as const;
type Domain = (typeof DOMAINS)[number];
const isDomain = (value: string | null): value is Domain => DOMAINS.includes(value as Domain);

/** Jobs that kept failing, per domain queue, with their reason; replay one, or all that match. */
export function DeadLettersScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const domainParam = params.get('domain');
  const domain: Domain = isDomain(domainParam) ? domainParam : 'receiving';
  const reason = params.get('reason') ?? '';
  const [typedReason, setTypedReason] = useState(reason);
  const filter = { domain, ...(reason ? { reason } : {}) };
  const list = useInfiniteQuery(trpc.sync.deadLetters.infiniteQueryOptions({ ...filter, limit: 25 }, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() });
  const replayOne = useMutation(trpc.sync.replay.mutationOptions({ onSuccess: refresh }));
  const replayAll = useMutation(trpc.sync.replayDeadLetters.mutationOptions({ onSuccess: refresh }));
  const jobs = list.data?.pages.flatMap((page) => page.items) ?? [];
  const isAdmin = session?.role === 'admin';

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setParams(typedReason.trim() ? { domain, reason: typedReason.trim() } : { domain }, { replace: true });
  };

  return (
    <section aria-labelledby="dead-letters-title">
      <h1 id="dead-letters-title">Dead letters</h1>
      <form className="filters" onSubmit={apply}>
        <label>
          Queue
          <select value={domain} onChange={(e) => setParams(reason ? { domain: e.target.value, reason } : { domain: e.target.value }, { replace: true })}>
            {DOMAINS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reason contains
          <input value={typedReason} onChange={(e) => setTypedReason(e.target.value)} placeholder="deadlock, connection…" />
        </label>
        <button type="submit">Filter</button>
      </form>
      {isAdmin && jobs.length > 0 && (
        <p>
          <button type="button" disabled={replayAll.isPending} onClick={() => replayAll.mutate(filter)}>
            Replay all matching
          </button>
        </p>
      )}
      <ErrorNotice error={replayAll.error ?? replayOne.error} prefix="Not replayed" />
      {replayAll.data && <p role="status">{replayAll.data.replayed} job(s) back on the {replayAll.data.domain} queue.</p>}
      {replayOne.data && <p role="status">Job {replayOne.data.jobId} is back on its queue.</p>}
      <ErrorNotice error={list.error} />
      {list.isSuccess && jobs.length === 0 ? (
        <p>No dead letters in the {domain} queue{reason ? ` with “${reason}”` : ''}.</p>
      ) : (
        <table aria-label="Dead letters">
          <thead>
            <tr>
              <th scope="col">Failed</th>
              <th scope="col">Job</th>
              <th scope="col">Reason</th>
              <th scope="col">Attempts</th>
              <th scope="col">Notifications</th>
              {isAdmin && <th scope="col">Replay</th>}
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.jobId}>
                <td>{formatTime(job.failedAt)}</td>
                <td>{job.jobId}</td>
                <td className="message">{job.reason}</td>
                <td>{job.attempts}</td>
                <td>{job.parkedKey ? 'pairing window' : job.notifications.map((n) => `${n.topic} ${n.intakeId}`).join(', ')}</td>
                {isAdmin && (
                  <td>
                    <button type="button" aria-label={`Replay job ${job.jobId}`} disabled={replayOne.isPending} onClick={() => replayOne.mutate({ domain: job.domain, jobId: job.jobId })}>
                      Replay
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {jobs.length > 0 && <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} what="dead letters" />}
    </section>
  );
}
