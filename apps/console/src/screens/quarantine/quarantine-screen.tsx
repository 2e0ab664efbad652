import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorNotice } from '../../components/error-notice';
import { formatTime } from '../../components/format';
import { LoadMore } from '../../components/pager';
import { isTopic, TOPICS } from '../../components/topics';
import { useSession } from '../../session/session';
import { useTRPC } from '../../trpc/react';
import { ReplayActionPanel } from './replay-action-panel';

export const REASONS = ['invalid-rows', 'invalid-envelope', 'unparseable-json'] as const;

/** Refused notifications, newest first, filtered on the server, with a replay of the filtered set. */
export function QuarantineScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const topic = params.get('topic');
  const reason = params.get('reason') ?? '';
  const notificationId = params.get('id') ?? '';
  const includeReplayed = params.get('all') === '1';
  const [typedId, setTypedId] = useState(notificationId);
  const filter = { ...(isTopic(topic) ? { topic } : {}), ...(reason ? { reason } : {}), ...(notificationId ? { notificationId } : {}) };
  const list = useInfiniteQuery(
    trpc.sync.quarantine.infiniteQueryOptions({ ...filter, pendingOnly: !includeReplayed, limit: 25 }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const [actionId, setActionId] = useState<string | null>(null);
  const replaySet = useMutation(
    trpc.sync.replayQuarantined.mutationOptions({
      onSuccess: (action) => {
        setActionId(action.id);
        void queryClient.invalidateQueries({ queryKey: trpc.sync.quarantine.pathKey() });
      },
    }),
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  const setParam = (name: string, value: string) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    }, { replace: true });
  const searchId = (event: FormEvent) => {
    event.preventDefault();
    setParam('id', typedId.trim());
  };

  return (
    <section aria-labelledby="quarantine-title">
      <h1 id="quarantine-title">Quarantine</h1>
      <form className="filters" onSubmit={searchId}>
        <label>
          Topic
          <select value={isTopic(topic) ? topic : ''} onChange={(e) => setParam('topic', e.target.value)}>
            <option value="">All topics</option>
            {TOPICS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reason
          <select value={reason} onChange={(e) => setParam('reason', e.target.value)}>
            <option value="">All reasons</option>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Notification Id
          <input value={typedId} onChange={(e) => setTypedId(e.target.value)} placeholder="as shown on SM502000" />
        </label>
        <button type="submit">Find</button>
        <label className="inline">
          <input type="checkbox" checked={includeReplayed} onChange={(e) => setParam('all', e.target.checked ? '1' : '')} />
          Include replayed
        </label>
      </form>
      {session?.role === 'admin' && (
        <p>
          <button type="button" disabled={replaySet.isPending} onClick={() => replaySet.mutate({ filter })}>
            Replay all matching
          </button>{' '}
          <span className="hint">Sends every pending body this filter selects through the intake again, as one action.</span>
        </p>
      )}
      <ErrorNotice error={replaySet.error} prefix="Replay refused" />
      {actionId && <ReplayActionPanel actionId={actionId} />}
      <ErrorNotice error={list.error} />
      {list.isPending && <p>Loading…</p>}
      {list.isSuccess && items.length === 0 && <p>Nothing in quarantine{Object.keys(filter).length > 0 ? ' for this filter' : ''}.</p>}
      {items.length > 0 && (
        <table aria-label="Quarantined notifications">
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Topic</th>
              <th scope="col">Reason</th>
              <th scope="col">Notification Id</th>
              <th scope="col">Message</th>
              <th scope="col">Bytes</th>
              <th scope="col">Replayed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>
                  <Link to={`/quarantine/${item.id}`} aria-label={`Quarantined #${item.id}`}>
                    {formatTime(item.receivedAt)}
                  </Link>
                </td>
                <td>{item.topic}</td>
                <td>{item.reason}</td>
                <td>{item.notificationId ?? '—'}</td>
                <td className="message">{item.message}</td>
                <td>{item.bodyBytes}</td>
                <td>{item.replayedAt ? formatTime(item.replayedAt) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items.length > 0 && <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} what="quarantined notifications" />}
    </section>
  );
}
