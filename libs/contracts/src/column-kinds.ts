import type { ColumnKind } from './columns/index.js';

/** Returned by a kind reader for a value of the wrong kind (a symbol: no allocation per value). */
export const WRONG_KIND: unique symbol = Symbol('wrong kind');

type KindReader = (value: unknown) => unknown;

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const WHOLE = /^[-+]?\d+$/;
const ISO_8601 =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;

/** Each reader takes a non-null JSON value (nulls are kept before the reader is asked). */
export const KIND_READERS: Readonly<Record<ColumnKind, KindReader>> = {
  id: (value) => {
    if (typeof value === 'string') return value.trim();
    // Large integers arrive as their exact decimal string already; other numbers print as JS does.
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return WRONG_KIND;
  },
  label: (value) => (typeof value === 'string' ? value.trim() : WRONG_KIND),
  text: (value) => (typeof value === 'string' ? value : WRONG_KIND),
  quantity: (value) => {
    const quantity = typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : value;
    return typeof quantity === 'number' && Number.isFinite(quantity) ? quantity : WRONG_KIND;
  },
  integer: (value) => {
    const integer = typeof value === 'string' && WHOLE.test(value.trim()) ? Number(value) : value;
    return Number.isSafeInteger(integer) ? integer : WRONG_KIND;
  },
  boolean: (value) => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const word = value.trim().toLowerCase();
      if (word === 'true' || word === 'false') return word === 'true';
    }
    return WRONG_KIND;
  },
  date: (value) => {
    if (typeof value !== 'string') return WRONG_KIND;
    const date = value.trim();
    return ISO_8601.test(date) ? date : WRONG_KIND;
  },
};

/** What an integrator should send, for the messages on SM502000. */
export const KIND_EXPECTATIONS: Readonly<Record<ColumnKind, string>> = {
  id: 'an identifier (text or number)',
  label: 'a label (text)',
  text: 'text',
  quantity: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  date: 'an ISO-8601 date, e.g. "2024-05-05T15:16:23.1"',
};

/** A short, safe rendering of a rejected value for an error message. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
