import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { TRPCClientError } from '@trpc/client';
import { createApiClient } from '../trpc/client';
import { TRPCProvider } from '../trpc/react';
import { tokenStorage } from './token-storage';

export type Role = 'handheld' | 'desktop' | 'admin';

export interface SignedIn {
  token: string;
  tokenId: string;
  role: Role;
  name: string;
}

interface SessionValue {
  session: SignedIn | null;
  signIn(session: SignedIn): void;
  signOut(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside <SessionProvider>');
  return value;
}

/** The signed-in session, read from sessionStorage on load (role known once `session.me` answered). */
export function SessionProvider({ initial, children }: { initial: SignedIn | null; children: ReactNode }) {
  const [session, setSession] = useState<SignedIn | null>(initial);
  const signIn = useCallback((next: SignedIn) => {
    tokenStorage.write(next.token);
    setSession(next);
  }, []);
  const signOut = useCallback(() => {
    tokenStorage.clear();
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/**
 * Server state for one token: a query cache and a tRPC client of its own, so signing in as
 * someone else never shows what the previous token fetched.
 */
export function ApiProvider({ token, children }: { token: string; children: ReactNode }) {
  const queryClient = useMemo(
    () =>
      new QueryClient({
        defaultOptions: {
          // A refusal (bad input, forbidden) will not change by asking again; a dropped call may.
          queries: { retry: (count, error) => count < 2 && !isRefusal(error), refetchOnWindowFocus: false, staleTime: 2_000 },
        },
      }),
    [token],
  );
  const trpcClient = useMemo(() => createApiClient(token), [token]);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

const isRefusal = (error: unknown) => error instanceof TRPCClientError && ((error.data as { httpStatus?: number } | undefined)?.httpStatus ?? 500) < 500;
