/**
 * Credentials written into connection URLs (`redis://:secret@host`, `postgres://user:secret@host`)
 * must never reach a log line, an error message or the command line's output. Drivers put the URL
 * into some of their messages, so text is redacted where it leaves the process, not where it is made.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(:[^\s/@]*)?@/gi;

/** `redis://:secret@host` -> `redis://:***@host`; `redis://secret@host` -> `redis://***@host` (a lone user part may be a password). */
export function redactCredentials(text: string): string {
  return text.replace(USERINFO, (_match, scheme: string, user: string, password: string | undefined) =>
    password === undefined ? `${scheme}***@` : `${scheme}${user}:***@`,
  );
}

/** A copy of a value with every string in it redacted (log records, JSON results). */
export function redactDeep<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redactCredentials(value) as T;
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, seen)) as T;
  if (value instanceof Error) return serializeError(value, seen) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactDeep(item, seen);
  return copy as T;
}

function serializeError(error: Error, seen: WeakSet<object>): SerializedError {
  const fields: SerializedError = { type: error.name, message: redactCredentials(error.message), stack: redactCredentials(error.stack ?? '') };
  for (const [key, item] of Object.entries(error)) fields[key] = redactDeep(item, seen);
  if (error.cause !== undefined) fields.cause = redactDeep(error.cause, seen);
  return fields;
}

interface SerializedError {
  type: string;
  message: string;
  stack: string;
  [field: string]: unknown;
}

/**
 * The `err` of a log record. logMethod below has already turned an Error into its redacted fields
 * (pino calls serializers after that hook), so a plain object with a message is kept as it is.
 */
function serializeLoggedError(error: unknown): SerializedError {
  if (error instanceof Error) return serializeError(error, new WeakSet());
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return redactDeep(error as SerializedError);
  return { type: typeof error, message: redactCredentials(String(error)), stack: '' };
}

/**
 * pino options for every process: its level, and credentials redacted from messages, errors and
 * every field of a record, whatever a driver put there.
 */
export function loggerOptions(level: string) {
  return {
    level,
    serializers: {
      err: serializeLoggedError,
    },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: { apply(thisArg: unknown, args: unknown[]): unknown }) {
        method.apply(this, args.map((arg) => redactDeep(arg)));
      },
    },
  };
}
