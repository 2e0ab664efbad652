import type { LiveNotice as Notice } from '../screens/documents/use-document-follower';

/** "Updated by the ERP at 10:42:07: it changed line 2." — visible and announced, until dismissed. */
export function LiveNotice({ notice, live, onDismiss }: { notice: Notice | null; live: boolean; onDismiss(): void }) {
  return (
    <div className="live">
      <span className={live ? 'ok' : 'warn'}>{live ? '● Following ERP changes live' : '○ Connecting to live changes…'}</span>
      {notice && (
        <p role="status" className="notice">
          Updated by the ERP at {notice.at.toLocaleTimeString()}: {notice.text}{' '}
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}
