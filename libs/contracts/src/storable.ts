// What PostgreSQL can store. A notification the gateway acknowledges must be one the workers can
// write, or it fails its job again and again (ARCHITECTURE rule 10): these limits are checked where
// the body is read, so the gateway refuses (422) exactly what no worker could store.
//
// - Text: PostgreSQL's text and jsonb refuse NUL (U+0000), and jsonb refuses a lone UTF-16
//   surrogate. In a key, Query or Id they are refused (the identity of a record must stay exact);
//   in any other value or column name they are stored as U+FFFD, the replacement character.
// - Lengths: keys, Query and Id go into btree indexes (a row of an index holds at most about 2,700
//   bytes) and name a record to a person: far longer ones are not identifiers.

/** The longest key value accepted (Acumatica's keys are 15 to 30 characters). */
export const MAX_KEY_LENGTH = 128;
/** The longest inquiry title (`Query`) accepted. */
export const MAX_QUERY_LENGTH = 256;
/** The longest transaction id (`Id`, a GUID of 36 characters) accepted. */
export const MAX_ID_LENGTH = 128;

/** The range of PostgreSQL's `integer` (line numbers). */
export const MIN_INTEGER = -2_147_483_648;
export const MAX_INTEGER = 2_147_483_647;

const REPLACEMENT = '\uFFFD';

/** True when the text holds a NUL or a lone surrogate, which PostgreSQL's text and jsonb refuse. */
export function hasUnstorableCharacters(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

/** The text with each NUL and lone surrogate replaced by U+FFFD; the same string when there is none. */
export function storableText(text: string): string {
  return hasUnstorableCharacters(text) ? text.toWellFormed().replaceAll('\u0000', REPLACEMENT) : text;
}

/**
 * A JSON value (an unknown column's value) with unstorable characters replaced in every string and
 * member name; the same value, not a copy, when there is nothing to replace.
 */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const clean = storableJson(item);
      if (clean !== item) (copy ??= [...value])[i] = clean;
    });
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const [name, item] of Object.entries(record)) {
    const cleanName = storableText(name);
    const clean = storableJson(item);
    if (cleanName === name && clean === item) continue;
    copy ??= { ...record };
    if (cleanName !== name) delete copy[name];
    defineMember(copy, cleanName, clean);
  }
  return copy ?? value;
}

/** Sets a member even when it is called `__proto__` (an assignment would set the prototype). */
export function defineMember(record: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  else record[name] = value;
}
