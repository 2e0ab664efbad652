import { BrowserRouter } from 'react-router';
import { AppRoutes } from './routes';
import { ApiProvider, SessionProvider, useSession, type SignedIn } from './session/session';

function SignedInRoutes() {
  const { session } = useSession();
  if (session === null) return <AppRoutes role={null} />;
  return (
    // A new token, a new cache: `key` remounts everything below.
    <ApiProvider key={session.token} token={session.token}>
      <AppRoutes role={session.role} />
    </ApiProvider>
  );
}

export function App({ restored }: { restored: SignedIn | null }) {
  return (
    <SessionProvider initial={restored}>
      <BrowserRouter>
        <SignedInRoutes />
      </BrowserRouter>
    </SessionProvider>
  );
}
