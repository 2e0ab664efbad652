/**
 * @typedef {'NODE_TOO_OLD' | 'INSTALL_FAILED' | 'SERVER_MISSING' | 'SERVER_UNUSABLE' | 'LOCAL_SERVER_FAILED'
 *   | 'DATABASE_NOT_CREATED' | 'CLI_MISSING' | 'NOTHING_TO_START' | 'UNKNOWN_COMMAND' | 'BAD_WORKERS'} BootstrapErrorCode
 */

/** A failure the user can act on: run.mjs prints the message alone, without a stack trace. */
export class BootstrapError extends Error {
  /**
   * @param {BootstrapErrorCode} code
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'BootstrapError';
    /** @readonly */
    this.code = code;
  }
}
