import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * Stable, machine-readable reasons a client can act on (a handheld shows "only 3 left to receive",
 * not a stack trace). Each maps to one tRPC code at the edge; `details` carries the figures.
 */
export const APP_ERROR_CODES = {
  NOT_FOUND: 'NOT_FOUND',
  /** A receipt or pick for more than is still open on the line. */
  MORE_THAN_OPEN: 'UNPROCESSABLE_CONTENT',
  /** The line or its document is removed, completed or canceled in the ERP. */
  NOT_OPEN: 'UNPROCESSABLE_CONTENT',
  /** A quarantined body that still does not pass the column contract, or a job that is not dead. */
  NOT_REPLAYABLE: 'UNPROCESSABLE_CONTENT',
  /** A change-feed cursor older than the log keeps (or not one the feed gave): re-read the snapshot. */
  RESYNC_REQUIRED: 'PRECONDITION_FAILED',
  /** A client operation id used before for another receipt, pick or count. */
  OPERATION_ID_REUSED: 'CONFLICT',
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}
