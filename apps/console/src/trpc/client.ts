import type { AppRouter } from '@wmsi/app-router';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, retryLink, splitLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';

/**
 * How a change stream proves who it is. Browsers' EventSource cannot send an Authorization header,
 * and connection parameters travel in the stream's URL, which proxies log; so the stream presents
 * a short-lived, single-use ticket fetched with the token over the batch link (a header, never a
 * URL). It is called again for every (re)connection, so each connection gets a fresh ticket.
 */
export async function streamConnectionParams(ticketClient: TRPCClient<AppRouter>): Promise<Record<string, string>> {
  const { ticket } = await ticketClient.auth.streamTicket.mutate();
  return { ticket };
}

/** The typed API client of a signed-in console: calls over HTTP (batched), changes over SSE. */
export function createApiClient(token: string, baseUrl = ''): TRPCClient<AppRouter> {
  const url = `${baseUrl}/trpc`;
  const calls = httpBatchLink({ url, transformer: superjson, headers: { authorization: `Bearer ${token}` } });
  const ticketClient = createTRPCClient<AppRouter>({ links: [calls] });
  return createTRPCClient<AppRouter>({
    links: [
      // A dropped stream (an API restart) is opened again with a new ticket and its last event id;
      // the EventSource's own reconnection would present the spent ticket and be refused.
      retryLink({
        retry: ({ op, error }) => op.type === 'subscription' && error.data?.code === undefined,
        retryDelayMs: (attempt) => Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)),
      }),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, transformer: superjson, connectionParams: () => streamConnectionParams(ticketClient) }),
        false: calls,
      }),
    ],
  });
}

export type ApiClient = TRPCClient<AppRouter>;
