import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { ErrorNotice } from '../../components/error-notice';
import { cell, keyLabel } from '../../components/format';
import { LiveNotice } from '../../components/live-notice';
import { isTopic, TOPIC_NAMES, type Topic } from '../../components/topics';
import { useTRPC } from '../../trpc/react';
import { DocumentHistory } from './document-history';
import { DOCUMENT_KINDS, type DocumentView } from './document-kinds';
import { useDocumentFollower } from './use-document-follower';

/** One document: its current state, its lines with open quantities, its history; live. */
export function DocumentScreen() {
  const { topic } = useParams();
  const [params] = useSearchParams();
  if (!isTopic(topic)) return <p role="alert">No such kind of document: {topic}</p>;
  const kind = DOCUMENT_KINDS[topic];
  const key = Object.fromEntries(kind.keyFields.map((field) => [field, params.get(field)?.trim() ?? '']));
  if (Object.values(key).some((value) => value === '')) return <p role="alert">The address names no {TOPIC_NAMES[topic].toLowerCase()}.</p>;
  return <DocumentPage topic={topic} documentKey={key} />;
}

function DocumentPage({ topic, documentKey }: { topic: Topic; documentKey: Record<string, string> }) {
  const trpc = useTRPC();
  const kind = DOCUMENT_KINDS[topic];
  const document = useQuery(kind.query(trpc, documentKey) as unknown as Parameters<typeof useQuery<unknown, Error, DocumentView | null>>[0]);
  const follower = useDocumentFollower(topic, documentKey);
  const title = `${TOPIC_NAMES[topic]} ${keyLabel(documentKey)}`;

  return (
    <section aria-labelledby="document-title">
      <h1 id="document-title">{title}</h1>
      <LiveNotice notice={follower.notice} live={follower.live} onDismiss={follower.dismiss} />
      <ErrorNotice error={document.error} />
      {document.isSuccess && document.data === null && <p>WMSi never received this document from the ERP.</p>}
      {document.data && <DocumentState view={document.data} lineColumns={kind.lineColumns} />}
      <DocumentHistory topic={topic} documentKey={documentKey} />
    </section>
  );
}

/** The header's fields, then the lines (kit components) with their quantities. */
export function DocumentState({ view, lineColumns }: { view: DocumentView; lineColumns: ReadonlyArray<readonly [string, string]> }) {
  const headerFields = Object.entries(view.header).filter(([field]) => field !== 'extra');
  return (
    <>
      {view.header.removedAt ? <p className="warn">Removed from the ERP inquiry at {cell(view.header.removedAt)}.</p> : null}
      <dl className="fields" aria-label="Current state">
        {headerFields.map(([field, value]) => (
          <div key={field}>
            <dt>{field}</dt>
            <dd>{cell(value)}</dd>
          </div>
        ))}
      </dl>
      {lineColumns.length > 0 && (
        <>
          <h2>Lines</h2>
          <table aria-label="Lines">
            <thead>
              <tr>
                {lineColumns.map(([field, label]) => (
                  <th key={field} scope="col">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {view.lines.map((line) => (
                <tr key={String(line.lineNbr)} className={line.removedAt ? 'removed' : undefined}>
                  {lineColumns.map(([field]) => (
                    <td key={field}>{field === 'removedAt' ? (line.removedAt ? cell(line.removedAt) : '') : cell(line[field])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
