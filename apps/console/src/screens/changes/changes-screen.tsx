import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorNotice } from '../../components/error-notice';
import { keyLabel } from '../../components/format';
import { isTopic, TOPICS } from '../../components/topics';
import { ChangeTable } from './change-table';
import { useChangeFeed } from './use-change-feed';

const STATUS_TEXT = { idle: 'Connecting…', connecting: 'Connecting…', pending: 'Live', error: 'Disconnected: reconnecting…', paused: 'Paused' } as const;

/**
 * The live change feed. Topic and warehouse filter on the server (a new stream per filter); the
 * document filter narrows what this page shows. The filters live in the address, so a reload or a
 * shared link shows the same feed.
 */
export function ChangesScreen() {
  const [params, setParams] = useSearchParams();
  const topic = params.get('topic');
  const warehouse = params.get('warehouse') ?? '';
  const document = params.get('document') ?? '';
  const [paused, setPaused] = useState(false);
  const [pausedAt, setPausedAt] = useState<Date | null>(null);
  const feed = useChangeFeed({ ...(isTopic(topic) ? { topics: [topic] } : {}), ...(warehouse.trim() ? { warehouse: warehouse.trim() } : {}) }, paused);
  const needle = document.trim().toLowerCase();
  const shown = needle ? feed.events.filter((event) => keyLabel(event.documentKey).toLowerCase().includes(needle)) : feed.events;

  const setParam = (name: string, value: string) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    }, { replace: true });

  return (
    <section aria-labelledby="changes-title">
      <h1 id="changes-title">Changes</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Topic
          <select value={isTopic(topic) ? topic : ''} onChange={(e) => setParam('topic', e.target.value)}>
            <option value="">All topics</option>
            {TOPICS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Warehouse
          <input value={warehouse} onChange={(e) => setParam('warehouse', e.target.value)} placeholder="MAIN" />
        </label>
        <label>
          Document
          <input value={document} onChange={(e) => setParam('document', e.target.value)} placeholder="PO000123" />
        </label>
        <button
          type="button"
          onClick={() => {
            setPaused(!paused);
            setPausedAt(paused ? null : new Date());
          }}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </form>
      <p role="status" className={feed.status === 'pending' ? 'ok' : 'warn'}>
        {STATUS_TEXT[feed.status]}
        {paused && pausedAt ? ` since ${pausedAt.toLocaleTimeString()}: changes since then are behind, and arrive first when you resume.` : ''}
        {feed.resynced ? ' The feed restarted: it had been away longer than the server keeps changes.' : ''}
      </p>
      <ErrorNotice error={feed.status === 'error' ? feed.error : null} />
      <ChangeTable events={shown} label="Change feed" />
    </section>
  );
}
