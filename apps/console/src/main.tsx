import { TRPCClientError } from '@trpc/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import type { SignedIn } from './session/session';
import { tokenStorage } from './session/token-storage';
import { createApiClient } from './trpc/client';
import './styles.css';

/** A token kept in this tab (a reload) is checked again: it may have been revoked meanwhile. */
async function restoreSession(): Promise<SignedIn | null> {
  const token = tokenStorage.read();
  if (token === null) return null;
  try {
    return { token, ...(await createApiClient(token).session.me.query()) };
  } catch (error) {
    // Revoked or unknown: forget it. Anything else (the API restarting): sign in again, token kept.
    if (error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED') tokenStorage.clear();
    return null;
  }
}

void restoreSession().then((restored) =>
  createRoot(document.getElementById('root') as HTMLElement).render(
    <StrictMode>
      <App restored={restored} />
    </StrictMode>,
  ),
);
