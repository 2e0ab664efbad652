import { plainMessage } from '../trpc/errors';

/** A refusal or failure, in plain words, announced to screen readers. */
export function ErrorNotice({ error, prefix }: { error: unknown; prefix?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className="error">
      {prefix ? `${prefix}: ` : ''}
      {plainMessage(error)}
    </p>
  );
}
