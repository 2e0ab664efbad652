import { parse as parseLosslessJson } from 'lossless-json';

/**
 * Acumatica envelopes are three levels deep (envelope, Inserted array, row); anything far deeper
 * is not a notification, and refusing it early keeps every later recursive step (lossless-json,
 * JSON.stringify of the job) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 64;

export type JsonReading = { ok: true; value: unknown } | { ok: false; message: string };

const INTEGER = /^-?\d+$/;

/**
 * lossless-json's number parser for WMSi: an integer a JS number cannot hold exactly (the 64-bit
 * TimeStamp), and a decimal of 16 significant digits or more (which a double may round), stay their
 * decimal text; everything else becomes a number.
 */
export function exactNumber(text: string): number | string {
  const value = Number(text);
  if (INTEGER.test(text)) return Number.isSafeInteger(value) ? value : text;
  return significantDigits(text) >= SHORTEST_UNSAFE_DIGITS ? text : value;
}

function significantDigits(literal: string): number {
  const [mantissa = ''] = literal.split(/[eE]/);
  return mantissa.replace(/[-.]/g, '').replace(/^0+/, '').length;
}

/** The reference reading: exact, but several times slower than JSON.parse (see the bench). */
export function readJsonWithLosslessJson(text: string): unknown {
  return parseLosslessJson(text, null, exactNumber);
}

/**
 * Reads JSON with the same result as `readJsonWithLosslessJson` (unsafe integers and long decimals
 * as their text, everything else as JSON.parse gives it) at close to JSON.parse speed.
 *
 * One pass over the text measures the nesting depth and finds the number literals a JS number
 * cannot hold exactly. A top-level member (the TimeStamp) gets its exact digits from the text once
 * JSON.parse is done, so the body is never copied; any other such literal (rare: inside a row) is
 * put in quotes before JSON.parse, which then only sees a string. Only well-formed integers in
 * value positions are quoted, so quoting never turns invalid JSON into valid JSON. When JSON.parse
 * refuses the body, lossless-json reads it again to explain where it is broken.
 */
export function readJsonExactly(body: string): JsonReading {
  const text = body.charCodeAt(0) === BYTE_ORDER_MARK ? body.slice(1) : body;
  if (text.trim() === '') return { ok: false, message: 'the body is empty' };

  const scan = scanUnsafeIntegers(text);
  if ('tooDeep' in scan) return { ok: false, message: scan.tooDeep };
  let value: unknown;
  try {
    value = JSON.parse(scan.quoteAt.length === 0 ? text : quoteLiterals(text, scan.quoteAt));
  } catch {
    return explainMalformed(text);
  }
  restoreTopLevelDigits(value, text, scan.members);
  return { ok: true, value };
}

/** lossless-json explains best but is slow; past this size JSON.parse's own words do. */
const EXPLAIN_WITH_LOSSLESS_JSON_UP_TO = 1024 * 1024;

function explainMalformed(text: string): JsonReading {
  if (text.length > EXPLAIN_WITH_LOSSLESS_JSON_UP_TO) {
    try {
      JSON.parse(text); // the original, so any position in the message is one in the body as sent
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
  try {
    // Not expected to succeed (both parsers accept the same JSON); if it ever does, its reading is exact.
    return { ok: true, value: readJsonWithLosslessJson(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const BYTE_ORDER_MARK = 0xfeff;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const START = -1;

/** Integers with fewer digits are always exact as JS numbers (2^53 has 16 digits). */
const SHORTEST_UNSAFE_DIGITS = 16;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

interface TopLevelMember {
  /** Position of the quotes around the member's name. */
  nameStart: number;
  nameEnd: number;
  /** The member's value when it is an integer JSON.parse would round. */
  digits: string | undefined;
}

interface UnsafeIntegers {
  /** Start and end of each literal to put in quotes, in pairs. */
  quoteAt: number[];
  members: TopLevelMember[];
}

function scanUnsafeIntegers(text: string): UnsafeIntegers | { tooDeep: string } {
  const length = text.length;
  const inArray: boolean[] = [false];
  const quoteAt: number[] = [];
  const members: TopLevelMember[] = [];
  let depth = 0;
  let previous = START; // last character outside strings and whitespace
  let i = 0;

  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) break; // unterminated string: JSON.parse will refuse it
      if (depth === 1 && !inArray[1] && (previous === OPEN_BRACE || previous === COMMA)) {
        members.push({ nameStart: i, nameEnd: end, digits: undefined });
      }
      previous = QUOTE;
      i = end + 1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth++;
      if (depth > MAX_JSON_DEPTH) {
        return { tooDeep: `nested deeper than ${MAX_JSON_DEPTH} levels at position ${i}` };
      }
      inArray[depth] = code === OPEN_BRACKET;
      previous = code;
      i++;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (depth > 0) depth--;
      previous = code;
      i++;
    } else if (code === MINUS || (code >= ZERO && code <= NINE)) {
      const start = i;
      const literal = scanNumber(text, i);
      i = literal.end;
      if (literal.wellFormed && literal.significantDigits >= SHORTEST_UNSAFE_DIGITS && isValuePosition(previous, inArray[depth] === true)) {
        const digits = text.slice(start, i);
        // A decimal of 16 significant digits or more may not come back from a double as sent
        // (12345678901.123456 reads as ...455), nor may an integer beyond 2^53: both stay text.
        if (!literal.integer || !Number.isSafeInteger(Number(digits))) {
          const member = depth === 1 && previous === COLON ? members.at(-1) : undefined;
          if (member !== undefined) member.digits = digits;
          else quoteAt.push(start, i);
        }
      }
      previous = ZERO;
    } else {
      if (!isWhitespace(code)) previous = code;
      i++;
    }
  }
  return { quoteAt, members };
}

interface NumberLiteral {
  end: number;
  /** Follows JSON's grammar for numbers: quoting it can never make invalid JSON valid. */
  wellFormed: boolean;
  integer: boolean;
  /** Digits of the integer and fraction parts, leading zeros not counted. */
  significantDigits: number;
}

/** Reads the number literal that starts at `at` (a minus sign or a digit). */
function scanNumber(text: string, at: number): NumberLiteral {
  let i = at;
  if (text.charCodeAt(i) === MINUS) i++;
  const wholeStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  const wholeDigits = i - wholeStart;
  let wellFormed = wholeDigits > 0 && !(wholeDigits > 1 && text.charCodeAt(wholeStart) === ZERO);
  let fractionDigits = 0;
  let integer = true;
  if (text.charCodeAt(i) === DOT) {
    integer = false;
    const fractionStart = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    fractionDigits = i - fractionStart;
    if (fractionDigits === 0) wellFormed = false;
  }
  if (text.charCodeAt(i) === LOWER_E || text.charCodeAt(i) === UPPER_E) {
    integer = false;
    i++;
    if (text.charCodeAt(i) === MINUS || text.charCodeAt(i) === PLUS) i++;
    const exponentStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === exponentStart) wellFormed = false;
  }
  let leadingZeros = 0;
  for (let k = wholeStart; k < i && (text.charCodeAt(k) === ZERO || text.charCodeAt(k) === DOT); k++) {
    if (text.charCodeAt(k) === ZERO) leadingZeros++;
  }
  return { end: i, wellFormed, integer, significantDigits: wholeDigits + fractionDigits - leadingZeros };
}

function quoteLiterals(text: string, quoteAt: readonly number[]): string {
  const pieces: string[] = [];
  let copiedUpTo = 0;
  for (let k = 0; k < quoteAt.length; k += 2) {
    pieces.push(text.slice(copiedUpTo, quoteAt[k]), '"', text.slice(quoteAt[k], quoteAt[k + 1]), '"');
    copiedUpTo = quoteAt[k + 1];
  }
  pieces.push(text.slice(copiedUpTo));
  return pieces.join('');
}

/**
 * Puts the exact digits back into the top-level members JSON.parse rounded. A name given twice
 * keeps its last value, as JSON.parse does, whichever of the two was exact.
 */
function restoreTopLevelDigits(value: unknown, text: string, members: readonly TopLevelMember[]): void {
  if (!members.some((member) => member.digits !== undefined)) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const lastValue = new Map<string, string | undefined>();
  for (const member of members) lastValue.set(memberName(text, member), member.digits);
  for (const [name, digits] of lastValue) {
    if (digits !== undefined) Object.defineProperty(value, name, { value: digits, enumerable: true, writable: true, configurable: true });
  }
}

function memberName(text: string, member: TopLevelMember): string {
  const raw = text.slice(member.nameStart + 1, member.nameEnd);
  return raw.includes('\\') ? (JSON.parse(text.slice(member.nameStart, member.nameEnd + 1)) as string) : raw;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/** Where a JSON value may start: after `:`, `[`, a `,` inside an array, or at the very start. */
function isValuePosition(previous: number, inArray: boolean): boolean {
  return previous === COLON || previous === OPEN_BRACKET || previous === START || (previous === COMMA && inArray);
}

/** A quote is escaped when an odd number of backslashes precede it. */
function isEscaped(text: string, quoteAt: number): boolean {
  let backslashes = 0;
  for (let j = quoteAt - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
  return backslashes % 2 === 1;
}
