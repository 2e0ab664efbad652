import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import type { Topic } from '../../components/topics';
import { appCodeOf } from '../../trpc/errors';
import { useTRPC } from '../../trpc/react';
import type { FeedEvent } from './feed-event';

/** The newest events kept on screen; older ones are in each document's change log. */
const KEPT = 300;

export interface FeedFilter {
  topics?: Topic[];
  warehouse?: string;
}

/**
 * The live change feed for a filter, newest first. Pausing closes the stream; resuming opens it
 * with the last event id seen, and the server sends everything after it first, so a pause or a
 * dropped connection leaves no gap (tRPC's link also resumes from the last id by itself after a
 * network drop). An id the server no longer keeps is answered RESYNC_REQUIRED: then the feed
 * starts afresh and says so.
 */
export interface ChangeFeed {
  /** Newest first. */
  events: FeedEvent[];
  status: 'idle' | 'connecting' | 'pending' | 'error' | 'paused';
  error: unknown;
  /** The server no longer had what was missed: the feed started afresh. */
  resynced: boolean;
}

export function useChangeFeed(filter: FeedFilter, paused: boolean, onEvent?: (event: FeedEvent) => void): ChangeFeed {
  const trpc = useTRPC();
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const lastId = useRef<string | undefined>(undefined);
  const [resumeFrom, setResumeFrom] = useState<string | undefined>(undefined);
  const [resynced, setResynced] = useState(false);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    // Another filter is another feed.
    setEvents([]);
    lastId.current = undefined;
    setResumeFrom(undefined);
  }, [filterKey]);
  useEffect(() => {
    if (!paused) setResumeFrom(lastId.current);
  }, [paused]);

  const input = { ...filter, ...(resumeFrom === undefined ? {} : { lastEventId: resumeFrom }) };
  const subscription = useSubscription(
    trpc.sync.changes.subscriptionOptions(input, {
      enabled: !paused,
      onData: (tracked) => {
        lastId.current = tracked.id;
        const event = tracked.data as FeedEvent;
        setEvents((shown) => [event, ...shown].slice(0, KEPT));
        onEventRef.current?.(event);
      },
      onError: (error) => {
        if (appCodeOf(error) !== 'RESYNC_REQUIRED') return;
        lastId.current = undefined;
        setEvents([]);
        setResumeFrom(undefined);
        setResynced(true);
        // A fresh subscription (the link's own resume id belongs to the old one).
        queueMicrotask(() => reset.current?.());
      },
    }),
  );
  const reset = useRef<(() => void) | undefined>(undefined);
  reset.current = subscription.reset;
  return { events, status: paused ? ('paused' as const) : subscription.status, error: subscription.error, resynced };
}
