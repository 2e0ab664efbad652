import type { AppRouter } from '@wmsi/app-router';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';

/**
 * How a change stream proves who it is. Browsers' EventSource cannot send an Authorization header,
 * so today the token travels as a connection parameter. When the API gains `auth.streamTicket`
 * (a short-lived, single-use ticket from an authenticated call), this becomes:
 *
 *   const { ticket } = await ticketClient.auth.streamTicket.mutate();
 *   return { ticket };
 *
 * It is called again for every (re)connection, so each connection gets a fresh ticket.
 */
export async function streamConnectionParams(token: string): Promise<Record<string, string>> {
  return { token };
}

/** The typed API client of a signed-in console: calls over HTTP (batched), changes over SSE. */
export function createApiClient(token: string, baseUrl = ''): TRPCClient<AppRouter> {
  const url = `${baseUrl}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, transformer: superjson, connectionParams: () => streamConnectionParams(token) }),
        false: httpBatchLink({ url, transformer: superjson, headers: { authorization: `Bearer ${token}` } }),
      }),
    ],
  });
}

export type ApiClient = TRPCClient<AppRouter>;
