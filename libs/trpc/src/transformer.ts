import superjson from 'superjson';

/**
 * The API's transformer: superjson, with a short way out for what is plain JSON already. superjson
 * walks every value it sends to learn which need describing (Dates, BigInts, undefined...), and for
 * the change feed, whose events are plain JSON throughout, that walk was a quarter of the API's CPU
 * while it streamed 300 changes/s. A value that is plain JSON goes as `{ json }`, exactly what
 * superjson makes of it; anything else goes through superjson. Clients keep using superjson.
 */
export const apiTransformer = {
  input: superjson,
  output: { serialize: serializeOutput, deserialize: (data: unknown): unknown => superjson.deserialize(data as Parameters<typeof superjson.deserialize>[0]) },
};

function serializeOutput(value: unknown): unknown {
  return isPlainJson(value, 0) ? { json: value } : superjson.serialize(value);
}

/** Names superjson refuses as object keys (prototype pollution): an object holding one is left to it. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper than this is left to superjson, which also knows cycles. */
const MAX_DEPTH = 64;

/** JSON that superjson would send as it is: no undefined, no non-finite or negative-zero number, only arrays and plain objects. */
export function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) {
        if (UNSAFE_KEYS.has(key) || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return Object.getOwnPropertySymbols(value).length === 0;
    }
    default:
      return false;
  }
}
