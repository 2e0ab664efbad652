import type { ColumnKind } from './columns/index.js';
import { MAX_INTEGER, MIN_INTEGER } from './storable.js';

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
  // A quantity is kept as its exact decimal text, never as a JS number, which would round
  // 12345678901.123456 (the exact JSON reader hands over such long literals as text).
  quantity: (value) => {
    if (typeof value === 'number') return Number.isFinite(value) ? quantityText(String(value)) : WRONG_KIND;
    return typeof value === 'string' ? quantityText(value.trim()) : WRONG_KIND;
  },
  integer: (value) => {
    const integer = typeof value === 'string' && WHOLE.test(value.trim()) ? Number(value) : value;
    return Number.isInteger(integer) && (integer as number) >= MIN_INTEGER && (integer as number) <= MAX_INTEGER ? integer : WRONG_KIND;
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
  quantity: 'a number below 10^30',
  integer: `a whole number from ${MIN_INTEGER} to ${MAX_INTEGER}`,
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

/** Quantities stay below this power of ten (Acumatica keeps them as decimal(25, 6)). */
const MAX_QUANTITY_DIGITS = 30;
/** A literal longer than this is no quantity anyone typed. */
const MAX_QUANTITY_LENGTH = 100;

/**
 * The quantity as plain decimal text ("1E+3" becomes "1000", "+2.50" becomes "2.50"; the digits
 * sent are kept), or WRONG_KIND when it is not a number PostgreSQL's numeric would take as a
 * quantity.
 */
function quantityText(text: string): string | typeof WRONG_KIND {
  if (text.length > MAX_QUANTITY_LENGTH || !DECIMAL.test(text)) return WRONG_KIND;
  const [mantissa, exponentText] = text.split(/[eE]/) as [string, string | undefined];
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > MAX_QUANTITY_LENGTH) return WRONG_KIND;
  const negative = mantissa.startsWith('-');
  const unsigned = mantissa.replace(/^[-+]/, '');
  const [whole, fraction = ''] = unsigned.split('.') as [string, string | undefined];
  const digits = `${whole}${fraction}`;
  const point = whole.length + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  plain = plain.replace(/^0+(?=\d)/, '');
  if (plain.startsWith('.')) plain = `0${plain}`;
  const integerDigits = plain.indexOf('.') === -1 ? plain.length : plain.indexOf('.');
  if (integerDigits > MAX_QUANTITY_DIGITS || plain.length > MAX_QUANTITY_LENGTH + MAX_QUANTITY_DIGITS) return WRONG_KIND;
  return negative && /[1-9]/.test(plain) ? `-${plain}` : plain;
}
