import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useRef, useState } from 'react';
import type { Topic } from '../../components/topics';
import { useTRPC } from '../../trpc/react';
import { sameDocument, type FeedEvent } from '../changes/feed-event';

export interface LiveNotice {
  at: Date;
  text: string;
}

/**
 * Follows one open document: every change the ERP makes to it (header or line) refetches what the
 * page shows, and leaves a visible notice of what changed. The stream is filtered by topic on the
 * server and by document here.
 */
export function useDocumentFollower(topic: Topic | null, documentKey: Record<string, unknown> | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<LiveNotice | null>(null);
  const keyRef = useRef(documentKey);
  keyRef.current = documentKey;
  const subscription = useSubscription(
    trpc.sync.changes.subscriptionOptions(topic === null ? {} : { topics: [topic] }, {
      enabled: topic !== null && documentKey !== null,
      onData: (tracked) => {
        const event = tracked.data as FeedEvent;
        if (keyRef.current === null || !sameDocument(event.documentKey, keyRef.current)) return;
        const line = Object.keys(event.rowKey).length > Object.keys(event.documentKey).length ? `line ${String(event.rowKey.lineNbr ?? JSON.stringify(event.rowKey))}` : 'the header';
        const what = event.kind === 'insert' ? `added ${line}` : event.kind === 'removal' ? `removed ${line}` : `changed ${line}`;
        setNotice({ at: new Date(), text: `The ERP ${what}.` });
        // Everything about documents and their lines: the page's query, its history, open quantities.
        void queryClient.invalidateQueries();
      },
    }),
  );
  return { notice, live: subscription.status === 'pending', dismiss: () => setNotice(null) };
}
