import type { AppRouter } from '@wmsi/app-router';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, retryLink, splitLink, TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';

export interface WmsClientOptions {
  /** The API's base address, e.g. `http://wms.example.com:3001` (the client adds `/trpc`). */
  url: string;
  /** A token from `npm run wmsi -- tokens create`. */
  token: string;
}

/**
 * The typed WMSi client for handheld and desktop apps: queries and actions over HTTP (batched),
 * `sync.changes` over Server-Sent Events, resuming where it left off after a dropped connection.
 */
export function createWmsClient({ url, token }: WmsClientOptions) {
  const endpoint = `${url.replace(/\/+$/, '')}/trpc`;
  const calls = httpBatchLink({ url: endpoint, transformer: superjson, headers: { authorization: `Bearer ${token}` } });
  // The token never travels in a URL: each (re)connection of a stream fetches a single-use ticket
  // with the token in a header, and the stream presents the ticket.
  const ticketClient = createTRPCClient<AppRouter>({ links: [calls] });
  return createTRPCClient<AppRouter>({
    links: [
      // A stream whose connection dropped (an API process restarting, the network) is opened again,
      // with a new ticket and its last event id: the EventSource's own reconnection would present
      // the spent ticket. An error the API answered (revoked token, RESYNC_REQUIRED) ends it.
      retryLink({
        retry: ({ op, error }) => op.type === 'subscription' && error.data?.code === undefined,
        retryDelayMs: (attempt) => Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)),
      }),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: endpoint,
          transformer: superjson,
          connectionParams: async () => ({ ticket: (await ticketClient.auth.streamTicket.mutate()).ticket }),
          EventSource,
        }),
        false: calls,
      }),
    ],
  });
}

export type WmsClient = ReturnType<typeof createWmsClient>;
export type { AppRouter };
export { TRPCClientError };
