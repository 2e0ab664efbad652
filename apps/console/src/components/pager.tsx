/** "Load more" for a keyset-paged list: the server gives the next page from the last row's key. */
export function LoadMore({ hasMore, loading, onMore, what }: { hasMore: boolean; loading: boolean; onMore(): void; what: string }) {
  if (!hasMore) return <p className="end">End of {what}.</p>;
  return (
    <button type="button" onClick={onMore} disabled={loading}>
      {loading ? 'Loading…' : `Load more ${what}`}
    </button>
  );
}
