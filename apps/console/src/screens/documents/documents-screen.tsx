import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorNotice } from '../../components/error-notice';
import { cell } from '../../components/format';
import { LoadMore } from '../../components/pager';
import { TOPIC_NAMES } from '../../components/topics';
import { useTRPC } from '../../trpc/react';
import { documentPath } from './document-kinds';

/** Find any document by its number: purchase and sales orders, shipments, kits, items, adjustments. */
export function DocumentsScreen() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [typed, setTyped] = useState(query);
  const results = useInfiniteQuery(
    trpc.documents.search.infiniteQueryOptions({ query, limit: 25 }, { enabled: query !== '', getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const found = results.data?.pages.flatMap((page) => page.items) ?? [];

  function search(event: FormEvent) {
    event.preventDefault();
    setParams(typed.trim() ? { q: typed.trim() } : {});
  }

  return (
    <section aria-labelledby="documents-title">
      <h1 id="documents-title">Documents</h1>
      <form role="search" onSubmit={search} className="filters">
        <label>
          Number or key
          <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="PO000123, SH000045, AALEGO500…" />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNotice error={results.error} />
      {query !== '' && results.isSuccess && found.length === 0 && <p>Nothing starts with “{query}”.</p>}
      {found.length > 0 && (
        <table aria-label="Documents found">
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Kind</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Warehouse</th>
              <th scope="col">Removed</th>
            </tr>
          </thead>
          <tbody>
            {found.map((doc) => (
              <tr key={`${doc.topic}:${JSON.stringify(doc.documentKey)}`}>
                <th scope="row">
                  <Link to={documentPath(doc.topic, doc.documentKey)}>{doc.number}</Link>
                </th>
                <td>{TOPIC_NAMES[doc.topic]}</td>
                <td>{cell(doc.kind)}</td>
                <td>{cell(doc.status)}</td>
                <td>{cell(doc.warehouse)}</td>
                <td>{doc.removedAt ? cell(doc.removedAt) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {query !== '' && found.length > 0 && <LoadMore hasMore={results.hasNextPage} loading={results.isFetchingNextPage} onMore={() => void results.fetchNextPage()} what="documents" />}
    </section>
  );
}
