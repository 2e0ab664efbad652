export type ContractErrorCode = 'COLUMN_MAPPING_UNREADABLE' | 'COLUMN_MAPPING_INVALID';

/** A configuration problem found at start-up; the process should refuse to start and print it. */
export class ContractError extends Error {
  override readonly name = 'ContractError';

  constructor(
    readonly code: ContractErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
