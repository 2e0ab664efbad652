import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ErrorNotice } from '../../components/error-notice';
import { formatTime } from '../../components/format';
import { useSession } from '../../session/session';
import { useTRPC } from '../../trpc/react';
import { PrettyBody, type FieldIssue } from './body-view';

/** One refused notification: the body exactly as received, pretty with its reasons, and replay. */
export function QuarantinedScreen() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { session } = useSession();
  const kept = useQuery(trpc.sync.quarantined.queryOptions({ id }));
  const replay = useMutation(
    trpc.sync.replay.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() }),
    }),
  );
  const q = kept.data;
  const issues = (q?.issues ?? []) as unknown as FieldIssue[];

  return (
    <section aria-labelledby="quarantined-title">
      <p>
        <Link to="/quarantine">← Quarantine</Link>
      </p>
      <h1 id="quarantined-title">Quarantined #{id}</h1>
      <ErrorNotice error={kept.error} />
      {kept.isSuccess && q === null && <p>No quarantined notification #{id}.</p>}
      {q && (
        <>
          <dl className="fields" aria-label="Quarantined notification">
            <div><dt>Topic</dt><dd>{q.topic}</dd></div>
            <div><dt>Reason</dt><dd>{q.reason}</dd></div>
            <div><dt>Notification Id</dt><dd>{q.notificationId ?? '—'}</dd></div>
            <div><dt>Query</dt><dd>{q.query ?? '—'}</dd></div>
            <div><dt>Received</dt><dd>{formatTime(q.receivedAt)}</dd></div>
            <div><dt>Replayed</dt><dd>{q.replayedAt ? formatTime(q.replayedAt) : 'not yet'}</dd></div>
            <div><dt>Size</dt><dd>{q.bodyBytes} bytes</dd></div>
          </dl>
          <p className="error">{q.message}</p>
          {issues.length > 0 && (
            <ul aria-label="Reasons">
              {issues.map((issue, i) => (
                <li key={i}>
                  <code>{issue.path || '(body)'}</code>: {issue.message}
                </li>
              ))}
            </ul>
          )}
          {session?.role === 'admin' && (
            <p>
              <button type="button" disabled={replay.isPending} onClick={() => replay.mutate({ quarantineId: id })}>
                Replay
              </button>{' '}
              <span className="hint">Checks the body against the current column mapping, then sends it through the intake as if Acumatica had resent it.</span>
            </p>
          )}
          <ErrorNotice error={replay.error} prefix="Not replayed" />
          {replay.data && (
            <p role="status" className="ok">
              Replayed: the body went through the intake (entry {replay.data.intakeId}); the worker applies it shortly.
            </p>
          )}
          <h2>Raw body, exactly as received</h2>
          <pre className="raw" aria-label="Raw body">{q.body}</pre>
          <h2>Pretty-printed, with the reasons</h2>
          <PrettyBody body={q.body} issues={issues} />
        </>
      )}
    </section>
  );
}
