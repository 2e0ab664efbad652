import { TRPCClientError } from '@trpc/client';

/** What the API says went wrong, in words a person can act on (never a stack trace). */
export function plainMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; fieldErrors?: Record<string, string[]> | null } | undefined;
    if (data?.code === 'UNAUTHORIZED') return 'The token is not valid (unknown, mistyped or revoked).';
    if (data?.code === 'FORBIDDEN') return `Not allowed with this token: ${error.message}`;
    if (data?.code === 'TOO_MANY_REQUESTS') return 'Too many calls with this token; wait a minute.';
    if (data?.fieldErrors) {
      return Object.entries(data.fieldErrors)
        .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
        .join('; ');
    }
    return error.message;
  }
  if (error instanceof Error) return error.message === 'Failed to fetch' ? 'The API cannot be reached.' : error.message;
  return String(error);
}

/** The stable app code of a refusal (MORE_THAN_OPEN, RESYNC_REQUIRED, ...), if any. */
export function appCodeOf(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  return ((error.data as { appCode?: string | null } | undefined)?.appCode ?? null) as string | null;
}
