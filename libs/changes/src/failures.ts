import { UnknownTopicError } from './engine.js';

// Which failures another attempt can cure. A notification whose own content fails (a value the
// database refuses, a routing mistake) fails the same way every time: it is set aside alone, so it
// never holds back the notifications applied with it (ARCHITECTURE rule 10). Everything else
// (PostgreSQL or Redis away, a deadlock, a serialization failure) is retried with back-off.

/** SQLSTATE classes of errors caused by what is written, not by the moment it is written. */
const CAUSED_BY_CONTENT = new Set([
  '21', // cardinality violation
  '22', // data exception: a value out of range, invalid text
  '23', // integrity constraint violation
  '42', // syntax error or access rule violation
  '44', // WITH CHECK OPTION violation
  '54', // program limit exceeded: an index row too large
]);

/** True when applying the same input again would fail the same way. */
export function failsEveryTime(error: unknown): boolean {
  if (error instanceof UnknownTopicError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && CAUSED_BY_CONTENT.has(code.slice(0, 2));
}

/** A deadlock between concurrent transactions (counted: the bench reports them). */
export function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '40P01';
}
