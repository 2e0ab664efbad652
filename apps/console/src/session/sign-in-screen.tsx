import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ErrorNotice } from '../components/error-notice';
import { createApiClient } from '../trpc/client';
import { homeOf } from '../routes';
import { useSession } from './session';

/** A token from `npm run wmsi -- tokens create` (or the Tokens screen); its role decides the screens. */
export function SignInScreen() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await createApiClient(token.trim()).session.me.query();
      signIn({ token: token.trim(), ...me });
      navigate(homeOf(me.role), { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>WMSi console</h1>
      <form onSubmit={submit}>
        <label>
          Token
          <input name="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} placeholder="wt_…" />
        </label>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      <ErrorNotice error={error} />
      <p className="hint">
        Get one with <code>npm run wmsi -- tokens create --role desktop --name "Your name"</code>. It is kept for this tab only.
      </p>
    </main>
  );
}
