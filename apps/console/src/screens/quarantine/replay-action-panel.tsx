import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../components/error-notice';
import { useTRPC } from '../../trpc/react';

/** The progress of one "replay all filtered" action, polled while it runs. */
export function ReplayActionPanel({ actionId }: { actionId: string }) {
  const trpc = useTRPC();
  const action = useQuery(
    trpc.sync.replayAction.queryOptions({ id: actionId }, { refetchInterval: (query) => (query.state.data?.status === 'running' ? 1_000 : false) }),
  );
  const a = action.data;
  return (
    <section aria-label="Replay action" className="panel">
      <ErrorNotice error={action.error} />
      {a === null && <p>This replay action is no longer kept (actions are kept for a day).</p>}
      {a && (
        <>
          <p role="status">
            {a.status === 'running' ? 'Replaying…' : a.status === 'done' ? 'Replay finished.' : `Replay stopped: ${a.error ?? 'unknown error'}.`} {a.replayed} of {a.total}{' '}
            replayed, {a.stillRefused} still refused.
          </p>
          <progress max={Math.max(a.total, 1)} value={a.replayed + a.stillRefused} aria-label="Replay progress" />
          {a.refusals.length > 0 && (
            <ul aria-label="Still refused">
              {a.refusals.map((refusal) => (
                <li key={refusal.id}>
                  #{refusal.id}: {refusal.message}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
