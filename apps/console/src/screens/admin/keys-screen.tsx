import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { formatTime } from '../../components/format';
import { TOPICS, type Topic } from '../../components/topics';
import { useTRPC, type Outputs } from '../../trpc/react';

type Created = Outputs['admin']['keys']['create'];

/** Webhook keys: one or more per topic (rotation), created with the values Acumatica asks for. */
export function KeysScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.keys.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.admin.keys.list.queryKey() });
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation(trpc.admin.keys.create.mutationOptions({ onSuccess: (key) => (setCreated(key), refresh()) }));
  const revoke = useMutation(trpc.admin.keys.revoke.mutationOptions({ onSuccess: refresh }));
  const [topic, setTopic] = useState<Topic>('purchase-orders');
  const [label, setLabel] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ topic, ...(label.trim() ? { label: label.trim() } : {}) });
  };

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <form className="filters" onSubmit={submit} aria-label="Create a key">
        <label>
          Topic
          <select value={topic} onChange={(e) => setTopic(e.target.value as Topic)}>
            {TOPICS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Label
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Acumatica production" />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      <ErrorNotice error={create.error} prefix="Not created" />
      {created && (
        <section aria-label="New key" className="panel secret">
          <h2>Paste into Acumatica, Push Notifications (SM302000), destination type Webhook</h2>
          <dl className="fields">
            <div><dt>Address</dt><dd><code>{created.address ?? 'the gateway’s address (PUBLIC_URL is not known to this API)'}</code></dd></div>
            <div><dt>Header Name</dt><dd><code>{created.headerName}</code></dd></div>
            <div><dt>Header Value</dt><dd><code aria-label="Header Value">{created.headerValue}</code></dd></div>
          </dl>
          <p className="warn">The key is shown only this once: WMSi keeps only its hash.</p>
          <button type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </section>
      )}
      <ErrorNotice error={keys.error ?? revoke.error} />
      <table aria-label="Keys">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Topic</th>
            <th scope="col">Label</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">Revoke</th>
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((key) => (
            <tr key={key.id}>
              <th scope="row">{key.id}</th>
              <td>{key.topic}</td>
              <td>{key.label ?? ''}</td>
              <td>{formatTime(key.createdAt)}</td>
              <td>{key.revokedAt ? `revoked ${formatTime(key.revokedAt)}` : 'active'}</td>
              <td>
                {!key.revokedAt && (
                  <button type="button" aria-label={`Revoke key ${key.id}`} onClick={() => window.confirm(`Revoke ${key.id}? Acumatica's requests with it are refused from now on.`) && revoke.mutate({ id: key.id })}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
