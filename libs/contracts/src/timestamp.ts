/** .NET ticks (100 ns since 0001-01-01 UTC) at the Unix epoch. */
const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;
const TICKS_PER_MILLISECOND = 10_000n;
const MAX_INT64 = 9_223_372_036_854_775_807n;
const DIGITS = /^\d+$/;

/**
 * Reads a TimeStamp as parsed by the exact JSON reader (a safe integer number, or the decimal
 * string of a larger one) into its canonical decimal string, or undefined when it is not a
 * 64-bit non-negative integer. A TimeStamp sent as a digit string is accepted the same way.
 */
export function readTimeStamp(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  }
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  const ticks = BigInt(value);
  return ticks <= MAX_INT64 ? ticks.toString() : undefined;
}

export function isTimeStamp(value: string): boolean {
  return readTimeStamp(value) === value;
}

/** The moment of the ERP transaction, to the millisecond (ticks below a millisecond are dropped). */
export function timeStampToDate(timeStamp: string): Date {
  return new Date(Number((BigInt(timeStamp) - UNIX_EPOCH_TICKS) / TICKS_PER_MILLISECOND));
}

/** The TimeStamp of a moment, for tests and for values WMSi writes itself. */
export function dateToTimeStamp(date: Date): string {
  return (BigInt(date.getTime()) * TICKS_PER_MILLISECOND + UNIX_EPOCH_TICKS).toString();
}

/** Orders two TimeStamps as 64-bit integers; never through a JS number, which rounds them. */
export function compareTimeStamps(a: string, b: string): -1 | 0 | 1 {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}
