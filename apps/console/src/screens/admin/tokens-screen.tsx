import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { formatTime } from '../../components/format';
import type { Role } from '../../session/session';
import { useTRPC, type Outputs } from '../../trpc/react';

const ROLES: readonly Role[] = ['handheld', 'desktop', 'admin'];
type Created = Outputs['admin']['tokens']['create'];

/** Client tokens: who may use the API and the console, and with which role. */
export function TokensScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.admin.tokens.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation(trpc.admin.tokens.create.mutationOptions({ onSuccess: (token) => (setCreated(token), refresh()) }));
  const revoke = useMutation(trpc.admin.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  const [role, setRole] = useState<Role>('handheld');
  const [name, setName] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ role, name: name.trim() });
  };

  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Tokens</h1>
      <form className="filters" onSubmit={submit} aria-label="Create a token">
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input value={name} required onChange={(e) => setName(e.target.value)} placeholder="Scanner 12, dock 3" />
        </label>
        <button type="submit" disabled={create.isPending || name.trim() === ''}>
          Create token
        </button>
      </form>
      <ErrorNotice error={create.error} prefix="Not created" />
      {created && (
        <section aria-label="New token" className="panel secret">
          <p>
            {created.role} token for {created.name}: <code aria-label="New token value">{created.token}</code>
          </p>
          <p className="warn">Shown only this once: WMSi keeps only its hash.</p>
          <button type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </section>
      )}
      <ErrorNotice error={tokens.error ?? revoke.error} />
      <table aria-label="Tokens">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Role</th>
            <th scope="col">Name</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">Revoke</th>
          </tr>
        </thead>
        <tbody>
          {(tokens.data ?? []).map((token) => (
            <tr key={token.id}>
              <th scope="row">{token.id}</th>
              <td>{token.role}</td>
              <td>{token.name}</td>
              <td>{formatTime(token.createdAt)}</td>
              <td>{token.revokedAt ? `revoked ${formatTime(token.revokedAt)}` : 'active'}</td>
              <td>
                {!token.revokedAt && (
                  <button type="button" aria-label={`Revoke token ${token.id}`} onClick={() => window.confirm(`Revoke ${token.id} (${token.name})?`) && revoke.mutate({ id: token.id })}>
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
